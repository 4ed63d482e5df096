"""``tf.slice`` (op ``Slice``) and ``tf.sparse_to_dense`` (op ``SparseToDense``), with their gradients.

Both take their positions as tensors (``begin``/``size``, ``sparse_indices``),
which is how ``nce_loss`` and ``sampled_softmax_loss`` cut the true and the
sampled rows out of one lookup and mask the accidental hits.
"""
from __future__ import annotations

import builtins

import numpy as np

from .. import dtypes as _dtypes
from ..backend import to_host, xp
from ..errors import InvalidArgumentError
from ..graph import Tensor, TensorLike, constant_node, name_scope
from ..registry import RegisterGradient
from ..shapes import TensorShape
from .core import as_nodes, convert_to_tensor


def _index_input(value, name, dtype=_dtypes.int32) -> Tensor:
    """An integer input: a node as is, a literal as a ``Const`` named ``name`` (inside the op's scope, as TF)."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        return convert_to_tensor(value, name=name)  # a Pack of them, as TF: Slice/begin
    array = np.asarray(value)
    return constant_node(array.astype(np.int64 if array.dtype == np.int64 else dtype.as_numpy_dtype), name=name)


def _known_value(node: Tensor):
    """The value of ``node`` when it is known before running (a ``Const``), else None."""
    return np.asarray(node.attrs["value"]) if node.type == "Const" else None


def _fail(node, message):
    raise InvalidArgumentError(node, f"{message}\n\t [[{{{{node {node.op_name}}}}}]]")


# -- Slice -----------------------------------------------------------------------------------------
def slice(input_: TensorLike, begin: TensorLike, size: TensorLike, name: str | None = None) -> Tensor:  # noqa: A001
    """y = input_[begin[0]:begin[0] + size[0], begin[1]:begin[1] + size[1], ...]; ``size[i] = -1`` takes all the
    rest of axis i."""
    with name_scope(name, "Slice") as scope:
        (x,) = as_nodes([input_])
        b, s = _index_input(begin, "begin"), _index_input(size, "size")
        rank = x.shape.ndims
        for what, node in (("begin", b), ("size", s)):
            if node.shape.ndims not in (None, 1):
                raise ValueError(f"Shape must be rank 1 but is rank {node.shape.ndims} for 'Slice' ({what} "
                                 f"{node.name!r})")
            if rank is not None and node.shape.dims is not None and node.shape.dims[0] not in (None, rank):
                raise ValueError(f"Shape must be rank {node.shape.dims[0]} but is rank {rank} for 'Slice' with "
                                 f"input shapes: {x.shape.as_list()}, {b.shape.as_list()}, {s.shape.as_list()}.")
        node = Tensor("Slice", (x, b, s), compute=lambda v, bv, sv: v[_slices(node, v, bv, sv)], dtype=x.dtype,
                      shape=_slice_shape(x, b, s), name=scope)
        return node


def _slice_shape(x, begin, size):
    known_size, known_begin = _known_value(size), _known_value(begin)
    if known_size is None:
        rank = size.shape.dims[0] if size.shape.dims is not None else None
        return TensorShape(None if rank is None else [None] * rank)
    dims = []
    for i, n in enumerate(known_size.tolist()):
        if n < -1:
            raise ValueError(f"Invalid value in tensor used for shape: {n}")
        full = x.shape.dims[i] if x.shape.dims is not None else None
        if n >= 0:
            dims.append(n)
        else:  # -1: the rest of the axis
            dims.append(None if full is None or known_begin is None else full - int(known_begin[i]))
    return TensorShape(dims)


def _slices(node, v, begin, size):
    """The Python slices of ``Slice`` for a value ``v``; TF's errors for begin/size out of range."""
    begin, size = to_host(begin).ravel(), to_host(size).ravel()  # a few ints, checked on the host
    if len(begin) != v.ndim or len(size) != v.ndim:
        _fail(node, f"Expected begin and size arguments to be 1-D tensors of size {v.ndim}, but got shapes "
                    f"[{len(begin)}] and [{len(size)}] instead.")
    out = []
    for i, (b, n, full) in enumerate(zip(begin.tolist(), size.tolist(), v.shape)):
        n = full - b if n == -1 else n
        if not 0 <= b <= full:
            _fail(node, f"Expected begin[{i}] in [0, {full}], but got {b}")
        if not 0 <= n <= full - b:
            _fail(node, f"Expected size[{i}] in [0, {full - b}], but got {n}")
        out.append(builtins.slice(b, b + n))  # `slice` is this module's op
    return tuple(out)


