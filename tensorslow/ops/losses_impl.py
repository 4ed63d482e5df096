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

from .. import dtypes as _dtypes
from ..backend import xp
from ..graph import Tensor, TensorLike, constant_node, get_default_graph, name_scope
from ..registry import RegisterGradient
from ..variables import GraphKeys, no_op
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


def _assert_broadcastable(weights, values):
    """TF's ``assert_broadcastable``, decided when the graph is built: weights of rank 0, or of the values'
    rank with each dimension 1 or the values' (ValueError otherwise). As TF, in the scope
    ``assert_broadcastable``: the weights (a Const ``weights`` for a literal), their ``shape`` and ``rank``,
    the values' ``shape`` and ``rank`` (Consts where known, else Shape/Rank ops), then a ``NoOp`` saying
    which static check passed. Returns the weights as a node. Where the static shapes cannot decide, TF
    builds a run-time Assert in a cond; TensorSlow builds none (a bad shape fails in the Mul)."""
    with name_scope(None, "assert_broadcastable"):
        with name_scope(None, "weights") as weights_scope:
            weights = weights if isinstance(weights, Tensor) else convert_to_tensor(weights, name=weights_scope)
            array_ops.shape(weights, name="shape")
            array_ops.rank(weights, name="rank")
        with name_scope(None, "values"):
            array_ops.shape(values, name="shape")
            array_ops.rank(values, name="rank")
        w, v = weights.shape.dims, values.shape.dims
        if w is None or v is None:
            return weights
        if len(w) == 0:
            no_op(name="static_scalar_check_success")
            return weights
        prefix = "weights can not be broadcast to values."
        if len(w) != len(v):
            raise ValueError(f"{prefix} values.rank={len(v)}. weights.rank={len(w)}. values.shape={values.shape}. "
                             f"weights.shape={weights.shape}.")
        if weights.shape.is_fully_defined() and values.shape.is_fully_defined():
            for i, (a, b) in enumerate(zip(w, v)):
                if a not in (1, b):
                    raise ValueError(f"{prefix} Mismatch at dim {i}. values.shape={values.shape}, "
                                     f"weights.shape={weights.shape}.")
            no_op(name="static_dims_check_success")
        return weights


def broadcast_weights(weights: Tensor, values: Tensor) -> Tensor:
    """TF's ``broadcast_weights``: ``weights * ones_like(values)`` (named ``broadcast_weights``), or the
    weights themselves when both shapes are known and equal."""
    with name_scope(None, "broadcast_weights", [weights, values]) as scope:
        if weights.shape.is_fully_defined() and values.shape.is_fully_defined() \
                and weights.shape.is_compatible_with(values.shape):
            return weights
        _assert_broadcastable(weights, values)
        return math_ops.multiply(weights, array_ops.ones_like(values), name=scope)


def _safe_mean(losses, num_present):
    """sum(losses) / num_present, 0 when num_present is 0."""
    return div_no_nan(reduce_sum(losses), num_present, name="value")


def _num_elements(losses):
    """The number of elements of ``losses``, in their dtype: a Size named ``num_elements`` (a Const where
    the shape is known), cast."""
    with name_scope(None, "num_elements", [losses]) as scope:
        return math_ops.cast(array_ops.size(losses, name=scope), losses.dtype)


def _num_present(losses, weights, per_batch=False):
    """The number of losses with a nonzero weight, the weights broadcast to the losses' shape:
    ``sum(broadcast_weights(where(weights == 0, 0, 1), losses))``, named ``num_present``; ``per_batch``: one
    count per row, keeping the other axes as size 1."""
    with name_scope(None, "num_present", [losses, weights]) as scope:
        weights = cast_if_needed(weights, _dtypes.float32)
        present = indexing_ops.where(math_ops.equal(weights, 0.0), array_ops.zeros_like(weights),
                                     _ones_like(weights))
        present = broadcast_weights(present, losses)
        if per_batch:
            rank = losses.shape.ndims
            return reduce_sum(present, list(range(1, rank)), keepdims=True, name=scope)  # type: ignore[arg-type]
        return reduce_sum(present, name=scope)


