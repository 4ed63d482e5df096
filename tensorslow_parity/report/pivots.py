"""Pivot tables: model (rows) x framework (columns) for one device and dtype, one cell per check group.

A cell holds the worst error over the optimizers of that model and framework against its
tolerance, ``error / tolerance``: the check whose error is the largest fraction of its
tolerance, so a reader sees at once how much room is left. The long tables, one row
per results row, go into a :class:`~tensorslow_parity.report.document.Details` block below.
"""
import math

import pandas as pd

from tensorslow_parity.report.data import is_reference, ordered
from tensorslow_parity.report.document import FAIL, Table, fmt_err


def check_pivots(results, checks, what):
    """One pivot table per device and dtype that ran, for the checks named in ``checks``."""
    ran = results[results["status"] != "skipped"]
    tables = []
    for device in ordered(ran["device"], "device"):
        for dtype in ordered(ran["dtype"], "dtype"):
            rows = ran[(ran["device"] == device) & (ran["dtype"] == dtype)]
            if len(rows):
                tables.append(_pivot(rows, checks, f"{what}, {device}, {dtype}: worst error / tolerance over the "
                                                   "optimizers"))
    return tables


def _pivot(rows, checks, caption):
    frameworks = ordered(rows["framework"], "framework")
    cells, marks = [], []
    for model in ordered(rows["model"], "model"):
        line, mark = [model], [""]
        for framework in frameworks:
            text, css = pivot_cell(rows[(rows["model"] == model) & (rows["framework"] == framework)], checks)
            line.append(text)
            mark.append(css)
        cells.append(line)
        marks.append(mark)
    return Table(pd.DataFrame(cells, columns=["model"] + frameworks), caption, marks)


def pivot_cell(rows, checks):
    """(text, CSS class) of one model and framework: the worst err / tol of ``checks`` over its rows;
    ``FAIL`` with the optimizers that failed; ``reference`` for the baseline's own rows."""
    if not len(rows):
        return "—", ""
    if is_reference(rows).all():
        return "reference", "skip"
    errors = rows.loc[rows["status"] == "error", "optimizer"]
    worst, failed = None, []
    for _, row in rows[rows["status"].isin(["passed", "failed"])].iterrows():
        for check in checks:
            err, tol, flag = row[f"{check}_err"], row[f"{check}_tol"], row[f"{check}_pass"]
            if flag is None and (err is None or math.isnan(err)):
                continue
            if flag is False:
                failed.append(row["optimizer"])
            ratio = (0.0 if err == 0 else math.inf) if not tol or math.isnan(tol) else err / tol
            if math.isnan(ratio):
                ratio = math.inf
            if worst is None or ratio > worst[0]:
                worst = (ratio, err, tol)
    text = "—" if worst is None else f"{fmt_err(worst[1])} / {fmt_err(worst[2])}"
    if len(errors):
        text += "; error: " + ", ".join(errors)
    if failed:
        return f"{FAIL} {text} ({', '.join(dict.fromkeys(failed))})", "fail"
    if len(errors):
        return f"error {text}", "error"
    return text, "pass" if worst is not None else ""
