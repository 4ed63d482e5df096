"""More elementwise math: trigonometric and hyperbolic functions, erf, log-gamma, digamma, expm1, the
NaN/Inf tests, atan2, rint and log_sigmoid.

Each op is its kernel (the forward math, in the docstring) followed by its gradient (the derivative, in the
docstring), as in ``math_ops.py``. All are float-only, as in TensorFlow (an integer input is a TypeError
naming the op). The special functions NumPy lacks (erf, lgamma, digamma and its derivative trigamma) are
computed in float64 and rounded to the input's dtype: erf and lgamma with Python's ``math`` module, one
element at a time, digamma and trigamma with their recurrences and asymptotic series (below).
"""
from __future__ import annotations

import math

import numpy as np

from .. import dtypes as _dtypes
from ..backend import errstate, to_device, to_host, xp
from ..graph import Tensor, TensorLike, name_scope
from ..registry import NotDifferentiable, RegisterGradient
from .core import as_nodes, broadcast_shape, check_floating, common_dtype, unary_op
from .math_ops import negative
from .nn_ops import softplus

#: TF's names for these ops (tf.* and tf.math.*), imported by ``tensorslow`` and ``tensorslow.math``
__all__ = ["acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cos", "cosh", "digamma", "erf", "erfc",
           "expm1", "is_finite", "is_inf", "is_nan", "lgamma", "log_sigmoid", "rint", "sin", "sinh", "tan"]

# -- trigonometric -------------------------------------------------------------------------


@unary_op("Sin", float_only=True)
def sin(x):
    """y = sin(x)"""
    return xp.sin(x)


@RegisterGradient("Sin")
def _sin_grad(op, grad):
    """dy/dx = cos(x)"""
    return grad * xp.cos(op.inputs[0])


@unary_op("Cos", float_only=True)
def cos(x):
    """y = cos(x)"""
    return xp.cos(x)


@RegisterGradient("Cos")
def _cos_grad(op, grad):
    """dy/dx = -sin(x)"""
    return -grad * xp.sin(op.inputs[0])


@unary_op("Tan", float_only=True)
def tan(x):
    """y = tan(x)"""
    return xp.tan(x)


@RegisterGradient("Tan")
def _tan_grad(op, grad):
    """dy/dx = sec^2(x) = 1 / cos^2(x)"""
    sec = 1 / xp.cos(op.inputs[0])
    return sec * sec * grad


@unary_op("Asin", float_only=True)
def asin(x):
    """y = arcsin(x), for x in [-1, 1] (NaN outside)"""
    return xp.arcsin(x)


@RegisterGradient("Asin")
def _asin_grad(op, grad):
    """dy/dx = 1 / sqrt(1 - x^2)"""
    x = op.inputs[0]
    return grad * (1 / xp.sqrt(1 - x * x))


@unary_op("Acos", float_only=True)
def acos(x):
    """y = arccos(x), for x in [-1, 1] (NaN outside)"""
    return xp.arccos(x)


@RegisterGradient("Acos")
def _acos_grad(op, grad):
    """dy/dx = -1 / sqrt(1 - x^2)"""
    x = op.inputs[0]
    return -grad * (1 / xp.sqrt(1 - x * x))


@unary_op("Atan", float_only=True)
def atan(x):
    """y = arctan(x)"""
    return xp.arctan(x)


@RegisterGradient("Atan")
def _atan_grad(op, grad):
    """dy/dx = 1 / (1 + x^2)"""
    x = op.inputs[0]
    return grad * (1 / (1 + x * x))


def atan2(y: TensorLike, x: TensorLike, name: str | None = None) -> Tensor:
    """z = arctan(y / x) in the quadrant of the point (x, y): the angle of (x, y), in [-pi, pi]. Note the
    order of the arguments (y first), as in TF and NumPy."""
    with name_scope(name, "Atan2", [y, x]) as scope:
        y, x = as_nodes([y, x], names=["y", "x"])
        dtype = common_dtype("Atan2", (y, x))
        check_floating("Atan2", y, "y")
        return Tensor("Atan2", (y, x), compute=xp.arctan2, dtype=dtype, shape=broadcast_shape("Atan2", y, x, name),
                      name=scope)


@RegisterGradient("Atan2")
def _atan2_grad(op, grad):
    """dz/dy = x / (x^2 + y^2), dz/dx = -y / (x^2 + y^2)"""
    y, x = op.inputs
    g = grad / (y * y + x * x)
    return x * g, -y * g


# -- hyperbolic ---------------------------------------------------------------------------------


