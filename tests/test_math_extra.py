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


# -- array composites, variable scatters -------------------------------------------------------------------

TIES = np.array([[1.0, 3.0, 1.0, 3.0], [0.5, -2.0, 0.5, 7.0], [2.0, 2.0, 2.0, -1.0]])


@pytest.mark.parametrize("kwargs", [{}, {"direction": "DESCENDING"}, {"axis": 0},
                                    {"axis": 0, "direction": "DESCENDING"}])
def test_sort_and_argsort(kwargs):
    ops = assert_same(lambda tf, x: tf.sort(x, **kwargs), TIES, graph=False)
    assert ("sort/TopKV2", "TopKV2") in ops
    (ts_got, _, _), (tf_got, _, _) = run_both(lambda tf, x: tf.argsort(x, **kwargs), TIES, grads=False)
    np.testing.assert_array_equal(ts_got[0], tf_got[0])  # ties keep their order in both


def test_sort_of_integers_and_its_graph():
    def build(tf, x):
        return tf.cast(tf.sort(tf.cast(x, tf.int32)), tf.float64)
    (ts_got, ts_ops, _), (tf_got, tf_ops, _) = run_both(build, TIES, grads=False)
    np.testing.assert_array_equal(ts_got[0], tf_got[0])
    assert [n for n, _ in ts_ops] == [n for n, _ in tf_ops]


def test_top_k_reads_a_k_computed_in_the_graph():
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float64, [None, 4])
        k = ts.placeholder(ts.int32, [])
        out = ts.nn.top_k(x, k)
        assert out.values.shape.as_list() == [None, None]
        with ts.Session() as sess:
            values, indices = sess.run(out, {x: [[1.0, 4.0, 2.0, 3.0]], k: 2})
        np.testing.assert_array_equal(values, [[4.0, 3.0]])
        np.testing.assert_array_equal(indices, [[1, 3]])
        with pytest.raises(TypeError, match="TopKV2: k must be an int32 scalar"):
            ts.nn.top_k(x, ts.placeholder(ts.float32, []))


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid(indexing):
    def build(tf, x, y):
        a, b = tf.meshgrid(x, y, indexing=indexing)
        return a * 2.0 + b
    assert_same(build, np.array([1.0, 2.0]), np.array([3.0, 4.0, 5.0]), graph=False)


def test_linspace_values_and_dtypes():
    for args in [(0.0, 1.0, 5), (0, 10, 4), (-3.5, 2.25, 7), (1.0, 1.0, 1)]:
        got = []
        for module in (ts, tf1):
            with module.Graph().as_default(), module.Session() as sess:
                out = module.linspace(*args)
                got.append((sess.run(out), out.dtype.name))
        np.testing.assert_array_equal(got[0][0], got[1][0])
        assert got[0][1] == got[1][1]


@pytest.mark.parametrize("name, expected", [("scatter_update", [[9, 9], [3, 4], [7, 7]]),
                                            ("scatter_add", [[1 + 9 + 8, 2 + 9 + 8], [3, 4], [12, 13]]),
                                            ("scatter_sub", [[1 - 9 - 8, 2 - 9 - 8], [3, 4], [-2, -1]])])
def test_scatter_to_a_variable(name, expected):
    results = []
    for module in (ts, tf1):
        with module.Graph().as_default():
            v = module.Variable(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), use_resource=False)
            indices = [0, 2] if name == "scatter_update" else [0, 2, 0]
            updates = [[9.0, 9.0], [7.0, 7.0]] if name == "scatter_update" else [[9.0, 9.0], [7.0, 7.0], [8.0, 8.0]]
            op = getattr(module, name)(v, indices, updates)
            with module.Session() as sess:
                sess.run(module.global_variables_initializer())
                results.append((sess.run(op), sess.run(v), op.name))
    (ts_new, ts_v, ts_name), (tf_new, tf_v, tf_name) = results
    np.testing.assert_array_equal(ts_new, tf_new)
    np.testing.assert_array_equal(ts_v, tf_v)
    assert ts_name == tf_name
    if name != "scatter_update":
        np.testing.assert_array_equal(ts_v, expected)


@pytest.mark.parametrize("build, error", [
    (lambda tf: tf.gather_nd(tf.constant([[1.0, 2.0]]), [[1.0, 0.0]]), TypeError),
    (lambda tf: tf.unique(tf.zeros([2, 2])), ValueError),
    (lambda tf: tf.space_to_depth(tf.zeros([1, 5, 4, 1]), 2), ValueError),
    (lambda tf: tf.reverse(tf.zeros([2, 2]), [0, 0]), ValueError),
    (lambda tf: tf.reverse(tf.zeros([2, 2]), [2]), ValueError),
    (lambda tf: tf.broadcast_to(tf.zeros([2, 3]), [4, 3]), ValueError),
], ids=["gather_nd_float_indices", "unique_2d", "space_to_depth_odd", "reverse_repeated", "reverse_range",
        "broadcast_to_bad"])
