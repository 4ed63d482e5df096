"""``tf.nn.rnn_cell``, ``static_rnn``, ``dynamic_rnn`` and ``bidirectional_dynamic_rnn`` against TF1.

TF1's results come from tests/rnn_reference.py, run once per module in its own process (TF1's cells need
``TF_USE_LEGACY_KERAS=1`` before TensorFlow is imported; this process keeps Keras 3): for every case the
initial weights that ``tf.set_random_seed(7)`` draws (TensorSlow must draw the same bits), outputs,
final states and gradients with respect to inputs and weights, and the variables' names and shapes. The
same process restores a checkpoint of an LSTM that TensorSlow trained. The checks of names, sizes, reuse,
executors and errors need no TensorFlow and run fast.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from rnn_reference import CASES, run_case, trained_lstm, training_batch

import tensorslow as ts

HERE = os.path.dirname(os.path.abspath(__file__))
rnn_cell = ts.nn.rnn_cell


def _train_and_save(directory):
    """Train :func:`trained_lstm` three steps in TensorSlow, save it; (checkpoint prefix, its logits)."""
    with ts.Graph().as_default():
        ts.set_random_seed(3)
        x, labels, logits, train_op = trained_lstm(ts)
        batch, classes = training_batch()
        with ts.Session() as sess:
            sess.run(ts.global_variables_initializer())
            for _ in range(3):
                sess.run(train_op, {x: batch, labels: classes})
            prefix = ts.train.Saver().save(sess, os.path.join(directory, "lstm"))
            return prefix, sess.run(logits, {x: batch})


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """TF1's values (``<case>|<key>``) and variables (case -> [[name, shape]]) of every case, and TF1's
    logits from the checkpoint TensorSlow trained, next to TensorSlow's."""
    out = tmp_path_factory.mktemp("rnn_reference")
    prefix, our_logits = _train_and_save(str(out))
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, os.path.join(HERE, "rnn_reference.py"), str(out), prefix], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(out / "values.npz") as values, np.load(out / "restored.npz") as restored, \
            open(out / "names.json") as f:
        return dict(values), json.load(f), restored["logits"], our_logits


# -- values, gradients, initial weights and names, case by case ------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_values_gradients_and_weights_match_tf1(reference, case):
    values, names, _, _ = reference
    theirs = {k[len(case) + 1:]: v for k, v in values.items() if k.startswith(case + "|")}
    ours, our_names = run_case(ts, case)
    assert [[n, s] for n, s in our_names] == names[case]  # names and shapes, so checkpoints interchange
    assert sorted(ours) == sorted(theirs)
    for key, expected in theirs.items():
        got = np.asarray(ours[key])
        assert got.dtype == expected.dtype, key
        if key.startswith("w/"):  # the graph seed draws TF's initial weights, bit for bit
            np.testing.assert_array_equal(got, expected, err_msg=key)
        elif expected.dtype == np.float64:
            np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12, err_msg=key)
        else:  # float32: matmuls sum in other orders than TF's
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6, err_msg=key)


@pytest.mark.slow
def test_tf1_restores_an_lstm_tensorslow_trained(reference):
    """TensorSlow's checkpoint of a trained MultiRNNCell(LSTMCell, GRUCell) + dense model loads into TF1's
    graph of the same program (same names, shapes, layouts) and gives TensorSlow's logits."""
    _, _, tf_logits, our_logits = reference
    np.testing.assert_allclose(tf_logits, our_logits, rtol=1e-5, atol=1e-6)


# -- names and sizes, as TF1 names them (fast) --------------------------------------------------------------

def _variables(build):
    with ts.Graph().as_default():
        build()
        return [(v.name, v.shape.as_list()) for v in ts.global_variables()]


def _x(batch=2, steps=3, depth=4, dtype=ts.float32):
    return ts.placeholder(dtype, [batch, steps, depth], name="x")


