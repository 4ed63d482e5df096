"""Indexing and selection: slicing (``x[1:, ::2]``), tile, pad, gather, one_hot, where.

Like the ops of ``array_ops.py``, their gradients move values without
arithmetic: each gradient puts ``grad`` back where the forward op read its
input from (and zeros where it read nothing).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from ..backend import xp
from ..dtypes import DTypeLike
from ..graph import Tensor, TensorLike, constant_node, name_scope
from ..registry import NotDifferentiable, RegisterGradient
from ..shapes import TensorShape, broadcast_static
from .core import as_nodes, broadcast_shape, common_dtype, int_arg, side_constant, static_ints

# -- slicing ------------------------------------------------------------------------------

def _strided_slice(x, index, name=None):
    """y = x[index] for a basic NumPy index (ints, slices, None, Ellipsis)."""
    shape = TensorShape(None)
    if x.shape.dims is not None:
        try:
            shape = _slice_static_shape(x.shape.dims, index)
        except IndexError as e:  # TF: "slice index 5 of dimension 0 out of bounds"
            raise ValueError(f"StridedSlice: index {_index_text(index)} is out of bounds for {x.name!r} of "
                             f"shape {x.shape}: {e}") from None

    def compute(value):
        return value[index]
    return Tensor("StridedSlice", (x,), compute=compute, attrs={"index": index}, dtype=x.dtype,
                  shape=shape, name=name or "strided_slice")


def _index_text(index):
    return "[" + ", ".join("..." if k is Ellipsis else "None" if k is None else
                           f"{'' if k.start is None else k.start}:{'' if k.stop is None else k.stop}"
                           f"{'' if k.step is None else ':' + str(k.step)}" if isinstance(k, slice) else str(k)
                           for k in index) + "]"


def _slice_static_shape(dims, index):
    # Replace unknown dims by a large stand-in, slice a zero-stride array (no memory), map stand-ins back.
    stand_in = 2 ** 31 - 1
    probe = np.lib.stride_tricks.as_strided(np.zeros(1, np.bool_), [stand_in if d is None else d for d in dims],
                                            [0] * len(dims))
    out = probe[index].shape
    return TensorShape([None if d >= stand_in // 2 else d for d in out])


def getitem(tensor, key):
    """``tensor[key]`` for ints, slices (with steps), ``...`` and ``None`` (new axis)."""
    if not isinstance(key, tuple):
        key = (key,)
    clean = []
    for k in key:
        if isinstance(k, Tensor):
            raise TypeError(f"Slicing {tensor.name!r} with graph node {k.name!r} is not supported; "
                            f"use tf.gather")
        if isinstance(k, slice):
            if k.step is not None and k.step == 0:
                raise ValueError(f"StridedSlice: the step of slice {k} of {tensor.name!r} must be non-zero")
            clean.append(slice(*(None if v is None else int_arg(v, "slice", "StridedSlice")
                                 for v in (k.start, k.stop, k.step))))
        elif k is None or k is Ellipsis:
            clean.append(k)
        elif isinstance(k, (int, np.integer)):
            clean.append(int(k))
        else:
            raise TypeError(f"Unsupported index {k!r} for {tensor.name!r}: use ints, slices, None or ...")
    with name_scope(None, "strided_slice", [tensor]) as scope:
        for values in zip(*map(_begin_end_stride, clean)):  # TF's begin, end and strides inputs
            side_constant(values, "stack")
        return _strided_slice(tensor, tuple(clean), name=scope)


def _begin_end_stride(k):
    """TF's (begin, end, stride) entry for one item of an index; 0 where TF leaves it to a mask."""
    if isinstance(k, slice):
        return (k.start or 0, k.stop or 0, 1 if k.step is None else k.step)
    if isinstance(k, int):
        return (k, k + 1, 1)
    return (0, 0, 1)  # None (a new axis) or ... (the axes between)


@RegisterGradient("StridedSlice")
def _strided_slice_grad(op, grad):
    """dL/dx = zeros with dL/dy written where the slice came from (a basic slice never repeats an element)"""
    x = op.inputs[0]
    full = xp.zeros(x.shape, dtype=grad.dtype)
    full[op.index] = grad
    return full


# -- tile, pad, gather, one_hot ---------------------------------------------------------------

