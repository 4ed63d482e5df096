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
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from tensorslow_parity import devices as device_probe
from tensorslow_parity import frameworks, schema
from tensorslow_parity.bench import engines
from tensorslow_parity.bench.points import FIT_STEPS, FULL, QUICK
from tensorslow_parity.bench.timing import BLOCK_LIMIT, WARMUP, calls_per_block, error_message, rotated, time_block
from tensorslow_parity.files import atomic_write_csv

#: Every framework the sweeps know, in table order.
FRAMEWORKS = ("numpy", "tensorslow", "tf1", "tf2", "keras", "keras_fit")

#: framework -> the phases of its rows (the first ones are timed; keras_fit's "train" is derived from "epoch").
PHASES = {f: ("train", "forward") for f in FRAMEWORKS} | {"keras_fit": ("epoch", "train")}

#: frameworks that compute with NumPy -> why they have no GPU or TPU rows
CPU_ONLY = {"numpy": "CPU only: hand-written NumPy computes on the CPU",
            "tensorslow": "CPU only: TensorSlow computes with NumPy, on the CPU"}


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
    blas_threads: int = None  # NumPy's BLAS threads during the run (threadpoolctl); None: the library's default

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

@dataclass
class Outcome:
    """One (framework, device, phase) at one point: per-call times of the rounds, or why there are none."""

    status: str = "ok"  # ok, skipped or error
    reason: str = ""
    times: list = field(default_factory=list)


def _built_as(framework):
    """The framework whose model ``framework`` times (keras_fit fits the keras model)."""
    return "keras" if framework == "keras_fit" else framework


def model_class(framework, classes=None):
    """The model class that builds ``framework``; ``classes`` overrides it by name (tests inject failures)."""
    name = _built_as(framework)
    if classes and name in classes:
        return classes[name]
    return engines.model_class(name)


def skip_reason(framework, device, found):
    """Why ``framework`` has no time on ``device`` (None: it runs there)."""
    if device == "cpu":
        return None
    if framework in CPU_ONLY:
        return CPU_ONLY[framework]
    if not found.get(device, {}).get("available"):
        return found.get(device, {}).get("reason", f"device {device} not probed")
    return frameworks.UNSUPPORTED_DEVICES.get(_built_as(framework), {}).get(device)


def _calls(framework, model, data):
    """phase -> a function making one call of it."""
    x, y, x_epoch, y_epoch = data
    if framework != "keras_fit":
        return {"train": lambda: model.train_step(x, y), "forward": lambda: model.forward(x)}

    def epoch():
        with model.tf.device(model.device_name):
            model.model.fit(x_epoch, y_epoch, batch_size=len(x), epochs=1, verbose=0, shuffle=False)
    return {"epoch": epoch}


def time_point(point, dtype, config, found, classes=None):
    """Time every framework of ``config`` on every device at ``point`` in ``dtype``: build, warm up, then
    ``config.repeats`` round-robin rounds of one block per (framework, device, phase).

    Returns {(framework, device, phase): Outcome} with every phase of
    :data:`PHASES` (keras_fit's ``train`` derived from its ``epoch``).
    """
    outcomes, units, models = _build(point, dtype, config, found, classes)
    try:
        per_block = {}
        for key, fn in units:
            try:
                per_block[key] = calls_per_block(fn, config.warmup, config.block_time)
            except Exception as e:  # noqa: BLE001 (a failing framework gets error rows; the rest goes on)
                outcomes[key] = Outcome("error", error_message(e))
        units = [(key, fn) for key, fn in units if key in per_block]
        for rnd in range(config.repeats):
            for key, fn in rotated(units, rnd):
                if outcomes[key].status != "ok":
                    continue
                try:
                    outcomes[key].times.append(time_block(fn, per_block[key], BLOCK_LIMIT * config.block_time))
                except Exception as e:  # noqa: BLE001
                    outcomes[key] = Outcome("error", error_message(e))
    finally:
        for model in models.values():
            if not isinstance(model, Exception):
                model.close()
    for device in config.devices:
        fit = outcomes.get(("keras_fit", device, "epoch"))
        if fit is not None:
            outcomes["keras_fit", device, "train"] = Outcome(fit.status, fit.reason,
                                                             [t / FIT_STEPS for t in fit.times])
    return outcomes


