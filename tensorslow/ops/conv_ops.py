"""Convolutions: ``conv2d``, ``conv2d_transpose`` (TF's ``Conv2DBackpropInput``), ``conv1d``, ``convolution``.

Layout NHWC, as TensorFlow's default: an input ``x`` of shape (N, H, W, C), a
filter ``w`` of shape (KH, KW, C, O), an output ``y`` of shape (N, OH, OW, O)::

    y[n, i, j, o] = sum_{a, b, c} xpad[n, i*sh + a*dh, j*sw + b*dw, c] * w[a, b, c, o]

where ``xpad`` is ``x`` with zeros around it (``padding``), ``sh, sw`` the
strides and ``dh, dw`` the dilations. Padding "VALID" adds none; "SAME" adds
just enough that OH = ceil(H / sh), the odd one at the bottom/right, as TF
does; a list gives it explicitly.

How it is computed (im2col: one matrix product over the input's windows) is told in
``tensorslow.conv_kernels``.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..conv_kernels import conv_filter_grad, conv_forward, conv_input_grad, geometry
from ..graph import Tensor, TensorLike, get_default_graph
from ..registry import RegisterGradient
from ..shapes import TensorShape
from . import array_ops
from .core import as_nodes, convert_to_tensor, static_ints

PADDINGS = ("SAME", "VALID", "EXPLICIT")

# -- arguments, as TensorFlow checks them --------------------------------------------------------


def where(op_type: str, name: str | None) -> str:
    """``'scope/Conv2D' (op: 'Conv2D')``: how build-time errors name the op about to be made."""
    scope = get_default_graph().current_scope
    base = (name or op_type).rstrip("/")
    return f"'{scope + '/' if scope and not (name or '').endswith('/') else ''}{base}' (op: '{op_type}')"


def dims_text(shape: TensorShape) -> str:
    """``[?,28,28,3]``: a static shape as TensorFlow's error messages write it."""
    if shape.dims is None:
        return "?"
    return "[" + ",".join("?" if d is None else str(d) for d in shape.dims) + "]"


def spatial_arg(value: Any, what: str, n: int = 2) -> list[int]:
    """``strides``, ``dilations`` or ``ksize`` as 4 ints for NHWC: an int or 1 value is used for every spatial
    axis, ``n`` values are the spatial ones, ``n + 2`` are all of them (TF's ``_get_sequence``)."""
    if value is None:
        return [1] * (n + 2)
    values = [value] if np.ndim(value) == 0 else list(value)
    ints = [int(v) for v in values]
    if len(ints) == 1:
        return [1] + ints * n + [1]
    if len(ints) == n:
        return [1] + ints + [1]
    if len(ints) == n + 2:
        return ints
    raise ValueError(f"{what} should be of length 1, {n} or {n + 2}. Received: {what}={list(values)} of length "
                     f"{len(ints)}")


def padding_arg(padding: Any, op_type: str, allowed: Sequence[str] = PADDINGS) -> tuple[str, list[int]]:
    """``(padding, explicit_paddings)`` as TF stores them: "SAME"/"VALID" and [], or "EXPLICIT" and 8 ints."""
    if padding is None:
        raise TypeError("Expected string for argument 'padding' not None.")
    if isinstance(padding, (list, tuple)) and "EXPLICIT" in allowed:
        if len(padding) != 4:
            raise ValueError(f"When padding is a list, it must be of size 4. Received: padding={list(padding)} "
                             f"of size {len(padding)}")
        pairs = [[int(a) for a in pair] for pair in padding]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError(f"When padding is a list, each element must be a pair. Received: padding={padding}")
        return "EXPLICIT", [a for pair in pairs for a in pair]
    if not isinstance(padding, str) or padding not in allowed or padding == "EXPLICIT":
        choices = ", ".join(f'"{p}"' for p in allowed)
        raise ValueError(f"Attr 'padding' of '{op_type}' Op passed string '{padding}' not in: {choices}.")
    return padding, []


def check_window_attrs(op_type: str, where_: str, strides: list[int], other: list[int], other_name: str,
                       explicit: list[int]) -> None:
    """TF's checks of strides, dilations (conv) or ksize (pool) and explicit paddings, made at graph build time
    (TF makes some of them only when the op runs: here a graph that cannot run is not built)."""
    for what, values in (("Stride", strides), (other_name.capitalize().rstrip("s"), other)):
        if any(v <= 0 for v in values):
            raise ValueError(f"{what} must be > 0, but got {min(values)} for {where_}")
    if strides[0] != 1 or strides[3] != 1:
        raise ValueError(f"Current implementation does not yet support strides in the batch and depth dimensions "
                         f"(strides={strides}) for {where_}")
    if other[0] != 1 or other[3] != 1:
        raise ValueError(f"Current implementation does not yet support {other_name} in the batch and depth "
                         f"dimensions ({other_name}={other}) for {where_}")
    if any(p < 0 for p in explicit):
        raise ValueError(f"All elements of explicit_paddings must be nonnegative for {where_}")
    if explicit and any(explicit[i] for i in (0, 1, 6, 7)):
        raise ValueError(f"Nonzero explicit padding in the batch or depth dimensions is not supported for {where_}")


