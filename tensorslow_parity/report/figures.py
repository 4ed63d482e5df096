"""The report's figures, drawn with matplotlib's Agg renderer into PNG bytes.

Figures are built as ``matplotlib.figure.Figure`` objects on an Agg canvas
rather than through pyplot: no global figure state, no GUI backend, nothing to
close, whatever backend the calling process has chosen.
"""
import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from PIL import Image

from tensorslow_parity.report.data import ordered

DPI = 100
#: Errors of exactly 0 are drawn at this value, so that a log scale can show them.
LOG_FLOOR = 1e-17
#: The colour scale of gradient heat maps: fixed, so colours compare across models.
HEATMAP_RANGE = (LOG_FLOOR, 1e-1)
#: The first steps of a trajectory, held to the absolute tolerance trajectory_head_tol.
HEAD_STEPS = 10
#: Tolerance lines are grey, so that no colour of a framework is mistaken for one.
TOLERANCE_COLOR = "0.45"
LEGEND_SIZE = 10

#: Fixed colours of the frameworks and engines known today, so a framework keeps its colour across figures
#: and reports; any other name takes the next unused colour of :data:`SPARE_COLORS`, in sorted order.
FRAMEWORK_COLOR = {
    "numpy": "black", "tensorslow": "tab:blue", "tf1": "tab:orange", "tf2": "tab:green", "keras": "tab:red",
    "keras_fit": "tab:purple", "keras-jax": "tab:brown", "keras-torch": "tab:pink", "torch": "tab:olive",
    "jax": "tab:cyan",
}
SPARE_COLORS = ("#1f3a93", "#b8860b", "#2e8b57", "#8b008b", "#708090", "#d2691e", "#4682b4", "#9acd32")
DTYPE_LINESTYLE = {"float64": "-", "float32": "--"}
DEVICE_MARKER = {"cpu": None, "gpu": "o", "tpu": "s"}


def color(framework, known=()):
    """The colour of ``framework``: its own in :data:`FRAMEWORK_COLOR`, else a spare colour chosen by the
    name's rank among the unknown names in ``known`` (all the names one figure draws)."""
    if framework in FRAMEWORK_COLOR:
        return FRAMEWORK_COLOR[framework]
    others = sorted({f for f in known if f not in FRAMEWORK_COLOR} | {framework})
    return SPARE_COLORS[others.index(framework) % len(SPARE_COLORS)]


def style(framework, dtype=None, device=None, known=()):
    """Line style of one series: colour by framework, dash by dtype, marker by device; NumPy dashed black."""
    kw = {"color": color(framework, known), "linewidth": 1.6}
    if framework == "numpy":
        kw.update(linestyle="--", linewidth=2.0)
    elif dtype is not None:
        kw["linestyle"] = DTYPE_LINESTYLE.get(dtype, ":")
    if device is not None and DEVICE_MARKER.get(device):
        kw.update(marker=DEVICE_MARKER[device], markevery=0.1, markersize=5)
    return kw


def png(fig):
    """The figure as an 8-bit palette PNG (no metadata, so a re-run with the same data gives the same bytes).

    Plots use few colours, so a 256-colour palette looks the same as the RGBA
    image and is about a third of its size: reports are committed to git.
    """
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
    buf = io.BytesIO()
    image.quantize(colors=256).save(buf, format="PNG", optimize=True, dpi=(DPI, DPI))
    return buf.getvalue()


def _figure(width, height):
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def grid(nrows, ncols, width, height):
    fig = _figure(width * ncols, height * nrows)
    return fig, fig.subplots(nrows, ncols, squeeze=False)


def gradient_heatmap(model, values, failed, tolerances):
    """Heat map of max relative gradient error, variables (rows) x runs (columns), log colour scale.

    ``values`` and ``failed`` are DataFrames indexed by variable with one column per
    run; ``tolerances`` maps each run to its tolerance, marked on the colour bar.
    Failing cells are outlined in red.
    """
    nrows, ncols = values.shape
    fig = _figure(2.4 + 1.05 * ncols, 1.9 + 0.38 * nrows)
    ax = fig.subplots()
    data = np.clip(values.to_numpy(float), *HEATMAP_RANGE)
    image = ax.imshow(np.ma.masked_invalid(data), norm=LogNorm(*HEATMAP_RANGE), cmap="viridis", aspect="auto")
    for i in range(nrows):
        for j in range(ncols):
            v = values.iat[i, j]
            if np.isfinite(v):
                ax.text(j, i, "0" if v == 0 else f"{v:.0e}", ha="center", va="center", fontsize=8,
                        color="white" if data[i, j] < 1e-6 else "black")
            if failed.iat[i, j]:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2.5))
    ax.set_xticks(range(ncols), list(values.columns), rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(nrows), list(values.index), fontsize=8)
    ax.set_xlabel("framework and dtype")
    ax.set_ylabel("variable")
    ax.set_title(f"{model}: max relative gradient error")
    bar = fig.colorbar(image, ax=ax)
    bar.set_label("max|g - ref| / max|ref|")
    for tol in sorted(set(t for t in tolerances.values() if np.isfinite(t))):
        bar.ax.axhline(tol, color=TOLERANCE_COLOR, linewidth=3)
    handles = [Line2D([], [], color=TOLERANCE_COLOR, linewidth=3, label="tolerance (colour bar)"),
               Rectangle((0, 0), 1, 1, fill=False, edgecolor="red", linewidth=2, label="fails its tolerance")]
    fig.legend(handles=handles, loc="outside lower center", fontsize=LEGEND_SIZE - 1, ncol=2, frameon=False)
    return png(fig)


