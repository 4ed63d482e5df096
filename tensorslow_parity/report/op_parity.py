"""The op parity section: every op of TensorSlow's gradient registry against its TensorFlow counterpart.

The table a reader sees has one row per op type: its TensorFlow name, per dtype the worst
relative error of the forward output and of the gradients over its cases and input shapes, and
the result. It is narrow enough to fit the page. The per-dtype details (absolute errors,
tolerances) and the names in TF2 and Keras are folded below it.
"""
import pandas as pd

from tensorslow_parity import schema
from tensorslow_parity.report.data import ordered, sort_rows
from tensorslow_parity.report.document import FAIL, PASS, Details, Paragraph, Section, Table, fmt_err


def ops_section(data):
    """Op parity: the summary table (failures first), then the detailed tables folded."""
    section = Section("Op parity")
    if data.ops is None:
        section.blocks.append(Paragraph(f"No `{schema.OPS}`: no op-level parity table (run "
                                        "`tensorslow-parity ops`)."))
        return section
    section.blocks += ops_blocks(data.ops)
    return section


def _failed_cases(group):
    return int(sum(any(f is False for f in pair) for pair in zip(group["forward_pass"], group["grad_pass"])))


def ops_blocks(ops):
    """The op parity tables of ops.csv: one row per op type (worst case over its cases, shapes and per
    dtype), failures first; then, folded, one row per op type and dtype with absolute and relative errors
    and tolerances, and the op's names in tf.compat.v1, TF2 and Keras. Cases that did not run are listed
    under skipped devices and errors."""
    ran = ops[ops["status"] != "error"]
    if not len(ran):
        return [Paragraph(f"`{schema.OPS}` holds no op case that ran.")]
    dtypes = ordered(ran["dtype"], "dtype")
    rows = []
    for op_type, group in ran.groupby("op_type", sort=False):
        n_failed = _failed_cases(group)
        row = {"op type": op_type, "TensorFlow (tf.compat.v1)": _first(group["tf_v1"])}
        mark = ["", ""]
        for dtype in dtypes:
            of = group[group["dtype"] == dtype]
            row[f"{dtype}: forward / gradient rel. error"] = (
                f"{fmt_err(of['forward_max_rel'].max())} / {fmt_err(of['grad_max_rel'].max())}" if len(of) else "—")
            mark.append("fail" if len(of) and _failed_cases(of) else "")
        row["cases"] = str(len(group))
        row["result"] = f"{FAIL} {n_failed} of {len(group)}" if n_failed else PASS
        mark += ["", "fail" if n_failed else "pass"]
        rows.append((n_failed == 0, op_type, row, mark))
    rows.sort(key=lambda r: (r[0], r[1].lower()))
    table = Table(pd.DataFrame([r[2] for r in rows]), "Op parity: worst relative error over each op type's cases",
                  [r[3] for r in rows])
    n_failed = sum(not r[0] for r in rows)
    intro = Paragraph(
        f"{len(rows)} op types, {len(ran)} cases ran: {len(rows) - n_failed} op types passed every case"
        + (f", {n_failed} failed" if n_failed else "") + ". A case passes when forward output and gradients agree "
        "within rtol/atol (|a - b| <= atol + rtol |b|); the table shows the worst relative error over each op "
        "type's cases and input shapes. Failures first.")
    return [intro, table, Details("Per op type and dtype: absolute and relative errors, tolerances",
                                  [_detail_table(ran)]),
            Details("Op names in tf.compat.v1, TF2 and Keras", [_names_table(ran)])]


def _detail_table(ran):
    rows = []
    for (op_type, dtype), group in ran.groupby(["op_type", "dtype"], sort=False):
        n_failed = _failed_cases(group)
        rows.append({
            "op type": op_type, "dtype": dtype, "cases": str(len(group)),
            "forward abs / rel": f"{fmt_err(group['forward_max_abs'].max())} / "
                                 f"{fmt_err(group['forward_max_rel'].max())}",
            "gradient abs / rel": f"{fmt_err(group['grad_max_abs'].max())} / {fmt_err(group['grad_max_rel'].max())}",
            "rtol / atol": f"{fmt_err(group['rtol'].max())} / {fmt_err(group['atol'].max())}",
            "result": f"{FAIL} ({n_failed} of {len(group)} cases)" if n_failed else PASS,
        })
    return Table(sort_rows(pd.DataFrame(rows), ["op type", "dtype"]), "Op parity per op type and dtype")


def _names_table(ran):
    rows = [{"op type": op_type, "TensorSlow": _first(group["tensorslow"]), "tf.compat.v1": _first(group["tf_v1"]),
             "TF2": _first(group["tf2"]), "Keras": _first(group["keras"])}
            for op_type, group in ran.groupby("op_type", sort=True)]
    return Table(pd.DataFrame(rows), "The op in each API", wrap=True)


def _first(values):
    return next((v for v in values if v), "—")
