"""``tensorslow-parity ops``: every op of TensorSlow's gradient registry against its TensorFlow counterpart.

* :mod:`.catalog`: the op catalog, one module per op family (what to build, feed and check per op type);
* :mod:`.parity`: one case built in both frameworks and compared (:func:`parity.compare_case`), and
  every case in both dtypes written to ops.csv (:func:`parity.run_ops`).
"""
import sys
import time
from pathlib import Path

from tensorslow_parity import schema
from tensorslow_parity.cli import DEFAULT_OUT
from tensorslow_parity.files import prepare_out_dir
from tensorslow_parity.ops.parity import run_ops
from tensorslow_parity.tolerances import OP_TOLERANCES


def configure(parser):
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"results directory (default: {DEFAULT_OUT})")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def main(args):
    prepare_out_dir(args.out)  # before the long part: a bad --out is a one-line error now, not after every op
    t0 = time.monotonic()
    rows = run_ops(args.out, progress=not args.no_progress and sys.stderr.isatty())
    counts = {s: sum(r["status"] == s for r in rows) for s in ("passed", "failed", "error")}
    op_types = {r["op_type"] for r in rows}
    for r in rows:
        if r["status"] != "passed":
            print(f"{r['status'].upper()}: {r['case']} {r['dtype']} {r['shapes']}: {r['reason']}")
    worst = {}
    for r in rows:
        for key in ("forward_max_rel", "grad_max_rel"):
            if r.get(key) is not None:
                worst[(r["dtype"], key)] = max(worst.get((r["dtype"], key), 0.0), r[key])
    for dtype in schema.DTYPES:
        print(f"{dtype}: worst forward error {worst.get((dtype, 'forward_max_rel'), 0):.1e}, worst gradient error "
              f"{worst.get((dtype, 'grad_max_rel'), 0):.1e} (normwise relative; pass = allclose with "
              f"rtol {OP_TOLERANCES[dtype]['rtol']:g}, atol {OP_TOLERANCES[dtype]['atol']:g})")
    print(f"{len(op_types)} op types, {len(rows)} comparisons: {counts['passed']} passed, {counts['failed']} failed, "
          f"{counts['error']} errors in {time.monotonic() - t0:.0f} s; written to {Path(args.out) / schema.OPS}")
    return 0 if counts["failed"] == counts["error"] == 0 else 1
