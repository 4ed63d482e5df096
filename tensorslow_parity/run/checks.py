"""Checks of one run against the reference (tf1, CPU, float64).

Every error is normwise — ``max|x - ref| / max|ref|`` over an array
(:func:`tensorslow_parity.normwise.normwise`) — so an entry of the reference
near zero does not blow the figure up; the loss trajectory's tail is relative
per step. A check passes when ``err <= tol``; the tolerances, by dtype, and the
documented framework differences that change them are in
:mod:`tensorslow_parity.tolerances`.
"""
import numpy as np

from tensorslow_parity.normwise import normwise, passes, worst
from tensorslow_parity.schema import ALL_CHECKS

#: the first steps of the loss trajectory, held to an absolute tolerance; later steps are relative
HEAD_STEPS = 10


def compare(out, ref, variable_names, tol, start=None):
    """The checks of outputs ``out`` against the reference's ``ref`` (dicts of arrays from the worker).

    ``start``, in same-seed mode: the weights the row must start from
    (TensorSlow's draw in its dtype), for the ``initial_weights`` check; that
    check is not run without it. Returns ``(row, gradient_rows)``: ``row``
    holds ``<check>_err``, ``<check>_tol``, ``<check>_pass`` and the
    informational figures of results.csv; ``gradient_rows`` one dict per variable.
    """
    row, errors = {}, {}
    errors["initial_weights"] = None if start is None else start_error(out, start)
    forward_abs, errors["forward"] = normwise(out["forward"], ref["forward"])
    loss, loss_ref = float(out["loss0"]), float(ref["loss0"])
    errors["loss"] = abs(loss - loss_ref) / abs(loss_ref) if loss_ref else abs(loss - loss_ref)

    # worst(), not max(): max() skips a NaN, and one NaN variable must fail the check.
    gradient_rows, grad_abs, grad_rel = [], [], []
    for i, name in enumerate(variable_names):
        a, r = normwise(out[f"grad_{i}"], ref[f"grad_{i}"])
        grad_abs.append(a)
        grad_rel.append(r)
        gradient_rows.append(dict(variable=name, shape="x".join(map(str, np.shape(ref[f"grad_{i}"]))),
                                  max_abs=a, max_rel=r, tol=tol["gradients"], **{"pass": passes(r, tol["gradients"])}))
    errors["gradients"], grad_abs = worst(grad_rel), worst(grad_abs)

    losses, losses_ref = out["losses"], ref["losses"]
    if losses.shape != losses_ref.shape:
        raise ValueError(f"{len(losses)} training steps, the reference ran {len(losses_ref)}")
    diff = np.abs(losses - losses_ref)
    errors["trajectory_head"] = float(np.max(diff[:HEAD_STEPS])) if len(diff) else None
    tail = diff[HEAD_STEPS:] / np.abs(losses_ref[HEAD_STEPS:])
    errors["trajectory_tail"] = float(np.max(tail)) if len(tail) else None

    errors["weights"] = worst(normwise(out[f"final_{i}"], ref[f"final_{i}"])[1] for i in range(len(variable_names)))
    errors["accuracy"] = worst([abs(float(out["train_accuracy"]) - float(ref["train_accuracy"])),
                                abs(float(out["test_accuracy"]) - float(ref["test_accuracy"]))])

    for check in ALL_CHECKS:
        err = errors[check.name]
        row[f"{check.name}_err"] = err
        row[f"{check.name}_tol"] = tol.get(check.name)
        row[f"{check.name}_pass"] = None if err is None else passes(err, tol.get(check.name))
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


def start_error(out, start):
    """How far the weights a run started from (``init_<i>`` of its outputs) are from ``start``: the worst
    normwise error over the variables, 0.0 only when every value is the same (as float64: float32 values
    convert exactly, so equal float64 values are equal float32 bits)."""
    if len(start) != sum(1 for k in out if k.startswith("init_")):
        raise ValueError(f"{sum(1 for k in out if k.startswith('init_'))} starting weights, the draw has {len(start)}")
    return worst(normwise(out[f"init_{i}"], w)[1] for i, w in enumerate(start))


def median_step_time(times, warmup=5):
    """Median of the step times after the first ``warmup`` steps (tracing, caches); all of them if fewer."""
    times = np.asarray(times)
    if len(times) == 0:
        return None
    return float(np.median(times[warmup:] if len(times) > warmup else times))


def failed_checks(row):
    return [c.name for c in ALL_CHECKS if row.get(f"{c.name}_pass") is False]
