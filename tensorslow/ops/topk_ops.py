"""The k largest entries of each row: ``top_k`` (op TopKV2) and ``in_top_k`` (op InTopKV2).

As in TensorFlow, TopKV2 is one op with two outputs (``op_outputs.py``):
``values`` (``TopKV2:0``) and ``indices`` (``TopKV2:1``), from one run of its kernel.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import dtypes as _dtypes
from ..backend import xp
from ..errors import InvalidArgumentError
from ..graph import Tensor, TensorLike, constant_node, name_scope
from ..registry import NotDifferentiable
from ..shapes import TensorShape
from .core import as_nodes, int_arg
from .op_outputs import MultiOutputOp, OutputValues, add_outputs, register_gradient


class TopKV2(NamedTuple):
    """What ``top_k`` returns, as TensorFlow's namedtuple of the same name."""

    values: Tensor
    indices: Tensor


def _top_k(v, k, node):
    """Values and int32 indices of the k largest entries along the last axis, largest first; ties go to
    the lower index first and NaN ranks below everything (TensorFlow's CPU kernel, for k > 1)."""
    n = v.shape[-1] if v.ndim else 0
    if v.ndim < 1:
        raise InvalidArgumentError(node, "input must be >= 1-D, got shape []")
    if k > n:
        raise InvalidArgumentError(node, f"input must have at least k columns. Had {n}, needed {k}")
    if v.dtype.kind == "f":
        order = xp.argsort(-v, axis=-1, kind="stable")  # NaN (-NaN) sorts last
    else:  # integers: negation could overflow; a stable ascending sort of the reversed row instead
        order = (n - 1) - xp.argsort(v[..., ::-1], axis=-1, kind="stable")[..., ::-1]
    indices = order[..., :k]
    return xp.take_along_axis(v, indices, axis=-1), indices.astype(np.int32)


def top_k(input: TensorLike, k: int = 1, sorted: bool = True, name: str | None = None) -> TopKV2:  # noqa: A002
    """The ``k`` largest entries of each row (along the last axis) and their indices, largest first.

    Ties keep their order: the lower index comes first. ``sorted=False`` gives the same order (TensorFlow
    leaves the order unspecified then). Only ``values`` has a gradient: it goes to the selected entries.
    """
    (x,) = as_nodes([input])
    if isinstance(k, Tensor):  # k computed in the graph (sort's size of the axis): its value is read at run time
        if k.dtype is not None and k.dtype != _dtypes.int32:
            raise TypeError(f"TopKV2: k must be an int32 scalar, got {k.name!r} of dtype {k.dtype.name}")
        with name_scope(name, "TopKV2") as scope:
            return top_k_of(x, k, None, sorted, scope)
    k = int_arg(k, "k", "TopKV2")
    if k < 0:
        raise ValueError(f"Dimension size, given by scalar input 1, must be non-negative but is {k} for TopKV2")
    with name_scope(name, "TopKV2") as scope:  # TF's input k: the Const TopKV2/k
        return top_k_of(x, constant_node(k, dtype=_dtypes.int32, name="k"), k, sorted, scope)


def top_k_of(x: Tensor, k_node: Tensor, k: int | None, sorted: bool, scope: str) -> TopKV2:  # noqa: A002
    """The TopKV2 op named ``scope`` on ``x`` with its ``k`` input ``k_node``, whose value is ``k`` when
    known as the graph is built (None: the last axis of the outputs is unknown until run time)."""
    dims = x.shape.dims
    if dims is not None:
        if not dims:
            raise ValueError("Shape must be at least rank 1 but is rank 0 for TopKV2")
        if k is not None and dims[-1] is not None and dims[-1] < k:
            raise ValueError(f"input must have last dimension >= k = {k} but is {dims[-1]} for TopKV2 "
                             f"(input {x.name!r} of shape {x.shape})")
    shape = TensorShape(None) if dims is None else TensorShape(list(dims[:-1]) + [k])

    def kernel(v, k_value):
        return OutputValues(_top_k(v, int(k_value), node))
    node = MultiOutputOp("TopKV2", (x, k_node), compute=kernel, attrs={"k": k, "sorted": bool(sorted)}, name=scope)
    return TopKV2(*add_outputs(node, [(x.dtype, shape), (_dtypes.int32, shape)]))


