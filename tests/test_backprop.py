"""Structural guarantees of backpropagation: graph shapes the engine must get right.

Each test builds a small graph whose gradient is known in closed form:
nodes consumed at several depths, the same input twice, several consumers,
consumers off the loss path, unconnected inputs, ops with no gradient, very
deep chains, extreme logits, broadcasting, and the reduction spellings.
"""
import sys

import numpy as np
import pytest

import tensorslow as ts
from tensorslow import registry


def _run_grads(loss, xs, feed):
    grads = ts.gradients(loss, xs)
    assert all(g is not None for g in grads), f"a gradient is None: {grads}"
    with ts.Session(graph=loss.graph) as sess:
        return sess.run(grads, feed)


@pytest.fixture
def graph():
    g = ts.Graph()
    with g.as_default():
        yield g


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


# -- graph shapes -----------------------------------------------------------------------

def test_node_consumed_at_different_depths(graph):
    # `a` feeds the final add directly (depth 1) and through sigmoid (depth 2): its gradient
    # must wait for both before flowing on.
    a = ts.placeholder(ts.float64, [4])
    v = np.array([-2.0, -0.5, 0.3, 1.7])
    loss = ts.reduce_sum(a + ts.sigmoid(a))
    (g,) = _run_grads(loss, [a], {a: v})
    s = _sigmoid(v)
    np.testing.assert_allclose(g, 1 + s * (1 - s), rtol=1e-12, err_msg="d/da sum(a + sigmoid(a))")


def test_node_consumed_at_different_depths_upstream_of_x(graph):
    # Same, with the shared node in the middle of the graph: x -> a -> {final add, sigmoid -> final add}.
    x = ts.placeholder(ts.float64, [3])
    v = np.array([0.4, -1.1, 2.0])
    a = ts.multiply(x, 3.0)
    loss = ts.reduce_sum(a + ts.sigmoid(a))
    (g,) = _run_grads(loss, [x], {x: v})
    s = _sigmoid(3 * v)
    np.testing.assert_allclose(g, 3 * (1 + s * (1 - s)), rtol=1e-12)


def test_same_input_twice(graph):
    x = ts.placeholder(ts.float64, [3])
    v = np.array([1.5, -2.0, 0.25])
    g_mul, g_add = _run_grads(ts.reduce_sum(x * x), [x], {x: v}) + \
        _run_grads(ts.reduce_sum(ts.add(x, x)), [x], {x: v})
    np.testing.assert_allclose(g_mul, 2 * v, rtol=1e-12, err_msg="d/dx sum(x * x) = 2x")
    np.testing.assert_allclose(g_add, [2.0, 2.0, 2.0], rtol=1e-12, err_msg="d/dx sum(x + x) = 2")


def test_gradients_summed_from_several_consumers(graph):
    a = ts.placeholder(ts.float64, [2, 2])
    v = np.array([[0.1, -0.7], [1.3, 0.5]])
    loss = ts.add_n([ts.reduce_sum(a * 2.0),                      # consumer 1: depth 1
                     ts.reduce_sum(ts.exp(a)),                    # consumer 2: depth 1
                     ts.reduce_sum(ts.square(ts.tanh(a))),        # consumer 3: depth 2
                     ts.reduce_mean(a, axis=0)[1]])               # consumer 4: reduction + slice
    (g,) = _run_grads(loss, [a], {a: v})
    t = np.tanh(v)
    expected = 2 + np.exp(v) + 2 * t * (1 - t * t) + np.array([[0.0, 0.5], [0.0, 0.5]])
    np.testing.assert_allclose(g, expected, rtol=1e-12)


def test_several_ys_and_grad_ys(graph):
    x = ts.placeholder(ts.float64, [3])
    v = np.array([1.0, 2.0, -3.0])
    y1 = x * 2.0
    y2 = ts.reduce_sum(y1 * x)  # y2 depends on y1: y1's gradient is its seed plus y2's share
    g = ts.gradients([y1, y2], [x], grad_ys=[np.array([1.0, 10.0, 100.0]), 0.5])[0]
    with ts.Session(graph=graph) as sess:
        got = sess.run(g, {x: v})
    np.testing.assert_allclose(got, 2 * np.array([1.0, 10.0, 100.0]) + 0.5 * 4 * v, rtol=1e-12)


