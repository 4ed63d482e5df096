"""Initializers (``tf.zeros_initializer``, ``tf.glorot_uniform_initializer``, ``tf.initializers.*``...).

An initializer is an object called as ``init(shape, dtype=None, partition_info=None)`` that builds the
ops making a variable's first value; ``get_variable`` calls it under ``<variable>/Initializer/``. Each
builds TF1's ops in TF1's order, with TF1's names (``random_uniform/shape``, ``/min``, ``/max``,
``/RandomUniform``, ``/sub``, ``/mul``, then the add named ``random_uniform``) and takes its random seed
at the same point, so under ``tf.set_random_seed(s)`` a program's variables start with TensorFlow's
bits (``tests/test_initializers.py``).

Variance scaling (Glorot, He, LeCun are special cases): with ``n`` = fan_in, fan_out or their mean,
``scale' = scale / max(1, n)``; uniform draws U(-l, l) with ``l = sqrt(3 scale')`` (variance l^2/3 =
scale'), untruncated_normal N(0, scale'), truncated_normal N(0, sigma^2) cut at 2 sigma with
``sigma = sqrt(scale') / 0.8796...``, the standard deviation of N(0, 1) cut at +-2 (so the result has
variance scale').
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import dtypes as _dtypes
from .backend import xp
from .dtypes import DTypeLike
from .graph import Tensor, constant_node, get_default_graph
from .ops.array_ops import reshape, transpose
from .ops.math_ops import add, multiply, sign, subtract
from .ops.random_ops import _random_op, random_kernel

#: Standard deviation of N(0, 1) truncated to [-2, 2]: TF divides by it so truncated draws keep the variance.
TRUNCATED_STDDEV = .87962566103423978


def _float_dtype(dtype: DTypeLike) -> _dtypes.DType:
    dtype = _dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"Argument `dtype` is expected to be floating point. Received: {dtype}.")
    return dtype


class Initializer:
    """Base class: ``init(shape, dtype=None, partition_info=None)`` returns the initial-value node."""

    dtype: Any = _dtypes.float32

    def __call__(self, shape: Any, dtype: DTypeLike = None, partition_info: Any = None) -> Tensor:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        return cls(**config)

    def _dtype(self, dtype):
        return _dtypes.as_dtype(self.dtype if dtype is None else dtype)


class Zeros(Initializer):
    """All zeros."""

    def __init__(self, dtype: DTypeLike = _dtypes.float32) -> None:
        self.dtype = _dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return _filled(shape, 0, self._dtype(dtype), "zeros")

    def get_config(self):
        return {"dtype": self.dtype.name}


class Ones(Zeros):
    """All ones."""

    def __call__(self, shape, dtype=None, partition_info=None):
        return _filled(shape, 1, self._dtype(dtype), "ones")


def _filled(shape, value, dtype, scope_name):
    """TF's zeros/ones: a Const named like the scope below 1000 elements, else Fill(shape_as_tensor, Const)."""
    dims = [int(d) for d in shape]
    np_type = dtype.as_numpy_dtype
    with get_default_graph().name_scope(scope_name) as scope:
        if int(np.prod(dims, dtype=np.float64)) < 1000:
            return constant_node(np.full(dims, value, np_type), dtype=dtype, name=scope)
        dims_node = constant_node(np.asarray(dims, np.int32), name="shape_as_tensor")
        value_node = constant_node(np.asarray(value, np_type), dtype=dtype, name="Const")
        return Tensor("Fill", (dims_node, value_node), compute=_fill, dtype=dtype, shape=dims, name=scope)


def _fill(dims, value):
    """y = ``value`` (a scalar) everywhere in an array of shape ``dims``"""
    return xp.full(tuple(int(n) for n in dims), value, dtype=value.dtype)


