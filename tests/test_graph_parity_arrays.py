"""Graph parity of the array ops TF1 builds with several outputs or constant operands: unstack (Unpack), split
(Split, SplitV), ones_like/zeros_like (Fill of a shape), range (start/limit/delta), and of the RNN, embedding,
boolean_mask and sampled-loss graphs built on them. Each build must give TF's (op name, op type) list and
TF's values."""
import os

import numpy as np
import pytest

import tensorslow as ts
from tensorslow_parity.graph_parity import graph_differences, tensorslow_ops

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
pytest.importorskip("tensorflow")


def unstack_and_split(tf):
    x = tf.placeholder(tf.float32, [4, 6], name="x")
    u = tf.placeholder(tf.float32, [None, 6], name="u")
    tf.unstack(x)
    tf.unstack(x, axis=-1, name="columns")
    tf.split(x, 2)
    tf.split(x, [1, 2, -1], axis=1)
    tf.split(u, 3, axis=-1)
    tf.split(x, 3, axis=tf.constant(1))  # a tensor axis: no split_dim Const


def like_ops(tf):
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    u = tf.placeholder(tf.float32, [None, 3], name="u")
    tf.ones_like(x)
    tf.ones_like(u)
    tf.ones_like(x, dtype=tf.int32, name="int_ones")
    tf.ones_like(x, optimize=False)
    tf.zeros_like(u)
    tf.zeros_like(u, dtype=tf.int32)
    tf.zeros_like(x)


def ranges(tf):
    u = tf.placeholder(tf.float32, [None, 3], name="u")
    tf.range(5)
    tf.range(1, 9, 3)
    tf.range(0.0, 2.0, 0.25)
    tf.range(4, dtype=tf.float32)
    tf.range(0, 5.0, 1)  # start and delta are cast to float32, as TF casts them
    tf.range(tf.shape(u)[0])
    tf.range(2 ** 40, 2 ** 40 + 3)


def masks(tf):
    x = tf.placeholder(tf.float32, [None, 4, 3], name="x")
    m = tf.placeholder(tf.bool, [None, 4], name="m")
    tf.boolean_mask(x, m)
    tf.boolean_mask(tf.zeros([2, 3]), [True, False])
    tf.boolean_mask(x, tf.placeholder(tf.bool, [4]), axis=1)
    tf.sequence_mask([1, 2], 4)
    tf.sequence_mask(tf.placeholder(tf.int32, [None]))


def lookups_and_sampled_losses(tf):
    tf.set_random_seed(1)
    w, b = tf.get_variable("w", [20, 4]), tf.get_variable("b", [20])
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.placeholder(tf.int64, [None, 2], name="y")
    tf.nn.sampled_softmax_loss(w, b, y, x, 5, 20, num_true=2)
    tf.nn.nce_loss(w, b, y, x, 5, 20, num_true=2, remove_accidental_hits=True)
    tf.nn.nce_loss(w, b, tf.placeholder(tf.int64, [8, 1]), tf.placeholder(tf.float32, [8, 4]), 3, 20)
    tf.nn.embedding_lookup(w, tf.placeholder(tf.int32, [3], name="ids"))
    tf.stack([1, 2]), tf.stack([tf.shape(x)[0], 3]), tf.stack([x, x], axis=1)
    tf.concat([[1], tf.shape(x)], 0), tf.expand_dims(3, 0)


def tensordots(tf):
    x = tf.placeholder(tf.float32, [None, 4, 3], name="x")
    w = tf.placeholder(tf.float32, [3, 5], name="w")
    v = tf.placeholder(tf.float32, [None, 5], name="v")
    tf.tensordot(x, w, axes=1)
    tf.tensordot(x, w, axes=[[2], [0]])
    tf.tensordot(x, v, axes=[[0], [0]])
    tf.tensordot(tf.placeholder(tf.float32, [2, 4, 3]), w, 1)
    tf.tensordot(w, w, 0)


@pytest.mark.parametrize("build", [unstack_and_split, like_ops, ranges, masks, lookups_and_sampled_losses,
                                   tensordots])
def test_graph_matches_tensorflow(build):
    assert graph_differences(build) == []


def _values(module, build, feed):
    with module.Graph().as_default():
        fetches, placeholders = build(module)
        with module.Session() as sess:
            return sess.run(fetches, {placeholders[k]: v for k, v in feed.items()})


def _array_values(tf):
    x = tf.placeholder(tf.float32, [4, 6], name="x")
    u = tf.placeholder(tf.float32, [None, 6], name="u")
    pieces = tf.unstack(x, axis=1) + tf.split(x, 2) + tf.split(x, [1, 2, -1], axis=1) + tf.split(u, 3, axis=-1)
    loss = tf.add_n([tf.reduce_sum(p * float(k + 1)) for k, p in enumerate(pieces[:3] + pieces[7:9])])
    return pieces + [tf.gradients(loss, x)[0], tf.ones_like(u), tf.zeros_like(u, dtype=tf.int32),
                     tf.range(0.3, 7.1, 0.7), tf.range(0, 5.0, 1), tf.range(tf.shape(u)[0])], {"x": x, "u": u}