def tile(input: TensorLike, multiples: TensorLike, name: str | None = None) -> Tensor:  # noqa: A002
    """y = x repeated ``multiples[i]`` times along axis i."""
    (x,) = as_nodes([input])
    reps = static_ints(multiples, "multiples", "Tile")
    shape = TensorShape(None)
    if x.shape.dims is not None:
        if len(reps) != len(x.shape.dims):
            raise ValueError(f"Tile: multiples {list(reps)} must have one entry per axis of {x.name!r} "
                             f"with shape {x.shape}")
        shape = TensorShape([None if d is None else d * r for d, r in zip(x.shape.dims, reps)])
    return Tensor("Tile", (x,), compute=lambda v: xp.tile(v, reps), attrs={"multiples": reps},
                  dtype=x.dtype, shape=shape, name=name or "Tile")


@RegisterGradient("Tile")
def _tile_grad(op, grad):
    """dL/dx = sum of dL/dy over the copies: view grad as (m0, d0, m1, d1, ...) and sum the m axes"""
    x = op.inputs[0]
    split_shape = []
    for m, d in zip(op.multiples, x.shape):
        split_shape += [m, d]
    return xp.sum(xp.reshape(grad, split_shape), axis=tuple(range(0, 2 * x.ndim, 2)))


def pad(tensor: TensorLike, paddings: TensorLike, mode: str = "CONSTANT", name: str | None = None,
        constant_values: float = 0) -> Tensor:
    """y = x with ``paddings[i] = [before, after]`` values added around axis i."""
    (x,) = as_nodes([tensor])
    pads = tuple(tuple(int(v) for v in p) for p in np.asarray(paddings))
    mode = mode.upper()
    np_mode = {"CONSTANT": "constant", "REFLECT": "reflect", "SYMMETRIC": "symmetric"}.get(mode)
    if np_mode is None:
        raise ValueError(f"pad: mode must be CONSTANT, REFLECT or SYMMETRIC, got {mode!r}")
    if x.shape.dims is not None and len(pads) != len(x.shape.dims):
        raise ValueError(f"pad: paddings has {len(pads)} rows but {x.name!r} has rank {len(x.shape.dims)}")
    shape = TensorShape(None) if x.shape.dims is None else TensorShape(
        [None if d is None else d + a + b for d, (a, b) in zip(x.shape.dims, pads)])
    kwargs = {"constant_values": constant_values} if np_mode == "constant" else {}
    return Tensor("Pad" if mode == "CONSTANT" else "MirrorPad", (x,),
                  compute=lambda v: xp.pad(v, pads, mode=np_mode, **kwargs),  # type: ignore[call-overload]
                  attrs={"paddings": pads, "mode": mode}, dtype=x.dtype, shape=shape, name=name or "Pad")


@RegisterGradient("Pad")
def _pad_grad(op, grad):
    """dL/dx = dL/dy with the padding cut off"""
    index = tuple(slice(a, grad.shape[i] - b) for i, (a, b) in enumerate(op.paddings))
    return grad[index]


@RegisterGradient("MirrorPad")
def _mirror_pad_grad(op, grad):
    """dL/dx_i = sum of dL/dy_j over every j that copies x_i (itself and its mirror images)

    Padding is separable: along each axis, y[j] = x[source[j]] with ``source`` the padded
    ``arange(n)``, so each axis's gradient is a scatter-add of grad along that axis.
    """
    np_mode = {"REFLECT": "reflect", "SYMMETRIC": "symmetric"}[op.mode]
    for axis, (n, pads) in enumerate(zip(op.inputs[0].shape, op.paddings)):
        source = xp.pad(xp.arange(n), pads, mode=np_mode)
        folded = xp.zeros(grad.shape[:axis] + (n,) + grad.shape[axis + 1:], dtype=grad.dtype)
        xp.add.at(xp.moveaxis(folded, axis, 0), source, xp.moveaxis(grad, axis, 0))
        grad = folded
    return grad


