"""The op catalog: one entry per op type in TensorSlow's gradient registry.

Each :class:`OpEntry` says, for one op type:

* where it lives: the TensorSlow symbol (relative to ``tensorslow``, e.g.
  ``"nn.relu"``), the ``tf.compat.v1`` symbol, the TF2 symbol and the Keras op
  and layer (``None`` where there is none);
* how to make it: ``build(tf, *float_inputs, *extra_inputs)`` returns the op's
  output node and is written so that it runs unchanged with ``tf`` being
  ``tensorslow`` or ``tensorflow.compat.v1``;
* what to feed it: ``n_float`` float inputs drawn from ``domain`` (one domain
  for all, or one per input) with shapes from ``family`` (the tests draw shapes
  of that family with Hypothesis) or ``examples`` (fixed shapes used by the
  TensorFlow comparison and ``tensorslow-parity ops``), plus ``extras``: fixed
  non-float inputs (indices, labels, conditions) made from the float shapes;
* what to check: ``differentiable`` (must agree with the registry; gradients
  are checked for the float inputs), ``broadcasts`` (whether the float inputs
  broadcast against each other), ``forward_comparable`` (False for random ops,
  whose streams differ from TensorFlow's: only ``sanity`` is checked there).

``variants`` exercise the same op type through other attributes or spellings
(``transpose_a``, ``axis=0``, ``keep_dims``...). ``cases()`` lists the entry
itself and its variants uniformly; ``make_inputs`` draws a case's inputs.

This module depends on NumPy only, so the parity tool and the migration guide
can read it without TensorFlow.
"""
from dataclasses import dataclass
from typing import Callable, Optional

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


# -- the table's row --------------------------------------------------------------------

@dataclass(frozen=True)
class Variant:
    """The same op type built another way; unset fields are the entry's.

    ``finite_differences=False`` marks a variant fed on purpose where the op is not
    differentiable (ties, kinks): its gradient is compared with TensorFlow's convention
    only, not with finite differences.
    """

    label: str
    build: Callable
    family: Optional[str] = None
    examples: Optional[tuple] = None
    extras: Optional[tuple] = None
    stopped_inputs: Optional[tuple] = None
    domain: object = None
    finite_differences: bool = True


@dataclass(frozen=True)
class Case:
    """One way to build and feed an entry's op (the entry itself or one of its variants)."""

    entry: "OpEntry"
    label: str
    build: Callable
    family: str
    examples: tuple
    extras: tuple
    stopped_inputs: tuple
    domain: object
    finite_differences: bool = True

    @property
    def id(self):
        return self.entry.op_type if self.label == "default" else f"{self.entry.op_type}-{self.label}"

    def domains(self):
        """One DOMAINS name per float input."""
        d = self.domain
        return (d,) * self.entry.n_float if isinstance(d, str) else tuple(d)


@dataclass(frozen=True)
class OpEntry:
    """One op type: where it lives in each framework, how to build and feed it, what to check."""

    op_type: str
    tensorslow: str                 # symbol under `tensorslow`, e.g. "nn.relu"
    tf_v1: str                      # e.g. "tf.compat.v1.nn.relu"
    tf2: Optional[str]              # e.g. "tf.nn.relu"; None if TF2 has no public equivalent
    keras_op: Optional[str]         # e.g. "keras.ops.relu"
    keras_layer: Optional[str]      # e.g. "keras.layers.ReLU"
    build: Callable                 # build(tf, *float inputs, *extras) -> output node
    n_float: int                    # number of float inputs (fed, differentiated)
    family: str                     # shape family of the float inputs (see SHAPE_FAMILIES)
    examples: tuple                 # fixed shape tuples for the float inputs
    domain: object = "real"         # a DOMAINS name, or a tuple with one name per float input
    extras: tuple = ()              # Extra inputs after the floats (indices, labels, conditions)
    broadcasts: bool = False        # float inputs broadcast against each other
    differentiable: bool = True     # has a gradient function (not declared NotDifferentiable)
    forward_comparable: bool = True  # False: values differ from TF by design (random streams)
    constraint: Optional[Callable] = None  # predicate on the float inputs; redrawn until true
    stopped_inputs: tuple = ()      # float inputs that deliberately get no gradient (None)
    sanity: Optional[Callable] = None  # property of the output value, for ops not comparable forward
    variants: tuple = ()
    notes: str = ""

    def cases(self):
        """The entry itself (label "default") followed by its variants."""
        out = [Case(self, "default", self.build, self.family, self.examples, self.extras, self.stopped_inputs,
                    self.domain)]
        for v in self.variants:
            out.append(Case(self, v.label, v.build, v.family or self.family,
                            v.examples if v.examples is not None else self.examples,
                            v.extras if v.extras is not None else self.extras,
                            v.stopped_inputs if v.stopped_inputs is not None else self.stopped_inputs,
                            v.domain if v.domain is not None else self.domain, v.finite_differences))
        return out


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
}

