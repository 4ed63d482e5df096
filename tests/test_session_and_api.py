"""The course API promises and TF1 API behaviour, compared with ``tf.compat.v1`` where cheap.

Most comparisons build the same little graph twice, once with ``tensorslow``
and once with ``tensorflow.compat.v1`` (each in its own ``Graph``), and
compare what a session returns. Optimizer trajectories are compared in
float64 to 1e-10.
"""
import collections
import threading

import numpy as np
import pytest

import tensorslow as ts


@pytest.fixture(autouse=True)
def fresh_default_graph():
    """Every test starts with an empty default graph, and whatever it makes default is undone."""
    with ts.Graph().as_default():
        yield


def _assert_same_structure(ours, theirs, path="fetch"):
    """Same container types and nesting; leaves equal as arrays with the same dtype."""
    if theirs is None:
        assert ours is None, f"{path}: expected None, got {ours!r}"
        return
    if isinstance(theirs, dict):
        assert type(ours) is type(theirs), f"{path}: {type(ours).__name__} vs {type(theirs).__name__}"
        assert list(ours) == list(theirs), f"{path}: keys {list(ours)} vs {list(theirs)}"
        for k in theirs:
            _assert_same_structure(ours[k], theirs[k], f"{path}[{k!r}]")
        return
    if isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs), f"{path}: {type(ours).__name__} vs {type(theirs).__name__}"
        assert len(ours) == len(theirs), f"{path}: length {len(ours)} vs {len(theirs)}"
        for k, (a, b) in enumerate(zip(ours, theirs)):
            _assert_same_structure(a, b, f"{path}[{k}]")
        return
    a, b = np.asarray(ours), np.asarray(theirs)
    assert a.dtype == b.dtype, f"{path}: dtype {a.dtype} vs {b.dtype}"
    assert a.shape == b.shape, f"{path}: shape {a.shape} vs {b.shape}"
    np.testing.assert_allclose(a, b, rtol=1e-6, err_msg=path)


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


def test_course_style_custom_operation_with_registered_gradient():
    class cube(ts.Operation):  # noqa: N801  (the course's style)
        def __init__(self, x):
            super().__init__([x])

        def compute(self, x_value):
            return x_value ** 3

    @ts.RegisterGradient("cube")
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
        _assert_same_structure(ours, theirs, path=f"fetch #{k}")


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


def _collections(m, optimizer):
    with m.Graph().as_default():
        a = m.Variable(np.ones((2, 2)), name="a")
        b = m.Variable(np.zeros(2), name="b")
        m.Variable(np.array(0.5), trainable=False, name="frozen")
        loss = m.reduce_sum(m.matmul(a, a) + b)
        optimizer(m).minimize(loss)
        return (sorted(v.name for v in m.global_variables()), sorted(v.name for v in m.trainable_variables()))


@pytest.mark.parametrize("optimizer", [
    lambda m: m.train.GradientDescentOptimizer(0.1),
    lambda m: m.train.MomentumOptimizer(0.1, 0.9),
    lambda m: m.train.AdamOptimizer(0.1),
    lambda m: m.train.RMSPropOptimizer(0.1, centered=True),
    lambda m: m.train.AdagradOptimizer(0.1),
], ids=["sgd", "momentum", "adam", "rmsprop-centered", "adagrad"])
def test_global_and_trainable_variables_match_tensorflow(tf1, optimizer):
    ours_global, ours_trainable = _collections(ts, optimizer)
    theirs_global, theirs_trainable = _collections(tf1, optimizer)
    assert ours_trainable == theirs_trainable == ["a:0", "b:0"]
    assert ours_global == theirs_global  # optimizer slots are global but not trainable


def test_assign_family_matches_tensorflow(tf1):
    def run(m):
        with m.Graph().as_default():
            v = m.Variable(np.array([1.0, 2.0, 3.0]))
            w = m.Variable(np.array([10, 20], np.int32))
            ops = [m.assign(v, np.array([4.0, 5.0, 6.0])), m.assign_add(v, np.array([1.0, 1.0, 1.0])),
                   m.assign_sub(v, np.array([0.5, 0.5, 0.5])), v.assign(v * 2.0), v.assign_add(v),
                   v.assign_sub(np.array([1.0, 2.0, 3.0])), m.assign_add(w, np.array([1, 2], np.int32)),
                   w.assign_sub(np.array([5, 5], np.int32))]
            with m.Session() as sess:
                sess.run(m.global_variables_initializer())
                return [(sess.run(op), sess.run(v), sess.run(w)) for op in ops]
    _assert_same_structure(run(ts), run(tf1))