def gather(params: TensorLike, indices: TensorLike, axis: int = 0, name: str | None = None,
           validate_indices: Any = None, batch_dims: int = 0) -> Tensor:
    """y = params[..., indices, ...] taken along ``axis``."""
    (p,) = as_nodes([params])
    (idx,) = as_nodes([indices], dtype_hint=_dtypes.int32)
    if idx.dtype is not None and not idx.dtype.is_integer:
        raise TypeError(f"gather: indices {idx.name!r} must be integers, got {idx.dtype.name}")
    ax = int_arg(axis, "axis", "GatherV2")
    rank = p.shape.ndims
    if rank is not None and not -rank <= ax < rank:
        raise ValueError(f"GatherV2: axis {ax} is out of range for params {p.name!r} of shape {p.shape} "
                         f"(rank {rank})")
    shape = TensorShape(None)
    if p.shape.dims is not None and idx.shape.dims is not None:
        a = ax % len(p.shape.dims)
        shape = TensorShape(list(p.shape.dims[:a]) + list(idx.shape.dims) + list(p.shape.dims[a + 1:]))

    def compute(values, index_values):
        size = values.shape[ax]
        if index_values.size and (index_values.min() < 0 or index_values.max() >= size):
            bad = index_values[(index_values < 0) | (index_values >= size)].ravel()[0]
            raise IndexError(f"index {bad} is out of range [0, {size}) along axis {ax}")
        return xp.take(values, index_values, axis=ax)
    with name_scope(name, "GatherV2", [p, idx]) as scope:
        side_constant(ax, "axis")  # TF's axis input
        return Tensor("GatherV2", (p, idx), compute=compute, attrs={"axis": ax}, dtype=p.dtype, shape=shape,
                      name=scope)


@RegisterGradient("GatherV2")
def _gather_grad(op, grad):
    """dL/dparams = dL/dy scattered back (and summed where an index repeats); indices get none"""
    params, indices = op.inputs
    ax = op.axis % params.ndim
    out = xp.zeros(params.shape, dtype=grad.dtype)
    moved = xp.moveaxis(out, ax, 0)
    g = xp.moveaxis(grad.reshape(params.shape[:ax] + (indices.size,) + params.shape[ax + 1:]), ax, 0)
    xp.add.at(moved, indices.ravel(), g)
    return out, None


def one_hot(indices: TensorLike, depth: int, on_value: float | None = None, off_value: float | None = None,
            axis: int | None = None, dtype: DTypeLike = None, name: str | None = None) -> Tensor:
    """y[..., i] = on_value if indices[...] == i else off_value (a new last axis of size ``depth``).

    As TF builds it, in the scope ``one_hot``: the on and off values as Consts (``Const``, ``Const_1``
    when given, ``on_value``, ``off_value`` when not), ``depth``, and the OneHot op reading them. The
    dtype is ``dtype``, else the given on (or off) value's, else float32."""
    with name_scope(name, "one_hot", [indices]) as scope:
        hint = _dtypes.as_dtype(dtype) if dtype is not None else None
        given = [None if v is None else as_nodes([v], dtype_hint=hint)[0] for v in (on_value, off_value)]
        out = hint or next((v.dtype for v in given if v is not None and v.dtype is not None), _dtypes.float32)
        for what, v in zip(("on_value", "off_value"), given):
            if v is not None and v.dtype != out:
                raise TypeError(f"OneHot: dtype {getattr(v.dtype, 'name', None)} of {what} does not match "
                                f"dtype {out.name}")
        on, off = (v if v is not None else constant_node(default, dtype=out, name=what)
                   for v, default, what in zip(given, (1, 0), ("on_value", "off_value")))
        (idx,) = as_nodes([indices], dtype_hint=_dtypes.int64, names=["indices"])
        if idx.dtype is not None and not idx.dtype.is_integer:
            raise TypeError(f"OneHot: value passed to parameter 'indices' ({idx.name!r}) has DataType "
                            f"{idx.dtype.name} not in list of allowed values: uint8, int8, int32, int64")
        depth = int_arg(depth, "depth", "OneHot")
        if depth < 0:
            raise ValueError(f"OneHot: depth must be non-negative, got {depth}")
        depth_node = constant_node(depth, dtype=_dtypes.int32, name="depth")
        ax = -1 if axis is None else int_arg(axis, "axis", "OneHot")
        if idx.shape.ndims is not None and not -1 <= ax <= idx.shape.ndims:
            raise ValueError(f"OneHot: axis {ax} is out of range for indices {idx.name!r} of shape {idx.shape}")

        def compute(index_values, n, on_v, off_v):
            """y = on where index == i along the new axis, off elsewhere"""
            y = xp.where(index_values[..., None] == xp.arange(int(n)), on_v, off_v)
            return y if ax == -1 else xp.moveaxis(y, -1, ax)
        shape = TensorShape(None)
        if idx.shape.dims is not None:
            dims = list(idx.shape.dims)
            dims.insert(len(dims) if ax == -1 else ax, depth)
            shape = TensorShape(dims)
        return Tensor("OneHot", (idx, depth_node, on, off), compute=compute, attrs={"depth": depth, "axis": ax},
                      dtype=out, shape=shape, name=scope)


