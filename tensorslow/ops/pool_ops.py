"""Pooling: ``max_pool`` (TF's ``MaxPool``), ``avg_pool`` (``AvgPool``), their 2-D and 1-D spellings.

A window of KH x KW positions moves over an NHWC input by the strides, each
channel on its own::

    max_pool: y[n, i, j, c] = max_{a, b} xpad[n, i*sh + a, j*sw + b, c]
    avg_pool: y[n, i, j, c] = sum_{a, b} xpad[n, i*sh + a, j*sw + b, c] / count[i, j]

Padding is the convolutions' (``conv_kernels.output_size``): the positions it adds
never win a max (they are -inf) and are not counted in an average
(``count[i, j]`` is the number of real positions in window (i, j)), as in TF.

Both loop over the KH*KW taps of the window, one whole-array operation per tap
on a strided slice (``conv_kernels.tap``): for a 2x2 pool of 64x28x28x32 floats
that takes 0.5 ms, against 4 ms for a max over two axes of the strided
(N, OH, OW, KH, KW, C) view and 8 ms through a reshape.

Gradients: an average sends g / count to each real position of its window. A
max sends its gradient to *one* position: the first in the window (row by row)
holding the maximum, as TensorFlow's MaxPoolGrad does; ties do not share it.
When the windows tile the input (a 2x2 pool at stride 2 of an even size), x
compared with y spread over each window marks every maximum at once, and the
first-come rule runs on those marks.
"""
from __future__ import annotations

from typing import Any

from ..backend import xp
from ..conv_kernels import geometry, pad_spatial, tap
from ..graph import Tensor, TensorLike, get_default_graph
from ..registry import RegisterGradient
from ..shapes import TensorShape
from . import array_ops
from .conv_ops import check_rank, padding_arg, spatial_arg, where
from .core import as_nodes

_MAX_POOL_TYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8")
_AVG_POOL_TYPES = ("float16", "bfloat16", "float32", "float64")
_NO_DILATION = [1, 1, 1, 1]


def _pool_node(op_type, value, ksize, strides, padding, data_format, name, kernel, allowed):
    """A MaxPool or AvgPool node with TF's attributes, checks and static shape."""
    (x,) = as_nodes([value])
    if data_format not in (None, "NHWC"):
        raise ValueError(f"{op_type}: data_format {data_format!r} is not supported; TensorSlow computes in NHWC "
                         f"(channels last) only: transpose the input to NHWC")
    at = where(op_type, name)
    if x.dtype is not None and x.dtype.name not in allowed:
        raise TypeError(f"Value passed to parameter 'value' has DataType {x.dtype.name} not in list of allowed "
                        f"values: {', '.join(allowed)}")
    pads_allowed = ("SAME", "VALID", "EXPLICIT") if op_type == "MaxPool" else ("SAME", "VALID")
    padding, explicit = padding_arg(padding, op_type, pads_allowed)
    ks, st = spatial_arg(ksize, "ksize"), spatial_arg(strides, "strides")
    if any(k == 0 for k in ks):
        raise ValueError(f"`ksize` cannot be zero. Received: ksize={ks}")
    _check_pool_attrs(op_type, at, ks, st, explicit)
    attrs = {"ksize": ks, "strides": st, "padding": padding, "data_format": "NHWC"}
    if op_type == "MaxPool":
        attrs["explicit_paddings"] = explicit
    check_rank((x.shape,), at)
    dims = x.shape.dims or (None,) * 4
    out_hw, _ = geometry(dims, ks[1], ks[2], {**attrs, "dilations": _NO_DILATION}, at)
    return Tensor(op_type, (x,), compute=lambda v: kernel(v, attrs), attrs=attrs, dtype=x.dtype,
                  shape=TensorShape([dims[0], *out_hw, dims[3]]), name=name)


def _check_pool_attrs(op_type, at, ksize, strides, explicit):
    """TF's checks (some of them made when its op runs: here a graph that cannot run is not built)."""
    if any(v <= 0 for v in ksize + strides):
        raise ValueError(f"Sliding window ksize and strides must be > 0 for {at}: ksize={ksize}, strides={strides}")
    if ksize[0] != 1 or strides[0] != 1:
        raise ValueError(f"Pooling is not yet supported on the batch dimension (ksize={ksize}, strides={strides}) "
                         f"for {at}")
    if ksize[3] != 1 or strides[3] != 1:
        raise ValueError(f"{op_type}: pooling across depth (ksize={ksize}, strides={strides}) is not supported by "
                         f"TensorSlow, for {at}")
    if any(p < 0 for p in explicit):
        raise ValueError(f"All elements of explicit_paddings must be nonnegative for {at}")
    if explicit and any(explicit[i] for i in (0, 1, 6, 7)):
        raise ValueError(f"Nonzero explicit padding in the batch or depth dimensions is not supported for {at}")


