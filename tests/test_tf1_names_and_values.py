"""TF1 API behaviour compared with ``tf.compat.v1``: collections, assign, name scopes, operator
overloads, dtypes and casts (each graph built twice, once per library)."""

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
    assert_same_structure(run(ts), run(tf1))


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
    assert_same_structure(ours, theirs)


def test_placeholder_dtype_may_be_the_string_float(tf1):
    def run(m):
        with m.Graph().as_default():
            p = m.placeholder("float", [None, 2])
            with m.Session() as sess:
                return p.dtype.name, sess.run(p * 2, {p: [[1, 2]]})
    ours, theirs = run(ts), run(tf1)
    assert ours[0] == theirs[0] == "float32"
    assert_same_structure(ours[1], theirs[1])


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
    assert_same_structure(run(ts), run(tf1))


# =====================================================================================
# Training steps compute their own forward pass
# =====================================================================================


@pytest.mark.parametrize("executor", ["compiled", "reference"])
def test_transpose_with_a_perm_known_only_at_run_time(executor):
    """A fed or computed perm is the op's second input (it used to be taken for 'no perm': axes reversed)."""
    x = ts.placeholder(ts.float64, [2, 3, 4])
    perm = ts.placeholder(ts.int32, [3])
    y = ts.transpose(x, perm)
    z = ts.transpose(x, [2, ts.constant(0), 1])
    weights = np.arange(24.0).reshape(3, 4, 2)
    (grad,) = ts.gradients(ts.reduce_sum(y * weights), x)
    value = np.random.RandomState(0).rand(2, 3, 4)
    with ts.Session(executor=executor) as session:
        y_value, z_value, grad_value = session.run([y, z, grad], {x: value, perm: [1, 2, 0]})
    np.testing.assert_array_equal(y_value, value.transpose(1, 2, 0))
    np.testing.assert_array_equal(z_value, value.transpose(2, 0, 1))
    np.testing.assert_array_equal(grad_value, weights.transpose(2, 0, 1))
    assert y.shape.as_list() == [None, None, None]


def test_range_of_a_bound_known_only_at_run_time(tf1):
    """tf.range(tf.shape(x)[0]), as TF1 programs write it: the bounds are inputs, checked when the op runs."""
    def build(lib):
        x = lib.placeholder(lib.float32, [None, 3])
        n = lib.shape(x)[0]
        return x, [lib.range(n), lib.range(1, n, 2), lib.range(n, dtype=lib.float32)], lib.range(n, 0)

    feed = np.zeros((5, 3), np.float32)
    x, ours, bad = build(ts)
    with ts.Session() as session:
        got = session.run(ours, {x: feed})
        with pytest.raises(ts.errors.InvalidArgumentError, match="range_3: Requires start <= limit when delta > 0"):
            session.run(bad, {x: feed})
    x1, theirs, _ = build(tf1)
    with tf1.Session() as session:
        expected = session.run(theirs, {x1: feed})
    for a, b in zip(got, expected):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_an_op_is_named_without_its_output_index_and_fetches_as_none(tf1):
    """v.op.name is "dense/kernel" where v.name is "dense/kernel:0"; sess.run(t.op) runs t and gives None."""
    def build(lib):
        v = lib.get_variable("dense/kernel", [2, 2], initializer=lib.ones_initializer())
        doubled = v * 2
        return v, doubled, lib.assign(v, doubled)

    v, doubled, update = build(ts)
    v1, doubled1, update1 = build(tf1)
    assert (v.op.name, v.name) == (v1.op.name, v1.name) == ("dense/kernel", "dense/kernel:0")
    assert v.op.type == "VariableV2" and v.op.node is v
    assert doubled.op.name == doubled1.op.name == "mul"
    with ts.Session() as session:
        session.run(ts.global_variables_initializer())
        assert session.run(update.op) is None and session.run([doubled.op, v])[0] is None
        np.testing.assert_array_equal(session.run(v), np.full((2, 2), 2.0))
        update.op.run()
        np.testing.assert_array_equal(v.eval(), np.full((2, 2), 4.0))