def _tensordot_values(tf):
    x = tf.placeholder(tf.float64, [None, 4, 3], name="x")
    w = tf.placeholder(tf.float64, [3, 5], name="w")
    v = tf.placeholder(tf.float64, [None, 5], name="v")
    outs = [tf.tensordot(x, w, 1), tf.tensordot(x, v, [[0], [0]])]
    loss = tf.add_n([tf.reduce_sum(o * o) for o in outs])
    return outs + tf.gradients(loss, [x, w, v]), {"x": x, "w": w, "v": v}


def test_tensordot_of_a_partly_known_shape_equals_tensorflows(tf1):
    rng = np.random.default_rng(1)
    feed = {"x": rng.standard_normal((2, 4, 3)), "w": rng.standard_normal((3, 5)), "v": rng.standard_normal((2, 5))}
    ours, theirs = _values(ts, _tensordot_values, feed), _values(tf1, _tensordot_values, feed)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_values_and_gradients_equal_tensorflows(tf1):
    rng = np.random.default_rng(0)
    feed = {"x": rng.standard_normal((4, 6)).astype(np.float32), "u": rng.standard_normal((5, 6)).astype(np.float32)}
    ours, theirs = _values(ts, _array_values, feed), _values(tf1, _array_values, feed)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)  # moving values (and range's float32 arithmetic) is exact


def test_unpack_gradient_has_zeros_where_no_slice_was_used():
    x = ts.placeholder(ts.float64, [3, 2])
    rows = ts.unstack(x)
    (grad,) = ts.gradients(ts.reduce_sum(rows[1] * 2.0), [x])
    with ts.Session() as sess:
        np.testing.assert_array_equal(sess.run(grad, {x: np.ones((3, 2))}), [[0, 0], [2, 2], [0, 0]])


def test_one_op_with_an_output_per_piece():
    with ts.Graph().as_default() as graph:
        x = ts.placeholder(ts.float32, [4, 6], name="x")
        rows = ts.unstack(x)
        parts = ts.split(x, 3, axis=1)
        assert [r.name for r in rows] == ["unstack:0", "unstack:1", "unstack:2", "unstack:3"]
        assert [p.name for p in parts] == ["split:0", "split:1", "split:2"]
        assert rows[0].shape.as_list() == [6] and parts[0].shape.as_list() == [4, 2]
        assert [op.type for op in graph.get_operations()] == ["Placeholder", "Unpack", "Const", "Split"]


def test_run_time_checks_name_the_op():
    u = ts.placeholder(ts.float32, [None, 3], name="u")
    parts = ts.split(u, 2, axis=0, name="halves")
    with ts.Session() as sess, pytest.raises(ts.errors.InvalidArgumentError, match="halves.*evenly divide"):
        sess.run(parts[0], {u: np.zeros((3, 3))})
    limit = ts.placeholder(ts.int32, [], name="limit")
    with ts.Session() as sess, pytest.raises(ts.errors.InvalidArgumentError, match="range.*start <= limit"):
        sess.run(ts.range(4, limit), {limit: 1})


@pytest.mark.parametrize("build, error, match", [
    (lambda: ts.split(ts.zeros([4, 3]), 3), ValueError, "evenly divisible by 3"),
    (lambda: ts.split(ts.zeros([4, 3]), [1, 1], axis=1), ValueError, "Determined shape"),
    (lambda: ts.split(ts.zeros([4, 3]), [-1, -1], axis=1), ValueError, "one -1"),
    (lambda: ts.split(ts.zeros([4, 3]), 2, axis=2), ValueError, "axis = 2 not in"),
    (lambda: ts.unstack(ts.placeholder(ts.float32, [None, 2])), ValueError, "Cannot infer argument `num`"),
    (lambda: ts.unstack(ts.zeros([4, 3]), num=2), ValueError, "not num=2"),
    (lambda: ts.range(0, 10, 0), ValueError, "delta != 0"),
    (lambda: ts.range(10, 0), ValueError, "10/0"),
    (lambda: ts.range("5"), TypeError, "limit must be a number"),
])
def test_bad_input_is_refused_when_the_graph_is_built(build, error, match):
    with ts.Graph().as_default(), pytest.raises(error, match=match):
        build()


def test_dtype_less_placeholders_keep_working():
    """A course placeholder without a dtype: ones_like/zeros_like cannot make TF's typed fill constant, so
    they build the OnesLike/ZerosLike op, whose kernel takes the dtype of the value fed."""
    with ts.Graph().as_default() as graph:
        x = ts.placeholder(shape=[None, 2], name="x")
        ones, zeros = ts.ones_like(x), ts.zeros_like(x)
        r = ts.range(x.shape[1] or 2)
        assert [op.type for op in graph.get_operations()][1:3] == ["OnesLike", "ZerosLike"]
        with ts.Session() as sess:
            o, z, rv = sess.run([ones, zeros, r], {x: np.full((3, 2), 7, np.int64)})
    assert o.dtype == np.int64 and (o == 1).all() and z.dtype == np.int64 and not z.any()
    assert rv.tolist() == [0, 1]