def _ones_like(x):
    """``ones_like(x)`` as TF builds it (Shape/shape_as_tensor, Const, Fill). A scalar's is made here: its
    shape constant is the empty int32 vector, which ``array_ops.ones_like`` cannot make from ``[]`` yet."""
    if x.shape.ndims != 0:
        return array_ops.ones_like(x)
    with name_scope(None, "ones_like") as scope:
        with name_scope(None, "Shape"):
            dims = constant_node(0, dtype=_dtypes.int32, shape=[0], name="shape_as_tensor")  # the shape []
        return array_ops.fill(dims, constant_node(1, dtype=x.dtype, name="Const"), name=scope)


def cast(x: TensorLike, dtype: _dtypes.DType) -> Tensor:
    """TF's ``math_ops.cast``: a literal becomes the constant ``Cast/x`` (cast only if of another dtype); a
    node of ``dtype`` is returned as is."""
    if isinstance(x, Tensor):
        return cast_if_needed(x, dtype)
    with name_scope(None, "Cast") as scope:
        const = convert_to_tensor(x, name="x")
        return const if const.dtype == dtype else math_ops.cast(const, dtype, name=scope)


def compute_weighted_loss(losses: TensorLike, weights: TensorLike = 1.0, scope: str | None = None,
                          loss_collection: str | None = GraphKeys.LOSSES,
                          reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """``losses * weights`` reduced by ``reduction`` (see the module docstring), in float32, cast back to
    the losses' dtype, and added to ``loss_collection``; TF's ops in TF's order."""
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss", [losses, weights]):
        losses = convert_to_tensor(losses)
        _assert_broadcastable(weights, losses)
        input_dtype = losses.dtype
        losses = cast_if_needed(losses, _dtypes.float32)
        weights = cast(weights, _dtypes.float32)
        weighted = math_ops.multiply(losses, weights, name="Mul")
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = reduce_sum(weighted)
            if reduction == Reduction.MEAN:
                loss = _safe_mean(loss, reduce_sum(array_ops.ones_like(losses) * weights))
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
        # TF writes it with operators: its ops are add, Log, Mul, Neg, sub, sub_1, add_1, Log_1, Mul_1, sub_2
        losses = -math_ops.multiply(y, math_ops.log(p + epsilon)) - math_ops.multiply(
            (1 - y), math_ops.log(1 - p + epsilon))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


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
        half = convert_to_tensor(0.5, dtype=quadratic.dtype)  # TF's Const, made before the Muls
        losses = math_ops.add(math_ops.multiply(half, math_ops.multiply(quadratic, quadratic)),
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
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing  # operators, as TF: mul, add
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
            negatives = label_smoothing / num_classes  # operators, as TF: truediv, mul, add
            labels = labels * (1.0 - label_smoothing) + negatives
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
    """Labels [batch, 1] -> [batch] when the logits are [batch, classes]; then the weights as a node (a
    literal becomes the Const TF makes here, ``Const``), losing their last axis when they are one rank
    above the (squeezed) labels (static ranks only)."""
    lr, pr = labels.shape.ndims, logits.shape.ndims
    with name_scope(None, "remove_squeezable_dimensions"):  # TF's confusion_matrix helper, its scope
        if lr is not None and pr is not None and pr - lr == 0 and labels.shape.dims[-1] in (1, None):
            labels = array_ops.squeeze(labels, [-1])
    weights = convert_to_tensor(weights)
    if weights.shape.ndims is not None and labels.shape.ndims is not None \
            and weights.shape.ndims - labels.shape.ndims == 1:
        weights = array_ops.squeeze(weights, [-1])
    return labels, weights


def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES):
    """Per row (axis 0 is the batch), the mean over pairs of elements (i, j) of
    ((p_i - p_j) - (l_i - l_j))^2, as TF computes it from d = p - l over the n elements of the row:
    2 sum(d^2) / (n - 1) - 2 (sum d)^2 / (n (n - 1)); then sum(row losses * weights)."""
    with name_scope(scope, "mean_pairwise_squared_error", [predictions, labels]) as scope:
        weights = cast(weights, _dtypes.float32)
        labels, predictions = _float32_pair(labels, predictions)
        _assert_broadcastable(weights, labels)
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
