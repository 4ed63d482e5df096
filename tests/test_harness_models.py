"""The parity zoo's CNN and LSTM: layouts, the Keras weight conversion, the networks against NumPy, and rows.

The fast tests need no TensorFlow: the layouts and draws, the spec's transport
to a worker, the TF1 <-> Keras LSTM conversion checked by running both cells
in NumPy, and TensorSlow's networks against NumPy references. The slow ones
run the rows in every framework's worker, and show that a wrong LSTM layout
in the Keras model (gate order, forget bias) fails the checks.
"""
import dataclasses

import numpy as np
import pytest

from tensorslow_parity import tolerances
from tensorslow_parity.cli import main as cli_main
from tensorslow_parity.frameworks import keras_layers
from tensorslow_parity.frameworks.tensorslow import TensorSlowModel
from tensorslow_parity.initializers import dense_weights
from tensorslow_parity.models import architectures, zoo
from tensorslow_parity.models.problem import make_problem
from tensorslow_parity.run import checks

CPU_ONLY = {"cpu": {"available": True, "name": "test CPU"},
            "gpu": {"available": False, "reason": "no GPU (test)"},
            "tpu": {"available": False, "reason": "no TPU (test)"}}
FRAMEWORKS = ("tensorslow", "tf1", "tf2", "keras")


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# -- layouts and specs ----------------------------------------------------------------------------------------

def test_the_zoo_has_a_cnn_and_an_lstm_with_tf1_layouts():
    cnn, lstm = make_problem(zoo.get("cnn_digits"), 3), make_problem(zoo.get("lstm_digits"), 3)
    assert list(zip(cnn.variable_names, (w.shape for w in cnn.weights))) == [
        ("conv_0/kernel", (3, 3, 1, 4)), ("conv_0/bias", (4,)), ("conv_1/kernel", (3, 3, 4, 8)),
        ("conv_1/bias", (8,)), ("dense_0/kernel", (32, 10)), ("dense_0/bias", (10,))]
    assert list(zip(lstm.variable_names, (w.shape for w in lstm.weights))) == [
        ("lstm/kernel", (8 + 16, 64)), ("lstm/bias", (64,)), ("dense_0/kernel", (16, 10)), ("dense_0/bias", (10,))]
    assert not lstm.weights[1].any() and cnn.weights[1].any()  # TF1's LSTMCell starts its bias at zero
    limit = np.sqrt(6.0 / (9 * 4 + 9 * 8))  # TF's fans of a conv kernel include the receptive field
    assert np.abs(cnn.weights[2]).max() <= limit and np.abs(cnn.weights[2]).max() > 0.9 * limit
    assert cnn.batch(0)[0].shape == (32, 64) and cnn.batch(0)[1].shape == (32, 10)
    assert architectures.describe(zoo.get("cnn_digits"), 64, 10) == "8x8x1-c4-c8-10"


def test_an_mlp_draws_the_same_numbers_as_before():
    spec = zoo.get("mlp_digits")
    problem = make_problem(spec, 3)
    expected = dense_weights(np.random.default_rng(spec.seed), (64, 128, 64, 10))
    assert all(np.array_equal(a, b) for a, b in zip(problem.weights, expected, strict=True))


@pytest.mark.parametrize("name", ["cnn_digits", "lstm_digits"])
def test_a_spec_reaches_the_worker_unchanged(name):
    spec = zoo.get(name)
    assert zoo.spec_from_dict(zoo.spec_to_dict(spec)) == spec


def test_bad_architectures_are_refused_naming_the_model():
    base = zoo.get("cnn_digits")
    rates = base.learning_rates
    with pytest.raises(ValueError, match="'x': unknown architecture 'rnn'"):
        zoo.register(dataclasses.replace(base, name="x", architecture="rnn"))
    with pytest.raises(ValueError, match=r"'x': a cnn needs input_shape \(height, width, channels\)"):
        zoo.register(dataclasses.replace(base, name="x", input_shape=(8, 8)))
    with pytest.raises(ValueError, match="'x': an lstm has one layer"):
        zoo.register(zoo.ModelSpec("x", "", "digits", (8, 8), "tanh", "softmax", 8, 2, rates,
                                   architecture="lstm", input_shape=(8, 8)))
    with pytest.raises(ValueError, match="'x': input_shape .* holds 49 values, the dataset 'digits' has 64"):
        architectures.layout(dataclasses.replace(base, name="x", input_shape=(7, 7, 1)), 64, 10)
    with pytest.raises(ValueError, match="pools leave nothing"):
        architectures.layout(dataclasses.replace(base, name="x", hidden=(2, 2, 2, 2)), 64, 10)
    assert "x" not in zoo.MODELS


