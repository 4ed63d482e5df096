"""More reductions and scans: cumsum, cumprod, reduce_any, reduce_all, reduce_euclidean_norm, and the
composites reduce_logsumexp, reduce_variance, reduce_std and count_nonzero, built from TF's ops as TF
builds them.

    cumsum(x)[i]  = x[0] + ... + x[i]        (exclusive: up to x[i-1]; reverse: from the end)
    cumprod(x)[i] = x[0] * ... * x[i]
    reduce_logsumexp(x) = m + log(sum(exp(x - m))), m = max(x) held constant (0 if it is not finite)
    reduce_variance(x)  = mean((x - mean(x))^2);  reduce_std(x) = sqrt(reduce_variance(x))
"""
from __future__ import annotations

import numpy as np

from .. import dtypes as _dtypes
from ..backend import errstate, xp
from ..errors import InvalidArgumentError
from ..graph import Tensor, TensorLike, name_scope
from ..registry import NotDifferentiable, RegisterGradient
from .core import as_nodes, int_arg, keep_dims_alias, normalize_axis, side_constant
from .reduction_ops import one_per_input, reduction_node, run_time_axes

_NUMERIC = "float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, float16, uint32, uint64"

# -- scans: cumsum, cumprod ------------------------------------------------------------------------------


def _scan(op_type, accumulate, identity):
    """A scan op: ``accumulate(x, axis)`` along ``axis``; ``exclusive`` shifts in ``identity`` (0 or 1)."""
    def build(x: TensorLike, axis: int = 0, exclusive: bool = False, reverse: bool = False,
              name: str | None = None) -> Tensor:
        with name_scope(name, op_type, [x]) as scope:
            (x,) = as_nodes([x], names=["x"])
            if x.dtype is not None and x.dtype.is_bool:
                raise TypeError(f"Value passed to parameter 'x' has DataType bool not in list of allowed values: "
                                f"{_NUMERIC} ({op_type} {scope[:-1]!r})")
            ax = int_arg(axis.attrs["value"] if isinstance(axis, Tensor) and axis.type == "Const" else axis,
                         "axis", op_type)
            side_constant(ax, "axis")  # TF's axis input
            node: Tensor

            def compute(value):
                rank = value.ndim
                if not -rank <= ax < rank:
                    raise InvalidArgumentError(node, f"ScanOp: Expected scan axis in the range [{-rank}, {rank}), "
                                                     f"but got {ax}")
                return _scanned(value, ax, exclusive, reverse, accumulate, identity)
            node = Tensor(op_type, (x,), compute=compute,
                          attrs={"axis": ax, "exclusive": bool(exclusive), "reverse": bool(reverse)},
                          dtype=x.dtype, shape=x.shape, name=scope)
            return node
    build.__name__ = build.__qualname__ = op_type.lower()
    return build


def _scanned(value, axis, exclusive, reverse, accumulate, identity):
    """The scan of ``value`` along ``axis``, as TF's kernel defines exclusive and reverse."""
    if reverse:
        value = xp.flip(value, axis)
    out = accumulate(value, axis=axis, dtype=value.dtype)
    if exclusive:  # shift by one: out[i] combines x[0..i-1], out[0] is the identity
        head = xp.full_like(xp.take(out, [0], axis=axis), identity)
        out = xp.concatenate([head, xp.take(out, range(out.shape[axis] - 1), axis=axis)], axis=axis)
    return xp.flip(out, axis) if reverse else out


cumsum = _scan("Cumsum", xp.cumsum, 0)
cumsum.__doc__ = "y[i] = x[0] + ... + x[i] along ``axis``; ``exclusive`` stops at x[i-1], ``reverse`` runs backward."
cumprod = _scan("Cumprod", xp.cumprod, 1)
cumprod.__doc__ = "y[i] = x[0] * ... * x[i] along ``axis``; ``exclusive`` and ``reverse`` as in cumsum."


@RegisterGradient("Cumsum")
def _cumsum_grad(op, grad):
    """dL/dx[j] = sum of dL/dy[i] over the i whose sum holds x[j]: the scan of grad the other way round"""
    return _scanned(grad, op.axis, op.exclusive, not op.reverse, xp.cumsum, 0)


@RegisterGradient("Cumprod")
def _cumprod_grad(op, grad):
    """dL/dx[j] = sum over the i whose product holds x[j] of dL/dy[i] y[i] / x[j] (0 where x[j] = 0, as TF's
    div_no_nan: the gradient there is wrong, as in TF)"""
    x = op.inputs[0]
    out = _scanned(op.output * grad, op.axis, op.exclusive, not op.reverse, xp.cumsum, 0)
    zero = x == 0
    return xp.where(zero, 0, out / xp.where(zero, 1, x)).astype(grad.dtype, copy=False)


