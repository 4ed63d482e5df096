"""Neural-network ops with kernels of their own: activations, softmax, cross-entropies, bias_add, l2_loss.

Functions built from other ops (dropout, moments, l2_normalize, ...) are in ``nn_impl.py``.

Softmax, log-softmax and the cross-entropies subtract the row maximum before
exponentiating, so logits of +-1000 give finite values and gradients.
"""
from __future__ import annotations

import math

import numpy as np

from .. import dtypes as _dtypes
from ..backend import xp
from ..fast_kernels import max_along, sum_along
from ..graph import Tensor, TensorLike, constant_node, control_dependencies, name_scope
from ..registry import RegisterGradient
from ..shapes import TensorShape
from . import array_ops, core, indexing_ops, math_ops, slice_ops
from .core import as_nodes, check_floating, common_dtype, int_arg, unary_op

# -- activations -----------------------------------------------------------------------

@unary_op("Relu")
def relu(x):
    """y = max(x, 0)"""
    return xp.maximum(x, 0)


@RegisterGradient("Relu")
def _relu_grad(op, grad):
    """dy/dx = 1 where y > 0, else 0"""
    return grad * (op.output > 0)


@unary_op("Relu6")
def relu6(x):
    """y = min(max(x, 0), 6)"""
    return xp.minimum(xp.maximum(x, 0), 6)


@RegisterGradient("Relu6")
def _relu6_grad(op, grad):
    """dy/dx = 1 where 0 < x < 6, else 0"""
    y = op.output
    return grad * ((y > 0) & (y < 6))


def leaky_relu(features: TensorLike, alpha: float = 0.2, name: str | None = None) -> Tensor:
    """y = x if x > 0 else alpha * x

    ``alpha`` is rounded to float32, as TensorFlow stores it (a ``float`` attribute):
    in float64, TF's leaky_relu(x, 0.2) multiplies by 0.20000000298..., and so does this.
    """
    (x,) = as_nodes([features])
    alpha = float(np.float32(alpha))
    return Tensor("LeakyRelu", (x,), compute=lambda v: xp.where(v > 0, v, v * v.dtype.type(alpha)),
                  attrs={"alpha": alpha}, dtype=x.dtype, shape=x.shape, name=name or "LeakyRelu")


@RegisterGradient("LeakyRelu")
def _leaky_relu_grad(op, grad):
    """dy/dx = 1 where x > 0, else alpha"""
    x = op.inputs[0]
    return xp.where(x > 0, grad, grad * grad.dtype.type(op.alpha))


@unary_op("Elu", float_only=True)
def elu(x):
    """y = x if x > 0 else e^x - 1"""
    return xp.where(x > 0, x, xp.expm1(xp.minimum(x, 0)))


@RegisterGradient("Elu")
def _elu_grad(op, grad):
    """dy/dx = e^x = y + 1 where y < 0, else 1 (TensorFlow's EluGrad)"""
    y = op.output
    return xp.where(y < 0, grad * (y + 1), grad)


_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_ALPHA = 1.6732632423543772848170429916717


@unary_op("Selu", float_only=True)
def selu(x):
    """y = scale * x if x > 0 else scale * alpha * (e^x - 1)"""
    return xp.where(x > 0, _SELU_SCALE * x, (_SELU_SCALE * _SELU_ALPHA) * xp.expm1(xp.minimum(x, 0))).astype(x.dtype)


@RegisterGradient("Selu")
def _selu_grad(op, grad):
    """dy/dx = scale * alpha * e^x = y + scale * alpha where y < 0, else scale (at x = 0 too, as TF's SeluGrad)"""
    y = op.output
    return xp.where(y < 0, grad * (y + _SELU_SCALE * _SELU_ALPHA), grad * _SELU_SCALE).astype(grad.dtype)


@unary_op("Softplus", float_only=True)
def softplus(x):
    """y = log(1 + e^x), computed as logaddexp(0, x) so large x does not overflow"""
    return xp.logaddexp(x.dtype.type(0), x)


