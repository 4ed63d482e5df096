"""The course's API and TF1's sessions: graphs, placeholders, Variables, fetches, default sessions.

Comparisons build the same little graph twice, once with ``tensorslow`` and
once with ``tensorflow.compat.v1`` (each in its own ``Graph``), and compare
what a session returns.
"""
import collections

import numpy as np
import pytest
from structures import assert_same_structure

import tensorslow as ts


@pytest.fixture(autouse=True)
def fresh_default_graph():
    """Every test starts with an empty default graph, and whatever it makes default is undone."""
    with ts.Graph().as_default():
        yield


# =====================================================================================
# The course's API
# =====================================================================================


def test_graph_as_default_as_a_plain_statement_stays_in_effect():
    g = ts.Graph()
    g.as_default()  # the course writes it as a statement, not in a `with`
    assert ts.get_default_graph() is g
    x = ts.placeholder()
    y = ts.add(x, x)
    assert x.graph is g and y.graph is g
    assert ts.Session().graph is g


def test_graph_as_default_in_with_restores_the_previous_default():
    outer = ts.get_default_graph()
    g = ts.Graph()
    with g.as_default() as entered:
        assert entered is g
        assert ts.get_default_graph() is g
        c = ts.constant(1.0)
    assert ts.get_default_graph() is outer
    assert c.graph is g
    assert c not in outer.get_operations()


def test_placeholder_without_arguments_accepts_nested_python_lists():
    x = ts.placeholder()
    y = ts.placeholder()
    z = ts.add(ts.multiply(x, y), x)
    out = ts.Session().run(z, {x: [[1, 2], [3, 4]], y: [[0.5, 0.5], [2, -1]]})
    np.testing.assert_allclose(out, [[1.5, 3.0], [9.0, 0.0]])


def test_variable_from_a_numpy_array_is_usable_without_an_initializer():
    init = np.array([[1.0, 2.0], [3.0, 4.0]])
    W = ts.Variable(init)
    assert W.dtype == ts.float64  # a NumPy array keeps its dtype
    out = ts.Session().run(ts.matmul(W, W))
    np.testing.assert_allclose(out, init @ init)
    np.testing.assert_array_equal(ts.Session().run(W), init)


def test_the_course_ops_compute_what_the_course_says():
    rng = np.random.RandomState(0)
    A, B, M = rng.randn(3, 4), rng.randn(3, 4), rng.randn(4, 2)
    P = rng.rand(3, 4) + 0.1
    a, b, m, p = ts.placeholder(), ts.placeholder(), ts.placeholder(), ts.placeholder()
    nodes = {
        "add": ts.add(a, b), "matmul": ts.matmul(a, m), "sigmoid": ts.sigmoid(a), "softmax": ts.softmax(a),
        "log": ts.log(p), "multiply": ts.multiply(a, b), "reduce_sum": ts.reduce_sum(a),
        "reduce_sum0": ts.reduce_sum(a, axis=0), "reduce_sum1": ts.reduce_sum(a, axis=1), "negative": ts.negative(a),
    }
    e = np.exp(A)
    expected = {
        "add": A + B, "matmul": A @ M, "sigmoid": 1 / (1 + np.exp(-A)), "softmax": e / e.sum(axis=1, keepdims=True),
        "log": np.log(P), "multiply": A * B, "reduce_sum": A.sum(), "reduce_sum0": A.sum(axis=0),
        "reduce_sum1": A.sum(axis=1), "negative": -A,
    }
    out = ts.Session().run(nodes, {a: A, b: B, m: M, p: P})
    for k in expected:
        np.testing.assert_allclose(out[k], expected[k], rtol=1e-12, err_msg=k)


