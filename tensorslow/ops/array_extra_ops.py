"""More array ops: reverse, roll, broadcast_to, space_to_depth / depth_to_space, unique, bincount, linspace,
and the composites sort, argsort and meshgrid (built from TF's ops as TF builds them).

    reverse(x, axis)        x flipped along each axis in ``axis``
    roll(x, shift, axis)    x[i] moves to x[(i + shift) mod n] along ``axis``
    broadcast_to(x, shape)  x repeated along the axes where it has size 1 (or lacks them)
    space_to_depth(x, b)    each b x b block of pixels becomes b*b channels of one pixel (NHWC)
    linspace(a, b, n)       n evenly spaced values from a to b, both included
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import dtypes as _dtypes
from ..backend import xp
from ..errors import InvalidArgumentError
from ..graph import Tensor, TensorLike, name_scope
from ..registry import NotDifferentiable, RegisterGradient
from ..shapes import TensorShape, broadcast_static
from .core import as_nodes, convert_to_tensor, int_arg, side_constant, static_ints
from .op_outputs import MultiOutputOp, OutputValues, add_outputs

# -- reverse, roll ----------------------------------------------------------------------------------------


def _axes(axis, rank, op_type):
    """``axis`` (int or list) as a tuple of non-negative axes; ValueError as TF's for repeats or range."""
    axes = static_ints(axis, "axis", op_type)
    if axes is None:
        raise TypeError(f"{op_type}: axis must be known when the graph is built (a Python int or list)")
    if rank is None:
        return axes
    out = []
    for i, a in enumerate(axes):
        if not -rank <= a < rank:
            raise ValueError(f"'axis'[{i}] = {a} is out of valid range [0, {rank - 1}] for {op_type}")
        if a % rank in out:
            raise ValueError(f"axis {a % rank} specified more than once. for {op_type}")
        out.append(a % rank)
    return tuple(out)


def reverse(tensor: TensorLike, axis, name: str | None = None) -> Tensor:
    """y = x flipped along each axis in ``axis`` (TF1's ``reverse_v2``; the op ReverseV2)."""
    with name_scope(name, "ReverseV2", [tensor]) as scope:
        (x,) = as_nodes([tensor], names=["tensor"])
        axes = _axes(axis, x.shape.ndims, "ReverseV2")
        side_constant(axes, "axis")  # TF's axis input
        return Tensor("ReverseV2", (x,), compute=lambda v: xp.flip(v, axes) if axes else v, attrs={"axis": axes},
                      dtype=x.dtype, shape=x.shape, name=scope)


reverse_v2 = reverse


@RegisterGradient("ReverseV2")
def _reverse_grad(op, grad):
    """dL/dx = dL/dy flipped back along the same axes"""
    return xp.flip(grad, op.axis) if op.axis else grad


def roll(input: TensorLike, shift, axis, name: str | None = None) -> Tensor:  # noqa: A002
    """y = x rolled: the element at i moves to (i + shift) mod n along ``axis`` (lists: several axes)."""
    with name_scope(name, "Roll", [input]) as scope:
        (x,) = as_nodes([input], names=["input"])
        shifts = static_ints(shift, "shift", "Roll")
        axes = static_ints(axis, "axis", "Roll")
        if shifts is None or axes is None:
            raise TypeError("Roll: shift and axis must be known when the graph is built")
        if len(shifts) != len(axes):
            raise ValueError(f"Dimension 0 in both shapes must be equal, but are {len(shifts)} and {len(axes)}. "
                             f"Shapes are [{len(shifts)}] and [{len(axes)}] for Roll")
        side_constant(shift, "shift")
        side_constant(axis, "axis")  # TF's inputs, scalars when given as scalars
        return Tensor("Roll", (x,), compute=lambda v: xp.roll(v, shifts, axes), attrs={"shift": shifts, "axis": axes},
                      dtype=x.dtype, shape=x.shape, name=scope)


@RegisterGradient("Roll")
def _roll_grad(op, grad):
    """dL/dx = dL/dy rolled back by -shift"""
    return xp.roll(grad, tuple(-s for s in op.shift), op.axis)