@RegisterGradient("Softplus")
def _softplus_grad(op, grad):
    """dy/dx = sigmoid(x)"""
    return grad / (1 + xp.exp(-op.inputs[0]))


@unary_op("Softsign", float_only=True)
def softsign(x):
    """y = x / (1 + |x|)"""
    return x / (1 + xp.abs(x))


@RegisterGradient("Softsign")
def _softsign_grad(op, grad):
    """dy/dx = 1 / (1 + |x|)^2"""
    x = op.inputs[0]
    return grad / xp.square(1 + xp.abs(x))


sigmoid = math_ops.sigmoid
tanh = math_ops.tanh


# -- softmax family --------------------------------------------------------------------

def _axis_op(op_type, kernel):
    def build(logits, axis=None, name=None, dim=None):
        (x,) = as_nodes([logits])
        check_floating(op_type, x, "logits")
        ax = -1 if axis is None and dim is None else int_arg(dim if axis is None else axis, "axis", op_type)
        return Tensor(op_type, (x,), compute=lambda v: kernel(v, ax), attrs={"axis": ax}, dtype=x.dtype,
                      shape=x.shape, name=name or op_type)
    build.op_type = op_type
    build.__doc__ = kernel.__doc__
    return build


def _log_softmax(z, axis):
    """log_softmax(z)_i = z_i - max(z) - log(sum_j e^(z_j - max(z)))"""
    shifted = z - max_along(z, axis, keepdims=True)
    return shifted - xp.log(sum_along(xp.exp(shifted), axis, keepdims=True))


def _softmax(z, axis):
    """softmax(z)_i = e^(z_i - max(z)) / sum_j e^(z_j - max(z))"""
    e = xp.exp(z - max_along(z, axis, keepdims=True))
    return e / sum_along(e, axis, keepdims=True)


softmax = _axis_op("Softmax", _softmax)
log_softmax = _axis_op("LogSoftmax", _log_softmax)


@RegisterGradient("Softmax")
def _softmax_grad(op, grad):
    """dL/dz = (g - sum(g * y)) * y, the sum along the softmax axis"""
    y = op.output
    return (grad - sum_along(grad * y, op.axis, keepdims=True)) * y


@RegisterGradient("LogSoftmax")
def _log_softmax_grad(op, grad):
    """dL/dz = g - sum(g) * softmax(z) = g - sum(g) * e^y"""
    return grad - sum_along(grad, op.axis, keepdims=True) * xp.exp(op.output)


# -- cross-entropies ------------------------------------------------------------------

def softmax_cross_entropy_with_logits_v2(labels: TensorLike, logits: TensorLike, axis: int = -1,
                                         name: str | None = None, dim: int | None = None) -> Tensor:
    """loss = -sum(labels * log_softmax(logits)) along ``axis``, one value per row.

    Gradients flow into both logits and labels (use stop_gradient on labels if unwanted). Built as
    TensorFlow builds it (see :func:`_softmax_xent`): the fused kernel works on 2-D rows, so the inputs
    are reshaped to ``[-1, classes]`` and the loss back to the logits' shape without ``axis``.
    """
    with name_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as scope:
        return _softmax_xent(labels, logits, dim if dim is not None else axis, scope)


def softmax_cross_entropy_with_logits(_sentinel: None = None, labels: TensorLike | None = None,
                                      logits: TensorLike | None = None, dim: int = -1, name: str | None = None,
                                      axis: int | None = None) -> Tensor:
    """TF1's version: like ``_v2`` but no gradient flows into ``labels`` (a StopGradient
    ``labels_stop_gradient`` in the scope ``softmax_cross_entropy_with_logits_sg``, as in TF)."""
    if _sentinel is not None or labels is None or logits is None:
        raise ValueError("softmax_cross_entropy_with_logits takes named arguments only: labels=..., logits=...")
    with name_scope(name, "softmax_cross_entropy_with_logits_sg", [logits, labels]) as scope:
        (labels,) = as_nodes([labels], dtype_hint=getattr(logits, "dtype", None))
        labels = array_ops.stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=axis if axis is not None else dim,
                                                name=scope)


