"""TF1's deprecated spellings that old programs still use: ``tf.arg_max`` and ``tf.arg_min``.

They are ``argmax``/``argmin`` with the axis named ``dimension`` (required, second
positional argument) and ``output_type`` before ``name``, as ``gen_math_ops`` orders them.
"""
from __future__ import annotations

from .. import dtypes as _dtypes
from ..dtypes import DTypeLike
from ..graph import Tensor, TensorLike
from .reduction_ops import argmax, argmin


def arg_max(input: TensorLike, dimension: int, output_type: DTypeLike = _dtypes.int64,  # noqa: A002
            name: str | None = None) -> Tensor:
    """The index of the largest entry along ``dimension`` (an ``ArgMax`` op): ``tf.argmax``'s old name."""
    return argmax(input, dimension=dimension, output_type=output_type, name=name)


def arg_min(input: TensorLike, dimension: int, output_type: DTypeLike = _dtypes.int64,  # noqa: A002
            name: str | None = None) -> Tensor:
    """The index of the smallest entry along ``dimension`` (an ``ArgMin`` op): ``tf.argmin``'s old name."""
    return argmin(input, dimension=dimension, output_type=output_type, name=name)
