"""The promise "change the import and a TF1 tutorial runs with the same numbers".

``tests/tutorial_program.py`` (softmax regression and a 64-32-16 ReLU MLP on
scikit-learn's digits) runs once with ``import tensorslow as tf`` and once with
``import tensorflow.compat.v1 as tf``, for every model x optimizer, in float32
and float64, and the per-step training losses must agree:

* the first 10 steps within 1e-5 (float32) / 1e-9 (float64) absolute,
* later steps within rtol 5e-2 (float32) / 1e-8 (float64), since float32
  rounding differences may grow as training goes on,

and the final accuracies must agree too.
"""
import importlib.util
import pathlib

import numpy as np
import pytest

import tensorslow

STEPS = 30
TOLERANCES = {  # dtype: (absolute tolerance for the first 10 steps, relative tolerance afterwards)
    "float32": (1e-5, 5e-2),
    "float64": (1e-9, 1e-8),
}


def _load_tutorial():
    path = pathlib.Path(__file__).with_name("tutorial_program.py")
    spec = importlib.util.spec_from_file_location("tutorial_program", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tutorial = _load_tutorial()


def _mismatches(ours, theirs, dtype):
    atol_early, rtol_late = TOLERANCES[dtype]
    bad = []
    for step, (a, b) in enumerate(zip(ours, theirs)):
        if step < 10:
            ok = abs(a - b) <= atol_early
            limit = f"atol {atol_early:g}"
        else:
            ok = abs(a - b) <= rtol_late * abs(b)
            limit = f"rtol {rtol_late:g}"
        if not ok:
            bad.append(f"step {step}: tensorslow {a!r} vs tensorflow {b!r} "
                       f"(diff {abs(a - b):.3g}, {limit})")
    return bad


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("model", ["softmax", "mlp"])
def test_tutorial_losses_match_tensorflow(tf1, model, optimizer, dtype):
    ours = tutorial.run(tensorslow, model, optimizer, dtype, STEPS)
    theirs = tutorial.run(tf1, model, optimizer, dtype, STEPS)

    assert len(ours["losses"]) == len(theirs["losses"]) == STEPS
    assert np.all(np.isfinite(ours["losses"])), ours["losses"]
    bad = _mismatches(ours["losses"], theirs["losses"], dtype)
    assert not bad, (f"{model}/{optimizer}/{dtype}: {len(bad)} of {STEPS} losses differ from TensorFlow:\n"
                     + "\n".join(bad[:10]))

    # Training did something (the comparison above would also pass for two frozen models).
    assert ours["losses"][-1] < 0.8 * ours["losses"][0], ours["losses"]

    # Same predictions: accuracies equal (float32 may flip one borderline example).
    n_test = 1797 - tutorial.N_TRAIN
    slack = 0.0 if dtype == "float64" else 1.5 / n_test
    for which in ("train_accuracy", "test_accuracy"):
        assert abs(ours[which] - theirs[which]) <= slack + 1e-7, (
            f"{model}/{optimizer}/{dtype} {which}: tensorslow {ours[which]} vs tensorflow {theirs[which]}")
    assert ours["test_accuracy"] > 0.5


def test_tutorial_is_deterministic():
    """Two runs with TensorSlow give bit-identical losses (fixed data order, fixed initial weights)."""
    a = tutorial.run(tensorslow, "mlp", "momentum", "float32", 10)
    b = tutorial.run(tensorslow, "mlp", "momentum", "float32", 10)
    assert a == b
