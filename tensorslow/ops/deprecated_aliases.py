"""TF1's deprecated spellings that old programs still use: ``tf.arg_max``, ``tf.arg_min`` and the cast
shorthands ``tf.to_float``, ``tf.to_double``, ``tf.to_int32``, ``tf.to_int64``.

They are ``argmax``/``argmin`` with the axis named ``dimension`` (required, second
positional argument) and ``output_type`` before ``name``, as ``gen_math_ops`` orders them.
"""
from __future__ import annotations

from .. import dtypes as _dtypes
from ..dtypes import DTypeLike
from ..graph import Tensor, TensorLike
from .math_ops import cast
from .reduction_ops import argmax, argmin


def arg_max(input: TensorLike, dimension: int, output_type: DTypeLike = _dtypes.int64,  # noqa: A002
            name: str | None = None) -> Tensor:
    """The index of the largest entry along ``dimension`` (an ``ArgMax`` op): ``tf.argmax``'s old name."""
    return argmax(input, dimension=dimension, output_type=output_type, name=name)


def arg_min(input: TensorLike, dimension: int, output_type: DTypeLike = _dtypes.int64,  # noqa: A002
            name: str | None = None) -> Tensor:
    """The index of the smallest entry along ``dimension`` (an ``ArgMin`` op): ``tf.argmin``'s old name."""
    return argmin(input, dimension=dimension, output_type=output_type, name=name)


def _to(dtype: _dtypes.DType, default_name: str):
    def convert(x: TensorLike, name: str = default_name) -> Tensor:
        """``x`` cast to the dtype, a ``Cast`` op named as TF1 names it (``ToInt64``...); a node that
        already has the dtype is returned as it is, with no op (as ``tf.cast`` does)."""
        if isinstance(x, Tensor) and x.dtype == dtype:
            return x
        return cast(x, dtype, name=name)
    convert.__name__ = convert.__qualname__ = f"to_{dtype.name}"
    return convert


# TF1's shorthands for tf.cast, each with its own default op name.
to_float = _to(_dtypes.float32, "ToFloat")
to_double = _to(_dtypes.float64, "ToDouble")
to_int32 = _to(_dtypes.int32, "ToInt32")
to_int64 = _to(_dtypes.int64, "ToInt64")
