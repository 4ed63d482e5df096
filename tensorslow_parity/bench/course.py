"""The course benchmark (``make bench``): one SGD step of the course's MLP and its bigger siblings in every
engine, side by side in one run, checked against the speed targets.

What is timed (:data:`CASES`): one training step (forward, mean softmax
cross-entropy from logits, backward, plain SGD update, the loss fetched) of

* the course's 2-2-2 sigmoid MLP at batch 100, in float64 and float32;
* a 64-128-10 ReLU MLP at batch 256, float32;
* a 64-512-10 ReLU MLP at batch 1024, float32 and float64;
* a LeNet-style CNN on 28x28x1 images at batch 64, float32 (:mod:`~tensorslow_parity.bench.lenet`: TensorSlow
  and tf1 only; the other engines are skipped there, and tf1's first-step loss is its reference);
* an LSTM classifier (dynamic_rnn, 64 units, 20 steps of 28 inputs) at batch 32, float32
  (:mod:`~tensorslow_parity.bench.lstm`: TensorSlow and tf1 only, as LeNet);

in every engine of :mod:`tensorslow_parity.bench.engines`: hand-written
NumPy, TensorSlow, JAX jit, PyTorch eager, tf1 Session, TF2 tf.function and
Keras train_on_batch. The weights, inputs and labels are drawn once with
NumPy from a seed (:meth:`tensorslow_parity.bench.points.Point.problem`) and
handed to every engine; each engine's first step must give NumPy's loss (to
:data:`tensorslow_parity.tolerances.MODEL_CHECK_TOLERANCES`), or its times
are not used.

How (see :mod:`~tensorslow_parity.bench.worker` and :mod:`~tensorslow_parity.bench.timing`):
each engine lives in its own long-lived worker process with its threads
pinned (``--threads``, default 1). After warm-up the parent runs ``rounds``
rounds; each round asks every engine in turn, at every case, to time one
block of about ``block_time`` seconds of steps, the engine order rotating
from round to round. An engine's figure is the median over the rounds, shown
with the min and max. A case where some engine's spread (upper over lower
quartile of its rounds) exceeds ``noise_threshold``, or where a target cannot
be decided yet (its paired ratio's interval, :mod:`~tensorslow_parity.bench.noise`,
holds the target's limit), gets ``rounds`` more rounds, all its engines
interleaved as before, up to ``retries`` times; the rounds add up (more rounds,
a narrower interval). An engine still over the threshold is marked noisy, in
the table and in the verdict of any target that reads it; a target still
undecided says the machine was too noisy to decide it.

The BLAS (:mod:`~tensorslow_parity.bench.blas`): the NumPy-based engines
(NumPy by hand, TensorSlow) run their matrix products on NumPy's OpenBLAS,
tf1 on oneDNN, which uses AVX-512 where the CPU has it. Where the CPU has
AVX-512 and OpenBLAS picked older kernels (a CPU its table does not know:
``Haswell`` AVX2 kernels, about half the speed), those two workers start with
``OPENBLAS_CORETYPE=SkylakeX``, so that the LeNet ratio measures TensorSlow
rather than OpenBLAS's CPU table; each worker reports the core OpenBLAS then
uses, and one that did not take it is restarted with OpenBLAS's choice. An
``OPENBLAS_CORETYPE`` in the environment is kept (the output says when it
names pre-AVX-512 kernels on an AVX-512 CPU), and ``--blas-default``
(``blas_default``) keeps OpenBLAS's own choice. The output's ``BLAS of the
NumPy-based engines`` line says which core and why, each engine's line the
core it ran. On the project's machine OpenBLAS 0.3.31 picks ``SkylakeX`` by
itself, but its environment sets ``OPENBLAS_CORETYPE=Haswell``: kept, the
LeNet step measured 2.34x and 2.60x tf1 (FAIL); with the variable unset,
1.66x to 1.77x (PASS; 2026-12-02, two runs with it and three without, a busy machine, load
average 4.6 to 6.3: see README's Speed section).

The targets (:data:`TARGETS`), from the issue: in the default configuration,
TensorSlow's step of the course MLP (float64) at most 1.5x hand-written
NumPy's and faster than tf1, TF2, Keras, PyTorch eager and JAX jit; at
64-512-10, batch 1024, at most 1.2x NumPy's in float32 and float64; the LeNet step at most 2x tf1's;
the LSTM step at most 2x tf1's.
"""
import math
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from tensorslow_parity.bench import blas as blas_core
from tensorslow_parity.bench.engines import ENGINES, missing_reason
from tensorslow_parity.bench.lenet import LeNetPoint
from tensorslow_parity.bench.lstm import LSTMPoint
from tensorslow_parity.bench.noise import decide, median_interval, paired_ratios
from tensorslow_parity.bench.points import COURSE, Point
from tensorslow_parity.bench.timing import BLOCK_LIMIT, NOISE_THRESHOLD, Spread, rotated
from tensorslow_parity.bench.workers import WorkerError, start_workers
from tensorslow_parity.tolerances import MODEL_CHECK_TOLERANCES


