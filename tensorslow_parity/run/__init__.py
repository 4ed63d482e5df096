"""``tensorslow-parity run``: the model zoo in every framework, compared with the tf1 CPU float64 reference.

* :mod:`.matrix`: the matrix of cells (:func:`matrix.run_matrix`) and the rows of results.csv;
* :mod:`.subprocesses`: cells run in framework subprocesses, with timeouts;
* :mod:`.jobs`: ``--jobs N``, several framework subprocesses at once;
* :mod:`.reference`: ``--save-reference`` / ``--reference``, the reference's results saved and reused;
* :mod:`.worker`: the framework subprocess (``python -m tensorslow_parity.run.worker``);
* :mod:`.checks`: the checks of one run against the reference (tolerances:
  :mod:`tensorslow_parity.tolerances`).
"""
import shlex
import sys
import time

from tensorslow_parity import devices, schema
from tensorslow_parity.cli import DEFAULT_OUT, UsageError, parse_choices, positive_int, seconds
from tensorslow_parity.initializers import INIT_MODES, INJECTED
from tensorslow_parity.models import zoo
from tensorslow_parity.normwise import worst
from tensorslow_parity.optimizers import OPTIMIZER_NAMES
from tensorslow_parity.run.matrix import run_matrix
from tensorslow_parity.run.subprocesses import CELL_TIMEOUT_S, STARTUP_TIMEOUT_S


def summary_table(results):
    """A text table: per framework, device and dtype, the row counts by status and the worst error per check."""
    import pandas as pd
    df = pd.DataFrame(results)
    keys = ["framework", "device", "dtype"]
    counts = df.groupby(keys)["status"].value_counts().unstack(fill_value=0)
    for status in schema.STATUSES:
        if status not in counts:
            counts[status] = 0
    table = counts[list(schema.STATUSES)]
    ran = df[df["status"].isin(["passed", "failed"])]
    for check in ("initial_weights", "forward", "gradients", "trajectory_head", "trajectory_tail"):
        col = f"{check}_err"
        if col in ran and len(ran) and (check != "initial_weights" or ran[f"{check}_pass"].notna().any()):
            # normwise.worst, not pandas' max: a NaN error is the worst there is, not one to skip.
            measured = ran[ran[f"{check}_pass"].notna()]
            worst_err = dict(measured.groupby(keys)[col].agg(worst).items()) if len(measured) else {}
            table[f"worst {check}"] = [f"{worst_err[k]:.1e}" if k in worst_err else "" for k in table.index]
    return table.fillna("").to_string()



def configure(parser):
    parser.add_argument("--models", help=f"comma-separated (default: all): {', '.join(zoo.MODELS)}")
    parser.add_argument("--optimizers", help=f"comma-separated (default: all): {', '.join(OPTIMIZER_NAMES)}")
    parser.add_argument("--frameworks", help=f"comma-separated (default: all): {', '.join(schema.RUN_FRAMEWORKS)}")
    parser.add_argument("--devices", default="auto",
                        help="comma-separated from cpu,gpu,tpu, or auto (default): all three, absent ones skipped "
                             "with the reason")
    parser.add_argument("--dtypes", help="comma-separated (default: all): float32,float64")
    parser.add_argument("--init", choices=INIT_MODES, default=INJECTED,
                        help="how the initial weights come: injected (default: drawn once with NumPy and loaded into "
                             "every framework) or same-seed (TensorSlow and tf1 each draw their own with TF1's "
                             "initializers from the model's seed, checked bit for bit; the other frameworks load "
                             "TensorSlow's draw)")
    parser.add_argument("--steps", type=positive_int, help="training steps per model (default: each model's own)")
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"results directory (default: {DEFAULT_OUT})")
    parser.add_argument("--timeout", type=seconds, default=CELL_TIMEOUT_S,
                        help=f"seconds one cell may take before it is recorded as an error (default: {CELL_TIMEOUT_S})")
    parser.add_argument("--startup-timeout", type=seconds, default=STARTUP_TIMEOUT_S,
                        help="extra seconds a framework subprocess may take to start (import its framework) before "
                             f"its cells are recorded as errors (default: {STARTUP_TIMEOUT_S})")
    parser.add_argument("--jobs", type=positive_int, default=1,
                        help="worker processes running cells at once (default: 1); the results are the same as "
                             "with 1")
    parser.add_argument("--save-reference", metavar="DIR",
                        help="also save the reference's results (problems, initial weights, batches, outputs, "
                             "gradients, trajectories) in DIR, for a later run --reference DIR elsewhere")
    parser.add_argument("--reference", metavar="DIR",
                        help="compare with the reference saved in DIR (run --save-reference) instead of running "
                             "it: for machines without TensorFlow")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def main(args):
    models = parse_choices(args.models, list(zoo.MODELS), "model")
    optimizers = parse_choices(args.optimizers, OPTIMIZER_NAMES, "optimizer")
    framework_names = parse_choices(args.frameworks, schema.RUN_FRAMEWORKS, "framework")
    device_names = parse_choices(None if args.devices == "auto" else args.devices, devices.DEVICES, "device")
    dtypes = parse_choices(args.dtypes, schema.DTYPES, "dtype")
    if args.reference and args.save_reference:
        raise UsageError("error: --reference and --save-reference together: a run either reuses a saved reference "
                         "or computes and saves one")
    command = "tensorslow-parity run " + " ".join(shlex.quote(a) for a in sys.argv[2:])
    t0 = time.monotonic()
    results = run_matrix(models, optimizers, framework_names, device_names, dtypes, steps=args.steps, out=args.out,
                         cell_timeout=args.timeout, startup_timeout=args.startup_timeout,
                         progress=not args.no_progress and sys.stderr.isatty(), command=command, init=args.init,
                         jobs=args.jobs, reference=args.reference, save_reference=args.save_reference)
    print(summary_table(results))
    bad = [r for r in results if r["status"] in ("failed", "error")]
    for r in bad:
        print(f"{r['status'].upper()}: {r['model']}/{r['optimizer']}/{r['framework']}/{r['device']}/{r['dtype']}: "
              f"{r['reason']}")
    print(f"{len(results)} rows ({sum(r['status'] == 'passed' for r in results)} passed, "
          f"{sum(r['status'] == 'failed' for r in results)} failed, "
          f"{sum(r['status'] == 'skipped' for r in results)} skipped, "
          f"{sum(r['status'] == 'error' for r in results)} errors) in {time.monotonic() - t0:.0f} s; "
          f"results in {args.out}/")
    return 1 if bad else 0

