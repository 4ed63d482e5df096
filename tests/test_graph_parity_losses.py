"""Cross-entropies, tf.losses, dropout and their small companions build TF1's graph, op for op, and
compute TF's numbers through it (the shape nodes are real: they compute the shapes the Reshapes use)."""
import os

import numpy as np
import pytest

import tensorslow as ts
from tensorslow_parity.graph_parity import graph_differences, tensorslow_ops

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
pytest.importorskip("tensorflow")


def dense_xent(tf):
    """The v1 op in the scope ..._sg behind labels_stop_gradient; v2 named; literal inputs named
    logits/labels; a fully known shape (Shape is a Const)."""
    x = tf.placeholder(tf.float32, [None, 10], name="x")
    y = tf.placeholder(tf.float32, [None, 10], name="y")
    tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x)
    tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x, name="xe")
    tf.nn.softmax_cross_entropy_with_logits_v2(labels=np.ones((2, 3), np.float32), logits=np.zeros((2, 3), np.float32))


def dense_xent_other_axes_and_types(tf):
    """A class axis other than the last (Range and Transpose ops), float16 (Casts), unknown rank (Rank ops)."""
    x = tf.placeholder(tf.float32, [4, 10, 3], name="x")
    tf.nn.softmax_cross_entropy_with_logits_v2(labels=x, logits=x, axis=1, name="xa")
    h = tf.placeholder(tf.float16, [None, 3], name="h")
    tf.nn.softmax_cross_entropy_with_logits_v2(labels=h, logits=h, name="xh")
    u = tf.placeholder(tf.float32, None, name="u")
    tf.nn.softmax_cross_entropy_with_logits(labels=u, logits=u, name="xu")


def dropouts(tf):
    tf.set_random_seed(3)
    x = tf.placeholder(tf.float32, [None, 6], name="x")
    tf.nn.dropout(x, keep_prob=tf.placeholder(tf.float32, name="kp"))
    tf.nn.dropout(x, rate=0.25, noise_shape=[1, 6])


def sparse_xent(tf):
    """<name>/Shape (a Shape op, or a Const for a known shape), the kernel named <name>/<name>; logits of
    rank 3 reshaped to rows and back (num_classes by strided_slice on the logits' shape)."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    k = tf.placeholder(tf.int32, [None], name="k")
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=k, logits=x)
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=k, logits=x, name="xent")
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 2], logits=np.ones((2, 3), np.float32), name="known")
    x3 = tf.placeholder(tf.float32, [2, 5, 3], name="x3")
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.placeholder(tf.int64, [2, 5]), logits=x3, name="xs")
    xd = tf.placeholder(tf.float32, [None, 5, 3], name="xd")  # shapes not all known: TF's assert_equal first
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.placeholder(tf.int64, [None, 5]), logits=xd, name="xd")


def losses_and_reductions(tf):
    """tf.losses: assert_broadcastable's shapes and static-check NoOp, Cast/x for a literal weight, Mul, Sum,
    and each reduction's denominator (num_present, ones_like * weights, num_elements) before ``value``."""
    p = tf.placeholder(tf.float32, [None, 3], name="p")
    y = tf.placeholder(tf.float32, [None, 3], name="y")
    reduction = tf.losses.Reduction
    tf.losses.mean_squared_error(y, p)
    tf.losses.absolute_difference(y, p, weights=tf.placeholder(tf.float32, [], name="wm"), reduction=reduction.MEAN)
    tf.losses.mean_squared_error(y, p, weights=2.0, reduction=reduction.SUM_OVER_BATCH_SIZE)
    tf.losses.huber_loss(y, p, reduction=reduction.SUM)
    tf.losses.log_loss(y, tf.sigmoid(p), reduction=reduction.NONE)
    tf.losses.softmax_cross_entropy(y, p, label_smoothing=0.1)
    tf.losses.sigmoid_cross_entropy(y, p, weights=tf.placeholder(tf.float32, [], name="w"))
    tf.losses.sparse_softmax_cross_entropy(labels=tf.placeholder(tf.int64, [None], name="k"), logits=p)
    x4 = tf.placeholder(tf.float32, [4, 3], name="x4")
    tf.losses.sparse_softmax_cross_entropy(labels=tf.placeholder(tf.int32, [4, 1], name="k4"), logits=x4,
                                           weights=np.ones((4, 1), np.float32))


