"""``tf.losses``: per-element losses, weighted and reduced as ``tf.compat.v1.losses`` does it.

Every loss is ``compute_weighted_loss(per_element_losses, weights, reduction)``:

    weighted = losses * weights                       (weights broadcast to the losses' shape)
    NONE                      -> weighted
    SUM                       -> sum(weighted)
    MEAN                      -> sum(weighted) / sum(weights broadcast)
    SUM_OVER_BATCH_SIZE       -> sum(weighted) / number of elements
    SUM_BY_NONZERO_WEIGHTS    -> sum(weighted) / number of nonzero weights   (the default)

Divisions are ``div_no_nan`` (0 / 0 = 0: all weights zero gives a loss of 0). As in
TensorFlow the arithmetic is float32 whatever the inputs (labels and predictions
are cast to float32; a float64 cross-entropy is reduced in float32 and cast back),
and the result is added to the ``GraphKeys.LOSSES`` collection unless
``loss_collection`` is None.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes as _dtypes
from ..backend import xp
from ..graph import Tensor, TensorLike, get_default_graph, name_scope
from ..registry import RegisterGradient
from ..variables import GraphKeys
from . import array_ops, indexing_ops, math_ops, nn_ops
from .core import as_nodes, binary_op, convert_to_tensor
from .nn_impl import cast_if_needed
from .reduction_ops import reduce_sum


class Reduction:
    """How ``compute_weighted_loss`` reduces the weighted losses (``tf.losses.Reduction``)."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls) -> tuple[str, ...]:
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_OVER_NONZERO_WEIGHTS,
                cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key: str) -> None:
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}. Key should be one of {cls.all()}.")


# -- div_no_nan: the division of the mean reductions ------------------------------------------------

@binary_op("DivNoNan")
def div_no_nan(x, y):
    """z = x / y, and 0 where y == 0 (even for x == 0 or x infinite)"""
    safe = xp.where(y == 0, xp.ones((), dtype=y.dtype), y)
    return xp.where(y == 0, xp.zeros((), dtype=x.dtype), x / safe)


@RegisterGradient("DivNoNan")
def _div_no_nan_grad(op, grad):
    """dz/dx = div_no_nan(1, y); dz/dy = div_no_nan(div_no_nan(-x, y), y) = -x / y^2 (0 where y == 0)"""
    x, y = op.inputs
    return div_no_nan.kernel(grad, y), grad * div_no_nan.kernel(div_no_nan.kernel(-x, y), y)


# -- weighting and reduction --------------------------------------------------------------------------

def add_loss(loss: Tensor, loss_collection: str | None = GraphKeys.LOSSES) -> None:
    """Add ``loss`` to the collection ``loss_collection`` (nothing if it is None)."""
    if loss_collection:
        get_default_graph().add_to_collection(loss_collection, loss)


def _check_broadcastable(weights, values):
    """TF's static check: weights of rank 0, or of the values' rank with each dimension 1 or equal."""
    w, v = weights.shape.dims, values.shape.dims
    if w is None or v is None or len(w) == 0:
        return
    prefix = "weights can not be broadcast to values."
    if len(w) != len(v):
        raise ValueError(f"{prefix} values.rank={len(v)}. weights.rank={len(w)}. values.shape={values.shape}. "
                         f"weights.shape={weights.shape}.")
    for i, (a, b) in enumerate(zip(w, v)):
        if a is not None and b is not None and a not in (1, b):
            raise ValueError(f"{prefix} Mismatch at dim {i}. values.shape={values.shape}, "
                             f"weights.shape={weights.shape}.")


def _safe_mean(losses, num_present):
    """sum(losses) / num_present, 0 when num_present is 0."""
    return div_no_nan(reduce_sum(losses), num_present, name="value")


def _num_elements(losses):
    with name_scope(None, "num_elements", [losses]):
        return math_ops.cast(array_ops.size(losses), losses.dtype)


def _num_present(losses, weights, per_batch=False):
    """The number of losses with a nonzero weight (all of them for a nonzero Python float weight);
    ``per_batch``: one count per row, keeping the other axes as size 1."""
    if isinstance(weights, float) and weights != 0.0:
        return _num_elements(losses)
    with name_scope(None, "num_present", [losses, weights]):
        weights = math_ops.cast(weights, _dtypes.float32)
        present = indexing_ops.where(math_ops.equal(weights, 0.0), array_ops.zeros_like(weights),
                                     array_ops.ones_like(weights))
        if not (present.shape.is_fully_defined() and losses.shape.is_fully_defined()
                and present.shape.is_compatible_with(losses.shape)):
            # ones of the losses' shape; a constant when that shape is known, so that the count does not
            # depend on the inputs (it has no gradient, and a backward pass need not walk through it)
            ones = array_ops.ones(losses.shape.as_list(), _dtypes.float32) if losses.shape.is_fully_defined() \
                else array_ops.ones_like(losses)
            present = math_ops.multiply(present, ones)
        if per_batch:
            rank = losses.shape.ndims
            return reduce_sum(present, list(range(1, rank)), keepdims=True)  # type: ignore[arg-type]
        return reduce_sum(present)


