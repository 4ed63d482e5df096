"""The summary section (what ran, checks, pass/fail matrices, failed checks, documented differences) and
the machine section. The verdict above it (:mod:`.verdict`) gives the counts at a glance."""
import json

import pandas as pd

from tensorslow_parity import schema
from tensorslow_parity.report.data import is_reference, measured_checks, ordered, sort_rows
from tensorslow_parity.report.document import FAIL, PASS, Bullets, Details, Paragraph, Section, Table, fmt_err

STATUS_MEANING = {
    "failed": "ran; at least one check exceeded its tolerance",
    "error": "the framework crashed, hung or is not installed",
    "passed": "ran; every check within its tolerance",
    "skipped": "device absent",
}

#: the ``init`` column's values (:data:`tensorslow_parity.schema.INIT_VALUES`), in words
INIT_MEANING = {
    "injected": "drawn once with NumPy from the model's seed and loaded",
    "same-seed": "drawn by the framework itself with TF1's initializers under tf.set_random_seed(the model's "
                 "seed), checked bit for bit against TensorSlow's draw (`initial_weights`)",
    "same-seed draw, injected": "TensorSlow's same-seed draw, loaded: the framework cannot draw TF1's streams",
}


def summary_section(data):
    """The summary: pass/fail matrices (failures first), failed checks, documented differences grouped by
    difference, then (folded) files read, what ran, rows by status and checks."""
    section = Section("Summary")
    blocks = section.blocks
    ran = [Paragraph(f"Results directory `{data.directory}`; files read: "
                     + ", ".join(f"`{name}`" for name in data.files) + "."), Bullets(_what_ran(data))]
    results = data.results
    if results is None:
        blocks.append(Paragraph(f"No `{schema.RESULTS}`: no pass/fail summary."))
        blocks += ran
        return section
    blocks += _matrices(results)
    blocks += _failed_checks(results)
    blocks += _notes(results)
    blocks.append(Details("What ran: files, models, frameworks, rows by status and checks", ran + _counts(results)))
    return section


def machine_section(data):
    """The machine and versions of environment.json."""
    return Section("Machine and versions", environment_blocks(data.environment))


def _what_ran(data):
    frames = [f for f in (data.results, data.gradients, data.trajectories) if f is not None]
    items = []
    for column, title in (("model", "Models"), ("optimizer", "Optimizers"), ("framework", "Frameworks"),
                          ("device", "Devices"), ("dtype", "Dtypes")):
        values = ordered([v for f in frames for v in f[column]], column)
        if values:
            items.append(f"{title}: " + ", ".join(values))
    if data.ops is not None:
        items.append(f"Op-level parity: {data.ops['op_type'].nunique()} op types, {len(data.ops)} cases")
    if data.bench is not None and len(data.bench):
        items.append("Benchmark sweeps: " + ", ".join(ordered(data.bench["sweep"], "sweep"))
                     + "; frameworks: " + ", ".join(ordered(data.bench["framework"], "framework")))
    if data.results is not None and len(data.results):
        items.append(_init_line(data.results))
    reference = ", ".join(f"{k} {v}" for k, v in schema.REFERENCE.items())
    items.append(f"Reference every row is compared with: {reference}")
    return items


def _init_line(results):
    """How the rows' initial weights came (``run --init``): each ``init`` value with its frameworks."""
    parts = []
    inits = results["init"].map(lambda v: v or "injected")  # empty: a row written without the column's value
    for init in ordered(inits, "init"):
        rows = results[inits == init]
        parts.append(f"{', '.join(ordered(rows['framework'], 'framework'))}: {init} "
                     f"({INIT_MEANING.get(init, 'unknown')})")
    return "Initial weights: " + "; ".join(parts)


def _counts(results):
    n_reference = int(is_reference(results).sum())
    results = results[~is_reference(results)]
    counts = results["status"].value_counts()
    status = pd.DataFrame({
        "status": list(schema.STATUSES),
        "rows": [str(counts.get(s, 0)) for s in schema.STATUSES],
        "meaning": [STATUS_MEANING[s] for s in schema.STATUSES],
    })
    total = ", ".join(f"{counts.get(s, 0)} {s}" for s in schema.STATUSES)
    checks = []
    for check in measured_checks(results):
        flags = results[f"{check.name}_pass"]
        checks.append({"check": check.name, "what it measures": check.error,
                       "passed": str(sum(f is True for f in flags)), "failed": str(sum(f is False for f in flags)),
                       "not run": str(sum(f is None for f in flags))})
    n_pass = sum(int(c["passed"]) for c in checks)
    n_fail = sum(int(c["failed"]) for c in checks)
    return [
        Paragraph(f"{len(results)} rows (model x optimizer x framework x device x dtype): {total}; besides them "
                  f"{n_reference} reference rows ({', '.join(schema.REFERENCE.values())}, compared with themselves: "
                  f"not counted). Individual checks: {n_pass} passed, {n_fail} failed."),
        Table(status, "Rows by status"),
        Table(pd.DataFrame(checks), "Checks: a check passes when its error is at most its tolerance"),
    ]


