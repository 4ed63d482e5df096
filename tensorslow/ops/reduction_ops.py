"""Reductions: sum, mean, max, min, prod over an axis, a tuple of axes or all.

They accept TensorFlow's spellings: ``axis`` or TF1's ``reduction_indices``,
``keepdims`` or TF1's ``keep_dims``; negative axes count from the end.

The axes are the kernel's attribute; the graph also holds TF's constant for
them (:func:`~tensorslow.ops.core.side_constant`): ``Sum/reduction_indices``
for the axes given, or, for all axes, the constant ``Const`` = [0, ..., rank-1]
made just before the op, as TF makes them. Where the rank is not known when the
graph is built (or is 0), TF reduces over ``range(0, rank(x))`` computed at run
time, and so does TensorSlow: the ops ``Rank``, ``range/start``, ``range/delta``
and ``range`` (:func:`run_time_axes`), whose value the reduction takes as its second
input.
"""
import math

import numpy as np

from .. import dtypes as _dtypes
from ..backend import to_host, xp
from ..fast_kernels import max_along, min_along, sum_along
from ..graph import Tensor, constant_node, name_scope
from ..registry import NotDifferentiable, RegisterGradient
from ..shapes import TensorShape
from .core import as_nodes, int_arg, keep_dims_alias, normalize_axis, reduced_shape, side_constant