# =====================================================================================
# Names
# =====================================================================================

def _scoped_names(m):
    with m.Graph().as_default():
        a = m.constant(1.0, name="a")
        x = m.placeholder(m.float32, [None, 2], name="x")
        names = [a, x, m.add(a, a), m.add(a, a), m.add(a, a, name="s"), m.add(a, a, name="s")]
        with m.name_scope("layer1"):
            W = m.Variable(np.ones((2, 2), np.float32), name="W")
            names += [W, m.matmul(x, W), m.matmul(x, W), m.nn.relu(x), m.reduce_sum(x), m.sigmoid(x)]
        with m.name_scope("layer1"):  # re-entering a scope opens layer1_1
            names += [m.matmul(x, W)]
        with m.name_scope("outer"):
            with m.name_scope("inner"):
                names += [m.add(a, a, name="s"), m.constant(2.0)]
        return [n.name for n in names]


def test_name_scopes_and_unique_names_match_tensorflow(tf1):
    ours, theirs = _scoped_names(ts), _scoped_names(tf1)
    assert theirs[:8] == ["a:0", "x:0", "Add:0", "Add_1:0", "s:0", "s_1:0", "layer1/W:0", "layer1/MatMul:0"]
    assert ours == theirs, f"names: tensorslow {ours} vs tensorflow {theirs}"


def _operator_names(m):
    with m.Graph().as_default():
        a = m.constant(1.0, name="a")
        M = m.constant(np.ones((2, 2), np.float32), name="M")
        nodes = [a + a, a + a, a - a, a * a, a / a, a ** 2.0, M @ M, m.add(a, a)]
        return [n.name for n in nodes]


def test_operator_overloads_name_their_ops_as_tensorflow(tf1):
    """``a + b`` makes an op named "add" (then "add_1"), ``a * b`` "mul", ``a / b`` "truediv"..."""
    theirs = _operator_names(tf1)
    assert theirs[:2] == ["add:0", "add_1:0"]
    ours = _operator_names(ts)
    assert ours == theirs, f"op names: tensorslow {ours} vs tensorflow {theirs}"


def test_get_tensor_by_name():
    with ts.name_scope("layer1"):
        y = ts.add(ts.constant(1.0), ts.constant(2.0), name="y")
    g = ts.get_default_graph()
    assert g.get_tensor_by_name("layer1/y:0") is y


# =====================================================================================
# Operators and dtypes
# =====================================================================================

X_VALUE = np.array([[-2.5, -1.0, 0.5], [1.5, 3.0, 4.25]], np.float32)
Y_VALUE = np.array([[1.5, 2.0, -0.75], [2.0, -4.0, 1.25]], np.float32)
I_VALUE = np.array([[-7, -3, 0], [5, 8, 9]], np.int32)
J_VALUE = np.array([[2, -2, 3], [3, 5, -4]], np.int32)
ROW = np.array([0.5, -1.0, 2.0], np.float32)

