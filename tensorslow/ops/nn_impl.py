"""``tf.nn`` functions built from other ops, in the order TensorFlow builds them: dropout, moments,
l2_normalize, batch_normalization, weighted_cross_entropy_with_logits.

None of these has a kernel of its own: each is a few primitive ops inside a name
scope named as TensorFlow names it (``dropout/Mul``, ``moments/mean``,
``batchnorm/Rsqrt``), so their values *and* their gradients are those of the
primitives, the same as TensorFlow's bit for bit where the primitives are.
"""
from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from ..graph import Tensor, TensorLike, name_scope
from . import array_ops, math_ops, nn_ops, random_ops
from .core import as_nodes, convert_to_tensor
from .indexing_ops import select_v2
from .reduction_ops import reduce_mean, reduce_sum


def cast_if_needed(x: Tensor, dtype: Any) -> Tensor:
    """``tf.cast``'s shortcut: a node already of ``dtype`` is returned as is (no Cast op)."""
    dtype = _dtypes.as_dtype(dtype)
    return x if x.dtype == dtype else math_ops.cast(x, dtype)


# -- dropout ---------------------------------------------------------------------------------------

def dropout(x: TensorLike, keep_prob: float | Tensor | None = None, noise_shape: Any = None,
            seed: int | None = None, name: str | None = None, rate: float | Tensor | None = None) -> Tensor:
    """Zero each element with probability ``rate`` (TF1: ``1 - keep_prob``), scale the others by 1 / (1 - rate).

    TensorFlow's recipe, op for op, so that the same seeds drop the same elements:

        scaled = x * (1 / (1 - rate))          a Mul by a constant (RealDiv by 1 - rate if rate is a tensor)
        u      = random_uniform(noise_shape)   uniform in [0, 1), the op's seeds
        y      = where(u >= rate, scaled, 0)   keep where u >= rate (a float32 rate when x is float32)

    With ``keep_prob`` (TF1's argument), ``rate = 1. - keep_prob`` in Python (a ``sub`` op for a tensor).
    A rate of exactly 0 returns ``x`` itself, but still takes a derived seed, as TensorFlow does.
    """
    if keep_prob is not None:
        if rate is not None:
            raise ValueError("Cannot specify both 'keep_prob' and 'rate'.")
        if isinstance(keep_prob, Tensor):
            rate = math_ops.subtract(1.0, keep_prob, name="sub")
        elif isinstance(keep_prob, numbers.Real):
            rate = 1.0 - float(keep_prob)
        else:
            raise ValueError(f"`keep_prob` must be a floating point number or Tensor. Received: keep_prob={keep_prob}")
    if rate is None:
        raise ValueError("`rate` must be provided. Received: rate=None")
    with name_scope(name, "dropout", [x]):
        return _dropout(x, rate, noise_shape, seed)


def _dropout(x, rate, noise_shape, seed):
    is_number = isinstance(rate, numbers.Real)
    if is_number and not 0 <= rate < 1:  # type: ignore[operator]
        raise ValueError(f"`rate` must be a scalar tensor or a float in the range [0, 1). Received: rate={rate}")
    x = convert_to_tensor(x, name="x")
    if x.dtype is None or not x.dtype.is_floating:
        raise ValueError(f"`x.dtype` must be a floating point tensor as `x` will be scaled. Received: "
                         f"x_dtype={x.dtype.name if x.dtype is not None else None}")
    if is_number and rate == 0:
        random_ops.get_seed(seed)  # the seed TF takes (and throws away) here, so later ops get the same seeds
        return x
    if is_number:
        scale = convert_to_tensor(1 / (1 - float(rate)), dtype=x.dtype, name="Const")  # type: ignore[arg-type]
        scaled = math_ops.multiply(x, scale, name="Mul")
    elif isinstance(rate, Tensor):
        if rate.shape.ndims not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {rate.shape.ndims}: dropout's rate {rate.name!r}")
        if rate.dtype != x.dtype:
            rate = math_ops.cast(rate, x.dtype, name="rate")
        one = convert_to_tensor(1, dtype=x.dtype, name="Const")
        scaled = math_ops.divide(x, math_ops.subtract(one, rate, name="Sub"), name="RealDiv")
    else:
        raise ValueError(f"`rate` must be a scalar or scalar tensor. Received: rate={rate}")
    uniform = random_ops.random_uniform(_noise_shape(x, noise_shape), dtype=x.dtype, seed=seed)
    if not isinstance(rate, Tensor):
        rate = convert_to_tensor(rate, dtype=x.dtype, name="GreaterEqual/y")  # TF's name for the literal
    keep = math_ops.greater_equal(uniform, rate, name="GreaterEqual")
    zero = convert_to_tensor(0, dtype=x.dtype, name="Const_1")
    out = select_v2(keep, scaled, zero)
    out.set_shape(x.shape)
    return out


def _noise_shape(x, noise_shape):
    """The shape of the uniform draw: ``x``'s (a constant when known), or ``noise_shape`` with its None
    entries filled from ``x``'s shape, as TF's ``_get_noise_shape``."""
    if noise_shape is None:
        return array_ops.shape(x)  # a Const (dropout/Shape) when x's shape is known, as TF folds it
    if isinstance(noise_shape, Tensor):
        return noise_shape
    dims = list(noise_shape)
    if any(d is None for d in dims):
        known = x.shape.dims
        if known is None or len(known) != len(dims):
            return dims  # TF leaves it for the kernel to reject
        dims = [k if d is None else d for d, k in zip(dims, known)]
    return dims


# -- moments, normalization -----------------------------------------------------------------------