# -- Conv2D ----------------------------------------------------------------------------------

_CONV_TYPES = ("float16", "float32", "float64", "int32")


def check_dtypes(op_type: str, nodes: Sequence[Tensor], names: Sequence[str], allowed: Sequence[str]) -> Any:
    """The inputs' shared dtype; TF's TypeErrors for a dtype the op does not take or for two that differ."""
    first = nodes[0].dtype
    for node, what in zip(nodes, names):
        if node.dtype is not None and node.dtype.name not in allowed:
            raise TypeError(f"Value passed to parameter '{what}' has DataType {node.dtype.name} not in list of "
                            f"allowed values: {', '.join(allowed)}")
        if node.dtype is not None and first is not None and node.dtype != first:
            raise TypeError(f"Input '{what}' of '{op_type}' Op has type {node.dtype.name} that does not match type "
                            f"{first.name} of argument '{names[0]}'.")
    return first


def check_rank(shapes: Sequence[TensorShape], where_: str, rank: int = 4) -> None:
    """TF's shape-inference error for an input whose rank is known and is not ``rank``."""
    for shape in shapes:
        if shape.ndims is not None and shape.ndims != rank:
            raise ValueError(f"Shape must be rank {rank} but is rank {shape.ndims} for {where_} with input shapes: "
                             f"{', '.join(dims_text(s) for s in shapes)}.")


def _check_nhwc(data_format: str | None, op_type: str) -> None:
    if data_format not in (None, "NHWC"):
        raise ValueError(f"{op_type}: data_format {data_format!r} is not supported; TensorSlow computes in NHWC "
                         f"(channels last) only: transpose the input to NHWC")


def conv2d(input: TensorLike, filter: TensorLike | None = None, strides: Any = None,  # noqa: A002
           padding: Any = None, use_cudnn_on_gpu: bool = True, data_format: str = "NHWC",
           dilations: Any = (1, 1, 1, 1), name: str | None = None, filters: TensorLike | None = None) -> Tensor:
    """y = the 2-D convolution of ``input`` (N, H, W, C) with ``filter`` (KH, KW, C, O): (N, OH, OW, O).

    y[n, i, j, o] = sum_{a, b, c} xpad[n, i*sh + a*dh, j*sw + b*dw, c] * w[a, b, c, o] (see the module docstring).
    ``strides`` and ``dilations``: an int, 2 spatial values or 4 NHWC values; ``padding``: "SAME", "VALID" or
    [[0, 0], [top, bottom], [left, right], [0, 0]].
    """
    if filter is not None and filters is not None:
        raise ValueError("Cannot specify both 'filters' and 'filter'")
    w = filter if filter is not None else filters
    _check_nhwc(data_format, "Conv2D")
    return conv2d_node(input, w, strides, padding, dilations, name or "Conv2D", use_cudnn_on_gpu)


def conv2d_node(input, filter, strides, padding, dilations, name, use_cudnn_on_gpu=True):  # noqa: A002
    """The ``Conv2D`` node, its attributes checked and its static shape inferred."""
    x, w = as_nodes([input, filter])
    at = where("Conv2D", name)
    dtype = check_dtypes("Conv2D", (x, w), ("input", "filter"), _CONV_TYPES)
    padding, explicit = padding_arg(padding, "Conv2D")
    attrs = {"strides": spatial_arg(strides, "strides"), "dilations": spatial_arg(dilations, "dilations"),
             "padding": padding, "explicit_paddings": explicit, "data_format": "NHWC",
             "use_cudnn_on_gpu": bool(use_cudnn_on_gpu)}
    check_window_attrs("Conv2D", at, attrs["strides"], attrs["dilations"], "dilations", explicit)
    check_rank((x.shape, w.shape), at)
    xs = x.shape.dims or (None,) * 4
    ws = w.shape.dims or (None,) * 4
    if xs[3] is not None and ws[2] is not None and xs[3] != ws[2]:
        raise ValueError(f"Depth of input ({xs[3]}) is not equal to the input depth of the filter ({ws[2]}) for "
                         f"{at} with input shapes: {dims_text(x.shape)}, {dims_text(w.shape)}. (Grouped "
                         f"convolutions, which TensorFlow accepts when it is a multiple, are not supported.)")
    out_hw = (None, None)
    if ws[0] is not None and ws[1] is not None:
        out_hw, _ = geometry(xs, ws[0], ws[1], attrs, at)
    return Tensor("Conv2D", (x, w), compute=lambda v, f: conv_forward(v, f, attrs), attrs=attrs, dtype=dtype,
                  shape=TensorShape([xs[0], *out_hw, ws[3]]), name=name)


