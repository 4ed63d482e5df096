"""Section 5 of the report: step times of the model runs and the benchmark sweeps of bench.csv."""
import pandas as pd

from tensorslow_parity import schema
from tensorslow_parity.report import figures
from tensorslow_parity.report.data import ordered, sort_rows
from tensorslow_parity.report.document import Figure, Paragraph, Section, Table, fmt_ratio, fmt_time, missing, slug
from tensorslow_parity.report.scaling import SWEEP_LABEL, SWEEP_VARIABLE, fit_scaling, measured, ratios

FIT_DEFINITION = (
    "Scaling fit (`tensorslow_parity.report.scaling.fit_scaling`): the time per call is modelled as "
    "t(x) = c + d x^k over the points of a sweep. Fixed overhead c = the intercept of the least-squares line "
    "t = c + d x through all points, clamped "
    "to [0, fastest time]; cost per unit = d of that line refit with c fixed (seconds per extra example, unit of "
    "width or layer); slope k = the least-squares slope of log(t - c) against log x over the upper half of the "
    "sweep (the largest x, where the work dominates the overhead): how the cost of the work grows once the "
    "overhead is taken off, 1 = linear, 2 = quadratic.")


def speed_section(data):
    """Median step time per model run, then per bench sweep a log-log figure, a table of times with
    ratios to NumPy and tf1, and the scaling fits."""
    section = Section("Speed")
    blocks = section.blocks
    if data.results is not None and data.results["step_time_median_s"].notna().any():
        blocks += _step_times(data.results)
    if data.bench is None:
        blocks.append(Paragraph(f"No `{schema.BENCH}`: no benchmark sweeps."))
        return section
    machines = [m for m in ordered(data.bench["machine"], "machine") if m]
    points = measured(data.bench)
    blocks.append(Paragraph(
        "Benchmark sweeps: median time of one call (`train`: one training step; `forward`: one inference call; "
        "`epoch`: one Keras fit epoch) as one variable grows, everything else fixed. Log-log axes; shaded band: "
        "min to max over the repeats; the hand-written NumPy limit is dashed black. Machine: "
        + (", ".join(machines) or "not recorded") + "."))
    for sweep in ordered(data.bench["sweep"], "sweep"):
        if sweep not in SWEEP_VARIABLE:
            blocks.append(Paragraph(f"Sweep `{sweep}`: no known swept variable (known: "
                                    f"{', '.join(SWEEP_VARIABLE)}); not plotted."))
            continue
        of_sweep = points[points["sweep"] == sweep]
        if not len(of_sweep):
            blocks.append(Paragraph(f"Sweep `{sweep}`: no measured point (see skipped devices and errors)."))
            continue
        blocks.append(Figure(f"bench-{slug(sweep)}.png", figures.sweep_figure(sweep, of_sweep),
                             f"{sweep} sweep: time per call",
                             f"{sweep} sweep: median time per call against {SWEEP_LABEL[sweep]}, log-log."))
        blocks.append(ratio_table(data.bench, sweep))
    fits = fit_scaling(data.bench)
    if len(fits):
        blocks.append(Paragraph(FIT_DEFINITION))
        blocks.append(Table(fit_table(fits), "Fixed overhead and growth per sweep"))
    return section


def _step_times(results):
    ran = results[results["step_time_median_s"].notna()]
    frameworks = ordered(ran["framework"], "framework")
    rows = []
    for key, group in sort_rows(ran, schema.KEY).groupby(["model", "optimizer", "device", "dtype"], sort=False):
        row = dict(zip(["model", "optimizer", "device", "dtype"], key))
        for framework in frameworks:
            r = group[group["framework"] == framework]
            row[framework] = (f"{fmt_time(r['step_time_median_s'].iloc[0])} "
                              f"({fmt_ratio(r['step_time_median_s'].iloc[0] / r['step_time_ref_s'].iloc[0])})"
                              if len(r) else "—")
        rows.append(row)
    return [
        Paragraph("Median wall time of one training step after warm-up, per model run; in brackets the ratio to "
                  "the reference's step time (tf1, cpu, float64, same model and optimizer)."),
        Table(pd.DataFrame(rows), "Step time per model and framework"),
    ]


def ratio_table(bench, sweep):
    df = ratios(bench, "numpy")
    df["ratio_tf1"] = ratios(bench, "tf1")["ratio_tf1"]
    df = sort_rows(df[df["sweep"] == sweep], ["phase", "dtype", "device", "x", "framework"])
    frameworks = ordered(df["framework"], "framework")
    rows = []
    for key, group in df.groupby(["phase", "dtype", "device", "x"], sort=False):
        row = dict(zip(["phase", "dtype", "device", SWEEP_VARIABLE[sweep]], key[:3] + (f"{key[3]:g}",)))
        for framework in frameworks:
            r = group[group["framework"] == framework]
            row[framework] = _time_with_ratios(r.iloc[0]) if len(r) else "—"
        rows.append(row)
    return Table(pd.DataFrame(rows), f"{sweep} sweep: median time per call (ratio to NumPy / ratio to tf1, "
                                     "same device)")


def _time_with_ratios(row):
    text = fmt_time(row["time_median_s"])
    if missing(row["ratio_numpy"]) and missing(row["ratio_tf1"]):
        return text
    return f"{text} ({fmt_ratio(row['ratio_numpy'])} / {fmt_ratio(row['ratio_tf1'])})"


def fit_table(fits):
    fits = sort_rows(fits, ["sweep", "phase", "dtype", "device", "framework"])
    return pd.DataFrame({
        "sweep": fits["sweep"], "phase": fits["phase"], "dtype": fits["dtype"], "device": fits["device"],
        "framework": fits["framework"],
        "points": fits["n_points"].map(str),
        "range": [f"{v} {a:g}..{b:g}" for v, a, b in zip(fits["variable"], fits["x_min"], fits["x_max"])],
        "fixed overhead c": fits["fixed_overhead_s"].map(fmt_time),
        "cost per unit d": fits["cost_per_unit_s"].map(fmt_time),
        "slope k": fits["slope"].map(lambda k: "—" if missing(k) else f"{k:.2f}"),
    })
