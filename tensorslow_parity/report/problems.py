"""The section of what did not run, with its reason: skipped devices (one line each) and errors (tables)."""
import pandas as pd

from tensorslow_parity import schema
from tensorslow_parity.report.data import ordered
from tensorslow_parity.report.document import Bullets, Details, Paragraph, Section, Table

NOT_RUN = ("error", "skipped")


def problems_section(data):
    """Skipped devices, one line each with the reason and the rows it covers (results.csv and bench.csv
    rows, devices that environment.json lists as absent); then errors: results.csv and bench.csv rows
    grouped by device and reason, ops.csv cases that did not run, one row each."""
    from tensorslow_parity.report.verdict import skipped_lines

    section = Section("Skipped devices and errors")
    blocks = section.blocks
    skipped = skipped_lines(data)
    if skipped:
        blocks += [Paragraph("Skipped devices (absent on this machine):"), Bullets(skipped)]
    if data.results is not None:
        blocks += _grouped(data.results, ["model", "optimizer", "framework", "dtype"], "Model runs",
                           schema.RESULTS)
    if data.bench is not None:
        blocks += _grouped(data.bench, ["sweep", "framework", "phase", "dtype"], "Benchmark points", schema.BENCH)
    if data.ops is not None:
        blocks += _ops(data.ops)
    if not blocks:
        blocks.append(Paragraph(f"No `{schema.RESULTS}`, `{schema.BENCH}` or `{schema.OPS}` and no absent device "
                                f"in `{schema.ENVIRONMENT}`: nothing to list."))
    return section


def _grouped(df, listed, title, name):
    """``df``'s rows with status error, one table row per (device, reason) that lists the distinct values
    of the ``listed`` columns it covers."""
    rows = df[df["status"] == "error"]
    if not len(rows):
        return [Paragraph(f"{title} (`{name}`): no errors.")]
    table = []
    for status in ("error",):
        of_status = rows[rows["status"] == status]
        for device in ordered(of_status["device"], "device"):
            of_device = of_status[of_status["device"] == device]
            for reason, group in of_device.groupby("reason", sort=False):
                entry = {"status": status, "device": device, "reason": reason or "no reason given",
                         "rows": str(len(group))}
                entry.update({c: ", ".join(ordered(group[c], c)) for c in listed})
                table.append(entry)
    return [Table(pd.DataFrame(table), f"{title} that failed to run (`{name}`)")]


def _ops(ops):
    rows = ops[ops["status"].isin(NOT_RUN)]
    if not len(rows):
        return [Paragraph(f"Op cases (`{schema.OPS}`): none skipped, no errors.")]
    if len(rows) > 20:
        return [Details(f"{len(rows)} op cases did not run (`{schema.OPS}`)", [_ops_table(rows)])]
    return [_ops_table(rows)]


def _ops_table(rows):
    rows = rows.sort_values(["status", "op_type", "case", "dtype"], kind="stable")
    table = rows[["status", "op_type", "case", "dtype", "shapes", "reason"]].rename(columns={"op_type": "op type"})
    return Table(table.reset_index(drop=True), f"Op cases that did not run (`{schema.OPS}`)")