OPERATOR_CASES = {
    "x + y": lambda x, y, i, j, M: x + y, "x - y": lambda x, y, i, j, M: x - y,
    "x * y": lambda x, y, i, j, M: x * y, "x / y": lambda x, y, i, j, M: x / y,
    "x // y": lambda x, y, i, j, M: x // y, "x % y": lambda x, y, i, j, M: x % y,
    "x ** 2": lambda x, y, i, j, M: x ** 2, "|x| ** y": lambda x, y, i, j, M: abs(x) ** y,
    "x @ M": lambda x, y, i, j, M: x @ M, "-x": lambda x, y, i, j, M: -x, "abs(x)": lambda x, y, i, j, M: abs(x),
    "2 + x": lambda x, y, i, j, M: 2 + x, "x + 2": lambda x, y, i, j, M: x + 2,
    "2.5 - x": lambda x, y, i, j, M: 2.5 - x, "1 / x": lambda x, y, i, j, M: 1 / x,
    "7.0 // x": lambda x, y, i, j, M: 7.0 // x, "2.0 ** x": lambda x, y, i, j, M: 2.0 ** x,
    "ROW + x": lambda x, y, i, j, M: ROW + x, "x - ROW": lambda x, y, i, j, M: x - ROW,
    "ROW * x": lambda x, y, i, j, M: ROW * x, "ROW / x": lambda x, y, i, j, M: ROW / x,
    "float64 array + x": lambda x, y, i, j, M: np.array([0.5, 1.0, 2.0]) + x,
    "x * np.float64": lambda x, y, i, j, M: x * np.float64(0.5),
    "list + x": lambda x, y, i, j, M: [1.0, 2.0, 3.0] + x,
    "ones @ x": lambda x, y, i, j, M: np.ones((2, 2), np.float32) @ x,
    "x < 1": lambda x, y, i, j, M: x < 1, "x <= ROW": lambda x, y, i, j, M: x <= ROW,
    "x > y": lambda x, y, i, j, M: x > y, "x >= 0.5": lambda x, y, i, j, M: x >= 0.5,
    "ROW < x": lambda x, y, i, j, M: ROW < x, "1.5 > x": lambda x, y, i, j, M: 1.5 > x,
    "(x > 0) & (y > 0)": lambda x, y, i, j, M: (x > 0) & (y > 0),
    "(x > 0) | (y > 0)": lambda x, y, i, j, M: (x > 0) | (y > 0), "~(x > 0)": lambda x, y, i, j, M: ~(x > 0),
    "i + j": lambda x, y, i, j, M: i + j, "i - j": lambda x, y, i, j, M: i - j,
    "i * j": lambda x, y, i, j, M: i * j, "i / j": lambda x, y, i, j, M: i / j,
    "i // j": lambda x, y, i, j, M: i // j, "i % j": lambda x, y, i, j, M: i % j,
    "i ** 2": lambda x, y, i, j, M: i ** 2, "-i": lambda x, y, i, j, M: -i, "abs(i)": lambda x, y, i, j, M: abs(i),
    "3 - i": lambda x, y, i, j, M: 3 - i, "i * 2": lambda x, y, i, j, M: i * 2,
    "int array + i": lambda x, y, i, j, M: np.array([1, 2, 3], np.int32) + i,
    "i < j": lambda x, y, i, j, M: i < j, "i >= 0": lambda x, y, i, j, M: i >= 0,
}


def _operator_values(m):
    with m.Graph().as_default():
        x = m.placeholder(m.float32, [None, 3])
        y = m.constant(Y_VALUE)
        i = m.placeholder(m.int32, [None, 3])
        j = m.constant(J_VALUE)
        M = m.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
        nodes = {k: f(x, y, i, j, M) for k, f in OPERATOR_CASES.items()}
        static = {k: (n.dtype.name, n.shape.as_list()) for k, n in nodes.items()}
        with m.Session() as sess:
            return static, sess.run(nodes, {x: X_VALUE, i: I_VALUE})


def test_operator_overloading_matches_tensorflow(tf1):
    (ours_static, ours), (theirs_static, theirs) = _operator_values(ts), _operator_values(tf1)
    for k in OPERATOR_CASES:
        assert ours_static[k] == theirs_static[k], \
            f"{k}: static (dtype, shape) {ours_static[k]} (tensorslow) vs {theirs_static[k]} (tensorflow)"
        a, b = np.asarray(ours[k]), np.asarray(theirs[k])
        assert a.dtype == b.dtype, f"{k}: dtype {a.dtype} (tensorslow) vs {b.dtype} (tensorflow)"
        np.testing.assert_allclose(a, b, rtol=1e-6, err_msg=k)


def test_double_equals_stays_identity_so_nodes_can_key_feed_dicts():
    x = ts.placeholder(ts.float32)
    y = ts.placeholder(ts.float32)
    assert (x == x) is True and (x == y) is False
    assert {x: 1, y: 2}[y] == 2
    with pytest.raises(TypeError):
        bool(x < y)