def test_variable_names_of_each_cell():
    assert _variables(lambda: ts.nn.dynamic_rnn(rnn_cell.BasicLSTMCell(5), _x(), dtype=ts.float32)) == [
        ("rnn/basic_lstm_cell/kernel:0", [9, 20]), ("rnn/basic_lstm_cell/bias:0", [20])]
    assert _variables(lambda: ts.nn.static_rnn(rnn_cell.GRUCell(5), ts.unstack(_x(), axis=1),
                                               dtype=ts.float32)) == [
        ("rnn/gru_cell/gates/kernel:0", [9, 10]), ("rnn/gru_cell/gates/bias:0", [10]),
        ("rnn/gru_cell/candidate/kernel:0", [9, 5]), ("rnn/gru_cell/candidate/bias:0", [5])]
    assert _variables(lambda: ts.nn.dynamic_rnn(rnn_cell.LSTMCell(5, use_peepholes=True, num_proj=3), _x(),
                                                dtype=ts.float32, scope="enc")) == [
        ("enc/lstm_cell/kernel:0", [7, 20]), ("enc/lstm_cell/bias:0", [20]), ("enc/lstm_cell/w_f_diag:0", [5]),
        ("enc/lstm_cell/w_i_diag:0", [5]), ("enc/lstm_cell/w_o_diag:0", [5]),
        ("enc/lstm_cell/projection/kernel:0", [5, 3])]
    stack = rnn_cell.MultiRNNCell([rnn_cell.BasicRNNCell(5, name="first"), rnn_cell.BasicRNNCell(2)])
    assert _variables(lambda: ts.nn.dynamic_rnn(stack, _x(), dtype=ts.float32)) == [
        ("rnn/multi_rnn_cell/cell_0/first/kernel:0", [9, 5]), ("rnn/multi_rnn_cell/cell_0/first/bias:0", [5]),
        ("rnn/multi_rnn_cell/cell_1/basic_rnn_cell/kernel:0", [7, 2]),
        ("rnn/multi_rnn_cell/cell_1/basic_rnn_cell/bias:0", [2])]


def test_bidirectional_variable_names():
    names = _variables(lambda: ts.nn.bidirectional_dynamic_rnn(rnn_cell.GRUCell(2), rnn_cell.GRUCell(2), _x(),
                                                               dtype=ts.float32))
    assert [n for n, _ in names] == [f"bidirectional_rnn/{d}/gru_cell/{p}/{k}:0" for d in ("fw", "bw")
                                     for p in ("gates", "candidate") for k in ("kernel", "bias")]


def test_sizes_zero_state_and_state_tuple():
    lstm = rnn_cell.LSTMCell(4, num_proj=2)
    assert lstm.state_size == rnn_cell.LSTMStateTuple(4, 2) and lstm.output_size == 2
    assert rnn_cell.BasicLSTMCell(3, state_is_tuple=False).state_size == 6
    stack = rnn_cell.MultiRNNCell([rnn_cell.GRUCell(3), lstm])
    assert stack.state_size == (3, rnn_cell.LSTMStateTuple(4, 2)) and stack.output_size == 2
    with ts.Graph().as_default():
        zero = stack.zero_state(5, ts.float64)
        assert zero[1].c.shape.as_list() == [5, 4] and zero[1].h.shape.as_list() == [5, 2]
        assert zero[1].dtype == ts.float64 and zero[0].op_name.startswith("MultiRNNCellZeroState/GRUCellZeroState")
        batch = ts.placeholder(ts.int32, [])
        dynamic = rnn_cell.GRUCell(3).zero_state(batch, ts.float32)
        assert dynamic.shape.as_list() == [None, 3]
        with ts.Session() as sess:
            np.testing.assert_array_equal(sess.run(dynamic, {batch: 2}), np.zeros((2, 3), np.float32))


