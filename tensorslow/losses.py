"""``tf.losses``: the common losses, averaged as TF1 does by default.

With the default weights of 1.0, TF1's reduction ``SUM_BY_NONZERO_WEIGHTS``
is the mean over all elements, which is what these return.
"""
from .ops import math_ops, nn_ops
from .ops.reduction_ops import reduce_mean


class Reduction:
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    MEAN = "weighted_mean"
    SUM = "weighted_sum"
    NONE = "none"


def _reduce(losses, weights, reduction):
    losses = math_ops.multiply(losses, weights) if weights != 1.0 else losses
    if reduction == Reduction.NONE:
        return losses
    if reduction == Reduction.SUM:
        from .ops.reduction_ops import reduce_sum
        return reduce_sum(losses)
    if weights != 1.0:
        raise NotImplementedError("weights other than 1.0 are not supported with mean reductions")
    return reduce_mean(losses)


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=None,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """mean((predictions - labels)^2)"""
    return _reduce(math_ops.squared_difference(predictions, labels), weights, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None, loss_collection=None,
             reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """mean(-labels log(p + eps) - (1 - labels) log(1 - p + eps))"""
    p, y = predictions, labels
    losses = math_ops.subtract(
        math_ops.negative(math_ops.multiply(y, math_ops.log(math_ops.add(p, epsilon)))),
        math_ops.multiply(math_ops.subtract(1.0, y), math_ops.log(math_ops.add(math_ops.subtract(1.0, p), epsilon))))
    return _reduce(losses, weights, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=None, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """mean over rows of softmax cross-entropy (no gradient into the labels)"""
    if label_smoothing:
        raise NotImplementedError("label_smoothing is not supported")
    return _reduce(nn_ops.softmax_cross_entropy_with_logits(labels=onehot_labels, logits=logits), weights, reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None, loss_collection=None,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """mean over rows of sparse softmax cross-entropy"""
    return _reduce(nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits), weights,
                   reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=None, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """mean of elementwise sigmoid cross-entropy"""
    if label_smoothing:
        raise NotImplementedError("label_smoothing is not supported")
    return _reduce(nn_ops.sigmoid_cross_entropy_with_logits(labels=multi_class_labels, logits=logits), weights,
                   reduction)