# -- broadcast_to ---------------------------------------------------------------------------------------------

def broadcast_to(input: TensorLike, shape, name: str | None = None) -> Tensor:  # noqa: A002
    """y = x broadcast to ``shape`` (NumPy's rules: x's axes of size 1, or missing in front, are repeated)."""
    with name_scope(name, "BroadcastTo", [input]) as scope:
        (x,) = as_nodes([input], names=["input"])
        dims = static_ints(shape, "shape", "BroadcastTo")
        if dims is None:
            raise TypeError("BroadcastTo: the shape must be known when the graph is built")
        target = TensorShape(list(dims))
        joined = broadcast_static(x.shape, target)
        if joined is None or (joined.dims is not None and list(joined.dims) != list(dims)):
            raise ValueError(f"Dimensions must be equal, but input shape {x.shape} does not broadcast to "
                             f"{list(dims)} for BroadcastTo")
        side_constant(dims, "shape")  # TF's shape input
        return Tensor("BroadcastTo", (x,), compute=lambda v: xp.broadcast_to(v, dims).copy(), attrs={"shape": dims},
                      dtype=x.dtype, shape=target, name=scope)


@RegisterGradient("BroadcastTo")
def _broadcast_to_grad(op, grad):
    """dL/dx = dL/dy summed over the copies of x (the engine sums it back to x's shape)"""
    return grad


# -- space_to_depth, depth_to_space -------------------------------------------------------------------------

def _blocks(x, block_size, op_type, data_format):
    if data_format != "NHWC":
        raise NotImplementedError(f"{op_type}: only data_format='NHWC' is supported by TensorSlow")
    b = int_arg(block_size, "block_size", op_type)
    if b < 2:
        raise ValueError(f"Value for attr 'block_size' of {b} must be at least minimum 2 for {op_type}")
    if x.shape.ndims not in (None, 4):
        raise ValueError(f"Shape must be rank 4 but is rank {x.shape.ndims} for {op_type} (input {x.name!r})")
    return b


def space_to_depth(input: TensorLike, block_size: int, name: str | None = None,  # noqa: A002
                   data_format: str = "NHWC") -> Tensor:
    """y[n, i, j, (bi * b + bj) * C + c] = x[n, i * b + bi, j * b + bj, c]: b x b blocks become channels."""
    (x,) = as_nodes([input])
    b = _blocks(x, block_size, "SpaceToDepth", data_format)
    shape = TensorShape(None)
    if x.shape.dims is not None:
        n, h, w, c = x.shape.dims
        for d in (h, w):
            if d is not None and d % b:
                raise ValueError(f"Dimension size must be evenly divisible by {b} but is {d} for SpaceToDepth "
                                 f"(input {x.name!r} of shape {x.shape})")
        shape = TensorShape([n, None if h is None else h // b, None if w is None else w // b,
                             None if c is None else c * b * b])
    return Tensor("SpaceToDepth", (x,), compute=lambda v: _space_to_depth(v, b), attrs={"block_size": b},
                  dtype=x.dtype, shape=shape, name=name or "SpaceToDepth")


