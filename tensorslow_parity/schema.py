"""The files of a results directory: their names and columns, in one place.

Every writer (``run``, ``ops``, ``bench``) and every reader (``report``, the
migration guide) imports these lists, so a column is renamed in one place.

A results directory holds whichever of these exist:

``results.csv``
    One row per (model, optimizer, framework, device, dtype). ``status`` is
    ``passed`` (every check passed), ``failed`` (at least one check failed;
    ``reason`` names them), ``skipped`` (device absent; ``reason`` says why) or
    ``error`` (the framework crashed, hung or is not installed; ``reason`` holds
    the message). Each check in :data:`CHECKS` has three columns:
    ``<check>_err`` (the measured error), ``<check>_tol`` (the tolerance it is
    held to) and ``<check>_pass`` (``True``/``False``; empty when not run);
    the checks of :data:`MODE_CHECKS` are made in some runs only.
    ``note`` explains a documented framework difference that applies to the row.
    ``init`` says how the row's initial weights came (:data:`INIT_VALUES`):
    ``injected`` (drawn once with NumPy and loaded, ``run --init injected``,
    the default), ``same-seed`` (drawn by the framework itself with TF1's
    initializers under the model's seed, ``run --init same-seed``: TensorSlow
    and tf1) or ``same-seed draw, injected`` (TensorSlow's same-seed draw,
    loaded: the frameworks that cannot draw TF1's streams). The
    ``initial_weights`` check runs in same-seed mode only.
``gradients.csv``
    One row per variable of each row of results.csv that ran: the per-variable
    gradient errors behind ``gradients_err``.
``trajectories.csv``
    One row per training step: the loss before the step's update, the
    reference's loss at the same step and their absolute difference.
``ops.csv``
    One row per (op case, dtype, input shapes) of the op-level parity run.
``bench.csv``
    One row per (sweep point, framework, phase, dtype, device) of the speed
    benchmark, with min, median and max time per call in seconds.
``environment.json``
    The machine and versions: see :data:`ENVIRONMENT_KEYS`. Written by ``run``
    last, it is also the record of the run's set of files: ``run_id``, and
    ``files`` (results.csv, gradients.csv, trajectories.csv, each with its
    SHA-256) and ``rows`` (their row counts). ``report`` refuses a set whose
    files do not match it. ``ops.csv`` and ``bench.csv`` are not part of the set.

All errors are normwise: ``max|x - ref| / max|ref|`` over the array, so a
near-zero entry of the reference does not blow the figure up.
"""
from dataclasses import dataclass

from tensorslow_parity.devices import DEVICES  # noqa: F401 (the device column's values)

RESULTS = "results.csv"
GRADIENTS = "gradients.csv"
TRAJECTORIES = "trajectories.csv"
OPS = "ops.csv"
BENCH = "bench.csv"
ENVIRONMENT = "environment.json"

STATUSES = ("passed", "failed", "skipped", "error")

#: The reference every row is compared with.
REFERENCE = {"framework": "tf1", "device": "cpu", "dtype": "float64"}

#: the frameworks of results.csv (``tensorslow-parity run``'s matrix); bench.csv adds numpy and keras_fit
RUN_FRAMEWORKS = ("tensorslow", "tf1", "tf2", "keras", "keras-jax", "keras-torch")
DTYPES = ("float32", "float64")

KEY = ["model", "optimizer", "framework", "device", "dtype"]

#: the ``init`` column: how a row's initial weights came (the first two are also ``run --init``'s modes)
INIT_VALUES = ("injected", "same-seed", "same-seed draw, injected")


@dataclass(frozen=True)
class Check:
    """One pass/fail check of a results row: ``err <= tol`` passes."""

    name: str
    title: str
    error: str  # what ``<name>_err`` measures