# -- reductions: any, all, euclidean norm ---------------------------------------------------------


def _reduction(op_type, kernel, bool_only):
    """A reduction op as reduction_ops.py builds them: TF's axis constant, keepdims, reduction_indices."""
    def build(input_tensor: TensorLike, axis=None, keepdims=None, name=None, reduction_indices=None,
              keep_dims=None) -> Tensor:
        (x,) = as_nodes([input_tensor])
        if bool_only and x.dtype is not None and not x.dtype.is_bool:
            raise TypeError(f"Input 'input' of '{op_type}' Op has type {x.dtype.name} that does not match expected "
                            f"type of bool.")
        if not bool_only and x.dtype is not None and x.dtype.is_bool:
            raise TypeError(f"Value passed to parameter 'input' has DataType bool not in list of allowed values: "
                            f"{_NUMERIC} ({op_type})")
        ax = normalize_axis(axis, reduction_indices, op_type)
        keep = keep_dims_alias(keepdims, keep_dims)
        rank = x.shape.ndims
        if ax is not None and rank is not None:
            for a in (ax,) if isinstance(ax, int) else ax:
                if not -max(rank, 1) <= a < max(rank, 1):
                    raise ValueError(f"{op_type}: axis {a} is out of range for {x.name!r} of rank {rank}")
        if ax is None and rank:  # TF's "all axes", made before the op's scope (nothing reads it)
            side_constant(np.arange(rank), "Const")
        axes = run_time_axes(x) if ax is None and not rank else None
        with name_scope(name, op_type, [x]) as scope:
            if ax is not None:
                side_constant(ax, "reduction_indices")
            return reduction_node(op_type, x, ax, keep, kernel, axes, scope)
    build.__doc__ = kernel.__doc__
    return build


def _any(x, axis, keepdims):
    """y = whether any x is true over axis"""
    return xp.any(x, axis=axis, keepdims=keepdims)


def _all(x, axis, keepdims):
    """y = whether every x is true over axis"""
    return xp.all(x, axis=axis, keepdims=keepdims)


def _euclidean_norm(x, axis, keepdims):
    """y = sqrt(sum of x^2 over axis)"""
    return xp.sqrt(xp.sum(x * x, axis=axis, keepdims=keepdims)).astype(x.dtype, copy=False)


reduce_any = _reduction("Any", _any, bool_only=True)
reduce_all = _reduction("All", _all, bool_only=True)
reduce_euclidean_norm = _reduction("EuclideanNorm", _euclidean_norm, bool_only=False)
NotDifferentiable("Any")
NotDifferentiable("All")


@RegisterGradient("EuclideanNorm")
def _euclidean_norm_grad(op, grad):
    """dy/dx = x / y (NaN where y = 0, as in TF)"""
    x = op.inputs[0]
    shape = list(x.shape)
    axes = range(x.ndim) if op.axis is None else (op.axis,) if isinstance(op.axis, int) else op.axis
    for a in axes:
        shape[a] = 1
    y, g = xp.reshape(op.output, shape), xp.reshape(grad, shape)
    with errstate(divide="ignore", invalid="ignore"):
        return one_per_input(op, g * (x / y))


# -- composites ----------------------------------------------------------------------------------


def reduce_logsumexp(input_tensor: TensorLike, axis=None, keepdims=None, name=None, reduction_indices=None,
                     keep_dims=None) -> Tensor:
    """log(sum(exp(x))) over ``axis``, computed as m + log(sum(exp(x - m))) with m the max (held constant
    by a StopGradient, 0 where it is not finite), so large x does not overflow; TF's ops in TF's order."""
    from .array_ops import reshape, stop_gradient
    from .indexing_ops import where_v2
    from .math_extra_ops import is_finite
    from .math_ops import add, exp, log, subtract
    from .reduction_ops import reduce_max, reduce_sum
    ax = normalize_axis(axis, reduction_indices, "ReduceLogSumExp")
    keep = keep_dims_alias(keepdims, keep_dims)
    with name_scope(name, "ReduceLogSumExp", [input_tensor]) as scope:
        (x,) = as_nodes([input_tensor], names=["input_tensor"])
        if x.dtype is not None and not x.dtype.is_floating:
            raise TypeError(f"Value passed to parameter 'x' has DataType {x.dtype.name} not in list of allowed "
                            f"values: bfloat16, float16, float32, float64 (reduce_logsumexp of {x.name!r})")
        raw_max = reduce_max(x, ax, keepdims=True)
        finite = is_finite(raw_max)
        with name_scope("SelectV2") as select:  # TF's select_v2 names its literal 0 "SelectV2/e"
            chosen = where_v2(finite, raw_max, _zero_like(raw_max), name=select)
        my_max = stop_gradient(chosen)
        result = log(reduce_sum(exp(subtract(x, my_max)), ax, keepdims=keep))
        if not keep:
            my_max = reshape(my_max, _shape_op(result))
            my_max.set_shape(result.shape)  # TF's Reshape infers it from the Shape op's static value
        out = add(result, my_max, name=scope)
        if not out.shape.is_fully_defined() and not keep and ax is None:
            out.set_shape([])  # a scalar, as TF's _may_reduce_to_scalar
        return out


