"""``tf.layers.BatchNormalization`` and ``batch_normalization``: normalize each channel over the batch.

    y = gamma * (x - mean) / sqrt(variance + epsilon) + beta

When training, ``mean`` and ``variance`` are the batch's (``tf.nn.moments`` over every axis but the
channel axis) and two update ops move the *moving* statistics toward them::

    moving -= (moving - batch value) * (1 - momentum)          (AssignMovingAvg, AssignMovingAvg_1)

Those ops are added to ``tf.GraphKeys.UPDATE_OPS``: run them with the training step, as TF1 programs
do (``with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)): train = ...``).
When not training, the moving statistics normalize. A bool tensor ``training`` builds ``tf.cond``s
choosing between the two.

TF1 normalizes a 4-D input (axis 1 or 3) with one *fused* op, ``FusedBatchNormV3``, by default
(``fused=None``). TensorSlow has no fused op: it computes the same function from primitive ops inside a
name scope called ``FusedBatchNormV3``, including what the fused op does differently: its moving
variance is updated with the *unbiased* batch variance (times n / (n - 1), n values per channel), and
its momentum is a constant tensor. Values agree with TF's to float rounding; the graph has the
primitives where TF has the one op.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from ..graph import Tensor, get_default_graph
from ..ops import array_ops, indexing_ops, math_ops, nn_impl
from ..ops.core import convert_to_tensor
from ..ops.reduction_ops import reduce_prod
from ..variables import assign_sub
from .base import InputSpec, Layer
from .utils import ONES, ZEROS, constant_value, get_initializer, smart_cond, validate_axis


def _scalar_op(op, x_value: float, y: Tensor, name: str) -> Tensor:
    """``op(x_value, y)`` with the constant made inside the op's name scope, as TF names it (``sub/x``)."""
    with get_default_graph().name_scope(name) as scope:
        x = convert_to_tensor(x_value, dtype=y.dtype, name="x")
        return op(x, y, name=scope)


def _assign_moving_average(variable: Any, value: Tensor, momentum: float | Tensor) -> Tensor:
    """``variable -= (variable - value) * (1 - momentum)``, op for op as TF's layer builds it."""
    with get_default_graph().name_scope("AssignMovingAvg") as scope:
        if isinstance(momentum, Tensor):
            decay = _scalar_op(math_ops.subtract, 1.0, momentum, "sub")
        else:
            decay = convert_to_tensor(1.0 - momentum, dtype=variable.dtype, name="decay")
        delta = math_ops.multiply(math_ops.subtract(variable, nn_impl.cast_if_needed(value, variable.dtype),
                                                    name="sub"), decay, name="mul")
        return assign_sub(variable, delta, name=scope)