@pytest.mark.parametrize("dtype_name", ["float16", "float32", "float64", "int32", "int64", "bool"])
def test_placeholder_dtypes_match_tensorflow(tf1, dtype_name):
    value = {"bool": [True, False, True]}.get(dtype_name, [1, 2, 3])

    def run(m):
        with m.Graph().as_default():
            p = m.placeholder(getattr(m, dtype_name), [3])
            q = m.identity(p)
            with m.Session() as sess:
                return sess.run([p, q], {p: value}), p.dtype.name, q.dtype.name
    (ours, ours_p, ours_q), (theirs, theirs_p, theirs_q) = run(ts), run(tf1)
    assert ours_p == theirs_p == dtype_name and ours_q == theirs_q == dtype_name
    _assert_same_structure(ours, theirs)


def test_placeholder_dtype_may_be_the_string_float(tf1):
    def run(m):
        with m.Graph().as_default():
            p = m.placeholder("float", [None, 2])
            with m.Session() as sess:
                return p.dtype.name, sess.run(p * 2, {p: [[1, 2]]})
    ours, theirs = run(ts), run(tf1)
    assert ours[0] == theirs[0] == "float32"
    _assert_same_structure(ours[1], theirs[1])


def test_cast_matches_tensorflow(tf1):
    def run(m):
        with m.Graph().as_default():
            f = m.placeholder(m.float64, [None])
            b = m.placeholder(m.bool, [None])
            i = m.placeholder(m.int64, [None])
            nodes = [m.cast(f, m.int32), m.cast(f, m.float16), m.cast(f, m.float32), m.cast(f, m.bool),
                     m.cast(b, m.float32), m.cast(b, m.int32), m.cast(i, m.float64), m.cast(i, m.int32),
                     m.to_float(i), m.to_int32(f)]
            with m.Session() as sess:
                return sess.run(nodes, {f: [-1.7, -0.5, 0.0, 0.5, 1.7, 2.5], b: [True, False], i: [3, -4]})
    _assert_same_structure(run(ts), run(tf1))


# =====================================================================================
# Training steps compute their own forward pass
# =====================================================================================

def _feed_a_then_train_on_b(m):
    with m.Graph().as_default():
        x = m.placeholder(m.float64, [None, 2])
        t = m.placeholder(m.float64, [None, 1])
        w = m.Variable(np.array([[0.5], [-1.0]]))
        loss = m.reduce_mean(m.square(m.matmul(x, w) - t))
        train = m.train.GradientDescentOptimizer(learning_rate=0.25).minimize(loss)
        A = ({x: [[1.0, 2.0], [3.0, 4.0]], t: [[1.0], [0.0]]})
        B = ({x: [[-1.0, 0.5], [2.0, 1.0], [0.0, 3.0]], t: [[2.0], [1.0], [-1.0]]})
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            loss_a = sess.run(loss, A)
            sess.run(train, B)  # the update must use B, not A's forward values
            return loss_a, sess.run(w)


def test_minimize_runs_its_own_forward_pass_with_the_feed_given_to_it(tf1):
    ours, theirs = _feed_a_then_train_on_b(ts), _feed_a_then_train_on_b(tf1)
    # By hand: grad = 2/n X^T (X w - t) on B.
    XB = np.array([[-1.0, 0.5], [2.0, 1.0], [0.0, 3.0]])
    tB = np.array([[2.0], [1.0], [-1.0]])
    w0 = np.array([[0.5], [-1.0]])
    expected = w0 - 0.25 * 2 / 3 * XB.T @ (XB @ w0 - tB)
    np.testing.assert_allclose(theirs[1], expected, rtol=1e-12)
    np.testing.assert_allclose(ours[1], expected, rtol=1e-12)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)


def test_fetching_train_op_and_loss_together_gives_the_loss_before_the_update():
    x = ts.placeholder(ts.float64, [None])
    w = ts.Variable(np.array(2.0))
    loss = ts.reduce_sum(ts.square(w * x))
    train = ts.train.GradientDescentOptimizer(0.1).minimize(loss)
    with ts.Session() as sess:
        _, loss_value = sess.run([train, loss], {x: [1.0, 1.0]})
        assert loss_value == 8.0  # w = 2 when the loss was computed
        assert sess.run(w) == pytest.approx(2.0 - 0.1 * 8.0)