def _softmax_xent(labels, logits, axis, scope):
    """TF's composite, op for op, in the name scope ``scope``: the rank and shape of the logits, both
    inputs flattened to 2-D (:func:`_flatten_outer_dims`; a class ``axis`` other than the last one is
    first transposed to the end), the fused kernel (named as the scope), and the loss reshaped to the
    logits' leading dimensions. The shape nodes are real (they compute the shapes the Reshapes use);
    a plan remembers their values between runs (``fast_kernels.remembered``), so they cost little."""
    op_type = "SoftmaxCrossEntropyWithLogits"
    logits, labels = as_nodes([logits, labels], names=["logits", "labels"])
    check_floating(op_type, logits, "logits")
    ax = int_arg(axis, "axis", op_type)
    if logits.shape.dims is not None and labels.shape.dims is not None \
            and not logits.shape.is_compatible_with(labels.shape):
        raise ValueError(f"{op_type}: logits {logits.name!r} has shape {logits.shape} but labels "
                         f"{labels.name!r} has shape {labels.shape}; they must match")
    static = logits.shape
    if static.ndims == 0:
        raise ValueError(f"{op_type}: logits {logits.name!r} must have rank >= 1, got a scalar")
    widen = logits.dtype == _dtypes.float16  # TF computes a float16 cross-entropy in float32
    precise = math_ops.cast(logits, _dtypes.float32) if widen else logits
    if labels.dtype != precise.dtype:
        labels = math_ops.cast(labels, precise.dtype)
    input_rank = array_ops.rank(precise)
    if ax != -1:
        if static.ndims is not None:
            ax %= static.ndims
        precise, labels = _move_axis_to_end(precise, ax, input_rank), _move_axis_to_end(labels, ax, input_rank)
    input_shape = array_ops.shape(precise)
    flat_logits, flat_labels = _flatten_outer_dims(precise), _flatten_outer_dims(labels)
    node = Tensor(op_type, (flat_logits, flat_labels), compute=_softmax_xent_kernel, attrs={"axis": -1},
                  dtype=precise.dtype, shape=flat_logits.shape[:1], name=scope)
    node.n_outputs = 2  # the loss, and the backprop for the gradient
    output_shape = slice_ops.slice(input_shape, [0], [math_ops.subtract(input_rank, 1)])
    dims = None if static.dims is None else [d for i, d in enumerate(static.dims) if i != ax % len(static.dims)]
    cost = _reshape(node, output_shape, TensorShape(dims))
    return math_ops.cast(cost, logits.dtype) if widen else cost


def _flatten_outer_dims(x):
    """x reshaped to ``[-1, last dimension]``, the shape computed in the graph as TF does:
    ``concat([[-1], slice(shape(x), [rank(x) - 1], [1])], 0)``."""
    rank = array_ops.rank(x)
    last = slice_ops.slice(array_ops.shape(x), [math_ops.subtract(rank, 1)], [1])
    with name_scope(None, "concat") as scope:
        head = constant_node([-1], dtype=_dtypes.int32, name="values_0")
        shape = array_ops.concat([head, last], 0, name=scope)
    dims = x.shape.dims
    static = TensorShape(None if dims is None else [None, dims[-1]] if None in dims[:-1] or not dims
                         else [math.prod(dims[:-1]), dims[-1]])
    return _reshape(x, shape, static)


def _reshape(x, shape, static):
    """A Reshape whose shape is the graph node ``shape``; ``static``: what is known of the result's shape."""
    # s.tolist(): NumPy's reshape takes a list of ints seven times faster than an int32 array
    return Tensor("Reshape", (x, shape), compute=lambda v, s: v.reshape(s.tolist()), dtype=x.dtype, shape=static,
                  name="Reshape")


def _move_axis_to_end(x, axis, rank):
    """x transposed so that ``axis`` comes last: perm = concat([range(axis), range(axis + 1, rank), [axis]])."""
    parts = [_range(0, axis), _range(axis + 1, rank)]
    with name_scope(None, "concat") as scope:
        parts.append(constant_node([axis], dtype=_dtypes.int32, name="values_2"))
        perm = array_ops.concat(parts, 0, name=scope)
    dims = x.shape.dims
    static = TensorShape(None if dims is None else [*dims[:axis], *dims[axis + 1:], dims[axis]])
    return Tensor("Transpose", (x, perm), compute=lambda v, p: xp.transpose(v, p), attrs={"perm": None},
                  dtype=x.dtype, shape=static, name="transpose")