def test_a_cell_reused_shares_its_weights_and_a_new_one_needs_reuse():
    with ts.Graph().as_default():
        cell = rnn_cell.BasicLSTMCell(3)
        out1, _ = ts.nn.dynamic_rnn(cell, _x(), dtype=ts.float32)
        out2, _ = ts.nn.dynamic_rnn(cell, _x(), dtype=ts.float32, scope="other")  # the same variables
        assert len(ts.global_variables()) == 2
        with pytest.raises(ValueError, match="Variable rnn/basic_lstm_cell/kernel already exists, disallowed"):
            ts.nn.dynamic_rnn(rnn_cell.BasicLSTMCell(3), _x(), dtype=ts.float32)  # a new cell, the same names
        with pytest.raises(ValueError, match="Variable rnn/rnn/basic_lstm_cell/kernel does not exist"):
            with ts.variable_scope("rnn", reuse=True):  # static_rnn opens rnn/ inside it
                ts.nn.static_rnn(rnn_cell.BasicLSTMCell(3), ts.unstack(_x(), axis=1), dtype=ts.float32)
        with ts.variable_scope(ts.get_variable_scope(), reuse=True):
            ts.nn.dynamic_rnn(rnn_cell.BasicLSTMCell(3), _x(), dtype=ts.float32)
        assert len(ts.global_variables()) == 2
        with ts.Session() as sess:
            sess.run(ts.global_variables_initializer())
            feed = np.ones((2, 3, 4), np.float32)
            a, b = sess.run([out1, out2], {"x:0": feed, "x_1:0": feed})
            np.testing.assert_array_equal(a, b)


class Accumulator(rnn_cell.RNNCell):
    """A user's cell: its own variable from tf.get_variable in call, h' = h + x W."""

    state_size = output_size = 2

    def call(self, inputs, state):
        w = ts.get_variable("w", [inputs.shape.as_list()[1], 2])
        out = state + ts.matmul(inputs, w)
        return out, out


def test_a_user_cell_subclass_gets_its_scope_and_reuses_its_variable():
    with ts.Graph().as_default():
        outputs, state = ts.nn.dynamic_rnn(Accumulator(), _x(), dtype=ts.float32)
        assert [v.name for v in ts.global_variables()] == ["rnn/accumulator/w:0"]
        with ts.Session() as sess:
            sess.run(ts.global_variables_initializer())
            w = sess.run(ts.global_variables()[0])
            x = np.random.RandomState(0).randn(2, 3, 4).astype(np.float32)
            np.testing.assert_allclose(sess.run(state, {"x:0": x}), (x @ w).sum(axis=1), rtol=1e-5)


# -- both executors, the same bits ----------------------------------------------------------------------------

def test_reference_executor_and_plans_agree_bitwise():
    with ts.Graph().as_default():
        ts.set_random_seed(1)
        x = _x(batch=None)
        cell = rnn_cell.MultiRNNCell([rnn_cell.DropoutWrapper(rnn_cell.LSTMCell(4, use_peepholes=True),
                                                              output_keep_prob=0.5, seed=2), rnn_cell.GRUCell(3)])
        outputs, state = ts.nn.dynamic_rnn(cell, x, sequence_length=[3, 1], dtype=ts.float32)
        loss = ts.reduce_sum(outputs) + ts.reduce_sum(state[0].c)
        grads = ts.gradients(loss, [x] + ts.trainable_variables())
        feed = {x: np.random.RandomState(0).randn(2, 3, 4).astype(np.float32)}
        results = []
        for executor in ("reference", None):
            with ts.Session(**({"executor": executor} if executor else {})) as sess:
                sess.run(ts.global_variables_initializer())
                results.append(sess.run([outputs, grads], feed))
        for a, b in zip(ts.rnn.nest.flatten(results[0]), ts.rnn.nest.flatten(results[1])):
            np.testing.assert_array_equal(a, b)


# -- sequence_length semantics ------------------------------------------------------------------------------