def compute_weighted_loss(losses: TensorLike, weights: TensorLike = 1.0, scope: str | None = None,
                          loss_collection: str | None = GraphKeys.LOSSES,
                          reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """``losses * weights`` reduced by ``reduction`` (see the module docstring), in float32, cast back to
    the losses' dtype, and added to ``loss_collection``."""
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss", [losses, weights]):
        losses = convert_to_tensor(losses)
        input_dtype = losses.dtype
        w = weights if isinstance(weights, Tensor) else convert_to_tensor(np.asarray(weights, np.float32))
        _check_broadcastable(w, losses)
        losses = cast_if_needed(losses, _dtypes.float32)
        w = cast_if_needed(w, _dtypes.float32)
        weighted = math_ops.multiply(losses, w, name="Mul")
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = reduce_sum(weighted)
            if reduction == Reduction.MEAN:
                loss = _safe_mean(loss, reduce_sum(math_ops.multiply(array_ops.ones_like(losses), w)))
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = _safe_mean(loss, _num_present(losses, weights))
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = _safe_mean(loss, _num_elements(losses))
        loss = cast_if_needed(loss, input_dtype)
        add_loss(loss, loss_collection)
        return loss


# -- the losses ------------------------------------------------------------------------------------

def _float32_pair(labels, predictions, what="predictions"):
    """Both cast to float32 (no Cast op for one already float32), shapes checked compatible."""
    if labels is None:
        raise ValueError("Argument `labels` must not be None.")
    if predictions is None:
        raise ValueError(f"Argument `{what}` must not be None.")
    labels, predictions = as_nodes([labels, predictions])
    predictions = cast_if_needed(predictions, _dtypes.float32)
    labels = cast_if_needed(labels, _dtypes.float32)
    if not predictions.shape.is_compatible_with(labels.shape):
        raise ValueError(f"Shapes {predictions.shape} and {labels.shape} are incompatible")
    return labels, predictions


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """losses = (predictions - labels)^2"""
    with name_scope(scope, "mean_squared_error", [predictions, labels]) as scope:
        labels, predictions = _float32_pair(labels, predictions)
        losses = math_ops.squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def absolute_difference(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """losses = |predictions - labels|"""
    with name_scope(scope, "absolute_difference", [predictions, labels]) as scope:
        labels, predictions = _float32_pair(labels, predictions)
        losses = math_ops.abs(math_ops.subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None, loss_collection=GraphKeys.LOSSES,
             reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """losses = -labels * log(predictions + eps) - (1 - labels) * log(1 - predictions + eps)"""
    with name_scope(scope, "log_loss", [predictions, labels]) as scope:
        y, p = _float32_pair(labels, predictions)
        positive = math_ops.negative(math_ops.multiply(y, math_ops.log(math_ops.add(p, epsilon))))
        negative = math_ops.multiply(math_ops.subtract(1.0, y),
                                     math_ops.log(math_ops.add(math_ops.subtract(1.0, p), epsilon)))
        return compute_weighted_loss(math_ops.subtract(positive, negative), weights, scope, loss_collection,
                                     reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """losses = relu(1 - (2 labels - 1) * logits), labels in {0, 1}"""
    with name_scope(scope, "hinge_loss", [logits, labels]) as scope:
        labels, logits = _float32_pair(labels, logits, "logits")
        ones = array_ops.ones_like(labels)
        signs = math_ops.subtract(math_ops.multiply(2.0, labels), ones)
        losses = nn_ops.relu(math_ops.subtract(ones, math_ops.multiply(signs, logits)))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """losses = 0.5 q^2 + delta (|e| - q), e = predictions - labels, q = min(|e|, delta)"""
    with name_scope(scope, "huber_loss", [predictions, labels]) as scope:
        labels, predictions = _float32_pair(labels, predictions)
        abs_error = math_ops.abs(math_ops.subtract(predictions, labels))
        quadratic = math_ops.minimum(abs_error, delta)
        linear = math_ops.subtract(abs_error, quadratic)
        losses = math_ops.add(math_ops.multiply(0.5, math_ops.multiply(quadratic, quadratic)),
                              math_ops.multiply(delta, linear))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS, dim=None):
    """losses = 1 - sum(predictions * labels, axis), kept as size 1 (both assumed unit-normalized)"""
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'.")
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("You must specify argument `axis`.")
    with name_scope(scope, "cosine_distance_loss", [predictions, labels]) as scope:
        labels, predictions = _float32_pair(labels, predictions)
        losses = math_ops.subtract(1, reduce_sum(math_ops.multiply(predictions, labels), (axis,), keepdims=True))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """losses = sigmoid_cross_entropy_with_logits(labels, logits), labels smoothed to
    labels * (1 - s) + s / 2 if ``label_smoothing`` = s > 0"""
    if multi_class_labels is None:
        raise ValueError("Argument `multi_class_labels` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    with name_scope(scope, "sigmoid_cross_entropy_loss", [logits, multi_class_labels]) as scope:
        logits = convert_to_tensor(logits)
        labels = cast_if_needed(as_nodes([multi_class_labels], dtype_hint=logits.dtype)[0], logits.dtype)
        if not logits.shape.is_compatible_with(labels.shape):
            raise ValueError(f"Shapes {logits.shape} and {labels.shape} are incompatible")
        if label_smoothing > 0:
            labels = math_ops.add(math_ops.multiply(labels, 1 - label_smoothing), 0.5 * label_smoothing)
        losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """losses = softmax cross-entropy per row (no gradient into the labels), labels smoothed to
    labels * (1 - s) + s / num_classes if ``label_smoothing`` = s > 0"""
    if onehot_labels is None:
        raise ValueError("Argument `onehot_labels` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    with name_scope(scope, "softmax_cross_entropy_loss", [logits, onehot_labels]) as scope:
        logits = convert_to_tensor(logits)
        labels = cast_if_needed(as_nodes([onehot_labels], dtype_hint=logits.dtype)[0], logits.dtype)
        if not logits.shape.is_compatible_with(labels.shape):
            raise ValueError(f"Shapes {logits.shape} and {labels.shape} are incompatible")
        if label_smoothing > 0:
            num_classes = math_ops.cast(array_ops.shape(labels)[-1], logits.dtype)
            negatives = math_ops.divide(label_smoothing, num_classes)
            labels = math_ops.add(math_ops.multiply(labels, 1.0 - label_smoothing), negatives)
        labels = array_ops.stop_gradient(labels, name="labels_stop_gradient")
        losses = nn_ops.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """losses = -log softmax(logits)[label] per row; labels of shape [batch, 1] (and weights of one rank
    more than the labels) lose their last axis, as in TensorFlow"""
    if labels is None:
        raise ValueError("Argument `labels` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    with name_scope(scope, "sparse_softmax_cross_entropy_loss", [logits, labels]) as scope:
        (logits,) = as_nodes([logits])
        (labels,) = as_nodes([labels], dtype_hint=_dtypes.int64)
        labels, weights = _remove_squeezable_dimensions(labels, logits, weights)
        losses = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def _remove_squeezable_dimensions(labels, logits, weights):
    """Labels [batch, 1] -> [batch] when the logits are [batch, classes]; weights one rank above the
    (squeezed) labels lose their last axis (static ranks only)."""
    lr, pr = labels.shape.ndims, logits.shape.ndims
    if lr is not None and pr is not None and pr - lr == 0 and labels.shape.dims[-1] in (1, None):
        labels = array_ops.squeeze(labels, [-1])
    w = weights if isinstance(weights, Tensor) else None
    if w is not None and w.shape.ndims is not None and labels.shape.ndims is not None \
            and w.shape.ndims - labels.shape.ndims == 1:
        weights = array_ops.squeeze(w, [-1])
    elif w is None and np.ndim(weights) and labels.shape.ndims is not None \
            and np.ndim(weights) - labels.shape.ndims == 1:
        weights = np.squeeze(np.asarray(weights), -1)
    return labels, weights


def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES):
    """Per row (axis 0 is the batch), the mean over pairs of elements (i, j) of
    ((p_i - p_j) - (l_i - l_j))^2, as TF computes it from d = p - l over the n elements of the row:
    2 sum(d^2) / (n - 1) - 2 (sum d)^2 / (n (n - 1)); then sum(row losses * weights)."""
    with name_scope(scope, "mean_pairwise_squared_error", [predictions, labels]) as scope:
        weights = math_ops.cast(convert_to_tensor(weights) if not isinstance(weights, Tensor) else weights,
                                _dtypes.float32)
        labels, predictions = _float32_pair(labels, predictions)
        _check_broadcastable(weights, labels)
        diffs = math_ops.subtract(predictions, labels)
        rank = diffs.shape.ndims
        if rank is None:
            raise ValueError("mean_pairwise_squared_error needs predictions of known rank")
        axis = list(range(1, rank))
        sum_squares = reduce_sum(math_ops.square(diffs), axis, keepdims=True)
        n = _num_present(diffs, weights, per_batch=True)
        n_minus_1 = math_ops.subtract(n, 1)
        term1 = math_ops.multiply(2.0, div_no_nan(sum_squares, math_ops.maximum(n_minus_1, 0), name="value"))
        sum_diff = reduce_sum(diffs, axis, keepdims=True)
        term2 = math_ops.multiply(2.0, div_no_nan(math_ops.square(sum_diff),
                                                  math_ops.maximum(math_ops.multiply(n, n_minus_1), 0),
                                                  name="value"))
        loss = reduce_sum(math_ops.multiply(math_ops.subtract(term1, term2), weights))
        mean_loss = indexing_ops.where(math_ops.greater(reduce_sum(n), 0), loss, array_ops.zeros_like(loss),
                                       name="value")
        add_loss(mean_loss, loss_collection)
        return mean_loss