NotDifferentiable("OneHot")



# -- where (select) --------------------------------------------------------------------------

def where(condition: TensorLike, x: TensorLike | None = None, y: TensorLike | None = None,
          name: str | None = None) -> Tensor:
    """Elementwise ``x if condition else y``; with only ``condition``, the indices where it is true.

    TF1's ``tf.where``: a 1-D condition with rank > 1 operands selects whole rows
    (``condition[i]`` picks row ``i``); otherwise the operands broadcast.
    """
    return _select(condition, x, y, name, rows=True)


def where_v2(condition: TensorLike, x: TensorLike | None = None, y: TensorLike | None = None,
             name: str | None = None) -> Tensor:
    """``tf.where_v2`` (TF2's ``tf.where``): condition, x and y all broadcast, NumPy style, in one
    ``SelectV2`` op. Unlike TF1's ``where`` a 1-D condition is broadcast along the *last* axis, not the rows.
    """
    if x is None or y is None:
        return _select(condition, x, y, name, rows=False)
    with name_scope(name, "SelectV2", [condition, x, y]) as scope:
        c, x, y = as_nodes([condition, x, y], names=["condition", "t", "e"])
        return select_v2(c, x, y, name=scope)


def select_v2(condition: Tensor, x: Tensor, y: Tensor, name: str | None = None) -> Tensor:
    """z = x where ``condition``, else y: TF's ``SelectV2`` (the op of TF2's ``where``), all three
    operands broadcast together, NumPy style, as dropout builds it."""
    shape = broadcast_static(condition.shape, broadcast_shape("SelectV2", x, y, name))
    if shape is None:
        raise ValueError(f"SelectV2: condition {condition.name!r} of shape {condition.shape} does not broadcast "
                         f"with x and y of shapes {x.shape} and {y.shape}")
    return Tensor("SelectV2", (condition, x, y), compute=xp.where, dtype=common_dtype("SelectV2", (x, y)),
                  shape=shape, name=name or "SelectV2")


@RegisterGradient("SelectV2")
def _select_v2_grad(op, grad):
    """dL/dx = dL/dz where the condition holds, dL/dy = dL/dz elsewhere (the engine sums each over the
    axes its operand was broadcast along); the condition gets none"""
    cond = op.inputs[0]
    zeros = xp.zeros((), dtype=grad.dtype)
    return (None, xp.where(cond, grad, zeros) if op.needs[1] else None,
            xp.where(cond, zeros, grad) if op.needs[2] else None)




def _select(condition, x, y, name, rows):
    if x is None and y is None:
        (c,) = as_nodes([condition])
        return Tensor("Where", (c,), compute=lambda v: xp.argwhere(v).astype(np.int64), dtype=_dtypes.int64,
                      shape=[None, c.shape.ndims], name=name or "Where")
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither")
    x, y = as_nodes([x, y])
    (c,) = as_nodes([condition])
    dtype = common_dtype("Select", (x, y))

    if rows and c.shape.ndims == 1 and (x.shape.ndims or 0) > 1:
        shape = broadcast_shape("Select", x, y, name)
    else:
        shape = broadcast_static(c.shape, broadcast_shape("Select", x, y, name))
        if shape is None:
            raise ValueError(f"Select{' ' + repr(name) if name else ''}: condition {c.name!r} of shape {c.shape} "
                             f"does not broadcast with x and y of shapes {x.shape} and {y.shape}")

    def compute(cond, a, b):
        return xp.where(_row_condition(cond, a) if rows else cond, a, b)
    return Tensor("Select", (c, x, y), compute=compute, attrs={"rows": rows}, dtype=dtype, shape=shape,
                  name=name or "Select")


def _row_condition(cond, a):
    """TF1's row selection: a 1-D ``cond`` with one entry per row of ``a`` as shape (n, 1, ..., 1)."""
    if cond.ndim == 1 and a.ndim > 1 and cond.shape[0] == a.shape[0]:
        return cond.reshape((-1,) + (1,) * (a.ndim - 1))
    return cond


@RegisterGradient("Select")
def _select_grad(op, grad):
    """dL/dx = dL/dz where condition, dL/dy = dL/dz elsewhere; the condition gets none"""
    cond, a, _ = op.inputs
    if op.rows:
        cond = _row_condition(cond, a)
    zeros = xp.zeros((), dtype=grad.dtype)
    return None, xp.where(cond, grad, zeros), xp.where(cond, zeros, grad)


NotDifferentiable("Where")
