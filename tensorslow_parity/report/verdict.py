"""The report's first section: did it pass, and how close is each framework to the reference?

* one line in large type: rows passed, failed and errors, op cases passed;
* what was left out: the reference rows (tf1, CPU, float64 compared with itself: an error of 0
  by construction, so not counted as passes) and the skipped devices, one line each;
* a framework x dtype table of the worst error against its tolerance: for every row that ran,
  each check's ratio err / tol; the cell shows the check with the largest ratio, so 100 % is the
  edge of failing and a cell below 1 % is far inside its tolerance.
"""
import math

import pandas as pd

from tensorslow_parity import schema
from tensorslow_parity.report.data import is_reference, ordered
from tensorslow_parity.report.document import (
    FAIL,
    Bullets,
    Mark,
    Paragraph,
    Section,
    Table,
    fmt_err,
    fmt_ratio,
    fmt_time,
)


def verdict_section(data):
    """Verdict: the overall mark, what is not counted, and the worst error per framework and dtype."""
    section = Section("Verdict")
    blocks = section.blocks
    results, ops = data.results, data.ops
    counts = _row_counts(results) if results is not None else None
    op_counts = _op_counts(ops) if ops is not None else None
    blocks.append(_mark(counts, op_counts))
    lines = []
    if counts is not None:
        lines.append(f"Rows: one model, optimizer, framework, device and dtype each, every check against the "
                     f"reference ({', '.join(schema.REFERENCE.values())}); its own {counts['reference']} rows are "
                     "the baseline and are not counted.")
    if op_counts is not None:
        lines.append(f"Ops: {op_counts['passed']} of {op_counts['cases']} op cases ({op_counts['types']} op types) "
                     f"agree with TensorFlow within rtol/atol; {op_counts['failed']} failed, "
                     f"{op_counts['error']} did not run.")
    speed = _speed_line(data.bench)
    if speed:
        lines.append(speed)
    lines += skipped_lines(data, short=True)
    if results is not None:
        blocks += _worst_table(results)
    if lines:
        blocks.append(Bullets(lines))
    return section


def _row_counts(results):
    compared = results[~is_reference(results)]
    status = compared["status"].value_counts()
    return {"passed": int(status.get("passed", 0)), "failed": int(status.get("failed", 0)),
            "error": int(status.get("error", 0)), "skipped": int(status.get("skipped", 0)),
            "reference": int(is_reference(results).sum())}


def _op_counts(ops):
    ran = ops[ops["status"] != "error"]
    failed = sum(any(f is False for f in pair) for pair in zip(ran["forward_pass"], ran["grad_pass"]))
    return {"cases": len(ops), "passed": len(ran) - failed, "failed": failed,
            "error": int((ops["status"] == "error").sum()), "types": ops["op_type"].nunique()}


def _mark(counts, op_counts):
    if counts is None and op_counts is None:
        return Mark("error", f"nothing to judge: no `{schema.RESULTS}` and no `{schema.OPS}`.")
    parts = []
    if counts is not None:
        ran = counts["passed"] + counts["failed"] + counts["error"]
        parts.append(f"{counts['passed']} of {ran} rows passed, {counts['failed']} failed, "
                     f"{counts['error']} errors")
    if op_counts is not None:
        parts.append(f"{op_counts['passed']} of {op_counts['cases']} op cases passed")
    failed = (counts or {}).get("failed", 0) + (op_counts or {}).get("failed", 0)
    errors = (counts or {}).get("error", 0) + (op_counts or {}).get("error", 0)
    ran_any = (counts and counts["passed"] + counts["failed"]) or (op_counts and op_counts["cases"])
    status = "fail" if failed else ("error" if errors or not ran_any else "pass")
    return Mark(status, "; ".join(parts) + ".")


def _speed_line(bench):
    """One training step of the course MLP on the CPU in every engine, fastest dtype first: times and
    ratios to NumPy; None without such points."""
    from tensorslow_parity.report.speed import course_points

    if bench is None:
        return None
    points = course_points(bench)
    points = points[points["device"] == "cpu"]
    if not len(points):
        return None
    dtype = ordered(points["dtype"], "dtype")[0]
    of = points[points["dtype"] == dtype]
    base = of.loc[of["framework"] == "numpy", "time_median_s"]
    parts = []
    for framework in ordered(of["framework"], "framework"):
        t = of.loc[of["framework"] == framework, "time_median_s"].iloc[0]
        ratio = f" ({fmt_ratio(t / base.iloc[0])})" if len(base) and framework != "numpy" else ""
        parts.append(f"{framework} {fmt_time(t)}{ratio}")
    return (f"Speed, one training step of the course MLP ({dtype}, CPU; ratio to NumPy, the hand-written limit): "
            + ", ".join(parts) + ".")