class Constant(Initializer):
    """``value`` (a scalar fills the shape; a shorter list is padded with its last element, as TF1 does)."""

    def __init__(self, value: Any = 0, dtype: DTypeLike = _dtypes.float32, verify_shape: bool = False) -> None:
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(f"Invalid type for initial value={value} of type: {type(value).__name__}. Expected "
                            f"Python scalar, list or tuple of values, or numpy.ndarray.")
        self.value, self.dtype, self._verify_shape = value, _dtypes.as_dtype(dtype), verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        dtype = self._dtype(dtype)
        dims = [int(d) for d in shape]
        flat = np.asarray(self.value, dtype=dtype.as_numpy_dtype).ravel()
        size = int(np.prod(dims))
        if flat.size > size:
            raise ValueError(f"Too many elements provided. Takes at most {size}, but got {flat.size}.")
        if 1 < flat.size < size or (flat.size == 1 and np.ndim(self.value) > 0 and size > 1):
            flat = np.concatenate([flat, np.full(size - flat.size, flat[-1], flat.dtype)])
        return constant_node(flat.reshape(dims) if flat.size == size else flat, dtype=dtype, shape=dims,
                             name="Const")

    def get_config(self):
        return {"value": self.value, "dtype": self.dtype.name}


# -- random initializers ---------------------------------------------------------------------

def random_uniform(shape, minval, maxval, dtype, seed):
    """TF's ``random_uniform`` composite: RandomUniform in [0, 1), then ``* (max - min) + min`` (only ``* max``
    when minval is the int 0; nothing when it is U[0, 1) with int bounds); RandomUniformInt for integers."""
    dims = tuple(int(d) for d in shape)
    maxval = 1 if maxval is None else maxval
    min_is_zero = isinstance(minval, int) and minval == 0
    max_is_one = isinstance(maxval, int) and maxval == 1
    with get_default_graph().name_scope("random_uniform") as scope:
        constant_node(np.asarray(dims, np.int32), name="shape")
        if not min_is_zero or not max_is_one or dtype.is_integer:
            low = constant_node(minval, dtype=dtype, name="min")
            high = constant_node(maxval, dtype=dtype, name="max")
        if dtype.is_integer:
            return _random_op("RandomUniformInt", "uniform_int", dims, dtype, seed, scope,
                              {"minval": int(minval), "maxval": int(maxval)}, lambda x: x)
        rnd = random_kernel("RandomUniform", dims, dtype, seed)
        if min_is_zero:
            return rnd if max_is_one else multiply(rnd, high)
        return add(multiply(rnd, subtract(high, low, name="sub"), name="mul"), low, name=scope)


def _normal(op_type, scope_name, shape, mean, stddev, dtype, seed):
    """TF's ``random_normal`` / ``truncated_normal`` composite: kernel * stddev + mean."""
    dims = tuple(int(d) for d in shape)
    with get_default_graph().name_scope(scope_name) as scope:
        constant_node(np.asarray(dims, np.int32), name="shape")
        mean_node = constant_node(mean, dtype=dtype, name="mean")
        stddev_node = constant_node(stddev, dtype=dtype, name="stddev")
        rnd = random_kernel(op_type, dims, dtype, seed)
        return add(multiply(rnd, stddev_node, name="mul"), mean_node, name=scope)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=_dtypes.float32, seed=None):
    return _normal("RandomStandardNormal", "random_normal", shape, mean, stddev, _dtypes.as_dtype(dtype), seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=_dtypes.float32, seed=None):
    return _normal("TruncatedNormal", "truncated_normal", shape, mean, stddev, _dtypes.as_dtype(dtype), seed)


class RandomUniform(Initializer):
    """U[minval, maxval) (maxval defaults to 1 for floats)."""

    def __init__(self, minval: Any = .0, maxval: Any = None, seed: int | None = None,
                 dtype: DTypeLike = _dtypes.float32) -> None:
        self.minval, self.maxval, self.seed, self.dtype = minval, maxval, seed, _dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_uniform(shape, self.minval, self.maxval, self._dtype(dtype), self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed, "dtype": self.dtype.name}


class RandomNormal(Initializer):
    """N(mean, stddev^2)."""

    def __init__(self, mean: float = 0.0, stddev: float = 1.0, seed: int | None = None,
                 dtype: DTypeLike = _dtypes.float32) -> None:
        self.mean, self.stddev, self.seed, self.dtype = mean, stddev, seed, _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_normal(shape, self.mean, self.stddev, self._dtype(dtype), self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed, "dtype": self.dtype.name}