@dataclass(frozen=True)
class Case:
    """One timed training step: a :class:`~tensorslow_parity.bench.points.Point` in one dtype."""

    point: Point
    dtype: str

    @property
    def key(self):
        return f"{self.point.shape}/{self.point.batch_size}/{self.dtype}"

    def describe(self):
        return f"{self.point.shape} {self.point.activation}, batch {self.point.batch_size}, {self.dtype}"

    def short(self):
        """``2-2-2 b100 f64``: a column heading."""
        return f"{self.point.shape} b{self.point.batch_size} f{self.dtype[-2:]}"


WIDE = Point(batch_size=1024, width=512, depth=1)
CASES = (Case(COURSE, "float64"), Case(COURSE, "float32"), Case(Point(batch_size=256, width=128, depth=1), "float32"),
         Case(WIDE, "float32"), Case(WIDE, "float64"))
LENET = Case(LeNetPoint(), "float32")
LSTM = Case(LSTMPoint(), "float32")


@dataclass(frozen=True)
class Target:
    """``engine``'s median step at ``case`` divided by ``baseline``'s must be at most ``max_ratio`` (below it
    when ``strict``: "faster than")."""

    case: Case
    engine: str
    baseline: str
    max_ratio: float
    strict: bool = False

    def describe(self):
        if self.strict and self.max_ratio == 1:
            return f"{self.engine} faster than {self.baseline} at {self.case.describe()}"
        return f"{self.engine} at most {self.max_ratio:g}x {self.baseline} at {self.case.describe()}"

    def met(self, ratio):
        return ratio < self.max_ratio if self.strict else ratio <= self.max_ratio


TARGETS = (Target(CASES[0], "tensorslow", "numpy", 1.5),
           *(Target(CASES[0], "tensorslow", other, 1.0, strict=True) for other in ("tf1", "tf2", "keras", "torch",
                                                                                   "jax")),
           Target(CASES[3], "tensorslow", "numpy", 1.2), Target(CASES[4], "tensorslow", "numpy", 1.2),
           Target(LENET, "tensorslow", "tf1", 2.0), Target(LSTM, "tensorslow", "tf1", 2.0))


@dataclass
class CourseConfig:
    """What one course run times, and how (see the module docstring)."""

    engines: tuple = ENGINES
    cases: tuple = (*CASES, LENET, LSTM)
    rounds: int = 7
    block_time: float = 0.02  # seconds of steps in one timed block
    warmup: int = 5  # steps after the first, before the block size is set
    threads: int = 1  # every engine's thread pools (BLAS, OpenMP, TensorFlow, PyTorch, XLA)
    noise_threshold: float = NOISE_THRESHOLD  # upper/lower quartile of the rounds above which it is noisy
    retries: int = 2  # extra attempts at a noisy case
    seed: int = 0
    targets: tuple = TARGETS
    blas_default: bool = False  # True: OpenBLAS's own core choice in every worker (no OPENBLAS_CORETYPE; bench/blas.py)


@dataclass
class Measurement:
    """One engine at one case: the per-step times of the kept attempt's rounds, or why there are none."""

    status: str = "ok"  # ok, skipped or error
    reason: str = ""
    times: list = field(default_factory=list)
    loss: float = None  # of the first step, from the shared initial weights
    calls: int = 0  # steps per timed block

    @property
    def spread(self):
        return Spread.of(self.times) if self.status == "ok" and self.times else None


@dataclass
class CourseResult:
    """A run: {(engine, case key): Measurement}, {engine: its threads and versions, or why it is absent},
    {case key: attempts made}, the config, the seconds it took, and the OpenBLAS core given to the NumPy-based
    engines (:class:`~tensorslow_parity.bench.blas.BlasCore`, None: not checked)."""

    config: CourseConfig
    measurements: dict
    engines: dict
    attempts: dict
    seconds: float = 0.0
    blas: object = None

    def get(self, engine, case):
        return self.measurements.get((engine, case.key)) or Measurement("skipped", f"{engine} not in this run")