# =====================================================================================
# Isolation: sessions, graphs, threads
# =====================================================================================

def test_two_sessions_on_one_graph_keep_separate_variable_values():
    v = ts.Variable(np.array([1.0, 2.0]))
    inc = ts.assign_add(v, np.array([1.0, 1.0]))
    s1, s2 = ts.Session(), ts.Session()
    s1.run(ts.global_variables_initializer())
    s2.run(ts.global_variables_initializer())
    for _ in range(3):
        s1.run(inc)
    s2.run(inc)
    np.testing.assert_array_equal(s1.run(v), [4.0, 5.0])
    np.testing.assert_array_equal(s2.run(v), [2.0, 3.0])
    s3 = ts.Session()  # a new session starts from the initial value
    np.testing.assert_array_equal(s3.run(v), [1.0, 2.0])


def test_two_graphs_do_not_interfere():
    g1, g2 = ts.Graph(), ts.Graph()
    with g1.as_default():
        x1 = ts.placeholder(ts.float32, [2], name="x")
        v1 = ts.Variable(np.array([1.0, 1.0], np.float32), name="v")
        y1 = ts.add(x1, v1, name="y")
    with g2.as_default():
        x2 = ts.placeholder(ts.float32, [2], name="x")
        v2 = ts.Variable(np.array([10.0, 10.0], np.float32), name="v")
        y2 = ts.multiply(x2, v2, name="y")
    assert x1.name == x2.name == "x:0" and y1.name == y2.name == "y:0"
    assert len(g1.get_operations()) == len(g2.get_operations())
    s1, s2 = ts.Session(graph=g1), ts.Session(graph=g2)
    s1.run(ts.assign(v1, np.array([5.0, 5.0], np.float32)))
    np.testing.assert_array_equal(s1.run(y1, {x1: [1, 2]}), [6.0, 7.0])
    np.testing.assert_array_equal(s2.run(y2, {x2: [1, 2]}), [10.0, 20.0])
    np.testing.assert_array_equal(s1.run("y:0", {"x:0": [0, 0]}), [5.0, 5.0])
    np.testing.assert_array_equal(s2.run("y:0", {"x:0": [2, 0]}), [20.0, 0.0])


def test_one_session_used_from_two_threads_at_once():
    x = ts.placeholder(ts.float64, [None, 3])
    W = ts.Variable(np.arange(6.0).reshape(3, 2))
    b = ts.Variable(np.array([0.5, -0.5]))
    h = ts.nn.relu(ts.matmul(x, W) + b)
    y = ts.reduce_sum(h, axis=1)
    (gx,) = ts.gradients(ts.reduce_sum(h * h), [x])
    sess = ts.Session()
    W0, b0 = np.arange(6.0).reshape(3, 2), np.array([0.5, -0.5])
    barrier = threading.Barrier(2)
    failures = []

    def worker(k):
        rng = np.random.RandomState(k)
        barrier.wait()
        for i in range(200):
            xv = rng.randn(1 + (i + k) % 4, 3) + k
            hv = np.maximum(xv @ W0 + b0, 0)
            try:
                out, grad = sess.run([y, gx], {x: xv})
            except Exception as error:  # noqa: BLE001  (reported below, from the main thread)
                failures.append((k, i, repr(error)))
                return
            if not (np.allclose(out, hv.sum(axis=1), rtol=1e-12) and
                    np.allclose(grad, (2 * hv * (hv > 0)) @ W0.T, rtol=1e-12)):
                failures.append((k, i, "got another run's values"))
                return

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, f"thread {failures[0][0]}, run {failures[0][1]}: {failures[0][2]}"


# =====================================================================================
# tf.gradients
# =====================================================================================

