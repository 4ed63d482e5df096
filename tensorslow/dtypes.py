"""Data types, mirroring ``tf.dtypes``.

A :class:`DType` wraps a NumPy dtype and answers to the names TensorFlow and
the course use: ``tf.float32``, ``"float"``, ``"float32"``, ``np.float32``.
"""
import builtins
import typing

import numpy as np

_pybool = builtins.bool  # this module shadows `bool` with the TensorFlow dtype


class DType:
    """A tensor element type (``tf.float32`` and friends)."""

    __slots__ = ("name", "as_numpy_dtype")

    def __init__(self, name: str, numpy_type: typing.Any) -> None:
        self.name = name
        self.as_numpy_dtype = np.dtype(numpy_type)

    @property
    def base_dtype(self) -> "DType":
        return self

    @property
    def is_floating(self) -> builtins.bool:
        return self.as_numpy_dtype.kind == "f"

    @property
    def is_integer(self) -> builtins.bool:
        return self.as_numpy_dtype.kind in "iu"

    @property
    def is_bool(self) -> builtins.bool:
        return self.as_numpy_dtype.kind == "b"

    @property
    def size(self) -> int:
        return self.as_numpy_dtype.itemsize

    def __eq__(self, other: typing.Any) -> builtins.bool:
        if other is None:
            return False
        try:
            return self is as_dtype(other)
        except TypeError:
            return False

    def __ne__(self, other: typing.Any) -> builtins.bool:
        return not self == other

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"tf.{self.name}"

    def __reduce__(self):  # pickle by name, keep singletons
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
bool = DType("bool", np.bool_)  # noqa: A001  (the TensorFlow name)
half, double = float16, float64

_ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool)
_BY_NAME = {d.name: d for d in _ALL}
# Spellings accepted by tf.as_dtype and by TF1 tutorials ("float" is float32).
_BY_NAME.update({"float": float32, "half": float16, "double": float64, "int": int32,
                 "long": int64, "bool_": bool})
_BY_NUMPY = {d.as_numpy_dtype: d for d in _ALL}


# What a dtype argument accepts: a DType, its name ("float32", "float"), a NumPy dtype or type, float/int/bool.
DTypeLike: typing.TypeAlias = "DType | str | type | np.dtype | None"


def as_dtype(value: DTypeLike) -> DType:
    """Convert a DType, a name, a NumPy dtype or a Python type to a :class:`DType`."""
    if isinstance(value, DType):
        return value
    if isinstance(value, str):
        if value in _BY_NAME:
            return _BY_NAME[value]
        raise TypeError(f"Cannot convert {value!r} to a dtype; known names: {sorted(_BY_NAME)}")
    if value is float:
        return float32
    if value is int:
        return int32
    if value is _pybool:
        return bool
    try:
        return _BY_NUMPY[np.dtype(value)]
    except (TypeError, KeyError):
        raise TypeError(f"Cannot convert {value!r} to a TensorSlow dtype") from None


def dtype_of_python_value(value: typing.Any) -> DType:
    """The dtype TensorFlow gives a Python literal or nested list.

    Floats become float32 and ints int32 (TensorFlow's defaults), unlike NumPy's
    64-bit defaults; NumPy arrays and scalars keep their own dtype.
    """
    if isinstance(value, (np.ndarray, np.generic)):
        return as_dtype(value.dtype)
    kind = np.asarray(value).dtype.kind
    return {"f": float32, "i": int32, "u": int32, "b": bool}.get(kind) or as_dtype(np.asarray(value).dtype)