@RegisterGradient("Conv2D")
def _conv2d_grad(op, grad):
    """dL/dx = sum over taps (a, b) of dL/dy @ w[a, b]^T, added where the tap read;
    dL/dw = im2col(x)^T @ dL/dy"""
    x, w = op.inputs
    dx = conv_input_grad(grad, w, x.shape, op.attrs) if op.needs[0] else None
    dw = conv_filter_grad(x, grad, w.shape, op.attrs) if op.needs[1] else None
    return dx, dw


# -- Conv2DBackpropInput (conv2d_transpose) ------------------------------------------------------


def conv2d_backprop_input(input_sizes: TensorLike, filter: TensorLike | None = None,  # noqa: A002
                          out_backprop: TensorLike | None = None, strides: Any = None, padding: Any = None,
                          use_cudnn_on_gpu: bool = True, data_format: str = "NHWC", dilations: Any = (1, 1, 1, 1),
                          name: str | None = None, filters: TensorLike | None = None) -> Tensor:
    """dx = the gradient of conv2d(x, filter) with respect to x, for dL/dy = ``out_backprop``, where x has
    shape ``input_sizes`` (N, H, W, C): each tap's dy @ w[a, b]^T, added at the positions the tap read."""
    _check_nhwc(data_format, "Conv2DBackpropInput")
    return backprop_input_node(input_sizes, filter if filter is not None else filters, out_backprop, strides,
                               padding, dilations, name or "Conv2DBackpropInput", use_cudnn_on_gpu)


def _partial_dims(node):
    """What graph construction knows of the values of a 1-D int node: a Const's values, a Pack of scalars
    (Consts known, others None), or None."""
    if node.type == "Const":
        return [int(v) for v in np.ravel(node.attrs["value"])]
    if node.type == "Pack" and all(p.shape.ndims == 0 for p in node.inputs):
        return [int(p.attrs["value"]) if p.type == "Const" else None for p in node.inputs]
    return None


def backprop_input_node(input_sizes, filter, out_backprop, strides, padding, dilations, name,  # noqa: A002
                        use_cudnn_on_gpu=True):
    """The ``Conv2DBackpropInput`` node: inputs (input_sizes, filter, out_backprop), as TF orders them."""
    w, dy = as_nodes([filter, out_backprop])
    sizes = input_sizes if isinstance(input_sizes, Tensor) else convert_to_tensor(
        np.asarray(input_sizes, dtype=np.int32), name="input_sizes")
    at = where("Conv2DBackpropInput", name)
    dtype = check_dtypes("Conv2DBackpropInput", (w, dy), ("filter", "out_backprop"), _CONV_TYPES)
    padding, explicit = padding_arg(padding, "Conv2DBackpropInput")
    attrs = {"strides": spatial_arg(strides, "strides"), "dilations": spatial_arg(dilations, "dilations"),
             "padding": padding, "explicit_paddings": explicit, "data_format": "NHWC",
             "use_cudnn_on_gpu": bool(use_cudnn_on_gpu)}
    check_window_attrs("Conv2DBackpropInput", at, attrs["strides"], attrs["dilations"], "dilations", explicit)
    check_rank((w.shape, dy.shape), at)
    known = _partial_dims(sizes)
    if sizes.shape.dims is not None and sizes.shape.dims[0] not in (None, 4):
        raise ValueError(f"Conv2DBackpropInput requires input_sizes to contain 4 values, but got: "
                         f"{sizes.shape.dims[0]} for {at}")
    ws, ds = w.shape.dims or (None,) * 4, dy.shape.dims or (None,) * 4
    if ws[3] is not None and ds[3] is not None and ws[3] != ds[3]:
        raise ValueError(f"Dimensions must be equal, but are {ds[3]} and {ws[3]} for {at} with input shapes: "
                         f"{dims_text(sizes.shape)}, {dims_text(w.shape)}, {dims_text(dy.shape)}.")

    def compute(shape, f, g):
        shape = tuple(int(v) for v in shape)
        if len(shape) != 4 or shape[3] != f.shape[2]:
            raise ValueError(f"input depth must be evenly divisible by filter depth: {shape[-1]} vs {f.shape[2]}")
        return conv_input_grad(g, f, shape, attrs)
    return Tensor("Conv2DBackpropInput", (sizes, w, dy), compute=compute, attrs=attrs, dtype=dtype,
                  shape=TensorShape(known if known and len(known) == 4 else [None] * 4), name=name)


