"""``run --jobs N``: the matrix's cells in N worker processes at once, with results identical to a serial run.

Cells are independent: each builds its model afresh from the same saved
problem, so which process runs a cell, and what ran before it there, does not
change its numbers. The work is cut into *units*, each a list of cells of one
framework and device that one worker subprocess runs in order
(:func:`tensorslow_parity.run.subprocesses.run_group`, with its timeouts and
fault handling unchanged); N threads each drive one unit at a time, largest
first. A unit is a whole (framework, device) group, since a worker's start-up
(importing TensorFlow, JAX or PyTorch) is the dearest part of a small cell;
only when there are fewer groups than jobs are the largest groups halved, so
that every job has work.

If the run is interrupted (Ctrl-C, SIGTERM) the other threads are told to stop:
each kills its worker within a second and starts no other.

This is a fan-out on one machine. Across machines the same cells fan out on an
existing runner instead (README, "Running the matrix in parallel"): each cell
is a ``run --models M --optimizers O --frameworks F --devices D --dtypes T``
invocation against a saved reference (``run --reference DIR``).
"""
import concurrent.futures
import threading

from tensorslow_parity.run.subprocesses import run_group


def units(cells, jobs):
    """``cells`` cut into [((framework, device), [cell, ...], part), ...]: one unit per (framework, device),
    the largest halved while there are fewer units than ``jobs``; ``part`` numbers the halves (None if whole)."""
    groups = {}
    for cell in cells:
        groups.setdefault((cell.framework, cell.device), []).append(cell)
    cut = [[key, group, None] for key, group in groups.items()]
    while len(cut) < jobs:
        i = max(range(len(cut)), key=lambda k: len(cut[k][1]), default=None)
        if i is None or len(cut[i][1]) < 2:
            break
        key, group, _ = cut[i]
        half = (len(group) + 1) // 2
        cut[i:i + 1] = [[key, group[:half], None], [key, group[half:], None]]
    for key in groups:  # number the parts of each split group, so their files never collide
        parts = [u for u in cut if u[0] == key]
        if len(parts) > 1:
            for n, u in enumerate(parts, 1):
                u[2] = n
    return [tuple(u) for u in cut]


def run_cells(cells, problems, workdir, jobs=1, on_start=None, on_done=None, **kwargs):
    """Run ``cells`` in ``jobs`` worker processes at once; return {cell id: Outcome}.

    ``kwargs`` go to :func:`run_group` (timeouts, ``worker``, ``versions``);
    ``on_start(framework, device)`` is called as a unit starts, ``on_done(cell,
    outcome)`` after each cell (both from the unit's thread when ``jobs`` > 1).
    With ``jobs`` == 1 the units run one after another in this thread, in matrix order.
    """
    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive whole number, not {jobs!r}")
    work = units(cells, jobs)
    lock = threading.Lock()

    def done(cell, outcome):
        if on_done:
            with lock:
                on_done(cell, outcome)

    def run_unit(unit, stop=None):
        (framework, device), group, part = unit
        if on_start:
            with lock:
                on_start(framework, device)
        return run_group(framework, device, group, problems, workdir, on_done=done, part=part, stop=stop,
                         **kwargs)

    outcomes = {}
    if jobs == 1:
        for unit in work:
            outcomes.update(run_unit(unit))
        return outcomes
    stop = threading.Event()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="parity-job")
    try:
        futures = [pool.submit(run_unit, u, stop) for u in sorted(work, key=lambda u: -len(u[1]))]
        for future in futures:
            outcomes.update(future.result())
    except BaseException:
        stop.set()  # the other units kill their workers within a second and start no more
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return outcomes