def loss_check(loss, reference, dtype, baseline="numpy"):
    """None if ``loss`` is ``reference`` (``baseline``'s) to the model checks' loss tolerance in ``dtype``, else why
    not."""
    tol = MODEL_CHECK_TOLERANCES[dtype]["loss"]
    err = abs(loss - reference) / max(abs(reference), np.finfo(dtype).tiny)
    if err <= tol and math.isfinite(loss):
        return None
    whose = "NumPy's" if baseline == "numpy" else f"{baseline}'s"
    return f"first-step loss {loss!r} is not {whose} {reference!r} (relative error {err:.1e} > {tol:g})"


def write_problems(cases, directory, seed):
    """Draw every case's weights, batch and labels once (float64) into ``directory``/<n>.npz: {case key: path}."""
    paths = {}
    for i, case in enumerate(cases):
        weights, x, y, _, _ = case.point.problem(seed, epoch_batches=0)
        paths[case.key] = str(Path(directory) / f"{i}.npz")
        np.savez(paths[case.key], x=x, y=y, **{f"w{j}": w for j, w in enumerate(weights)})
    return paths


def _build_all(workers, config, problems, measurements):
    """Send every build request to every worker (their builds overlap), then record each reply."""
    for engine, worker in workers.items():
        for case in _built_by(engine, config.cases, measurements):
            worker.send({"cmd": "build", "case": case.key, "point": asdict(case.point), "dtype": case.dtype,
                         "problem": problems[case.key], "warmup": config.warmup, "block_time": config.block_time})
    for engine, worker in list(workers.items()):
        for case in _built_by(engine, config.cases, measurements):
            try:
                reply = worker.receive()
            except WorkerError as e:
                _worker_lost(engine, workers, measurements, config.cases, str(e))
                break
            m = measurements[engine, case.key]
            if reply["ok"] and "train" in reply["calls"]:
                m.loss, m.calls = reply["loss"], reply["calls"]["train"]
            elif reply["ok"]:
                m.status, m.reason = "error", reply["errors"]["train"]
            else:
                m.status, m.reason = "error", reply["error"]


def _built_by(engine, cases, measurements):
    """The cases ``engine`` builds: those not skipped for it (a case only some engines implement)."""
    return [case for case in cases if measurements[engine, case.key].status == "ok"]


def _worker_lost(engine, workers, measurements, cases, reason):
    """A worker that died or hung: its measurements still to come become errors, and it is closed."""
    for case in cases:
        m = measurements[engine, case.key]
        if m.status == "ok":
            m.status, m.reason, m.times = "error", reason, []
    workers.pop(engine).close()


def _check_losses(config, measurements):
    """Engines whose first-step loss is not NumPy's at a case get an error there (their math differs)."""
    for case in config.cases:
        baseline = getattr(case.point, "reference", "numpy")
        reference = measurements.get((baseline, case.key))
        if reference is None or reference.status != "ok":
            continue
        for engine in config.engines:
            m = measurements[engine, case.key]
            if engine != baseline and m.status == "ok":
                problem = loss_check(m.loss, reference.loss, case.dtype, baseline)
                if problem:
                    m.status, m.reason = "error", problem


def _time_rounds(workers, cases, rounds, config, measurements, offset=0, log=None):
    """``rounds`` rounds: each times one block of every engine at every case in ``cases``, the engines'
    order rotating from round to round. Returns {(engine, case key): [seconds per step, ...]}. ``log`` gets
    a line per round."""
    times, t0 = {}, time.monotonic()
    for r in range(rounds):
        if log:
            log(f"round {r + 1}/{rounds} ({time.monotonic() - t0:.0f} s)")
        for c, case in enumerate(cases):
            for engine in rotated(list(workers), offset + r + c):
                m = measurements[engine, case.key]
                if m.status != "ok":
                    continue
                try:
                    reply = workers[engine].request({"cmd": "time", "case": case.key, "calls": m.calls,
                                                     "limit": BLOCK_LIMIT * config.block_time})
                except WorkerError as e:
                    _worker_lost(engine, workers, measurements, config.cases, str(e))
                    continue
                if reply["ok"]:
                    times.setdefault((engine, case.key), []).append(reply["seconds"])
                else:
                    m.status, m.reason = "error", reply["error"]
    return times


