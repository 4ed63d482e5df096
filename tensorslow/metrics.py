"""``tf.metrics``: streaming metrics, accumulated over many ``sess.run`` calls in local variables.

Each metric returns two tensors, ``(value, update_op)``. The update op adds a batch to running totals
kept in variables of the ``LOCAL_VARIABLES`` and ``METRIC_VARIABLES`` collections (``<name>/total``,
``<name>/count``...), and returns the metric over everything seen so far; ``value`` reads the totals
without changing them. So an evaluation loop runs ``update_op`` per batch, then reads ``value``; and
the totals start at zero only once ``tf.local_variables_initializer()`` has run (running it again
resets them)::

    mean      = total / count                 total += sum(values * weights), count += sum(weights)
    accuracy  = mean of (predictions == labels)
    precision = tp / (tp + fp), recall = tp / (tp + fn)     (0 when the denominator is 0)
    mean_squared_error, mean_absolute_error: means of (labels - predictions) ** 2 and |labels - predictions|
    root_mean_squared_error = sqrt(mean_squared_error)

Built from the same ops in the same order as ``tf.compat.v1.metrics`` (divisions by ``div_no_nan``).
Ranks that differ by one are squeezed as TF does when both are known when the graph is built.
"""
from __future__ import annotations

from typing import Any

from . import dtypes as _dtypes
from .graph import Tensor, TensorLike, control_dependencies, get_default_graph
from .ops.array_ops import identity, size, squeeze
from .ops.core import convert_to_tensor
from .ops.indexing_ops import where
from .ops.losses_impl import broadcast_weights, cast, div_no_nan  # cast: tf.cast (no op for a node of the dtype)
from .ops.math_ops import abs as abs_
from .ops.math_ops import equal, greater, logical_and, maximum, multiply, sqrt, squared_difference, subtract
from .ops.reduction_ops import reduce_sum
from .variable_scope import variable_scope
from .variables import GraphKeys, Variable, assign_add

Metric = tuple[Tensor, Tensor]


def metric_variable(shape: Any, dtype: Any, validate_shape: bool = True, name: str | None = None) -> Variable:
    """A zero-initialized local variable of the METRIC_VARIABLES collection (not trainable)."""
    from .ops.array_ops import zeros
    return Variable(lambda: zeros(shape, dtype), trainable=False,
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
                    validate_shape=validate_shape, name=name)


def _add_to(collections, tensor):
    for key in collections or ():
        get_default_graph().add_to_collection(key, tensor)


def _squeeze_to_match(predictions, labels, weights):
    """TF's ``_remove_squeezable_dimensions`` with static ranks: drop a trailing size-1 axis from the
    operand one rank above the other; weights lose or gain one to match the predictions."""
    predictions = convert_to_tensor(predictions)
    if labels is not None:
        labels = convert_to_tensor(labels)
        p_rank, l_rank = predictions.shape.ndims, labels.shape.ndims
        if p_rank is not None and l_rank is not None:
            if l_rank - p_rank == 1 and labels.shape.dims[-1] in (1, None):
                labels = squeeze(labels, [-1])
            elif p_rank - l_rank == 1 and predictions.shape.dims[-1] in (1, None):
                predictions = squeeze(predictions, [-1])
        if not predictions.shape.is_compatible_with(labels.shape):
            raise ValueError(f"Shapes {predictions.shape} and {labels.shape} are incompatible")
    if weights is None:
        return predictions, labels, None
    weights = convert_to_tensor(weights)
    w_rank, p_rank = weights.shape.ndims, predictions.shape.ndims
    if w_rank not in (0, None) and p_rank is not None:
        from .ops.array_ops import expand_dims
        if w_rank - p_rank == 1:
            weights = squeeze(weights, [-1])
        elif p_rank - w_rank == 1:
            weights = expand_dims(weights, -1)
    return predictions, labels, weights


def _broadcast_weights(weights, values):
    """TF's ``broadcast_weights`` (``weights * ones_like(values)`` in the scope ``broadcast_weights``)."""
    return broadcast_weights(weights, values)


def mean(values: TensorLike, weights: TensorLike | None = None, metrics_collections: Any = None,
         updates_collections: Any = None, name: str | None = None) -> Metric:
    """The (weighted) mean of all ``values`` seen: total / count, 0 before any."""
    with variable_scope(name, "mean", (values, weights)):
        values = cast(values, _dtypes.float32)
        total = metric_variable([], _dtypes.float32, name="total")
        count = metric_variable([], _dtypes.float32, name="count")
        if weights is None:
            num_values = cast(size(values), _dtypes.float32)
        else:
            values, _, weights = _squeeze_to_match(values, None, weights)
            weights = _broadcast_weights(cast(weights, _dtypes.float32), values)
            values = multiply(values, weights)
            num_values = reduce_sum(weights)
        update_total_op = assign_add(total, reduce_sum(values))
        with control_dependencies([values]):
            update_count_op = assign_add(count, num_values)
        mean_t = div_no_nan(total, maximum(count, 0.0), name="value")
        _add_to(metrics_collections, mean_t)
        update_op = div_no_nan(update_total_op, maximum(update_count_op, 0.0), name="update_op")
        _add_to(updates_collections, update_op)
        return mean_t, update_op


def accuracy(labels: TensorLike, predictions: TensorLike, weights: TensorLike | None = None,
             metrics_collections: Any = None, updates_collections: Any = None, name: str | None = None) -> Metric:
    """The fraction of ``predictions`` equal to ``labels`` (weighted), over all batches seen."""
    p, y, weights = _squeeze_to_match(predictions, labels, weights)
    if y.dtype != p.dtype:
        p = cast(p, y.dtype)
    is_correct = cast(equal(p, y), _dtypes.float32)
    return mean(is_correct, weights, metrics_collections, updates_collections, name or "accuracy")


