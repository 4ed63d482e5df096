"""``tf.layers`` convolutions: Conv1D, Conv2D, Conv2DTranspose, and their functions.

``y = activation(conv(inputs, kernel) + bias)`` with a kernel of shape kernel_size + (in channels,
filters), built as TF builds it: the convolution op named after the class (``conv2d/Conv2D``; a 1-D
convolution is ``conv1d/Conv1D``: ExpandDims, Conv2D, Squeeze), then ``BiasAdd`` and the activation.
Inputs are channels-last (N, [H,] W, C); the output size per spatial axis is ceil(size / stride) with
"same" padding and ceil((size - dilated kernel + 1) / stride) with "valid".
"""
from __future__ import annotations

from typing import Any

from .. import dtypes as _dtypes
from ..graph import Tensor, get_default_graph
from ..ops import array_ops, conv_ops, nn_ops
from ..ops.core import convert_to_tensor, pack
from .base import InputSpec, Layer
from .utils import (
    ZEROS,
    conv_output_length,
    deconv_output_length,
    get_activation,
    get_initializer,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
)


class _Conv(Layer):
    """A ``rank``-D convolution layer (rank 1 or 2)."""

    rank = 2

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str = "channels_last", dilation_rate: Any = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = None, bias_initializer: Any = ZEROS,
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, trainable: bool = True,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(trainable=trainable, name=name, **kwargs)
        filters = int(filters) if isinstance(filters, float) else filters
        if filters <= 0:
            raise ValueError(f"Invalid value for argument `filters`. Expected a strictly positive value. "
                             f"Received filters={filters}.")
        if activity_regularizer is not None:
            raise NotImplementedError(f"{type(self).__name__}: activity_regularizer is not supported by TensorSlow")
        self.filters = filters
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = normalize_tuple(strides, self.rank, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format)
        self.dilation_rate = normalize_tuple(dilation_rate, self.rank, "dilation_rate")
        self.activation = get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = get_initializer(kernel_initializer), \
            get_initializer(bias_initializer)
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.input_spec = InputSpec(min_ndim=self.rank + 2)
        self.kernel: Any = None
        self.bias: Any = None

    def _kernel_shape(self, channels: int) -> tuple[int, ...]:
        return (*self.kernel_size, channels, self.filters)

    def build(self, input_shape: Any) -> None:
        channels = input_shape.dims[-1]
        if channels is None:
            raise ValueError(f"The channel dimension of the inputs should be defined. The input_shape received is "
                             f"{input_shape}, where axis -1 (0-based) is the channel dimension, which found to be "
                             f"`None`.")
        self.compute_output_shape(input_shape)  # TF checks the output size here
        dtype = _dtypes.as_dtype(self.dtype or _dtypes.float32)
        self.kernel = self.add_weight("kernel", self._kernel_shape(channels), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      dtype=dtype, trainable=True)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        dtype=dtype, trainable=True)
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={-1: channels})

    def _convolve(self, inputs: Tensor) -> Tensor:
        if self.rank == 1:
            return conv_ops.conv1d(inputs, self.kernel, stride=self.strides[0], padding=self.padding.upper(),
                                   dilations=self.dilation_rate[0], name="Conv1D")
        return conv_ops.conv2d(inputs, self.kernel, strides=[1, *self.strides, 1], padding=self.padding.upper(),
                               dilations=[1, *self.dilation_rate, 1], name="Conv2D")

    def call(self, inputs: Tensor) -> Tensor:
        outputs = self._convolve(inputs)
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias)
        if inputs.shape.ndims:
            outputs.set_shape(self.compute_output_shape(inputs.shape))
        return self.activation(outputs) if self.activation is not None else outputs

    def _spatial(self, dims: list[int | None]) -> list[int | None]:
        return [conv_output_length(d, k, self.padding, s, r) for d, k, s, r in
                zip(dims, self.kernel_size, self.strides, self.dilation_rate)]

    def compute_output_shape(self, input_shape: Any) -> list[int | None]:
        dims = list(input_shape)
        spatial = self._spatial(dims[1:-1])
        if any(d is not None and d <= 0 for d in spatial):
            raise ValueError(f"One of the dimensions in the output is <= 0 due to downsampling in {self.name}. "
                             f"Consider increasing the input size. Received input shape {dims} which would produce "
                             f"output shape with a zero or negative value in a dimension.")
        return [dims[0], *spatial, self.filters]


class Conv1D(_Conv):
    """1-D convolution over (N, W, C) inputs: y[n, i, o] = sum_{k, c} x[n, i*s + k*d, c] * kernel[k, c, o]."""
    rank = 1


