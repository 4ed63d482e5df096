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
    array = np.asarray(value)
    kind = array.dtype.kind
    if kind in "iu" and array.size and not (_INT32_MIN <= array.min() and array.max() <= _INT32_MAX):
        return int64  # as TensorFlow: an int literal too big for int32 makes an int64 constant
    return {"f": float32, "i": int32, "u": int32, "b": bool}.get(kind) or as_dtype(array.dtype)


_INT32_MIN, _INT32_MAX = -(2 ** 31), 2 ** 31 - 1


def _constant_array(value: typing.Any, dtype: DTypeLike, name: str) -> tuple[np.ndarray, DType]:
    """``value`` as an array of ``dtype`` (default: TF's for a literal), with TF's checks: a Python float
    is not silently truncated to an int dtype, an int out of the dtype's range, a ragged nested list or a
    string is refused (TypeError/ValueError naming the node), never NumPy's own error."""
    if isinstance(value, str) or (isinstance(value, np.ndarray) and value.dtype.kind in "USO"):
        raise TypeError(f"{name}: cannot make a constant of {value!r}: TensorSlow has no string dtype")
    if not isinstance(value, (np.ndarray, np.generic)):
        try:
            literal = np.asarray(value)
        except (ValueError, OverflowError) as e:
            raise ValueError(f"{name}: cannot convert {value!r} to a constant: the nested lists are ragged "
                             f"(non-rectangular) or hold values of different types ({e})") from None
        if literal.dtype.kind == "O" and literal.size and all(isinstance(v, int) for v in literal.flat):
            raise TypeError(f"{name}: cannot convert {value!r} to a tensor: the integer is out of the range "
                            f"of int64")
        if literal.dtype.kind in "USO":
            raise TypeError(f"{name}: cannot make a constant of {value!r}: only numbers and booleans "
                            f"(nested lists of them, or NumPy arrays) can be constants")
        if dtype is not None:
            dt = as_dtype(dtype)
            if (dt.is_integer and literal.dtype.kind == "f") or (dt.is_bool and literal.dtype.kind in "iuf"):
                raise TypeError(f"{name}: expected {dt.name}, but got {value!r} of type "
                                f"'{type(value).__name__}' (Python values are not truncated; use tf.cast)")
    dt = as_dtype(dtype) if dtype is not None else dtype_of_python_value(value)
    try:
        return np.asarray(value, dtype=dt.as_numpy_dtype), dt
    except OverflowError:
        raise TypeError(f"{name}: the value {value!r} is out of the range of {dt.name}") from None
    except (TypeError, ValueError) as e:
        raise TypeError(f"{name}: cannot convert {value!r} to a constant of dtype {dt.name}: {e}") from None

# The public API: what `tensorslow.dtypes` offers (imports used to build it are not part of it).
__all__ = ["DType", "as_dtype", "bool", "double", "float16", "float32", "float64", "half", "int16", "int32", "int64",
           "int8", "uint8"]
