"""``tensorslow-parity bench``'s sweeps: time training steps and inference of one MLP in every framework.

Frameworks (``framework`` column of bench.csv):

``numpy``
    hand-written NumPy of the same math
    (:class:`tensorslow_parity.frameworks.numpy_mlp.NumpyMLP`): the limit for a
    NumPy engine.
``tensorslow``, ``tf1``, ``tf2``, ``keras``
    the parity adapters of :mod:`tensorslow_parity.frameworks`: ``train`` is one
    ``train_step`` (one SGD step, fetching the loss: ``Session.run`` for
    tensorslow and tf1, a ``tf.function`` for tf2, ``train_on_batch`` for
    Keras); ``forward`` is one inference call on the batch.
``keras_fit``
    ``model.fit`` for one epoch of :data:`~tensorslow_parity.bench.points.FIT_STEPS`
    batches (phase ``epoch``), on the Keras model of the ``keras`` rows, to
    show the fixed cost of an epoch; its ``train`` rows are the per-step
    equivalent, the epoch's times divided by ``FIT_STEPS``.

The points (:mod:`tensorslow_parity.bench.points`; ``sweep`` column, one
variable grows, the rest is held):

* ``batch``: batch size 1 .. 4096 of a 64-128-10 ReLU MLP (digits-sized input and
  classes, one hidden layer of 128);
* ``width``: hidden width 2 .. 1024 of a 64-W-10 ReLU MLP at batch 1024;
* ``depth``: 1 .. 8 hidden layers of 128 ReLU units (64-128x8-10) at batch 1024;
* ``model``: the course's 2-2-2 sigmoid MLP at batch 100.

``QUICK`` and ``FULL`` list the points. A point shared by several sweeps
(batch 1024, width 128, depth 1) is timed once and written under each.

How a point is timed: every framework's model is built and warmed up
(``WARMUP`` calls of each phase: sessions' first runs, ``tf.function``
traces); the warm-up sets how many calls make one block of about
``block_time`` seconds. Then ``repeats`` rounds, each timing one block of
every (framework, device, phase) in turn, round-robin, the starting one
rotating from round to round (:mod:`tensorslow_parity.bench.timing`).
bench.csv holds the min, median and max over the rounds.

Everything runs in this one process, which suits the relative growth the
sweeps show; the side-by-side engine comparison with targets
(:mod:`tensorslow_parity.bench.course`) gives every engine its own process.

Threads: TensorFlow's thread settings are left alone (its default: intra-
and inter-op pools as wide as the machine, so it uses every core), and so are
NumPy's BLAS threads (OpenBLAS also uses every core for large enough matrix
products), unless ``--blas-threads`` limits them. The figures are the default
behaviour of each library, not single-threaded costs. On a machine whose
cores other processes keep busy, multi-threaded OpenBLAS can slow down by 10
to 50 times for a while (its threads wait on each other for a time slice);
the ``numpy`` and ``tensorslow`` rows then show a min far below the median.
``--blas-threads 1`` avoids that; the ``machine`` column records the BLAS
threads of the run.

Devices: ``tf1``, ``tf2``, ``keras`` and ``keras_fit`` also run under a GPU
and a TPU when :func:`tensorslow_parity.devices.detect` finds one; otherwise their rows
are ``skipped`` with the probe's reason (and tf1 is skipped on a TPU: see
:data:`tensorslow_parity.frameworks.UNSUPPORTED_DEVICES`). ``numpy`` and ``tensorslow``
are CPU only: skipped elsewhere with that reason. A framework that raises
gets ``error`` rows holding the message, and the rest of the run goes on (a
hang is not caught: everything runs in this process).

bench.csv (:data:`tensorslow_parity.schema.BENCH_COLUMNS`) is rewritten atomically after
every point, so a run cut short leaves the points it finished.
"""
import contextlib
import importlib.metadata
import itertools
import os
import platform
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tensorslow_parity import devices as device_probe
from tensorslow_parity import frameworks, schema
from tensorslow_parity.bench import blas as blas_core
from tensorslow_parity.bench import sweep_point
from tensorslow_parity.bench.points import FIT_STEPS, FULL, QUICK
from tensorslow_parity.bench.sweep_point import Outcome, built_as, write_problem
from tensorslow_parity.bench.timing import NOISE_THRESHOLD, WARMUP
from tensorslow_parity.bench.workers import LocalWorker, start_workers
from tensorslow_parity.files import atomic_write_csv

#: Every framework the sweeps know, in table order.
FRAMEWORKS = ("numpy", "tensorslow", "jax", "torch", "tf1", "tf2", "keras", "keras_fit")

#: framework -> the phases of its rows (the first ones are timed; keras_fit's "train" is derived from "epoch").
PHASES = {f: ("train", "forward") for f in FRAMEWORKS} | {"keras_fit": ("epoch", "train")}