def small_ones(tf):
    """one_hot's on/off values and depth, the ToInt64-style casts, top_k's and in_top_k's k."""
    k = tf.placeholder(tf.int32, [None], name="k")
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    tf.one_hot(k, 4), tf.one_hot(k, 3, on_value=2.0, off_value=-1.0, name="oh"), tf.one_hot(k, 5, dtype=tf.int32)
    tf.to_int64(k), tf.to_float(k), tf.to_int32(x), tf.to_double(x, name="d"), tf.to_int32(k)
    tf.nn.in_top_k(x, k, 1), tf.nn.in_top_k(x, tf.to_int64(k), 2, name="correct")
    tf.nn.top_k(x, 2), tf.nn.top_k(x, 3, name="best")


def metrics(tf):
    """Casts only where the dtype changes (TF's cast of a float32 node is no op)."""
    k = tf.placeholder(tf.int64, [None], name="k")
    tf.metrics.accuracy(labels=k, predictions=tf.placeholder(tf.int64, [None], name="p"))
    tf.metrics.mean(tf.placeholder(tf.float32, [None], name="x"))
    tf.metrics.mean(tf.placeholder(tf.float32, [4], name="x4"), weights=np.ones(4, np.float32))


BUILDS = [dense_xent, dense_xent_other_axes_and_types, dropouts, sparse_xent, losses_and_reductions, small_ones,
          metrics]


@pytest.mark.parametrize("build", BUILDS)
def test_builds_tensorflows_graph(build):
    assert graph_differences(build) == []


def test_the_xent_composite_is_real_shape_arithmetic():
    """The flattening Reshape takes its shape from the concat of the graph, not from an attribute."""
    ops = dict(tensorslow_ops(dense_xent))
    assert ops["softmax_cross_entropy_with_logits_sg/Reshape"] == "Reshape"
    with ts.Graph().as_default() as g:
        dense_xent(ts)
        reshape = g.get_tensor_by_name("xe/Reshape:0")
        assert [p.op_name for p in reshape.inputs] == ["x", "xe/concat"]
        with ts.Session() as sess:
            shape = sess.run(g.get_tensor_by_name("xe/concat:0"), {g.get_tensor_by_name("x:0"): np.zeros((7, 10))})
    assert shape.tolist() == [-1, 10]


def _xent_values(tf, z0, p0, axis, shape):
    with tf.Graph().as_default():
        dt = tf.float16 if z0.dtype == np.float16 else tf.float32
        z, p = tf.placeholder(dt, shape), tf.placeholder(dt, shape)
        loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=p, logits=z, axis=axis)
        loss_shape = np.delete(z0.shape, axis % z0.ndim)
        weights = np.arange(1, 1 + np.prod(loss_shape)).astype(z0.dtype).reshape(loss_shape)  # distinct per row
        gz, gp = tf.gradients(tf.reduce_sum(loss * weights), [z, p])
        v1 = tf.nn.softmax_cross_entropy_with_logits(labels=p, logits=z, dim=axis)
        (g1,) = tf.gradients(tf.reduce_sum(v1), [z])
        with tf.Session() as sess:
            return sess.run([loss, gz, gp, v1, g1], {z: z0, p: p0})


@pytest.mark.parametrize("shape, axis, dtype, static", [
    ((5, 7), -1, np.float32, True), ((2, 4, 3), 1, np.float32, True), ((2, 3, 6), -1, np.float32, False),
    ((4, 5), -1, np.float16, True)])
def test_xent_values_and_gradients_are_tensorflows(tf1, shape, axis, dtype, static):
    rng = np.random.default_rng(1)
    z0 = (rng.standard_normal(shape) * 3).astype(dtype)
    p0 = rng.random(shape).astype(dtype)
    p0 /= p0.sum(axis=axis, keepdims=True)
    placeholder_shape = [None, *shape[1:]] if static else None
    ours = _xent_values(ts, z0, p0, axis, placeholder_shape)
    theirs = _xent_values(tf1, z0, p0, axis, placeholder_shape)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-5 if dtype == np.float32 else 1e-3, atol=1e-6)


def test_xent_rejects_scalar_logits_and_mismatched_labels():
    with ts.Graph().as_default():
        with pytest.raises(ValueError, match="rank >= 1"):
            ts.nn.softmax_cross_entropy_with_logits_v2(labels=1.0, logits=ts.constant(2.0))
        with pytest.raises(ValueError, match="must match"):
            ts.nn.softmax_cross_entropy_with_logits_v2(labels=ts.zeros([2, 3]), logits=ts.zeros([2, 4]))


