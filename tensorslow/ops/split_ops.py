"""Cutting a tensor into pieces: ``unstack`` (op Unpack) and ``split`` (ops Split and SplitV).

Each is *one* op with several outputs, as in TensorFlow (``op_outputs.py``): ``unstack(x)`` of a
``[T, ...]`` tensor is the op ``unstack`` with tensors ``unstack:0`` ... ``unstack:T-1``, the slices
``x[t]``; ``split(x, n, axis)`` is the op ``split`` whose ``n`` outputs are consecutive equal parts along
``axis``, ``split(x, [s0, s1, ...], axis)`` the op SplitV, whose parts have sizes ``s0, s1, ...`` (one of
them may be -1: what is left). One kernel run makes all the pieces (NumPy views of the input, no copies).

TF's constant operands are made where TF makes them: a split's axis is the Const ``split/split_dim``
(unless the caller passed a tensor), SplitV's sizes a Const made before the op's name scope opens.

Gradients move values back without arithmetic: Unpack's is the stack of the outputs' gradients, Split's and
SplitV's their concatenation along the axis, with zeros for an output that received none.
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate

import numpy as np

from ..backend import xp
from ..errors import InvalidArgumentError
from ..graph import Tensor, TensorLike, name_scope
from ..registry import RegisterGradient
from ..shapes import TensorShape
from .core import as_nodes, convert_to_tensor, int_arg, side_constant, static_ints
from .op_outputs import MultiOutputOp, OpOutput, OutputGradients, OutputValues, add_outputs


def _register_gradient(*op_types: str):
    """``op_outputs.register_gradient`` for these ops, which every step of an RNN runs: an output passes
    ``dL/d(output k)`` back in slot k of an :class:`OutputGradients` (the number of slots is the op's
    attribute ``num_outputs``: no op view is built), and the op's own gradient gets the list of them."""
    def register(fn):
        def gradient(op, grad):
            """dL/d(op) = dL/d(output k) in slot k, from an output; the op's own gradient, at the op"""
            node = op.node
            if isinstance(node, OpOutput):
                slots = [None] * node.inputs[0].attrs["num_outputs"]
                slots[node.value_index] = grad
                return OutputGradients(slots)
            return fn(op, grad.grads)
        for op_type in op_types:
            RegisterGradient(op_type)(gradient)
        return fn
    return register


def _cuts(axis: int, bounds: list[int]) -> list[tuple]:
    """Index tuples taking the runs ``bounds[k]:bounds[k + 1]`` along ``axis`` (faster than ``np.split``)."""
    lead = (slice(None),) * axis
    return [lead + (slice(a, b),) for a, b in zip(bounds, bounds[1:])]


def _axis_in_range(axis: int, rank: int | None, op_type: str, x: Tensor, upper: int | None = None) -> int:
    """``axis`` made non-negative; ValueError unless ``-rank <= axis < rank`` (TF's message)."""
    if rank is None:
        return axis
    if not -rank <= axis < rank:
        raise ValueError(f"{op_type}: axis = {axis} not in [{-rank}, {rank}) for {x.name!r} of shape {x.shape}")
    return axis % rank


# -- unstack -------------------------------------------------------------------------------------------

