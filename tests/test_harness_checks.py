"""The checks of the harness, without subprocesses: NaN and inf errors fail, wherever errors are combined."""
import math

import numpy as np
import pytest

from tensorslow_parity import schema, tolerances
from tensorslow_parity.normwise import normwise, passes, worst
from tensorslow_parity.run import checks
from tensorslow_parity.run.matrix import build_rows
from tensorslow_parity.run.subprocesses import Cell, Outcome

VARIABLES = ["w", "b"]


def _outputs(grad_b=(0.5, -0.25), final_b=(1.0, 2.0), steps=12):
    rng = np.random.default_rng(0)
    return {
        "forward": np.linspace(-1, 1, 8).reshape(4, 2), "loss0": np.array(0.7),
        "grad_0": np.ones((2, 2)), "grad_1": np.array(grad_b, dtype=float),
        "losses": np.linspace(1.0, 0.5, steps), "step_times": rng.random(steps),
        "final_0": np.full((2, 2), 3.0), "final_1": np.array(final_b, dtype=float),
        "train_accuracy": np.array(0.75), "test_accuracy": np.array(0.5),
    }


def _tol():
    return tolerances.model_check_tolerances("tensorslow", "sgd", "float64")[0]


def test_worst_propagates_nan_that_max_would_skip():
    assert max(0.0, float("nan")) == 0.0  # why worst() exists
    assert math.isnan(worst([0.0, float("nan"), 1.0]))
    assert worst([1e-3, float("inf")]) == float("inf") and worst([]) == 0.0
    assert not passes(float("nan"), 1.0) and not passes(float("inf"), 1.0) and not passes(-1.0, 1.0)
    assert passes(0.0, 0.0) and not passes(1e-3, None)


@pytest.mark.parametrize("output, check", [
    ("grad_1", "gradients"), ("final_1", "weights"),
])
@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_nan_or_inf_in_one_variable_fails_its_check(output, check, bad):
    ref = _outputs()
    out = _outputs()
    out[output] = np.array([bad, 1.0])
    row, grad_rows = checks.compare(out, ref, VARIABLES, _tol())
    assert row[f"{check}_pass"] is False, row[f"{check}_err"]
    assert check in checks.failed_checks(row)
    if check == "gradients":
        assert [g["pass"] for g in grad_rows] == [True, False]
        assert not (row["gradients_max_abs"] < math.inf)  # nan or inf, never the other variable's 0


def test_nan_reference_fails_rather_than_passes():
    ref = _outputs(grad_b=(float("nan"), 1.0))
    row, _ = checks.compare(_outputs(), ref, VARIABLES, _tol())
    assert row["gradients_pass"] is False


def test_nan_accuracy_and_trajectory_fail():
    out = _outputs()
    out["train_accuracy"] = np.array(float("nan"))
    out["losses"] = out["losses"].copy()
    out["losses"][3] = float("nan")
    row, _ = checks.compare(out, _outputs(), VARIABLES, _tol())
    assert row["accuracy_pass"] is False and row["trajectory_head_pass"] is False


def test_row_with_a_nan_gradient_is_failed_not_passed():
    cell = Cell("mlp_xor", "sgd", "tensorslow", "cpu", "float64")
    bad = _outputs(grad_b=(float("nan"), 0.0))
    outcomes = {cell.id: Outcome(outputs=bad), cell.reference().id: Outcome(outputs=_outputs())}
    meta = {"mlp_xor": dict(steps=12, batch_size=4, n_params=6, variables=VARIABLES)}
    results, gradients, _ = build_rows([cell], {}, outcomes, meta)
    assert results[0]["status"] == "failed" and "gradients" in results[0]["reason"]
    assert [g["pass"] for g in gradients] == [True, False]


def test_summary_table_shows_a_nan_error_as_the_worst():
    from tensorslow_parity.run import summary_table
    row = {k: "x" for k in schema.KEY} | {"framework": "tensorslow", "device": "cpu", "dtype": "float64"}
    rows = [dict(row, status="failed", gradients_err=float("nan"), gradients_pass=False,
                 forward_err=0.0, forward_pass=True),
            dict(row, model="y", status="passed", gradients_err=1e-3, gradients_pass=True,
                 forward_err=0.0, forward_pass=True)]
    assert "nan" in summary_table(rows)


def test_normwise_of_nan_is_not_a_pass():
    assert not passes(normwise([np.nan, 1.0], [1.0, 1.0])[1], 1e-3)
    assert not passes(normwise([1.0, 1.0], [np.nan, 1.0])[1], 1e-3)