def test_dropout_selects_with_select_v2_as_tensorflow(tf1):
    def run(tf):
        with tf.Graph().as_default():
            tf.set_random_seed(3)
            x = tf.placeholder(tf.float32, [None, 6])
            kp = tf.placeholder(tf.float32)
            a = tf.nn.dropout(x, keep_prob=kp)
            b = tf.nn.dropout(x, rate=0.25, noise_shape=[1, 6])
            (g,) = tf.gradients(tf.reduce_sum(a * 2 + b), x)
            with tf.Session() as sess:
                return sess.run([a, b, g], {x: np.arange(24, dtype=np.float32).reshape(4, 6), kp: 0.6})
    for ours, theirs in zip(run(ts), run(tf1)):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("batch", [2, None])
def test_sparse_xent_of_rank_3_logits_is_tensorflows(tf1, batch):
    def run(tf):
        with tf.Graph().as_default():
            z = tf.placeholder(tf.float32, [batch, 5, 3])
            k = tf.placeholder(tf.int64, [batch, 5])
            loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=k, logits=z)
            (g,) = tf.gradients(tf.reduce_sum(loss * np.arange(10, dtype=np.float32).reshape(2, 5)), z)
            with tf.Session() as sess:
                feed = {z: np.linspace(-3, 3, 30).reshape(2, 5, 3), k: np.arange(10).reshape(2, 5) % 3}
                return sess.run([loss, g], feed)
    for ours, theirs in zip(run(ts), run(tf1)):
        assert ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_losses_count_nonzero_weights_as_tensorflow(tf1):
    """num_present counts the nonzero weights, broadcast to the losses' shape; all-zero weights give 0."""
    def run(tf):
        with tf.Graph().as_default():
            p = tf.placeholder(tf.float32, [None, 3])
            w = tf.placeholder(tf.float32, [None, 1])
            y = np.arange(6, dtype=np.float32).reshape(2, 3)
            reduction = tf.losses.Reduction
            out = [tf.losses.mean_squared_error(y, p, weights=w),
                   tf.losses.absolute_difference(y, p, weights=w, reduction=reduction.MEAN),
                   tf.losses.sparse_softmax_cross_entropy(labels=[0, 2], logits=p, weights=2.0),
                   tf.losses.mean_squared_error(y, p, weights=0.0)]
            with tf.Session() as sess:
                return sess.run(out, {p: np.ones((2, 3)) * 0.5, w: [[0.0], [3.0]]})
    np.testing.assert_allclose(run(ts), run(tf1), rtol=1e-6)


def test_small_ops_compute_tensorflows_values(tf1):
    def run(tf):
        with tf.Graph().as_default():
            k = tf.placeholder(tf.int32, [None])
            x = tf.placeholder(tf.float32, [None, 4])
            out = [tf.one_hot(k, 4), tf.one_hot(k, 3, on_value=2.0, off_value=-1.0, axis=0),
                   tf.one_hot(k, 5, on_value=7), tf.to_int64(k), tf.nn.in_top_k(x, k, 2), tf.nn.top_k(x, 2).values,
                   tf.nn.top_k(x, 2).indices]
            with tf.Session() as sess:
                return sess.run(out, {k: [0, 3, 1], x: [[1, 2, 3, 4], [4, 3, 2, 1], [0, 5, 5, 0]]})
    for ours, theirs in zip(run(ts), run(tf1)):
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)


def test_bad_weights_and_one_hot_values_are_refused():
    with ts.Graph().as_default():
        p = ts.placeholder(ts.float32, [2, 3])
        with pytest.raises(ValueError, match="weights can not be broadcast to values"):
            ts.losses.mean_squared_error(p, p, weights=np.ones((2, 2), np.float32))
        with pytest.raises(ValueError, match="weights can not be broadcast to values"):
            ts.losses.mean_squared_error(p, p, weights=np.ones(3, np.float32))
        with pytest.raises(TypeError, match="does not match"):
            ts.one_hot([0, 1], 2, on_value=1.0, dtype=ts.int32)


def test_sparse_xent_checks_the_labels_shape_when_it_runs():
    with ts.Graph().as_default():
        z = ts.placeholder(ts.float32, [None, 5, 3])
        k = ts.placeholder(ts.int64, [None, 4])
        loss = ts.nn.sparse_softmax_cross_entropy_with_logits(labels=k, logits=z)
        with ts.Session() as sess, pytest.raises(ts.errors.InvalidArgumentError, match="did not hold element-wise"):
            sess.run(loss, {z: np.zeros((2, 5, 3)), k: np.zeros((2, 4))})
