"""Argument checks and small helpers shared by the ``tf.layers`` layers.

They accept what TF1's layers accept and raise TF's errors, word for word where practical:
``normalize_tuple(3, 2, "kernel_size") == (3, 3)``, ``normalize_padding("SAME") == "same"``, and
``smart_cond``: a Python bool picks a branch while the graph is built, a bool tensor builds a ``tf.cond``.
"""
from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

from .. import dtypes as _dtypes
from ..graph import Tensor
from ..init_ops import ones_initializer, zeros_initializer
from ..shapes import TensorShape

#: The default bias, beta and moving-statistics initializers (TF's signatures default to these objects).
ZEROS, ONES = zeros_initializer(), ones_initializer()


def normalize_tuple(value: Any, n: int, name: str) -> tuple[int, ...]:
    """``value`` (an int, or n ints) as a tuple of n positive ints: ``kernel_size=3`` means (3, 3)."""
    error = f"The `{name}` argument must be a tuple of {n} integers. Received: {value}"
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        values: tuple[Any, ...] = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(error) from None
        if len(values) != n:
            raise ValueError(error)
        for v in values:
            try:
                int(v)
            except (ValueError, TypeError):
                raise ValueError(f"{error}including element {v} of type {type(v)}") from None
        values = tuple(int(v) for v in values)
    bad = {v for v in values if v <= 0}
    if bad:
        raise ValueError(f"{error} including {bad} that does not satisfy the requirement `> 0`.")
    return values


def normalize_padding(value: Any) -> str:
    """"valid" or "same", in any case (TF1 layers take "SAME" too)."""
    padding = str(value).lower()
    if padding not in ("valid", "same"):
        if padding == "causal":
            raise NotImplementedError("padding='causal' (Conv1D) is not supported by TensorSlow's layers")
        raise ValueError('The `padding` argument must be a list/tuple or one of "valid", "same" (or "causal", '
                         f"only for `Conv1D). Received: {padding}")
    return padding


def normalize_data_format(value: Any) -> str:
    """"channels_last" (None means it); "channels_first" is recognised and refused with a clear error."""
    data_format = "channels_last" if value is None else str(value).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError('The `data_format` argument must be one of "channels_first", "channels_last". '
                         f"Received: {value}")
    if data_format == "channels_first":
        raise NotImplementedError("data_format='channels_first' is not supported: TensorSlow's convolutions and "
                                  "pools compute in channels_last (NHWC); transpose the input instead")
    return data_format


def conv_output_length(size: int | None, filter_size: int, padding: str, stride: int, dilation: int = 1) -> int | None:
    """The output length of a convolution or pool along one axis: ceil(size / stride) with "same",
    ceil((size - dilated filter + 1) / stride) with "valid"."""
    if size is None:
        return None
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    length = size if padding == "same" else size - dilated + 1
    return (length + stride - 1) // stride


def deconv_output_length(size: int | None, filter_size: int, padding: str, stride: int,
                         dilation: int = 1) -> int | None:
    """The output length of a transposed convolution: size * stride, plus the filter's overhang with "valid"."""
    if size is None:
        return None
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    return size * stride if padding == "same" else size * stride + max(dilated - stride, 0)


def validate_axis(axis: int | list[int] | tuple[int, ...], input_shape: TensorShape) -> list[int]:
    """``axis`` (an int or ints, negative counted from the end) as a list of axes in [0, rank)."""
    rank = input_shape.ndims
    if not rank:
        raise ValueError(f"Input has undefined rank. Received: input_shape={input_shape}")
    axes = [axis] if isinstance(axis, int) else list(axis)
    axes = [a + rank if a < 0 else a for a in axes]
    for a in axes:
        if a < 0 or a >= rank:
            raise ValueError(f"Invalid value for `axis` argument. Expected 0 <= axis < inputs.rank (with "
                             f"inputs.rank={rank}). Received: axis={tuple(axes)}")
    if len(axes) != len(set(axes)):
        raise ValueError(f"Duplicate axis: {tuple(axes)}")
    return axes