def _reduction(op_type, kernel):
    def build(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
        (x,) = as_nodes([input_tensor])
        ax = normalize_axis(axis, reduction_indices, op_type)
        keep = keep_dims_alias(keepdims, keep_dims)
        _check_axes(op_type, x, ax)
        if ax is None and x.shape.ndims:  # TF's "all axes" (made before the op's scope; nothing reads it)
            side_constant(np.arange(x.shape.ndims), "Const")
        axes = run_time_axes(x) if ax is None and not x.shape.ndims else None
        with name_scope(name, op_type, [x]) as scope:
            if ax is not None:
                side_constant(ax, "reduction_indices")
            return reduction_node(op_type, x, ax, keep, kernel, axes, scope)
    build.op_type = op_type
    build.__doc__ = kernel.__doc__
    return build


def run_time_axes(x):
    """TF's axes operand of a reduction over every axis of ``x`` where its rank is not known now (or is 0:
    TF's ``_ReductionDims`` tests the rank for truth before it makes the constant [0, ..., rank-1]): the
    vector range(0, rank(x)) made at run time by the ops ``Rank`` (a Const for a known rank), ``range/start``,
    ``range/delta`` and ``range``, made before the reduction's scope. The reduction reads it as its axes."""
    from .array_ops import rank
    limit = rank(x)
    with name_scope("range") as scope:
        start = constant_node(0, _dtypes.int32, name="start")
        delta = constant_node(1, _dtypes.int32, name="delta")
        length = TensorShape([x.shape.ndims])  # [0] for a scalar, [None] for an unknown rank

        def compute(first, stop, step):
            return xp.arange(to_host(first)[()], to_host(stop)[()], to_host(step)[()], dtype=xp.int32)
        return Tensor("Range", (start, limit, delta), compute=compute, dtype=_dtypes.int32, shape=length, name=scope)


def reduction_node(op_type, x, ax, keep, kernel, axes, scope):
    """The reduction op ``op_type`` of ``x`` over ``ax`` (None: all axes), named ``scope``. With ``axes`` (the
    Range node of :func:`run_time_axes`) the kernel reduces over the axes that node computes, its second input;
    the result of reducing every axis of an unknown rank without keepdims is a scalar, as TF sets it."""
    attrs = {"axis": ax, "keepdims": keep}
    if axes is None:
        return Tensor(op_type, (x,), compute=lambda value: kernel(value, ax, keep), attrs=attrs, dtype=x.dtype,
                      shape=reduced_shape(x.shape, ax, keep), name=scope)

    def compute(value, axis_values):
        return kernel(value, tuple(int(a) for a in to_host(axis_values)), keep)
    shape = TensorShape([]) if not keep else reduced_shape(x.shape, ax, keep)
    return Tensor(op_type, (x, axes), compute=compute, attrs=attrs, dtype=x.dtype, shape=shape, name=scope)


def one_per_input(op, grad_x):
    """The gradient function's result: ``grad_x`` for x, and None for the axes input where there is one."""
    return grad_x if len(op.inputs) == 1 else (grad_x, None)


def _check_axes(op_type, x, axis):
    rank = x.shape.ndims
    if axis is None or rank is None:
        return
    for a in (axis,) if isinstance(axis, int) else axis:
        if not -max(rank, 1) <= a < max(rank, 1):
            raise ValueError(f"{op_type}: axis {a} is out of range for {x.name!r} of rank {rank}")


def _sum(x, axis, keepdims):
    """y = sum of x over axis"""
    return sum_along(x, axis, keepdims)


def _mean(x, axis, keepdims):
    """y = mean of x over axis (integer inputs: truncated integer mean, as in TensorFlow)"""
    if x.dtype.kind in "iu":
        return (xp.sum(x, axis=axis, keepdims=keepdims) // _count(x.shape, axis)).astype(x.dtype)
    # np.mean's arithmetic (the sum in x's dtype, divided by the count as an intp) without its Python layers.
    total = sum_along(x, axis, keepdims)
    count = xp.intp(_count(x.shape, axis))
    if total.__class__ is xp.ndarray:
        return xp.true_divide(total, count, out=total, casting="unsafe")  # total is this kernel's own array
    return total.dtype.type(total / count)


def _max(x, axis, keepdims):
    """y = max of x over axis"""
    return max_along(xp.asarray(x), axis, keepdims)


def _min(x, axis, keepdims):
    """y = min of x over axis"""
    return min_along(xp.asarray(x), axis, keepdims)


def _prod(x, axis, keepdims):
    """y = product of x over axis"""
    return xp.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


reduce_sum = _reduction("Sum", _sum)
reduce_mean = _reduction("Mean", _mean)
reduce_max = _reduction("Max", _max)
reduce_min = _reduction("Min", _min)
reduce_prod = _reduction("Prod", _prod)


def _count(shape, axis):
    """How many elements of an array of ``shape`` each result of a reduction over ``axis`` combines."""
    if axis is None:
        return math.prod(shape)
    return math.prod([shape[a] for a in ((axis,) if axis.__class__ is int else axis)])


def _keepdims_shape(x_shape, axis):
    """Shape of the reduced value with the reduced axes kept as size 1."""
    if axis is None:
        return (1,) * len(x_shape)
    shape = list(x_shape)
    for a in (axis,) if axis.__class__ is int else axis:
        shape[a] = 1  # a negative axis counts from the end, as list indices do
    return shape


def _broadcast(value, shape):
    """``value`` materialized at ``shape`` (a fresh array, cheaper than np.broadcast_to + copy)."""
    out = xp.empty(shape, dtype=value.dtype)
    out[...] = value
    return out


def _grad_at_input_shape(op, grad):
    """``grad`` (shape of y) reshaped so it broadcasts against x."""
    return grad.reshape(_keepdims_shape(op.inputs[0].shape, op.axis))


@RegisterGradient("Sum")
def _sum_grad(op, grad):
    """dy/dx_i = 1 for every x_i summed into y: broadcast grad back over the reduced axes"""
    x = op.inputs[0]
    return one_per_input(op, _broadcast(_grad_at_input_shape(op, grad), x.shape))


@RegisterGradient("Mean")
def _mean_grad(op, grad):
    """dy/dx_i = 1/N, N the number of elements averaged"""
    x = op.inputs[0]
    n = _count(x.shape, op.axis)
    return one_per_input(op, _broadcast(_grad_at_input_shape(op, grad) / max(n, 1), x.shape))


def _extremum_grad(op, grad):
    """dy/dx_i = 1/k for the k elements equal to the max (min), 0 elsewhere (TensorFlow's tie rule)"""
    x = op.inputs[0]
    y = xp.reshape(op.output, _keepdims_shape(x.shape, op.axis))
    selected = (x == y).astype(grad.dtype)
    count = xp.sum(selected, axis=op.axis, keepdims=True)
    return one_per_input(op, _grad_at_input_shape(op, grad) * selected / count)


RegisterGradient("Max")(_extremum_grad)
RegisterGradient("Min")(_extremum_grad)


@RegisterGradient("Prod")
def _prod_grad(op, grad):
    """dy/dx_i = product of all other x_j (computed with exclusive cumulative products, so zeros are fine)"""
    x = op.inputs[0]
    n = x.ndim
    axes = tuple(range(n)) if op.axis is None else tuple(
        sorted({a % n for a in ((op.axis,) if isinstance(op.axis, int) else op.axis)}))
    kept = tuple(i for i in range(n) if i not in axes)
    perm = kept + axes
    xt = xp.transpose(x, perm)
    flat = xt.reshape(xt.shape[:len(kept)] + (-1,))
    ones = xp.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    left = xp.cumprod(xp.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = xp.cumprod(xp.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    others = (left * right).reshape(xt.shape)
    others = xp.transpose(others, np.argsort(perm).tolist())
    return one_per_input(op, _grad_at_input_shape(op, grad) * others)


# -- arg max / arg min -------------------------------------------------------------------

def _arg_reduction(op_type, kernel):
    def build(input, axis=None, name=None, dimension=None, output_type=_dtypes.int64):  # noqa: A002
        (x,) = as_nodes([input])
        ax = dimension if axis is None else axis
        ax = 0 if ax is None else int_arg(ax, "axis", op_type)
        out = _dtypes.as_dtype(output_type)
        np_out = out.as_numpy_dtype
        _check_axes(op_type, x, ax)

        def compute(value):
            return kernel(value, axis=ax).astype(np_out)
        with name_scope(name, op_type, [x]) as scope:
            side_constant(ax, "dimension")  # TF's axis input
            return Tensor(op_type, (x,), compute=compute, attrs={"axis": ax}, dtype=out,
                          shape=reduced_shape(x.shape, ax, False), name=scope)
    build.op_type = op_type
    NotDifferentiable(op_type)
    return build


argmax = _arg_reduction("ArgMax", xp.argmax)
argmin = _arg_reduction("ArgMin", xp.argmin)