def unstack(value: TensorLike, num: int | None = None, axis: int = 0, name: str = "unstack") -> list[Tensor]:
    """The ``num`` slices of ``value`` along ``axis``: ``outputs[i] = value[..., i, ...]`` (i at ``axis``),
    each of rank one less. ``num`` defaults to the axis' static size, which must then be known."""
    (x,) = as_nodes([value])
    ax = int_arg(axis, "axis", "Unpack")
    dims = x.shape.dims
    rank = None if dims is None else len(dims)
    ax = _axis_in_range(ax, rank, "Unpack", x)
    if num is None:
        if dims is None or dims[ax] is None:
            raise ValueError(f"Cannot infer argument `num` from shape {x.shape} ({x.name!r}, axis {axis}); pass num=")
        num = dims[ax]
    num = int_arg(num, "num", "Unpack")
    if num < 0:
        raise ValueError(f"Unpack: num must be >= 0, got {num}")
    if dims is not None and dims[ax] is not None and dims[ax] != num:
        raise ValueError(f"Unpack: dimension {ax} of {x.name!r} (shape {x.shape}) has size {dims[ax]}, not num={num}")
    out_shape = TensorShape(None) if dims is None else TensorShape([d for i, d in enumerate(dims) if i != ax])

    def kernel(v):
        """y_i = x[..., i, ...] along ``axis``, for i < num"""
        a = ax if ax >= 0 else ax + v.ndim  # a rank known only at run time
        if v.shape[a] != num:
            raise InvalidArgumentError(node, f"{node.op_name}: Input shape axis {a} must equal {num}, got shape "
                                             f"{list(v.shape)}")
        return OutputValues(xp.moveaxis(v, a, 0)) if a else OutputValues(v)
    node = MultiOutputOp("Unpack", (x,), compute=kernel, attrs={"num": num, "axis": ax, "num_outputs": num},
                         name=name or "unstack")
    return add_outputs(node, [(x.dtype, out_shape)] * num)


@_register_gradient("Unpack")
def _unpack_grad(op, grads):
    """dL/dx = stack(dL/dy_0, ..., dL/dy_{num-1}) along ``axis``; zeros for a slice no gradient reached"""
    (x,) = op.inputs
    known = [g for g in grads if g is not None]
    if not known:
        return None
    zero = None
    parts = []
    for g in grads:
        if g is None:
            zero = xp.zeros(known[0].shape, dtype=known[0].dtype) if zero is None else zero
            g = zero
        parts.append(g)
    return xp.stack(parts, axis=op.axis if op.axis >= 0 else op.axis + x.ndim)


# -- split ------------------------------------------------------------------------------------------------

def split(value: TensorLike, num_or_size_splits: int | Sequence[int] | TensorLike, axis: int | TensorLike = 0,
          num: int | None = None, name: str = "split") -> list[Tensor]:
    """``value`` cut along ``axis``: into ``num_or_size_splits`` equal parts (an int: op Split), or into parts
    of the sizes listed (op SplitV; one size may be -1, the rest of the axis)."""
    (x,) = as_nodes([value])
    if isinstance(num_or_size_splits, (int, np.integer)) and not isinstance(num_or_size_splits, bool):
        return _split(x, int(num_or_size_splits), axis, name)
    sizes_node = num_or_size_splits if isinstance(num_or_size_splits, Tensor) else \
        convert_to_tensor(list(num_or_size_splits))  # type: ignore[arg-type]  # TF converts the sizes before the op's name scope: "Const"
    sizes = static_ints(sizes_node, "size_splits", "SplitV")
    if sizes_node.shape.ndims == 0:
        raise ValueError(f"Rank-0 tensors are not supported as the num_or_size_splits argument to split. "
                         f"Argument provided: {num_or_size_splits}")
    if sizes is None:
        raise ValueError(f"SplitV: size_splits must be known when the graph is built, got {sizes_node.name!r}")
    if num is not None and num != len(sizes):
        raise ValueError(f"SplitV: num={num} but {len(sizes)} sizes were given: {list(sizes)}")
    return _split_v(x, list(sizes), axis, name)


def _static_axis(axis, x, op_type):
    """(the axis as an int in [0, rank) where the rank is known, whether TF's ``split_dim`` must be made)."""
    if isinstance(axis, Tensor):
        found = static_ints(axis, "axis", op_type)
        if found is None or len(found) != 1:
            raise ValueError(f"{op_type}: the axis must be a constant scalar, got {axis.name!r}")
        ax, make_const = found[0], False
    else:
        ax, make_const = int_arg(axis, "axis", op_type), True
    return _axis_in_range(ax, x.shape.ndims, op_type, x), make_const


