"""Local response normalization (``tf.nn.lrn``, op LRN): AlexNet's and the CIFAR-10 tutorial's "norm" layers.

Each entry of an NHWC input is divided by a power of the sum of squares of its neighbours along the
channel axis, a window of ``2 * depth_radius + 1`` channels centred on it (cut off at the edges)::

    S[..., d] = sum over c in [d - r, d + r] of x[..., c] ** 2
    n         = bias + alpha * S
    y         = x * n ** -beta

Gradient: x_j reaches y_j directly and every y_i whose window holds j through S_i, and the window is
symmetric (j is in i's window exactly when i is in j's), so::

    dx = g * n ** -beta  -  2 * alpha * beta * x * W(g * y / n)

where W is the same windowed sum over channels and ``y / n = x * n ** (-beta - 1)``.
TensorFlow's kernel accepts float16 and float32 only; TensorSlow also runs float64 (its gradients are
checked against finite differences in float64).
"""
from __future__ import annotations

from .. import dtypes as _dtypes
from ..backend import xp
from ..errors import InvalidArgumentError
from ..graph import Tensor, TensorLike
from ..registry import RegisterGradient
from .core import as_nodes


def _window_sum(values, radius):
    """W(v)[..., d] = sum of v[..., c] for c in [d - radius, d + radius] within the channel axis."""
    depth = values.shape[-1]
    padded = xp.pad(values, [(0, 0)] * (values.ndim - 1) + [(radius, radius)])
    total = xp.zeros_like(values)
    for shift in range(2 * radius + 1):  # one slice per window position: 2r + 1 additions, in channel order
        total += padded[..., shift:shift + depth]
    return total


def _norm(x, radius, bias, alpha):
    """n = bias + alpha * S, S the windowed sum of squares (in x's dtype)."""
    dt = x.dtype.type
    return dt(bias) + dt(alpha) * _window_sum(x * x, min(radius, x.shape[-1]))


def lrn(input: TensorLike, depth_radius: int = 5, bias: float = 1.0, alpha: float = 1.0,  # noqa: A002
        beta: float = 0.5, name: str | None = None) -> Tensor:
    """y = x / (bias + alpha * sum of x**2 over 2 * depth_radius + 1 neighbouring channels) ** beta."""
    (x,) = as_nodes([input], dtype_hint=_dtypes.float32)
    if x.dtype is not None and x.dtype not in (_dtypes.float16, _dtypes.float32, _dtypes.float64):
        raise TypeError(f"Value passed to parameter 'input' has DataType {x.dtype.name} not in list of allowed "
                        f"values: float16, bfloat16, float32")
    if x.shape.ndims is not None and x.shape.ndims != 4:
        raise ValueError(f"Shape must be rank 4 but is rank {x.shape.ndims} for LRN (input {x.name!r} of shape "
                         f"{x.shape})")
    radius, bias, alpha, beta = int(depth_radius), float(bias), float(alpha), float(beta)
    node: Tensor

    def compute(value):
        if value.ndim != 4:
            raise InvalidArgumentError(node, f"in must be 4-dimensional, got shape {list(value.shape)}")
        if radius < 0:
            raise InvalidArgumentError(node, f"depth_radius = {radius} larger than int max")
        n = _norm(value, radius, bias, alpha)
        return value * n ** value.dtype.type(-beta)
    node = Tensor("LRN", (x,), compute=compute,
                  attrs={"depth_radius": radius, "bias": bias, "alpha": alpha, "beta": beta},
                  dtype=x.dtype, shape=x.shape, name=name or "LRN")
    return node


local_response_normalization = lrn


@RegisterGradient("LRN")
def _lrn_grad(op, grad):
    """dx = g * n**-beta - 2 * alpha * beta * x * W(g * y / n)   (see the module docstring)"""
    (x,), y = op.inputs, op.output
    radius = min(op.depth_radius, x.shape[-1])
    n = _norm(x, op.depth_radius, op.bias, op.alpha)
    dt = x.dtype.type
    direct = grad * n ** dt(-op.beta)
    through_norms = dt(2.0 * op.alpha * op.beta) * x * _window_sum(grad * y / n, radius)
    return (direct - through_norms).astype(x.dtype, copy=False)

