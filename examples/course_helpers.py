"""Shared by the course examples: the training loop, the CSV of points, and the plots."""
import argparse
import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: files only, no window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402


def train(session, J, minimization_op, feed_dict, steps):
    """Take `steps` gradient descent steps, printing the loss every tenth of the way."""
    log_every = max(1, steps // 10)  # as in the course: ten loss lines per run
    for step in range(steps):
        if step % log_every == 0:
            print(f"Step: {step:4d}  Loss: {session.run(J, feed_dict):.4f}")
        session.run(minimization_op, feed_dict)
    print(f"Step: {steps:4d}  Loss: {session.run(J, feed_dict):.4f}  (final)")


def save_csv(path, red_points, blue_points):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["x1", "x2", "label"])
        for label, points in (("red", red_points), ("blue", blue_points)):
            writer.writerows([f"{x1:.6f}", f"{x2:.6f}", label] for x1, x2 in points)


def plot(path, title, red_points, blue_points, predict_blue=None):
    """Scatter the points; given `predict_blue`, first colour the plane by the model's P(blue)."""
    fig, ax = plt.subplots(figsize=(7, 5))
    extra_handles = []
    if predict_blue is not None:
        points = np.concatenate((red_points, blue_points))
        lo, hi = points.min(axis=0) - 1, points.max(axis=0) + 1
        xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
        p_blue = predict_blue(np.column_stack((xx.ravel(), yy.ravel()))).reshape(xx.shape)
        filled = ax.contourf(xx, yy, p_blue, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.6)
        ax.contour(xx, yy, p_blue, levels=[0.5], colors="k", linewidths=2)
        fig.colorbar(filled, ax=ax, label="P(blue)")
        extra_handles.append(Line2D([], [], color="k", linewidth=2, label="decision boundary, P(blue) = 0.5"))
    ax.scatter(red_points[:, 0], red_points[:, 1], color="red", edgecolor="k", label="red points")
    ax.scatter(blue_points[:, 0], blue_points[:, 1], color="blue", edgecolor="k", label="blue points")
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    # Below the axes, so that the legend never hides points or the boundary.
    ax.legend(handles=ax.get_legend_handles_labels()[0] + extra_handles,
              loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)


def parse_args(doc, default_steps):
    """The examples' command line: --out DIR, --steps N, --seed S."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "output",
                        help="directory for the CSV and PNG files (default: examples/output/)")
    parser.add_argument("--steps", type=int, default=default_steps,
                        help=f"gradient descent steps (default: {default_steps})")
    parser.add_argument("--seed", type=int, default=0, help="NumPy random seed (default: 0)")
    args = parser.parse_args()
    if args.steps < 0:
        parser.error("--steps must be 0 or more")
    return args