def test_models_command_shows_the_new_architectures(capsys):
    assert cli_main(["models"]) == 0
    printed = capsys.readouterr().out
    assert "8x8x1-c4-c8-10" in printed and "8x8-lstm16-10" in printed


def test_lstm_known_differences_are_noted_for_lstm_rows_only():
    _, note = tolerances.model_check_tolerances("keras", "sgd", "float32", "lstm_digits")
    assert "i, f, c, o" in note and "forget_bias 1.0" in note
    assert tolerances.model_check_tolerances("keras", "sgd", "float32", "cnn_digits")[1] == ""
    assert tolerances.model_check_tolerances("tensorslow", "adam", "float64", "lstm_digits")[1] == ""
    tol, note = tolerances.model_check_tolerances("tf2", "adam", "float64", "lstm_digits")
    assert tol["weights"] == 1e-4 and "Keras Adam" in note and "unrolls" in note


# -- the TF1 <-> Keras LSTM conversion, run in NumPy --------------------------------------------------------------

def _tf1_lstm(x_seq, kernel, bias, forget_bias=1.0):
    """TF1's LSTMCell over the steps: [i, j, f, o] = [x, h] W + b; c = s(f + forget_bias) c + s(i) tanh(j)."""
    units = bias.shape[0] // 4
    c = h = np.zeros((x_seq.shape[0], units))
    for t in range(x_seq.shape[1]):
        i, j, f, o = np.split(np.concatenate([x_seq[:, t], h], axis=1) @ kernel + bias, 4, axis=1)
        c = _sigmoid(f + forget_bias) * c + _sigmoid(i) * np.tanh(j)
        h = _sigmoid(o) * np.tanh(c)
    return h


def _keras_lstm(x_seq, kernel, recurrent, bias):
    """Keras's LSTM over the steps: [i, f, c, o] = x K + h R + b; c = s(f) c + s(i) tanh(c~), no forget bias."""
    units = recurrent.shape[0]
    c = h = np.zeros((x_seq.shape[0], units))
    for t in range(x_seq.shape[1]):
        i, f, g, o = np.split(x_seq[:, t] @ kernel + h @ recurrent + bias, 4, axis=1)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
    return h


def _lstm_case():
    spec = zoo.get("lstm_digits")
    rng = np.random.default_rng(0)
    kernel, bias = rng.uniform(-0.5, 0.5, (24, 64)), rng.uniform(-0.5, 0.5, 64)
    dense = [rng.uniform(-0.5, 0.5, (16, 10)), rng.uniform(-0.1, 0.1, 10)]
    return spec, [kernel, bias, *dense], rng.uniform(0, 1, (5, 8, 8))


def test_keras_lstm_weights_compute_tf1s_cell():
    spec, weights, x = _lstm_case()
    k, r, b, *dense = keras_layers.to_keras(spec, weights)
    assert k.shape == (8, 64) and r.shape == (16, 64) and b.shape == (64,)
    assert [d is w for d, w in zip(dense, weights[2:])] == [True, True]  # the dense layer loads unchanged
    expected = _tf1_lstm(x, weights[0], weights[1])
    assert np.max(np.abs(_keras_lstm(x, k, r, b) - expected)) < 1e-14


def test_keras_lstm_conversion_round_trips_weights_and_gradients():
    spec, weights, _ = _lstm_case()
    back = keras_layers.from_keras(spec, keras_layers.to_keras(spec, weights))
    assert np.array_equal(back[0], weights[0]) and np.allclose(back[1], weights[1], rtol=0, atol=1e-15)
    grads = keras_layers.from_keras(spec, keras_layers.to_keras(spec, weights), gradients=True)
    assert np.allclose(grads[1][32:48], weights[1][32:48] + 1.0)  # a gradient keeps the shift: nothing removed
    with pytest.raises(ValueError, match="4 x 16 = 64 gate columns, not 60"):
        keras_layers.to_keras(spec, [weights[0][:, :60], weights[1][:60], *weights[2:]])


@pytest.mark.parametrize("wrong", ["tf1 gate order", "no forget bias"])
def test_a_wrong_lstm_layout_changes_the_output(monkeypatch, wrong):
    spec, weights, x = _lstm_case()
    if wrong == "tf1 gate order":
        monkeypatch.setattr(keras_layers, "KERAS_GATES_FROM_TF1", (0, 1, 2, 3))
    else:
        monkeypatch.setattr(keras_layers, "FORGET_BIAS", 0.0)
    h = _keras_lstm(x, *keras_layers.to_keras(spec, weights)[:3])
    expected = _tf1_lstm(x, weights[0], weights[1])
    assert np.max(np.abs(h - expected)) / np.max(np.abs(expected)) > 100 * tolerances.MODEL_CHECK_TOLERANCES[
        "float32"]["forward"]