def skipped_lines(data, short=False):
    """One line per device that was skipped: the reason(s) and how many rows it covers in each file;
    devices environment.json lists as absent that no file mentions get a line too. ``short``: only the
    reason that covers most rows, and the count of the rest (the full lines are in the section on
    skipped devices and errors)."""
    found = {}  # device -> {reason: {file: count}}
    for name, df in ((schema.RESULTS, data.results), (schema.BENCH, data.bench)):
        if df is None:
            continue
        skipped = df[df["status"] == "skipped"]
        for (device, reason), group in skipped.groupby(["device", "reason"], sort=False):
            found.setdefault(device, {}).setdefault(reason or "no reason given", {})[name] = len(group)
    ran = {d for df in (data.results, data.bench) if df is not None
           for d in df.loc[~df["status"].isin(["skipped", "error"]), "device"]}
    devices = (data.environment or {}).get("devices")
    if isinstance(devices, dict):
        for device, info in devices.items():
            # Absent when the run began; a device some row ran on was there after all (bench runs apart).
            if isinstance(info, dict) and not info.get("available", True) and device not in set(found) | ran:
                found[device] = {info.get("reason") or "no reason given": {}}
    lines = []
    for device in ordered(found, "device"):
        reasons = sorted(found[device].items(), key=lambda item: -sum(item[1].values()))
        if short:
            totals = {}
            for _, files in reasons:
                for name, n in files.items():
                    totals[name] = totals.get(name, 0) + n
            where = ", ".join(f"{n} rows of `{name}`" for name, n in totals.items())
            more = f"; {len(reasons) - 1} other reasons, see below" if len(reasons) > 1 else ""
            lines.append(f"Device `{device}` skipped: {reasons[0][0]}" + (f" ({where}{more})" if where else ""))
            continue
        parts = []
        for reason, files in reasons:
            where = ", ".join(f"{n} rows of `{name}`" for name, n in files.items())
            parts.append(reason + (f" ({where})" if where else ""))
        lines.append(f"Device `{device}` skipped: " + "; ".join(parts))
    return lines


def _worst_table(results):
    ran = results[results["status"].isin(["passed", "failed", "error"]) & ~is_reference(results)]
    if not len(ran):
        return [Paragraph(f"No row of `{schema.RESULTS}` besides the reference's ran: no errors to show.")]
    devices = ordered(ran["device"], "device")
    dtypes = ordered(ran["dtype"], "dtype")
    rows, marks = [], []
    for framework in ordered(ran["framework"], "framework"):
        for device in devices:
            of = ran[(ran["framework"] == framework) & (ran["device"] == device)]
            if not len(of):
                continue
            row = {"framework": framework + ("" if len(devices) == 1 else f" ({device})")}
            mark = [""]
            for dtype in dtypes:
                cell = of[of["dtype"] == dtype]
                reference = {"framework": framework, "device": device, "dtype": dtype} == schema.REFERENCE
                row[dtype], css = ("reference (the baseline)", "skip") if reference and not len(cell) else \
                    _worst_cell(cell)
                mark.append(css)
            rows.append(row)
            marks.append(mark)
    caption = ("How close: rows passed, then the worst error / its tolerance (the check nearest its tolerance, "
               "and how near in per cent)")
    return [Table(pd.DataFrame(rows), caption, marks)]


def worst_check(row):
    """(ratio, check, err, tol) of the check of one results row whose err / tol is largest; None if none ran.
    A tolerance of 0 (bit for bit) makes an error of 0 a ratio of 0 and any other error infinite."""
    worst = None
    for check in schema.ALL_CHECK_NAMES:
        err, tol = row[f"{check}_err"], row[f"{check}_tol"]
        if err is None or (isinstance(err, float) and math.isnan(err)):
            continue
        ratio = (0.0 if err == 0 else math.inf) if not tol or math.isnan(tol) else err / tol
        if worst is None or ratio > worst[0]:
            worst = (ratio, check, err, tol)
    return worst


def _worst_cell(rows):
    if not len(rows):
        return "—", ""
    ran = rows[rows["status"].isin(["passed", "failed"])]
    n_passed = int((rows["status"] == "passed").sum())
    n_error = int((rows["status"] == "error").sum())
    text = f"{n_passed}/{len(rows)} passed" + (f", {n_error} errors" if n_error else "")
    candidates = [w for w in (worst_check(r) for _, r in ran.iterrows()) if w is not None]
    if candidates:
        ratio, check, err, tol = max(candidates, key=lambda w: w[0])
        share = "inf" if math.isinf(ratio) else f"{ratio:.0%}" if ratio >= 0.01 or ratio == 0 else f"{ratio:.0e}"
        text += f"; {check} {fmt_err(err)} / {fmt_err(tol)} ({share})"
    failed = (rows["status"] == "failed").any()
    if failed:
        return f"{FAIL} {text}", "fail"
    return text, "error" if n_error else "pass"
