"""``tf.layers`` pooling: MaxPooling1D/2D and AveragePooling1D/2D, and their functions.

A 2-D pool is one ``MaxPool`` / ``AvgPool`` op over (N, H, W, C) windows of ``pool_size`` moved by
``strides``. A 1-D pool is built as TF builds it: ``ExpandDims`` (N, W, C) -> (N, W, 1, C), the 2-D
pool with a (pool_size, 1) window, ``Squeeze``.
"""
from __future__ import annotations

from typing import Any

from ..graph import Tensor
from ..ops import array_ops, pool_ops
from .base import InputSpec, Layer
from .utils import conv_output_length, normalize_data_format, normalize_padding, normalize_tuple


class _Pooling(Layer):
    """The pools' common part: ``rank`` spatial axes, a window, strides (default: the window), padding."""

    rank = 2
    op_type = "MaxPool"

    def __init__(self, pool_size: Any, strides: Any, padding: str = "valid", data_format: str = "channels_last",
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.pool_size = normalize_tuple(pool_size, self.rank, "pool_size")
        self.strides = normalize_tuple(strides if strides is not None else pool_size, self.rank, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _pool(self, x: Tensor, window: list[int], strides: list[int]) -> Tensor:
        pool = pool_ops.max_pool if self.op_type == "MaxPool" else pool_ops.avg_pool
        return pool(x, ksize=window, strides=strides, padding=self.padding.upper())

    def call(self, inputs: Tensor) -> Tensor:
        if self.rank == 1:
            x4 = array_ops.expand_dims(inputs, 2)
            y = self._pool(x4, [1, self.pool_size[0], 1, 1], [1, self.strides[0], 1, 1])
            return array_ops.squeeze(y, [2])
        return self._pool(inputs, [1, *self.pool_size, 1], [1, *self.strides, 1])

    def compute_output_shape(self, input_shape: Any) -> list[int | None]:
        dims = list(input_shape)
        spatial = [conv_output_length(d, k, self.padding, s) for d, k, s in zip(dims[1:-1], self.pool_size,
                                                                                  self.strides)]
        return [dims[0], *spatial, dims[-1]]


class MaxPooling1D(_Pooling):
    """The maximum of each window of ``pool_size`` steps of an (N, W, C) input."""
    rank, op_type = 1, "MaxPool"


class AveragePooling1D(_Pooling):
    """The mean of each window of ``pool_size`` steps of an (N, W, C) input (padding not counted)."""
    rank, op_type = 1, "AvgPool"


class MaxPooling2D(_Pooling):
    """The maximum of each ``pool_size`` window of an (N, H, W, C) input."""
    rank, op_type = 2, "MaxPool"


class AveragePooling2D(_Pooling):
    """The mean of each ``pool_size`` window of an (N, H, W, C) input (padding not counted)."""
    rank, op_type = 2, "AvgPool"


def max_pooling1d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                  data_format: str = "channels_last", name: str | None = None) -> Tensor:
    return MaxPooling1D(pool_size, strides, padding=padding, data_format=data_format, name=name)(inputs)


def average_pooling1d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                      data_format: str = "channels_last", name: str | None = None) -> Tensor:
    return AveragePooling1D(pool_size, strides, padding=padding, data_format=data_format, name=name)(inputs)


def max_pooling2d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                  data_format: str = "channels_last", name: str | None = None) -> Tensor:
    return MaxPooling2D(pool_size, strides, padding=padding, data_format=data_format, name=name)(inputs)


def average_pooling2d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                      data_format: str = "channels_last", name: str | None = None) -> Tensor:
    return AveragePooling2D(pool_size, strides, padding=padding, data_format=data_format, name=name)(inputs)