def _range(start, limit):
    """``tf.range(start, limit)`` as TF builds it: Const inputs ``range/start``, ``range/limit`` (unless a node),
    ``range/delta``, and the Range op."""
    with name_scope(None, "range") as scope:
        start_node = constant_node(start, dtype=_dtypes.int32, name="start")
        limit_node = limit if isinstance(limit, Tensor) else constant_node(limit, dtype=_dtypes.int32, name="limit")
        delta = constant_node(1, dtype=_dtypes.int32, name="delta")
        return array_ops.range_(start_node, limit_node, delta, name=scope)


def _softmax_xent_kernel(z, p):
    """loss = sum(p * (log(sum e^s) - s)), s = z - max(z), per row of the 2-D z, and TensorFlow's second
    output, backprop = softmax(z) - p = e^s / sum(e^s) - p: dloss/dz, which the gradient reuses."""
    # TensorFlow's kernel's form: -log_softmax without a negation pass, and a row whose loss is 0
    # gives +0.0 (as in TF), not the -0.0 of -sum(p * log_softmax).
    shifted = z - max_along(z, -1, keepdims=True)
    e = xp.exp(shifted)
    total = sum_along(e, -1, keepdims=True)
    loss = sum_along(p * (xp.log(total) - shifted), -1)
    e /= total  # in place: e is this kernel's own array
    e -= p
    return loss, e


@RegisterGradient("SoftmaxCrossEntropyWithLogits")
def _softmax_xent_grad(op, grad):
    """dL/dlogits = (softmax(z) - labels) * g, the kernel's second output times g (as in TensorFlow;
    exact when each label row sums to 1); dL/dlabels = -log_softmax(z) * g"""
    z, p = op.inputs
    axis = op.axis
    g = grad[..., None] if axis == -1 else xp.expand_dims(grad, axis)
    if not op.needs[1]:  # the usual case: labels are data
        # The kernel's backprop; recomputed only when no kernel ran (the loss was fed).
        backprop = op.outputs[1] if len(op.outputs) > 1 else _softmax(z, axis) - p
        return backprop * g, None
    log_sm = _log_softmax(z, axis)
    return (xp.exp(log_sm) - p) * g, -log_sm * g


def sparse_softmax_cross_entropy_with_logits(_sentinel: None = None, labels: TensorLike | None = None,
                                             logits: TensorLike | None = None, name: str | None = None) -> Tensor:
    """loss = -log_softmax(logits)[label] per row; ``labels`` are class indices.

    As TF builds it, in the name scope ``name`` (``SparseSoftmaxCrossEntropyWithLogits``): the labels'
    ``Shape`` (a Const when their shape is known), then the kernel, named ``name`` inside that scope
    (``xentropy/xentropy``); logits of another rank than 2 are reshaped to ``[-1, classes]`` around it
    (:func:`_sparse_xent_rows`). float16 logits are computed in float32 and cast back.
    """
    if _sentinel is not None or labels is None or logits is None:
        raise ValueError("sparse_softmax_cross_entropy_with_logits takes named arguments only: "
                         "labels=..., logits=...")
    op_type = "SparseSoftmaxCrossEntropyWithLogits"
    with name_scope(name, op_type, [labels, logits]):
        (labels,) = as_nodes([labels], dtype_hint=_dtypes.int64)
        (logits,) = as_nodes([logits])
        check_floating(op_type, logits, "logits")
        if labels.dtype is not None and not labels.dtype.is_integer:
            raise TypeError(f"sparse_softmax_cross_entropy_with_logits: labels {labels.name!r} must be integer "
                            f"class indices, got {labels.dtype.name}")
        if logits.shape.ndims == 0:
            raise ValueError(f"sparse_softmax_cross_entropy_with_logits: logits {logits.name!r} cannot be a scalar")
        if logits.shape.ndims is not None and labels.shape.ndims is not None \
                and labels.shape.ndims != logits.shape.ndims - 1:
            raise ValueError(f"sparse_softmax_cross_entropy_with_logits: labels {labels.name!r} of shape "
                             f"{labels.shape} must have rank {logits.shape.ndims - 1} (logits shape {logits.shape})")
        widen = logits.dtype == _dtypes.float16
        precise = math_ops.cast(logits, _dtypes.float32) if widen else logits
        labels_shape = array_ops.shape(labels)
        if logits.shape.ndims == 2:
            cost = _sparse_xent_node(precise, labels, name or op_type)
        else:
            cost = _sparse_xent_rows(precise, labels, labels_shape, name or op_type)
        return math_ops.cast(cost, _dtypes.float16) if widen else cost


