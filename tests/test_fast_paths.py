"""The speed-ups of a training step give the results of the plain code they replace.

* ``tensorslow.reductions``: unrolled sums and extrema over a short last axis
  are bitwise equal to NumPy's; row sums of a narrow matrix (bias gradients)
  agree with NumPy's to rounding and are at least as accurate;
* what a gradient function sees as ``op`` (a per-node ``OpValues`` type);
* the shared read-only seed of dy/dy never leaks into fetched values;
* gradient descent's Python-float learning rate updates in the variable's dtype;
* a plan's blocks of remembered shape arithmetic: one check per block, computed again when a
  fed shape changes, the reference executor's values, errors naming the op, concurrent runs.
"""
import math
import sys
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorslow as ts
from tensorslow import fast_kernels as reductions
from tensorslow.fast_kernels import op_values_type
from tensorslow.registry import OpValues

FLOATS = st.sampled_from([np.float32, np.float64])


def _arrays(dtype, shape):
    return hnp.arrays(dtype, shape, elements=st.floats(-1e6, 1e6, width=32, allow_subnormal=False))


@st.composite
def short_last_axis(draw, max_k):
    dtype = draw(FLOATS)
    lead = draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=40))
    shape = lead + (draw(st.integers(1, max_k + 2)),)  # past the limit too: the fallback
    x = draw(_arrays(dtype, shape))
    if draw(st.booleans()):  # a non-contiguous view with the same values
        x = np.swapaxes(np.ascontiguousarray(np.swapaxes(x, -1, -2)), -1, -2)
    return x


@settings(max_examples=150, deadline=None)
@given(x=short_last_axis(reductions._MAX_TERMS), keepdims=st.booleans(), axis=st.sampled_from([-1, "last", (-1,)]))
def test_sum_over_a_short_last_axis_is_bitwise_numpy(x, keepdims, axis):
    axis = x.ndim - 1 if axis == "last" else axis
    got = reductions.sum_along(x, axis, keepdims)
    want = np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@settings(max_examples=150, deadline=None)
@given(x=short_last_axis(reductions._MAX_EXTREMA), keepdims=st.booleans())
def test_max_and_min_over_a_short_last_axis_are_bitwise_numpy(x, keepdims):
    for fast, slow in ((reductions.max_along, np.max), (reductions.min_along, np.min)):
        got, want = fast(x, -1, keepdims), slow(x, axis=-1, keepdims=keepdims)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)


