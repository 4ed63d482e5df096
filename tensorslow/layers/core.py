"""``tf.layers`` Dense, Flatten and Dropout, and their functions ``dense``, ``flatten``, ``dropout``.

Each builds TF1's ops in TF1's order inside the layer's name scope:

* Dense: ``y = activation(x @ kernel + bias)``: ``dense/MatMul``, ``dense/BiasAdd``, ``dense/Relu``;
  an input of rank > 2 is contracted on its last axis by ``Tensordot`` (reshape to a matrix, MatMul,
  reshape back), as TF does.
* Flatten: ``Reshape`` to (batch, -1), the shape a ``Const`` when the other dimensions are known.
* Dropout: ``tf.nn.dropout`` when training, ``Identity`` when not; a bool tensor ``training`` builds a
  ``tf.cond`` between the two.
"""
from __future__ import annotations

import numbers
from functools import reduce
from operator import mul
from typing import Any

from .. import dtypes as _dtypes
from ..graph import Tensor, get_default_graph
from ..ops import array_ops, indexing_ops, linalg_ops, nn_impl, nn_ops
from ..ops.core import convert_to_tensor, pack
from ..ops.reduction_ops import reduce_prod
from .base import InputSpec, Layer
from .utils import (
    ZEROS,
    dtype_text,
    get_activation,
    get_initializer,
    normalize_data_format,
    shape_text,
    smart_cond,
)


def reshape_to(x: Tensor, dims: list[int], name: str = "Reshape") -> Tensor:
    """``tf.reshape(x, dims)`` with TF's ops: the shape is a ``Const`` named ``<Reshape>/shape``."""
    with get_default_graph().name_scope(name) as scope:
        shape = convert_to_tensor(list(dims), dtype=_dtypes.int32, name="shape")
        return array_ops.reshape(x, shape, name=scope)


def tensordot_last_axis(a: Tensor, b: Tensor) -> Tensor:
    """``tf.tensordot(a, b, [[rank(a) - 1], [0]])`` for a matrix ``b``, built as TF builds it: ``a`` reshaped
    to (prod(free dims), last), one MatMul, the result reshaped to free dims + [columns of b]."""
    dims, cols = a.shape.as_list(), b.shape.as_list()[1]
    assert cols is not None, "the kernel of a built Dense layer has a known shape"
    rank = len(dims)
    free = list(range(rank - 1))
    with get_default_graph().name_scope("Tensordot") as scope:
        if a.shape.is_fully_defined():
            known = [d for d in dims if d is not None]  # all of them: the shape is fully defined
            matrix = reshape_to(a, [reduce(mul, known[:-1], 1), known[-1]])
            return reshape_to(linalg_ops.matmul(matrix, b), known[:-1] + [cols], name=scope)
        axes_c = convert_to_tensor([rank - 1], dtype=_dtypes.int32, name="axes")
        free_c = convert_to_tensor(free, dtype=_dtypes.int32, name="free")
        shape_a = array_ops.shape(a)
        free_dims = indexing_ops.gather(shape_a, free_c)
        axes_dims = indexing_ops.gather(shape_a, axes_c)
        rows, columns = reduce_prod(free_dims), reduce_prod(axes_dims)
        perm = array_ops.concat([free_c, axes_c], 0)  # free + axes, as a tensor: TF's transpose takes it so
        new_shape = pack([rows, columns], name="stack")
        matrix = array_ops.reshape(array_ops.transpose(a, perm, name="transpose"), new_shape)
        product = linalg_ops.matmul(matrix, b)
        b_free = convert_to_tensor([cols], dtype=_dtypes.int32, name="Const_2")
        out = array_ops.reshape(product, array_ops.concat([free_dims, b_free], 0, name="concat_1"), name=scope)
        out.set_shape(dims[:-1] + [cols])
        return out


class Dense(Layer):
    """``y = activation(inputs @ kernel + bias)``; ``kernel`` is (last input dim, units)."""

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True, kernel_initializer: Any = None,
                 bias_initializer: Any = ZEROS, kernel_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, trainable: bool = True, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.units = units if isinstance(units, int) else int(units)
        if self.units < 0:
            raise ValueError(f"Received an invalid value for `units`, expected a positive integer. Received: "
                             f"units={units}")
        if activity_regularizer is not None:
            raise NotImplementedError("Dense: activity_regularizer is not supported by TensorSlow's layers")
        self.activation = get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = get_initializer(kernel_initializer), \
            get_initializer(bias_initializer)
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.input_spec = InputSpec(min_ndim=2)
        self.kernel: Any = None
        self.bias: Any = None

    def build(self, input_shape: Any) -> None:
        dtype = _dtypes.as_dtype(self.dtype or _dtypes.float32)
        if not dtype.is_floating:
            raise TypeError(f"A Dense layer can only be built with a floating-point dtype. Received: "
                            f"dtype={dtype_text(dtype)}")
        last_dim = input_shape.dims[-1] if input_shape.dims else None
        if last_dim is None:
            raise ValueError(f"The last dimension of the inputs to a Dense layer should be defined. Found None. "
                             f"Full input shape received: {input_shape}")
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last_dim})
        self.kernel = self.add_weight("kernel", [last_dim, self.units], initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      dtype=dtype, trainable=True)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.units], initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        dtype=dtype, trainable=True)

    def call(self, inputs: Tensor) -> Tensor:
        rank = inputs.shape.ndims
        if rank == 2 or rank is None:
            outputs = linalg_ops.matmul(inputs, self.kernel)
        else:
            outputs = tensordot_last_axis(inputs, self.kernel)
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias)
        return self.activation(outputs) if self.activation is not None else outputs

    def compute_output_shape(self, input_shape: Any) -> list[int | None]:
        return list(input_shape)[:-1] + [self.units]


