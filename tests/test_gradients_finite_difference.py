"""Every differentiable op's gradient against central finite differences, in float64.

The parametrization comes from the gradient registry, not from the catalog:
an op type that gets a gradient function but no entry in
``tensorslow_parity/ops/catalog/`` fails here. For each case (an entry or one of its
variants) Hypothesis draws shapes of the entry's shape family (broadcasting
pairs such as (3, 1) with (4,), scalars where the op allows them) and a seed
for the input values; the test builds ``loss = reduce_sum(op(inputs) * w)``
with fixed random weights ``w``, takes ``tensorslow.gradients(loss, inputs)``
in a Session and compares it with (L(x + h e_i) - L(x - h e_i)) / 2h.
"""
import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tensorslow as ts
from tensorslow.registry import registered_op_types
from tensorslow_parity.ops.catalog import BY_OP_TYPE, SHAPE_FAMILIES, make_inputs

STEP = 1e-6
RTOL, ATOL = 1e-5, 1e-6  # central differences in float64 with h = 1e-6 are good to ~1e-8 here
# Each loss value carries a rounding error of a few ulps of |L| (more for ops that sum many
# terms, such as a 4 x 4 determinant by LU), and the difference quotient divides it by 2h:
# its noise floor is about ROUNDING_ULPS * eps * |L| / h. A loss of 2e4 (det(x y^T + 8 I))
# puts that floor at ~1e-5, above ATOL; a loss of ~10 at ~1e-8, far below it.
ROUNDING_ULPS = 16


# -- shape strategies, one per shape family of the catalog ----------------------------------

def _shape(min_rank, max_rank):
    """A shape of rank min_rank..max_rank; dims 1..4 (1..3 at rank 3, to keep sizes small)."""
    return st.integers(min_rank, max_rank).flatmap(
        lambda r: st.tuples(*[st.integers(1, 4 if r < 3 else 3)] * r))


@st.composite
def _broadcast_from(draw, base):
    """A shape that broadcasts to ``base``: leading axes dropped, some axes set to 1."""
    drop = draw(st.integers(0, len(base)))
    kept = base[drop:]
    ones = draw(st.lists(st.booleans(), min_size=len(kept), max_size=len(kept)))
    return tuple(1 if one else d for d, one in zip(kept, ones))


@st.composite
def _broadcast(draw, n):
    base = draw(_shape(0, 3))
    return tuple(draw(_broadcast_from(base)) for _ in range(n))


@st.composite
def _batch_matmul(draw, n):
    base = draw(st.integers(1, 2).flatmap(lambda r: st.tuples(*[st.integers(1, 3)] * r)))
    a_batch, b_batch = draw(_broadcast_from(base)), draw(_broadcast_from(base))
    if not a_batch and not b_batch:  # both rank 2 would be a plain MatMul
        a_batch = base
    m, k, p = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return (a_batch + (m, k), b_batch + (k, p))


@st.composite
def _concat(draw, n, last):
    rest = draw(_shape(0, 2))
    a, b = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return ((*rest, a), (*rest, b)) if last else ((a, *rest), (b, *rest))


def _same(min_rank, max_rank):
    return lambda n: _shape(min_rank, max_rank).map(lambda s: (s,) * n)


def _one(min_rank, max_rank):
    return lambda n: _shape(min_rank, max_rank).map(lambda s: (s,))


FAMILIES = {
    "none": lambda n: st.just(()),
    "any": _one(0, 3),
    "rank1+": _one(1, 3),
    "rank2+": _one(2, 3),
    "rank2": _one(2, 2),
    "rank3": _one(3, 3),
    "rank3_mid1": lambda n: _shape(3, 3).map(lambda s: ((s[0], 1, s[2]),)),
    "mirror": lambda n: st.tuples(st.integers(3, 4), st.integers(3, 4)).map(lambda s: (s,)),
    "broadcast": _broadcast,
    "same": _same(0, 3),
    "same_rank1+": _same(1, 3),
    "same_rank2": _same(2, 2),
    "matmul": lambda n: st.tuples(*[st.integers(1, 4)] * 3).map(lambda d: ((d[0], d[1]), (d[1], d[2]))),
    "batch_matmul": _batch_matmul,
    "bias": lambda n: _shape(2, 3).map(lambda s: (s, s[-1:])),
    "concat": lambda n: _concat(n, last=False),
    "concat_last": lambda n: _concat(n, last=True),
    "scalar_and_any": lambda n: _shape(0, 3).map(lambda s: ((), s)),
    "rank4": lambda n: st.tuples(st.integers(1, 2), st.integers(3, 5), st.integers(3, 5), st.integers(1, 2))
    .map(lambda s: (s,)),
    "conv2d": lambda n: st.tuples(st.integers(1, 2), *[st.integers(3, 5)] * 2, *[st.integers(1, 3)] * 3,
                                  st.integers(1, 2))
    .map(lambda d: ((d[0], d[1], d[2], d[3]), (d[4], d[5], d[3], d[6]))),
    "conv1d": lambda n: st.tuples(st.integers(1, 2), st.integers(3, 5), *[st.integers(1, 3)] * 2, st.integers(1, 2))
    .map(lambda d: ((d[0], d[1], d[2]), (d[3], d[2], d[4]))),
    "conv2d_transpose": lambda n: st.tuples(st.integers(1, 2), *[st.integers(1, 3)] * 5, st.integers(1, 2))
    .map(lambda d: ((d[0], d[1], d[2], d[6]), (d[3], d[4], d[5], d[6]))),
}


