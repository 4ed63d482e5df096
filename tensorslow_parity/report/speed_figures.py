"""The speed figures: the course MLP's bar chart (the speed headline) and one figure per benchmark sweep.

Built like :mod:`.figures`: ``matplotlib.figure.Figure`` on an Agg canvas, returned as PNG bytes.
Points flagged ``noisy`` in bench.csv (their repeats spread too far to trust) are drawn hatched
(bars) or as hollow markers (lines), so a reader sees which numbers to doubt.
"""
import numpy as np
from matplotlib.patches import Patch

from tensorslow_parity.report.data import ordered
from tensorslow_parity.report.document import fmt_ratio, fmt_time
from tensorslow_parity.report.figures import LEGEND_SIZE, color, figure_legend, grid, png, style
from tensorslow_parity.report.scaling import SWEEP_LABEL, noisy_mask

NOISY_HATCH = "///"


def engine_label(framework, device):
    """A bar's name: the framework, with the device when it is not the CPU."""
    return framework if device == "cpu" else f"{framework} ({device})"


def bar_chart(points, title, baseline="numpy"):
    """Horizontal bars of median time per call, one panel per dtype, one bar per framework and device,
    each labelled with its time and its ratio to ``baseline`` (when measured); noisy bars hatched.

    ``points``: :func:`tensorslow_parity.report.scaling.measured` rows of one point and one phase.
    Log time axis: the engines span two to three orders of magnitude.
    """
    dtypes = ordered(points["dtype"], "dtype")
    known = set(points["framework"])
    engines = [(f, d) for f in ordered(points["framework"], "framework")
               for d in ordered(points.loc[points["framework"] == f, "device"], "device")]
    fig, axes = grid(1, len(dtypes), 6.0, 0.9 + 0.42 * len(engines))
    for ax, dtype in zip(axes[0], dtypes):
        rows = points[points["dtype"] == dtype]
        base = rows.loc[(rows["framework"] == baseline) & (rows["device"] == "cpu"), "time_median_s"]
        y_labels, times = [], []
        for y, (framework, device) in enumerate(reversed(engines)):
            row = rows[(rows["framework"] == framework) & (rows["device"] == device)]
            y_labels.append(engine_label(framework, device))
            if not len(row):
                times.append(np.nan)
                continue
            t = float(row["time_median_s"].iloc[0])
            times.append(t)
            noisy = bool(noisy_mask(row)[0])
            ax.barh(y, t, color=color(framework, known), alpha=0.85, hatch=NOISY_HATCH if noisy else None,
                    edgecolor="white" if not noisy else "black")
            ax.errorbar(t, y, xerr=[[t - row["time_min_s"].iloc[0]], [row["time_max_s"].iloc[0] - t]],
                        color="0.3", capsize=3, linewidth=1)
            ratio = f", {fmt_ratio(t / base.iloc[0])} {baseline}" if len(base) and framework != baseline else ""
            ax.text(t * 1.35, y, f"{fmt_time(t)}{ratio}" + (" (noisy)" if noisy else ""), va="center",
                    fontsize=LEGEND_SIZE)
        finite = [t for t in times if np.isfinite(t)]
        ax.set_xscale("log")
        if finite:
            ax.set_xlim(min(finite) / 2, max(finite) * 40)  # room for the labels right of the bars
        ax.set_yticks(range(len(engines)), y_labels, fontsize=LEGEND_SIZE + 1)
        ax.set(title=f"{title}, {dtype}", xlabel="median time per call (s), log scale; whiskers: min to max")
        ax.grid(True, axis="x", which="major", alpha=0.3)
    if noisy_mask(points).any():
        fig.legend(handles=[Patch(facecolor="white", edgecolor="black", hatch=NOISY_HATCH,
                                  label="noisy: repeats spread too far to trust")],
                   loc="outside lower center", fontsize=LEGEND_SIZE, frameon=False)
    return png(fig)


def sweep_figure(sweep, points):
    """Log-log time per call against the swept variable, one subplot per phase (rows) and dtype
    (columns), one line per framework and device with its min-max band; NumPy dashed black; noisy
    points as hollow markers.

    ``points``: :func:`tensorslow_parity.report.scaling.measured` rows of one sweep with at least two
    values of ``x`` (a sweep of one point is a bar chart: :func:`bar_chart`).
    """
    phases, dtypes = ordered(points["phase"], "phase"), ordered(points["dtype"], "dtype")
    fig, axes = grid(len(phases), len(dtypes), 6.0, 4.0)
    known = set(points["framework"])
    for i, phase in enumerate(phases):
        for j, dtype in enumerate(dtypes):
            ax = axes[i, j]
            rows = points[(points["phase"] == phase) & (points["dtype"] == dtype)]
            for framework in ordered(rows["framework"], "framework"):
                for device in ordered(rows.loc[rows["framework"] == framework, "device"], "device"):
                    series = rows[(rows["framework"] == framework) & (rows["device"] == device)].sort_values("x")
                    kw = {"marker": "o", "markersize": 4, **style(framework, device=device, known=known)}
                    kw.pop("markevery", None)
                    ax.plot(series["x"], series["time_median_s"], label=engine_label(framework, device), **kw)
                    noisy = noisy_mask(series)
                    if noisy.any():
                        ax.plot(series["x"][noisy], series["time_median_s"][noisy], linestyle="none", marker="o",
                                markersize=9, markerfacecolor="none", markeredgecolor=kw["color"])
                    ax.fill_between(series["x"], series["time_min_s"], series["time_max_s"],
                                    color=kw["color"], alpha=0.12, linewidth=0)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set(title=f"{sweep} sweep: {phase}, {dtype}", xlabel=SWEEP_LABEL.get(sweep, sweep),
                   ylabel="time per call (s), median")
            ax.grid(True, which="major", alpha=0.3)
    figure_legend(fig, axes)
    return png(fig)
