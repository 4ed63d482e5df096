"""tf.nn functions built from other ops, top_k / in_top_k, embedding_lookup, clipping and arg_max,
each against ``tf.compat.v1``: values, gradients, names, and dropout masks bit for bit."""
import numpy as np
import pytest

import tensorslow as ts

RNG = np.random.default_rng(0)
X = RNG.standard_normal((5, 7)).astype(np.float32)


def _run(m, build, seed=None, grad=True):
    """Values of ``build(m, x)``'s outputs and d(sum of squares of the float outputs)/dx, in a fresh graph."""
    graph = m.Graph()
    with graph.as_default():
        if seed is not None:
            m.set_random_seed(seed)
        x = m.placeholder(m.float32, [5, 7], name="x")
        out = build(m, x)
        outs = [o for o in (out if isinstance(out, (list, tuple)) else [out]) if o is not None]
        fetch = list(outs)
        floats = [o for o in outs if o.dtype.is_floating]
        if grad and floats:
            (g,) = m.gradients(m.add_n([m.reduce_sum(o * o) for o in floats]), [x])
            fetch.append(m.convert_to_tensor(g))  # TF's gradient of a gather is IndexedSlices
        with m.Session(graph=graph) as sess:
            return sess.run(fetch, {x: X}), [o.name for o in outs]


def _same(tf1, build, seed=None, bitwise=True, rtol=1e-6, names=False):
    ours, our_names = _run(ts, build, seed)
    theirs, their_names = _run(tf1, build, seed)
    n_outputs = len(our_names)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert a.dtype == b.dtype and a.shape == b.shape
        if k == n_outputs:  # the gradient: sums (over broadcast axes, of contributions) in another order than TF's
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        elif bitwise:
            np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-7)
    if names:
        assert our_names == their_names


# -- dropout: the same mask as TensorFlow for the same seeds ------------------------------------------------

DROPOUTS = {
    "keep_prob": lambda m, x: m.nn.dropout(x, keep_prob=0.7, seed=3),
    "keep_prob_positional_0.9": lambda m, x: m.nn.dropout(x, 0.9),
    "rate": lambda m, x: m.nn.dropout(x, rate=0.3),
    "noise_shape": lambda m, x: m.nn.dropout(x, rate=0.5, noise_shape=[5, 1], seed=1),
    "noise_shape_none": lambda m, x: m.nn.dropout(x, rate=0.5, noise_shape=[None, 7], seed=1),
    "two_in_a_row": lambda m, x: [m.nn.dropout(x, rate=0.25), m.nn.dropout(x, keep_prob=1.0), m.nn.dropout(x, 0.5)],
    "placeholder_keep_prob": lambda m, x: m.nn.dropout(x, keep_prob=m.placeholder_with_default(np.float32(0.6), [])),
}


@pytest.mark.parametrize("graph_seed", [None, 7])
@pytest.mark.parametrize("label", list(DROPOUTS))
def test_dropout_mask_and_gradient_bitwise_equal_to_tensorflow(tf1, label, graph_seed):
    build = DROPOUTS[label]
    if graph_seed is None and label in ("rate", "two_in_a_row", "keep_prob_positional_0.9", "placeholder_keep_prob"):
        graph_seed = 5  # no seed at all draws fresh random numbers in both libraries
    _same(tf1, build, graph_seed)


def test_dropout_graph_matches_tensorflow(tf1):
    """The same ops in the same order under TF's names: the noise shape is x's Shape (a Const when known),
    the select TF's SelectV2."""
    def ops(m):
        graph = m.Graph()
        with graph.as_default():
            m.nn.dropout(m.placeholder(m.float32, [3, 4], name="x"), rate=0.5, seed=1)
            m.nn.dropout(m.placeholder(m.float32, [None, 4], name="y"), keep_prob=0.8)
            m.nn.dropout(m.placeholder(m.float32, [3, 4], name="z"), rate=0.5, noise_shape=[3, 1])
        return [(o.name.split(":")[0], o.type) for o in graph.get_operations()]
    assert ops(ts) == ops(tf1)


@pytest.mark.parametrize("kwargs, error", [
    ({"rate": 1.0}, "range \\[0, 1\\)"), ({"rate": -0.1}, "range \\[0, 1\\)"),
    ({"keep_prob": 0.5, "rate": 0.5}, "Cannot specify both"), ({}, "`rate` must be provided"),
    ({"keep_prob": "a"}, "keep_prob"),
])
def test_dropout_bad_arguments_raise_like_tensorflow(tf1, kwargs, error):
    for m in (ts, tf1):
        with m.Graph().as_default(), pytest.raises(ValueError, match=error):
            m.nn.dropout(m.placeholder(m.float32, [2]), **kwargs)
    with ts.Graph().as_default(), pytest.raises(ValueError, match="floating point"):
        ts.nn.dropout(ts.placeholder(ts.int32, [2]), rate=0.5)