def test_bad_array_arguments_fail_as_in_tf(build, error):
    for module in (tf1, ts):
        with module.Graph().as_default(), pytest.raises(error):
            build(module)


@pytest.mark.parametrize("build", [
    lambda tf: tf.gather_nd(tf.constant([[1.0, 2.0], [3.0, 4.0]]), [[2, 0]]),
    lambda tf: tf.scatter_nd([[5]], [1.0], [3]),
    lambda tf: tf.bincount(tf.constant([-1, 1, 4])),
], ids=["gather_nd", "scatter_nd", "bincount_negative"])
def test_bad_indices_fail_when_run(build):
    for module in (tf1, ts):
        with module.Graph().as_default():
            out = build(module)
            with module.Session() as sess, pytest.raises(module.errors.InvalidArgumentError):
                sess.run(out)


# -- linear algebra composites and failures ------------------------------------------------------------------

CUBE = np.arange(24.0).reshape(2, 3, 4) / 7.0 - 1.5
SPD = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.25], [0.5, 0.25, 2.0]])


@pytest.mark.parametrize("kwargs", [{}, {"axis": 1}, {"ord": 1, "axis": -1}, {"ord": np.inf},
                                    {"ord": 3, "axis": 0, "keepdims": True}, {"axis": [1, 2]},
                                    {"ord": 1, "axis": [1, 2]}, {"ord": np.inf, "axis": (2, 1)},
                                    {"ord": "fro", "axis": [0, 2], "keep_dims": True}])
def test_norm(kwargs):
    assert_same(lambda tf, x: tf.norm(x, **kwargs), CUBE)


@pytest.mark.parametrize("axes", [1, [[1], [1]], [[1, 2], [1, 0]], [[2], [0]]])
def test_tensordot_builds_tfs_graph(axes):
    other = np.linspace(-1.0, 1.0, 60).reshape(4, 3, 5)
    assert_same(lambda tf, x, y: tf.tensordot(x, y, axes), CUBE, other)


def test_tensordot_of_a_partly_unknown_shape_reshapes_around_a_matmul_as_tf():
    x = ts.placeholder(ts.float64, [None, 3, 4])
    y = ts.placeholder(ts.float64, [4, 2])
    out = ts.tensordot(x, y, 1)
    assert out.op.type == "Reshape" and out.shape.as_list() == [None, 3, 2]
    assert "MatMul" in {op.type for op in ts.get_default_graph().get_operations()}
    with ts.Session() as sess:
        np.testing.assert_allclose(sess.run(out, {x: CUBE, y: np.ones((4, 2))}), CUBE @ np.ones((4, 2)))


def test_trace_eye_transpose_adjoint_logdet():
    assert_same(lambda tf, x: tf.trace(x), CUBE)
    assert_same(lambda tf, x: tf.matrix_transpose(x) * 2.0, CUBE)
    assert_same(lambda tf, x: tf.linalg.adjoint(x), CUBE)
    assert_same(lambda tf, x: tf.linalg.logdet(x), SPD)
    assert_same(lambda tf, x: x + tf.eye(3, dtype=tf.float64), SPD)
    assert_same(lambda tf, x: x[0, :2] + tf.eye(2, 4, batch_shape=[3], dtype=tf.float64), CUBE)


@pytest.mark.parametrize("build", [
    lambda tf: tf.matrix_inverse(tf.constant([[1.0, 2.0], [2.0, 4.0]])),
    lambda tf: tf.matrix_solve(tf.zeros([2, 2]), tf.ones([2, 1])),
], ids=["inverse_singular", "solve_singular"])
def test_singular_matrices_fail_when_run(build):
    for module in (tf1, ts):
        with module.Graph().as_default():
            out = build(module)
            with module.Session() as sess, pytest.raises(module.errors.InvalidArgumentError):
                sess.run(out)


def test_cholesky_of_a_matrix_not_positive_definite_is_nan_as_in_tf():
    batch = np.array([[[1.0, 2.0], [2.0, 1.0]], [[4.0, 2.0], [2.0, 5.0]]])
    (ts_got, _, _), (tf_got, _, _) = run_both(lambda tf, x: tf.cholesky(x), batch, grads=False)
    lower = np.tril(np.ones((2, 2), bool))  # TF leaves the upper triangle of a failed factor uninitialized
    np.testing.assert_array_equal(np.isnan(ts_got[0][0])[lower], np.isnan(tf_got[0][0])[lower])
    np.testing.assert_allclose(ts_got[0][1], tf_got[0][1])