#: frameworks that compute with NumPy -> why they have no GPU or TPU rows
CPU_ONLY = {"numpy": "CPU only: hand-written NumPy computes on the CPU",
            "tensorslow": "CPU only: TensorSlow computes with NumPy, on the CPU",
            "jax": "CPU only: the benchmark's JAX engine is timed on the CPU",
            "torch": "CPU only: the benchmark's PyTorch engine is timed on the CPU"}


@dataclass
class BenchConfig:
    """What one benchmark run times, and how (see the module docstring)."""

    sweeps: dict  # sweep -> [Point, ...]
    frameworks: tuple = FRAMEWORKS
    dtypes: tuple = schema.DTYPES
    devices: tuple = device_probe.DEVICES
    repeats: int = 7
    block_time: float = 0.05  # seconds of calls in one timed block
    warmup: int = WARMUP
    blas_threads: int = None  # in-process runs: NumPy's BLAS threads (threadpoolctl); None: the library's default
    threads: int = 1  # every engine's thread pools, in its worker process (engines.thread_environment)
    noise_threshold: float = NOISE_THRESHOLD  # upper/lower quartile of a unit's rounds above which it is noisy
    retries: int = 1  # extra sets of rounds at a point with a noisy unit
    processes: bool = True  # each engine in its own worker process (False: all in this one; tests)
    blas_default: bool = False  # True: OpenBLAS's own core choice in every worker (no OPENBLAS_CORETYPE; bench/blas.py)

    def jobs(self):
        """The distinct (Point, dtype) to time, in sweep order."""
        points = dict.fromkeys(p for points in self.sweeps.values() for p in points)
        return [(p, dtype) for p in points for dtype in self.dtypes]


def quick_config(**changes):
    """The ``--quick`` run: :data:`QUICK`, 2 warm-up calls, 3 rounds of 10 ms blocks."""
    return replace(BenchConfig(QUICK, repeats=3, block_time=0.01, warmup=2), **changes)


def full_config(**changes):
    """The full run: :data:`FULL`, 7 rounds of 50 ms blocks."""
    return replace(BenchConfig(FULL), **changes)


# -- one point -----------------------------------------------------------------------------------------

def skip_reason(framework, device, found):
    """Why ``framework`` has no time on ``device`` (None: it runs there)."""
    if device == "cpu":
        return None
    if framework in CPU_ONLY:
        return CPU_ONLY[framework]
    if not found.get(device, {}).get("available"):
        return found.get(device, {}).get("reason", f"device {device} not probed")
    return frameworks.UNSUPPORTED_DEVICES.get(built_as(framework), {}).get(device)


def time_point(point, dtype, config, found, pool, problem):
    """:func:`tensorslow_parity.bench.sweep_point.time_point` with keras_fit's ``train`` rows derived from
    its ``epoch`` (the epoch's times divided by :data:`FIT_STEPS`)."""
    outcomes = sweep_point.time_point(point, dtype, config, found, pool, problem, PHASES, skip_reason)
    for device in config.devices:
        fit = outcomes.get(("keras_fit", device, "epoch"))
        if fit is not None:
            outcomes["keras_fit", device, "train"] = Outcome(fit.status, fit.reason,
                                                             [t / FIT_STEPS for t in fit.times], fit.noisy)
    return outcomes


# -- a run -----------------------------------------------------------------------------------------------