class Conv2D(_Conv):
    """2-D convolution over (N, H, W, C) inputs with a (KH, KW, C, filters) kernel."""
    rank = 2


class Conv2DTranspose(_Conv):
    """The transpose of a 2-D convolution (its gradient with respect to its input): (N, H, W, C) to
    (N, H*s, W*s, filters) with "same" padding; the kernel is (KH, KW, filters, C)."""
    rank = 2

    def _kernel_shape(self, channels: int) -> tuple[int, ...]:
        return (*self.kernel_size, self.filters, channels)

    def _spatial(self, dims: list[int | None]) -> list[int | None]:
        return [deconv_output_length(d, k, self.padding, s, r) for d, k, s, r in
                zip(dims, self.kernel_size, self.strides, self.dilation_rate)]

    def _convolve(self, inputs: Tensor) -> Tensor:
        if self.dilation_rate != (1, 1):
            raise NotImplementedError("Conv2DTranspose: dilation_rate > 1 is not supported by TensorSlow")
        batch_size = array_ops.shape(inputs)[0]
        dims = inputs.shape.as_list()
        sizes = [d for d in self._spatial(dims[1:3]) if d is not None]
        if len(sizes) != 2:
            raise NotImplementedError("Conv2DTranspose: the input's height and width must be known")
        graph = get_default_graph()
        with graph.name_scope("stack") as scope:  # TF packs (batch, out_h, out_w, filters) with constants 1, 2, 3
            consts = [convert_to_tensor(v, dtype=_dtypes.int32, name=str(i + 1))
                      for i, v in enumerate([*sizes, self.filters])]
            output_shape = pack([batch_size, *consts], name=scope)
        output_shape[0]  # noqa: B018  (TF's Keras slices the batch size out again here, to test it for None)
        return conv_ops.conv2d_transpose(inputs, self.kernel, output_shape, strides=[1, *self.strides, 1],
                                         padding=self.padding.upper())


def _conv(cls: type, inputs: Any, filters: int, kernel_size: Any, name: str | None, reuse: Any,
          **kwargs: Any) -> Tensor:
    return cls(filters, kernel_size, name=name, _scope=name, _reuse=reuse, **kwargs)(inputs)


def conv1d(inputs: Any, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
           data_format: str = "channels_last", dilation_rate: Any = 1, activation: Any = None, use_bias: bool = True,
           kernel_initializer: Any = None, bias_initializer: Any = ZEROS, kernel_regularizer: Any = None,
           bias_regularizer: Any = None, activity_regularizer: Any = None, kernel_constraint: Any = None,
           bias_constraint: Any = None, trainable: bool = True, name: str | None = None, reuse: Any = None) -> Tensor:
    """1-D convolution layer (see :class:`Conv1D`)."""
    return _conv(Conv1D, inputs, filters, kernel_size, name, reuse, strides=strides, padding=padding,
                 data_format=data_format, dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                 kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                 kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                 activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                 bias_constraint=bias_constraint, trainable=trainable)


def conv2d(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
           data_format: str = "channels_last", dilation_rate: Any = (1, 1), activation: Any = None,
           use_bias: bool = True, kernel_initializer: Any = None, bias_initializer: Any = ZEROS,
           kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
           kernel_constraint: Any = None, bias_constraint: Any = None, trainable: bool = True,
           name: str | None = None, reuse: Any = None) -> Tensor:
    """2-D convolution layer (see :class:`Conv2D`)."""
    return _conv(Conv2D, inputs, filters, kernel_size, name, reuse, strides=strides, padding=padding,
                 data_format=data_format, dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                 kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                 kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                 activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                 bias_constraint=bias_constraint, trainable=trainable)


def conv2d_transpose(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
                     data_format: str = "channels_last", activation: Any = None, use_bias: bool = True,
                     kernel_initializer: Any = None, bias_initializer: Any = ZEROS,
                     kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                     kernel_constraint: Any = None, bias_constraint: Any = None, trainable: bool = True,
                     name: str | None = None, reuse: Any = None) -> Tensor:
    """Transposed 2-D convolution layer (see :class:`Conv2DTranspose`)."""
    return _conv(Conv2DTranspose, inputs, filters, kernel_size, name, reuse, strides=strides, padding=padding,
                 data_format=data_format, activation=activation, use_bias=use_bias,
                 kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                 kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                 activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                 bias_constraint=bias_constraint, trainable=trainable)