@unary_op("Sinh", float_only=True)
def sinh(x):
    """y = sinh(x) = (e^x - e^-x) / 2"""
    return xp.sinh(x)


@RegisterGradient("Sinh")
def _sinh_grad(op, grad):
    """dy/dx = cosh(x)"""
    return grad * xp.cosh(op.inputs[0])


@unary_op("Cosh", float_only=True)
def cosh(x):
    """y = cosh(x) = (e^x + e^-x) / 2"""
    return xp.cosh(x)


@RegisterGradient("Cosh")
def _cosh_grad(op, grad):
    """dy/dx = sinh(x)"""
    return grad * xp.sinh(op.inputs[0])


@unary_op("Asinh", float_only=True)
def asinh(x):
    """y = arsinh(x) = ln(x + sqrt(x^2 + 1))"""
    return xp.arcsinh(x)


@RegisterGradient("Asinh")
def _asinh_grad(op, grad):
    """dy/dx = 1 / cosh(y)"""
    return grad / xp.cosh(op.output)


@unary_op("Acosh", float_only=True)
def acosh(x):
    """y = arcosh(x) = ln(x + sqrt(x^2 - 1)), for x >= 1 (NaN below)"""
    return xp.arccosh(x)


@RegisterGradient("Acosh")
def _acosh_grad(op, grad):
    """dy/dx = 1 / sinh(y)"""
    return grad / xp.sinh(op.output)


@unary_op("Atanh", float_only=True)
def atanh(x):
    """y = artanh(x) = ln((1 + x) / (1 - x)) / 2, for x in (-1, 1)"""
    return xp.arctanh(x)


@RegisterGradient("Atanh")
def _atanh_grad(op, grad):
    """dy/dx = 1 / (1 - x^2)"""
    x = op.inputs[0]
    return grad * (1 / (1 - x * x))


# -- exponential and special functions -------------------------------------------------------------


@unary_op("Expm1", float_only=True)
def expm1(x):
    """y = e^x - 1, accurate for small x"""
    return xp.expm1(x)


@RegisterGradient("Expm1")
def _expm1_grad(op, grad):
    """dy/dx = e^x"""
    return grad * xp.exp(op.inputs[0])


def _elementwise(fn, x):
    """``fn`` (a function of one Python float) on every element of ``x``, in float64, rounded to x's dtype."""
    # a Python function per element runs on the host; the result goes back to the device
    values = np.frompyfunc(fn, 1, 1)(to_host(x).astype(np.float64))
    return to_device(np.asarray(values, dtype=np.float64).astype(x.dtype))


def _lgamma_of(v):
    """ln|Gamma(v)| of a Python float; +inf at the poles 0, -1, -2, ... (where ``math.lgamma`` raises)."""
    try:
        return math.lgamma(v)
    except ValueError:
        return math.inf


@unary_op("Erf", float_only=True)
def erf(x):
    """y = erf(x) = 2/sqrt(pi) * integral from 0 to x of e^(-t^2) dt"""
    return _elementwise(math.erf, x)


_TWO_OVER_ROOT_PI = 2 / math.sqrt(math.pi)


@RegisterGradient("Erf")
def _erf_grad(op, grad):
    """dy/dx = 2/sqrt(pi) e^(-x^2)"""
    x = op.inputs[0]
    return grad * (_TWO_OVER_ROOT_PI * xp.exp(-(x * x)))


@unary_op("Erfc", float_only=True)
def erfc(x):
    """y = erfc(x) = 1 - erf(x), accurate where erf(x) is close to 1"""
    return _elementwise(math.erfc, x)


@RegisterGradient("Erfc")
def _erfc_grad(op, grad):
    """dy/dx = -2/sqrt(pi) e^(-x^2)"""
    x = op.inputs[0]
    return grad * (-_TWO_OVER_ROOT_PI * xp.exp(-(x * x)))


@unary_op("Lgamma", float_only=True)
def lgamma(x):
    """y = ln|Gamma(x)| (+inf at the poles x = 0, -1, -2, ...)"""
    return _elementwise(_lgamma_of, x)


@RegisterGradient("Lgamma")
def _lgamma_grad(op, grad):
    """dy/dx = digamma(x)"""
    return grad * digamma_values(op.inputs[0])


@unary_op("Digamma", float_only=True)
def digamma(x):
    """y = psi(x) = d/dx ln Gamma(x)"""
    return digamma_values(x)


@RegisterGradient("Digamma")
def _digamma_grad(op, grad):
    """dy/dx = psi'(x), the trigamma function (polygamma(1, x))"""
    return grad * trigamma_values(op.inputs[0])


