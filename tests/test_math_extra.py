"""The composites and failure paths of the extra math, reduction, array and linear-algebra ops, against
``tensorflow.compat.v1``: values, gradients and graphs (op names and types, in TF's order) of the functions
built from several ops (reduce_logsumexp, reduce_std, count_nonzero, log_sigmoid, sort, norm, eye, ...), and
the errors TF raises for bad input. Single ops are checked by the op catalog (tests/test_ops_vs_tensorflow.py).
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import tensorslow as ts  # noqa: E402

tensorflow = pytest.importorskip("tensorflow")
tf1 = tensorflow.compat.v1

X = np.array([[1.5, -2.0, 0.0, 3.0], [0.25, 4.0, -1.0, 0.0], [2.0, 2.0, -3.5, 1.0]])


def run_both(build, *values, grads=True):
    """``build(tf, *placeholders)`` in TensorSlow and in TF: (values, gradients of sum(out * w), op list) each."""
    results = []
    for module in (ts, tf1):
        graph = module.Graph()
        with graph.as_default():
            xs = [module.placeholder(module.float64, np.shape(v), name=f"x{i}") for i, v in enumerate(values)]
            out = build(module, *xs)
            ops = [(op.name, op.type) for op in graph.get_operations()]
            fetches = [out]
            if grads:
                w = module.constant(np.linspace(-1.0, 1.5, int(np.prod(out.shape.as_list()))).reshape(
                    out.shape.as_list()))
                fetches += module.gradients(module.reduce_sum(out * w), xs)
            with module.Session(graph=graph) as sess:
                got = sess.run(fetches, dict(zip(xs, values)))
        results.append((got, [(n.split(":")[0], t) for n, t in ops], out))
    return results


def assert_same(build, *values, grads=True, graph=True):
    (ts_got, ts_ops, ts_out), (tf_got, tf_ops, tf_out) = run_both(build, *values, grads=grads)
    for a, b in zip(ts_got, tf_got):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert ts_out.shape.as_list() == tf_out.shape.as_list()
    assert ts_out.dtype.name == tf_out.dtype.name
    if graph:
        assert ts_ops == tf_ops
    return ts_ops


# -- composites -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, {"axis": 1}, {"axis": 0, "keepdims": True}, {"axis": [0, 1]}])
def test_reduce_logsumexp(kwargs):
    # TensorSlow's where_v2 is a Select op where TF's is SelectV2: the graph is compared by names
    (ts_got, ts_ops, _), (tf_got, tf_ops, _) = run_both(lambda tf, x: tf.reduce_logsumexp(x, **kwargs), X)
    for a, b in zip(ts_got, tf_got):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert [n for n, _ in ts_ops] == [n for n, _ in tf_ops]


def test_reduce_logsumexp_of_large_and_infinite_values():
    big = np.array([[1000.0, 1000.0], [-np.inf, -np.inf], [np.inf, 0.0]])
    (ts_got, _, _), (tf_got, _, _) = run_both(lambda tf, x: tf.reduce_logsumexp(x, axis=1), big, grads=False)
    np.testing.assert_array_equal(ts_got[0], tf_got[0])


@pytest.mark.parametrize("name", ["reduce_std", "reduce_variance"])
@pytest.mark.parametrize("kwargs", [{}, {"axis": 1}, {"axis": 0, "keepdims": True}])
def test_reduce_std_and_variance(name, kwargs):
    assert_same(lambda tf, x: getattr(tf.math, name)(x, **kwargs), X)


@pytest.mark.parametrize("kwargs", [{}, {"axis": 1}, {"axis": 0, "keepdims": True}, {"dtype": "int32"},
                                    {"reduction_indices": [1], "keep_dims": True}])
def test_count_nonzero(kwargs):
    assert_same(lambda tf, x: tf.count_nonzero(x, **kwargs), X, grads=False)
    assert_same(lambda tf, x: tf.count_nonzero(x > 0, **kwargs), X, grads=False)


def test_log_sigmoid_is_stable_and_matches():
    assert_same(lambda tf, x: tf.log_sigmoid(x), np.array([-800.0, -3.0, 0.0, 2.0, 800.0]))
    assert_same(lambda tf, x: tf.log_sigmoid(x) * 2.0, X)


def test_literals_become_constants_named_as_in_tf():
    assert_same(lambda tf, x: tf.atan2(x, 1.0) + tf.cast(tf.sin(2.0) + tf.cumsum([1.0, 2.0])[0], tf.float64), X)


# -- failure paths -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("build", [
    lambda tf: tf.sin(tf.constant([1, 2])),
    lambda tf: tf.is_nan(tf.constant(1)),
    lambda tf: tf.atan2(tf.constant(1), tf.constant(2)),
    lambda tf: tf.atan2(tf.constant(1.0), tf.constant(2.0, tf.float64)),
    lambda tf: tf.reduce_any(tf.constant([1.0])),
    lambda tf: tf.cumsum(tf.constant([True])),
    lambda tf: tf.reduce_logsumexp(tf.constant([1, 2])),
    lambda tf: tf.math.reduce_variance(tf.constant([1, 2])),
], ids=["sin_int", "is_nan_int", "atan2_int", "atan2_mixed", "any_float", "cumsum_bool", "logsumexp_int",
        "variance_int"])
def test_bad_dtypes_are_type_errors_as_in_tf(build):
    for module in (tf1, ts):
        with module.Graph().as_default(), pytest.raises(TypeError):
            build(module)


@pytest.mark.parametrize("axis, value", [(3, [1.0, 2.0]), (0, 3.0)])
def test_cumsum_axis_out_of_range_fails_when_run(axis, value):
    for module in (tf1, ts):
        with module.Graph().as_default():
            out = module.cumsum(module.constant(value), axis=axis)
            with module.Session() as sess, pytest.raises(module.errors.InvalidArgumentError,
                                                         match="Expected scan axis in the range"):
                sess.run(out)