def _worst_spread(times, case, measurements):
    ratios = [Spread.of(t).ratio for (engine, key), t in times.items()
              if key == case.key and measurements[engine, key].status == "ok"]
    return max(ratios, default=1.0)


def undecided(case, times, config, measurements):
    """The targets at ``case`` that the rounds in ``times`` cannot decide yet (both engines timed, the
    paired ratio's interval holding the limit)."""
    found = []
    for target in config.targets:
        if target.case.key != case.key:
            continue
        pair = [times.get((e, case.key)) for e in (target.engine, target.baseline)]
        if any(not t or measurements[e, case.key].status != "ok" for e, t in zip((target.engine, target.baseline),
                                                                               pair)):
            continue
        if decide(median_interval(paired_ratios(*pair)), target.max_ratio, target.strict) == "UNDECIDED":
            found.append(target)
    return found


def _measure(workers, config, measurements, attempts, log):
    """The rounds of every case, then up to ``config.retries`` times ``config.rounds`` more rounds of each
    case that is noisy or has a target not decided yet; every round counts."""
    times = _time_rounds(workers, config.cases, config.rounds, config, measurements, log=log)
    for case in config.cases:
        attempts[case.key] = 1
        while attempts[case.key] <= config.retries and workers:
            spread = _worst_spread(times, case, measurements)
            open_targets = undecided(case, times, config, measurements)
            if spread <= config.noise_threshold and not open_targets:
                break
            if log:
                why = ([f"upper/lower quartile {spread:.2f} > {config.noise_threshold:g}"]
                       * (spread > config.noise_threshold)
                       + [f"{len(open_targets)} target(s) not decided"] * bool(open_targets))
                log(f"{case.describe()}: {' and '.join(why)}: {config.rounds} more rounds")
            again = _time_rounds(workers, [case], config.rounds, config, measurements, offset=attempts[case.key])
            for key, t in again.items():
                times.setdefault(key, []).extend(t)
            attempts[case.key] += 1
    for (engine, key), t in times.items():
        measurements[engine, key].times = t
    for m in measurements.values():
        if m.status == "ok" and not m.times:
            m.status, m.reason = "error", "no block was timed"


def run_course(config=None, log=None):
    """Time every engine of ``config`` at every case; return a :class:`CourseResult`.

    ``log`` gets progress lines. Engines whose modules are missing are
    ``skipped`` with the reason; an engine that fails to load, build, step or
    agree with NumPy's loss gets ``error`` measurements with the message; the
    others go on.
    """
    config = config or CourseConfig()
    t0 = time.monotonic()
    measurements = {(e, c.key): Measurement() if e in getattr(c.point, "engines", ENGINES)
                    else Measurement("skipped", f"{c.point.shape} is implemented in {', '.join(c.point.engines)} only")
                    for e in config.engines for c in config.cases}
    engines, absent = {}, {}
    for engine in config.engines:
        reason = missing_reason(engine)
        if reason:
            absent[engine] = ("skipped", reason)
    blas = blas_core.detect(config.blas_default)
    if log:
        log(f"starting {len(config.engines) - len(absent)} engine processes ({config.threads} thread(s) each); "
            f"{blas.why}")
    workers, failed = start_workers([e for e in config.engines if e not in absent], config.threads, blas=blas)
    absent.update({engine: ("error", reason) for engine, reason in failed.items()})
    for engine, (status, reason) in absent.items():
        engines[engine] = f"{status}: {reason}"
        for case in config.cases:
            measurements[engine, case.key] = Measurement(status, reason)
    engines.update({e: f"{w.hello['versions']}; {w.hello['threads']}" + (f" ({w.blas_note})" if w.blas_note else "")
                    for e, w in workers.items()})
    attempts = {}
    try:
        with tempfile.TemporaryDirectory(prefix="tensorslow-bench-") as directory:
            problems = write_problems(config.cases, directory, config.seed)
            if log:
                log("building and warming up every model")
            _build_all(workers, config, problems, measurements)
        _check_losses(config, measurements)
        if log:
            log(f"timing: {config.rounds} rounds of {config.block_time * 1e3:g} ms blocks, engines interleaved")
        _measure(workers, config, measurements, attempts, log)
    finally:
        for worker in workers.values():
            worker.close()
    return CourseResult(config, measurements, engines, attempts, time.monotonic() - t0, blas)