def test_the_course_perceptron_gradient_descent_step():
    """The course's loss J = -sum(c * log(softmax(XW + b))); one step of GradientDescentOptimizer."""
    rng = np.random.RandomState(1)
    points = np.concatenate([rng.randn(5, 2) - 2, rng.randn(5, 2) + 2])
    classes = [[1, 0]] * 5 + [[0, 1]] * 5
    W0, b0 = rng.randn(2, 2), rng.randn(2)

    X = ts.placeholder()
    c = ts.placeholder()
    W = ts.Variable(W0)
    b = ts.Variable(b0)
    p = ts.softmax(ts.add(ts.matmul(X, W), b))
    J = ts.negative(ts.reduce_sum(ts.reduce_sum(ts.multiply(c, ts.log(p)), axis=1)))
    minimization_op = ts.train.GradientDescentOptimizer(learning_rate=0.01).minimize(J)
    session = ts.Session()
    feed_dict = {X: points, c: classes}
    J0 = session.run(J, feed_dict)
    assert session.run(minimization_op, feed_dict) is None

    logits = points @ W0 + b0
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    C = np.array(classes, float)
    np.testing.assert_allclose(J0, -np.sum(C * np.log(probs)), rtol=1e-12)
    delta = probs - C  # dJ/dlogits for softmax + cross-entropy
    # TF1 (and TensorSlow) turn the Python float 0.01 into a float32 tensor before casting it to float64.
    lr = np.float64(np.float32(0.01))
    np.testing.assert_allclose(session.run(W), W0 - lr * points.T @ delta, rtol=1e-12)
    np.testing.assert_allclose(session.run(b), b0 - lr * delta.sum(axis=0), rtol=1e-12)
    assert session.run(J, feed_dict) < J0


def test_course_style_custom_operation_with_registered_gradient(register_gradient):
    class cube(ts.Operation):  # noqa: N801  (the course's style)
        def __init__(self, x):
            super().__init__([x])

        def compute(self, x_value):
            return x_value ** 3

    @register_gradient("cube")  # ts.RegisterGradient("cube"), undone after the test (the registry is global)
    def _cube_gradient(op, grad):
        return grad * 3 * op.inputs[0] ** 2

    x = ts.Variable(np.array([1.0, -2.0, 3.0]))
    y = ts.reduce_sum(cube(x))
    step = ts.train.GradientDescentOptimizer(learning_rate=0.1).minimize(y)
    (g,) = ts.gradients(y, [x])
    sess = ts.Session()
    np.testing.assert_allclose(sess.run(y), 1 - 8 + 27)
    np.testing.assert_allclose(sess.run(g), [3.0, 12.0, 27.0])
    sess.run(step)
    lr = np.float64(np.float32(0.1))  # TF1 rounds a Python-float learning rate to float32
    np.testing.assert_allclose(sess.run(x), np.array([1.0, -2.0, 3.0]) - lr * np.array([3.0, 12.0, 27.0]), rtol=1e-14)


# =====================================================================================
# Session.run fetches and feeds
# =====================================================================================

Pair = collections.namedtuple("Pair", "first second")


def _fetch_structures(m):
    with m.Graph().as_default():
        a = m.constant([1.0, 2.0])
        b = m.constant([[3, 4]], dtype=m.int32)
        c = m.reduce_sum(a)
        x = m.placeholder(m.float32, [None])
        y = x * 2.0
        op = m.no_op()
        fetches = [a, [a, b], (a, b), {"a": a, "b": b}, {"outer": [a, (b, {"inner": c})], "y": y},
                   Pair(a, [b, c]), [op, c], [[a]], (a,), [y, x]]
        with m.Session() as sess:
            return [sess.run(f, {x: [1.5, -2.0]}) for f in fetches]


def test_fetch_structures_match_tensorflow(tf1):
    for k, (ours, theirs) in enumerate(zip(_fetch_structures(ts), _fetch_structures(tf1))):
        assert_same_structure(ours, theirs, path=f"fetch #{k}")


def test_fetch_an_operation_gives_none_and_a_fed_node_gives_the_fed_value():
    x = ts.placeholder(ts.float32, [2])
    op = ts.no_op()
    with ts.Session() as sess:
        assert sess.run(op) is None
        np.testing.assert_array_equal(sess.run(x, {x: [1.0, 2.0]}), np.array([1.0, 2.0], np.float32))
        assert sess.run([]) == []
        assert sess.run({}) == {}


def test_fetch_by_tensor_name():
    with ts.name_scope("layer1"):
        y = ts.add(ts.constant(1.0), ts.constant(2.0), name="y")
    with ts.Session() as sess:
        assert sess.run("layer1/y:0") == 3.0
        assert sess.run(["layer1/y:0", y]) == [3.0, 3.0]