def _window(x_shape, attrs):
    """(OH, OW), the padding, the taps (a, b) and the strides of a pool over ``x_shape``."""
    ks = attrs["ksize"]
    out_hw, pads = geometry(x_shape, ks[1], ks[2], {**attrs, "dilations": _NO_DILATION})
    taps = [(a, b) for a in range(ks[1]) for b in range(ks[2])]
    return out_hw, pads, taps


def _lowest(dtype):
    """The value padding takes in a max: -inf, or the smallest integer."""
    return -xp.inf if dtype.kind == "f" else xp.iinfo(dtype).min


def _unpad(d, x_shape, pads):
    top, _, left, _ = pads
    if not any(pads):
        return d
    return xp.ascontiguousarray(d[:, top:top + x_shape[1], left:left + x_shape[2]])


# -- MaxPool -------------------------------------------------------------------------------------


def _tiles(x_shape, attrs, out_hw, pads):
    """True when the windows tile the input exactly (window = stride, no padding: a 2x2 pool at stride 2 of an
    even size): each position is in one window, and x reshaped to (N, OH, KH, OW, KW, C) holds them."""
    ks, st = attrs["ksize"], attrs["strides"]
    return ks[1:3] == st[1:3] and not any(pads) and tuple(x_shape[1:3]) == (out_hw[0] * ks[1], out_hw[1] * ks[2])


def _tiled(x, out_hw, attrs):
    """``x`` (N, H, W, C) as (N, OH, KH, OW, KW, C): window (i, j) is [:, i, :, j, :] (a view when contiguous)."""
    return x.reshape(x.shape[0], out_hw[0], attrs["ksize"][1], out_hw[1], attrs["ksize"][2], x.shape[3])


def _max_pool(x, attrs):
    """y = the maximum of each window: one elementwise maximum per tap."""
    out_hw, pads, taps = _window(x.shape, attrs)
    xpad = pad_spatial(x, pads, _lowest(x.dtype))
    y = tap(xpad, *taps[0], out_hw, attrs["strides"], _NO_DILATION).copy()
    for a, b in taps[1:]:
        xp.maximum(y, tap(xpad, a, b, out_hw, attrs["strides"], _NO_DILATION), out=y)
    return y


@RegisterGradient("MaxPool")
def _max_pool_grad(op, grad):
    """dL/dx = dL/dy at the first position (row by row) of each window that holds the window's maximum y,
    0 elsewhere; windows that overlap add up."""
    x, y = op.inputs[0], op.output
    out_hw, pads, taps = _window(x.shape, op.attrs)
    if _tiles(x.shape, op.attrs, out_hw, pads):
        # Tiling windows: one comparison of x with y spread over its window marks every maximum; then, tap by
        # tap in the window's order, a mark stays only where no earlier tap of its window has one (ties: the
        # first wins). LeNet's first pool (64x28x28x32 float32 after a ReLU, so with tied windows of zeros):
        # 2.5 ms instead of 3.1 for the loop below (CPU time, the two interleaved in one process).
        spread = (slice(None), slice(None), None, slice(None), None, slice(None))
        maxima = xp.equal(_tiled(x, out_hw, op.attrs), y[spread])
        marks = [maxima[:, :, a, :, b] for a, b in taps]
        seen = marks[0].copy()
        for k, mark in enumerate(marks[1:], start=2):
            xp.greater(mark, seen, out=mark)  # True > False: marked here and at no earlier tap
            if k < len(marks):
                seen |= mark
        return xp.multiply(maxima, grad[spread], dtype=grad.dtype).reshape(x.shape)
    xpad = pad_spatial(x, pads, _lowest(x.dtype))
    # Windows that tile the input exactly (a 2x2 pool at stride 2 of an even size) each write their own
    # positions: no zeros to start from, no additions. With the masks made in place: 2.5 ms instead of
    # 7.8 ms for LeNet's first pool (64x28x28x32 float32; 3.1 instead of 11.2 ms for overlapping 3x3s).
    tiles = op.ksize[1:3] == op.strides[1:3] \
        and xpad.shape[1:3] == tuple(o * s for o, s in zip(out_hw, op.strides[1:3]))
    dx = (xp.empty if tiles else xp.zeros)(xpad.shape, dtype=grad.dtype)
    unclaimed = xp.ones(y.shape, dtype=bool)  # windows whose maximum no earlier tap held
    first = xp.empty(y.shape, dtype=bool)
    for a, b in taps:
        xp.equal(tap(xpad, a, b, out_hw, op.strides, _NO_DILATION), y, out=first)
        first &= unclaimed
        unclaimed ^= first  # first is within unclaimed: this clears it there
        target = tap(dx, a, b, out_hw, op.strides, _NO_DILATION)
        if tiles:
            xp.multiply(grad, first, out=target)
        else:
            target += grad * first
    return _unpad(dx, x.shape, pads)


def max_pool(value: TensorLike | None = None, ksize: Any = None, strides: Any = None, padding: Any = None,
             data_format: str = "NHWC", name: str | None = None, input: TensorLike | None = None) -> Tensor:  # noqa: A002
    """y[n, i, j, c] = max over the window (i, j) of channel c of ``value`` (NHWC). ``ksize`` and ``strides``:
    an int, 2 spatial values or 4 NHWC values; ``padding``: "SAME", "VALID" or an explicit list."""
    x = value if value is not None else input
    return _pool_node("MaxPool", x, ksize, strides, padding, data_format, name or "MaxPool", _max_pool,
                      _MAX_POOL_TYPES)