def _matrices(results):
    """One model x framework table per device and dtype that ran; a cell counts the optimizers that passed.
    Devices where every row was skipped have their one line in the verdict instead."""
    tables = []
    for device in ordered(results["device"], "device"):
        for dtype in ordered(results["dtype"], "dtype"):
            rows = results[(results["device"] == device) & (results["dtype"] == dtype)]
            if len(rows) and not (rows["status"] == "skipped").all():
                tables.append((_bad(rows).any(), device, dtype, rows))
    if not tables:
        return [Paragraph(f"No row of `{schema.RESULTS}` ran: every device was skipped (see the verdict).")]
    blocks = [Paragraph("Pass/fail by model and framework, one table per device and dtype that ran; a cell "
                        "counts the optimizers whose row passed; `reference` marks the baseline's own rows. "
                        "Tables and models with failures or errors come first.")]
    for has_failures, device, dtype, rows in sorted(tables, key=lambda t: not t[0]):
        frameworks = ordered(rows["framework"], "framework")
        models = ordered(rows["model"], "model")
        models.sort(key=lambda m: not _bad(rows[rows["model"] == m]).any())
        cells = [[model] + [_matrix_cell(rows[(rows["model"] == model) & (rows["framework"] == f)])
                            for f in frameworks] for model in models]
        mark = f" ({FAIL})" if has_failures else ""
        blocks.append(Table(pd.DataFrame(cells, columns=["model"] + frameworks), f"{device}, {dtype}{mark}"))
    return blocks


def _bad(rows):
    return rows["status"].isin(["failed", "error"])


def _matrix_cell(rows):
    if not len(rows):
        return ""
    if is_reference(rows).all():
        return "reference"
    n_skipped = int((rows["status"] == "skipped").sum())
    if n_skipped == len(rows):
        return "skipped"
    ran = len(rows) - n_skipped
    passed = int((rows["status"] == "passed").sum())
    text = f"{passed}/{ran} passed"
    failed = rows.loc[rows["status"] == "failed", "optimizer"]
    errors = rows.loc[rows["status"] == "error", "optimizer"]
    if len(failed):
        text += "; failed: " + ", ".join(failed)
    if len(errors):
        text += "; error: " + ", ".join(errors)
    if n_skipped:
        text += f"; {n_skipped} skipped"
    if not len(failed) and not len(errors):
        return f"{PASS} {passed}/{ran}" + (f"; {n_skipped} skipped" if n_skipped else "")
    return (f"{FAIL} " if len(failed) else "error ") + text


def _failed_checks(results):
    rows = []
    for check in schema.ALL_CHECKS:
        failed = results[results[f"{check.name}_pass"].map(lambda f: f is False)]
        for _, r in failed.iterrows():
            rows.append({**{k: r[k] for k in schema.KEY}, "check": check.name, "error": fmt_err(r[f"{check.name}_err"]),
                         "tolerance": fmt_err(r[f"{check.name}_tol"]), "note": r["note"]})
    if not rows:
        return [Paragraph("No check failed.")]
    table = sort_rows(pd.DataFrame(rows), schema.KEY)
    return [Table(table, f"Failed checks ({len(table)})")]


def _notes(results):
    """Documented differences, one table row per difference with what it covers: its rows, and per key
    column the values it applies to (``all N`` when it applies to every value present)."""
    ran = results[results["status"] != "skipped"]  # a difference matters where a row ran
    noted = ran[ran["note"] != ""]
    if not len(noted):
        return []
    rows = []
    for note, group in noted.groupby("note", sort=False):
        row = {"difference": note, "rows": str(len(group))}
        for column in ("model", "optimizer", "framework", "device", "dtype"):
            values, present = ordered(group[column], column), ordered(ran[column], column)
            row[column + "s"] = f"all {len(present)}" if len(values) == len(present) > 1 else ", ".join(values)
        rows.append(row)
    return [Table(pd.DataFrame(rows), "Documented framework differences, with the rows they cover")]


def environment_blocks(environment):
    """The machine and versions of environment.json: a key/value table and a device table."""
    if environment is None:
        return [Paragraph(f"No `{schema.ENVIRONMENT}`: machine and versions unknown.")]
    keys = [k for k in schema.ENVIRONMENT_KEYS if k in environment and k != "devices"]
    keys += sorted(k for k in environment if k not in schema.ENVIRONMENT_KEYS)
    table = pd.DataFrame({"key": keys, "value": [_scalar(environment[k]) for k in keys]})
    blocks = [Table(table, "Machine and versions")]
    devices = environment.get("devices")
    if isinstance(devices, dict) and devices:
        rows = []
        for name in ordered(devices, "device"):
            info = devices[name] if isinstance(devices[name], dict) else {"available": devices[name]}
            rows.append({"device": name, "available": _scalar(info.get("available", "")),
                         "name or reason": _scalar(info.get("name") or info.get("reason") or "")})
        blocks.append(Table(pd.DataFrame(rows), "Devices"))
    elif devices is not None:
        blocks.append(Paragraph(f"Devices: {_scalar(devices)}"))
    return blocks


def _scalar(value):
    return value if isinstance(value, str) else json.dumps(value, default=str)
