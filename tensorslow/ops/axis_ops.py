"""Adding and removing size-1 axes: ``expand_dims`` (op ExpandDims) and ``squeeze`` (op Squeeze).

Neither moves a value: the gradient of each is the incoming gradient reshaped to the input's shape.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..backend import xp
from ..graph import Tensor, TensorLike, name_scope
from ..registry import RegisterGradient
from ..shapes import TensorShape
from .core import as_nodes, int_arg, side_constant, static_ints


def _shape_like_grad(op, grad):
    """dL/dx = dL/dy reshaped to x's shape (the op only inserts or removes size-1 axes)"""
    return xp.reshape(grad, op.inputs[0].shape)


def expand_dims(input: TensorLike, axis: int | None = None, name: str | None = None, dim: int | None = None) -> Tensor:  # noqa: A002
    """y = x with a size-1 axis inserted at ``axis``. A literal ``input`` is the Const ``ExpandDims/input``."""
    with name_scope(name, "ExpandDims", [input]) as scope:
        (x,) = as_nodes([input], names=["input"])
        return _expand_dims(x, axis, dim, scope)


def _expand_dims(x: Tensor, axis: int | None, dim: int | None, scope: str) -> Tensor:
    if axis is None and dim is None:
        raise ValueError("ExpandDims: an axis must be given")
    ax = int_arg(dim if axis is None else axis, "axis", "ExpandDims")
    rank = x.shape.ndims
    if rank is not None and not -rank - 1 <= ax <= rank:
        raise ValueError(f"ExpandDims: axis {ax} not in the interval [{-rank - 1}, {rank}] for {x.name!r} "
                         f"of shape {x.shape}")
    shape = TensorShape(None)
    if x.shape.dims is not None:
        dims = list(x.shape.dims)
        pos = ax if ax >= 0 else len(dims) + 1 + ax
        dims.insert(pos, 1)
        shape = TensorShape(dims)
    side_constant(ax, "dim")  # TF's axis input
    return Tensor("ExpandDims", (x,), compute=lambda v: xp.expand_dims(v, ax), attrs={"axis": ax},
                  dtype=x.dtype, shape=shape, name=scope)


def squeeze(input: TensorLike, axis: int | Sequence[int] | None = None, name: str | None = None,  # noqa: A002
            squeeze_dims: int | Sequence[int] | None = None) -> Tensor:
    """y = x without size-1 axes (all of them, or those in ``axis``)."""
    (x,) = as_nodes([input])
    ax = squeeze_dims if axis is None else axis
    ax = None if ax is None else tuple(static_ints(ax, "axis", "Squeeze"))
    shape = TensorShape(None)
    if x.shape.dims is not None:
        n = len(x.shape.dims)
        axes = {a % n for a in ax} if ax is not None else {i for i, d in enumerate(x.shape.dims) if d == 1}
        for a in axes:
            if x.shape.dims[a] not in (1, None):
                raise ValueError(f"Squeeze: cannot squeeze axis {a} of {x.name!r} with shape {x.shape}")
        shape = TensorShape([d for i, d in enumerate(x.shape.dims) if i not in axes])

    def compute(value):
        return xp.squeeze(value, axis=ax)
    return Tensor("Squeeze", (x,), compute=compute, attrs={"axis": ax}, dtype=x.dtype, shape=shape,
                  name=name or "Squeeze")


RegisterGradient("ExpandDims")(_shape_like_grad)
RegisterGradient("Squeeze")(_shape_like_grad)