def test_lstm_cell_splits_on_its_one_constant():
    """BasicLSTMCell splits its gates on the Const ``one`` it makes: a Split with no split_dim of its own."""
    def build(tf):
        x = tf.placeholder(tf.float32, [3, 2], name="x")
        cell = tf.nn.rnn_cell.BasicLSTMCell(4)
        cell(x, cell.zero_state(3, tf.float32))
    ops = tensorslow_ops(build)
    assert ("basic_lstm_cell/split", "Split") in ops and not any(n.endswith("split_dim") for n, _ in ops)


def test_dynamic_rnn_checks_the_length_of_sequence_length_as_tf_does():
    """dynamic_rnn's prologue is TF's: inputs made time-major by a Transpose, the batch size from their
    shape, and sequence_length passed through CheckSeqLen after an Assert on its shape."""
    with ts.Graph().as_default() as graph:
        x = ts.placeholder(ts.float32, [None, 3, 2], name="x")
        lengths = ts.placeholder(ts.int32, [None], name="lengths")
        outputs, _ = ts.nn.dynamic_rnn(ts.nn.rnn_cell.GRUCell(4), x, sequence_length=lengths, dtype=ts.float32)
        names = [op.op_name for op in graph.get_operations()]
        assert names[2:7] == ["rnn/Rank", "rnn/range/start", "rnn/range/delta", "rnn/range", "rnn/concat/values_0"]
        assert {"rnn/transpose", "rnn/Assert/Assert", "rnn/CheckSeqLen", "rnn/Min", "rnn/Max", "rnn/time",
                "rnn/Minimum", "rnn/transpose_1"} <= set(names)
        assert outputs.shape.as_list() == [None, 3, 4]
        with ts.Session() as sess:
            feed = {x: np.ones((2, 3, 2), np.float32)}
            assert sess.run(outputs, {**feed, lengths: [3, 1]})[1, 1:].tolist() == [[0.0] * 4] * 2
            with pytest.raises(ts.errors.InvalidArgumentError,
                               match=r"assertion failed: \[Expected shape for Tensor rnn/sequence_length:0 is \] "
                                     r"\[2\] \[ but saw shape: \] \[3\]"):
                sess.run(outputs, {**feed, lengths: [3, 1, 2]})


# -- RNN graphs against TF1's own cells (tf_keras' legacy cells: a subprocess with TF_USE_LEGACY_KERAS=1) ----

RNN_BUILDS = '''
import sys
from tensorslow_parity.graph_parity import graph_differences

def cells(tf):
    x = tf.placeholder(tf.float32, [2, 3, 3], name="x")
    xs = tf.unstack(x, axis=1)
    with tf.variable_scope("a"):
        tf.nn.static_rnn(tf.nn.rnn_cell.BasicRNNCell(4), xs, dtype=tf.float32)
    with tf.variable_scope("b"):
        cell = tf.nn.rnn_cell.LSTMCell(4, use_peepholes=True, num_proj=3, cell_clip=1.0)
        tf.nn.static_rnn(cell, xs, dtype=tf.float32)
    with tf.variable_scope("c"):
        tf.nn.static_rnn(tf.nn.rnn_cell.LSTMCell(4, num_proj=2, state_is_tuple=False), xs, dtype=tf.float32)
    with tf.variable_scope("d"):
        tf.nn.static_rnn(tf.nn.rnn_cell.BasicLSTMCell(4, state_is_tuple=False), xs, dtype=tf.float32)
    with tf.variable_scope("e"):
        stacked = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(3), tf.nn.rnn_cell.GRUCell(2)])
        tf.nn.static_rnn(stacked, xs, dtype=tf.float32)
    with tf.variable_scope("f"):
        flat = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(3), tf.nn.rnn_cell.GRUCell(2)],
                                           state_is_tuple=False)
        tf.nn.static_rnn(flat, xs, dtype=tf.float32)

def zero_states(tf):
    u = tf.placeholder(tf.float32, [None, 3], name="u")
    tf.nn.rnn_cell.BasicLSTMCell(4).zero_state(3, tf.float32)
    tf.nn.rnn_cell.GRUCell(2).zero_state(tf.shape(u)[0], tf.float32)
    cells = [tf.nn.rnn_cell.GRUCell(2), tf.nn.rnn_cell.LSTMCell(3)]
    tf.nn.rnn_cell.MultiRNNCell(cells).zero_state(tf.shape(u)[0], tf.float32)

found = [f"{build.__name__}: {line}" for build in (cells, zero_states) for line in graph_differences(build)]
print("\\n".join(found))
sys.exit(1 if found else 0)
'''


@pytest.mark.slow
def test_rnn_cells_and_zero_states_build_tf1s_graph():
    import subprocess
    import sys
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", RNN_BUILDS], env=env, capture_output=True, text=True, timeout=300,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