def test_consumer_off_the_loss_path_does_not_disturb_minimize(graph):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 3))
    labels = np.eye(2)[rng.integers(0, 2, size=6)]
    W0, b0 = rng.standard_normal((3, 2)), np.zeros(2)
    lr = 0.5

    def build(with_accuracy):
        x = ts.placeholder(ts.float64, [None, 3])
        y = ts.placeholder(ts.float64, [None, 2])
        W, b = ts.Variable(W0.copy()), ts.Variable(b0.copy())
        logits = ts.matmul(x, W) + b
        loss = ts.reduce_mean(ts.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
        extra = None
        if with_accuracy:  # consumers of logits that the loss does not depend on
            correct = ts.equal(ts.argmax(logits, 1), ts.argmax(y, 1))
            extra = [ts.reduce_mean(ts.cast(correct, ts.float64)), ts.nn.softmax(logits) * 100.0]
        train = ts.train.GradientDescentOptimizer(lr).minimize(loss)
        return x, y, W, b, train, extra

    results = {}
    for with_accuracy in (False, True):
        g = ts.Graph()
        with g.as_default():
            x, y, W, b, train, extra = build(with_accuracy)
            with ts.Session(graph=g) as sess:
                for _ in range(3):
                    sess.run([train] + (extra or []), {x: X, y: labels})
                results[with_accuracy] = sess.run([W, b])

    # The update by hand: dL/dlogits = (softmax - labels) / N.
    W_ref, b_ref = W0.copy(), b0.copy()
    for _ in range(3):
        z = X @ W_ref + b_ref
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        d = (p - labels) / len(X)
        W_ref, b_ref = W_ref - lr * X.T @ d, b_ref - lr * d.sum(0)
    for with_accuracy, (W, b) in results.items():
        np.testing.assert_allclose(W, W_ref, rtol=1e-12, err_msg=f"W after 3 steps, accuracy op: {with_accuracy}")
        np.testing.assert_allclose(b, b_ref, rtol=1e-12, atol=1e-15, err_msg=f"b, accuracy op: {with_accuracy}")


def test_gradients_returns_none_for_an_unconnected_x(graph):
    x = ts.placeholder(ts.float64, [2])
    unused = ts.placeholder(ts.float64, [2])
    through_argmax = ts.placeholder(ts.float64, [2])
    stopped = ts.placeholder(ts.float64, [2])
    loss = ts.reduce_sum(x * 3.0) + ts.cast(ts.argmax(through_argmax), ts.float64) \
        + ts.reduce_sum(ts.stop_gradient(stopped))
    g_x, g_unused, g_argmax, g_stopped = ts.gradients(loss, [x, unused, through_argmax, stopped])
    assert g_unused is None, "an x the loss does not depend on must get None"
    assert g_argmax is None, "an x reaching the loss only through argmax must get None"
    assert g_stopped is None, "an x reaching the loss only through stop_gradient must get None"
    with ts.Session(graph=graph) as sess:
        feed = {x: [1.0, 2.0], through_argmax: [0.5, 0.7], stopped: [1.0, 1.0]}
        np.testing.assert_allclose(sess.run(g_x, feed), [3.0, 3.0])


# -- an op with no gradient, then a course-style registered one ----------------------------------

class cube(ts.Operation):  # noqa: N801  (the course's style: ops are lower-case classes)
    def __init__(self, x):
        super().__init__([x])

    def compute(self, x_value):
        return x_value ** 3


@pytest.fixture
def no_cube_gradient():
    registry._gradient_registry.pop("cube", None)
    yield
    registry._gradient_registry.pop("cube", None)  # the registry is global: leave it as found


def test_missing_gradient_raises_lookup_error_then_registered_gradient_works(graph, no_cube_gradient):
    x = ts.placeholder(ts.float64, [3])
    v = np.array([1.0, -2.0, 0.5])
    y = cube(x)
    loss = ts.reduce_sum(y * 2.0)
    with ts.Session(graph=graph) as sess:
        np.testing.assert_allclose(sess.run(y, {x: v}), v ** 3)
    with pytest.raises(LookupError, match="op type: cube"):
        ts.gradients(loss, [x])

    seen = []

    @ts.RegisterGradient("cube")
    def _cube_grad(op, grad):
        seen.append((np.array(op.inputs[0]), np.array(op.output)))
        return grad * 3 * op.inputs[0] ** 2

    (g,) = ts.gradients(loss, [x])
    with ts.Session(graph=graph) as sess:
        np.testing.assert_allclose(sess.run(g, {x: v}), 2 * 3 * v ** 2, rtol=1e-12)
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0][0], v, err_msg="op.inputs[0] must be the input's value")
    np.testing.assert_array_equal(seen[0][1], v ** 3, err_msg="op.output must be the op's value")


# -- depth --------------------------------------------------------------------------------