def moments(x: TensorLike, axes: Sequence[int], shift: Any = None, name: str | None = None,
            keep_dims: bool | None = None, keepdims: bool | None = None) -> tuple[Tensor, Tensor]:
    """Mean and variance of ``x`` over ``axes``:

        mean     = reduce_mean(x, axes)
        variance = reduce_mean(squared_difference(x, stop_gradient(mean)), axes)

    (``shift`` is ignored, as in TensorFlow). The gradient of the variance does not flow through the
    mean: d(variance)/dx_i = 2 (x_i - mean) / N, which is exact because sum(x_i - mean) = 0.
    float16 inputs are computed in float32, as TF does.
    """
    if keep_dims is not None and keepdims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'.")
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name, "moments", [x, axes]):
        (x,) = as_nodes([x])
        y = math_ops.cast(x, _dtypes.float32) if x.dtype == _dtypes.float16 else x
        axes = list(axes)
        mean = reduce_mean(y, axes, keepdims=True, name="mean")
        variance = reduce_mean(math_ops.squared_difference(y, array_ops.stop_gradient(mean)), axes,
                               keepdims=True, name="variance")
        if not keep:
            mean = array_ops.squeeze(mean, axes)
            variance = array_ops.squeeze(variance, axes)
        if x.dtype == _dtypes.float16:
            return math_ops.cast(mean, _dtypes.float16), math_ops.cast(variance, _dtypes.float16)
        return mean, variance


def l2_normalize(x: TensorLike, axis: int | Sequence[int] | None = None, epsilon: float = 1e-12,
                 name: str | None = None, dim: int | Sequence[int] | None = None) -> Tensor:
    """y = x / sqrt(max(sum(x^2, axis), epsilon)), built as TF builds it: x * rsqrt(max(sum(x^2), epsilon)).

    ``dim`` is TF1's name for ``axis``; None normalizes over all elements.
    """
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'.")
    axis = dim if axis is None else axis
    with name_scope(name, "l2_normalize", [x]):
        x = convert_to_tensor(x, name="x")
        square_sum = reduce_sum(math_ops.square(x), axis, keepdims=True)
        inv_norm = math_ops.rsqrt(math_ops.maximum(square_sum, epsilon))
        return math_ops.multiply(x, inv_norm)


def batch_normalization(x: TensorLike, mean: TensorLike, variance: TensorLike, offset: TensorLike | None,
                        scale: TensorLike | None, variance_epsilon: float, name: str | None = None) -> Tensor:
    """y = scale * (x - mean) / sqrt(variance + epsilon) + offset, in TensorFlow's order of operations:

        inv = rsqrt(variance + epsilon) * scale
        y   = x * inv + (offset - mean * inv)

    (without ``scale``, ``inv`` is the rsqrt alone; without ``offset``, the second term is -mean * inv).
    """
    with name_scope(name, "batchnorm", [x, mean, variance, scale, offset]):
        x, mean, variance = as_nodes([x, mean, variance])
        inv = math_ops.rsqrt(math_ops.add(variance, variance_epsilon, name="add"))
        if scale is not None:
            inv = math_ops.multiply(inv, scale, name="mul")
        scaled = math_ops.multiply(x, cast_if_needed(inv, x.dtype), name="mul")
        shifted = math_ops.subtract(offset, math_ops.multiply(mean, inv, name="mul"), name="sub") \
            if offset is not None else math_ops.multiply(math_ops.negative(mean), inv, name="mul")
        return math_ops.add(scaled, cast_if_needed(shifted, x.dtype), name="add")


# -- cross-entropy ---------------------------------------------------------------------------------

def weighted_cross_entropy_with_logits(labels: TensorLike | None = None, logits: TensorLike | None = None,
                                       pos_weight: TensorLike | None = None, name: str | None = None,
                                       targets: TensorLike | None = None) -> Tensor:
    """Sigmoid cross-entropy with the positive term weighted by ``pos_weight`` (``targets``: TF1's ``labels``):

        loss = (1 - labels) * logits + (1 + (pos_weight - 1) * labels) * (log1p(e^-|logits|) + relu(-logits))

    which equals labels * -log(sigmoid(logits)) * pos_weight + (1 - labels) * -log(1 - sigmoid(logits))
    without overflow for any logits.
    """
    if labels is not None and targets is not None:
        raise ValueError("Cannot specify both 'labels' and 'targets'.")
    labels = targets if labels is None else labels
    if labels is None or logits is None or pos_weight is None:
        raise ValueError("weighted_cross_entropy_with_logits needs labels (or targets), logits and pos_weight")
    with name_scope(name, "logistic_loss", [logits, labels]):
        logits = convert_to_tensor(logits, name="logits")
        (labels,) = as_nodes([labels], dtype_hint=logits.dtype)
        if not labels.shape.is_compatible_with(logits.shape):
            raise ValueError(f"logits and labels must have the same shape ({logits.shape} vs {labels.shape})")
        # pos_weight - 1 in Python for a number (one constant, as TF), a Sub op for a tensor
        pw: Any = math_ops.subtract(pos_weight, 1, name="sub") if isinstance(pos_weight, Tensor) else \
            np.subtract(pos_weight, 1)
        log_weight = math_ops.add(1, math_ops.multiply(pw, labels, name="mul"), name="add")
        negative_part = math_ops.multiply(math_ops.subtract(1, labels, name="sub"), logits, name="mul")
        softplus_neg = math_ops.add(math_ops.log1p(math_ops.exp(math_ops.negative(math_ops.abs(logits)))),
                                    nn_ops.relu(math_ops.negative(logits)), name="add")
        return math_ops.add(negative_part, math_ops.multiply(log_weight, softplus_neg, name="mul"), name="add")