# -- TensorSlow's networks against NumPy ---------------------------------------------------------------------------

def _numpy_cnn(x, weights):
    """conv 3x3 SAME + bias, relu, 2x2 max pool, twice; flatten (h, w, c); dense. By explicit sums."""
    h = x.reshape(-1, 8, 8, 1)
    for kernel, bias in (weights[0:2], weights[2:4]):
        padded = np.pad(h, ((0, 0), (1, 1), (1, 1), (0, 0)))
        conv = np.zeros(h.shape[:3] + (kernel.shape[3],))
        for di in range(3):
            for dj in range(3):
                conv += padded[:, di:di + h.shape[1], dj:dj + h.shape[2], :] @ kernel[di, dj]
        a = np.maximum(conv + bias, 0.0)
        n, hh, ww, c = a.shape
        h = a.reshape(n, hh // 2, 2, ww // 2, 2, c).max(axis=(2, 4))
    return h.reshape(len(h), -1) @ weights[4] + weights[5]


@pytest.mark.parametrize("name", ["cnn_digits", "lstm_digits"])
def test_tensorslow_networks_match_numpy(name):
    spec = zoo.get(name)
    problem = make_problem(spec, 2)
    weights = [w + 0.05 for w in problem.weights]  # a nonzero LSTM bias too
    model = TensorSlowModel(spec, spec.optimizer("sgd"), problem.weights, np.float64, "cpu")
    try:
        model.set_weights(weights)
        x = problem.batch(0)[0]
        if name == "cnn_digits":
            expected = _numpy_cnn(x, weights)
        else:
            expected = _tf1_lstm(x.reshape(-1, 8, 8), weights[0], weights[1]) @ weights[2] + weights[3]
        assert np.max(np.abs(model.forward(x) - expected)) < 1e-12
        assert [w.shape for w in model.get_weights()] == [w.shape for w in weights]
    finally:
        model.close()


# -- rows ------------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_cnn_and_lstm_rows_pass_in_every_framework_and_dtype(tmp_path):
    from tensorslow_parity.run.matrix import run_matrix
    rows = run_matrix(["cnn_digits", "lstm_digits"], ["adam"], list(FRAMEWORKS), ["cpu"],
                      ["float32", "float64"], steps=4, out=tmp_path / "results", progress=False, found=CPU_ONLY)
    assert len(rows) == 2 * 1 * 4 * 2
    bad = [(r["model"], r["optimizer"], r["framework"], r["dtype"], r["reason"]) for r in rows
           if r["status"] != "passed"]
    assert not bad
    for r in rows:
        if r["dtype"] == "float64":
            assert r["forward_err"] < 1e-14 and r["gradients_err"] < 1e-14, r


def _keras_outputs_against_tensorslow(spec, problem):
    from tensorslow_parity.frameworks.keras import KerasModel
    from tensorslow_parity.run.worker import run_cell
    optimizer = spec.optimizer("sgd")
    ref = run_cell(TensorSlowModel, spec, optimizer, problem, "float64", "cpu")
    out = run_cell(KerasModel, spec, optimizer, problem, "float64", "cpu")
    tol, _ = tolerances.model_check_tolerances("keras", "sgd", "float64", spec.name)
    row, _ = checks.compare(out, ref, problem.variable_names, tol)
    return row


@pytest.mark.slow
def test_a_wrong_keras_lstm_layout_fails_the_checks(monkeypatch):
    pytest.importorskip("tensorflow")
    spec = zoo.get("lstm_digits")
    problem = make_problem(spec, 2)
    problem = dataclasses.replace(problem, weights=[w + 0.05 for w in problem.weights])  # a nonzero LSTM bias
    assert not checks.failed_checks(_keras_outputs_against_tensorslow(spec, problem))
    monkeypatch.setattr(keras_layers, "KERAS_GATES_FROM_TF1", (0, 1, 2, 3))  # TF1's gate order, loaded as is
    assert {"forward", "loss", "gradients"} <= set(checks.failed_checks(_keras_outputs_against_tensorslow(spec,
                                                                                                         problem)))
    monkeypatch.undo()
    monkeypatch.setattr(keras_layers, "FORGET_BIAS", 0.0)  # TF1's forget bias forgotten
    assert {"forward", "loss"} <= set(checks.failed_checks(_keras_outputs_against_tensorslow(spec, problem)))