@RegisterGradient("Conv2DBackpropInput")
def _conv2d_backprop_input_grad(op, grad):
    """y = conv_input_grad(dy, w) is linear in dy and in w: dL/d(dy) = conv2d(g, w), dL/dw = im2col(g)^T @ dy,
    with g = dL/dy; the sizes get none."""
    _, w, dy = op.inputs
    d_dy = conv_forward(grad, w, op.attrs) if op.needs[2] else None
    dw = conv_filter_grad(grad, dy, w.shape, op.attrs) if op.needs[1] else None
    return None, dw, d_dy


def conv2d_transpose(value: TensorLike | None = None, filter: TensorLike | None = None,  # noqa: A002
                     output_shape: Any = None, strides: Any = None, padding: str = "SAME",
                     data_format: str = "NHWC", name: str | None = None, input: TensorLike | None = None,  # noqa: A002
                     filters: TensorLike | None = None, dilations: Any = None) -> Tensor:
    """The transpose of conv2d (the gradient of conv2d with respect to its input): ``value`` (N, H, W, O) and a
    ``filter`` (KH, KW, C, O) give a tensor of ``output_shape`` (N, OH, OW, C). As TF builds it: a
    ``Conv2DBackpropInput`` op named after its scope, whose input_sizes are ``output_shape``."""
    value = value if value is not None else input
    w = filter if filter is not None else filters
    _check_nhwc(data_format, "Conv2DBackpropInput")
    with get_default_graph().name_scope(name or "conv2d_transpose") as scope:
        if isinstance(output_shape, Tensor):
            sizes = output_shape
        elif any(isinstance(v, Tensor) for v in output_shape):
            sizes = convert_to_tensor(list(output_shape), name="input_sizes")
        else:
            dims = static_ints(output_shape, "output_shape", "conv2d_transpose")
            sizes = convert_to_tensor(np.asarray(dims, dtype=np.int32), name="input_sizes")
        return backprop_input_node(sizes, w, value, strides, padding, dilations, scope)


# -- conv1d and convolution: Conv2D over an added axis ----------------------------------------------


def conv1d(value: TensorLike | None = None, filters: TensorLike | None = None, stride: Any = None,
           padding: Any = None, use_cudnn_on_gpu: bool | None = None, data_format: str | None = None,
           name: str | None = None, input: TensorLike | None = None, dilations: Any = None) -> Tensor:  # noqa: A002
    """y = the 1-D convolution of ``value`` (N, W, C) with ``filters`` (K, C, O): (N, OW, O).

    Built as TensorFlow builds it: ExpandDims to (N, 1, W, C) and (1, K, C, O), a Conv2D, a Squeeze."""
    x = value if value is not None else input
    if x is None or filters is None:
        raise ValueError("conv1d: give an input (value= or input=) and filters=")
    if data_format not in (None, "NWC"):
        raise ValueError(f"conv1d: data_format {data_format!r} is not supported; TensorSlow computes in NWC only")
    if isinstance(padding, (list, tuple)):
        padding = [(0, 0), *padding]
    with get_default_graph().name_scope(name or "conv1d") as scope:
        x4 = array_ops.expand_dims(x, -3, name="ExpandDims")
        w4 = array_ops.expand_dims(filters, 0, name="ExpandDims_1")
        y = conv2d_node(x4, w4, [1, 1, *spatial_arg(stride, "stride", 1)[1:]],
                        padding, [1, 1, *spatial_arg(dilations, "dilations", 1)[1:]], scope,
                        True if use_cudnn_on_gpu is None else use_cudnn_on_gpu)
        return array_ops.squeeze(y, [-3], name="Squeeze")


def convolution(input: TensorLike, filter: TensorLike | None = None, padding: Any = None,  # noqa: A002
                strides: Any = None, dilation_rate: Any = None, name: str | None = None,
                data_format: str | None = None, filters: TensorLike | None = None, dilations: Any = None) -> Tensor:
    """An N-D convolution for N = 1 or 2: conv1d for a rank-3 filter, conv2d for a rank-4 one, named
    "convolution" as in TF."""
    w = filter if filter is not None else filters
    (w,) = as_nodes([w])
    rate = dilation_rate if dilation_rate is not None else dilations
    if w.shape.ndims == 3:
        return conv1d(input, w, stride=strides if strides is not None else 1, padding=padding,
                      data_format=data_format, name=name or "convolution", dilations=rate)
    if w.shape.ndims != 4:
        raise ValueError(f"convolution: TensorSlow supports 1-D and 2-D convolutions (a filter of rank 3 or 4), "
                         f"got a filter of shape {w.shape}")
    return conv2d(input, w, strides=strides if strides is not None else 1, padding=padding,
                  data_format=data_format or "NHWC", dilations=rate if rate is not None else 1,
                  name=name or "convolution")