def test_max_propagates_nan_like_numpy():
    x = np.array([[1.0, np.nan], [np.nan, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(reductions.max_along(x, -1), np.max(x, axis=-1))


@settings(max_examples=100, deadline=None)
@given(dtype=FLOATS, n=st.integers(2, 300), k=st.integers(1, reductions._MAX_COLUMNS + 3), keepdims=st.booleans(),
       data=st.data())
def test_row_sums_of_a_narrow_matrix_match_numpy_and_are_as_accurate(dtype, n, k, keepdims, data):
    x = data.draw(_arrays(dtype, (n, k)))
    got = reductions.sum_along(x, 0, keepdims)
    want = np.sum(x, axis=0, keepdims=keepdims)
    assert got.dtype == want.dtype and got.shape == want.shape
    exact = np.array([math.fsum(col) for col in x.T.astype(np.float64)])
    eps = np.finfo(dtype).eps
    bound = n * eps * np.abs(x).sum(axis=0) + np.finfo(dtype).tiny  # the error bound of any summation order
    assert np.all(np.abs(got.reshape(-1) - exact) <= bound)
    np.testing.assert_allclose(got, want, rtol=0, atol=2 * bound.max())


def test_row_sums_are_more_accurate_than_adding_row_after_row():
    # 1 followed by many tiny terms: adding row by row loses every tiny term; pairwise keeps them.
    x = np.full((4097, 2), 1e-16)
    x[0] = 1.0
    exact = 1.0 + 4096e-16
    assert abs(reductions.sum_along(x, 0)[0] - exact) < abs(np.add.reduce(x, 0)[0] - exact)


@pytest.mark.parametrize("x, axis, keepdims", [
    (np.arange(12, dtype=np.int32).reshape(4, 3), -1, False),  # integers: NumPy's own sum, dtype kept
    (np.arange(12, dtype=np.int64).reshape(4, 3), 0, True),
    (np.ones((3, 2), np.float16), -1, False),  # float16: NumPy's own
    (np.arange(6.0).reshape(2, 3), None, False),
    (np.arange(6.0).reshape(2, 3), None, True),
    (np.arange(6.0).reshape(2, 3), (0, 1), False),
    (np.arange(24.0).reshape(2, 3, 4), 1, True),
    (np.arange(5.0), 0, False),
])
def test_other_reductions_fall_back_to_numpy(x, axis, keepdims):
    got = reductions.sum_along(x, axis, keepdims)
    want = np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
    assert got.dtype == want.dtype and np.shape(got) == np.shape(want)
    np.testing.assert_array_equal(got, want)


# -- what a gradient function sees -------------------------------------------------------------

def test_op_values_type_exposes_attributes_values_and_the_node():
    def square(v):
        return v * v

    g = ts.Graph()
    with g.as_default():
        x = ts.placeholder(ts.float64, [2], name="x")
        node = ts.Tensor("Custom", (x,), compute=square, attrs={"fn": square, "scale": 3.0, "type": "shadowed"},
                         dtype=ts.float64, shape=[2], name="custom")
    op = op_values_type(node, [False])((np.array([1.0, 2.0]),), np.array([1.0, 4.0]))
    assert isinstance(op, OpValues)
    assert op.fn is square, "a function-valued attribute must come back unbound"
    assert op.scale == 3.0 and op.get_attr("scale") == 3.0 and op.attrs["scale"] == 3.0
    assert op.type == "Custom", "an attribute may not shadow the op's own fields"
    assert op.name == node.name and op.node is node and op.graph is g
    assert op.needs == (False,)
    np.testing.assert_array_equal(op.outputs[0], [1.0, 4.0])
    assert op_values_type(node)((np.zeros(2),), None).needs == (True,)


def test_gradient_functions_see_attributes_and_needs_during_a_run(register_gradient):
    seen = {}

    @register_gradient("ScaledMulForTest")
    def _grad(op, grad):
        seen.update(scale=op.scale, needs=op.needs, type=op.type)
        a, b = op.inputs
        return (grad * b * op.scale if op.needs[0] else None), (grad * a * op.scale if op.needs[1] else None)

    g = ts.Graph()
    with g.as_default():
        a = ts.placeholder(ts.float64, [2])
        b = ts.constant([3.0, 4.0], dtype=ts.float64)
        y = ts.Tensor("ScaledMulForTest", (a, b), compute=lambda u, v: 2.0 * u * v, attrs={"scale": 2.0},
                      dtype=ts.float64, shape=[2])
        (ga,) = ts.gradients(ts.reduce_sum(y), [a])
        with ts.Session() as sess:
            np.testing.assert_array_equal(sess.run(ga, {a: [1.0, 1.0]}), [6.0, 8.0])
    assert seen == {"scale": 2.0, "needs": (True, False), "type": "ScaledMulForTest"}


# -- the seed of the backward pass --------------------------------------------------------------

def test_fetched_seed_gradient_is_a_private_writeable_copy():
    g = ts.Graph()
    with g.as_default():
        x = ts.placeholder(ts.float64, [2])  # not 0-d: a 0-d fetch is an immutable NumPy scalar
        y = x * 2.0
        (dy,) = ts.gradients(y, [y])
        (dx,) = ts.gradients(y, [x])
        with ts.Session() as sess:
            first = sess.run(dy, {x: [1.0, 1.0]})
            first[...] = 42.0  # must not reach the next run
            assert sess.run(dy, {x: [1.0, 1.0]}).tolist() == [1.0, 1.0]
            assert sess.run(dx, {x: [1.0, 1.0]}).tolist() == [2.0, 2.0]


def test_seed_follows_a_non_scalar_y_with_an_unknown_batch():
    g = ts.Graph()
    with g.as_default():
        x = ts.placeholder(ts.float64, [None, 2])
        (dx,) = ts.gradients(x * 3.0, [x])
        with ts.Session() as sess:
            for n in (1, 5):
                np.testing.assert_array_equal(sess.run(dx, {x: np.ones((n, 2))}), np.full((n, 2), 3.0))


# -- gradient descent ----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_gradient_descent_steps_in_the_variables_dtype_with_tf1s_rounded_rate(dtype):
    np_dtype = np.dtype(dtype)
    w0 = np.array([0.1, -0.7, 3.3], dtype=np_dtype)
    g = ts.Graph()
    with g.as_default():
        w = ts.Variable(w0)
        loss = ts.reduce_sum(w * w)
        step = ts.train.GradientDescentOptimizer(0.1).minimize(loss)
        with ts.Session() as sess:
            sess.run(ts.global_variables_initializer())
            sess.run(step)
            got = sess.run(w)
    # TF1: lr is a float32 tensor, cast to the variable's dtype; the update is computed in that dtype.
    lr = np.float32(0.1).astype(np_dtype)
    want = w0 - lr * (np_dtype.type(2) * w0)
    assert got.dtype == np_dtype
    np.testing.assert_array_equal(got, want)


def _tf1_style_flatten(x):
    """x reshaped to (-1, its last dimension) the way TF1's softmax_cross_entropy_with_logits does it."""
    last = ts.slice(ts.shape(x), [ts.subtract(ts.rank(x), 1)], [1])
    return ts.reshape(x, ts.concat([[-1], last], 0))


def test_remembered_shape_arithmetic_follows_the_fed_shape():
    graph = ts.Graph()
    with graph.as_default():
        x = ts.placeholder(ts.float64, [None, None, 3], name="x")
        flat = _tf1_style_flatten(x)
        shape = ts.shape(x)
        total = ts.reduce_sum(flat * 2.0)
        grad = ts.gradients(total, x)[0]
    sess = ts.Session(graph=graph)
    plan = sess.plan([flat, grad], {x: np.zeros((2, 2, 3))})
    remembered = {n.type for n in plan.order if n in reductions.remembered_nodes(plan.order, {flat, grad})}
    assert {"Shape", "Sub", "Pack", "Slice", "ConcatV2"} <= remembered
    for n in (1, 4, 1, 5):  # the memo must follow the batch both ways
        value = np.arange(n * 2 * 3, dtype=np.float64).reshape(n, 2, 3)
        got_flat, got_grad, got_shape = sess.run([flat, grad, shape], {x: value})
        np.testing.assert_array_equal(got_flat, value.reshape(-1, 3))
        np.testing.assert_array_equal(got_grad, np.full_like(value, 2.0))
        assert got_shape.tolist() == [n, 2, 3] and got_shape.flags.writeable  # a fetch is the caller's own array


def test_a_fetched_or_random_node_is_never_remembered():
    graph = ts.Graph()
    with graph.as_default():
        x = ts.placeholder(ts.float64, [None, 3])
        shape = ts.shape(x)
        noise = ts.random_uniform(ts.shape(x), seed=1)
        size = ts.size(x)
    order = [n for n in graph.get_operations()]
    found = reductions.remembered_nodes(order, {shape})
    assert shape not in found and noise not in found and size in found


# -- blocks of remembered shape arithmetic: one check per block -----------------------------------

def _course_mlp_with_composite():
    """The course's 2-2-2 sigmoid MLP, its loss TF1's softmax cross-entropy composite (3 blocks of shape ops)."""
    graph = ts.Graph()
    with graph.as_default():
        rng = np.random.RandomState(0)
        x = ts.placeholder(ts.float64, [None, 2], name="x")
        y = ts.placeholder(ts.float64, [None, 2], name="y")
        w1, w2 = ts.Variable(rng.randn(2, 2), name="w1"), ts.Variable(rng.randn(2, 2), name="w2")
        b1, b2 = ts.Variable(np.zeros(2), name="b1"), ts.Variable(np.zeros(2), name="b2")
        logits = ts.matmul(ts.sigmoid(ts.matmul(x, w1) + b1), w2) + b2
        xent = ts.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits)
        loss = ts.reduce_mean(xent)
        train = ts.train.GradientDescentOptimizer(0.5).minimize(loss)
        init = ts.global_variables_initializer()
    return graph, x, y, init, [train, loss, xent]


def _batch(n, seed=1):
    rng = np.random.RandomState(seed + n)
    return rng.randn(n, 2), np.eye(2)[rng.randint(0, 2, n)]


def _counting_frozen(monkeypatch):
    """Count the calls of the kernels a plan's blocks run (``fast_kernels.frozen`` wraps each)."""
    calls = []
    real = reductions.frozen

    def frozen(kernel):
        inner = real(kernel)

        def run(*args):
            calls.append(kernel)
            return inner(*args)
        return run
    monkeypatch.setattr(reductions, "frozen", frozen)
    return calls


def test_the_course_mlp_checks_its_shape_arithmetic_once_per_step(monkeypatch):
    calls = _counting_frozen(monkeypatch)
    graph, x, y, init, fetches = _course_mlp_with_composite()
    sess = ts.Session(graph=graph)
    sess.run(init)
    plan = sess.plan(fetches, {x: np.zeros((4, 2)), y: np.zeros((4, 2))})
    blocks = [step for step in plan.steps if step.parts]
    assert len(blocks) == 1, "the three blocks of the composite all join the first (one check)"
    (block,) = blocks
    ops = {s.node.type for s in block.parts if s.node.type != "Const"}
    assert ops == {"Shape", "Sub", "Pack", "Slice", "ConcatV2"}
    assert block.reads == ("add_1", "y")  # the key: the logits' and the labels' shapes
    assert "_key = (" in plan.source and ".shape" in plan.source
    feeds = [_batch(n) for n in (5, 5, 5, 7, 7, 5)]
    per_run = []
    for xv, yv in feeds:
        before = len(calls)
        sess.run(fetches, {x: xv, y: yv})
        per_run.append(len(calls) - before)
    n_ops = len([s for s in block.parts if s.node.type != "Const"])
    assert per_run == [n_ops, 0, 0, n_ops, 0, n_ops], "computed again exactly when a fed batch size changes"


def test_blocks_give_the_reference_executors_values_bit_for_bit():
    graph, x, y, init, fetches = _course_mlp_with_composite()
    fast, slow = ts.Session(graph=graph), ts.Session(graph=graph, executor="reference")
    fast.run(init)
    slow.run(init)
    for n in (3, 3, 8, 1, 8, 3):
        xv, yv = _batch(n)
        got, want = fast.run(fetches, {x: xv, y: yv}), slow.run(fetches, {x: xv, y: yv})
        for a, b in zip(got[1:], want[1:]):
            np.testing.assert_array_equal(a, b)
        assert got[2].shape == (n,) and got[2].flags.writeable


def test_an_error_inside_a_block_names_its_op_and_leaves_the_memo_right():
    graph = ts.Graph()
    with graph.as_default():
        x = ts.placeholder(ts.float64, None, name="x")
        size = ts.slice(ts.shape(x), [0], [3], name="first_three")
        out = ts.reshape(x, size)
    sess = ts.Session(graph=graph)
    assert any(step.parts for step in sess.plan(out, {x: np.zeros((2, 3, 1))}).steps)
    assert sess.run(out, {x: np.ones((2, 3, 1))}).shape == (2, 3, 1)
    with pytest.raises(ts.errors.InvalidArgumentError, match=r"size\[0\] in \[0, 2\], but got 3") as info:
        sess.run(out, {x: np.zeros((2, 3))})
    assert info.value.op is not None and info.value.op.op_name == "first_three"
    np.testing.assert_array_equal(sess.run(out, {x: np.ones((4, 1, 2))}), np.ones((4, 1, 2)))


def test_a_block_read_before_its_queried_array_exists_is_remembered_node_by_node():
    graph = ts.Graph()
    with graph.as_default():
        a = ts.placeholder(ts.float64, [None, 2], name="a")
        b = ts.exp(a, name="b")  # computed after the first reader below
        shape_a, shape_b = ts.shape(a), ts.shape(b)
        early = ts.reshape(a, shape_a, name="early")  # reads the block before b exists
        both = ts.concat([shape_a, shape_b], 0)
        late = ts.reshape(b * 2.0, ts.slice(both, [2], [2]), name="late")
    sess = ts.Session(graph=graph)
    plan = sess.plan([early, late], {a: np.zeros((3, 2))})
    assert not any(step.parts for step in plan.steps)
    assert plan.order.index(early) < plan.order.index(b)
    for n in (3, 4, 3):
        value = np.arange(2.0 * n).reshape(n, 2)
        got_early, got_late = sess.run([early, late], {a: value})
        np.testing.assert_array_equal(got_early, value)
        np.testing.assert_array_equal(got_late, np.exp(value) * 2.0)


def test_concurrent_runs_of_one_plan_see_matching_shapes():
    graph, x, y, init, fetches = _course_mlp_with_composite()
    sess = ts.Session(graph=graph)
    sess.run(init)
    xent = fetches[2]
    xv0, yv0 = _batch(2)
    sess.plan(xent, {x: xv0, y: yv0})
    errors = []

    def worker(sizes):
        try:
            for _ in range(200):
                for n in sizes:
                    xv, yv = _batch(n)
                    got = sess.run(xent, {x: xv, y: yv})
                    if got.shape != (n,):
                        errors.append(f"batch {n} gave shape {got.shape}")
        except Exception as error:  # noqa: BLE001 - reported below, with the thread's batch sizes
            errors.append(f"{sizes}: {error!r}")
    threads = [threading.Thread(target=worker, args=(sizes,)) for sizes in ((2, 5), (7, 3))]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often: inside runs, between a block's check and its store
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors, errors[:3]
    reference = ts.Session(graph=graph, executor="reference")
    for n in (2, 5, 7, 3):
        xv, yv = _batch(n)
        np.testing.assert_array_equal(sess.run(xent, {x: xv, y: yv}), reference.run(xent, {x: xv, y: yv}))


def test_a_fed_constant_is_never_part_of_a_remembered_key():
    graph = ts.Graph()
    with graph.as_default():
        x = ts.placeholder(ts.float64, [None], name="x")
        width = ts.constant([2], name="width")
        flat = ts.reshape(x, ts.concat([[-1], width], 0))  # shape arithmetic on Consts only: no key
        fixed = ts.reshape(x, ts.concat([[-1], ts.constant([3])], 0))
    sess = ts.Session(graph=graph)
    assert any(step.parts for step in sess.plan([flat, fixed], {x: np.zeros(6)}).steps), "a key of no shapes"
    assert not any(step.parts for step in sess.plan(flat, {x: np.zeros(6), width: [3]}).steps)
    assert sess.run([flat, fixed], {x: np.zeros(6)})[0].shape == (3, 2)
    for w in (3, 1, 6):
        assert sess.run(flat, {x: np.zeros(6), width: [w]}).shape == (6 // w, w)
