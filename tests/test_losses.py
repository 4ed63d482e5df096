"""tf.losses against ``tf.compat.v1.losses``: every loss and reduction, weights of several shapes, float32
and float64 inputs (TF computes in float32 either way), values, gradients, dtypes, names and the LOSSES
collection."""
import numpy as np
import pytest

import tensorslow as ts
from tensorslow.ops.losses_impl import div_no_nan

RNG = np.random.default_rng(0)
P = RNG.uniform(0.05, 0.95, (4, 3))
L = (RNG.uniform(size=(4, 3)) > 0.5).astype(float)
Z = RNG.standard_normal((4, 3))
W_ROWS, W_COLS, K = np.array([[1.0], [0.0], [2.0], [0.5]]), np.array([[1.0, 0.0, 2.0]]), np.array([0, 2, 1, 1])
REDUCTIONS = ["none", "weighted_sum", "weighted_mean", "weighted_sum_over_batch_size",
              "weighted_sum_by_nonzero_weights"]
WEIGHTS = {"one": 1.0, "rows": W_ROWS, "cols": W_COLS, "zero": 0.0, "int": 2, "all_zero_array": np.zeros((4, 1))}


def _run(m, build, dtype):
    graph = m.Graph()
    with graph.as_default():
        p, y, z = (m.placeholder(dtype, [4, 3]) for _ in range(3))
        out = build(m, p, y, z)
        total = out if out.shape.ndims == 0 else m.reduce_sum(out)
        grads = [g for g in m.gradients(total, [p, z])]
        fetch = [out] + [g for g in grads if g is not None]
        with m.Session(graph=graph) as sess:
            values = sess.run(fetch, {p: P.astype(dtype), y: L.astype(dtype), z: Z.astype(dtype)})
        collection = [t.name for t in m.get_collection(m.GraphKeys.LOSSES)]
        return values, [g is None for g in grads], out.dtype.name, out.name, collection, graph


def _compare(tf1, build, dtype):
    ours, theirs = _run(ts, build, dtype), _run(tf1, build, dtype)
    (v1, none1, dt1, name1, coll1, _), (v2, none2, dt2, name2, coll2, _) = ours, theirs
    assert none1 == none2 and dt1 == dt2 and len(coll1) == len(coll2)
    if dtype == np.float32:  # float64 losses pass through Casts that TF numbers differently
        assert name1 == name2 and coll1 == coll2
    for a, b in zip(v1, v2):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weights", list(WEIGHTS))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mean_squared_error_every_reduction_and_weight_shape(tf1, reduction, weights, dtype):
    w = WEIGHTS[weights]
    _compare(tf1, lambda m, p, y, z: m.losses.mean_squared_error(y, p, weights=w, reduction=reduction), dtype)


LOSSES = {
    "absolute_difference": lambda m, p, y, z: m.losses.absolute_difference(y, p, W_ROWS),
    "log_loss": lambda m, p, y, z: m.losses.log_loss(y, p, W_COLS),
    "hinge_loss": lambda m, p, y, z: m.losses.hinge_loss(y, z),
    "huber_loss": lambda m, p, y, z: m.losses.huber_loss(y, z * 2.0, delta=0.7),
    "cosine_distance": lambda m, p, y, z: m.losses.cosine_distance(m.nn.l2_normalize(y + 0.1, 1),
                                                                   m.nn.l2_normalize(z, 1), axis=1),
    "cosine_distance_dim_sum": lambda m, p, y, z: m.losses.cosine_distance(y, z, dim=0, reduction="weighted_sum"),
    "sigmoid_cross_entropy": lambda m, p, y, z: m.losses.sigmoid_cross_entropy(y, z),
    "sigmoid_cross_entropy_smoothing": lambda m, p, y, z: m.losses.sigmoid_cross_entropy(
        y, z, W_ROWS, label_smoothing=0.2),
    "softmax_cross_entropy": lambda m, p, y, z: m.losses.softmax_cross_entropy(p, z),
    "softmax_cross_entropy_smoothing": lambda m, p, y, z: m.losses.softmax_cross_entropy(
        p, z, weights=W_ROWS[:, 0], label_smoothing=0.1),
    "sparse_softmax_cross_entropy": lambda m, p, y, z: m.losses.sparse_softmax_cross_entropy(K, z),
    "sparse_softmax_cross_entropy_column_labels": lambda m, p, y, z: m.losses.sparse_softmax_cross_entropy(
        K[:, None], z, weights=W_ROWS),
    "mean_pairwise_squared_error": lambda m, p, y, z: m.losses.mean_pairwise_squared_error(y, p),
    "mean_pairwise_squared_error_weights": lambda m, p, y, z: m.losses.mean_pairwise_squared_error(
        y, p, weights=W_ROWS),
    "compute_weighted_loss_mean": lambda m, p, y, z: m.losses.compute_weighted_loss(
        z * z, W_COLS, reduction=m.losses.Reduction.MEAN),
    "not_collected_and_total": lambda m, p, y, z: (
        m.losses.mean_squared_error(y, p), m.losses.absolute_difference(y, p, loss_collection=None),
        m.losses.hinge_loss(y, z), m.losses.get_total_loss())[-1],
    "regularization_losses": lambda m, p, y, z: (
        m.add_to_collection(m.GraphKeys.REGULARIZATION_LOSSES, m.reduce_sum(z * z) * 0.01),
        m.losses.add_loss(m.reduce_mean(p)), m.losses.get_total_loss(),
        m.losses.get_regularization_loss())[-2],
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("label", list(LOSSES))
def test_loss_matches_tensorflow(tf1, label, dtype):
    _compare(tf1, LOSSES[label], dtype)


def test_no_regularization_loss_is_a_zero_constant_and_no_loss_is_an_error(tf1):
    for m in (ts, tf1):
        with m.Graph().as_default():
            with m.Session() as sess:
                assert sess.run(m.losses.get_regularization_loss()) == 0.0
            assert m.losses.get_losses() == []
            with pytest.raises(ValueError, match="at least one Tensor"):
                m.losses.get_total_loss()


@pytest.mark.parametrize("call, error", [
    (lambda m, x: m.losses.mean_squared_error(x, x, weights=np.ones((3,))), "can not be broadcast"),
    (lambda m, x: m.losses.mean_squared_error(x, x, weights=np.ones((4, 2))), "Mismatch at dim 1"),
    (lambda m, x: m.losses.mean_squared_error(x, m.placeholder(m.float32, [3, 4])), "incompatible"),
    (lambda m, x: m.losses.mean_squared_error(None, x), "must not be None"),
    (lambda m, x: m.losses.compute_weighted_loss(x, reduction="mean"), "Invalid Reduction Key"),
    (lambda m, x: m.losses.cosine_distance(x, x), "axis"),
])
def test_bad_arguments_raise_like_tensorflow(tf1, call, error):
    for m in (ts, tf1):
        with m.Graph().as_default(), pytest.raises(ValueError, match=error):
            call(m, m.placeholder(m.float32, [4, 3]))


def test_div_no_nan_gives_zero_for_a_zero_divisor_and_its_gradient_too(tf1):
    def run(m):
        with m.Graph().as_default(), m.Session() as sess:
            x = m.constant(np.array([1.0, 0.0, -2.0, 3.0], np.float32))
            y = m.constant(np.array([2.0, 0.0, 0.0, -4.0], np.float32))
            z = div_no_nan(x, y) if m is ts else m.div_no_nan(x, y)
            return sess.run([z, *m.gradients(m.reduce_sum(z * z), [x, y])])
    for a, b in zip(run(ts), run(tf1)):
        np.testing.assert_array_equal(a, b)
