"""More seeded random ops: random_shuffle, multinomial / random.categorical, random_gamma, as TensorFlow draws them.

Like ``random_ops.py``, each op keeps a Philox stream per session, keyed by
TF1's seeds (``get_seed``), and its kernel reads that stream exactly as
TensorFlow's CPU kernel does (``philox_dists.py``: ``shuffle_permutation``,
``multinomial_samples``, ``gamma_samples``), so the same seeds give the same
numbers, run after run. The graph around each kernel is TensorFlow's, op for
op and name for name (``tf.random_gamma`` builds eleven ops), so that programs
that only set a graph seed derive the same op seeds as TensorFlow.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from .. import philox_dists
from ..backend import to_device, to_host, xp
from ..dtypes import DTypeLike
from ..errors import InvalidArgumentError
from ..graph import Tensor, TensorLike, _graph_of, constant_node, name_scope
from ..registry import NotDifferentiable
from ..shapes import TensorShape, broadcast_static
from . import array_ops, math_ops
from .core import broadcast_shape, convert_to_tensor
from .random_ops import _new_stream, get_seed

NotDifferentiable("RandomShuffle")
NotDifferentiable("Multinomial")
# RandomGamma has no gradient here: TF differentiates a sample with respect to alpha (implicit
# reparameterization through the incomplete gamma function), which TensorSlow does not implement; with no
# gradient registered, tf.gradients through it raises a LookupError naming the op instead of a wrong zero.


def _fail(node: Tensor, message: str) -> InvalidArgumentError:
    return InvalidArgumentError(node, f"{message}\n\t [[{{{{node {node.op_name}}}}}]]")


def _with_seeds(node: Any, seeds: tuple[int | None, int | None]) -> Tensor:
    """``node`` with its two seeds, which ``random_ops._new_stream`` keys its stream with."""
    node.seeds = seeds
    return node


def _dims_text(shape: Any) -> str:
    """A shape as TF's messages write it: ``[1,2]``, ``[?,3]``, ``?``."""
    dims = shape.dims if isinstance(shape, TensorShape) else tuple(shape)
    if dims is None:
        return "?"
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


# -- random_shuffle ----------------------------------------------------------------------

def random_shuffle(value: TensorLike, seed: int | None = None, name: str | None = None) -> Tensor:
    """``value`` with its first dimension randomly permuted (TF's Fisher-Yates order, ``shuffle_permutation``).

    Tensors with at most one element or one row come back unchanged and leave the stream where it was.
    """
    seeds = get_seed(seed)
    graph = _graph_of([value])
    with graph.name_scope(name or "RandomShuffle") as scope:  # TF: the op's scope holds its "value" constant
        x = convert_to_tensor(value, name="value")

        def compute(state, v):
            if v.size <= 1 or v.shape[0] <= 1:
                return v
            with state.lock:  # one run reserves its blocks atomically
                order = philox_dists.shuffle_permutation(state.generator(node, _new_stream), v.shape[0])
            return v[to_device(order)]  # the permutation is drawn on the host; the rows move where they are
        node = Tensor("RandomShuffle", (x,), compute=compute, attrs={"seed": seed}, dtype=x.dtype, shape=x.shape,
                      name=scope, stateful=True)
    return _with_seeds(node, seeds)


# -- multinomial / categorical -----------------------------------------------------------

def multinomial(logits: TensorLike, num_samples: TensorLike, seed: int | None = None, name: str | None = None,
                output_dtype: DTypeLike = None) -> Tensor:
    """``num_samples`` class indices per row of ``logits`` (batch, classes), drawn with probabilities softmax(row)."""
    with name_scope(name, "multinomial", [logits]):
        return _multinomial(logits, num_samples, output_dtype, seed)


def categorical(logits: TensorLike, num_samples: TensorLike, dtype: DTypeLike = None, seed: int | None = None,
                name: str | None = None) -> Tensor:
    """``tf.random.categorical``: :func:`multinomial` under its TF2 name (``dtype`` is the output's)."""
    with name_scope(name, "categorical", [logits]):
        return _multinomial(logits, num_samples, dtype, seed)


def _count_node(num_samples):
    """``num_samples`` as an int32 node (a ``num_samples`` constant for a Python value), TF's TypeErrors."""
    if isinstance(num_samples, Tensor):
        if num_samples.dtype is not None and num_samples.dtype != _dtypes.int32:
            raise TypeError(f"Input 'num_samples' of 'Multinomial' Op has type {num_samples.dtype.name} that does "
                            f"not match expected type of int32.")
        return num_samples
    array = np.asarray(num_samples)
    if array.dtype.kind not in "iu":
        raise TypeError(f"Expected int32 passed to parameter 'num_samples' of op 'Multinomial', got {num_samples!r} "
                        f"of type '{type(num_samples).__name__}' instead.")
    return constant_node(array, dtype=_dtypes.int32, name="num_samples")