CHECKS = (
    Check("forward", "forward output",
          "max|out - ref| / max|ref| of the model's output (logits) at the initial weights"),
    Check("loss", "initial loss", "|loss - ref| / |ref| at the initial weights"),
    Check("gradients", "gradients", "max over variables of max|g - ref| / max|ref| at the initial weights"),
    Check("trajectory_head", "loss, first 10 steps", "max |loss - ref| over the first 10 training steps"),
    Check("trajectory_tail", "loss, later steps", "max |loss - ref| / |ref| over the steps after the first 10"),
    Check("weights", "final weights", "max over variables of max|w - ref| / max|ref| after training"),
    Check("accuracy", "final accuracy", "max of |train accuracy - ref| and |test accuracy - ref| after training"),
)
CHECK_NAMES = tuple(c.name for c in CHECKS)

#: checks only some runs make (empty cells elsewhere): ``initial_weights`` in same-seed mode (``run --init``)
MODE_CHECKS = (
    Check("initial_weights", "initial weights",
          "same-seed mode only: max over variables of max|w0 - draw| / max|draw| between the starting weights and "
          "TensorSlow's draw from the seed in the row's dtype; tolerance 0: bit for bit"),
)
#: every check a results row can hold, in the order of its columns
ALL_CHECKS = MODE_CHECKS + CHECKS
ALL_CHECK_NAMES = tuple(c.name for c in ALL_CHECKS)

RESULTS_COLUMNS = KEY + ["init", "status", "reason", "note", "steps", "batch_size", "n_params"] + [
    f"{c.name}_{part}" for c in ALL_CHECKS for part in ("err", "tol", "pass")
] + [
    "forward_max_abs",   # max|out - ref| of the output
    "gradients_max_abs",  # max over variables of max|g - ref|
    "loss_initial", "loss_initial_ref", "loss_final", "loss_final_ref",
    "train_accuracy", "test_accuracy", "train_accuracy_ref", "test_accuracy_ref",
    "step_time_median_s",  # median wall time of one training step after warm-up
    "step_time_ref_s",     # the same for the reference (tf1, CPU, float64)
]

#: columns added after results directories were first written: a file without them reads with these values
ADDED_COLUMNS = {
    RESULTS: {"init": "injected", "initial_weights_err": float("nan"), "initial_weights_tol": float("nan"),
              "initial_weights_pass": float("nan")},
}

GRADIENTS_COLUMNS = KEY + ["variable", "shape", "max_abs", "max_rel", "tol", "pass"]

TRAJECTORIES_COLUMNS = KEY + ["step", "loss", "loss_ref", "abs_diff"]

OPS_COLUMNS = [
    "op_type", "case", "tensorslow", "tf_v1", "tf2", "keras", "dtype", "shapes",
    "forward_max_abs", "forward_max_rel", "grad_max_abs", "grad_max_rel", "rtol", "atol",
    "forward_pass", "grad_pass", "status", "reason",
]

BENCH_COLUMNS = [
    "sweep",      # "batch", "width", "depth" or "model"
    "framework",  # numpy, tensorslow, jax, torch, tf1, tf2, keras, keras_fit
    "phase",      # "train" (one step), "forward" (one inference call) or "epoch" (keras fit, one epoch)
    "device", "dtype", "batch_size", "width", "depth", "n_params", "repeats",
    "time_min_s", "time_median_s", "time_max_s", "status", "reason", "machine",
    "noisy",      # True: the rounds' upper quartile stayed > the threshold x the lower one (busy machine)
]

ENVIRONMENT_KEYS = (
    "created",     # ISO 8601 time the run started
    "command",     # the command line
    "init",        # how the initial weights came: "injected" or "same-seed" (run --init)
    "duration_s",  # wall time of the run
    "python", "numpy", "tensorflow", "keras", "platform", "cpu", "cpu_count",
    "jax", "torch",  # versions, where keras-jax / keras-torch ran (absent otherwise)
    "devices",     # {"cpu": {"available": true, "name": ...}, "gpu": {"available": false, "reason": ...,
                   #  "backends": {"tensorflow": {...}, "jax": {...}, "torch": {...}, "cupy": {...}}}, ...}
    "jobs",        # worker processes at once (run --jobs)
    "reference",   # the saved reference bundle compared with (run --reference), or null: computed in the run
    "run_id",      # a fresh id per run
    "files",       # {name: {"sha256": ..., "bytes": ...}} of the run's other files
    "rows",        # {name: row count} of the same files
)
