"""Checks of one run against the reference (tf1, CPU, float64), with the tolerances they are held to.

Every error is normwise — ``max|x - ref| / max|ref|`` over an array — so an
entry of the reference near zero does not blow the figure up; the loss
trajectory's tail is relative per step. A check passes when ``err <= tol``.

Tolerances, by the dtype of the run (the reference is always float64):

============== ============ ============ =========================================================
check          float32      float64      where it comes from
============== ============ ============ =========================================================
forward        1e-5         1e-12        TF's migration guide (outputs rtol 1e-6, atol 1e-5);
                                         float64 TensorSlow vs TF agree to ~1e-15
loss           1e-5         1e-12        as forward
gradients      1e-4         1e-10        tinygrad's gradient tolerance 1e-4; float64 ~1e-10
trajectory     atol 1e-5    atol 1e-10   TF's migration guide: first 10 steps atol 1e-5
(first 10)
trajectory     rtol 5e-2    rtol 1e-8    TF's migration guide: later steps rtol 5e-2
(later)
weights        1e-3         1e-8         after training; float32 rounding accumulates over steps
accuracy       0.02         0            float32 may flip a borderline example; float64 may not
============== ============ ============ =========================================================

Where two frameworks' formulations cannot be made identical the row carries a
``note`` saying so, and where that changes what can be expected the affected
tolerances are set in :data:`KNOWN_DIFFERENCES` — visibly, in the row's
``<check>_tol`` and ``note`` — rather than loosened for everyone.
"""
from dataclasses import dataclass, field

import numpy as np

from tensorslow_parity.schema import CHECKS

HEAD_STEPS = 10

TOLERANCES = {
    "float32": dict(forward=1e-5, loss=1e-5, gradients=1e-4, trajectory_head=1e-5, trajectory_tail=5e-2,
                    weights=1e-3, accuracy=0.02),
    "float64": dict(forward=1e-12, loss=1e-12, gradients=1e-10, trajectory_head=1e-10, trajectory_tail=1e-8,
                    weights=1e-8, accuracy=0.0),
}


@dataclass(frozen=True)
class KnownDifference:
    """A documented difference between a framework's formulation and TF1's."""

    frameworks: tuple
    optimizers: tuple
    dtypes: tuple
    note: str
    tolerances: dict = field(default_factory=dict)  # check -> tolerance that replaces the default

    def applies(self, framework, optimizer, dtype):
        return framework in self.frameworks and optimizer in self.optimizers and dtype in self.dtypes


KNOWN_DIFFERENCES = (
    KnownDifference(
        ("tf2", "keras"), ("adam",), ("float64",),
        "Keras Adam computes beta1^t and beta2^t as powers in float64; tf.compat.v1's AdamOptimizer accumulates "
        "them in float32 variables (one rounding per step). 1 - beta2^t cancels early on, so the step sizes "
        "differ by up to 7e-6 relative (at step 3) and float64 losses agree to ~1e-6, not ~1e-12; trajectory and "
        "weight tolerances for this row are set to 1e-5 (first 10 steps, absolute), 1e-4 (later steps, relative) "
        "and 1e-4 (weights).",
        dict(trajectory_head=1e-5, trajectory_tail=1e-4, weights=1e-4),
    ),
    KnownDifference(
        ("tf2", "keras"), ("momentum",), ("float32", "float64"),
        "Keras SGD(momentum) keeps a velocity v = m v - lr g and steps w += v; tf.compat.v1's MomentumOptimizer "
        "keeps an accumulator a = m a + g and steps w -= lr a. Equal in exact arithmetic (v = -lr a), they "
        "differ in rounding only; default tolerances hold.",
    ),
)


def tolerances(framework, optimizer, dtype):
    """The tolerance of every check for one row, and the notes of the known differences that apply."""
    tol = dict(TOLERANCES[dtype])
    notes = []
    for diff in KNOWN_DIFFERENCES:
        if diff.applies(framework, optimizer, dtype):
            tol.update(diff.tolerances)
            notes.append(diff.note)
    return tol, " ".join(notes)