def test_every_shape_family_has_a_strategy():
    assert set(FAMILIES) == set(SHAPE_FAMILIES), \
        f"strategies missing for {set(SHAPE_FAMILIES) - set(FAMILIES)}, unknown {set(FAMILIES) - set(SHAPE_FAMILIES)}"


# -- the parametrization: from the registry ---------------------------------------------------

def _params():
    params = []
    for op_type in registered_op_types(differentiable=True):
        entry = BY_OP_TYPE.get(op_type)
        # Variants that sit on kinks or ties on purpose are compared with TF only.
        labels = [c.label for c in entry.cases() if c.finite_differences] if entry is not None else ["default"]
        params += [pytest.param(op_type, label, id=op_type if label == "default" else f"{op_type}-{label}")
                   for label in labels]
    return params


def _case(op_type, label):
    entry = BY_OP_TYPE.get(op_type)
    if entry is None:
        pytest.fail(f"op type {op_type!r} has a registered gradient but no entry in tensorslow_parity/ops/catalog/: "
                    f"add one so its gradient is checked")
    if not entry.differentiable:
        pytest.fail(f"op type {op_type!r} has a registered gradient but its catalog entry says differentiable=False")
    return next(c for c in entry.cases() if c.label == label)


@pytest.mark.parametrize("op_type, label", _params())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_gradient_matches_finite_differences(op_type, label, data):
    case = _case(op_type, label)
    shapes = data.draw(FAMILIES[case.family](case.entry.n_float), label="shapes")
    seed = data.draw(st.integers(0, 2 ** 32 - 1), label="seed")
    check_gradient(case, shapes, seed)


def check_gradient(case, shapes, seed):
    rng = np.random.default_rng(seed)
    floats, extras = make_inputs(case, shapes, np.float64, rng)
    where = f"{case.id} with input shapes {[tuple(s) for s in shapes]} (seed {seed})"
    graph = ts.Graph()
    with graph.as_default():
        xs = [ts.placeholder(ts.float64, s, name=f"x{i}") for i, s in enumerate(shapes)]
        out = case.build(ts, *xs, *[ts.constant(e) for e in extras])
        ops = graph.get_operations()
        ops += [n.inputs[0] for n in ops if n.type == "Exit"]  # a loop's frame runner (control_flow/frame.py)
        assert any(n.type == case.entry.op_type for n in ops), \
            f"{where}: the catalog's builder made no {case.entry.op_type} node"
        sess = ts.Session(graph=graph)
        feed = dict(zip(xs, floats))
        value = sess.run(out, feed)
        weights = ts.constant(rng.standard_normal(np.shape(value)).astype(value.dtype))
        loss = ts.reduce_sum(out * weights)
        grads = ts.gradients(loss, xs)

    analytic = sess.run([g for g in grads if g is not None], feed)
    noise_floor = ROUNDING_ULPS * np.finfo(np.float64).eps * abs(float(sess.run(loss, feed))) / STEP
    analytic = iter(analytic)
    for i, (x, g) in enumerate(zip(floats, grads)):
        if i in case.stopped_inputs:
            assert g is None, f"{where}: input {i} should get no gradient (it is stopped), got a gradient node"
            continue
        a = np.zeros_like(x) if g is None else next(analytic)
        assert np.shape(a) == x.shape, \
            f"{where}: gradient of input {i} has shape {np.shape(a)}, the input has shape {x.shape}"
        numeric = _finite_differences(sess, loss, feed, xs[i], x)
        err = np.abs(a - numeric)
        bad = err > ATOL + noise_floor + RTOL * np.abs(numeric)
        if bad.any():
            j = np.unravel_index(np.argmax(err - RTOL * np.abs(numeric)), x.shape) if x.ndim else ()
            pytest.fail(f"{where}: gradient of input {i} (shape {x.shape}) differs from central finite differences: "
                        f"max abs error {err.max():.3g} at index {tuple(int(k) for k in j)} "
                        f"(analytic {np.asarray(a)[j]!r}, numeric {numeric[j]!r}; "
                        f"rtol {RTOL}, atol {ATOL} + rounding floor {noise_floor:.2g})"
                        f"{' (tensorslow.gradients returned None)' if g is None else ''}")


def test_a_large_loss_is_checked_to_its_rounding_floor_and_no_looser():
    """det(x y^T + 8 I) of 4 x 4 inputs reaches ~2e4: central differences round to ~1e-5 there, so
    a fixed atol failed a correct gradient (seed 4070735). A gradient off by 0.1% must still fail."""
    case = _case("MatrixDeterminant", "default")
    check_gradient(case, ((4, 4), (4, 4)), 4070735)

    wrong = dataclasses.replace(case, build=lambda tf, x, y: _scaled_gradient(tf, case.build(tf, x, y), 1.001))
    with pytest.raises(pytest.fail.Exception, match="differs from central finite differences"):
        check_gradient(wrong, ((4, 4), (4, 4)), 4070735)


def _scaled_gradient(tf, y, scale):
    """y in the forward pass, scale * dL/dy in the backward pass."""
    return y * scale - tf.stop_gradient(y * (scale - 1.0))


def _finite_differences(sess, loss, feed, node, x):
    numeric = np.zeros_like(x)
    flat = numeric.reshape(-1)
    for j in range(x.size):
        values = []
        for sign in (1.0, -1.0):
            shifted = x.copy().reshape(-1)
            shifted[j] += sign * STEP
            values.append(sess.run(loss, {**feed, node: shifted.reshape(x.shape)}))
        flat[j] = (values[0] - values[1]) / (2 * STEP)
    return numeric