class BatchNormalization(Layer):
    """Batch normalization over ``axis`` (the channels: -1 by default); see the module docstring."""

    def __init__(self, axis: int | list[int] = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = ZEROS,
                 gamma_initializer: Any = ONES, moving_mean_initializer: Any = ZEROS,
                 moving_variance_initializer: Any = ONES, beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None, gamma_constraint: Any = None,
                 renorm: bool = False, renorm_clipping: Any = None, renorm_momentum: float = 0.99, fused: Any = None,
                 trainable: bool = True, virtual_batch_size: Any = None, adjustment: Any = None,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(trainable=trainable, name=name, **kwargs)
        if not isinstance(axis, (int, list, tuple)):
            raise TypeError(f"Expected an int or a list/tuple of ints for the argument 'axis', but received: {axis!r}")
        for what, value in (("renorm", renorm), ("virtual_batch_size", virtual_batch_size),
                            ("adjustment", adjustment)):
            if value:
                raise NotImplementedError(f"BatchNormalization: {what} is not supported by TensorSlow")
        self.axis: Any = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.momentum, self.epsilon, self.center, self.scale = momentum, epsilon, center, scale
        self.beta_initializer = get_initializer(beta_initializer)
        self.gamma_initializer = get_initializer(gamma_initializer)
        self.moving_mean_initializer = get_initializer(moving_mean_initializer)
        self.moving_variance_initializer = get_initializer(moving_variance_initializer)
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.fused = True if fused is None else fused  # TF1: decided in build, from the input's rank
        self.gamma: Any = None
        self.beta: Any = None
        self.moving_mean: Any = None
        self.moving_variance: Any = None

    def build(self, input_shape: Any) -> None:
        self.axis = validate_axis(self.axis, input_shape)
        rank = input_shape.ndims
        if self.fused:  # TF1: fused for rank 4 or 5 with one channel axis, first or last
            self.fused = rank in (4, 5) and len(self.axis) == 1 and self.axis[0] in (1, rank - 1) \
                and (self.dtype is None or _dtypes.as_dtype(self.dtype) in (_dtypes.float16, _dtypes.float32))
        sizes = {a: input_shape.dims[a] for a in self.axis}
        if None in sizes.values():
            raise ValueError(f"Input has undefined `axis` dimension. Received input with shape "
                             f"{tuple(input_shape.dims)} and axis={tuple(self.axis)}")
        self.input_spec = InputSpec(ndim=rank, axes=sizes)
        shape = [sizes[self.axis[0]]] if len(sizes) == 1 else [sizes.get(i, 1) for i in range(rank)]
        dtype = _dtypes.as_dtype(self.dtype or _dtypes.float32)
        dtype = _dtypes.float32 if dtype == _dtypes.float16 else dtype
        if self.scale:
            self.gamma = self.add_weight("gamma", shape, dtype=dtype, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight("beta", shape, dtype=dtype, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)
        self.moving_mean = self.add_weight("moving_mean", shape, dtype=dtype, initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape, dtype=dtype,
                                               initializer=self.moving_variance_initializer, trainable=False)

    def call(self, inputs: Tensor, training: Any = False) -> Tensor:
        if self.fused:
            return self._fused_call(inputs, training)
        rank = len(inputs.shape)
        reduction_axes = [i for i in range(rank) if i not in self.axis]
        broadcast_shape = [1] * rank
        broadcast_shape[self.axis[0]] = inputs.shape.dims[self.axis[0]]

        def broadcast(v: Any) -> Any:  # a per-channel vector reshaped to broadcast against a channels-first input
            if v is not None and v.shape.ndims != rank and reduction_axes != list(range(rank - 1)):
                return array_ops.reshape(v, broadcast_shape)
            return v
        scale, offset = broadcast(self.gamma), broadcast(self.beta)
        if constant_value(training) is False:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            batch_mean, batch_variance = nn_impl.moments(inputs, reduction_axes, keep_dims=len(self.axis) > 1)
            mean = smart_cond(training, lambda: batch_mean, lambda: convert_to_tensor(self.moving_mean))
            variance = smart_cond(training, lambda: batch_variance, lambda: convert_to_tensor(self.moving_variance))
            self._add_moving_average_updates(training, mean, variance, self.momentum)
        outputs = nn_impl.batch_normalization(inputs, broadcast(mean), broadcast(variance), offset, scale,
                                              self.epsilon)
        outputs.set_shape(inputs.shape)
        return outputs

    def _add_moving_average_updates(self, training: Any, mean: Tensor, variance: Tensor,
                                    momentum: float | Tensor) -> None:
        """The two AssignMovingAvg updates, each under ``smart_cond(training, update, no update)``."""
        for moving, value in ((self.moving_mean, mean), (self.moving_variance, variance)):
            self.add_update(lambda moving=moving, value=value: smart_cond(
                training, lambda: _assign_moving_average(moving, value, momentum), lambda: moving))

    def _fused_call(self, inputs: Tensor, training: Any) -> Tensor:
        """What TF1 computes with FusedBatchNormV3 (see the module docstring), from primitive ops."""
        rank, shape, dtype = len(inputs.shape), self.moving_mean.shape.as_list(), self.moving_mean.dtype
        beta = self.beta if self.center else convert_to_tensor(np.zeros(shape), dtype=dtype, name="Const")
        gamma = self.gamma if self.scale else convert_to_tensor(np.ones(shape), dtype=dtype, name="Const")
        reduction_axes = [i for i in range(rank) if i != self.axis[0]]

        def normalize(mean: Any, variance: Any) -> Tensor:
            if self.axis[0] == 1:  # channels first: per-channel vectors reshaped to broadcast along axis 1
                bshape = [1, *shape] + [1] * (rank - 2)
                return nn_impl.batch_normalization(
                    inputs, array_ops.reshape(mean, bshape), array_ops.reshape(variance, bshape),
                    array_ops.reshape(beta, bshape), array_ops.reshape(gamma, bshape), self.epsilon)
            return nn_impl.batch_normalization(inputs, mean, variance, beta, gamma, self.epsilon)

        def train() -> tuple[Tensor, Tensor, Tensor]:
            with get_default_graph().name_scope("FusedBatchNormV3"):
                mean, variance = nn_impl.moments(inputs, reduction_axes)
                y = normalize(mean, variance)
                return y, mean, math_ops.multiply(variance, _bessel_factor(inputs, reduction_axes),
                                                  name="unbiased_variance")

        def infer() -> tuple[Tensor, Tensor, Tensor]:
            with get_default_graph().name_scope("FusedBatchNormV3"):
                return normalize(self.moving_mean, self.moving_variance), self.moving_mean, self.moving_variance
        outputs, mean, variance = smart_cond(training, train, infer)
        known = constant_value(training)
        if known is not False:
            momentum = convert_to_tensor(self.momentum, dtype=self.moving_mean.dtype) if known else \
                smart_cond(training, lambda: convert_to_tensor(self.momentum, dtype=self.moving_mean.dtype),
                           lambda: convert_to_tensor(1.0, dtype=self.moving_mean.dtype))
            for moving, value in ((self.moving_mean, mean), (self.moving_variance, variance)):
                self.add_update(lambda moving=moving, value=value: _assign_moving_average(moving, value, momentum))
        outputs.set_shape(inputs.shape)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


def _bessel_factor(inputs: Tensor, axes: list[int]) -> Tensor:
    """n / (n - 1) for the n values per channel: a constant when the sizes are known, else computed."""
    dims = [inputs.shape.dims[a] for a in axes]
    if None not in dims:
        count = int(np.prod(dims))
        return convert_to_tensor(count / max(count - 1, 1), dtype=inputs.dtype, name="bessel_correction")
    n = math_ops.cast(reduce_prod(indexing_ops.gather(array_ops.shape(inputs), axes)), inputs.dtype)
    return math_ops.divide(n, math_ops.maximum(math_ops.subtract(n, 1.0), 1.0), name="bessel_correction")


def batch_normalization(inputs: Any, axis: int | list[int] = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                        center: bool = True, scale: bool = True, beta_initializer: Any = ZEROS,
                        gamma_initializer: Any = ONES,
                        moving_mean_initializer: Any = ZEROS,
                        moving_variance_initializer: Any = ONES, beta_regularizer: Any = None,
                        gamma_regularizer: Any = None, beta_constraint: Any = None, gamma_constraint: Any = None,
                        training: Any = False, trainable: bool = True, name: str | None = None, reuse: Any = None,
                        renorm: bool = False, renorm_clipping: Any = None, renorm_momentum: float = 0.99,
                        fused: Any = None, virtual_batch_size: Any = None, adjustment: Any = None) -> Tensor:
    """Batch normalization (see :class:`BatchNormalization`); ``training``: a Python bool or a bool tensor."""
    layer = BatchNormalization(axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
                               beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                               moving_mean_initializer=moving_mean_initializer,
                               moving_variance_initializer=moving_variance_initializer,
                               beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
                               beta_constraint=beta_constraint, gamma_constraint=gamma_constraint, renorm=renorm,
                               renorm_clipping=renorm_clipping, renorm_momentum=renorm_momentum, fused=fused,
                               trainable=trainable, virtual_batch_size=virtual_batch_size, adjustment=adjustment,
                               name=name, _scope=name, _reuse=reuse)
    return layer(inputs, training=training)