def _gradient_values(m):
    with m.Graph().as_default():
        x = m.placeholder(m.float64, [None, 3])
        W = m.Variable(np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]]))
        b = m.Variable(np.array([0.1, -0.2]))
        unused = m.Variable(np.array(1.0))
        h = m.tanh(m.matmul(x, W) + b)
        y1 = m.reduce_sum(h * h)               # h is used twice
        y2 = m.reduce_sum(m.sigmoid(h) * m.exp(-h), axis=0)  # shape [2]
        y3 = m.reduce_mean(m.nn.softmax(h) * 3.0 + m.log(m.abs(h) + 1.0))
        grads = m.gradients([y1, y2, y3], [W, b, x], grad_ys=[m.constant(2.0, m.float64),
                                                             m.constant([0.5, -1.5], m.float64), None])
        plain = m.gradients(y1, [W, unused])
        assert plain[1] is None
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            feed = {x: [[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]]}
            return sess.run(grads, feed), sess.run(plain[0], feed)


def _two_backward_passes_in_one_run(m, train_first):
    with m.Graph().as_default():
        x = m.placeholder(m.float64, [None, 2])
        W = m.Variable(np.array([[0.5, -1.0], [2.0, 0.25]]))
        loss = m.reduce_sum(m.square(m.matmul(x, W)))
        train = m.train.GradientDescentOptimizer(0.125).minimize(loss)  # backward pass 1: d loss / d W
        (gx,) = m.gradients(loss, [x])                                 # backward pass 2: d loss / d x
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            fetches = [train, gx] if train_first else [gx, train]
            out = sess.run(fetches, {x: [[1.0, 2.0]]})
            return out[1] if train_first else out[0], sess.run(W)


@pytest.mark.parametrize("train_first", [True, False], ids=["train-then-grad", "grad-then-train"])
def test_two_backward_passes_through_the_same_ops_in_one_run(tf1, train_first):
    """A training step and tf.gradients w.r.t. the input, fetched together: each gets its own gradient."""
    (gx, W), (gx_tf, W_tf) = _two_backward_passes_in_one_run(ts, train_first), \
        _two_backward_passes_in_one_run(tf1, train_first)
    np.testing.assert_allclose(gx_tf, [[5.5, 17.75]])
    np.testing.assert_allclose(gx, gx_tf, rtol=1e-12, err_msg="d loss / d x")
    np.testing.assert_allclose(W, W_tf, rtol=1e-12, err_msg="W after the training step")


def test_gradients_with_grad_ys_match_tensorflow(tf1):
    ours, theirs = _gradient_values(ts), _gradient_values(tf1)
    for k, (a, b) in enumerate(zip(ours[0], theirs[0])):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14, err_msg=f"gradient #{k}")
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10)


# =====================================================================================
# Optimizers: trajectories against TensorFlow
# =====================================================================================

_DATA_X = np.random.RandomState(7).randn(8, 3)
_DATA_Y = np.random.RandomState(8).randn(8, 2)
_W1 = np.random.RandomState(9).randn(3, 4) * 0.5
_W2 = np.random.RandomState(10).randn(4, 2) * 0.5


def _trajectory(m, make_optimizer, steps=20, dtype=np.float64):
    """Values of every variable after each of ``steps`` steps on a small tanh MLP."""
    with m.Graph().as_default():
        x = m.placeholder(dtype, [None, 3])
        t = m.placeholder(dtype, [None, 2])
        W1 = m.Variable(_W1.astype(dtype))
        b1 = m.Variable(np.full(4, 0.1, dtype))
        W2 = m.Variable(_W2.astype(dtype))
        b2 = m.Variable(np.zeros(2, dtype))
        y = m.matmul(m.tanh(m.matmul(x, W1) + b1), W2) + b2
        loss = m.reduce_mean(m.square(y - t))
        train = make_optimizer(m).minimize(loss)
        variables = [W1, b1, W2, b2]
        out = []
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            for step in range(steps):
                feed = {x: _DATA_X[step % 2::2].astype(dtype), t: _DATA_Y[step % 2::2].astype(dtype)}
                _, loss_value = sess.run([train, loss], feed)
                out.append((loss_value, sess.run(variables)))
        return out