def blas_description():
    """NumPy's BLAS and its threads now, e.g. ``openblas 2 threads`` (empty without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ""
    return ", ".join(f"{p['internal_api']} {p['num_threads']} threads" for p in threadpool_info()
                     if p["user_api"] == "blas")


def machine_description(found, config=None, workers=None, blas=None):
    """A short description of the machine: CPU (cores), OS, Python, TensorFlow, NumPy and its BLAS threads
    (in this process, or the engines' pinned threads when they run in worker processes, with the OpenBLAS
    core of ``blas``, a :class:`~tensorslow_parity.bench.blas.BlasCore`, and any worker's note on it)."""
    cpu = found.get("cpu", {}).get("name") or device_probe.cpu_name()
    try:
        tf = f"TF {importlib.metadata.version('tensorflow')}"
    except importlib.metadata.PackageNotFoundError:
        tf = "no TensorFlow"
    about = blas_description()
    if workers and any(not isinstance(w, LocalWorker) for w in workers.values()):
        notes = [f"{e}: {w.blas_note}" for e, w in workers.items() if w.blas_note]
        cores = [f"{e} {w.hello['blas']['architecture'] or '?'}" for e, w in workers.items()
                 if isinstance(getattr(w, "hello", None), dict) and "blas" in w.hello]
        about = "; ".join([f"each engine in its own process, {config.threads} thread(s)"]
                          + ([blas.why] if blas is not None else []) + notes
                          + ([f"OpenBLAS core used: {', '.join(cores)}"] if cores else []))
    return (f"{cpu}, {platform.system()}, Python {'.'.join(platform.python_version_tuple()[:2])}, {tf}, "
            f"NumPy {np.__version__}" + (f" ({about})" if about else ""))


def bench_rows(config, results, machine):
    """bench.csv rows (:data:`tensorslow_parity.schema.BENCH_COLUMNS`) of the points in ``results``, in sweep order.

    ``results`` maps (Point, dtype) to :func:`time_point`'s outcomes; a point
    in several sweeps gives rows in each.
    """
    rows = []
    for sweep, points in config.sweeps.items():
        for point, dtype in itertools.product(points, config.dtypes):
            outcomes = results.get((point, dtype))
            if outcomes is None:
                continue
            for device, framework in itertools.product(config.devices, config.frameworks):
                for phase in PHASES[framework]:
                    o = outcomes[framework, device, phase]
                    row = dict.fromkeys(schema.BENCH_COLUMNS)
                    row.update(sweep=sweep, framework=framework, phase=phase, device=device, dtype=dtype,
                               batch_size=point.batch_size, width=point.width, depth=point.depth,
                               n_params=point.n_params, status=o.status, reason=o.reason, machine=machine,
                               noisy=o.noisy if o.status == "ok" else None)
                    if o.status == "ok":
                        row.update(repeats=len(o.times), time_min_s=min(o.times),
                                   time_median_s=statistics.median(o.times), time_max_s=max(o.times))
                    rows.append(row)
    return rows


def _probe_devices(config):
    """Start :func:`tensorslow_parity.devices.detect` in a thread when a GPU/TPU row could run; return a function that
    waits for its result. The probe's subprocess imports TensorFlow meanwhile this process does."""
    cpu = {"available": True, "name": f"{device_probe.cpu_name()} ({os.cpu_count()} cores)"}
    if all(d == "cpu" for d in config.devices) or all(f in CPU_ONLY for f in config.frameworks):
        return lambda: {"cpu": cpu}  # nothing could run on a GPU or TPU: skip_reason never asks
    box = {}
    thread = threading.Thread(target=lambda: box.update(found=device_probe.detect()), daemon=True)
    thread.start()

    def wait():
        thread.join()
        if "found" not in box:
            reason = "the device probe failed in its thread"
            return {"cpu": cpu, "gpu": {"available": False, "reason": reason},
                    "tpu": {"available": False, "reason": reason}}
        return box["found"]
    return wait


def run_bench(config, out=None, found=None, classes=None, log=None):
    """Time every point of ``config``; return the bench.csv rows, also written to ``out``/bench.csv (when
    ``out`` is given) after every point.

    ``found`` is :func:`tensorslow_parity.devices.detect`'s answer (probed when None);
    ``classes`` overrides engine name -> model class (tests inject broken
    frameworks; it runs every engine in this process); ``log`` gets progress lines.
    """
    wait = (lambda: found) if found is not None else _probe_devices(config)
    needed = list(dict.fromkeys(built_as(f) for f in config.frameworks))
    local = {e: (classes or {}).get(e) for e in needed} if classes is not None or not config.processes else None
    if log:
        where = "in this process" if local else f"each in its own process, {config.threads} thread(s) each"
        log(f"starting {', '.join(needed)} ({where})")
    blas = None if local else blas_core.detect(config.blas_default)
    if log and blas is not None:
        log(blas.why)
    workers, failed = start_workers(needed, config.threads, local, blas)
    pool = {**workers, **failed}
    found = wait()
    limits = contextlib.nullcontext()
    if config.blas_threads is not None:
        from threadpoolctl import threadpool_limits
        limits = threadpool_limits(config.blas_threads, user_api="blas")
    results, rows, jobs = {}, [], config.jobs()
    try:
        with limits, tempfile.TemporaryDirectory(prefix="tensorslow-bench-") as directory:
            machine = machine_description(found, config, workers, blas)
            for i, (point, dtype) in enumerate(jobs, 1):
                t0 = time.perf_counter()
                problem = write_problem(point, Path(directory) / f"{i}.npz")
                results[point, dtype] = time_point(point, dtype, config, found, pool, problem)
                rows = bench_rows(config, results, machine)
                if out is not None:
                    atomic_write_csv(Path(out) / schema.BENCH, rows, schema.BENCH_COLUMNS)
                if log:
                    noisy = sum(o.noisy for o in results[point, dtype].values())
                    log(f"[{i}/{len(jobs)}] {point.describe()}, {dtype}: {time.perf_counter() - t0:.1f} s"
                        + (f" ({noisy} noisy)" if noisy else ""))
    finally:
        for worker in workers.values():
            worker.close()
    return rows