def test_very_deep_chain_has_no_recursion_limit(graph):
    depth = 5000
    x = ts.placeholder(ts.float64, [2])
    y = x
    for _ in range(depth):
        y = ts.add(y, x)  # y = (k + 1) x: a chain of 5000 adds, x consumed by each
    loss = ts.reduce_sum(y)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # far below the depth: a recursive walk would fail
    try:
        (g,) = ts.gradients(loss, [x])
        with ts.Session(graph=graph) as sess:
            value, grad = sess.run([loss, g], {x: [1.0, 2.0]})
    finally:
        sys.setrecursionlimit(limit)
    assert value == pytest.approx(3.0 * (depth + 1))
    np.testing.assert_allclose(grad, [depth + 1.0, depth + 1.0])


# -- extreme logits -------------------------------------------------------------------------

LOGITS = np.array([[1000.0, -1000.0, 0.0],
                   [-1000.0, -1000.0, -1000.0],
                   [0.0, 1000.0, 1000.0]])
ONE_HOT = np.eye(3)
LOG2, LOG3 = np.log(2.0), np.log(3.0)


@pytest.mark.parametrize("dtype", [ts.float32, ts.float64], ids=["float32", "float64"])
def test_softmax_family_is_finite_for_logits_of_plus_minus_1000(graph, dtype):
    np_t = dtype.as_numpy_dtype
    z = ts.placeholder(dtype, [3, 3])
    sparse_labels = ts.constant(np.array([0, 1, 2], dtype=np.int32))
    labels = ts.constant(ONE_HOT.astype(np_t))
    outputs = {
        "softmax": (ts.nn.softmax(z), [[1, 0, 0], [1 / 3] * 3, [0, 0.5, 0.5]]),
        "log_softmax": (ts.nn.log_softmax(z), [[0, -2000, -1000], [-LOG3] * 3, [-1000 - LOG2, -LOG2, -LOG2]]),
        "softmax_xent": (ts.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=z), [0, LOG3, LOG2]),
        "sparse_xent": (ts.nn.sparse_softmax_cross_entropy_with_logits(labels=sparse_labels, logits=z),
                        [0, LOG3, LOG2]),
        "sigmoid_xent": (ts.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=z),
                         [[0, 0, LOG2], [0, 1000, 0], [LOG2, 1000, 0]]),
    }
    weights = np.random.default_rng(1).standard_normal((3, 3))
    with ts.Session(graph=graph) as sess:
        for name, (out, expected) in outputs.items():
            w = ts.constant(weights[:, 0].astype(np_t) if out.shape.ndims == 1 else weights.astype(np_t))
            (g,) = ts.gradients(ts.reduce_sum(out * w), [z])
            value, grad = sess.run([out, g], {z: LOGITS.astype(np_t)})
            assert np.all(np.isfinite(value)), f"{name}({dtype.name}) of logits +-1000 is not finite: {value}"
            assert np.all(np.isfinite(grad)), f"gradient of {name}({dtype.name}) at logits +-1000 is not finite: {grad}"
            np.testing.assert_allclose(value, expected, rtol=1e-6, atol=1e-6, err_msg=f"{name} ({dtype.name})")


def test_cross_entropy_gradients_at_extreme_logits_are_exact(graph):
    z = ts.placeholder(ts.float64, [3, 3])
    loss = ts.reduce_sum(ts.nn.softmax_cross_entropy_with_logits_v2(labels=ONE_HOT, logits=z))
    sparse = ts.reduce_sum(ts.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1, 2], logits=z))
    g, g_sparse = ts.gradients(loss, [z])[0], ts.gradients(sparse, [z])[0]
    with ts.Session(graph=graph) as sess:
        got, got_sparse = sess.run([g, g_sparse], {z: LOGITS})
    softmax = np.array([[1, 0, 0], [1 / 3] * 3, [0, 0.5, 0.5]])
    np.testing.assert_allclose(got, softmax - ONE_HOT, atol=1e-12)
    np.testing.assert_allclose(got_sparse, softmax - ONE_HOT, atol=1e-12)


# -- broadcasting ---------------------------------------------------------------------------

@pytest.mark.parametrize("x_shape, y_shape", [((3, 1), (4,)), ((2, 3, 4), (3, 1)), ((), (2, 3)), ((1, 3), (2, 1))])
def test_multiply_with_broadcasting_reduces_gradients_to_input_shapes(graph, x_shape, y_shape):
    rng = np.random.default_rng(0)
    xv, yv = rng.standard_normal(x_shape), rng.standard_normal(y_shape)
    out_shape = np.broadcast_shapes(x_shape, y_shape)
    w = rng.standard_normal(out_shape)
    x, y = ts.placeholder(ts.float64, x_shape), ts.placeholder(ts.float64, y_shape)
    gx, gy = _run_grads(ts.reduce_sum(ts.multiply(x, y) * w), [x, y], {x: xv, y: yv})
    assert np.shape(gx) == x_shape and np.shape(gy) == y_shape, \
        f"gradient shapes {np.shape(gx)}, {np.shape(gy)} for inputs {x_shape}, {y_shape}"
    # dL/dx = sum over the broadcast axes of w * y (and symmetrically for y).
    full_gx, full_gy = np.broadcast_to(yv, out_shape) * w, np.broadcast_to(xv, out_shape) * w
    np.testing.assert_allclose(gx, _sum_to(full_gx, x_shape), rtol=1e-12)
    np.testing.assert_allclose(gy, _sum_to(full_gy, y_shape), rtol=1e-12)