def _sparse_xent_node(logits, labels, name):
    def compute(z, k):
        """loss = -log_softmax(z)[k] per row"""
        _check_labels(z, k)
        log_sm = _log_softmax(z, -1)
        return -xp.take_along_axis(log_sm, k[..., None].astype(np.intp), axis=-1)[..., 0]
    return Tensor("SparseSoftmaxCrossEntropyWithLogits", (logits, labels), compute=compute, dtype=logits.dtype,
                  shape=labels.shape, name=name)


def _sparse_xent_rows(logits, labels, labels_shape, name):
    """TF's path for logits of rank other than 2: where the labels' and logits' leading shapes are not both
    known, first an Assert that they are equal (:func:`_assert_leading_shape`), which the rest waits on;
    then logits to ``[-1, classes]`` (classes = ``shape(logits)[rank(logits) - 1]``), labels to ``[-1]``,
    the kernel, and the loss back to the labels' shape."""
    known = labels.shape.is_fully_defined() and logits.shape.dims is not None \
        and TensorShape(logits.shape.dims[:-1]).is_fully_defined()
    checks = [] if known else [_assert_leading_shape(labels, logits)]
    with control_dependencies(checks):
        num_classes = _element(array_ops.shape(logits), math_ops.subtract(array_ops.rank(logits), 1, name="sub"))
        flat_logits = array_ops.reshape(logits, [-1, num_classes])
        flat_labels = array_ops.reshape(labels, [-1])
        flat_logits.set_shape([None, logits.shape.dims[-1] if logits.shape.dims else None])
        cost = _sparse_xent_node(flat_logits, flat_labels, name)
        return _reshape(cost, labels_shape, labels.shape)


def _assert_leading_shape(labels, logits):
    """TF's ``assert_equal(shape(labels), shape(logits)[:-1])``: an Assert op that fails the run when the
    labels' shape is not the logits' without their last axis (TF opens the scope ``assert_equal`` twice:
    its ops are in ``assert_equal_1``)."""
    from .control_flow_ops import _assert_op, _message
    from .reduction_extra_ops import reduce_all
    x, y = array_ops.shape(labels), array_ops.shape(logits)[:-1]
    with name_scope(None, "assert_equal"):
        pass
    with name_scope(None, "assert_equal"):
        condition = reduce_all(math_ops.equal(x, y))
        data = ["Condition x == y did not hold element-wise:", f"x ({x.name}) = ", x, f"y ({y.name}) = ", y]
        with name_scope(None, "Assert"):  # tf.Assert: the strings made constants, then again as the op's data
            for d in data:
                if isinstance(d, str):
                    _message(d, "Const")
            return _assert_op(condition, data)


def _element(vector, index):
    """``vector[index]`` for an index computed in the graph, as TF's slicing builds it: a StridedSlice from
    ``stack([index])`` to ``stack([index + 1])`` by ``[1]``, the axis shrunk away."""
    end = math_ops.add(index, 1, name="add")
    with name_scope(None, "strided_slice") as scope:
        begin, stop = core.pack([index], name="stack"), core.pack([end], name="stack_1")
        strides = constant_node([1], dtype=_dtypes.int32, name="stack_2")
        return Tensor("StridedSlice", (vector, begin, stop, strides), compute=lambda v, b, e, st: v[int(b[0])],
                      attrs={"shrink_axis_mask": 1}, dtype=vector.dtype, shape=[], name=scope)


