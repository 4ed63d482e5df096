"""Clipping by norm: ``clip_by_norm``, ``global_norm``, ``clip_by_global_norm``, ``clip_by_average_norm``.

Built from primitive ops in TensorFlow's order (``tf.clip_by_value`` lives in
``tensorslow/__init__.py``), so values and gradients are TensorFlow's. The usual
use is gradient clipping::

    grads, norm = tf.clip_by_global_norm(tf.gradients(loss, params), 5.0)
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from ..graph import Tensor, TensorLike, name_scope
from . import array_ops, indexing_ops, math_ops, nn_ops
from .core import as_nodes, convert_to_tensor, pack
from .reduction_ops import reduce_sum


def clip_by_norm(t: TensorLike, clip_norm: TensorLike, axes: Any = None, name: str | None = None) -> Tensor:
    """t * clip_norm / max(||t||, clip_norm): ``t`` unchanged if its L2 norm (over ``axes``, default all)
    is at most ``clip_norm``, else scaled down to that norm.

    As TensorFlow: the norm is sqrt(sum(t * t)) taken only where the sum is > 0 (so the gradient at
    t = 0 is finite), and a negative ``clip_norm`` counts as 0.
    """
    with name_scope(name, "clip_by_norm", [t, clip_norm]):
        values = convert_to_tensor(t, name="t")
        bound: Any
        if np.isscalar(clip_norm):
            bound = max(clip_norm, 0)  # type: ignore[call-overload, type-var]
        else:
            (bound,) = as_nodes([clip_norm], dtype_hint=values.dtype)
            bound = math_ops.maximum(bound, 0)
            if bound.dtype != values.dtype:
                bound = math_ops.cast(bound, values.dtype)
        l2sum = reduce_sum(math_ops.multiply(values, values, name="mul"), axes, keepdims=True)
        positive = math_ops.greater(l2sum, 0)
        l2sum_safe = indexing_ops.where(positive, l2sum, array_ops.ones_like(l2sum))
        l2norm = indexing_ops.where(positive, math_ops.sqrt(l2sum_safe), l2sum)
        scaled = math_ops.multiply(values, bound, name="mul")
        return array_ops.identity(math_ops.divide(scaled, math_ops.maximum(l2norm, bound), name="truediv"))


def global_norm(t_list: Sequence[TensorLike | None], name: str | None = None) -> Tensor:
    """sqrt(sum over the tensors of sum(t^2)), None entries skipped: computed as sqrt(2 * sum(l2_loss(t)))."""
    if not isinstance(t_list, Sequence) or isinstance(t_list, str):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    with name_scope(name, "global_norm", [t for t in t_list if t is not None]):
        halves = [nn_ops.l2_loss(v) for v in as_nodes([t for t in t_list if t is not None])]
        half_squared_norm = reduce_sum(pack(halves))
        two = convert_to_tensor(2.0, dtype=half_squared_norm.dtype)
        return math_ops.sqrt(math_ops.multiply(half_squared_norm, two, name="mul"), name="global_norm")


def clip_by_global_norm(t_list: Sequence[TensorLike | None], clip_norm: TensorLike,
                        use_norm: Tensor | None = None,
                        name: str | None = None) -> tuple[list[Tensor | None], Tensor]:
    """Scale every tensor of ``t_list`` by clip_norm / max(global_norm, clip_norm); returns (the scaled
    list, the global norm). None entries stay None; ``use_norm`` replaces the computed norm.

    TensorFlow's formula: scale = clip_norm * min(1 / norm, 1 / clip_norm) + (norm - norm), the last term
    0 for a finite norm and NaN otherwise, so an infinite or NaN norm makes every entry NaN.
    """
    if not isinstance(t_list, Sequence) or isinstance(t_list, str):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    t_list = list(t_list)
    if use_norm is None:
        use_norm = global_norm(t_list, name)
    with name_scope(name, "clip_by_global_norm", [t for t in t_list if t is not None]) as scope:
        (norm,) = as_nodes([use_norm])
        inverse_norm = math_ops.divide(1.0, norm, name="truediv")
        one = convert_to_tensor(1.0, dtype=norm.dtype)  # made after 1 / norm, in TF's order (Python's)
        inverse = math_ops.minimum(inverse_norm, math_ops.divide(one, clip_norm, name="truediv"))
        scale_for_finite = math_ops.multiply(clip_norm, inverse, name="mul")
        scale = math_ops.add(scale_for_finite, math_ops.subtract(norm, norm, name="sub"), name="add")
        clipped: list[Tensor | None] = []
        for i, t in enumerate(t_list):
            if t is None:
                clipped.append(None)
                continue
            (v,) = as_nodes([t])
            factor = scale if v.dtype == scale.dtype else math_ops.cast(scale, v.dtype)
            clipped.append(array_ops.identity(math_ops.multiply(v, factor, name="mul"), name=f"{scope}_{i}"))
    return clipped, norm


def clip_by_average_norm(t: TensorLike, clip_norm: TensorLike, name: str | None = None) -> Tensor:
    """t * clip_norm * min(n / ||t||, 1 / clip_norm), n the number of elements: ``t`` scaled so that its
    L2 norm divided by n is at most ``clip_norm`` (deprecated in TF2; float32 only, as in TensorFlow)."""
    with name_scope(name, "clip_by_average_norm", [t, clip_norm]):
        t = convert_to_tensor(t, name="t")
        n_element = math_ops.cast(array_ops.size(t), _dtypes.float32)
        inv_norm = math_ops.rsqrt(reduce_sum(math_ops.multiply(t, t, name="mul")))
        one = convert_to_tensor(1.0, dtype=_dtypes.float32)
        factor = math_ops.minimum(math_ops.multiply(inv_norm, n_element, name="mul"),
                                  math_ops.divide(one, clip_norm, name="truediv"))
        return array_ops.identity(math_ops.multiply(math_ops.multiply(t, clip_norm, name="mul"), factor,
                                                    name="mul"))