@register_gradient("TopKV2")
def _top_k_grad(op, grads):
    """dx = dvalues scattered back to the entries the values were taken from, 0 elsewhere (the indices
    output has no gradient)"""
    dvalues = grads[0]
    if dvalues is None:
        return None, None
    x, (_, indices) = op.inputs[0], op.output
    dx = xp.zeros(x.shape, dtype=dvalues.dtype)
    xp.put_along_axis(dx, indices.astype(np.intp), dvalues, axis=-1)  # indices within a row are distinct
    return dx, None


def in_top_k(predictions: TensorLike, targets: TensorLike, k: int, name: str | None = None) -> Tensor:
    """out[i] = whether ``targets[i]`` is among the ``k`` largest of ``predictions[i]``.

    TensorFlow's rule, ties included: the target counts when fewer than ``k`` predictions of its row
    are strictly greater than its own. A row holding a non-finite prediction, or a target outside
    [0, num_classes), gives False.
    """
    with name_scope(name, "in_top_k"):
        (p,) = as_nodes([predictions], dtype_hint=_dtypes.float32)
        (t,) = as_nodes([targets], dtype_hint=_dtypes.int32)
        if p.dtype is not None and p.dtype != _dtypes.float32:
            raise TypeError(f"Value passed to parameter 'predictions' has DataType {p.dtype.name} not in list of "
                            f"allowed values: float32 (InTopKV2, {p.name!r})")
        if t.dtype is not None and t.dtype not in (_dtypes.int32, _dtypes.int64):
            raise TypeError(f"Value passed to parameter 'targets' has DataType {t.dtype.name} not in list of "
                            f"allowed values: int32, int64")
        k = int_arg(k, "k", "InTopKV2")
        if p.shape.ndims not in (None, 2):
            raise ValueError(f"Shape must be rank 2 but is rank {p.shape.ndims} for InTopKV2 (predictions "
                             f"{p.name!r} of shape {p.shape})")
        if t.shape.ndims not in (None, 1):
            raise ValueError(f"Shape must be rank 1 but is rank {t.shape.ndims} for InTopKV2 (targets {t.name!r})")
        rows = p.shape.dims[0] if p.shape.dims is not None else None
        if rows is not None and t.shape.dims is not None and t.shape.dims[0] not in (None, rows):
            raise ValueError(f"Dimensions must be equal, but are {rows} and {t.shape.dims[0]} for InTopKV2 "
                             f"with input shapes: {p.shape}, {t.shape}")

        op_name = name or "InTopKV2"
        k_node = constant_node(k, dtype=t.dtype or _dtypes.int32, name=f"{op_name}/k")  # TF's input k

        def compute(pred, target, k_value):
            """out[i] = fewer than k entries of row i exceed its target's, the row finite, the target valid"""
            k = int(k_value)
            if pred.shape[0] != target.shape[0]:
                raise InvalidArgumentError(node, f"First dimension of predictions {pred.shape[0]} must match "
                                                 f"length of targets {target.shape[0]}")
            n = pred.shape[1]
            valid = (target >= 0) & (target < n)
            own = pred[xp.arange(pred.shape[0]), xp.where(valid, target, 0)]
            greater = xp.sum(pred > own[:, None], axis=1)
            finite = xp.all(xp.isfinite(pred), axis=1)
            return valid & finite & (greater < k)
        node = Tensor("InTopKV2", (p, t, k_node), compute=compute, attrs={"k": k}, dtype=_dtypes.bool,
                      shape=TensorShape([rows]), name=op_name)
        return node


NotDifferentiable("InTopKV2")