def mean_squared_error(labels: TensorLike, predictions: TensorLike, weights: TensorLike | None = None,
                       metrics_collections: Any = None, updates_collections: Any = None,
                       name: str | None = None) -> Metric:
    """The mean of (labels - predictions) ** 2 over all batches seen."""
    predictions, labels, weights = _squeeze_to_match(predictions, labels, weights)
    return mean(squared_difference(labels, predictions), weights, metrics_collections, updates_collections,
                name or "mean_squared_error")


def mean_absolute_error(labels: TensorLike, predictions: TensorLike, weights: TensorLike | None = None,
                        metrics_collections: Any = None, updates_collections: Any = None,
                        name: str | None = None) -> Metric:
    """The mean of |predictions - labels| over all batches seen."""
    predictions, labels, weights = _squeeze_to_match(predictions, labels, weights)
    return mean(abs_(subtract(predictions, labels)), weights, metrics_collections, updates_collections,
                name or "mean_absolute_error")


def root_mean_squared_error(labels: TensorLike, predictions: TensorLike, weights: TensorLike | None = None,
                            metrics_collections: Any = None, updates_collections: Any = None,
                            name: str | None = None) -> Metric:
    """sqrt of the mean squared error over all batches seen."""
    predictions, labels, weights = _squeeze_to_match(predictions, labels, weights)
    mse, update_mse_op = mean_squared_error(labels, predictions, weights, None, None,
                                            name or "root_mean_squared_error")
    rmse = sqrt(mse)
    _add_to(metrics_collections, rmse)
    update_rmse_op = sqrt(update_mse_op)
    _add_to(updates_collections, update_rmse_op)
    return rmse, update_rmse_op


# -- counts of a condition: true/false positives/negatives, precision, recall ------------------------

def _count_condition(values, weights, metrics_collections, updates_collections):
    """count += sum(cast(values) * weights); the value is the count read through an Identity."""
    if values.dtype != _dtypes.bool:
        raise TypeError(f"{values.name!r} must be of type <dtype: 'bool'>; got {values.dtype}")
    count = metric_variable([], _dtypes.float32, name="count")
    values = cast(values, _dtypes.float32)
    if weights is not None:
        values = multiply(values, cast(weights, _dtypes.float32))
    value_tensor = identity(count)
    _add_to(metrics_collections, value_tensor)
    update_op = assign_add(count, reduce_sum(values))
    _add_to(updates_collections, update_op)
    return value_tensor, update_op


def _as_bools(labels, predictions, weights):
    return _squeeze_to_match(cast(predictions, _dtypes.bool), cast(labels, _dtypes.bool), weights)


def _condition_metric(default_name, condition):
    """A count metric of ``condition(labels, predictions)`` (both cast to bool)."""
    def metric(labels: TensorLike, predictions: TensorLike, weights: TensorLike | None = None,
               metrics_collections: Any = None, updates_collections: Any = None, name: str | None = None) -> Metric:
        with variable_scope(name, default_name, (predictions, labels, weights)):
            predictions, labels, weights = _as_bools(labels, predictions, weights)
            return _count_condition(condition(labels, predictions), weights, metrics_collections,
                                    updates_collections)
    metric.__name__ = default_name
    metric.__doc__ = f"The (weighted) number of {default_name.replace('_', ' ')} over all batches seen."
    return metric


true_positives = _condition_metric(
    "true_positives", lambda y, p: logical_and(equal(y, True), equal(p, True)))
false_positives = _condition_metric(
    "false_positives", lambda y, p: logical_and(equal(y, False), equal(p, True)))
false_negatives = _condition_metric(
    "false_negatives", lambda y, p: logical_and(equal(y, True), equal(p, False)))
true_negatives = _condition_metric(
    "true_negatives", lambda y, p: logical_and(equal(y, False), equal(p, False)))


def _ratio_metric(default_name, other_count):
    """tp / (tp + other) with 0 where the denominator is 0: precision (other = fp), recall (other = fn)."""
    def metric(labels: TensorLike, predictions: TensorLike, weights: TensorLike | None = None,
               metrics_collections: Any = None, updates_collections: Any = None, name: str | None = None) -> Metric:
        with variable_scope(name, default_name, (predictions, labels, weights)):
            predictions, labels, weights = _as_bools(labels, predictions, weights)
            tp, tp_update = true_positives(labels, predictions, weights)
            other, other_update = other_count(labels, predictions, weights)

            def ratio(a, b, op_name):
                return where(greater(a + b, 0.0), a / (a + b), 0.0, name=op_name)
            value = ratio(tp, other, "value")
            _add_to(metrics_collections, value)
            update_op = ratio(tp_update, other_update, "update_op")
            _add_to(updates_collections, update_op)
            return value, update_op
    metric.__name__ = default_name
    return metric


precision = _ratio_metric("precision", false_positives)
precision.__doc__ = "tp / (tp + fp) over all batches seen (0 if nothing was predicted positive)."
recall = _ratio_metric("recall", false_negatives)
recall.__doc__ = "tp / (tp + fn) over all batches seen (0 if no label was positive)."

__all__ = ["accuracy", "mean", "mean_squared_error", "mean_absolute_error", "root_mean_squared_error", "precision",
           "recall", "true_positives", "false_positives", "true_negatives", "false_negatives", "metric_variable"]