def _shape_op(node):
    """The shape of ``node`` as a Shape op, computed at run time even where the static shape knows it: TF's
    reduce_logsumexp calls the raw ``gen_array_ops.shape``, which folds nothing to a constant. (A session's
    plan remembers a Shape's value between runs, fast_kernels.SHAPE_QUERY_TYPES: it costs a lookup.)"""
    int32 = _dtypes.int32.as_numpy_dtype
    return Tensor("Shape", (node,), compute=lambda v: xp.asarray(v.shape, dtype=int32), dtype=_dtypes.int32,
                  shape=[node.shape.ndims], name="Shape")


def _zero_like(node):
    """The scalar 0 of ``node``'s dtype as a constant (TF's ``SelectV2/e``)."""
    from .core import convert_to_tensor
    return convert_to_tensor(np.zeros((), node.dtype.as_numpy_dtype), name="e")


def reduce_variance(input_tensor: TensorLike, axis=None, keepdims: bool = False, name: str | None = None) -> Tensor:
    """mean((x - mean(x))^2) over ``axis``: the ops Mean, sub, Square, Mean_1 in the scope ``reduce_variance``."""
    from .math_ops import square, subtract
    from .reduction_ops import reduce_mean
    with name_scope(name or "reduce_variance"):
        (x,) = as_nodes([input_tensor])
        if x.dtype is not None and (x.dtype.is_integer or x.dtype.is_bool):
            raise TypeError(f"Input must be either real or complex. Received integer type {x.dtype!r}.")
        ax = normalize_axis(axis, None, "reduce_variance")
        means = reduce_mean(x, ax, keepdims=True)
        deviations = square(subtract(x, means, name="sub"))
        return reduce_mean(deviations, ax, keepdims=bool(keepdims))


def reduce_std(input_tensor: TensorLike, axis=None, keepdims: bool = False, name: str | None = None) -> Tensor:
    """sqrt(reduce_variance(x)) over ``axis``, in the scope ``reduce_std``."""
    from .math_ops import sqrt
    with name_scope(name or "reduce_std"):
        (x,) = as_nodes([input_tensor])
        return sqrt(reduce_variance(x, axis, keepdims))


def count_nonzero(input_tensor: TensorLike | None = None, axis=None, keepdims=None, dtype=_dtypes.int64,
                  name: str | None = None, reduction_indices=None, keep_dims=None, input=None) -> Tensor:  # noqa: A002
    """How many elements are not 0 (not False) over ``axis``, as ``dtype`` (int64): NotEqual to a zero
    constant (skipped for bool input), Cast to int64, Sum, and a final Cast unless ``dtype`` is int64."""
    from .array_ops import zeros
    from .math_ops import cast, not_equal
    from .reduction_ops import reduce_sum
    if input is not None:
        if input_tensor is not None:
            raise ValueError("Cannot specify both 'input' and 'input_tensor'")
        input_tensor = input
    ax = normalize_axis(axis, reduction_indices, "count_nonzero")
    keep = keep_dims_alias(keepdims, keep_dims)
    with name_scope(name, "count_nonzero", [input_tensor]):
        (x,) = as_nodes([input_tensor], names=["input"])
        if x.dtype is None or not x.dtype.is_bool:
            x = not_equal(x, zeros([], dtype=x.dtype or _dtypes.float32))
        counts = reduce_sum(cast(x, _dtypes.int64), ax, keepdims=keep)
        out = _dtypes.as_dtype(dtype)
        return counts if out == _dtypes.int64 else cast(counts, out)
