"""What the op catalog feeds its cases: float input domains, extra inputs, shape families, example shapes.

* :data:`DOMAINS`: where float inputs are drawn from (an entry names one per
  input, or one for all);
* :class:`Extra`: fixed non-float inputs (indices, labels, conditions) made
  from the float shapes;
* :data:`SHAPE_FAMILIES`: the shapes of an entry's float inputs, which the
  tests draw with Hypothesis; ``UNARY``, ``BINARY``, ...: the fixed example
  shapes most entries share;
* :func:`make_inputs`: draws a case's inputs.
"""
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# -- input domains ----------------------------------------------------------------------

@dataclass(frozen=True)
class Domain:
    """Where float inputs are drawn from. ``sample(rng, shape, index, count)`` -> float64 array."""

    name: str
    description: str
    sample: Callable


def _uniform(low, high):
    return lambda rng, shape, index, count: rng.uniform(low, high, size=shape)


def _away_from_zero(rng, shape, index, count):
    return rng.uniform(0.2, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def _distinct(rng, shape, index, count):
    # Input `index` of `count` takes grid points index, index + count, index + 2 count, ...
    # (spacing 0.05 from -2, shuffled), so no two values of any inputs of the op are equal.
    size = int(np.prod(shape, dtype=int))
    k = rng.permutation(size) * count + index
    return (k * 0.05 - 1.99).reshape(shape)


def _relu6(rng, shape, index, count):
    # Values in [-2, 8] at least 0.1 away from the kinks at 0 and 6.
    v = rng.uniform(-2.0, 8.0, size=shape)
    for kink in (0.0, 6.0):
        near = np.abs(v - kink) < 0.1
        v = np.where(near, kink + np.where(v >= kink, 0.1, -0.1) + (v - kink), v)
    return v


def _probabilities(rng, shape, index, count):
    # Positive rows along the last axis that sum to 1 (softmax cross-entropy labels).
    p = rng.uniform(0.1, 1.0, size=shape)
    return p / p.sum(axis=-1, keepdims=True) if p.ndim else np.ones(shape)


def _small_integers(rng, shape, index, count):
    return rng.integers(-2, 3, size=shape).astype(np.float64)


def _halves(rng, shape, index, count):
    # Multiples of 0.5 in [-3, 3]: exact .5 ties test round-half-to-even.
    return rng.integers(-6, 7, size=shape) / 2.0


def _tenths(rng, shape, index, count):
    k = rng.integers(1, 21, size=shape) * rng.choice([-1, 1], size=shape)
    return k / 10.0


def _pick(*values):
    return lambda rng, shape, index, count: rng.choice(np.array(values), size=shape)


DOMAINS = {d.name: d for d in [
    Domain("real", "uniform in [-2, 2]", _uniform(-2.0, 2.0)),
    Domain("positive", "uniform in [0.5, 2]: log, sqrt, rsqrt, the base of pow", _uniform(0.5, 2.0)),
    Domain("above_minus_one", "uniform in [-0.5, 2]: log1p", _uniform(-0.5, 2.0)),
    Domain("nonzero", "|x| in [0.2, 2], either sign: away from the kink or pole at 0 (abs, relu, 1/x, divisors)",
           _away_from_zero),
    Domain("distinct", "a shuffled grid with spacing 0.05 shared by all inputs: no ties within or across inputs "
                       "(max/min reductions, maximum/minimum, argmax)", _distinct),
    Domain("relu6", "uniform in [-2, 8], at least 0.1 from the kinks at 0 and 6", _relu6),
    Domain("probabilities", "positive rows along the last axis summing to 1: softmax cross-entropy labels "
                            "(TensorSlow and TF use the kernel gradient softmax - labels, exact only then)",
           _probabilities),
    Domain("small_integers", "integers in [-2, 2] stored as floats: comparisons see ties, sign sees 0",
           _small_integers),
    Domain("halves", "multiples of 0.5 in [-3, 3]: rounding ties", _halves),
    Domain("tenths", "nonzero multiples of 0.1 in [-2, 2]", _tenths),
    Domain("small_tenths", "from {+-0.1, +-0.2, +-0.3}: with tenths as dividends, quotients such as 1.0 / 0.1 "
                           "that round to an integer although the remainder is not 0",
           _pick(-0.3, -0.2, -0.1, 0.1, 0.2, 0.3)),
    Domain("relu6_kinks", "values from {-1, 0, 3, 6, 7}: on relu6's kinks", _pick(-1.0, 0.0, 3.0, 6.0, 7.0)),
    Domain("zero_one_two", "values from {0, 1, 2}: pow's base at 0", _pick(0.0, 1.0, 2.0)),
    Domain("one_two_three", "values from {1, 2, 3}: integer exponents", _pick(1.0, 2.0, 3.0)),
]}


def quotient_away_from_integers(x, y):
    """Constraint for floordiv/floormod: x / y at least 0.02 from an integer (no jump within a step)."""
    q = np.asarray(x) / np.asarray(y)
    return bool(np.all(np.abs(q - np.round(q)) > 0.02))



# -- extra (non-float) inputs -----------------------------------------------------------

@dataclass(frozen=True)
class Extra:
    """A fixed input that is not differentiated: ``make(rng, float_shapes) -> array``."""

    name: str
    make: Callable


def _broadcast(shapes):
    return tuple(np.broadcast_shapes(*shapes)) if shapes else ()


def gather_indices(axis):
    """Integer indices (with repeats) into axis ``axis`` of the first float input."""
    def make(rng, shapes):
        size = shapes[0][axis]
        index_shape = [(4,), (2, 3), ()][int(rng.integers(0, 3))]
        return rng.integers(0, size, size=index_shape).astype(np.int32)
    return Extra(f"indices (axis {axis})", make)


CONDITION = Extra("condition (bool, the broadcast shape of the float inputs)",
                  lambda rng, shapes: rng.random(_broadcast(shapes)) < 0.5)
WIDE_CONDITION = Extra("condition (bool, one more leading axis of size 2 than the float inputs broadcast to)",
                       lambda rng, shapes: rng.random((2,) + _broadcast(shapes)) < 0.5)
ROW_CONDITION = Extra("condition (bool, one entry per row of the float inputs)",
                      lambda rng, shapes: rng.random(shapes[0][:1]) < 0.5)
CLASS_LABELS = Extra("labels (int32 class indices, the logits' shape without the last axis)",
                     lambda rng, shapes: rng.integers(0, shapes[0][-1], size=shapes[0][:-1]).astype(np.int32))
ONE_HOT_INDICES = Extra("indices (int32 in [-1, 5): -1 and 4 are out of range for depth 4 and give off rows)",
                        lambda rng, shapes: rng.integers(-1, 5, size=(2, 3)).astype(np.int32))



# -- shapes ------------------------------------------------------------------------------

SHAPE_FAMILIES = {
    "none": "no float inputs",
    "any": "one input of rank 0 to 3",
    "rank1+": "one input of rank 1 to 3",
    "rank2+": "one input of rank 2 or 3",
    "rank2": "one input of rank 2",
    "rank3": "one input of rank 3",
    "rank3_mid1": "one input of rank 3 whose axis 1 has size 1",
    "mirror": "one input of rank 2, every axis of size 3 or 4 (reflect padding of up to 2)",
    "broadcast": "inputs of rank 0 to 3 that broadcast together (e.g. (3, 1) with (4,), scalars)",
    "same": "inputs of one shape, rank 0 to 3",
    "same_rank1+": "inputs of one shape, rank 1 to 3",
    "same_rank2": "inputs of one shape, rank 2",
    "matmul": "(m, k) and (k, n)",
    "batch_matmul": "(..., m, k) and (..., k, n), rank 2 to 4, batch axes broadcasting",
    "bias": "(..., c) of rank 2 or 3 and (c,)",
    "concat": "two inputs of rank 1 to 3 equal except along axis 0",
    "concat_last": "two inputs of rank 1 to 3 equal except along the last axis",
    "scalar_and_any": "a scalar and an input of rank 0 to 3",
    "rank4": "one NHWC input (N, H, W, C), H and W 3 to 5 (a 3x3 VALID window fits)",
    "conv2d": "an NHWC input (N, H, W, C) and a filter (KH, KW, C, O) with the same C; H, W 3 to 5, KH, KW 1 to 3",
    "conv1d": "an NWC input (N, W, C) and a filter (K, C, O) with the same C; W 3 to 5, K 1 to 3",
    "conv2d_transpose": "a conv2d_transpose value (N, H, W, O) and filter (KH, KW, C, O) with the same O",
}

UNARY = (((2, 3),), ((),), ((3, 1, 2),))
UNARY_RANK1 = (((2, 3),), ((5,),), ((2, 1, 3),))
UNARY_RANK2 = (((2, 3),), ((3, 4, 2),))
BINARY = (((2, 3), (2, 3)), ((3, 1), (4,)), ((), (2, 2)))
SAME2 = (((2, 3), (2, 3)), ((), ()), ((4,), (4,)))
QUOTIENTS = (((4, 5), (4, 5)), ((6, 1), (5,)))  # enough pairs to meet quotients that round up to an integer



# -- drawing a case's inputs -----------------------------------------------------------

def make_inputs(case, shapes, dtype, rng):
    """Draw the float inputs (of ``dtype``, float64 first then cast) and the extras of ``case``.

    Returns ``(floats, extras)``, lists of NumPy arrays.
    """
    entry = case.entry
    if len(shapes) != entry.n_float:
        raise ValueError(f"{case.id}: {len(shapes)} shapes for {entry.n_float} float inputs")
    domains = case.domains()
    for _ in range(10000):
        floats = [np.asarray(DOMAINS[d].sample(rng, tuple(s), i, entry.n_float), dtype=np.float64)
                  for i, (d, s) in enumerate(zip(domains, shapes))]
        if entry.constraint is None or not case.finite_differences or entry.constraint(*floats):
            break
    else:
        raise RuntimeError(f"{case.id}: could not draw inputs satisfying the constraint for shapes {shapes}")
    floats = [f.astype(dtype) for f in floats]
    extras = [np.asarray(x.make(rng, [tuple(s) for s in shapes])) for x in case.extras]
    return floats, extras