def dense(inputs: Any, units: int, activation: Any = None, use_bias: bool = True, kernel_initializer: Any = None,
          bias_initializer: Any = ZEROS, kernel_regularizer: Any = None, bias_regularizer: Any = None,
          activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
          trainable: bool = True, name: str | None = None, reuse: Any = None) -> Tensor:
    """The densely connected layer ``activation(inputs @ kernel + bias)`` (see :class:`Dense`)."""
    layer = Dense(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                  bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                  bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                  kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, trainable=trainable,
                  name=name, _scope=name, _reuse=reuse)
    return layer(inputs)


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""

    def __init__(self, data_format: str | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs: Tensor) -> Tensor:
        shape = inputs.shape
        if shape.ndims == 1:
            return array_ops.expand_dims(inputs, 1)
        if shape.ndims is None:
            raise ValueError(f"Flatten: the rank of the input {inputs.name!r} must be known, got shape "
                             f"{shape_text(shape)}")
        batch, rest = shape.dims[0], shape.dims[1:]
        if None not in rest:  # TF's Keras: a tf.constant shape, then Reshape
            target = convert_to_tensor([-1, reduce(mul, rest, 1)], dtype=_dtypes.int32)
        elif batch is not None:
            target = convert_to_tensor([batch, -1], dtype=_dtypes.int32)
        else:  # (tf.shape(inputs)[0], -1), packed by Reshape as TF packs it
            batch_size = array_ops.shape(inputs)[0]
            with get_default_graph().name_scope("Reshape") as scope:
                with get_default_graph().name_scope("shape") as shape_scope:
                    minus_one = convert_to_tensor(-1, dtype=_dtypes.int32, name="1")
                    target = pack([batch_size, minus_one], name=shape_scope)
                out = array_ops.reshape(inputs, target, name=scope)
            out.set_shape([None, None])
            return out
        return array_ops.reshape(inputs, target)


def flatten(inputs: Any, name: str | None = None, data_format: str = "channels_last") -> Tensor:
    """``inputs`` reshaped to (batch, everything else) (see :class:`Flatten`)."""
    return Flatten(name=name, data_format=data_format)(inputs)


class Dropout(Layer):
    """When training: ``tf.nn.dropout(inputs, rate, noise_shape, seed)``; otherwise ``inputs`` unchanged.

    A layer called again with a ``seed`` uses ``seed + 1``, then ``seed + 2``..., as TF's layer does.
    """

    def __init__(self, rate: float = 0.5, noise_shape: Any = None, seed: int | None = None, name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        if isinstance(rate, (int, float)) and not 0 <= rate <= 1:
            raise ValueError(f"Invalid value {rate} received for `rate`, expected a value between 0 and 1.")
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed
        self._next_seed = seed

    def _get_noise_shape(self, inputs: Tensor) -> Tensor | None:
        if self.noise_shape is None:
            return None
        shape = array_ops.shape(inputs)  # TF's layer takes None entries from tf.shape(inputs)
        dims = [shape[i] if d is None else d for i, d in enumerate(self.noise_shape)]
        return convert_to_tensor(dims if any(isinstance(d, Tensor) for d in dims) else list(dims),
                                 dtype=None if any(isinstance(d, Tensor) for d in dims) else _dtypes.int32)

    def _legacy_seed(self) -> int | None:
        seed = self._next_seed
        if seed is not None:
            self._next_seed = seed + 1
        return seed

    def call(self, inputs: Tensor, training: Any = False) -> Tensor:
        if isinstance(self.rate, numbers.Real) and self.rate == 0:
            return array_ops.identity(inputs)

        def dropped() -> Tensor:
            return nn_impl.dropout(inputs, noise_shape=self._get_noise_shape(inputs), seed=self._legacy_seed(),
                                   rate=self.rate)
        return smart_cond(training, dropped, lambda: array_ops.identity(inputs))


def dropout(inputs: Any, rate: float = 0.5, noise_shape: Any = None, seed: int | None = None,
            training: Any = False, name: str | None = None) -> Tensor:
    """Zero each element with probability ``rate`` when ``training`` (a Python bool or a bool tensor), scaling
    the others by 1 / (1 - rate); the identity otherwise (see :class:`Dropout`)."""
    return Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)(inputs, training=training)
