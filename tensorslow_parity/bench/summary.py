"""The text ``tensorslow-parity bench`` prints after its sweeps: ratio tables, scaling fits, headlines, noise."""
import pandas as pd

from tensorslow_parity import schema
from tensorslow_parity.bench.points import COURSE
from tensorslow_parity.report.scaling import fit_scaling, measured


def summary(rows):
    """The text printed after a run: per sweep the median time per call with ratios to NumPy and tf1 at each
    point, the scaling fits (fixed overhead and slope), and headline ratios at the course MLP and the widest
    point."""
    from tensorslow_parity.report.speed import fit_table, ratio_table

    df = pd.DataFrame(rows, columns=schema.BENCH_COLUMNS)
    if not len(measured(df)):
        return "no point was timed"
    blocks = []
    with pd.option_context("display.width", 250, "display.max_columns", None, "display.max_colwidth", 40):
        for sweep in dict.fromkeys(df["sweep"]):
            table = ratio_table(df, sweep)
            if len(table.frame):
                blocks.append(f"{table.caption}:\n{table.frame.to_string(index=False)}")
        fits = fit_scaling(df)
        fits = fits[fits["n_points"] >= 2]
        if len(fits):
            blocks.append("Scaling fit t(x) = c + d x^k (tensorslow_parity.report.scaling.fit_scaling): "
                          "c = fixed overhead per call, "
                          "d = cost per unit of x, k = log-log slope of t - c over the upper half of the sweep:\n"
                          + fit_table(fits).to_string(index=False))
    blocks.append("\n".join(headlines(df) + noise_note(df)))
    return "\n\n".join(blocks)


def noise_note(df):
    """A line naming the frameworks with points marked ``noisy`` in bench.csv (their rounds' upper quartile
    still over the threshold times the lower one after the extra rounds: the machine was busy), with what
    that means for reading them; none when every point is steady."""
    df = measured(df)
    if "noisy" not in df.columns:
        return []
    noisy = df[df["noisy"].astype(str).str.lower() == "true"]
    if not len(noisy):
        return []
    counts = noisy["framework"].value_counts()
    return [f"noisy: {len(noisy)} of {len(df)} timed rows stayed noisy after the extra rounds ("
            + ", ".join(f"{f} {n}" for f, n in counts.items()) + "): other processes kept the cores busy; "
            "their medians are rough, and the report leaves them out of the scaling fits. Rerun on a quieter "
            "machine for figures to trust"]


def headlines(df):
    """Lines comparing TensorSlow with NumPy and tf1 at the course MLP (2-2-2 sigmoid, batch 100) and at the
    widest point of the width sweep, per phase and dtype, on the CPU."""
    from tensorslow_parity.report.document import fmt_ratio, fmt_time

    df = measured(df)
    df = df[df["device"] == "cpu"]
    lines = []
    wide = df[df["sweep"] == "width"]
    places = [("the course's 2-2-2 sigmoid MLP at batch 100", df[(df["sweep"] == "model")
                                                               & (df["n_params"] == COURSE.n_params)])]
    if len(wide):
        point = wide[wide["width"] == wide["width"].max()].iloc[0]
        places.append((f"width {point['width']} (64-{point['width']}-10 ReLU, batch {point['batch_size']})",
                       wide[wide["width"] == point["width"]]))
    for title, at in places:
        for (phase, dtype), group in at.groupby(["phase", "dtype"], sort=False):
            t = group.set_index("framework")["time_median_s"]
            if "tensorslow" not in t:
                continue
            parts = [f"TensorSlow {fmt_time(t['tensorslow'])}"]
            if "numpy" in t:
                parts.append(f"{fmt_ratio(t['tensorslow'] / t['numpy'])} NumPy's {fmt_time(t['numpy'])}")
            if "tf1" in t:
                parts.append(f"tf1 {fmt_time(t['tf1'])} = {fmt_ratio(t['tf1'] / t['tensorslow'])} TensorSlow's")
            lines.append(f"{title}, {phase}, {dtype}: " + "; ".join(parts))
    return lines or ["no TensorSlow time at the course MLP or the widest point"]