def _split(x: Tensor, n: int, axis, name) -> list[Tensor]:
    """Op Split: ``n`` equal parts along the axis (the axis' size must divide by ``n``)."""
    ax, make_const = _static_axis(axis, x, "Split")
    if n < 1:
        raise ValueError(f"Split: num_split must be >= 1, got {n} for {x.name!r}")
    dims = x.shape.dims
    part = None
    if dims is not None and dims[ax] is not None:
        if dims[ax] % n:
            raise ValueError(f"Dimension size must be evenly divisible by {n} but is {dims[ax]} for 'Split' "
                             f"(input {x.name!r} of shape {x.shape}, axis {ax})")
        part = dims[ax] // n
    out_shape = TensorShape(None) if dims is None else TensorShape([part if i == ax else d for i, d in enumerate(dims)])

    def kernel(v):
        """y_k = x[..., k * s:(k + 1) * s, ...] along the axis, s = size / n"""
        if v.shape[ax] % n:
            raise InvalidArgumentError(node, f"{node.op_name}: Number of ways to split should evenly divide the "
                                             f"split dimension, but got split_dim {ax} (size = {v.shape[ax]}) and "
                                             f"num_split {n}")
        cuts = known_cuts.get(v.shape[ax])
        if cuts is None:  # the index tuples for this size of the axis, made once
            step = v.shape[ax] // n
            cuts = known_cuts[v.shape[ax]] = _cuts(ax, [k * step for k in range(n + 1)])
        return OutputValues([v[cut] for cut in cuts])
    known_cuts: dict[int, list[tuple]] = {}
    with name_scope(name, "split", [x]) as scope:
        if make_const:
            side_constant(axis, "split_dim")  # as given (-1 stays -1)
        node = MultiOutputOp("Split", (x,), compute=kernel, attrs={"num_split": n, "axis": ax, "num_outputs": n},
                             name=scope)
    return add_outputs(node, [(x.dtype, out_shape)] * n)


def _split_v(x: Tensor, sizes: list[int], axis, name) -> list[Tensor]:
    """Op SplitV: parts of the given sizes along the axis (one may be -1: the rest)."""
    ax, make_const = _static_axis(axis, x, "SplitV")
    if sum(1 for s in sizes if s == -1) > 1 or any(s < -1 for s in sizes):
        raise ValueError(f"SplitV: size_splits may hold one -1 and otherwise sizes >= 0, got {sizes}")
    dims = x.shape.dims
    total = None if dims is None else dims[ax]
    if total is not None:
        known = sum(s for s in sizes if s != -1)
        if (-1 in sizes and known > total) or (-1 not in sizes and known != total):
            raise ValueError(f"Determined shape must either match input shape along split_dim exactly if fully "
                             f"specified, or be less than the size of the input along split_dim if not fully "
                             f"specified. Got: {known} vs {total} for SplitV of {x.name!r} (sizes {sizes})")
    static = [total - sum(s for s in sizes if s != -1) if s == -1 and total is not None else (None if s == -1 else s)
              for s in sizes]
    specs = [(x.dtype, TensorShape(None) if dims is None else
              TensorShape([s if i == ax else d for i, d in enumerate(dims)])) for s in static]

    def kernel(v):
        """y_k = the k-th run of sizes[k] entries of x along the axis"""
        n_axis, known = v.shape[ax], sum(s for s in sizes if s != -1)
        if (-1 in sizes and known > n_axis) or (-1 not in sizes and known != n_axis):
            raise InvalidArgumentError(node, f"{node.op_name}: Determined shape must either match input shape "
                                             f"along split_dim exactly if fully specified, or be less than the "
                                             f"size of the input along split_dim if not fully specified.  Got: "
                                             f"{known}")
        run = [n_axis - known if s == -1 else s for s in sizes]
        return OutputValues([v[cut] for cut in _cuts(ax, [0, *accumulate(run)])])
    with name_scope(name, "split", [x]) as scope:
        if make_const:
            side_constant(axis, "split_dim")
        attrs = {"size_splits": tuple(sizes), "axis": ax, "num_outputs": len(sizes)}
        node = MultiOutputOp("SplitV", (x,), compute=kernel, attrs=attrs, name=scope)
    return add_outputs(node, specs)


@_register_gradient("Split", "SplitV")
def _split_grad(op, grads):
    """dL/dx = concat(dL/dy_0, dL/dy_1, ...) along the axis; zeros for a part no gradient reached"""
    if all(g is None for g in grads):
        return None
    parts = [g if g is not None else xp.zeros_like(y) for g, y in zip(grads, op.output)]
    return xp.concatenate(parts, axis=op.axis)