# Asymptotic series at large x (B_2k are the Bernoulli numbers 1/6, -1/30, 1/42, -1/30, 5/66, -691/2730, 7/6):
#   psi(x)  ~ ln x - 1/(2x) - sum_k B_2k / (2k x^2k)
#   psi'(x) ~ 1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1)
# With x >= 10 the first omitted terms are below 1e-16 relative: float64 accuracy.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)
_LARGE = 10.0


def _shifted_up(x, term):
    """(x shifted up by whole steps to >= _LARGE, sum of ``term(x)`` over the x it passed): the recurrences
    psi(x) = psi(x + 1) - 1/x and psi'(x) = psi'(x + 1) + 1/x^2 step x up to where the series is accurate."""
    total = xp.zeros_like(x)
    for _ in range(int(_LARGE)):  # x >= 0.5 here: ten steps reach 10
        small = x < _LARGE
        total += xp.where(small, term(x), 0.0)
        x = xp.where(small, x + 1, x)
    return x, total


def digamma_values(x):
    """psi(x) of an array, in float64 rounded to x's dtype; below 1/2 by reflection,
    psi(x) = psi(1 - x) - pi / tan(pi x) (NaN or inf at the poles 0, -1, -2, ...)."""
    x = xp.asarray(x)
    v = x.astype(np.float64)
    with errstate(divide="ignore", invalid="ignore"):
        reflect = v < 0.5
        z, shift = _shifted_up(xp.where(reflect, 1 - v, v), lambda t: -1 / t)
        inv2 = 1 / (z * z)
        series = sum(b / (2 * k) * inv2 ** k for k, b in enumerate(_BERNOULLI, start=1))
        psi = xp.log(z) - 0.5 / z - series + shift
        psi = xp.where(reflect, psi - xp.pi / xp.tan(xp.pi * v), psi)
        psi = xp.where(v == xp.floor(v), xp.where(v <= 0, xp.nan, psi), psi)
    return psi.astype(x.dtype)


def trigamma_values(x):
    """psi'(x) of an array, in float64 rounded to x's dtype; below 1/2 by reflection,
    psi'(x) = pi^2 / sin^2(pi x) - psi'(1 - x) (+inf at the poles 0, -1, -2, ...)."""
    x = xp.asarray(x)
    v = x.astype(np.float64)
    with errstate(divide="ignore", invalid="ignore"):
        reflect = v < 0.5
        z, shift = _shifted_up(xp.where(reflect, 1 - v, v), lambda t: 1 / (t * t))
        inv = 1 / z
        series = sum(b * inv ** (2 * k + 1) for k, b in enumerate(_BERNOULLI, start=1))
        psi1 = inv + 0.5 * inv * inv + series + shift
        psi1 = xp.where(reflect, (xp.pi / xp.sin(xp.pi * v)) ** 2 - psi1, psi1)
        psi1 = xp.where((v <= 0) & (v == xp.floor(v)), xp.inf, psi1)  # the poles (and -inf), as TF
    return psi1.astype(x.dtype)


# -- tests for NaN and infinity, rounding ---------------------------------------------------------------

def _to_bool(_):
    return _dtypes.bool


@unary_op("IsNan", dtype_fn=_to_bool, float_only=True)
def is_nan(x):
    """y = whether x is NaN"""
    return xp.isnan(x)


@unary_op("IsInf", dtype_fn=_to_bool, float_only=True)
def is_inf(x):
    """y = whether x is +inf or -inf"""
    return xp.isinf(x)


@unary_op("IsFinite", dtype_fn=_to_bool, float_only=True)
def is_finite(x):
    """y = whether x is neither NaN nor infinite"""
    return xp.isfinite(x)


@unary_op("Rint", float_only=True)
def rint(x):
    """y = the integer nearest x, half to even (rint(2.5) = 2, rint(-1.5) = -2)"""
    return xp.rint(x)


for _t in ("IsNan", "IsInf", "IsFinite", "Rint"):
    NotDifferentiable(_t)


# -- composites -----------------------------------------------------------------------------------------------

def log_sigmoid(x: TensorLike, name: str | None = None) -> Tensor:
    """y = log(sigmoid(x)) = -softplus(-x), computed that way so large |x| neither overflows nor gives log(0):
    the ops ``LogSigmoid/Neg``, ``LogSigmoid/Softplus`` and the Neg ``LogSigmoid``, as TF builds it."""
    with name_scope(name, "LogSigmoid", [x]) as scope:
        (x,) = as_nodes([x], names=["x"])
        return negative(softplus(negative(x)), name=scope)