def _check_labels(z, k):
    n = z.shape[-1]
    if k.size and (k.min() < 0 or k.max() >= n):
        bad = k[(k < 0) | (k >= n)].ravel()[0]
        raise ValueError(f"Received a label value of {bad} which is outside the valid range of [0, {n})")


@RegisterGradient("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_softmax_xent_grad(op, grad):
    """dL/dlogits = (softmax(z) - onehot(label)) * g; labels get none"""
    z, k = op.inputs
    d = _softmax(z, -1)
    xp.put_along_axis(d, k[..., None].astype(np.intp), xp.take_along_axis(d, k[..., None].astype(np.intp), -1) - 1,
                      axis=-1)
    return d * grad[..., None], None


def sigmoid_cross_entropy_with_logits(_sentinel: None = None, labels: TensorLike | None = None,
                                      logits: TensorLike | None = None, name: str | None = None) -> Tensor:
    """loss = max(z, 0) - z * labels + log(1 + e^-|z|), elementwise (stable for any z).

    Built from primitive ops exactly as TensorFlow builds it, so its gradients match too.
    """
    if _sentinel is not None or labels is None or logits is None:
        raise ValueError("sigmoid_cross_entropy_with_logits takes named arguments only: labels=..., logits=...")
    with name_scope(name, "logistic_loss") as scope:  # TF's ops and names: logistic_loss/zeros_like, .../mul
        logits, labels = as_nodes([logits, labels], names=["logits", "labels"])
        zeros = array_ops.zeros_like(logits)
        cond = math_ops.greater_equal(logits, zeros)
        relu_logits = indexing_ops.where(cond, logits, zeros)
        neg_abs_logits = indexing_ops.where(cond, math_ops.negative(logits), logits)
        return math_ops.add(math_ops.subtract(relu_logits, math_ops.multiply(logits, labels, name="mul"), name="sub"),
                            math_ops.log1p(math_ops.exp(neg_abs_logits)), name=scope)


def l2_loss(t: TensorLike, name: str | None = None) -> Tensor:
    """loss = sum(t^2) / 2"""
    (x,) = as_nodes([t])
    return Tensor("L2Loss", (x,), compute=lambda v: xp.sum(v * v) / 2, dtype=x.dtype, shape=[],
                  name=name or "L2Loss")


@RegisterGradient("L2Loss")
def _l2_loss_grad(op, grad):
    """d(sum x^2 / 2)/dx = x"""
    return op.inputs[0] * grad


def bias_add(value: TensorLike, bias: TensorLike, data_format: str | None = None, name: str | None = None) -> Tensor:
    """y = value + bias, ``bias`` a vector added along the last axis."""
    x, b = as_nodes([value, bias])
    if data_format not in (None, "NHWC", "N...C"):
        raise ValueError(f"bias_add: only channels-last data formats are supported, got {data_format!r}")
    dtype = common_dtype("BiasAdd", (x, b))
    if b.shape.ndims is not None and b.shape.ndims != 1:
        raise ValueError(f"BiasAdd: bias {b.name!r} must be 1-D, got shape {b.shape}")
    if x.shape.dims is not None and b.shape.dims is not None and x.shape.dims[-1] is not None \
            and b.shape.dims[0] is not None and x.shape.dims[-1] != b.shape.dims[0]:
        raise ValueError(f"BiasAdd: the last dimension of {x.name!r} (shape {x.shape}) must equal the "
                         f"size of bias {b.name!r} (shape {b.shape})")
    return Tensor("BiasAdd", (x, b), compute=lambda v, c: v + c, dtype=dtype, shape=x.shape,
                  name=name or "BiasAdd")


@RegisterGradient("BiasAdd")
def _bias_add_grad(op, grad):
    """dy/dvalue = 1; dy/dbias = 1 for every row (the engine sums grad over the rows)"""
    return grad, grad