def normwise(x, ref):
    """(max|x - ref|, max|x - ref| / max|ref|) for arrays of the same shape."""
    x, ref = np.asarray(x, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    if x.shape != ref.shape:
        raise ValueError(f"shape {x.shape} differs from the reference's {ref.shape}")
    if x.size == 0:
        return 0.0, 0.0
    abs_err = float(np.max(np.abs(x - ref)))
    scale = float(np.max(np.abs(ref)))
    return abs_err, abs_err / scale if scale > 0 else (0.0 if abs_err == 0 else float("inf"))


def compare(out, ref, variable_names, tol):
    """The checks of outputs ``out`` against the reference's ``ref`` (dicts of arrays from the worker).

    Returns ``(row, gradient_rows)``: ``row`` holds ``<check>_err``,
    ``<check>_tol``, ``<check>_pass`` and the informational figures of
    results.csv; ``gradient_rows`` one dict per variable.
    """
    row, errors = {}, {}
    forward_abs, errors["forward"] = normwise(out["forward"], ref["forward"])
    loss, loss_ref = float(out["loss0"]), float(ref["loss0"])
    errors["loss"] = abs(loss - loss_ref) / abs(loss_ref) if loss_ref else abs(loss - loss_ref)

    gradient_rows, grad_abs, grad_rel = [], 0.0, 0.0
    for i, name in enumerate(variable_names):
        a, r = normwise(out[f"grad_{i}"], ref[f"grad_{i}"])
        grad_abs, grad_rel = max(grad_abs, a), max(grad_rel, r)
        gradient_rows.append(dict(variable=name, shape="x".join(map(str, np.shape(ref[f"grad_{i}"]))),
                                  max_abs=a, max_rel=r, tol=tol["gradients"], **{"pass": r <= tol["gradients"]}))
    errors["gradients"] = grad_rel

    losses, losses_ref = out["losses"], ref["losses"]
    if losses.shape != losses_ref.shape:
        raise ValueError(f"{len(losses)} training steps, the reference ran {len(losses_ref)}")
    diff = np.abs(losses - losses_ref)
    errors["trajectory_head"] = float(np.max(diff[:HEAD_STEPS])) if len(diff) else None
    tail = diff[HEAD_STEPS:] / np.abs(losses_ref[HEAD_STEPS:])
    errors["trajectory_tail"] = float(np.max(tail)) if len(tail) else None

    errors["weights"] = max(normwise(out[f"final_{i}"], ref[f"final_{i}"])[1] for i in range(len(variable_names)))
    errors["accuracy"] = max(abs(float(out["train_accuracy"]) - float(ref["train_accuracy"])),
                             abs(float(out["test_accuracy"]) - float(ref["test_accuracy"])))

    for check in CHECKS:
        err = errors[check.name]
        row[f"{check.name}_err"] = err
        row[f"{check.name}_tol"] = tol[check.name]
        row[f"{check.name}_pass"] = None if err is None else bool(err <= tol[check.name])
    times, times_ref = out["step_times"], ref["step_times"]
    row.update(
        forward_max_abs=forward_abs, gradients_max_abs=grad_abs,
        loss_initial=loss, loss_initial_ref=loss_ref,
        loss_final=float(losses[-1]) if len(losses) else None,
        loss_final_ref=float(losses_ref[-1]) if len(losses_ref) else None,
        train_accuracy=float(out["train_accuracy"]), test_accuracy=float(out["test_accuracy"]),
        train_accuracy_ref=float(ref["train_accuracy"]), test_accuracy_ref=float(ref["test_accuracy"]),
        step_time_median_s=median_step_time(times), step_time_ref_s=median_step_time(times_ref),
    )
    return row, gradient_rows


def median_step_time(times, warmup=5):
    """Median of the step times after the first ``warmup`` steps (tracing, caches); all of them if fewer."""
    times = np.asarray(times)
    if len(times) == 0:
        return None
    return float(np.median(times[warmup:] if len(times) > warmup else times))


def failed_checks(row):
    return [c.name for c in CHECKS if row.get(f"{c.name}_pass") is False]