def depth_to_space(input: TensorLike, block_size: int, name: str | None = None,  # noqa: A002
                   data_format: str = "NHWC") -> Tensor:
    """The inverse of space_to_depth: each pixel's b*b groups of channels become a b x b block of pixels."""
    (x,) = as_nodes([input])
    b = _blocks(x, block_size, "DepthToSpace", data_format)
    shape = TensorShape(None)
    if x.shape.dims is not None:
        n, h, w, c = x.shape.dims
        if c is not None and c % (b * b):
            raise ValueError(f"Dimension size must be evenly divisible by {b * b} but is {c} for DepthToSpace "
                             f"(input {x.name!r} of shape {x.shape})")
        shape = TensorShape([n, None if h is None else h * b, None if w is None else w * b,
                             None if c is None else c // (b * b)])
    return Tensor("DepthToSpace", (x,), compute=lambda v: _depth_to_space(v, b), attrs={"block_size": b},
                  dtype=x.dtype, shape=shape, name=name or "DepthToSpace")


def _space_to_depth(v, b):
    n, h, w, c = v.shape
    blocks = v.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
    return blocks.reshape(n, h // b, w // b, b * b * c)


def _depth_to_space(v, b):
    n, h, w, c = v.shape
    blocks = v.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5)
    return blocks.reshape(n, h * b, w * b, c // (b * b))


@RegisterGradient("SpaceToDepth")
def _space_to_depth_grad(op, grad):
    """space_to_depth only moves values: dL/dx = depth_to_space(dL/dy)"""
    return _depth_to_space(grad, op.block_size)


@RegisterGradient("DepthToSpace")
def _depth_to_space_grad(op, grad):
    """dL/dx = space_to_depth(dL/dy)"""
    return _space_to_depth(grad, op.block_size)


# -- unique, bincount ------------------------------------------------------------------------------------------

class Unique(NamedTuple):
    """What ``unique`` returns, as TensorFlow's namedtuple of the same name."""

    y: Tensor
    idx: Tensor


class UniqueWithCounts(NamedTuple):
    """What ``unique_with_counts`` returns, as TensorFlow's namedtuple of the same name."""

    y: Tensor
    idx: Tensor
    count: Tensor  # type: ignore[assignment]  # TF's field name, which hides tuple.count


def _unique_op(op_type, x, out_idx, name, counts):
    (x,) = as_nodes([x])
    if x.shape.ndims not in (None, 1):
        raise ValueError(f"Shape must be rank 1 but is rank {x.shape.ndims} for '{op_type}' (x {x.name!r} of shape "
                         f"{x.shape})")
    index_dtype = _dtypes.as_dtype(out_idx)
    np_index = index_dtype.as_numpy_dtype

    def kernel(v):
        if v.ndim != 1:
            raise InvalidArgumentError(node, "unique expects a 1D vector.")
        _, first, inverse, count = xp.unique(v, return_index=True, return_inverse=True, return_counts=True)
        order = xp.argsort(first, kind="stable")  # TF keeps the order of first occurrence, NumPy sorts
        rank = xp.empty_like(order)
        rank[order] = xp.arange(order.size)
        outs = [v[first[order]], rank[inverse.reshape(-1)].astype(np_index)]
        return OutputValues(outs + [count[order].astype(np_index)] if counts else outs)
    node = MultiOutputOp(op_type, (x,), compute=kernel, attrs={"out_idx": index_dtype}, name=name or op_type)
    specs = [(x.dtype, TensorShape([None])), (index_dtype, x.shape)]
    return add_outputs(node, specs + [(index_dtype, TensorShape([None]))] if counts else specs)


def unique(x: TensorLike, out_idx=_dtypes.int32, name: str | None = None) -> Unique:
    """The distinct values of the 1-D ``x`` in order of first appearance (``y``), and for each element of x
    the position of its value in y (``idx``): x == y[idx]."""
    return Unique(*_unique_op("Unique", x, out_idx, name, counts=False))


def unique_with_counts(x: TensorLike, out_idx=_dtypes.int32, name: str | None = None) -> UniqueWithCounts:
    """``unique`` and, for each distinct value, how many times it appears (``count``)."""
    return UniqueWithCounts(*_unique_op("UniqueWithCounts", x, out_idx, name, counts=True))


NotDifferentiable("Unique")
NotDifferentiable("UniqueWithCounts")


def bincount(arr: TensorLike, weights: TensorLike | None = None, minlength: int | None = None,
             maxlength: int | None = None, dtype=_dtypes.int32, name: str | None = None) -> Tensor:
    """out[v] = how many times v appears in ``arr`` (non-negative ints), or the sum of the ``weights`` at those
    places; length max(arr) + 1, at least ``minlength``, at most ``maxlength`` (values beyond are dropped)."""
    with name_scope(name, "bincount"):
        (a,) = as_nodes([arr], dtype_hint=_dtypes.int32)
        if a.dtype is not None and a.dtype not in (_dtypes.int32, _dtypes.int64):
            raise TypeError(f"Value passed to parameter 'input' has DataType {a.dtype.name} not in list of allowed "
                            f"values: int32, int64 (bincount of {a.name!r})")
        inputs = [a]
        out_dtype = _dtypes.as_dtype(dtype)
        if weights is not None:
            (w,) = as_nodes([weights], dtype_hint=out_dtype)
            inputs.append(w)
            out_dtype = w.dtype or out_dtype
        np_out = out_dtype.as_numpy_dtype
        low = None if minlength is None else int_arg(minlength, "minlength", "bincount")
        high = None if maxlength is None else int_arg(maxlength, "maxlength", "bincount")
        node: Tensor

        def compute(values, *weight_values):
            flat = xp.asarray(values).reshape(-1)
            if flat.size and flat.min() < 0:
                raise InvalidArgumentError(node, "Input arr must be non-negative!")
            size = int(flat.max()) + 1 if flat.size else 0
            size = max(size, low) if low is not None else size
            size = min(size, high) if high is not None else size
            kept = flat < size
            w = xp.asarray(weight_values[0]).reshape(-1)[kept] if weight_values else None
            return xp.bincount(flat[kept], weights=w, minlength=size)[:size].astype(np_out)
        node = Tensor("DenseBincount", inputs, compute=compute, attrs={"minlength": low, "maxlength": high},
                      dtype=out_dtype, shape=TensorShape([None]), name="DenseBincount")
        return node


NotDifferentiable("DenseBincount")


# -- linspace ------------------------------------------------------------------------------------------------

def linspace(start: TensorLike, stop: TensorLike, num: int, name: str | None = None, axis: int = 0) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop``, both included: start + i (stop - start) / (num - 1).

    One ``LinSpace`` op (TF's kernel of that name; TF2's Python builds it from about 80 ops). Integer
    bounds give float64 values, as in TF."""
    if axis != 0:
        raise NotImplementedError("linspace: only axis=0 (scalar start and stop) is supported by TensorSlow")
    with name_scope(name, "linspace", [start, stop]) as scope:
        a, b = as_nodes([start, stop], names=["start", "stop"])
        if a.dtype is not None and not a.dtype.is_floating:
            from .math_ops import cast
            a, b = cast(a, _dtypes.float64), cast(b, _dtypes.float64)
        n = int_arg(num, "num", "LinSpace")
        convert_to_tensor(np.int32(n), name="num")
        for node in (a, b):
            if node.shape.ndims not in (None, 0):
                raise ValueError(f"Shape must be rank 0 but is rank {node.shape.ndims} for LinSpace ({node.name!r})")
        if a.dtype is not None and b.dtype is not None and a.dtype != b.dtype:
            raise TypeError(f"Input 'stop' of 'LinSpace' Op has type {b.dtype.name} that does not match type "
                            f"{a.dtype.name} of argument 'start'.")
        if n < 1:
            raise ValueError(f"Requires num > 0: {n} for LinSpace")

        def compute(lo, hi):
            return _linspace(lo, hi, n)
        return Tensor("LinSpace", (a, b), compute=compute, attrs={"num": n}, dtype=a.dtype,
                      shape=TensorShape([n]), name=scope)


def _fractions(n, dtype):
    """i / (n - 1) for i = 0..n-1 (just [0] for n = 1)."""
    return np.arange(n, dtype=dtype) / dtype.type(max(n - 1, 1))


def _linspace(lo, hi, n):
    """start + i * (stop - start) / (num - 1), the last value exactly ``stop``."""
    lo, hi = xp.asarray(lo), xp.asarray(hi)
    step = (hi - lo) / lo.dtype.type(max(n - 1, 1))
    out = lo + xp.arange(n, dtype=lo.dtype) * step
    if n > 1:
        out[-1] = hi
    return out.astype(lo.dtype, copy=False)


@RegisterGradient("LinSpace")
def _linspace_grad(op, grad):
    """dy_i/dstart = 1 - i / (n - 1), dy_i/dstop = i / (n - 1)"""
    t = _fractions(op.num, grad.dtype)
    return xp.sum(grad * (1 - t)).astype(grad.dtype), xp.sum(grad * t).astype(grad.dtype)


lin_space = linspace


# -- composites: sort, argsort, meshgrid -------------------------------------------------------------------


def sort(values: TensorLike, axis: int = -1, direction: str = "ASCENDING", name: str | None = None) -> Tensor:
    """``values`` sorted along ``axis``: top_k of the whole axis (negated for ASCENDING), as TF builds it."""
    return _sort(values, axis, direction, name or "sort", indices=False)


def argsort(values: TensorLike, axis: int = -1, direction: str = "ASCENDING", stable: bool = False,
            name: str | None = None) -> Tensor:
    """The int32 indices that sort ``values`` along ``axis``; equal values keep their order (top_k's ties)."""
    return _sort(values, axis, direction, name or "argsort", indices=True)


def _sort(values, axis, direction, name, indices):
    """TF's sort_ops: transpose ``axis`` last, negate for ascending order (-x - 1 for integers), top_k with
    k = the axis' size, undo both. TF's shape and rank constants are in the graph too."""
    from .array_ops import transpose
    from .indexing_ops import getitem
    from .math_ops import negative, subtract
    from .topk_ops import top_k_of
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"Argument `direction` should be one of ASCENDING, DESCENDING. Received: "
                         f"direction={direction}")
    with name_scope(name):
        side_constant(int_arg(axis, "axis", name), "axis")
        (x,) = as_nodes([values], names=["values"])
        rank = x.shape.ndims
        if rank is None or not -max(rank, 1) <= axis < rank or x.shape.dims[axis] is None:
            raise ValueError(f"{name}: the size of axis {axis} of {x.name!r} (shape {x.shape}) must be known when the "
                             f"graph is built")
        ascending = direction == "ASCENDING"
        integer = x.dtype is not None and x.dtype.is_integer
        if ascending:
            x = subtract(negative(x), 1, name="sub") if integer else negative(x)
        k = getitem(side_constant(x.shape.as_list(), "Shape"), axis)  # TF's k = shape(values)[axis] ...
        side_constant(rank, "Rank")  # ... and its rank
        axis = axis % rank
        perm = None
        if axis != rank - 1:
            perm = list(range(axis)) + [rank - 1] + list(range(axis + 1, rank - 1)) + [axis]
            x = transpose(x, side_constant(perm, "transposition"))
        with name_scope(None, "TopKV2") as scope:  # top_k reads k from that graph node, as TF's sort builds it
            out = top_k_of(x, k, x.shape.dims[-1], True, scope)
        result = out.indices if indices else out.values
        if perm is not None:
            result = transpose(result, perm)
        if ascending and not indices:
            result = subtract(negative(result), 1, name="sub") if integer else negative(result)
        return result


def meshgrid(*args: TensorLike, **kwargs) -> list[Tensor]:
    """Coordinate grids: out[i] holds args[i] along axis i (axes 0 and 1 swapped with indexing='xy', the
    default), repeated along the others; TF's Reshape of each input, a ones tensor and Mul."""
    from .array_ops import ones, reshape
    from .math_ops import multiply
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs:
        raise TypeError(f"Invalid keywords for meshgrid: {', '.join(sorted(kwargs))}")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Argument `indexing` parameter must be either 'xy' or 'ij', got '{indexing}'")
    with name_scope(name):
        ndim = len(args)
        nodes = as_nodes(list(args))
        sizes = [n.shape.num_elements() for n in nodes]
        if None in sizes:
            raise ValueError("meshgrid: the sizes of the inputs must be known when the graph is built")
        flat = [reshape(n, [1] * i + [-1] + [1] * (ndim - i - 1)) for i, n in enumerate(nodes)]
        if indexing == "xy" and ndim > 1:
            flat[0] = reshape(flat[0], [1, -1] + [1] * (ndim - 2))
            flat[1] = reshape(flat[1], [-1, 1] + [1] * (ndim - 2))
            sizes[0], sizes[1] = sizes[1], sizes[0]
        factor = ones(sizes, nodes[0].dtype or _dtypes.float32)
        return [multiply(n, factor, name="mul") for n in flat]
