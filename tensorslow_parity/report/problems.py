"""Section 6 of the report: what did not run, with its reason (skipped devices, errors)."""
import pandas as pd

from tensorslow_parity import schema
from tensorslow_parity.report.data import ordered
from tensorslow_parity.report.document import Bullets, Paragraph, Section, Table

NOT_RUN = ("error", "skipped")


def problems_section(data):
    """Errors, then skipped devices, each with its reason: results.csv and bench.csv rows grouped by
    status, device and reason; ops.csv cases that did not run, one row each; devices that
    environment.json lists as absent."""
    section = Section("Skipped devices and errors")
    blocks = section.blocks
    devices = (data.environment or {}).get("devices")
    if isinstance(devices, dict):
        absent = [f"`{name}`: {info.get('reason') or 'no reason given'}" for name, info in devices.items()
                  if isinstance(info, dict) and not info.get("available", True)]
        if absent:
            blocks += [Paragraph(f"Devices absent on this machine (`{schema.ENVIRONMENT}`):"), Bullets(absent)]
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
    """``df``'s rows with status error or skipped, one table row per (status, device, reason) that lists
    the distinct values of the ``listed`` columns it covers."""
    rows = df[df["status"].isin(NOT_RUN)]
    if not len(rows):
        return [Paragraph(f"{title} (`{name}`): none skipped, no errors.")]
    table = []
    for status in NOT_RUN:
        of_status = rows[rows["status"] == status]
        for device in ordered(of_status["device"], "device"):
            of_device = of_status[of_status["device"] == device]
            for reason, group in of_device.groupby("reason", sort=False):
                entry = {"status": status, "device": device, "reason": reason or "no reason given",
                         "rows": str(len(group))}
                entry.update({c: ", ".join(ordered(group[c], c)) for c in listed})
                table.append(entry)
    return [Table(pd.DataFrame(table), f"{title} skipped or failed to run (`{name}`)")]


def _ops(ops):
    rows = ops[ops["status"].isin(NOT_RUN)]
    if not len(rows):
        return [Paragraph(f"Op cases (`{schema.OPS}`): none skipped, no errors.")]
    rows = rows.sort_values(["status", "op_type", "case", "dtype"], kind="stable")
    table = rows[["status", "op_type", "case", "dtype", "shapes", "reason"]].rename(columns={"op_type": "op type"})
    return [Table(table.reset_index(drop=True), f"Op cases that did not run (`{schema.OPS}`)")]