def _multinomial(logits, num_samples, dtype, seed):
    logits = convert_to_tensor(logits, name="logits")
    out_dtype = _dtypes.as_dtype(dtype) if dtype else _dtypes.int64
    if out_dtype not in (_dtypes.int32, _dtypes.int64):
        raise ValueError(f"Argument `dtype` got invalid value {out_dtype!r}. Accepted dtypes are (tf.int32, "
                         f"tf.int64).")
    seeds = get_seed(seed)
    with logits.graph.name_scope("Multinomial") as scope:
        count = _count_node(num_samples)
        static_count = _check_multinomial_inputs(scope[:-1], logits, count)
        np_out = out_dtype.as_numpy_dtype

        def compute(state, values, n):
            values, n = to_host(values), to_host(n)  # TF's CPU sampler, on the host
            if values.ndim != 2:
                raise _fail(node, f"logits should be a matrix, got shape {_dims_text(values.shape)}")
            if n.ndim != 0:
                raise _fail(node, f"num_samples should be a scalar, got shape {_dims_text(n.shape)}")
            if n < 0:
                raise _fail(node, f"num_samples should be non-negative, got {int(n)}")
            if values.shape[1] == 0:
                raise _fail(node, "num_classes should be positive, got 0")
            if values.dtype.kind != "f":
                raise _fail(node, f"No OpKernel was registered to support Op 'Multinomial' with T={values.dtype}")
            with state.lock:
                samples = philox_dists.multinomial_samples(state.generator(node, _new_stream), values, int(n),
                                                           philox_dists.tf_cpu_threads())
            return to_device(samples.astype(np_out, copy=False))
        batch = logits.shape.dims[0] if logits.shape.ndims == 2 else None
        node = Tensor("Multinomial", (logits, count), compute=compute, attrs={"seed": seed, "output_dtype": out_dtype},
                      dtype=out_dtype, shape=TensorShape([batch, static_count]), name=scope, stateful=True)
    return _with_seeds(node, seeds)


def _check_multinomial_inputs(op_name, logits, count):
    """TF's graph-time errors (ranks, a negative constant count); the count's value when it is a constant."""
    where = f"for '{{{{node {op_name}}}}}' with input shapes: {_dims_text(logits.shape)}, {_dims_text(count.shape)}."
    if logits.shape.ndims not in (None, 2):
        raise ValueError(f"Shape must be rank 2 but is rank {logits.shape.ndims} {where}")
    if count.shape.ndims not in (None, 0):
        raise ValueError(f"Shape must be rank 0 but is rank {count.shape.ndims} {where}")
    if logits.dtype is not None and not (logits.dtype.is_floating or logits.dtype.is_integer):
        raise TypeError(f"Value passed to parameter 'logits' has DataType {logits.dtype.name} not in list of "
                        f"allowed values: float16, float32, float64 (and integer types)")
    if count.type != "Const":
        return None
    n = int(count.attrs["value"])
    if n < 0:
        raise ValueError(f"Dimension size, given by scalar input 1, must be non-negative but is {n} {where}")
    return n


# -- random_gamma ------------------------------------------------------------------------

def random_gamma(shape: TensorLike, alpha: TensorLike, beta: TensorLike | None = None,
                 dtype: DTypeLike = _dtypes.float32, seed: int | None = None, name: str | None = None) -> Tensor:
    """``shape`` samples of Gamma(alpha, beta) (density ``x^(alpha-1) e^(-beta x) beta^alpha / Gamma(alpha)``)
    for each alpha: the output's shape is ``shape + broadcast(alpha, beta).shape``.

    TF's graph: ``RandomGamma(shape, broadcast_to(alpha, broadcast_args(shape(alpha), shape(beta))))``,
    divided by beta and raised to at least the dtype's smallest normal number (``Maximum``).
    """
    dtype = _dtypes.as_dtype(dtype)
    with name_scope(name, "random_gamma", [shape, alpha, beta]) as scope:
        shape_node, dims = _gamma_shape(shape, scope + "RandomGamma")
        alphas = convert_to_tensor(alpha, name="alpha", dtype=dtype)
        betas = convert_to_tensor(1 if beta is None else beta, name="beta", dtype=dtype)
        static = broadcast_static(alphas.shape, betas.shape)  # None if they clash: then RealDiv reports it
        alphas = _broadcast_to(alphas, _broadcast_args(_shape_of(alphas), _shape_of(betas)),
                               alphas.shape if static is None else static)
        seeds = get_seed(seed)
        if not dtype.is_floating:
            raise ValueError(f"random_gamma: dtype must be float16, float32 or float64, got {dtype.name}")
        np_type = dtype.as_numpy_dtype

        def compute(state, shape_value, alpha_value):
            shape_value, alpha_value = to_host(shape_value), to_host(alpha_value)  # sampled on the host
            if shape_value.ndim != 1 or shape_value.dtype.kind not in "iu":
                raise _fail(gamma, f"shape must be a vector of {{int32,int64}}, got shape: "
                                   f"{_dims_text(shape_value.shape)}")
            for d in shape_value.tolist():
                if d < 0:
                    raise _fail(gamma, f"Dimension {d} must be >= 0")
            per_alpha = int(np.prod(shape_value, dtype=np.int64))
            out_shape = tuple(shape_value.tolist()) + alpha_value.shape
            if per_alpha * alpha_value.size == 0:
                return xp.zeros(out_shape, dtype=np_type)
            with state.lock:
                samples = philox_dists.gamma_samples(state.generator(gamma, _new_stream), alpha_value, per_alpha)
            if np_type == np.float16:  # TF rounds a double to half through float
                samples = samples.astype(np.float32)
            return to_device(samples.astype(np_type).reshape(out_shape))
        out_dims = None if dims is None or alphas.shape.dims is None else list(dims) + list(alphas.shape.dims)
        gamma = Tensor("RandomGamma", (shape_node, alphas), compute=compute, attrs={"seed": seed}, dtype=dtype,
                       shape=TensorShape(out_dims), name="RandomGamma", stateful=True)
        _with_seeds(gamma, seeds)
        scaled = _divide_by_constant(gamma, betas) if betas.type == "Const" else math_ops.divide(gamma, betas)
        with scaled.graph.name_scope("Maximum") as maximum_scope:
            tiny = constant_node(np.finfo(np_type).tiny, dtype=dtype, name="x")
            return math_ops.maximum(tiny, scaled, name=maximum_scope)