def training_figure(model, trajectories, tolerances):
    """Loss curves (top row) and |loss - reference loss| per step (bottom row, log scale), one column
    per optimizer of ``model``.

    ``trajectories``: the trajectories.csv rows of the model, reference excluded.
    ``tolerances``: results.csv rows of the model (optimizer, dtype and the
    trajectory tolerances), or None: the head tolerance is drawn as a grey line over
    the first :data:`HEAD_STEPS` steps, the tail tolerance (relative) as
    tol * |reference loss| over the later steps.

    Parity makes the loss curves lie on top of each other; each series therefore
    also carries markers at steps staggered per series, so every framework stays
    visible where the lines coincide.
    """
    optimizers = ordered(trajectories["optimizer"], "optimizer")
    fig, axes = grid(2, len(optimizers), 4.8, 3.3)
    known = set(trajectories["framework"])
    series_keys = list(trajectories.groupby(["framework", "device", "dtype"], sort=False).groups)
    for j, optimizer in enumerate(optimizers):
        rows = trajectories[trajectories["optimizer"] == optimizer]
        loss_ax, diff_ax = axes[0, j], axes[1, j]
        reference = rows.drop_duplicates("step").sort_values("step")
        loss_ax.plot(reference["step"], reference["loss_ref"], color="black", linewidth=4, alpha=0.2,
                     label="tf1 cpu float64 (reference)")
        n_steps = max(len(reference), 1)
        every = max(n_steps // 6, 1)
        for (framework, device, dtype), series in rows.groupby(["framework", "device", "dtype"], sort=False):
            series = series.sort_values("step")
            label = f"{framework} {device} {dtype}"
            kw = style(framework, dtype, device, known)
            rank = series_keys.index((framework, device, dtype))
            # GPU/TPU keep their own marker shape; every series its own offset, so coinciding curves show.
            marks = dict(marker=kw.pop("marker", "o"), markersize=kw.pop("markersize", 5),
                         markevery=(rank * every // len(series_keys) % every, every))
            kw.pop("markevery", None)
            loss_ax.plot(series["step"], series["loss"], label=label, **kw, **marks)
            diff_ax.plot(series["step"], np.maximum(series["abs_diff"], LOG_FLOOR), label=label, **kw, **marks)
        if tolerances is not None:
            _trajectory_tolerances(diff_ax, tolerances[tolerances["optimizer"] == optimizer], reference)
        diff_ax.set_yscale("log")
        loss_ax.set(title=f"{model}, {optimizer}: training loss", xlabel="training step",
                    ylabel="loss (before the step's update)")
        diff_ax.set(title=f"{optimizer}: |loss - reference loss|", xlabel="training step",
                    ylabel="absolute difference (floor 1e-17)")
        diff_ax.grid(True, which="major", alpha=0.3)
    figure_legend(fig, axes)
    return png(fig)


def figure_legend(fig, axes):
    """One legend below the grid, each label once: inside the axes it would hide the curves."""
    labelled = {}
    for ax in axes.flat:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            labelled.setdefault(label, handle)
    fig.legend(labelled.values(), labelled.keys(), loc="outside lower center", ncol=min(4, len(labelled)),
               fontsize=LEGEND_SIZE, frameon=False)


def _trajectory_tolerances(ax, tolerances, reference):
    steps = reference["step"].to_numpy(float)
    tail = steps >= HEAD_STEPS
    for dtype, rows in tolerances.groupby("dtype", sort=False):
        dash = DTYPE_LINESTYLE.get(dtype, ":")
        head_tol = rows["trajectory_head_tol"].max()
        if np.isfinite(head_tol) and len(steps):
            ax.hlines(head_tol, steps.min(), min(steps.max(), HEAD_STEPS - 1), color=TOLERANCE_COLOR,
                      linestyle=dash, linewidth=2, label=f"head tolerance {dtype} ({head_tol:.0e})")
        tail_tol = rows["trajectory_tail_tol"].max()
        if np.isfinite(tail_tol) and tail.any():
            bound = tail_tol * np.abs(reference["loss_ref"].to_numpy(float)[tail])
            ax.plot(steps[tail], np.maximum(bound, LOG_FLOOR), color=TOLERANCE_COLOR, linestyle=dash, linewidth=2,
                    alpha=0.7, label=f"tail tolerance {dtype} ({tail_tol:.0e} x |ref|)")