def max_pool2d(input: TensorLike, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",  # noqa: A002
               name: str | None = None) -> Tensor:
    """``max_pool``, named "MaxPool2d" as TF names it."""
    return _pool_node("MaxPool", input, ksize, strides, padding, data_format, name or "MaxPool2d", _max_pool,
                      _MAX_POOL_TYPES)


# -- AvgPool -------------------------------------------------------------------------------------


def _counts(x_shape, attrs, out_hw, pads, dtype):
    """count[i, j, 1]: how many real (not padding) positions window (i, j) covers."""
    per_axis = []
    for axis, (n_out, before) in enumerate(zip(out_hw, pads[::2]), start=1):
        start = xp.arange(n_out) * attrs["strides"][axis] - before
        stop = xp.minimum(start + attrs["ksize"][axis], x_shape[axis])
        per_axis.append(stop - xp.maximum(start, 0))
    return (per_axis[0][:, None] * per_axis[1][None, :])[:, :, None].astype(dtype)


def _avg_pool(x, attrs):
    """y = the sum of each window's real positions over their count: one addition per tap."""
    out_hw, pads, taps = _window(x.shape, attrs)
    xpad = pad_spatial(x, pads)
    y = tap(xpad, *taps[0], out_hw, attrs["strides"], _NO_DILATION).copy()
    for a, b in taps[1:]:
        y += tap(xpad, a, b, out_hw, attrs["strides"], _NO_DILATION)
    if any(pads):
        y /= _counts(x.shape, attrs, out_hw, pads, x.dtype)
    else:
        y /= x.dtype.type(attrs["ksize"][1] * attrs["ksize"][2])
    return y


@RegisterGradient("AvgPool")
def _avg_pool_grad(op, grad):
    """dL/dx = the sum, over the windows holding x, of dL/dy / count of that window"""
    x = op.inputs[0]
    out_hw, pads, taps = _window(x.shape, op.attrs)
    count = _counts(x.shape, op.attrs, out_hw, pads, grad.dtype) if any(pads) else \
        grad.dtype.type(op.ksize[1] * op.ksize[2])
    share = grad / count
    dx = xp.zeros((x.shape[0], x.shape[1] + pads[0] + pads[1], x.shape[2] + pads[2] + pads[3], x.shape[3]),
                  dtype=grad.dtype)
    for a, b in taps:
        tap(dx, a, b, out_hw, op.strides, _NO_DILATION)[...] += share
    return _unpad(dx, x.shape, pads)


def avg_pool(value: TensorLike | None = None, ksize: Any = None, strides: Any = None, padding: Any = None,
             data_format: str = "NHWC", name: str | None = None, input: TensorLike | None = None) -> Tensor:  # noqa: A002
    """y[n, i, j, c] = the mean of the window (i, j) of channel c of ``value`` (NHWC), padding not counted."""
    x = value if value is not None else input
    return _pool_node("AvgPool", x, ksize, strides, padding, data_format, name or "AvgPool", _avg_pool,
                      _AVG_POOL_TYPES)


avg_pool2d = avg_pool


# -- 1-D pools: the 2-D ones over an added axis --------------------------------------------------


def _pool1d(pool, scope_name, input, ksize, strides, padding, data_format, name):  # noqa: A002
    if data_format not in (None, "NWC"):
        raise ValueError(f"{scope_name}: data_format {data_format!r} is not supported; TensorSlow computes in NWC")
    if isinstance(padding, (list, tuple)):
        padding = [(0, 0), *padding]
    with get_default_graph().name_scope(name or scope_name) as scope:
        x4 = array_ops.expand_dims(input, 1, name="ExpandDims")
        y = pool(x4, [1, 1, *spatial_arg(ksize, "ksize", 1)[1:]], [1, 1, *spatial_arg(strides, "strides", 1)[1:]],
                 padding, name=scope)
        return array_ops.squeeze(y, [1], name="Squeeze")


def max_pool1d(input: TensorLike, ksize: Any, strides: Any, padding: Any, data_format: str = "NWC",  # noqa: A002
               name: str | None = None) -> Tensor:
    """``max_pool`` of an (N, W, C) input, built as TF builds it: ExpandDims, MaxPool, Squeeze."""
    return _pool1d(max_pool, "MaxPool1d", input, ksize, strides, padding, data_format, name)


def avg_pool1d(input: TensorLike, ksize: Any, strides: Any, padding: Any, data_format: str = "NWC",  # noqa: A002
               name: str | None = None) -> Tensor:
    """``avg_pool`` of an (N, W, C) input, built as TF builds it: ExpandDims, AvgPool, Squeeze."""
    return _pool1d(avg_pool, "AvgPool1D", input, ksize, strides, padding, data_format, name)
