"""Bad input gets TF1's error, naming the node or argument, instead of a silent coercion or a raw
NumPy error: each case is run on TensorSlow and, where TF1 also raises, on ``tensorflow.compat.v1``.

A case is ``build(m)`` for a module ``m`` (tensorslow or tf.compat.v1), the error TensorSlow raises,
and words its message must hold (the node, the argument or the value concerned).
"""
import numpy as np
import pytest

import tensorslow as ts


@pytest.fixture(autouse=True)
def fresh_default_graph():
    with ts.Graph().as_default():
        yield


def run(m, fetch, feed=None):
    """Run ``fetch`` in a new session of the current default graph (variables initialized)."""
    with m.Session() as sess:
        sess.run(m.global_variables_initializer())
        return sess.run(fetch, feed)


def _fed(m, dtype, fetch_of, value):
    p = m.placeholder(dtype)
    return run(m, fetch_of(p), {p: value})


InvalidArgument = ts.errors.InvalidArgumentError

# name: (build(m), TensorSlow's error, words in its message, does tf1 raise too?)
CASES = {
    # -- item 9: silent coercions --------------------------------------------------------------------
    "constant 1.5 as int32": (lambda m: m.constant(1.5, dtype=m.int32), TypeError, "int32.*1.5", True),
    "constant [1, 2.5] as int32": (lambda m: m.constant([1, 2.5], dtype=m.int32), TypeError, "int32", True),
    "constant 1 as bool": (lambda m: m.constant(1, dtype=m.bool), TypeError, "bool", True),
    "assign 1.5 to an int variable": (lambda m: m.assign(m.Variable(1, name="count"), 1.5), TypeError,
                                      "'count'.*1.5", True),
    "assign_add 1.5 to an int variable": (lambda m: m.assign_add(m.Variable(1, name="count"), 1.5), TypeError,
                                          "'count'.*1.5", True),
    "integer floordiv by zero": (lambda m: run(m, m.floordiv(m.constant(5), m.constant(0), name="fd")),
                                 InvalidArgument, "'fd'.*Integer division by zero", True),
    "integer floormod by zero": (lambda m: run(m, m.floormod(m.constant([5, 6]), m.constant([2, 0]), name="fm")),
                                 InvalidArgument, "'fm'.*Integer division by zero", True),
    "integer // by a fed zero": (lambda m: _fed(m, m.int32, lambda p: m.constant(7) // p, 0), InvalidArgument,
                                 "Integer division by zero", True),
    "GradientDescentOptimizer(None)": (lambda m: m.train.GradientDescentOptimizer(None).minimize(
        m.Variable(1.0) * 2.0), ValueError, "learning_rate.*None", True),
    "AdamOptimizer(beta1=None)": (lambda m: m.train.AdamOptimizer(0.1, beta1=None).minimize(
        m.Variable(1.0) * 2.0), ValueError, "beta1.*None", True),
    "MomentumOptimizer(momentum=None)": (lambda m: m.train.MomentumOptimizer(0.1, None).minimize(
        m.Variable(1.0) * 2.0), ValueError, "momentum.*None", True),
    "a string learning rate": (lambda m: m.train.GradientDescentOptimizer("0.1"), TypeError,
                               "learning_rate.*'0.1'", False),  # tf1 fails only when the op is run
    "a list learning rate": (lambda m: m.train.GradientDescentOptimizer([0.1]).minimize(m.Variable(1.0) * 2.0),
                             TypeError, r"learning_rate.*\[0.1\]", True),
    "one_hot depth -1": (lambda m: run(m, m.one_hot([0, 1], depth=-1)), ValueError, "depth.*-1", True),
    "one_hot depth 2.5": (lambda m: m.one_hot([0, 1], depth=2.5), TypeError, "depth.*2.5", True),
    "one_hot float indices": (lambda m: m.one_hot([0.0, 1.0], depth=3), TypeError, "indices.*float32", True),
    "fill with a non-scalar value": (lambda m: m.fill([2], [1.0, 2.0]), ValueError, "Fill.*scalar", True),
    "reshape to [-2, 3]": (lambda m: m.reshape(m.zeros([6]), [-2, 3]), ValueError, "-2", True),
    "reduce_sum axis 1.5": (lambda m: m.reduce_sum(m.zeros([2, 3]), axis=1.5), TypeError, "axis.*1.5", True),
    "argmax axis 1.5": (lambda m: m.argmax(m.zeros([2, 3]), axis=1.5), TypeError, "axis", True),
    "log of int32": (lambda m: m.log(m.constant([1, 2])), TypeError, "Log.*int32", True),
    "exp of int32": (lambda m: m.exp(m.constant([1, 2])), TypeError, "Exp.*int32", True),
    "sqrt of int32": (lambda m: m.sqrt(m.constant([1, 2])), TypeError, "Sqrt.*int32", True),
    "sigmoid of int32": (lambda m: m.sigmoid(m.constant([1, 2])), TypeError, "Sigmoid.*int32", True),
    "softmax of int32": (lambda m: m.nn.softmax(m.constant([1, 2])), TypeError, "Softmax.*int32", True),
    "minimize through an int cast": (lambda m: m.train.GradientDescentOptimizer(0.1).minimize(
        m.cast(m.cast(m.Variable(1.5), m.int32), m.float32)), ValueError, "No gradients provided", True),
    "matmul of a fed vector": (lambda m: _fed(m, m.float32, lambda p: m.matmul(p, m.ones([3, 2]), name="mm"),
                                              np.ones(3, np.float32)), InvalidArgument, "mm.*rank 2", True),
    "matmul of a vector constant": (lambda m: m.matmul(m.ones([3]), m.ones([3, 2])), ValueError, "rank", True),
    # -- item 10: errors at graph-building time -------------------------------------------------------
    "int literal too big for int32": (lambda m: m.constant(2 ** 40, dtype=m.int32) + 0, TypeError,
                                      "1099511627776.*int32", False),  # tf1 wraps it around silently
    "int literal too big for int64": (lambda m: m.constant(2 ** 70), TypeError, "1180591620717411303424", True),
    "int literal too big for int8": (lambda m: m.constant(300, dtype=m.int8), TypeError, "300.*int8", False),
    "zeros with a negative dimension": (lambda m: m.zeros([-1, 2]), ValueError, "zeros.*-1", True),
    "ones with a negative dimension": (lambda m: m.ones([2, -3]), ValueError, "-3", True),
    "fill with a negative dimension": (lambda m: m.fill([-1], 1.0), ValueError, "Fill.*-1", True),
    "placeholder with a negative dimension": (lambda m: m.placeholder(m.float32, [-2, 3]), ValueError, "-2", True),
    "placeholder shape 3.5": (lambda m: m.placeholder(m.float32, shape=3.5), TypeError, "3.5", True),
    "placeholder shape 'a'": (lambda m: m.placeholder(m.float32, shape="a"), TypeError, "'a'", True),
    "ragged constant": (lambda m: m.constant([[1, 2], [3]]), ValueError, "ragged", True),
    "ragged Variable": (lambda m: m.Variable([[1.0, 2.0], [3.0]], name="w"), ValueError, "'w'.*ragged", True),
    "string constant": (lambda m: m.constant("abc", dtype=m.float32), TypeError, "'abc'", True),
    "gather axis 3 of a matrix": (lambda m: m.gather(m.zeros([2, 3]), [0], axis=3), ValueError, "axis 3", True),
    "gather axis -3 of a matrix": (lambda m: m.gather(m.zeros([2, 3]), [0], axis=-3), ValueError, "axis -3", True),
    "gather axis 1.5": (lambda m: m.gather(m.zeros([2, 3]), [0], axis=1.5), TypeError, "axis.*1.5", True),
    "slice index out of range": (lambda m: m.zeros([2, 3], name="z")[5], ValueError, "'z:0'.*5", True),
    "negative slice index out of range": (lambda m: m.zeros([2, 3], name="z")[-5], ValueError, "-5", True),
    "too many slice indices": (lambda m: m.zeros([2, 3], name="z")[0, 0, 0], ValueError, "'z:0'", True),
    "slice step 0": (lambda m: m.zeros([4], name="z")[::0], ValueError, "step.*'z:0'", True),
    "concat of nothing": (lambda m: m.concat([], 0), ValueError, "ConcatV2.*empty", True),
    "concat axis 5": (lambda m: m.concat([m.zeros([2]), m.zeros([2])], 5), ValueError, "axis 5", True),
    "expand_dims axis 5": (lambda m: m.expand_dims(m.zeros([2, 3]), 5), ValueError, "axis 5", True),
    "range delta 0": (lambda m: m.range(0, 10, 0), ValueError, "delta", True),
    "range start > limit": (lambda m: m.range(10, 0), ValueError, "10/0", True),
    "feed_dict as a list": (lambda m: _fed_list(m), TypeError, "feed_dict.*list", True),
    "Session(graph=123)": (lambda m: m.Session(graph=123), TypeError, "graph.*int", False),  # tf1 too, noisily
}


def _fed_list(m):
    p = m.placeholder(m.float32)
    with m.Session() as sess:
        return sess.run(p, [(p, 1.0)])


@pytest.mark.parametrize("executor", ["compiled", "reference"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_tensorslow_raises_an_error_naming_the_culprit(case, executor, monkeypatch):
    build, error, words, _ = CASES[case]
    if executor == "reference":
        monkeypatch.setattr(ts, "Session", _reference_session)
    with pytest.raises(error, match=words):
        build(ts)


def _reference_session(*args, **kwargs):
    return ts.session.Session(*args, executor="reference", **kwargs)


@pytest.mark.parametrize("case", sorted(c for c, (*_, tf1_raises) in CASES.items() if tf1_raises))
def test_tf1_raises_too(case, tf1):
    build = CASES[case][0]
    with pytest.raises(Exception):  # noqa: B017, PT011  (TF's own classes; TensorSlow's are checked above)
        build(tf1)


# -- what TF accepts, TensorSlow accepts alike ---------------------------------------------------------

def test_a_bare_int_shape_is_a_1d_shape_as_in_tf(tf1):
    batch_size = 3
    assert ts.placeholder(ts.float32, shape=batch_size).shape.as_list() == [3]
    assert tf1.placeholder(tf1.float32, shape=batch_size).shape.as_list() == [3]


def test_an_int_literal_beyond_int32_is_int64_as_in_tf(tf1):
    assert ts.constant(2 ** 40).dtype == ts.int64
    assert tf1.constant(2 ** 40).dtype == tf1.int64


def test_a_constant_never_freezes_the_callers_array():
    values = np.array([1.0, 2.0], np.float32)
    ts.constant(values)
    values[0] = 5.0  # still writable


@pytest.mark.parametrize("executor", ["compiled", "reference"])
def test_a_fetched_value_is_never_the_callers_fed_array(executor):
    """TF returns a fed placeholder's own array when it is fetched; TensorSlow returns a copy (a view of
    it, as reshape gives, would let the caller change one through the other)."""
    p = ts.placeholder(ts.float32, [2, 2])
    fetches = [p, ts.identity(p), ts.reshape(p, [4]), p[0], ts.transpose(p)]
    fed = np.ones((2, 2), np.float32)
    with ts.Session(executor=executor) as sess:
        for value in sess.run(fetches, {p: fed}):
            assert not np.shares_memory(value, fed)
            value[...] = 7.0  # a copy the caller may write into
    assert fed.flags.writeable and (fed == 1.0).all()


def test_matmul_of_the_courses_untyped_placeholder_keeps_numpys_vector_product():
    a, x = ts.Variable([[1, 0], [0, -1]]), ts.placeholder()
    assert run(ts, ts.matmul(a, x), {x: [1, 2]}).tolist() == [1, -2]


def test_gradients_through_an_int_cast_are_none_as_in_tf(tf1):
    for m in (ts, tf1):
        v = m.Variable(1.5)
        assert m.gradients(m.cast(m.cast(v, m.int32), m.float32), [v]) == [None]
        assert m.gradients(m.cast(m.Variable(2), m.float32) * 2.0, [v]) == [None]


# -- nothing big is allocated while the graph is built --------------------------------------------------

@pytest.mark.parametrize("build", [lambda: ts.zeros([100_000, 100_000]), lambda: ts.ones([100_000, 100_000]),
                                   lambda: ts.fill([100_000, 100_000], 2.0), lambda: ts.range(10 ** 12)],
                         ids=["zeros", "ones", "fill", "range"])
def test_huge_shapes_cost_nothing_until_run(build):
    import tracemalloc
    tracemalloc.start()
    node = build()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1_000_000
    assert node.type in ("Fill", "Range") and node.shape.num_elements() >= 10 ** 10


def test_zeros_ones_range_values_are_as_before(tf1):
    with ts.Session() as sess:
        small, big = sess.run([ts.zeros([2, 3]), ts.ones([40, 50], dtype=ts.float64)])
        assert small.dtype == np.float32 and not small.any() and big.dtype == np.float64 and (big == 1).all()
        assert sess.run(ts.range(5)).tolist() == [0, 1, 2, 3, 4]
        assert sess.run(ts.range(0.5, 2.0, 0.5)).tolist() == [0.5, 1.0, 1.5]
    assert ts.zeros([2, 3]).type == tf1.zeros([2, 3]).op.type == "Const"
    assert ts.zeros([1000]).type == tf1.zeros([1000]).op.type == "Fill"