@RegisterGradient("Slice")
def _slice_grad(op, grad):
    """dL/dx = dL/dy in the sliced window, 0 elsewhere (TF pads the gradient); none for begin and size"""
    x, begin, size = op.inputs
    dx = xp.zeros(xp.shape(x), dtype=grad.dtype)
    dx[_slices(op.node, x, begin, size)] = grad
    return [dx, None, None]


# -- SparseToDense ---------------------------------------------------------------------------------
def sparse_to_dense(sparse_indices: TensorLike, output_shape: TensorLike, sparse_values: TensorLike,
                    default_value: TensorLike = 0, validate_indices: bool = True, name: str | None = None) -> Tensor:
    """A dense array of ``output_shape`` filled with ``default_value``, with ``sparse_values`` (one per index, or
    one for all) at ``sparse_indices`` (one row of coordinates per value, or one int per value for a vector)."""
    with name_scope(name, "SparseToDense") as scope:
        indices = _index_input(sparse_indices, "sparse_indices")
        shape_node = _index_input(output_shape, "output_shape", indices.dtype or _dtypes.int32)
        if isinstance(sparse_values, Tensor):
            values = sparse_values
        else:
            values = constant_node(sparse_values, name="sparse_values")
        (default,) = as_nodes([default_value], dtype_hint=values.dtype) if isinstance(default_value, Tensor) else \
            [constant_node(default_value, dtype=values.dtype, name="default_value")]
        known = _known_value(shape_node)
        static = TensorShape([int(d) for d in known.ravel()]) if known is not None else \
            TensorShape(None if shape_node.shape.dims is None or shape_node.shape.dims[0] is None
                        else [None] * shape_node.shape.dims[0])
        attrs = {"validate_indices": bool(validate_indices)}
        node: Tensor = Tensor("SparseToDense", (indices, shape_node, values, default),
                      compute=lambda i, s, v, d: _to_dense(node, i, s, v, d), attrs=attrs, dtype=values.dtype,
                      shape=static, name=scope)
        return node


def _coordinates(node, indices, shape, values):
    """``indices`` as an (n, rank) array, checked as TF checks it (shape of the values, bounds, order)."""
    rank = len(shape)
    coords = indices.reshape(-1, 1) if indices.ndim < 2 else indices
    n = coords.shape[0]
    if values.ndim not in (0,) and values.shape != (n,):
        _fail(node, f"sparse_values has incorrect shape {list(values.shape)}, should be [] or [{n}]")
    if coords.shape[1] != rank:
        _fail(node, f"sparse_indices should have {rank} columns, got {coords.shape[1]}")
    outside = np.any((coords < 0) | (coords >= np.asarray(shape)), axis=1)
    text = ",".join(str(d) for d in shape)
    if node.validate_indices:
        for k in range(n):
            here = coords[k].tolist()
            if outside[k]:
                _fail(node, f"indices[{k}] = [{','.join(map(str, here))}] is out of bounds: need 0 <= index < [{text}]")
            if k and here <= coords[k - 1].tolist():
                what = "repeated" if here == coords[k - 1].tolist() else (
                    "out of order. Many sparse ops require sorted indices.\n    Use `tf.sparse.reorder` to create "
                    "a correctly ordered copy.\n\n")
                _fail(node, f"indices[{k}] = [{','.join(map(str, here))}] is {what}")
    elif outside.any():
        _fail(node, f"Indices are not valid (out of bounds).  Shape: [{text}]")
    return tuple(xp.asarray(c) for c in coords.T)


def _to_dense(node, indices, shape, values, default):
    shape = tuple(int(d) for d in to_host(shape).ravel())
    out = xp.full(shape, default, dtype=values.dtype)
    out[_coordinates(node, to_host(indices), shape, values)] = values  # a repeated index: the last value
    return out


@RegisterGradient("SparseToDense")
def _sparse_to_dense_grad(op, grad):
    """dL/dvalues = dL/dy at the indices; dL/ddefault = the sum of dL/dy everywhere else"""
    indices, shape, values, _ = op.inputs
    picked = grad[_coordinates(op.node, to_host(indices), xp.shape(grad), values)]
    return [None, None, picked, xp.sum(grad) - xp.sum(picked)]