@pytest.mark.parametrize("build, error", [
    (lambda tf: tf.matrix_inverse(tf.zeros([2, 3])), ValueError),
    (lambda tf: tf.matrix_determinant(tf.zeros([3])), ValueError),
    (lambda tf: tf.matrix_inverse(tf.zeros([2, 2], tf.int32)), TypeError),
    (lambda tf: tf.matrix_solve(tf.zeros([2, 2]), tf.zeros([3, 1])), ValueError),
    (lambda tf: tf.einsum("ij,jk->ik", tf.zeros([2, 3]), tf.zeros([4, 2])), ValueError),
    (lambda tf: tf.einsum("ij,jk->ik", tf.zeros([2, 3])), ValueError),
    (lambda tf: tf.tensordot(tf.zeros([2, 3]), tf.zeros([3]), [[0, 1], [0]]), ValueError),
    (lambda tf: tf.norm(tf.zeros([2, 3]), ord=-1), ValueError),
], ids=["inverse_not_square", "determinant_rank1", "inverse_int", "solve_rows", "einsum_sizes",
        "einsum_operands", "tensordot_axes", "norm_ord"])
def test_bad_linalg_arguments_fail_as_in_tf(build, error):
    for module in (tf1, ts):
        with module.Graph().as_default(), pytest.raises(error):
            build(module)


# -- cosine learning-rate schedules ------------------------------------------------------------------------

SCHEDULES = {
    "cosine_decay": lambda m, gs: m.train.cosine_decay(0.1, gs, 100, alpha=0.1),
    "cosine_decay_restarts": lambda m, gs: m.train.cosine_decay_restarts(0.1, gs, 10),
    "restarts_equal_periods": lambda m, gs: m.train.cosine_decay_restarts(0.1, gs, 10, t_mul=1.0, m_mul=0.5),
    "restarts_growing": lambda m, gs: m.train.cosine_decay_restarts(0.05, gs, 7, t_mul=3.0, m_mul=0.9, alpha=0.2),
    "linear_cosine_decay": lambda m, gs: m.train.linear_cosine_decay(0.1, gs, 100),
    "linear_cosine_periods": lambda m, gs: m.train.linear_cosine_decay(0.1, gs, 100, num_periods=2.0, alpha=0.1,
                                                                       beta=0.01),
}


def _schedule_run(module, build):
    graph = module.Graph()
    with graph.as_default():
        step = module.train.get_or_create_global_step()
        first = len(graph.get_operations())
        lr = build(module, step)
        ops = [(op.name.split(":")[0], op.type) for op in graph.get_operations()[first:]]
        with module.Session() as sess:
            sess.run(module.global_variables_initializer())
            values = []
            for t in (0, 1, 5, 10, 25, 33, 99, 100, 150, 1000):
                sess.run(module.assign(step, t))
                values.append(sess.run(lr))
    return np.array(values), ops, lr


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_cosine_schedules_match_tf(name):
    from tensorslow_parity.tf1_behaviour import tf1_behaviour
    ts_values, ts_ops, ts_lr = _schedule_run(ts, SCHEDULES[name])
    with tf1_behaviour() as tf:  # TF1's global step: a variable read without ReadVariableOp
        tf_values, tf_ops, tf_lr = _schedule_run(tf, SCHEDULES[name])
    # float32 throughout (TF's pi is a float32 constant): NumPy's and TF's cos, log and pow may differ by an ulp
    np.testing.assert_allclose(ts_values, tf_values, rtol=1e-6, atol=1e-9)
    assert ts_lr.name == tf_lr.name and ts_lr.dtype.name == tf_lr.dtype.name == "float32"
    outside_cond = [(n, t) for n, t in tf_ops if "/cond/" not in n]  # TensorSlow's tf.cond has other ops inside
    assert [(n, t) for n, t in ts_ops if "/cond/" not in n] == outside_cond


def test_cosine_schedules_fail_as_in_tf():
    for module in (tf1, ts):
        with module.Graph().as_default():
            with pytest.raises(ValueError):  # TF: "None values not supported."; TensorSlow names global_step
                module.train.cosine_decay(0.1, None, 100)
            step = module.train.get_or_create_global_step()
            with pytest.raises(TypeError):  # pi is float32: a float64 rate does not mix with it
                module.train.cosine_decay(module.constant(0.1, module.float64), step, 100)