def test_outputs_past_a_sequence_end_are_zero_and_its_state_stops():
    with ts.Graph().as_default():
        x = _x(batch=3, steps=4)
        outputs, state = ts.nn.dynamic_rnn(rnn_cell.GRUCell(2), x, sequence_length=[4, 2, 0], dtype=ts.float32)
        full, _ = ts.nn.dynamic_rnn(rnn_cell.GRUCell(2, name="gru_cell", reuse=True), x, dtype=ts.float32)
        with ts.Session() as sess:
            sess.run(ts.global_variables_initializer())
            out, final, unmasked = sess.run([outputs, state, full], {x: np.ones((3, 4, 4), np.float32)})
    np.testing.assert_array_equal(out[1, 2:], 0)
    np.testing.assert_array_equal(out[2], 0)
    np.testing.assert_array_equal(final[1], unmasked[1, 1])  # the state at its own last step
    np.testing.assert_array_equal(final[2], 0)  # never started: the initial state
    np.testing.assert_array_equal(out[0], unmasked[0])


# -- errors --------------------------------------------------------------------------------------------------

def test_errors_name_the_problem():
    with ts.Graph().as_default():
        cell = rnn_cell.BasicLSTMCell(3)
        with pytest.raises(ValueError, match="must have rank at least 3"):
            ts.nn.dynamic_rnn(cell, ts.placeholder(ts.float32, [2, 4]), dtype=ts.float32)
        with pytest.raises(ValueError, match="If no initial_state is provided, argument `dtype` must be"):
            ts.nn.dynamic_rnn(cell, _x())
        with pytest.raises(TypeError, match="Argument `inputs` must be a sequence"):
            ts.nn.static_rnn(cell, _x(), dtype=ts.float32)
        with pytest.raises(ValueError, match="`inputs` must not be empty"):
            ts.nn.static_rnn(cell, [], dtype=ts.float32)
        with pytest.raises(TypeError, match="is not an RNNCell: 'output_size' property is missing"):
            ts.nn.dynamic_rnn(lambda x, s: (x, s), _x(), dtype=ts.float32)
        with pytest.raises(ValueError, match="Input size .* must be accessible via shape inference"):
            ts.nn.dynamic_rnn(cell, ts.placeholder(ts.float32, [2, 3, None]), dtype=ts.float32)
        with pytest.raises(ValueError, match="sequence_length must be a vector"):
            ts.nn.dynamic_rnn(cell, _x(), sequence_length=[[1, 2]], dtype=ts.float32)
        with pytest.raises(ValueError, match="RNN cell only supports floating point inputs"):
            rnn_cell.GRUCell(2)(ts.placeholder(ts.int32, [2, 3]), ts.zeros([2, 2], ts.int32))
        with pytest.raises(ValueError, match='layer "gru_cell" is incompatible with the layer: expected ndim=2, '
                                             'found ndim=3'):
            rnn_cell.GRUCell(2)(_x(), ts.zeros([2, 2]))
        with pytest.raises(ValueError, match="Expected inputs.shape\\[-1\\] to be known"):
            rnn_cell.GRUCell(2)(ts.placeholder(ts.float32, [2, None]), ts.zeros([2, 2]))
        with pytest.raises(ValueError, match="Parameter output_keep_prob must be between 0 and 1"):
            rnn_cell.DropoutWrapper(cell, output_keep_prob=1.5)
        with pytest.raises(ValueError, match="Must specify at least one cell"):
            rnn_cell.MultiRNNCell([])


def test_reverse_sequence_rejects_lengths_past_the_steps():
    with ts.Graph().as_default():
        x = ts.reverse_sequence(ts.ones([2, 3]), [4, 1], seq_axis=1, batch_axis=0)
        with ts.Session() as sess, pytest.raises(ts.errors.InvalidArgumentError, match="seq_lens\\(0\\) > input"):
            sess.run(x)
