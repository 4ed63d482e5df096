"""Section 5 of the report: step times of the model runs and the benchmark sweeps of bench.csv."""
import pandas as pd

from tensorslow_parity import schema
from tensorslow_parity.report import speed_figures
from tensorslow_parity.report.data import ordered, sort_rows
from tensorslow_parity.report.document import (
    NOISY,
    Details,
    Figure,
    Paragraph,
    Section,
    Table,
    fmt_ratio,
    fmt_time,
    missing,
    slug,
)
from tensorslow_parity.report.scaling import SWEEP_LABEL, SWEEP_VARIABLE, fit_scaling, measured, noisy_mask, ratios

FIT_DEFINITION = (
    "Scaling fit (`tensorslow_parity.report.scaling.fit_scaling`): the time per call is modelled as "
    "t(x) = c + d x^k over the points of a sweep that are not flagged noisy. Fixed overhead c = the intercept of "
    "the least-squares line t = c + d x through all points, capped at the fastest time; "
    "cost per unit = d of that line refit with c fixed (seconds per extra example, unit of "
    "width or layer); slope k = the least-squares slope of log(t - c) against log x over the upper half of the "
    "sweep (the largest x, where the work dominates the overhead): how the cost of the work grows once the "
    "overhead is taken off, 1 = linear, 2 = quadratic. A figure that comes out negative is shown as "
    "`unmeasurable`: the points were too noisy, or the growth too far from the model, to tell it.")


def course_points(bench):
    """The measured training-step rows of the course MLP: the smallest model of the ``model`` sweep (the
    course's 2-2-2 sigmoid MLP at batch 100), every framework, device and dtype present."""
    points = measured(bench)
    points = points[(points["sweep"] == "model") & (points["phase"] == "train")]
    if not len(points):
        return points
    return points[points["x"] == points["x"].min()]


def headline_section(data):
    """Speed at a glance: one training step of the course MLP in every engine of bench.csv, as a bar chart
    and a table of times with their ratios to NumPy (the limit) and to TensorSlow."""
    section = Section("Speed at a glance")
    blocks = section.blocks
    points = course_points(data.bench) if data.bench is not None else []
    if not len(points):
        what = f"no `{schema.BENCH}`" if data.bench is None else f"`{schema.BENCH}` holds no `model` sweep point"
        blocks.append(Paragraph(f"No speed headline: {what} (run `tensorslow-parity bench`)."))
        return section
    row = points.iloc[0]
    point = (f"the course MLP ({int(row['n_params'])} parameters, batch {int(row['batch_size'])}), one training "
             "step")
    blocks.append(Figure("speed-course-mlp.png", speed_figures.bar_chart(points, "course MLP, one training step"),
                         "course MLP: time of one training step per engine",
                         f"Median time of {point} per engine (log scale), with its ratio to NumPy, the "
                         "hand-written limit; hatched: noisy."))
    blocks.append(_headline_table(points))
    return section


def _headline_table(points):
    rows, marks = [], []
    for framework in ordered(points["framework"], "framework"):
        for device in ordered(points.loc[points["framework"] == framework, "device"], "device"):
            row, mark = {"engine": speed_figures.engine_label(framework, device)}, [""]
            for dtype in ordered(points["dtype"], "dtype"):
                of = points[points["dtype"] == dtype]
                r = of[(of["framework"] == framework) & (of["device"] == device)]
                row[dtype], css = _headline_cell(r, of), ""
                if len(r) and noisy_mask(r)[0]:
                    css = "noisy"
                mark.append(css)
            rows.append(row)
            marks.append(mark)
    return Table(pd.DataFrame(rows), "Course MLP, one training step: median time (ratio to NumPy / to TensorSlow)",
                 marks)


def _headline_cell(r, of_dtype):
    if not len(r):
        return "—"
    t = r["time_median_s"].iloc[0]
    ratios_ = []
    for baseline in ("numpy", "tensorslow"):
        base = of_dtype.loc[(of_dtype["framework"] == baseline) & (of_dtype["device"] == "cpu"), "time_median_s"]
        ratios_.append(fmt_ratio(t / base.iloc[0]) if len(base) else "—")
    noisy = f"{NOISY} " if noisy_mask(r)[0] else ""
    return f"{noisy}{fmt_time(t)} ({' / '.join(ratios_)})"


def speed_section(data):
    """Median step time per model run, then per bench sweep a figure (log-log lines, or bars for a sweep
    of one point), a table of times with ratios to NumPy and tf1, and the scaling fits."""
    section = Section("Speed")
    blocks = section.blocks
    if data.results is not None and data.results["step_time_median_s"].notna().any():
        blocks += _step_times(data.results)
    if data.bench is None:
        blocks.append(Paragraph(f"No `{schema.BENCH}`: no benchmark sweeps."))
        return section
    machines = [m for m in ordered(data.bench["machine"], "machine") if m]
    points = measured(data.bench)
    n_noisy = int(noisy_mask(points).sum())
    blocks.append(Paragraph(
        "Benchmark sweeps: median time of one call (`train`: one training step; `forward`: one inference call; "
        "`epoch`: one Keras fit epoch) as one variable grows, everything else fixed. Log-log axes; shaded band: "
        "min to max over the repeats; the hand-written NumPy limit is dashed black. Machine: "
        + (", ".join(machines) or "not recorded") + "."
        + (f" {n_noisy} of {len(points)} timed points are flagged `noisy` (their repeats spread too far to "
           "trust): marked in the tables and as hollow circles in the figures, and left out of the fits."
           if n_noisy else "")))
    for sweep in ordered(data.bench["sweep"], "sweep"):
        blocks += _sweep_blocks(data.bench, points, sweep)
    fits = fit_scaling(data.bench)
    fits = fits[fits["n_points"] + fits["n_noisy"] >= 2]
    if len(fits):
        table = Table(fit_table(fits), "Fixed overhead and growth per sweep")
        blocks.append(Details("Scaling fits: fixed overhead and growth per sweep", [Paragraph(FIT_DEFINITION), table]))
    return section


