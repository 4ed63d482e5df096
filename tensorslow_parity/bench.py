"""``tensorslow-parity bench``: time training steps and inference of one MLP in every framework, side by side.

Frameworks (``framework`` column of bench.csv):

``numpy``
    hand-written NumPy of the same math (:class:`tensorslow_parity.bench_numpy.NumpyMLP`):
    the limit for a NumPy engine.
``tensorslow``, ``tf1``, ``tf2``, ``keras``
    the parity adapters of :mod:`tensorslow_parity.frameworks`: ``train`` is one
    ``train_step`` (one SGD step, fetching the loss: ``Session.run`` for
    tensorslow and tf1, a ``tf.function`` for tf2, ``train_on_batch`` for
    Keras); ``forward`` is one inference call on the batch.
``keras_fit``
    ``model.fit`` for one epoch of :data:`FIT_STEPS` batches (phase
    ``epoch``), on the Keras model of the ``keras`` rows, to show the fixed
    cost of an epoch; its ``train`` rows are the per-step equivalent, the
    epoch's times divided by :data:`FIT_STEPS`.

The model is an MLP ``n_in-(width x depth)-n_out`` with softmax
cross-entropy from logits (batch mean) and plain gradient descent; inputs are
standard normal, labels uniform, weights Glorot-uniform, all seeded. Sweeps
(``sweep`` column; one variable grows, the rest is held):

* ``batch``: batch size 1 .. 4096 of a 64-128-10 ReLU MLP (digits-sized input and
  classes, one hidden layer of 128);
* ``width``: hidden width 2 .. 1024 of a 64-W-10 ReLU MLP at batch 1024;
* ``depth``: 1 .. 8 hidden layers of 128 ReLU units (64-128x8-10) at batch 1024;
* ``model``: the course's 2-2-2 sigmoid MLP at batch 100.

:data:`QUICK` and :data:`FULL` list the points. A point shared by several
sweeps (batch 1024, width 128, depth 1) is timed once and written under each.

How a point is timed: every framework's model is built and warmed up
(:data:`WARMUP` calls of each phase: sessions' first runs, ``tf.function``
traces); the warm-up sets how many calls make one block of about
``block_time`` seconds. Then ``repeats`` rounds, each timing one block of
every (framework, device, phase) in turn, round-robin, so that machine noise
hits all of them alike; the starting framework rotates from round to round,
so that none always follows the same neighbour (TensorFlow's thread pools
spin for a while after they finish). The time per call of a block is its
``time.perf_counter`` time divided by its calls; bench.csv holds the min,
median and max over the rounds.

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

Memory: unless ``--system-malloc`` is given, the run first calls
:func:`tensorslow.allocator.hold_freed_memory`, which makes glibc's malloc keep
freed memory for reuse in the whole process, for every framework alike. With
malloc's defaults, arrays of a few MB go back to the system when freed and
every step page-faults them in afresh (about 1 µs per 4 KiB page on a virtual
machine): that measures the kernel's page handling, not the frameworks, and
swings from run to run with the state of the heap. The ``machine`` column says
which was used.

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
import math
import os
import platform
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from tensorslow_parity import devices as device_probe, frameworks, schema
from tensorslow_parity.bench_numpy import NumpyMLP
from tensorslow_parity.files import atomic_write_csv
from tensorslow_parity.runner import DEFAULT_OUT, parse_choices
from tensorslow_parity.zoo import ModelSpec, OptimizerSpec
from tensorslow import allocator

#: Every framework the benchmark knows, in table order.
FRAMEWORKS = ("numpy", "tensorslow", "tf1", "tf2", "keras", "keras_fit")

#: framework -> the phases of its rows (the first ones are timed; keras_fit's "train" is derived from "epoch").
PHASES = {f: ("train", "forward") for f in FRAMEWORKS} | {"keras_fit": ("epoch", "train")}

#: frameworks that compute with NumPy -> why they have no GPU or TPU rows
CPU_ONLY = {"numpy": "CPU only: hand-written NumPy computes on the CPU",
            "tensorslow": "CPU only: TensorSlow computes with NumPy, on the CPU"}

#: batches in one keras_fit epoch
FIT_STEPS = 8

#: warm-up calls of each phase before timing
WARMUP = 3

#: the most calls one timed block makes, however fast a call is
MAX_CALLS = 10_000

#: a timed block stops once it has taken this many times its planned time (see :func:`time_block`)
BLOCK_LIMIT = 4

#: plain gradient descent with a small rate: thousands of timed steps on one batch stay far from overflow
LEARNING_RATE = 1e-3


@dataclass(frozen=True)
class Point:
    """One timed configuration: an MLP ``n_in-(width x depth)-n_out``, hidden ``activation``, at ``batch_size``."""

    batch_size: int
    width: int
    depth: int
    n_in: int = 64
    n_out: int = 10
    activation: str = "relu"

    @property
    def widths(self):
        return (self.n_in, *(self.width,) * self.depth, self.n_out)

    @property
    def n_params(self):
        return sum(a * b + b for a, b in zip(self.widths[:-1], self.widths[1:]))

    def describe(self):
        return f"{'-'.join(map(str, self.widths))} {self.activation} MLP, batch {self.batch_size}"

    def spec(self):
        return ModelSpec(f"bench_{'-'.join(map(str, self.widths))}", self.describe(), "synthetic",
                         hidden=(self.width,) * self.depth, activation=self.activation, output="softmax",
                         batch_size=self.batch_size, steps=1, learning_rates={"sgd": LEARNING_RATE})

    def problem(self, seed=0):
        """(weights, x, y, x_epoch, y_epoch) in float64: Glorot-uniform kernels, small uniform biases, standard
        normal inputs, one-hot uniform labels; the epoch data (:data:`FIT_STEPS` batches) for keras_fit."""
        rng = np.random.default_rng(seed)
        weights = []
        for fan_in, fan_out in zip(self.widths[:-1], self.widths[1:]):
            limit = math.sqrt(6.0 / (fan_in + fan_out))
            weights += [rng.uniform(-limit, limit, (fan_in, fan_out)), rng.uniform(-0.1, 0.1, fan_out)]
        rows = self.batch_size * (1 + FIT_STEPS)
        x = rng.standard_normal((rows, self.n_in))
        y = np.eye(self.n_out)[rng.integers(0, self.n_out, rows)]
        b = self.batch_size
        return weights, x[:b], y[:b], x[b:], y[b:]


#: the course's 2-2-2 sigmoid MLP at batch 100 (examples/multi_layer_perceptron.py)
COURSE = Point(batch_size=100, width=2, depth=1, n_in=2, n_out=2, activation="sigmoid")


def make_sweeps(batches, widths, depths, batch=1024, width=128):
    """{sweep: [Point, ...]}: batch sizes of the 64-``width``-10 MLP; widths and depths at ``batch``; the course."""
    return {
        "batch": [Point(b, width, 1) for b in batches],
        "width": [Point(batch, w, 1) for w in widths],
        "depth": [Point(batch, width, d) for d in depths],
        "model": [COURSE],
    }


QUICK = make_sweeps(batches=(1, 32, 1024), widths=(2, 128, 512), depths=(1, 4))
FULL = make_sweeps(batches=(1, 4, 16, 64, 256, 1024, 4096), widths=(2, 8, 32, 128, 512, 1024), depths=(1, 2, 4, 8))


@dataclass
class BenchConfig:
    """What one benchmark run times, and how (see the module docstring)."""

    sweeps: dict  # sweep -> [Point, ...]
    frameworks: tuple = FRAMEWORKS
    dtypes: tuple = schema.DTYPES
    devices: tuple = schema.DEVICES
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
    return NumpyMLP if name == "numpy" else frameworks.load(name)


def skip_reason(framework, device, found):
    """Why ``framework`` has no time on ``device`` (None: it runs there)."""
    if device == "cpu":
        return None
    if framework in CPU_ONLY:
        return CPU_ONLY[framework]
    if not found.get(device, {}).get("available"):
        return found.get(device, {}).get("reason", f"device {device} not probed")
    return frameworks.UNSUPPORTED_DEVICES.get(_built_as(framework), {}).get(device)


def _message(e):
    text = " ".join(str(e).split()) or "no message"
    return f"{type(e).__name__}: {text[:400]}"


def _calls(framework, model, data):
    """phase -> a function making one call of it."""
    x, y, x_epoch, y_epoch = data
    if framework != "keras_fit":
        return {"train": lambda: model.train_step(x, y), "forward": lambda: model.forward(x)}

    def epoch():
        with model.tf.device(model.device_name):
            model.model.fit(x_epoch, y_epoch, batch_size=len(x), epochs=1, verbose=0, shuffle=False)
    return {"epoch": epoch}


def time_block(fn, calls, limit):
    """Seconds per call of ``calls`` calls of ``fn``, or of fewer: the block ends after the call that passes
    ``limit`` seconds, so a machine that slows down mid-run (a busy neighbour) does not stretch the run."""
    clock = time.perf_counter
    t0 = clock()
    deadline = t0 + limit
    for n in range(1, calls + 1):
        fn()
        t = clock()
        if t > deadline:
            break
    return (t - t0) / n


def calls_per_block(fn, warmup, block_time):
    """Make ``warmup`` calls of ``fn``; return how many calls take about ``block_time`` seconds, estimated from
    the fastest of them (the first includes a session's first run or a ``tf.function`` trace)."""
    fastest = math.inf
    for _ in range(max(1, warmup)):
        t0 = time.perf_counter()
        fn()
        fastest = min(fastest, time.perf_counter() - t0)
    return max(1, min(MAX_CALLS, round(block_time / max(fastest, 1e-9))))


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
                outcomes[key] = Outcome("error", _message(e))
        units = [(key, fn) for key, fn in units if key in per_block]
        for rnd in range(config.repeats):
            shift = rnd % len(units) if units else 0
            for key, fn in units[shift:] + units[:shift]:
                if outcomes[key].status != "ok":
                    continue
                try:
                    outcomes[key].times.append(time_block(fn, per_block[key], BLOCK_LIMIT * config.block_time))
                except Exception as e:  # noqa: BLE001
                    outcomes[key] = Outcome("error", _message(e))
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
    spec, optimizer = point.spec(), OptimizerSpec("sgd", LEARNING_RATE)
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
            outcomes.update({(framework, device, p): Outcome("error", _message(models[key]))
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
            f"NumPy {np.__version__}" + (f" ({blas})" if blas else "") + f", malloc {allocator.describe()}")


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


# -- the printed summary ----------------------------------------------------------------------------------

def summary(rows):
    """The text printed after a run: per sweep the median time per call with ratios to NumPy and tf1 at each
    point, the scaling fits (fixed overhead and slope), and headline ratios at the course MLP and the widest
    point."""
    import pandas as pd

    from tensorslow_parity.report.speed import fit_table, ratio_table
    from tensorslow_parity.scaling import fit_scaling, measured

    df = pd.DataFrame(rows, columns=schema.BENCH_COLUMNS)
    if not len(measured(df)):
        return "no point was timed"
    blocks = []
    with pd.option_context("display.width", 250, "display.max_columns", None, "display.max_colwidth", 40):
        for sweep in dict.fromkeys(df["sweep"]):
            table = ratio_table(df, sweep)
            if len(table.frame):
                blocks.append(f"{table.caption}:\n{table.frame.to_string(index=False)}")
        fits = fit_scaling(df)
        fits = fits[fits["n_points"] >= 2]
        if len(fits):
            blocks.append("Scaling fit t(x) = c + d x^k (tensorslow_parity.scaling.fit_scaling): c = fixed overhead per call, "
                          "d = cost per unit of x, k = log-log slope of t - c over the upper half of the sweep:\n"
                          + fit_table(fits).to_string(index=False))
    blocks.append("\n".join(headlines(df) + noise_note(df)))
    return "\n\n".join(blocks)


def noise_note(df, spread=3.0):
    """A line naming the frameworks whose max time over the rounds exceeds ``spread`` times their min at some
    point (the machine was busy while they ran), with the usual cure; none when every point is steady."""
    import pandas as pd

    from tensorslow_parity.scaling import measured

    df = measured(df)
    noisy = df[pd.to_numeric(df["time_max_s"]) > spread * pd.to_numeric(df["time_min_s"])]
    if not len(noisy):
        return []
    counts = noisy["framework"].value_counts()
    return [f"noisy: max > {spread:g}x min over the rounds at {len(noisy)} of {len(df)} timed rows ("
            + ", ".join(f"{f} {n}" for f, n in counts.items()) + "): the cores were busy; the median is the "
            "figure to read. If numpy and tensorslow dominate, OpenBLAS threads were waiting for busy cores: "
            "--blas-threads 1 avoids that"]


def headlines(df):
    """Lines comparing TensorSlow with NumPy and tf1 at the course MLP (2-2-2 sigmoid, batch 100) and at the
    widest point of the width sweep, per phase and dtype, on the CPU."""
    from tensorslow_parity.report.document import fmt_ratio, fmt_time
    from tensorslow_parity.scaling import measured

    df = measured(df)
    df = df[df["device"] == "cpu"]
    lines = []
    wide = df[df["sweep"] == "width"]
    places = [("the course's 2-2-2 sigmoid MLP at batch 100", df[(df["sweep"] == "model")
                                                               & (df["n_params"] == COURSE.n_params)])]
    if len(wide):
        point = wide[wide["width"] == wide["width"].max()].iloc[0]
        places.append((f"width {point['width']} (64-{point['width']}-10 ReLU, batch {point['batch_size']})",
                       wide[wide["width"] == point["width"]]))
    for title, at in places:
        for (phase, dtype), group in at.groupby(["phase", "dtype"], sort=False):
            t = group.set_index("framework")["time_median_s"]
            if "tensorslow" not in t:
                continue
            parts = [f"TensorSlow {fmt_time(t['tensorslow'])}"]
            if "numpy" in t:
                parts.append(f"{fmt_ratio(t['tensorslow'] / t['numpy'])} NumPy's {fmt_time(t['numpy'])}")
            if "tf1" in t:
                parts.append(f"tf1 {fmt_time(t['tf1'])} = {fmt_ratio(t['tf1'] / t['tensorslow'])} TensorSlow's")
            lines.append(f"{title}, {phase}, {dtype}: " + "; ".join(parts))
    return lines or ["no TensorSlow time at the course MLP or the widest point"]


# -- command line ---------------------------------------------------------------------------------------------

def _sweep_lines(config, duration):
    axes = {"batch": "batch_size", "width": "width", "depth": "depth"}
    points = "; ".join(f"{name} {','.join(str(getattr(p, axes[name])) for p in config.sweeps[name])}" for name in axes)
    return [points + "; model (the course MLP)",
            f"{config.warmup} warm-up calls, {config.repeats} rounds of {config.block_time * 1e3:g} ms blocks: "
            f"{duration} on 2 cores"]


def configure(parser):
    import argparse
    import textwrap
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    quick, full = _sweep_lines(quick_config(), "under a minute"), _sweep_lines(full_config(), "3 to 5 minutes")
    parser.epilog = "\n".join([
        textwrap.fill("Times one training step and one inference call of an MLP (softmax cross-entropy from "
                      "logits, SGD) in hand-written NumPy, TensorSlow, tf1, tf2 and Keras (train_on_batch; "
                      "model.fit epochs as keras_fit), side by side, in float32 and float64, and writes "
                      "OUT/bench.csv.", 100),
        "",
        "sweeps: batch: a 64-128-10 ReLU MLP; width: 64-W-10 ReLU at batch 1024; depth: 64-(128 x D)-10 ReLU",
        "at batch 1024; model: the course's 2-2-2 sigmoid MLP at batch 100.",
        f"  --quick: {quick[0]}", f"           {quick[1]}",
        f"  full:    {full[0]}", f"           {full[1]}",
        "",
        textwrap.fill("GPU and TPU rows run where tensorslow_parity.devices finds one (tf1, tf2, keras, keras_fit) and are "
                      "skipped with the reason otherwise.", 100)])
    parser.add_argument("--quick", action="store_true", help="the small sweep (what make report uses)")
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"results directory (default: {DEFAULT_OUT})")
    parser.add_argument("--frameworks", help=f"comma-separated (default: all): {', '.join(FRAMEWORKS)}")
    parser.add_argument("--dtypes", help="comma-separated (default: all): float32,float64")
    parser.add_argument("--devices", default="auto",
                        help="comma-separated from cpu,gpu,tpu, or auto (default): all three, absent ones skipped "
                             "with the reason")
    parser.add_argument("--sweeps", help="comma-separated (default: all): batch,width,depth,model")
    parser.add_argument("--repeats", type=int, help="timed rounds per point (default: 3 with --quick, else 7)")
    parser.add_argument("--block-time", type=float,
                        help="seconds of calls in one timed block (default: 0.01 with --quick, else 0.05)")
    parser.add_argument("--blas-threads", type=int,
                        help="limit NumPy's BLAS to this many threads for the run (threadpoolctl; default: the "
                             "library's own, all cores). 1 avoids OpenBLAS's slowdowns when other processes keep "
                             "the cores busy")
    parser.add_argument("--system-malloc", action="store_true",
                        help="leave glibc's malloc as it is. By default the run first calls "
                             "tensorslow.allocator.hold_freed_memory(), for every framework alike, so that "
                             "arrays of a few MB are not page-faulted in afresh at every step (TensorFlow's "
                             "allocators keep freed memory too); the machine column says which was used")


def main(args):
    config = quick_config() if args.quick else full_config()
    sweeps = parse_choices(args.sweeps, list(config.sweeps), "sweep")
    config = replace(config, sweeps={s: config.sweeps[s] for s in sweeps},
                     frameworks=tuple(parse_choices(args.frameworks, FRAMEWORKS, "framework")),
                     dtypes=tuple(parse_choices(args.dtypes, schema.DTYPES, "dtype")),
                     devices=tuple(parse_choices(None if args.devices == "auto" else args.devices, schema.DEVICES,
                                            "device")))
    if args.repeats is not None:
        if args.repeats < 1:
            raise SystemExit("error: --repeats must be at least 1")
        config.repeats = args.repeats
    if args.block_time is not None:
        if args.block_time <= 0:
            raise SystemExit("error: --block-time must be positive")
        config.block_time = args.block_time
    if args.blas_threads is not None:
        if args.blas_threads < 1:
            raise SystemExit("error: --blas-threads must be at least 1")
        config.blas_threads = args.blas_threads
    if not args.system_malloc:
        allocator.hold_freed_memory()
    t0 = time.monotonic()
    rows = run_bench(config, out=args.out, log=lambda line: print(line, file=sys.stderr, flush=True))
    print(summary(rows))
    errors = [r for r in rows if r["status"] == "error"]
    for r in {(r["framework"], r["device"], r["dtype"], r["reason"]): r for r in errors}.values():
        print(f"ERROR: {r['framework']}/{r['device']}/{r['dtype']}: {r['reason']}")
    print(f"{len(rows)} rows ({sum(r['status'] == 'ok' for r in rows)} timed, "
          f"{sum(r['status'] == 'skipped' for r in rows)} skipped, {len(errors)} errors) in "
          f"{time.monotonic() - t0:.0f} s; {Path(args.out) / schema.BENCH}")
    return 1 if errors else 0