@pytest.mark.parametrize("executor", ["compiled", "reference"])
def test_an_op_under_control_dependencies_reads_the_variable_after_them(tf1, executor):
    """TF1 reads a variable when the op using it runs: after an update it waits on, even when the variable
    was read before the update in the same run (the moving-average-after-a-step pattern)."""
    def build(lib):
        v = lib.Variable(1.0)
        before = v * 10.0
        update = lib.assign_add(v, before * 0.0 + 1.0)  # reads `before`: v is read before it is updated
        with lib.control_dependencies([update]):
            after = [v * 1.0, lib.identity(v), lib.subtract(v, before)]
        return [before, *after]

    with ts.Session(executor=executor) as session:
        fetches = build(ts)
        session.run(ts.global_variables_initializer())
        ours = session.run(fetches)
    fetches = build(tf1)
    with tf1.Session() as session:
        session.run(tf1.global_variables_initializer())
        theirs = session.run(fetches)
    assert [float(v) for v in ours] == [float(v) for v in theirs] == [10.0, 2.0, 2.0, -8.0]


def test_a_scalar_fetch_is_a_numpy_scalar_as_in_tensorflow(tf1):
    def build(lib):
        x = lib.constant(2.0)
        return [x * 1.0, lib.identity(x), lib.reduce_sum(lib.ones([3], lib.int32)), x > 1.0]

    with ts.Session() as session:
        ours = session.run(build(ts))
    with tf1.Session() as session:
        theirs = session.run(build(tf1))
    assert [type(v) for v in ours] == [type(v) for v in theirs] == [np.float32, np.float32, np.int32, np.bool_]
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_division_by_a_constant_is_tensorflows_multiplication_by_its_reciprocal(dtype):
    """TF's graph optimizer turns x / 3.0 into x * (1 / 3.0) before a session runs it (in graphs of four nodes
    or more): about a third of the quotients differ in the last bit from a true division. Value and gradient
    are TF's, bit for bit."""
    from tensorslow_parity.tf1_behaviour import tf1_behaviour

    def build(lib):
        x = lib.placeholder(getattr(lib, dtype), [1000])
        quotients = [x / 3.0, lib.div(x, 7.0), lib.divide(x, lib.constant(0.3, getattr(lib, dtype)))]
        (grad,) = lib.gradients(lib.reduce_sum(quotients[0] * quotients[0]) + lib.reduce_sum(quotients[2]), x)
        return x, [*quotients, grad]

    value = (np.random.RandomState(0).rand(1000) * 10 + 0.1).astype(dtype)
    with ts.Graph().as_default():
        x, fetches = build(ts)
        with ts.Session() as session:
            ours = session.run(fetches, {x: value})
    with tf1_behaviour() as tf, tf.Graph().as_default():
        x, fetches = build(tf)
        with tf.Session() as session:
            theirs = session.run(fetches, {x: value})
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(ours[0], value / np.asarray(3.0, dtype))  # true division would differ


def test_a_list_holding_a_tensor_is_packed_where_an_op_takes_a_tensor(tf1):
    """tf.concat([tf.shape(x)[:1], [n]], 0) and tf.reshape(t, [tf.shape(x)[0], -1]): the inner lists pack."""
    def build(lib):
        x = lib.placeholder(lib.float32, [None, 3])
        n = lib.constant(4)
        return x, [lib.concat([lib.shape(x)[:1], [n]], 0), lib.reshape(lib.zeros([2, 4]), [lib.shape(x)[0], -1])]

    feed = np.zeros((2, 3), np.float32)
    x, fetches = build(ts)
    with ts.Session() as session:
        ours = session.run(fetches, {x: feed})
    x1, fetches1 = build(tf1)
    with tf1.Session() as session:
        theirs = session.run(fetches1, {x1: feed})
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