def _gamma_shape(shape, op_name):
    """The ``shape`` argument as an int32 node and its dims (None when given by a tensor), with TF's errors."""
    if isinstance(shape, Tensor):
        if shape.dtype is not None and shape.dtype not in (_dtypes.int32, _dtypes.int64):
            raise TypeError(f"Value passed to parameter 'shape' has DataType {shape.dtype.name} not in list of "
                            f"allowed values: int32, int64")
        return shape, None
    array = np.asarray(shape)
    if array.size and array.dtype.kind not in "iu":
        bad = array.ravel().tolist()[0]
        raise TypeError(f"Expected int32, but got {bad!r} of type '{type(bad).__name__}'.")
    if array.ndim != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {array.ndim} for '{{{{node {op_name}}}}}' with input "
                         f"shapes: {_dims_text(array.shape)}.")
    for d in array.tolist():
        if d < 0:
            raise ValueError(f"Invalid value in tensor used for shape: {d}")
    return constant_node(array, dtype=_dtypes.int32, name="shape"), tuple(array.tolist())


def _shape_of(x):
    """``tf.shape(x)`` as TF builds it: a constant when the shape is known, else a Shape op."""
    if x.shape.is_fully_defined():
        return constant_node(np.array(x.shape.dims, dtype=np.int32), name="Shape")
    return array_ops.shape(x, name="Shape")


def _broadcast_args(s0, s1):
    """The shape two shapes broadcast to (TF's BroadcastArgs), computed at run time."""
    def compute(a, b):
        try:
            return xp.asarray(np.broadcast_shapes(tuple(a.tolist()), tuple(b.tolist())), dtype=a.dtype)
        except ValueError:
            raise _fail(node, f"Incompatible shapes: {_dims_text(a.tolist())} vs. {_dims_text(b.tolist())}") from None
    lengths = [s.shape.dims[0] if s.shape.ndims == 1 else None for s in (s0, s1)]
    length = max(lengths) if None not in lengths else None  # type: ignore[type-var]
    node = Tensor("BroadcastArgs", (s0, s1), compute=compute, dtype=s0.dtype, shape=[length], name="BroadcastArgs")
    return node


def _broadcast_to(x, shape, static):
    """``x`` broadcast to the shape ``shape`` holds (TF's BroadcastTo); ``static`` is the shape known now."""
    def compute(value, dims):
        try:
            return xp.broadcast_to(value, tuple(dims.tolist()))
        except ValueError:
            raise _fail(node, f"Unable to broadcast tensor of shape {_dims_text(xp.shape(value))} to tensor of "
                              f"shape {_dims_text(dims.tolist())}") from None
    node = Tensor("BroadcastTo", (x, shape), compute=compute, dtype=x.dtype, shape=static, name="BroadcastTo")
    return node


def _divide_by_constant(x, constant):
    """``x / constant`` as TensorFlow's Session runs it: ``x * (1 / constant)``, rounded twice in the dtype.

    Before running a graph, TF's optimizer (Grappler's constant folding) turns a division by a constant
    into a multiplication by the constant's reciprocal; the node stays a RealDiv named ``truediv``.
    """
    def compute(a, b):
        return a * (xp.ones((), dtype=b.dtype) / b)
    return Tensor("RealDiv", (x, constant), compute=compute, dtype=x.dtype,
                  shape=broadcast_shape("RealDiv", x, constant, "truediv"), name="truediv")