def _sum_to(a, shape):
    a = a.sum(axis=tuple(range(a.ndim - len(shape)))) if a.ndim > len(shape) else a
    return a.sum(axis=tuple(i for i, d in enumerate(shape) if d == 1), keepdims=True).reshape(shape)


# -- reduce_sum spellings ----------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, np_axis, keep", [
    ({}, None, False),
    ({"axis": 1}, 1, False),
    ({"axis": -1}, -1, False),
    ({"axis": (0, 2)}, (0, 2), False),
    ({"axis": [-1, 0]}, (0, 2), False),
    ({"axis": (0, 2), "keepdims": True}, (0, 2), True),
    ({"axis": -2, "keepdims": True}, 1, True),
    ({"reduction_indices": [1]}, 1, False),
    ({"reduction_indices": 2, "keep_dims": True}, 2, True),
    ({"axis": None, "keep_dims": True}, None, True),
], ids=lambda v: repr(v) if isinstance(v, dict) else None)
def test_reduce_sum_axes_and_tf1_spellings(graph, kwargs, np_axis, keep):
    rng = np.random.default_rng(0)
    xv = rng.standard_normal((2, 3, 4))
    x = ts.placeholder(ts.float64, (2, 3, 4))
    out = ts.reduce_sum(x, **kwargs)
    expected = xv.sum(axis=np_axis, keepdims=keep)
    w = rng.standard_normal(expected.shape)
    (g,) = ts.gradients(ts.reduce_sum(out * w), [x])
    with ts.Session(graph=graph) as sess:
        value, grad = sess.run([out, g], {x: xv})
    assert out.shape == expected.shape, f"reduce_sum(**{kwargs}): static shape {out.shape}, expected {expected.shape}"
    np.testing.assert_allclose(value, expected, rtol=1e-12, err_msg=f"reduce_sum(**{kwargs})")
    # Each element gets the weight of the sum it went into.
    w_back = np.broadcast_to(w if keep else np.expand_dims(w, np_axis) if np_axis is not None
                             else np.reshape(w, (1, 1, 1)), xv.shape)
    np.testing.assert_allclose(grad, w_back, rtol=1e-12, err_msg=f"gradient of reduce_sum(**{kwargs})")


def test_reduce_sum_rejects_axis_and_reduction_indices_together(graph):
    x = ts.placeholder(ts.float64, (2, 3))
    with pytest.raises(ValueError, match="only one of axis and reduction_indices"):
        ts.reduce_sum(x, axis=0, reduction_indices=0)
    with pytest.raises(ValueError, match="out of range"):
        ts.reduce_sum(x, axis=2)


# -- a fed intermediate node cut off from what a gradient reads ---------------------------------------

def test_gradient_with_a_fed_intermediate_node(graph):
    # TF computes [6, 6] here (the Mul gradient needs only the constant 2), and raises
    # "You must feed a value for placeholder" when the gradient needs x's value.
    x = ts.placeholder(ts.float64, [2], name="x")
    h = x * 2.0
    (g,) = ts.gradients(ts.reduce_sum(h * 3.0), [x])
    with ts.Session(graph=graph) as sess:
        try:
            value = sess.run(g, {h: np.ones(2)})
        except ts.errors.OpError as error:  # a clear error is an acceptable fix too
            assert "x" in str(error)
        else:
            np.testing.assert_allclose(value, [6.0, 6.0])


def test_a_float_dead_end_through_a_comparison_does_not_block_the_gradient():
    """sum(x * x) reaches y only as a where() condition: no gradient arrives there, and it must not hold back
    x's gradient through the taken branch (TF gives 3 everywhere)."""
    x = ts.placeholder(ts.float64, [3])
    y = ts.where(ts.reduce_sum(x * x) > 0, x * 3.0, x * 5.0)
    (grad,) = ts.gradients(y, x)
    assert grad is not None
    with ts.Session() as session:
        np.testing.assert_array_equal(session.run(grad, {x: np.array([1.0, 2.0, 3.0])}), [3.0, 3.0, 3.0])