def _compare_trajectories(ours, theirs, tol):
    for step, ((la, va), (lb, vb)) in enumerate(zip(ours, theirs)):
        assert abs(la - lb) <= tol * max(1.0, abs(lb)), f"step {step}: loss {la!r} vs tensorflow {lb!r}"
        for name, a, b in zip(["W1", "b1", "W2", "b2"], va, vb):
            err = np.max(np.abs(a - b))
            assert err <= tol, (f"step {step}: {name} differs from tensorflow by {err:.3g} (tolerance {tol:g})\n"
                                f"tensorslow {a.ravel()[:4]}\ntensorflow {b.ravel()[:4]}")


# Hyperparameters that float32 represents exactly (TF1 turns Python floats into float32 tensors),
# so these check the update formulas alone.
EXACT_OPTIMIZERS = {
    "sgd": lambda m: m.train.GradientDescentOptimizer(0.25),
    "momentum": lambda m: m.train.MomentumOptimizer(0.125, 0.875),
    "nesterov": lambda m: m.train.MomentumOptimizer(0.125, 0.875, use_nesterov=True),
    "adam": lambda m: m.train.AdamOptimizer(0.125, beta1=0.5, beta2=0.25, epsilon=2.0 ** -10),
    "rmsprop": lambda m: m.train.RMSPropOptimizer(0.125, decay=0.75, epsilon=2.0 ** -10),
    "rmsprop-momentum": lambda m: m.train.RMSPropOptimizer(0.0625, decay=0.75, momentum=0.5, epsilon=2.0 ** -10),
    "rmsprop-centered": lambda m: m.train.RMSPropOptimizer(0.0625, decay=0.75, momentum=0.5, epsilon=2.0 ** -10,
                                                           centered=True),
    "adagrad": lambda m: m.train.AdagradOptimizer(0.25, initial_accumulator_value=0.125),
}

# The hyperparameters tutorials use: TF1 rounds them to float32 and Adam keeps its beta powers in
# float32, even for float64 variables; "the same numbers" includes that.
TYPICAL_OPTIMIZERS = {
    "momentum": lambda m: m.train.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda m: m.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "adam": lambda m: m.train.AdamOptimizer(0.01),
    "rmsprop-centered": lambda m: m.train.RMSPropOptimizer(0.01, momentum=0.9, centered=True),
    "adagrad": lambda m: m.train.AdagradOptimizer(0.1),
}


@pytest.mark.parametrize("name", list(EXACT_OPTIMIZERS))
def test_optimizer_update_formulas_match_tensorflow(tf1, name):
    make = EXACT_OPTIMIZERS[name]
    _compare_trajectories(_trajectory(ts, make), _trajectory(tf1, make), tol=1e-10)


@pytest.mark.parametrize("name", list(TYPICAL_OPTIMIZERS))
def test_optimizer_with_typical_hyperparameters_matches_tensorflow_in_float64(tf1, name):
    make = TYPICAL_OPTIMIZERS[name]
    _compare_trajectories(_trajectory(ts, make), _trajectory(tf1, make), tol=1e-10)


def _gradients_applied_by_hand(m):
    with m.Graph().as_default():
        x = m.placeholder(m.float64, [None, 3])
        t = m.placeholder(m.float64, [None, 2])
        W = m.Variable(_W1[:, :2].copy())
        b = m.Variable(np.zeros(2))
        loss = m.reduce_mean(m.square(m.matmul(x, W) + b - t))
        global_step = m.train.get_or_create_global_step()
        opt = m.train.MomentumOptimizer(learning_rate=0.125, momentum=0.5)
        grads_and_vars = opt.compute_gradients(loss)
        assert [v for _, v in grads_and_vars] == [W, b]
        clipped = [(m.clip_by_value(g, -0.25, 0.25), v) for g, v in grads_and_vars]
        train = opt.apply_gradients(clipped, global_step=global_step)
        out = []
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            for step in range(5):
                feed = {x: _DATA_X[step:step + 4], t: _DATA_Y[step:step + 4]}
                grads = sess.run([g for g, _ in grads_and_vars], feed)
                sess.run(train, feed)
                out.append((grads, sess.run([W, b]), sess.run(global_step)))
        return out