UNARY = (((2, 3),), ((),), ((3, 1, 2),))
UNARY_RANK1 = (((2, 3),), ((5,),), ((2, 1, 3),))
UNARY_RANK2 = (((2, 3),), ((3, 4, 2),))
BINARY = (((2, 3), (2, 3)), ((3, 1), (4,)), ((), (2, 2)))
SAME2 = (((2, 3), (2, 3)), ((), ()), ((4,), (4,)))
QUOTIENTS = (((4, 5), (4, 5)), ((6, 1), (5,)))  # enough pairs to meet quotients that round up to an integer


def _transposed_last2(tf, m):
    n = m.shape.ndims
    return tf.transpose(m, list(range(n - 2)) + [n - 1, n - 2])


def _between(low, high):
    return lambda v: bool(np.all((v >= low) & (v < high)))


def _at_kinks(build, domain="small_integers", label="at_kinks"):
    """A variant fed on the op's kinks or ties, compared with TF's convention there (no finite differences)."""
    return Variant(label, build, domain=domain, finite_differences=False)


def _entry_list():
    E, V = OpEntry, Variant
    return [
        # -- arithmetic --------------------------------------------------------------------
        E("Add", "add", "tf.compat.v1.add", "tf.add", "keras.ops.add", "keras.layers.Add",
          lambda tf, x, y: tf.add(x, y), 2, "broadcast", BINARY, broadcasts=True,
          variants=(V("operator", lambda tf, x, y: x + y),)),
        E("Sub", "subtract", "tf.compat.v1.subtract", "tf.subtract", "keras.ops.subtract", "keras.layers.Subtract",
          lambda tf, x, y: tf.subtract(x, y), 2, "broadcast", BINARY, broadcasts=True,
          variants=(V("operator", lambda tf, x, y: x - y),)),
        E("Mul", "multiply", "tf.compat.v1.multiply", "tf.multiply", "keras.ops.multiply", "keras.layers.Multiply",
          lambda tf, x, y: tf.multiply(x, y), 2, "broadcast", BINARY, broadcasts=True,
          variants=(V("operator", lambda tf, x, y: x * y),)),
        E("RealDiv", "divide", "tf.compat.v1.divide", "tf.divide", "keras.ops.divide", None,
          lambda tf, x, y: tf.divide(x, y), 2, "broadcast", BINARY, domain=("real", "nonzero"), broadcasts=True,
          variants=(V("operator", lambda tf, x, y: x / y), V("tf1_div", lambda tf, x, y: tf.div(x, y))),
          notes="tf.compat.v1.div and truediv also build RealDiv for floats"),
        E("Pow", "pow", "tf.compat.v1.pow", "tf.pow", "keras.ops.power", None,
          lambda tf, x, y: tf.pow(x, y), 2, "broadcast", BINARY, domain=("positive", "real"), broadcasts=True,
          variants=(_at_kinks(lambda tf, x, y: tf.pow(x, y), ("zero_one_two", "one_two_three"), "zero_base"),),
          notes="d/dy = z log(x) where x > 0 and 0 elsewhere, as in TF; the base is kept positive"),
        E("Maximum", "maximum", "tf.compat.v1.maximum", "tf.maximum", "keras.ops.maximum", "keras.layers.Maximum",
          lambda tf, x, y: tf.maximum(x, y), 2, "broadcast", BINARY, domain="distinct", broadcasts=True,
          variants=(_at_kinks(lambda tf, x, y: tf.maximum(x, y), label="ties"),),
          notes="ties send the gradient to x, as in TF; inputs are drawn without ties"),
        E("Minimum", "minimum", "tf.compat.v1.minimum", "tf.minimum", "keras.ops.minimum", "keras.layers.Minimum",
          lambda tf, x, y: tf.minimum(x, y), 2, "broadcast", BINARY, domain="distinct", broadcasts=True,
          variants=(_at_kinks(lambda tf, x, y: tf.minimum(x, y), label="ties"),),
          notes="ties send the gradient to x, as in TF; inputs are drawn without ties"),
        E("SquaredDifference", "squared_difference", "tf.compat.v1.squared_difference", "tf.math.squared_difference",
          None, None, lambda tf, x, y: tf.squared_difference(x, y), 2, "broadcast", BINARY, broadcasts=True),
        E("AddN", "add_n", "tf.compat.v1.add_n", "tf.add_n", None, "keras.layers.Add",
          lambda tf, x, y, z: tf.add_n([x, y, z]), 3, "same", (((2, 3),) * 3, ((),) * 3)),
        E("FloorMod", "floormod", "tf.compat.v1.floormod", "tf.math.floormod", "keras.ops.mod", None,
          lambda tf, x, y: tf.floormod(x, y), 2, "broadcast", BINARY, domain=("real", "nonzero"), broadcasts=True,
          constraint=quotient_away_from_integers,
          variants=(V("operator", lambda tf, x, y: x % y),
                    V("integer_quotients", lambda tf, x, y: tf.floormod(x, y), domain=("tenths", "small_tenths"),
                      examples=QUOTIENTS, finite_differences=False)),
          notes="the result has the sign of y (Python's %); d/dx = 1, d/dy = -floor(x / y), as in TF"),
        E("FloorDiv", "floordiv", "tf.compat.v1.floordiv", "tf.math.floordiv", "keras.ops.floor_divide", None,
          lambda tf, x, y: tf.floordiv(x, y), 2, "broadcast", BINARY, domain=("real", "nonzero"), broadcasts=True,
          differentiable=False, constraint=quotient_away_from_integers,
          variants=(V("operator", lambda tf, x, y: x // y),
                    V("integer_quotients", lambda tf, x, y: tf.floordiv(x, y), domain=("tenths", "small_tenths"),
                      examples=QUOTIENTS, finite_differences=False))),

        # -- unary math -------------------------------------------------------------------
        E("Neg", "negative", "tf.compat.v1.negative", "tf.negative", "keras.ops.negative", None,
          lambda tf, x: tf.negative(x), 1, "any", UNARY, variants=(V("operator", lambda tf, x: -x),)),
        E("Abs", "abs", "tf.compat.v1.abs", "tf.abs", "keras.ops.absolute", None,
          lambda tf, x: tf.abs(x), 1, "any", UNARY, domain="nonzero",
          variants=(_at_kinks(lambda tf, x: tf.abs(x)),)),
        E("Exp", "exp", "tf.compat.v1.exp", "tf.exp", "keras.ops.exp", None,
          lambda tf, x: tf.exp(x), 1, "any", UNARY),
        E("Log", "log", "tf.compat.v1.log", "tf.math.log", "keras.ops.log", None,
          lambda tf, x: tf.log(x), 1, "any", UNARY, domain="positive"),
        E("Log1p", "log1p", "tf.compat.v1.log1p", "tf.math.log1p", "keras.ops.log1p", None,
          lambda tf, x: tf.log1p(x), 1, "any", UNARY, domain="above_minus_one"),
        E("Sqrt", "sqrt", "tf.compat.v1.sqrt", "tf.sqrt", "keras.ops.sqrt", None,
          lambda tf, x: tf.sqrt(x), 1, "any", UNARY, domain="positive"),
        E("Rsqrt", "rsqrt", "tf.compat.v1.rsqrt", "tf.math.rsqrt", "keras.ops.rsqrt", None,
          lambda tf, x: tf.rsqrt(x), 1, "any", UNARY, domain="positive"),
        E("Square", "square", "tf.compat.v1.square", "tf.square", "keras.ops.square", None,
          lambda tf, x: tf.square(x), 1, "any", UNARY),
        E("Reciprocal", "reciprocal", "tf.compat.v1.reciprocal", "tf.math.reciprocal", "keras.ops.reciprocal", None,
          lambda tf, x: tf.reciprocal(x), 1, "any", UNARY, domain="nonzero"),
        E("Sigmoid", "sigmoid", "tf.compat.v1.sigmoid", "tf.sigmoid", "keras.ops.sigmoid", None,
          lambda tf, x: tf.sigmoid(x), 1, "any", UNARY, variants=(V("nn", lambda tf, x: tf.nn.sigmoid(x)),)),
        E("Tanh", "tanh", "tf.compat.v1.tanh", "tf.tanh", "keras.ops.tanh", None,
          lambda tf, x: tf.tanh(x), 1, "any", UNARY, variants=(V("nn", lambda tf, x: tf.nn.tanh(x)),)),
        E("Cast", "cast", "tf.compat.v1.cast", "tf.cast", "keras.ops.cast", None,
          lambda tf, x: tf.cast(x, tf.float64), 1, "any", UNARY,
          variants=(V("through_int32", lambda tf, x: tf.cast(tf.cast(x, tf.int32), x.dtype) + x),),
          notes="float <-> float casts pass the gradient (cast back); casts to or from integers pass none"),
        E("Sign", "sign", "tf.compat.v1.sign", "tf.sign", "keras.ops.sign", None,
          lambda tf, x: tf.sign(x), 1, "any", UNARY, domain="small_integers", differentiable=False,
          notes="TF's gradient is zeros_like(x); TensorSlow declares it not differentiable (None)"),
        E("Floor", "floor", "tf.compat.v1.floor", "tf.floor", "keras.ops.floor", None,
          lambda tf, x: tf.floor(x), 1, "any", UNARY, domain="halves", differentiable=False),
        E("Ceil", "ceil", "tf.compat.v1.ceil", "tf.math.ceil", "keras.ops.ceil", None,
          lambda tf, x: tf.ceil(x), 1, "any", UNARY, domain="halves", differentiable=False),
        E("Round", "round", "tf.compat.v1.round", "tf.round", "keras.ops.round", None,
          lambda tf, x: tf.round(x), 1, "any", UNARY, domain="halves", differentiable=False,
          notes="half to even (banker's rounding) in both"),

        # -- comparisons and logic ---------------------------------------------------------
        *[E(op, sym, f"tf.compat.v1.{sym}", f"tf.{'math.' if sym == 'not_equal' else ''}{sym}", f"keras.ops.{sym}",
            None, fn, 2, "broadcast", BINARY, domain="small_integers", broadcasts=True, differentiable=False)
          for op, sym, fn in [
              ("Equal", "equal", lambda tf, x, y: tf.equal(x, y)),
              ("NotEqual", "not_equal", lambda tf, x, y: tf.not_equal(x, y)),
              ("Less", "less", lambda tf, x, y: tf.less(x, y)),
              ("LessEqual", "less_equal", lambda tf, x, y: tf.less_equal(x, y)),
              ("Greater", "greater", lambda tf, x, y: tf.greater(x, y)),
              ("GreaterEqual", "greater_equal", lambda tf, x, y: tf.greater_equal(x, y)),
          ]],
        *[E(op, sym, f"tf.compat.v1.{sym}", f"tf.math.{sym}", f"keras.ops.{sym}", None, fn, 2, "broadcast", BINARY,
            broadcasts=True, differentiable=False, notes="inputs made boolean with x > 0")
          for op, sym, fn in [
              ("LogicalAnd", "logical_and", lambda tf, x, y: tf.logical_and(x > 0, y > 0)),
              ("LogicalOr", "logical_or", lambda tf, x, y: tf.logical_or(x > 0, y > 0)),
              ("LogicalXor", "logical_xor", lambda tf, x, y: tf.logical_xor(x > 0, y > 0)),
          ]],
        E("LogicalNot", "logical_not", "tf.compat.v1.logical_not", "tf.math.logical_not", "keras.ops.logical_not",
          None, lambda tf, x: tf.logical_not(x > 0), 1, "any", UNARY, differentiable=False),

        # -- reductions --------------------------------------------------------------------
        *[E(op, f"reduce_{r}", f"tf.compat.v1.reduce_{r}", f"tf.reduce_{r}", f"keras.ops.{k}", None,
            (lambda r: lambda tf, x: getattr(tf, f"reduce_{r}")(x, axis=-1))(r), 1, "rank1+", UNARY_RANK1,
            domain=dom,
            variants=(V("all", (lambda r: lambda tf, x: getattr(tf, f"reduce_{r}")(x))(r), family="any",
                        examples=UNARY),
                      V("axes_keepdims", (lambda r: lambda tf, x: getattr(tf, f"reduce_{r}")(
                          x, axis=(0, -1), keepdims=True))(r), family="rank2+", examples=UNARY_RANK2),
                      V("tf1_spelling", (lambda r: lambda tf, x: getattr(tf, f"reduce_{r}")(
                          x, reduction_indices=[0], keep_dims=True))(r)),
                      *([_at_kinks((lambda r: lambda tf, x: getattr(tf, f"reduce_{r}")(x, axis=-1))(r),
                                   label="ties")] if dom == "distinct" else []),
                      # The product is smooth at 0, so finite differences hold there: zeros test the
                      # gradient's exclusive products (dividing the product by x would give NaN).
                      *([V("with_zeros", (lambda r: lambda tf, x: getattr(tf, f"reduce_{r}")(x, axis=-1))(r),
                           domain="small_integers")] if r == "prod" else [])),
            notes=note)
          for op, r, k, dom, note in [
              ("Sum", "sum", "sum", "real", ""),
              ("Mean", "mean", "mean", "real", ""),
              ("Prod", "prod", "prod", "real", "gradient by exclusive cumulative products: zeros are fine"),
              ("Max", "max", "max", "distinct", "ties share the gradient equally, as in TF; inputs drawn without ties"),
              ("Min", "min", "min", "distinct", "ties share the gradient equally, as in TF; inputs drawn without ties"),
          ]],
        E("ArgMax", "argmax", "tf.compat.v1.argmax", "tf.argmax", "keras.ops.argmax", None,
          lambda tf, x: tf.argmax(x, axis=-1), 1, "rank1+", UNARY_RANK1, domain="distinct", differentiable=False,
          variants=(V("dimension", lambda tf, x: tf.argmax(x, dimension=0)),
                    _at_kinks(lambda tf, x: tf.argmax(x, axis=-1), label="ties")),
          notes="int64 output, as in TF; ties go to the first index"),
        E("ArgMin", "argmin", "tf.compat.v1.argmin", "tf.argmin", "keras.ops.argmin", None,
          lambda tf, x: tf.argmin(x, axis=-1), 1, "rank1+", UNARY_RANK1, domain="distinct", differentiable=False),

        # -- linear algebra ----------------------------------------------------------------
        E("MatMul", "matmul", "tf.compat.v1.matmul", "tf.matmul", "keras.ops.matmul", None,
          lambda tf, a, b: tf.matmul(a, b), 2, "matmul", (((2, 3), (3, 4)), ((1, 1), (1, 5))),
          variants=(V("transpose_a", lambda tf, a, b: tf.matmul(tf.transpose(a), b, transpose_a=True)),
                    V("transpose_b", lambda tf, a, b: tf.matmul(a, tf.transpose(b), transpose_b=True)),
                    V("transpose_both", lambda tf, a, b: tf.matmul(tf.transpose(a), tf.transpose(b),
                                                                   transpose_a=True, transpose_b=True)),
                    V("operator", lambda tf, a, b: a @ b))),
        E("BatchMatMulV2", "matmul", "tf.compat.v1.matmul", "tf.matmul", "keras.ops.matmul", None,
          lambda tf, a, b: tf.matmul(a, b), 2, "batch_matmul",
          (((2, 2, 3), (2, 3, 4)), ((2, 1, 2, 3), (3, 3, 2)), ((4, 3), (2, 3, 2))), broadcasts=True,
          variants=(V("transpose_b", lambda tf, a, b: tf.matmul(a, _transposed_last2(tf, b), transpose_b=True)),),
          notes="matmul of rank > 2 operands; batch axes broadcast (BatchMatMulV2)"),

        # -- activations and nn ------------------------------------------------------------
        E("Relu", "nn.relu", "tf.compat.v1.nn.relu", "tf.nn.relu", "keras.ops.relu", "keras.layers.ReLU",
          lambda tf, x: tf.nn.relu(x), 1, "any", UNARY, domain="nonzero",
          variants=(_at_kinks(lambda tf, x: tf.nn.relu(x)),)),
        E("Relu6", "nn.relu6", "tf.compat.v1.nn.relu6", "tf.nn.relu6", "keras.ops.relu6", "keras.layers.ReLU",
          lambda tf, x: tf.nn.relu6(x), 1, "any", UNARY, domain="relu6",
          variants=(_at_kinks(lambda tf, x: tf.nn.relu6(x), "relu6_kinks"),), notes="the layer is ReLU(max_value=6)"),
        E("LeakyRelu", "nn.leaky_relu", "tf.compat.v1.nn.leaky_relu", "tf.nn.leaky_relu", "keras.ops.leaky_relu",
          "keras.layers.LeakyReLU", lambda tf, x: tf.nn.leaky_relu(x), 1, "any", UNARY, domain="nonzero",
          variants=(V("alpha", lambda tf, x: tf.nn.leaky_relu(x, alpha=0.05)),
                    _at_kinks(lambda tf, x: tf.nn.leaky_relu(x))),
          notes="default alpha 0.2 (keras.ops.leaky_relu too); keras.layers.LeakyReLU defaults to 0.3"),
        E("Elu", "nn.elu", "tf.compat.v1.nn.elu", "tf.nn.elu", "keras.ops.elu", "keras.layers.ELU",
          lambda tf, x: tf.nn.elu(x), 1, "any", UNARY, domain="nonzero",
          variants=(_at_kinks(lambda tf, x: tf.nn.elu(x)),)),
        E("Selu", "nn.selu", "tf.compat.v1.nn.selu", "tf.nn.selu", "keras.ops.selu", None,
          lambda tf, x: tf.nn.selu(x), 1, "any", UNARY, domain="nonzero",
          variants=(_at_kinks(lambda tf, x: tf.nn.selu(x)),)),
        E("Softplus", "nn.softplus", "tf.compat.v1.nn.softplus", "tf.nn.softplus", "keras.ops.softplus", None,
          lambda tf, x: tf.nn.softplus(x), 1, "any", UNARY),
        E("Softmax", "nn.softmax", "tf.compat.v1.nn.softmax", "tf.nn.softmax", "keras.ops.softmax",
          "keras.layers.Softmax", lambda tf, x: tf.nn.softmax(x), 1, "rank1+", UNARY_RANK1,
          variants=(V("axis0", lambda tf, x: tf.nn.softmax(x, axis=0)),
                    V("tf1_dim", lambda tf, x: tf.nn.softmax(x, dim=0)))),
        E("LogSoftmax", "nn.log_softmax", "tf.compat.v1.nn.log_softmax", "tf.nn.log_softmax",
          "keras.ops.log_softmax", None, lambda tf, x: tf.nn.log_softmax(x), 1, "rank1+", UNARY_RANK1,
          variants=(V("axis0", lambda tf, x: tf.nn.log_softmax(x, axis=0)),)),
        E("SoftmaxCrossEntropyWithLogits", "nn.softmax_cross_entropy_with_logits_v2",
          "tf.compat.v1.nn.softmax_cross_entropy_with_logits_v2", "tf.nn.softmax_cross_entropy_with_logits",
          "keras.ops.categorical_crossentropy", None,
          lambda tf, z, p: tf.nn.softmax_cross_entropy_with_logits_v2(labels=p, logits=z), 2, "same_rank1+",
          (((3, 4), (3, 4)), ((5,), (5,)), ((2, 1, 3), (2, 1, 3))), domain=("real", "probabilities"),
          variants=(V("tf1_labels_stopped",
                      lambda tf, z, p: tf.nn.softmax_cross_entropy_with_logits(labels=p, logits=z),
                      stopped_inputs=(1,)),),
          notes="labels are probability rows: the logits gradient is TF's kernel's softmax - labels, exact only "
                "when rows sum to 1; the _v2 op differentiates labels too, TF1's version stops them. Keras: "
                "categorical_crossentropy(labels, logits, from_logits=True)"),
        E("SparseSoftmaxCrossEntropyWithLogits", "nn.sparse_softmax_cross_entropy_with_logits",
          "tf.compat.v1.nn.sparse_softmax_cross_entropy_with_logits",
          "tf.nn.sparse_softmax_cross_entropy_with_logits", "keras.ops.sparse_categorical_crossentropy", None,
          lambda tf, z, k: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=k, logits=z), 1, "rank1+",
          (((3, 4),), ((5,),), ((2, 3, 4),)), extras=(CLASS_LABELS,),
          notes="labels are class indices (no gradient). Keras: sparse_categorical_crossentropy(..., "
                "from_logits=True)"),
        E("L2Loss", "nn.l2_loss", "tf.compat.v1.nn.l2_loss", "tf.nn.l2_loss", None, None,
          lambda tf, x: tf.nn.l2_loss(x), 1, "any", UNARY),
        E("BiasAdd", "nn.bias_add", "tf.compat.v1.nn.bias_add", "tf.nn.bias_add", None, None,
          lambda tf, x, b: tf.nn.bias_add(x, b), 2, "bias", (((2, 3), (3,)), ((2, 1, 4), (4,))), broadcasts=True,
          notes="the bias broadcasts along the last axis; Keras adds it inside Dense/Conv layers"),

        # -- shapes and indexing -----------------------------------------------------------
        E("Identity", "identity", "tf.compat.v1.identity", "tf.identity", None, "keras.layers.Identity",
          lambda tf, x: tf.identity(x), 1, "any", UNARY,
          notes="keras.ops.identity is the identity *matrix*, not this op"),
        E("CheckNumerics", "debugging.check_numerics", "tf.compat.v1.debugging.check_numerics",
          "tf.debugging.check_numerics", None, None, lambda tf, x: tf.debugging.check_numerics(x, "catalog"),
          1, "any", UNARY),
        E("PlaceholderWithDefault", "placeholder_with_default", "tf.compat.v1.placeholder_with_default", None,
          None, None, lambda tf, x: tf.placeholder_with_default(x, x.shape), 1, "any", UNARY,
          notes="the gradient passes to the default value; TF2 has no placeholders"),
        E("StopGradient", "stop_gradient", "tf.compat.v1.stop_gradient", "tf.stop_gradient",
          "keras.ops.stop_gradient", None, lambda tf, x: tf.stop_gradient(x), 1, "any", UNARY,
          differentiable=False),
        E("Reshape", "reshape", "tf.compat.v1.reshape", "tf.reshape", "keras.ops.reshape", "keras.layers.Reshape",
          lambda tf, x: tf.reshape(x, [-1]), 1, "any", UNARY,
          variants=(V("column", lambda tf, x: tf.reshape(x, [-1, 1])),),
          notes="keras.layers.Reshape leaves the batch axis out of target_shape"),
        E("ExpandDims", "expand_dims", "tf.compat.v1.expand_dims", "tf.expand_dims", "keras.ops.expand_dims", None,
          lambda tf, x: tf.expand_dims(x, -1), 1, "any", UNARY,
          variants=(V("axis0", lambda tf, x: tf.expand_dims(x, 0)),)),
        E("Squeeze", "squeeze", "tf.compat.v1.squeeze", "tf.squeeze", "keras.ops.squeeze", None,
          lambda tf, x: tf.squeeze(x), 1, "any", (((3, 1, 2),), ((1,),), ((2, 3),)),
          variants=(V("axis", lambda tf, x: tf.squeeze(x, axis=[1]), family="rank3_mid1",
                      examples=(((2, 1, 3),), ((1, 1, 1),))),)),
        E("Transpose", "transpose", "tf.compat.v1.transpose", "tf.transpose", "keras.ops.transpose",
          None, lambda tf, x: tf.transpose(x, [1, 2, 0]), 1, "rank3", (((2, 3, 4),), ((1, 2, 1),)),
          variants=(V("reversed", lambda tf, x: tf.transpose(x), family="any", examples=UNARY),),
          notes="keras.layers.Permute permutes all axes but the batch axis"),
        E("ConcatV2", "concat", "tf.compat.v1.concat", "tf.concat", "keras.ops.concatenate",
          "keras.layers.Concatenate", lambda tf, x, y: tf.concat([x, y], axis=0), 2, "concat",
          (((2, 3), (4, 3)), ((1,), (3,))),
          variants=(V("last_axis", lambda tf, x, y: tf.concat([x, y], axis=-1), family="concat_last",
                      examples=(((2, 3), (2, 1)), ((2, 2, 1), (2, 2, 3)))),)),
        E("Pack", "stack", "tf.compat.v1.stack", "tf.stack", "keras.ops.stack", None,
          lambda tf, x, y: tf.stack([x, y]), 2, "same", SAME2,
          variants=(V("last_axis", lambda tf, x, y: tf.stack([x, y], axis=-1)),)),
        E("StridedSlice", "Tensor.__getitem__", "tf.compat.v1.strided_slice", "tf.strided_slice", None, None,
          lambda tf, x: x[1:, ::-2], 1, "rank2+", UNARY_RANK2,
          variants=(V("index_newaxis", lambda tf, x: x[..., 0, None], family="rank1+", examples=UNARY_RANK1),
                    V("int_index", lambda tf, x: x[0], family="rank1+", examples=UNARY_RANK1)),
          notes="built by Python slicing x[...] (ints, slices with steps, ..., None), as in TF"),
        E("Tile", "tile", "tf.compat.v1.tile", "tf.tile", "keras.ops.tile", None,
          lambda tf, x: tf.tile(x, [2, 3]), 1, "rank2", (((2, 3),), ((1, 1),))),
        E("Pad", "pad", "tf.compat.v1.pad", "tf.pad", "keras.ops.pad", None,
          lambda tf, x: tf.pad(x, [[1, 0], [0, 2]]), 1, "rank2", (((2, 3),), ((1, 1),)),
          variants=(V("constant_values", lambda tf, x: tf.pad(x, [[0, 1], [2, 1]], constant_values=1.5)),),
          notes="mode CONSTANT; REFLECT and SYMMETRIC build MirrorPad"),
        E("MirrorPad", "pad", "tf.compat.v1.pad", "tf.pad", "keras.ops.pad", None,
          lambda tf, x: tf.pad(x, [[1, 2], [2, 0]], mode="REFLECT"), 1, "mirror", (((3, 4),), ((4, 3),)),
          variants=(V("symmetric", lambda tf, x: tf.pad(x, [[2, 1], [0, 3]], mode="SYMMETRIC")),),
          notes="tf.pad with mode REFLECT or SYMMETRIC"),
        E("GatherV2", "gather", "tf.compat.v1.gather", "tf.gather", "keras.ops.take", None,
          lambda tf, x, i: tf.gather(x, i), 1, "rank1+", UNARY_RANK1, extras=(gather_indices(0),),
          variants=(V("axis1", lambda tf, x, i: tf.gather(x, i, axis=1), family="rank2+", examples=UNARY_RANK2,
                      extras=(gather_indices(1),)),),
          notes="repeated indices add up in the gradient"),
        E("Select", "where", "tf.compat.v1.where", "tf.where", "keras.ops.where", None,
          lambda tf, x, y, c: tf.where(c, x, y), 2, "same", SAME2, extras=(CONDITION,), broadcasts=True,
          variants=(V("v2_broadcast", lambda tf, x, y, c: tf.where_v2(c, x, y), family="broadcast",
                      examples=BINARY),
                    V("v2_wide_condition", lambda tf, x, y, c: tf.where_v2(c, x, y), family="broadcast",
                      examples=BINARY, extras=(WIDE_CONDITION,)),
                    V("v1_row_select", lambda tf, x, y, c: tf.where(c, x, y), family="same_rank2",
                      examples=(((3, 2), (3, 2)), ((2, 2), (2, 2))), extras=(ROW_CONDITION,))),
          notes="tf.compat.v1.where builds Select (same shapes, or a 1-D condition picking rows); "
                "where_v2 / TF2's tf.where build SelectV2, which broadcasts all three operands"),
        E("Where", "where", "tf.compat.v1.where", "tf.where", "keras.ops.nonzero", None,
          lambda tf, x: tf.where(x > 0), 1, "rank1+", UNARY_RANK1, differentiable=False,
          notes="one-argument where: int64 indices of the true elements, one row each (keras.ops.nonzero "
                "returns them transposed, one array per axis); TF rejects a scalar condition"),
        E("OneHot", "one_hot", "tf.compat.v1.one_hot", "tf.one_hot", "keras.ops.one_hot", None,
          lambda tf, i: tf.one_hot(i, 4), 0, "none", ((),), extras=(ONE_HOT_INDICES,), differentiable=False,
          variants=(V("on_off_axis", lambda tf, i: tf.one_hot(i, 4, on_value=2.0, off_value=-1.0, axis=0)),)),
        E("Shape", "shape", "tf.compat.v1.shape", "tf.shape", "keras.ops.shape", None,
          lambda tf, x: tf.shape(x), 1, "any", UNARY, differentiable=False,
          notes="keras.ops.shape returns a Python tuple"),
        E("Size", "size", "tf.compat.v1.size", "tf.size", "keras.ops.size", None,
          lambda tf, x: tf.size(x), 1, "any", UNARY, differentiable=False),
        E("Rank", "rank", "tf.compat.v1.rank", "tf.rank", "keras.ops.ndim", None,
          lambda tf, x: tf.rank(x), 1, "any", UNARY, differentiable=False),
        E("ZerosLike", "zeros_like", "tf.compat.v1.zeros_like", "tf.zeros_like", "keras.ops.zeros_like", None,
          lambda tf, x: tf.zeros_like(x), 1, "any", UNARY, differentiable=False),
        E("OnesLike", "ones_like", "tf.compat.v1.ones_like", "tf.ones_like", "keras.ops.ones_like", None,
          lambda tf, x: tf.ones_like(x), 1, "any", UNARY, differentiable=False),
        E("Fill", "fill", "tf.compat.v1.fill", "tf.fill", "keras.ops.full", None,
          lambda tf, v, x: tf.fill(tf.shape(x), v), 2, "scalar_and_any", (((), (2, 3)), ((), ())),
          variants=(V("static_dims", lambda tf, v, x: tf.fill([2, 3], v)),),
          notes="the gradient goes to the fill value (sum of the incoming gradient), none to the dims"),

        # -- random (values not comparable: TF's streams are not reproduced) ------------------
        E("RandomStandardNormal", "random_normal", "tf.compat.v1.random_normal", "tf.random.normal",
          "keras.random.normal", None, lambda tf: tf.random_normal([64, 8], mean=1.0, stddev=2.0, seed=3),
          0, "none", ((),), differentiable=False, forward_comparable=False,
          sanity=lambda v: abs(float(v.mean()) - 1.0) < 0.5 and 1.5 < float(v.std()) < 2.5,
          notes="seeded like TF (graph seed, op seed) but from NumPy's generator: same distribution, "
                "different numbers"),
        E("TruncatedNormal", "truncated_normal", "tf.compat.v1.truncated_normal", "tf.random.truncated_normal",
          "keras.random.truncated_normal", None, lambda tf: tf.truncated_normal([64, 8], stddev=0.5, seed=3),
          0, "none", ((),), differentiable=False, forward_comparable=False,
          sanity=lambda v: bool(np.all(np.abs(v) <= 1.0)) and float(v.std()) > 0.3,
          notes="redrawn beyond 2 stddev, as in TF; numbers differ from TF's"),
        E("RandomUniform", "random_uniform", "tf.compat.v1.random_uniform", "tf.random.uniform",
          "keras.random.uniform", None, lambda tf: tf.random_uniform([64, 8], minval=-1.0, maxval=3.0, seed=3),
          0, "none", ((),), differentiable=False, forward_comparable=False, sanity=_between(-1.0, 3.0),
          notes="numbers differ from TF's"),
        E("RandomUniformInt", "random_uniform", "tf.compat.v1.random_uniform", "tf.random.uniform",
          "keras.random.randint", None,
          lambda tf: tf.random_uniform([64, 8], minval=2, maxval=7, dtype=tf.int32, seed=3),
          0, "none", ((),), differentiable=False, forward_comparable=False,
          sanity=lambda v: _between(2, 7)(v) and len(np.unique(v)) == 5,
          notes="random_uniform with an integer dtype; numbers differ from TF's"),
    ]


CATALOG = _entry_list()
BY_OP_TYPE = {e.op_type: e for e in CATALOG}


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


def all_cases():
    """Every (entry, variant) case of the catalog."""
    return [c for e in CATALOG for c in e.cases()]


__all__ = ["CATALOG", "BY_OP_TYPE", "DOMAINS", "SHAPE_FAMILIES", "OpEntry", "Variant", "Case", "Extra", "Domain",
           "make_inputs", "all_cases", "quotient_away_from_integers"]