# -- composites: values, gradients and TF's names --------------------------------------------------------

COMPOSITES = {
    "softsign": (lambda m, x: m.nn.softsign(x), True),
    "l2_normalize_axis": (lambda m, x: m.nn.l2_normalize(x, axis=1), True),
    "l2_normalize_dim_epsilon": (lambda m, x: m.nn.l2_normalize(x * 1e-4, dim=[0, 1], epsilon=1e-3), True),
    "batch_normalization": (lambda m, x: m.nn.batch_normalization(
        x, m.reduce_mean(x, 0), m.reduce_mean(x * x, 0), m.constant(0.5), m.constant(2.0), 1e-3), True),
    "batch_normalization_no_scale_offset": (lambda m, x: m.nn.batch_normalization(
        x, m.reduce_mean(x, 0), m.reduce_mean(x * x, 0), None, None, 1e-3), True),
    "moments": (lambda m, x: m.nn.moments(x, [0]), True),
    "moments_keep_dims": (lambda m, x: m.nn.moments(x, [1], keep_dims=True), True),
    "weighted_cross_entropy": (lambda m, x: m.nn.weighted_cross_entropy_with_logits(
        targets=m.sigmoid(x * 3.0), logits=x, pos_weight=2.5), False),
    "clip_by_norm": (lambda m, x: m.clip_by_norm(x, 1.5), True),
    "clip_by_norm_axes": (lambda m, x: m.clip_by_norm(x, 1.5, axes=[1]), True),
    "clip_by_norm_zero": (lambda m, x: m.clip_by_norm(x * 0.0, 1.5), True),
    "global_norm": (lambda m, x: m.global_norm([x, None, x * 2.0]), False),
    "clip_by_global_norm": (lambda m, x: [*m.clip_by_global_norm([x, None, x * 2.0], 3.0)[0],
                                          m.clip_by_global_norm([x], 300.0)[1]], False),
    "clip_by_average_norm": (lambda m, x: m.clip_by_average_norm(x, 0.1), False),
    "embedding_lookup": (lambda m, x: m.nn.embedding_lookup(x, [[0, 2], [4, 4]]), True),
    "embedding_lookup_max_norm": (lambda m, x: m.nn.embedding_lookup(x, [3, 1], max_norm=1.0), True),
    "embedding_lookup_mod": (lambda m, x: m.nn.embedding_lookup([x[:2], x[2:4] * 2.0, x[4:] * 3.0],
                                                                [0, 1, 2, 3, 4, 1]), True),
    "embedding_lookup_div": (lambda m, x: m.nn.embedding_lookup([x[:2], x[2:4] * 2.0, x[4:] * 3.0],
                                                                [0, 1, 2, 3, 4, 1], partition_strategy="div"), True),
    "top_k": (lambda m, x: list(m.nn.top_k(x, 3)), True),
    "top_k_ties": (lambda m, x: list(m.nn.top_k(m.maximum(x, 0.0), 7)), True),
    "in_top_k_ties": (lambda m, x: m.nn.in_top_k(m.round(x), [0, 1, 2, 3, 6], 2), True),
    "arg_max_arg_min": (lambda m, x: [m.arg_max(x, 1), m.arg_min(x, 0, output_type=m.int32)], True),
}


@pytest.mark.parametrize("label", list(COMPOSITES))
def test_composite_matches_tensorflow(tf1, label):
    build, bitwise = COMPOSITES[label]
    # Not bitwise: global norms sum in another order than TF's L2Loss; exp/log1p differ by an ulp.
    _same(tf1, build, bitwise=bitwise, rtol=2e-6)


@pytest.mark.parametrize("label", ["softsign", "moments", "moments_keep_dims", "batch_normalization",
                                   "clip_by_global_norm", "in_top_k_ties", "arg_max_arg_min"])
def test_composite_names_match_tensorflow(tf1, label):
    _same(tf1, COMPOSITES[label][0], bitwise=False, names=True)


def test_top_k_orders_ties_by_index_and_nan_last():
    with ts.Graph().as_default():
        v, i = ts.nn.top_k(np.array([[1.0, 3.0, 3.0, np.nan, 2.0]], np.float32), 4)
        iv, ii = ts.nn.top_k(np.array([[5, -2**31, 5, 7]], np.int32), 4)
        with ts.Session() as sess:
            values, indices, ivalues, iindices = sess.run([v, i, iv, ii])
    assert indices.tolist() == [[1, 2, 4, 0]] and values.tolist() == [[3.0, 3.0, 2.0, 1.0]]
    assert iindices.tolist() == [[3, 0, 2, 1]] and ivalues.tolist() == [[7, 5, 5, -2**31]]