def test_fetched_arrays_are_writable_copies(tf1):
    """TF1 hands out fresh, writable arrays: editing one changes nothing in the session."""
    def run(m):
        with m.Graph().as_default():
            c = m.constant([1.0, 2.0])
            v = m.Variable(np.array([1.0, 2.0]))
            assign = m.assign(v, np.array([5.0, 6.0]))
            with m.Session() as sess:
                sess.run(m.global_variables_initializer())
                out = {}
                for name, node in [("const", c), ("variable", v), ("assign", assign)]:
                    value = sess.run(node)
                    try:
                        value[0] = -100.0
                    except ValueError as e:
                        out[name] = f"not writable: {e}"
                        continue
                    out[name] = sess.run(node).tolist()
                return out
    expected = run(tf1)
    assert expected == {"const": [1.0, 2.0], "variable": [1.0, 2.0], "assign": [5.0, 6.0]}
    assert run(ts) == expected


# =====================================================================================
# Default sessions: eval(), run(), InteractiveSession
# =====================================================================================

def test_eval_and_run_inside_with_session():
    x = ts.placeholder(ts.float64, [None])
    v = ts.Variable(np.array([1.0, 2.0]))
    inc = ts.assign_add(v, np.array([10.0, 10.0]))
    step = ts.group(inc)
    y = ts.reduce_sum(x * 2.0)
    with ts.Session() as sess:
        assert ts.get_default_session() is sess
        assert y.eval(feed_dict={x: [1.0, 2.0, 3.0]}) == 12.0
        np.testing.assert_array_equal(v.eval(), [1.0, 2.0])
        assert step.run() is None
        np.testing.assert_array_equal(v.eval(), [11.0, 12.0])
        np.testing.assert_array_equal(inc.eval(), [21.0, 22.0])
        np.testing.assert_array_equal(v.eval(session=sess), [21.0, 22.0])
    assert ts.get_default_session() is None
    with pytest.raises(ValueError, match="session"):
        v.eval()


def test_nested_default_sessions_and_as_default():
    v = ts.Variable(np.array(1.0))
    inc = ts.assign_add(v, np.array(1.0))
    s1, s2 = ts.Session(), ts.Session()
    with s1.as_default():
        inc.eval()
        with s2.as_default():
            assert ts.get_default_session() is s2
            assert v.eval() == 1.0
        assert ts.get_default_session() is s1
        assert v.eval() == 2.0
    s1.run(inc)  # as_default() does not close the session
    assert s1.run(v) == 3.0


def test_interactive_session_is_the_default_until_closed():
    v = ts.Variable(np.array([1.0, 2.0]))
    y = v * 3.0
    sess = ts.InteractiveSession()
    try:
        assert ts.get_default_session() is sess
        np.testing.assert_array_equal(y.eval(), [3.0, 6.0])
        ts.assign(v, np.array([0.0, 1.0])).op.run()
        np.testing.assert_array_equal(y.eval(), [0.0, 3.0])
    finally:
        sess.close()
    assert ts.get_default_session() is None
    with pytest.raises(Exception, match="[Cc]losed"):
        sess.run(y)


# =====================================================================================
# Variables: initializers, collections, assignment
# =====================================================================================

def test_global_variables_initializer_resets_every_variable():
    a = ts.Variable(np.array([1.0, 2.0]))
    b = ts.Variable(np.array(5, np.int32))
    update = ts.group(ts.assign_add(a, np.array([1.0, 1.0])), ts.assign_sub(b, np.array(2, np.int32)))
    init = ts.global_variables_initializer()
    with ts.Session() as sess:
        sess.run(init)
        sess.run(update)
        sess.run(update)
        np.testing.assert_array_equal(sess.run(a), [3.0, 4.0])
        assert sess.run(b) == 1
        sess.run(init)
        np.testing.assert_array_equal(sess.run(a), [1.0, 2.0])
        assert sess.run(b) == 5


def test_variables_initializer_resets_only_the_listed_variables():
    a = ts.Variable(np.array(1.0))
    b = ts.Variable(np.array(1.0))
    bump = ts.group(ts.assign(a, np.array(7.0)), ts.assign(b, np.array(7.0)))
    with ts.Session() as sess:
        sess.run(bump)
        sess.run(ts.variables_initializer([a]))
        assert sess.run(a) == 1.0
        assert sess.run(b) == 7.0


def test_variable_initialized_from_another_variable_and_from_a_random_op():
    ts.set_random_seed(3)
    r = ts.Variable(ts.random_normal([3, 2], seed=1))
    s = ts.Variable(r.initialized_value() * 2.0)
    with ts.Session() as sess:
        sess.run(ts.global_variables_initializer())
        np.testing.assert_allclose(sess.run(s), 2 * sess.run(r))
        first = sess.run(r)
    with ts.Session() as sess:  # same seeds: a new session draws the same initial values
        sess.run(ts.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(r), first)
