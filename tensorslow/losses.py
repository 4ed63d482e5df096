"""``tf.losses`` (TF1's ``tf.compat.v1.losses``): losses weighted and reduced as TensorFlow does it.

With the default ``weights=1.0`` and reduction ``SUM_BY_NONZERO_WEIGHTS`` a loss is the
mean over all elements. Each loss is added to the ``GraphKeys.LOSSES`` collection, so
``get_total_loss()`` sums the losses a program built (plus the regularization losses).
The losses are built in ``ops/losses_impl.py``.
"""
from __future__ import annotations

from .graph import Tensor, get_default_graph
from .ops import math_ops
from .ops.core import convert_to_tensor
from .ops.losses_impl import (
    Reduction,
    absolute_difference,
    add_loss,
    compute_weighted_loss,
    cosine_distance,
    hinge_loss,
    huber_loss,
    log_loss,
    mean_pairwise_squared_error,
    mean_squared_error,
    sigmoid_cross_entropy,
    softmax_cross_entropy,
    sparse_softmax_cross_entropy,
)
from .variables import GraphKeys


def get_losses(scope: str | None = None, loss_collection: str = GraphKeys.LOSSES) -> list[Tensor]:
    """The losses in ``loss_collection`` (those whose name matches ``scope``, a regular expression)."""
    return get_default_graph().get_collection(loss_collection, scope)


def get_regularization_losses(scope: str | None = None) -> list[Tensor]:
    """The tensors in ``GraphKeys.REGULARIZATION_LOSSES`` (a layer's ``kernel_regularizer`` adds them)."""
    return get_default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope: str | None = None, name: str = "total_regularization_loss") -> Tensor:
    """The sum of the regularization losses (an ``AddN``), or a constant 0.0 if there are none."""
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    return convert_to_tensor(0.0)


def get_total_loss(add_regularization_losses: bool = True, name: str = "total_loss",
                   scope: str | None = None) -> Tensor:
    """The sum of ``get_losses()`` and, by default, the regularization losses."""
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope=scope)
    if not losses:
        raise ValueError("Inputs must be an iterable of at least one Tensor/IndexedSlices with the same dtype "
                         "and shape. (get_total_loss: no losses in GraphKeys.LOSSES, no regularization losses)")
    return math_ops.add_n(losses, name=name)


__all__ = ["Reduction", "absolute_difference", "add_loss", "compute_weighted_loss", "cosine_distance", "get_losses",
           "get_regularization_loss", "get_regularization_losses", "get_total_loss", "hinge_loss", "huber_loss",
           "log_loss", "mean_pairwise_squared_error", "mean_squared_error", "sigmoid_cross_entropy",
           "softmax_cross_entropy", "sparse_softmax_cross_entropy"]