def test_compute_gradients_apply_gradients_and_global_step_match_tensorflow(tf1):
    ours, theirs = _gradients_applied_by_hand(ts), _gradients_applied_by_hand(tf1)
    assert [s for _, _, s in theirs] == [1, 2, 3, 4, 5]
    assert [int(s) for _, _, s in ours] == [1, 2, 3, 4, 5]
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for k in range(2):
            np.testing.assert_allclose(a[0][k], b[0][k], rtol=1e-10, atol=1e-14, err_msg=f"step {step} grad {k}")
            np.testing.assert_allclose(a[1][k], b[1][k], rtol=1e-10, atol=1e-14, err_msg=f"step {step} var {k}")


def test_minimize_with_global_step_increments_it():
    w = ts.Variable(np.array(3.0))
    step = ts.train.get_or_create_global_step()
    assert ts.train.get_global_step() is step
    train = ts.train.GradientDescentOptimizer(0.5).minimize(ts.square(w), global_step=step)
    with ts.Session() as sess:
        sess.run(ts.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert sess.run(step) == 3
        assert sess.run(w) == pytest.approx(0.0)  # w <- w - 0.5 * 2w = 0 after the first step


def test_optimizer_slots_are_non_trainable_variables():
    w = ts.Variable(np.ones(3))
    opt = ts.train.AdamOptimizer(0.1)
    opt.minimize(ts.reduce_sum(w * w))
    slots = [opt.get_slot(w, "m"), opt.get_slot(w, "v")]
    assert all(s is not None for s in slots)
    assert set(ts.trainable_variables()) == {w}
    assert set(slots) <= set(ts.global_variables())


# =====================================================================================
# Dropout
# =====================================================================================

def test_dropout_is_seeded_reproducible_and_scales_the_kept_values():
    ts.set_random_seed(1234)
    x = ts.ones([200, 500], dtype=ts.float32)
    keep_prob = 0.75
    d = ts.nn.dropout(x, keep_prob=keep_prob, seed=5)
    (gx,) = ts.gradients(ts.reduce_sum(d), [x])
    with ts.Session() as s1:
        first, grad = s1.run([d, gx])
        second = s1.run(d)
    with ts.Session() as s2:
        again = s2.run(d)

    assert first.dtype == np.float32 and first.shape == (200, 500)
    np.testing.assert_allclose(np.unique(first), [0.0, 1 / keep_prob], rtol=1e-6)
    assert abs(np.mean(first != 0) - keep_prob) < 0.01
    np.testing.assert_array_equal(again, first)   # a new session replays the same draws
    assert not np.array_equal(second, first)      # each run draws a fresh mask
    assert abs(np.mean(second != 0) - keep_prob) < 0.01
    np.testing.assert_array_equal(grad, first)    # d(sum dropout(x))/dx = mask / keep_prob, same run's mask


def test_dropout_same_seeds_in_a_rebuilt_graph_give_the_same_mask_and_rate_is_one_minus_keep_prob():
    def build(**kwargs):
        with ts.Graph().as_default():
            ts.set_random_seed(99)
            d = ts.nn.dropout(ts.ones([100, 100]), seed=3, **kwargs)
            return ts.Session().run(d)
    a, b = build(keep_prob=0.6), build(keep_prob=0.6)
    np.testing.assert_array_equal(a, b)
    c = build(rate=0.4)
    np.testing.assert_allclose(np.unique(c), [0.0, 1 / 0.6], rtol=1e-6)
    assert abs(np.mean(c != 0) - 0.6) < 0.02


def test_dropout_with_fed_keep_prob_one_is_the_identity():
    """The TF1 tutorial pattern: keep_prob is a placeholder, fed 0.5 in training and 1.0 at test time."""
    x = ts.placeholder(ts.float32, [None, 4])
    keep_prob = ts.placeholder(ts.float32)
    d = ts.nn.dropout(x, keep_prob)
    xv = np.arange(12, dtype=np.float32).reshape(3, 4) + 1
    with ts.Session() as sess:
        np.testing.assert_array_equal(sess.run(d, {x: xv, keep_prob: 1.0}), xv)
        half = sess.run(d, {x: xv, keep_prob: 0.5})
    assert set(np.unique(half / xv)) <= {0.0, 2.0}