class TruncatedNormal(RandomNormal):
    """N(mean, stddev^2), redrawn beyond 2 stddev."""

    def __call__(self, shape, dtype=None, partition_info=None):
        return truncated_normal(shape, self.mean, self.stddev, self._dtype(dtype), self.seed)


class UniformUnitScaling(Initializer):
    """U(-l, l) with ``l = factor * sqrt(3 / input_size)`` (deprecated in TF for variance_scaling)."""

    def __init__(self, factor: float = 1.0, seed: int | None = None, dtype: DTypeLike = _dtypes.float32) -> None:
        self.factor, self.seed, self.dtype = factor, seed, _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        input_size = 1.0
        for dim in list(shape)[:-1]:
            input_size *= float(dim)
        input_size = max(input_size, 1.0)  # no division by zero for a scalar
        max_val = math.sqrt(3 / input_size) * self.factor
        return random_uniform(shape, -max_val, max_val, self._dtype(dtype), self.seed)

    def get_config(self):
        return {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}


def compute_fans(shape) -> tuple[int, int]:
    """(fan_in, fan_out): for a dense kernel [in, out]; for a conv kernel [..., in, out] each times the
    receptive field (the product of the leading dims); 1 and 1 for a scalar, n and n for a vector."""
    shape = [int(d) for d in shape]
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field = 1
    for dim in shape[:-2]:
        receptive_field *= dim
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class VarianceScaling(Initializer):
    """Draws with variance ``scale / n`` (see the module docstring)."""

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: int | None = None, dtype: DTypeLike = _dtypes.float32) -> None:
        if scale <= 0.:
            raise ValueError(f"Argument `scale` must be a positive float. Received: {scale}")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError(f"Argument `mode` should be one of ('fan_in', 'fan_out', 'fan_avg'). Received: {mode}")
        distribution = distribution.lower()
        if distribution not in {"normal", "uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError(f"Argument `distribution` should be one of ('normal', uniform', 'truncated_normal', "
                             f"'untruncated_normal'). Received: {distribution}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self._dtype(dtype)
        fan_in, fan_out = compute_fans(shape if partition_info is None else partition_info.full_shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.}[self.mode]
        scale = self.scale / max(1., n)
        if self.distribution in ("normal", "truncated_normal"):
            return truncated_normal(shape, 0.0, math.sqrt(scale) / TRUNCATED_STDDEV, dtype, self.seed)
        if self.distribution == "untruncated_normal":
            return random_normal(shape, 0.0, math.sqrt(scale), dtype, self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_uniform(shape, -limit, limit, dtype, self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed,
                "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """Xavier uniform: U(-l, l), ``l = sqrt(6 / (fan_in + fan_out))``."""

    def __init__(self, seed: int | None = None, dtype: DTypeLike = _dtypes.float32) -> None:
        super().__init__(scale=1.0, mode="fan_avg", distribution="uniform", seed=seed)  # dtype: TF ignores it too

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """Xavier normal: truncated normal with variance ``2 / (fan_in + fan_out)``."""

    def __init__(self, seed: int | None = None, dtype: DTypeLike = _dtypes.float32) -> None:
        super().__init__(scale=1.0, mode="fan_avg", distribution="truncated_normal", seed=seed)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


def lecun_normal(seed: int | None = None) -> VarianceScaling:
    return VarianceScaling(scale=1., mode="fan_in", distribution="truncated_normal", seed=seed)


def lecun_uniform(seed: int | None = None) -> VarianceScaling:
    return VarianceScaling(scale=1., mode="fan_in", distribution="uniform", seed=seed)


def he_normal(seed: int | None = None) -> VarianceScaling:
    return VarianceScaling(scale=2., mode="fan_in", distribution="truncated_normal", seed=seed)


def he_uniform(seed: int | None = None) -> VarianceScaling:
    return VarianceScaling(scale=2., mode="fan_in", distribution="uniform", seed=seed)


# -- orthogonal and identity -------------------------------------------------------------------

class Orthogonal(Initializer):
    """``gain`` times an orthogonal matrix: the Q of the QR decomposition of a normal random matrix,
    each column's sign flipped to make R's diagonal positive (so Q is uniformly distributed); a shape
    with more dims is made as [prod(leading dims), last] and reshaped; a wide one is transposed."""

    def __init__(self, gain: float = 1.0, seed: int | None = None, dtype: DTypeLike = _dtypes.float32) -> None:
        self.gain, self.seed, self.dtype = gain, seed, _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self._dtype(dtype)
        if len(shape) < 2:
            raise ValueError(f"The tensor to initialize, specified by argument `shape` must be at least "
                             f"two-dimensional. Received shape={list(shape)}")
        num_rows = int(np.prod([int(d) for d in shape[:-1]]))
        num_cols = int(shape[-1])
        flat = (num_cols, num_rows) if num_rows < num_cols else (num_rows, num_cols)
        a = random_normal(flat, dtype=dtype, seed=self.seed)
        q = Tensor("Qr", (a,), compute=_qr_q, attrs={"full_matrices": False}, dtype=dtype, shape=flat)
        d = Tensor("DiagPart", (q, a), compute=_r_diagonal, dtype=dtype, shape=(flat[1],))
        q = multiply(q, sign(d), name="mul")
        graph = get_default_graph()
        if num_rows < num_cols:
            with graph.name_scope("matrix_transpose"):
                q = transpose(q, constant_node(np.asarray([1, 0], np.int32), name="transpose/perm"), name="transpose")
        dims = constant_node(np.asarray([int(d) for d in shape], np.int32), name="Reshape/shape")
        return _times(self.gain, reshape(q, dims, name="Reshape"))

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


def _qr_q(a):
    """Q of the reduced QR decomposition a = QR (LAPACK's; TF uses Eigen's: equal up to rounding)"""
    return xp.linalg.qr(a)[0].astype(a.dtype, copy=False)


def _r_diagonal(q, a):
    """diag(R) = diag(Q^T a): R of the same decomposition (TensorSlow's Qr node carries Q only)"""
    return xp.einsum("ij,ij->j", q, a).astype(a.dtype, copy=False)


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain: float = 1.0, dtype: DTypeLike = _dtypes.float32) -> None:
        self.gain, self.dtype = gain, _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        full_shape = shape if partition_info is None else partition_info.full_shape
        if len(full_shape) != 2:
            raise ValueError(f"The tensor to initialize, specified by argument `shape` must be at least "
                             f"two-dimensional. Received shape={list(shape)}")
        dtype = self._dtype(dtype)
        rows, cols = (int(d) for d in full_shape)
        graph = get_default_graph()
        with graph.name_scope("eye"):  # TF's eye: a diagonal of ones, set into zeros when not square
            ones = _filled([min(rows, cols)], 1, dtype, "ones")
            if rows != cols:
                zeros = _filled([rows, cols], 0, dtype, "zeros")
                with graph.name_scope("set_diag") as scope:
                    k = constant_node(np.int32(0), name="k")
                    eye = Tensor("MatrixSetDiagV3", (zeros, ones, k), compute=lambda m, d, _: _set_diagonal(m, d),
                                 dtype=dtype, shape=(rows, cols), name=scope)
            else:
                with graph.name_scope("diag") as scope:
                    extra = [constant_node(np.int32(v), name=n) for n, v in
                             (("k", 0), ("num_rows", -1), ("num_cols", -1))]
                    extra.append(constant_node(0, dtype=dtype, name="padding_value"))
                    eye = Tensor("MatrixDiagV3", (ones, *extra), compute=lambda d, *_: xp.diag(d),
                                 dtype=dtype, shape=(rows, cols), name=scope)
        return _times(self.gain, eye)

    def get_config(self):
        return {"gain": self.gain, "dtype": self.dtype.name}


def _times(gain, node):
    """``gain * node`` as TF's operator builds it: in name scope ``mul`` (``mul_1``...), the Const ``x``."""
    with get_default_graph().name_scope("mul") as scope:
        return multiply(constant_node(gain, dtype=node.dtype, name="x"), node, name=scope)


def _set_diagonal(matrix, diagonal):
    """``matrix`` with ``diagonal`` on its main diagonal"""
    out = matrix.copy()
    xp.fill_diagonal(out, diagonal)
    return out


# TF1's names for the classes.
zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
uniform_unit_scaling_initializer = UniformUnitScaling
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
orthogonal_initializer = Orthogonal
identity_initializer = Identity