def _sweep_blocks(bench, points, sweep):
    if sweep not in SWEEP_VARIABLE:
        return [Paragraph(f"Sweep `{sweep}`: no known swept variable (known: {', '.join(SWEEP_VARIABLE)}); "
                          "not plotted.")]
    of_sweep = points[points["sweep"] == sweep]
    if not len(of_sweep):
        return [Paragraph(f"Sweep `{sweep}`: no measured point (see skipped devices and errors).")]
    if of_sweep["x"].nunique() == 1:
        blocks = []
        for phase in ordered(of_sweep["phase"], "phase"):
            at = of_sweep[of_sweep["phase"] == phase]
            if sweep == "model" and phase == "train":
                blocks.append(Paragraph("The model sweep's training step is the course MLP: its bar chart is "
                                        "the speed at a glance, at the top."))
                continue
            x = at["x"].iloc[0]
            title = f"{sweep} sweep, {phase} ({SWEEP_VARIABLE[sweep]} {x:g})"
            blocks.append(Figure(f"bench-{slug(sweep)}-{slug(phase)}.png", speed_figures.bar_chart(at, title),
                                 f"{sweep} sweep, {phase}: time per call",
                                 f"{title}: a sweep of one point, drawn as bars (log scale)."))
    else:
        blocks = [Figure(f"bench-{slug(sweep)}.png", speed_figures.sweep_figure(sweep, of_sweep),
                         f"{sweep} sweep: time per call",
                         f"{sweep} sweep: median time per call against {SWEEP_LABEL[sweep]}, log-log.")]
    table = ratio_table(bench, sweep)
    return blocks + [Details(f"Table: {table.caption}", [table])]


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
                  "the reference's step time (tf1, cpu, float64, same model and optimizer). A cell of the tables "
                  "is the median over the optimizers."),
        *_step_time_pivots(ran, frameworks),
        Details("Every model run's step time", [Table(pd.DataFrame(rows), "Step time per model run", wrap=True)]),
    ]


def _step_time_pivots(ran, frameworks):
    """Model x framework per device and dtype: the median step time over the optimizers, and the median of
    their ratios to the reference's step time."""
    tables = []
    ratio = ran["step_time_median_s"] / ran["step_time_ref_s"]
    for device in ordered(ran["device"], "device"):
        for dtype in ordered(ran["dtype"], "dtype"):
            at = (ran["device"] == device) & (ran["dtype"] == dtype)
            if not at.any():
                continue
            cells = []
            for model in ordered(ran.loc[at, "model"], "model"):
                row = {"model": model}
                for framework in frameworks:
                    mask = at & (ran["model"] == model) & (ran["framework"] == framework)
                    row[framework] = (f"{fmt_time(ran.loc[mask, 'step_time_median_s'].median())} "
                                      f"({fmt_ratio(ratio[mask].median())})" if mask.any() else "—")
                cells.append(row)
            tables.append(Table(pd.DataFrame(cells), f"Step time, {device}, {dtype} (ratio to the reference)",
                                wrap=True))
    return tables


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
            row[framework] = _time_with_ratios(r.iloc[0], noisy_mask(r)[0]) if len(r) else "—"
        rows.append(row)
    return Table(pd.DataFrame(rows), f"{sweep} sweep: median time per call (ratio to NumPy / ratio to tf1, "
                                     "same device; noisy: repeats spread too far to trust)", wrap=True)


def _time_with_ratios(row, noisy=False):
    text = (f"{NOISY} " if noisy else "") + fmt_time(row["time_median_s"])
    if missing(row["ratio_numpy"]) and missing(row["ratio_tf1"]):
        return text
    return f"{text} ({fmt_ratio(row['ratio_numpy'])} / {fmt_ratio(row['ratio_tf1'])})"


def fit_table(fits):
    fits = sort_rows(fits, ["sweep", "phase", "dtype", "device", "framework"])
    return pd.DataFrame({
        "sweep": fits["sweep"], "phase": fits["phase"], "dtype": fits["dtype"], "device": fits["device"],
        "framework": fits["framework"],
        "points": [f"{n}" + (f" (+{m} noisy, left out)" if m else "") for n, m in zip(fits["n_points"],
                                                                                       fits["n_noisy"])],
        "range": [f"{v} {a:g}..{b:g}" for v, a, b in zip(fits["variable"], fits["x_min"], fits["x_max"])],
        "fixed overhead c": [_fitted(c, n, fmt_time) for c, n in zip(fits["fixed_overhead_s"], fits["n_points"])],
        "cost per unit d": [_fitted(d, n, fmt_time) for d, n in zip(fits["cost_per_unit_s"], fits["n_points"])],
        "slope k": [_fitted(k, n, lambda v: f"{v:.2f}") for k, n in zip(fits["slope"], fits["n_points"])],
    })


def _fitted(value, n_points, fmt):
    """A fitted figure; ``unmeasurable`` where the fit had two or more points but gave none (it came out
    negative, or too few points rose above the overhead); ``—`` where one point cannot be fitted."""
    if not missing(value):
        return fmt(value)
    return "unmeasurable" if n_points >= 2 else "—"