def _build(point, dtype, config, found, classes):
    """Build the models of ``point``: (outcomes so far, [((framework, device, phase), call), ...] to time,
    {(framework built, device): model or the exception its constructor raised})."""
    weights, *data = point.problem()
    data = [a.astype(dtype) for a in data]
    spec, optimizer = point.spec(), point.optimizer()
    outcomes, units, models = {}, [], {}
    for device, framework in itertools.product(config.devices, config.frameworks):
        reason = skip_reason(framework, device, found)
        if reason is not None:
            outcomes.update({(framework, device, p): Outcome("skipped", reason) for p in PHASES[framework]})
            continue
        key = _built_as(framework), device
        if key not in models:
            try:
                models[key] = model_class(framework, classes)(spec, optimizer, weights, dtype, device)
            except Exception as e:  # noqa: BLE001
                models[key] = e  # kept: keras_fit reports the failure of the keras model it shares
        if isinstance(models[key], Exception):
            outcomes.update({(framework, device, p): Outcome("error", error_message(models[key]))
                             for p in PHASES[framework]})
            continue
        for phase, fn in _calls(framework, models[key], data).items():
            outcomes[framework, device, phase] = Outcome()
            units.append(((framework, device, phase), fn))
    return outcomes, units, models


# -- a run -----------------------------------------------------------------------------------------------

def blas_description():
    """NumPy's BLAS and its threads now, e.g. ``openblas 2 threads`` (empty without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ""
    return ", ".join(f"{p['internal_api']} {p['num_threads']} threads" for p in threadpool_info()
                     if p["user_api"] == "blas")


def machine_description(found):
    """A short description of the machine: CPU (cores), OS, Python, TensorFlow, NumPy and its BLAS threads."""
    cpu = found.get("cpu", {}).get("name") or device_probe.cpu_name()
    try:
        tf = f"TF {importlib.metadata.version('tensorflow')}"
    except importlib.metadata.PackageNotFoundError:
        tf = "no TensorFlow"
    blas = blas_description()
    return (f"{cpu}, {platform.system()}, Python {'.'.join(platform.python_version_tuple()[:2])}, {tf}, "
            f"NumPy {np.__version__}" + (f" ({blas})" if blas else ""))


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
                               n_params=point.n_params, status=o.status, reason=o.reason, machine=machine)
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
    ``classes`` overrides framework name -> model class (tests inject broken
    frameworks); ``log`` gets one progress line per point.
    """
    wait = (lambda: found) if found is not None else _probe_devices(config)
    if any(f not in CPU_ONLY for f in config.frameworks):
        try:
            import tensorflow  # noqa: F401 (imported now, while the device probe runs, not inside a timing)
        except Exception:  # noqa: BLE001,S110 (a missing TensorFlow shows as error rows of its frameworks)
            pass
    found = wait()
    limits = contextlib.nullcontext()
    if config.blas_threads is not None:
        from threadpoolctl import threadpool_limits
        limits = threadpool_limits(config.blas_threads, user_api="blas")
    results, rows, jobs = {}, [], config.jobs()
    with limits:
        machine = machine_description(found)
        for i, (point, dtype) in enumerate(jobs, 1):
            t0 = time.perf_counter()
            results[point, dtype] = time_point(point, dtype, config, found, classes)
            rows = bench_rows(config, results, machine)
            if out is not None:
                atomic_write_csv(Path(out) / schema.BENCH, rows, schema.BENCH_COLUMNS)
            if log:
                log(f"[{i}/{len(jobs)}] {point.describe()}, {dtype}: {time.perf_counter() - t0:.1f} s")
    return rows