def shape_text(shape: TensorShape) -> str:
    """A shape as Keras prints it in its errors: ``(None, 5)``."""
    if shape.dims is None:
        return "<unknown>"
    inner = ", ".join(str(d) for d in shape.dims)
    return f"({inner},)" if len(shape.dims) == 1 else f"({inner})"


def dtype_text(dtype: Any) -> str:
    """A dtype as TF prints it: ``<dtype: 'int32'>``."""
    return f"<dtype: '{_dtypes.as_dtype(dtype).name}'>" if dtype is not None else "None"


def constant_value(pred: Any) -> bool | None:
    """The value of ``pred`` if it is known while the graph is built (a Python bool or 0/1, or a ``Const``
    node), else None; TypeError for anything else, as TF's ``smart_cond``."""
    if isinstance(pred, Tensor):
        if pred.type == "Const":
            return bool(pred.attrs["value"])
        if pred.dtype is not None and pred.dtype != _dtypes.bool:
            raise TypeError(f"`pred` must be a Tensor, or a Python bool, or 1 or 0. Found instead: {pred.dtype.name} "
                            f"tensor {pred.name!r}")
        return None
    if isinstance(pred, bool) or pred in (0, 1):
        return bool(pred)
    raise TypeError(f"`pred` must be a Tensor, or a Python bool, or 1 or 0. Found instead: {pred!r}")


def smart_cond(pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any], name: str | None = None) -> Any:
    """``true_fn()`` or ``false_fn()`` when ``pred`` is known now (a bool or a constant); else
    ``tf.cond(pred, true_fn, false_fn)``, which builds both branches and runs the one ``pred`` picks."""
    value = constant_value(pred)
    if value is not None:
        return true_fn() if value else false_fn()
    try:
        from ..ops.control_flow_ops import cond
    except ImportError:  # pragma: no cover - only while tf.cond is missing
        raise NotImplementedError("`training` given as a tensor needs tf.cond (tensorslow/ops/control_flow_ops.py), "
                                  "which this TensorSlow does not have; pass a Python bool") from None
    return cond(pred, true_fn, false_fn, name=name)


_ACTIVATIONS = {"relu": ("nn_ops", "relu"), "relu6": ("nn_ops", "relu6"), "elu": ("nn_ops", "elu"),
                "selu": ("nn_ops", "selu"), "softplus": ("nn_ops", "softplus"), "softsign": ("nn_ops", "softsign"),
                "softmax": ("nn_ops", "softmax"), "sigmoid": ("math_ops", "sigmoid"), "tanh": ("math_ops", "tanh")}


def get_activation(activation: Any) -> Callable[[Tensor], Tensor] | None:
    """A callable activation as it is, a name ("relu", "sigmoid", ...) as TF's op, None or "linear" as none."""
    if activation is None or activation == "linear":
        return None
    if callable(activation):
        return activation
    if isinstance(activation, str) and activation in _ACTIVATIONS:
        import importlib
        module, fn = _ACTIVATIONS[activation]
        return getattr(importlib.import_module(f"..ops.{module}", __package__), fn)
    raise ValueError(f"Unknown activation function: '{activation}'. Please ensure you are using a "
                     f"`keras.utils.custom_object_scope` and that this object is included in the scope.")


_INITIALIZERS = {"zeros": "zeros_initializer", "ones": "ones_initializer",
                 "glorot_uniform": "glorot_uniform_initializer", "glorot_normal": "glorot_normal_initializer",
                 "random_normal": "random_normal_initializer", "random_uniform": "random_uniform_initializer",
                 "truncated_normal": "truncated_normal_initializer", "orthogonal": "orthogonal_initializer"}


def get_initializer(initializer: Any) -> Any:
    """An initializer object, class or function as it is; a name ("zeros", "glorot_uniform"...) as TF1's
    initializer of that name; None stays None (``get_variable``'s default: glorot_uniform)."""
    if initializer is None or not isinstance(initializer, str):
        return initializer
    from .. import init_ops
    if initializer not in _INITIALIZERS:
        raise ValueError(f"Unknown initializer: '{initializer}'. Please ensure you are using a "
                         f"`keras.utils.custom_object_scope` and that this object is included in the scope.")
    return getattr(init_ops, _INITIALIZERS[initializer])()