def test_top_k_is_one_op_with_two_outputs_as_in_tensorflow(tf1):
    def build(m):
        x = m.placeholder(m.float32, [2, 5], name="x")
        values, indices = m.nn.top_k(x, 3)
        ops = [(op.op_name if m is ts else op.name, op.type) for op in m.get_default_graph().get_operations()]
        return x, values, indices, m.gradients(m.reduce_sum(values * values), x)[0], ops
    x_value = np.array([[1.0, 4.0, 2.0, 8.0, 3.0], [5.0, 0.0, 7.0, 6.0, 9.0]], np.float32)
    results = []
    for m in (ts, tf1):
        with m.Graph().as_default():
            x, values, indices, grad, ops = build(m)
            assert [values.name, indices.name] == ["TopKV2:0", "TopKV2:1"] and values.op is indices.op
            assert [t for _, t in ops if t == "TopKV2"] == ["TopKV2"]
            with m.Session() as sess:
                results.append(sess.run([values, indices, grad], {x: x_value}))
    for ours, theirs in zip(*results):
        assert np.array_equal(ours, theirs)


def _top_k_in_cond(m, x_value, taken):
    x, p = m.placeholder(m.float32, [2, 4]), m.placeholder(m.bool, [])
    y = m.cond(p, lambda: m.nn.top_k(x, 2).values * 2.0, lambda: m.nn.top_k(x, 3).values[:, 1:])
    i = m.cond(p, lambda: m.nn.top_k(x, 2).indices, lambda: m.nn.top_k(x, 3).indices[:, :2])
    with m.Session() as sess:
        return sess.run([y, i, m.gradients(m.reduce_sum(y * y), x)[0]], {x: x_value, p: taken})


@pytest.mark.parametrize("taken", [True, False])
def test_top_k_inside_a_cond_branch_matches_tensorflow(tf1, taken):
    x_value = np.array([[1.0, 5.0, 3.0, 2.0], [4.0, 0.0, 9.0, 7.0]], np.float32)
    with ts.Graph().as_default():
        ours = _top_k_in_cond(ts, x_value, taken)
    with tf1.Graph().as_default():
        theirs = _top_k_in_cond(tf1, x_value, taken)
    for a, b in zip(ours, theirs):
        assert np.array_equal(a, b)


def test_top_k_and_in_top_k_errors_like_tensorflow(tf1):
    for m in (ts, tf1):
        with m.Graph().as_default():
            x = m.placeholder(m.float32, [3, 5])
            with pytest.raises(ValueError, match="k = 6"):
                m.nn.top_k(x, 6)
            with pytest.raises(ValueError, match="non-negative"):
                m.nn.top_k(x, -1)
            with pytest.raises(ValueError, match="Dimensions must be equal"):
                m.nn.in_top_k(x, [1, 2], 1)
            with pytest.raises(TypeError, match="targets"):
                m.nn.in_top_k(x, [1.0, 2.0, 3.0], 1)
    with ts.Graph().as_default():
        t = ts.placeholder(ts.float32, [None, None])
        with ts.Session() as sess, pytest.raises(ts.errors.InvalidArgumentError, match="at least k columns"):
            sess.run(ts.nn.top_k(t, 2).values, {t: np.zeros((2, 1), np.float32)})


def test_in_top_k_non_finite_rows_and_out_of_range_targets_are_false(tf1):
    p = np.array([[0.1, 0.3, 0.3, 0.2], [np.nan, 1, 2, 3], [1, 2, np.inf, 0], [1, 1, 1, 1]], np.float32)

    def run(m, targets, k):
        with m.Graph().as_default(), m.Session() as sess:
            return sess.run(m.nn.in_top_k(p, targets, k)).tolist()
    for targets in ([1, 0, 3, 0], [3, 3, 1, 2], [4, -1, 0, 0]):
        for k in (0, 1, 2, 4):
            assert run(ts, targets, k) == run(tf1, targets, k)


def test_clip_by_global_norm_of_an_infinite_norm_is_nan(tf1):
    def run(m):
        with m.Graph().as_default(), m.Session() as sess:
            clipped, norm = m.clip_by_global_norm([np.array([np.inf, 1.0], np.float32)], 1.0)
            return sess.run([clipped[0], norm])
    ours, theirs = run(ts), run(tf1)
    assert np.isnan(ours[0]).all() and np.isnan(theirs[0]).all() and ours[1] == theirs[1]
    with pytest.raises(TypeError, match="sequence"):
        ts.clip_by_global_norm(ts.constant([1.0]), 1.0)
