"""Shape manipulation and indexing: reshape, transpose, concat, stack, slicing, gather...

Gradients of these ops move values around without arithmetic: each gradient
puts ``grad`` back where the forward op took its input from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .. import dtypes as _dtypes
from ..backend import to_host, xp
from ..dtypes import DTypeLike
from ..graph import Tensor, TensorLike, constant_node, name_scope
from ..registry import NotDifferentiable, RegisterGradient
from ..shapes import TensorShape
from ..shapes import dims_of as _dims_of
from .axis_ops import expand_dims, squeeze  # noqa: F401  (re-exported)
from .core import as_nodes, common_dtype, convert_to_tensor, int_arg, pack, side_constant, static_ints
from .split_ops import split, unstack  # noqa: F401  (ops Unpack, Split, SplitV; re-exported)

# -- reshape ------------------------------------------------------------------------------

def reshape(tensor: TensorLike, shape: TensorLike, name: str | None = None) -> Tensor:
    """y = x with a new shape (one entry may be -1: inferred from the element count)."""
    (x,) = as_nodes([tensor])
    dims = static_ints(shape, "shape", "Reshape")
    if dims is None:  # shape given by a graph node (or a list holding some), known only at run time
        with name_scope(name, "Reshape", [x]) as scope:
            (shape_node,) = as_nodes([shape], names=["shape"])  # a list is packed as TF: Reshape/shape
            return Tensor("Reshape", (x, shape_node), compute=lambda v, s: v.reshape(s.tolist()),
                          dtype=x.dtype, shape=TensorShape(None), name=scope)
    static = _reshape_static(x, dims)

    def compute(value):
        try:
            return xp.reshape(value, dims)
        except ValueError:
            raise ValueError(f"cannot reshape a value of shape {value.shape} ({value.size} elements) "
                             f"into shape {list(dims)}") from None
    with name_scope(name, "Reshape", [x]) as scope:
        if not isinstance(shape, Tensor):  # TF's shape input, unless the caller made it (a Const node)
            side_constant(dims, "shape")
        return Tensor("Reshape", (x,), compute=compute, attrs={"shape": dims}, dtype=x.dtype, shape=static,
                      name=scope)


def _reshape_static(x, dims):
    bad = [d for d in dims if d < -1]
    if bad:
        raise ValueError(f"Reshape: invalid value in tensor used for shape: {bad[0]} (shape {list(dims)}); "
                         f"dimensions must be >= 0, or -1 for one inferred dimension")
    if dims.count(-1) > 1:
        raise ValueError(f"Reshape: at most one dimension may be -1, got {list(dims)}")
    n = x.shape.num_elements()
    if -1 not in dims:
        if n is not None and n != int(np.prod(dims)):
            raise ValueError(f"Reshape: cannot reshape {x.name!r} of shape {x.shape} ({n} elements) "
                             f"into shape {list(dims)} ({int(np.prod(dims))} elements)")
        return TensorShape(dims)
    known = int(np.prod([d for d in dims if d != -1]))
    if n is not None and known:
        if n % known:
            raise ValueError(f"Reshape: cannot reshape {x.name!r} of shape {x.shape} into {list(dims)}")
        return TensorShape([n // known if d == -1 else d for d in dims])
    return TensorShape([None if d == -1 else d for d in dims])


@RegisterGradient("Reshape")
def _reshape_grad(op, grad):
    """reshape moves no values: dL/dx = reshape(dL/dy, shape of x)"""
    return [grad.reshape(op.inputs[0].shape)] + [None] * (len(op.inputs) - 1)



# -- transpose ----------------------------------------------------------------------------

def transpose(a: TensorLike, perm: Sequence[int] | TensorLike | None = None, name: str | None = None,
              conjugate: bool = False) -> Tensor:
    """y = x with axes permuted (default: reversed).

    A ``perm`` known only at run time (a computed tensor, or a list holding one) becomes the op's second
    input, as it always is in TensorFlow; a constant one is kept as an attribute.
    """
    (x,) = as_nodes([a])
    static = None if perm is None else static_ints(perm, "perm", "Transpose")
    if perm is not None and static is None:
        # a list holding a node (static_ints gave None for it): packed into one perm node
        perm_node = perm if isinstance(perm, Tensor) else pack(as_nodes(list(perm)), name="transpose/perm")  # type: ignore[arg-type]
        rank = None if x.shape.dims is None else len(x.shape.dims)
        return Tensor("Transpose", (x, perm_node), compute=lambda v, p: xp.transpose(v, tuple(int(i) for i in p)),
                      attrs={"perm": None}, dtype=x.dtype, shape=TensorShape(None if rank is None else [None] * rank),
                      name=name or "transpose")
    shape = TensorShape(None)
    if x.shape.dims is not None:
        p = static if static is not None else tuple(reversed(range(len(x.shape.dims))))
        if sorted(p) != list(range(len(x.shape.dims))):
            raise ValueError(f"Transpose: perm {list(p)} is not a permutation of the axes of {x.name!r} "
                             f"with shape {x.shape}")
        shape = TensorShape([x.shape.dims[i] for i in p])
    with name_scope(name, "transpose", [x]) as scope:
        if x.shape.dims is not None and not isinstance(perm, Tensor):  # unless the caller made it (a Const)
            side_constant(p, "perm")  # TF's perm input (the axes reversed when none is given)
        return Tensor("Transpose", (x,), compute=lambda v: xp.transpose(v, static), attrs={"perm": static},
                      dtype=x.dtype, shape=shape, name=scope)


@RegisterGradient("Transpose")
def _transpose_grad(op, grad):
    """dL/dx = transpose(dL/dy, inverse permutation); nothing flows to a run-time ``perm``"""
    if len(op.inputs) == 2:
        return xp.transpose(grad, np.argsort(to_host(op.inputs[1])).tolist()), None
    perm = op.perm
    return xp.transpose(grad, None if perm is None else np.argsort(perm).tolist())


# -- concat / stack (unstack and split: split_ops.py) ----------------------------------------------------------

def concat(values: Sequence[TensorLike], axis: int, name: str = "concat") -> Tensor:
    """y = the ``values`` joined along an existing ``axis``."""
    if isinstance(values, Tensor) or not list(values):
        raise ValueError(f"ConcatV2: values must be a non-empty list of tensors, got {values!r}")
    ax = int_arg(axis, "axis", "ConcatV2")
    with name_scope(name, "concat", list(values)) as scope:  # a literal is made inside it: concat/values_0
        nodes = as_nodes(list(values), names=[f"values_{i}" for i in range(len(values))])
        shape = _concat_shape(nodes, ax)
        side_constant(ax, "axis")  # TF's axis input
        return Tensor("ConcatV2", nodes, compute=lambda *vs: xp.concatenate(vs, axis=ax), attrs={"axis": ax},
                      dtype=common_dtype("ConcatV2", nodes), shape=shape, name=scope)


def _concat_shape(nodes, ax):
    """The static shape of the nodes concatenated along axis ``ax``; ValueError where they cannot be."""
    shape = TensorShape(None)
    if all(n.shape.dims is not None for n in nodes):
        ranks = {len(n.shape.dims) for n in nodes}
        if len(ranks) != 1:
            raise ValueError(f"ConcatV2: inputs have different ranks: {[str(n.shape) for n in nodes]}")
        rank = ranks.pop()
        if not -rank <= ax < rank:
            raise ValueError(f"ConcatV2: axis {ax} is out of range for inputs of rank {rank}: "
                             f"{[str(n.shape) for n in nodes]}")
        a = ax % rank
        dims = []
        for i in range(rank):
            col = [n.shape.dims[i] for n in nodes]
            if i == a:
                dims.append(None if None in col else sum(col))
            else:
                known = {d for d in col if d is not None}
                if len(known) > 1:
                    raise ValueError(f"ConcatV2: dimension {i} differs between inputs: "
                                     f"{[str(n.shape) for n in nodes]}")
                dims.append(known.pop() if known else None)
        shape = TensorShape(dims)
    return shape


@RegisterGradient("ConcatV2")
def _concat_grad(op, grad):
    """dL/dx_i = the slice of dL/dy that came from x_i"""
    ax = op.axis % grad.ndim
    bounds = np.cumsum([0] + [v.shape[ax] for v in op.inputs]).tolist()
    lead = (slice(None),) * ax
    return [grad[lead + (slice(a, b),)] for a, b in zip(bounds, bounds[1:])]  # slices: faster than np.split


def stack(values: Sequence[TensorLike], axis: int = 0, name: str = "stack") -> Tensor:
    """y = the ``values`` joined along a new ``axis`` (the ``Pack`` op, defined in core.py).

    Along axis 0, as TF1 builds it: the list converted as one tensor, a Const named ``stack`` when it
    holds no tensor, else a Pack named ``stack`` whose literal items are Consts ``stack/1``..."""
    values = list(values)
    if int(axis) == 0 and any(not isinstance(v, Tensor) for v in values):
        return convert_to_tensor(values, name=name or "stack")  # a Const, or packed by item: stack/1...
    return pack(as_nodes(values), axis, name)


# -- shape queries, identity, where, fill -----------------------------------------------------------

def _query(op_type, kernel, out_shape, known_in_advance):
    """``tf.shape``/``tf.size``/``tf.rank``. As TF1 builds them, the answer is a ``Const`` (named as the op
    would be) when the static shape already gives it, ``known_in_advance(x.shape)``, and an op otherwise."""
    def build(input, name=None, out_type=_dtypes.int32):  # noqa: A002
        (x,) = as_nodes([input])
        dt = _dtypes.as_dtype(out_type)
        np_t = dt.as_numpy_dtype
        known = known_in_advance(x.shape)
        if known is not None:
            return constant_node(np.asarray(known, dtype=np_t), name=name or op_type)
        return Tensor(op_type, (x,), compute=lambda v: xp.asarray(kernel(v), dtype=np_t), dtype=dt,
                      shape=out_shape(x), name=name or op_type)
    NotDifferentiable(op_type)
    return build


def _known_size(shape):
    if shape.is_fully_defined():
        return shape.num_elements()
    return 0 if shape.dims is not None and 0 in shape.dims else None  # an empty axis: size 0 whatever the rest


shape = _query("Shape", lambda v: v.shape, lambda x: [x.shape.ndims],
               lambda s: s.as_list() if s.is_fully_defined() else None)
size = _query("Size", lambda v: v.size, lambda x: [], _known_size)
rank = _query("Rank", lambda v: v.ndim, lambda x: [], lambda s: s.ndims)


def identity(input: TensorLike, name: str | None = None) -> Tensor:  # noqa: A002
    """y = x"""
    (x,) = as_nodes([input])
    return Tensor("Identity", (x,), compute=lambda v: v, dtype=x.dtype, shape=x.shape, name=name or "Identity")


@RegisterGradient("Identity")
@RegisterGradient("PlaceholderWithDefault")  # when not fed, it passes its default value through
def _identity_grad(op, grad):
    """dy/dx = 1"""
    return grad


def stop_gradient(input: TensorLike, name: str | None = None) -> Tensor:  # noqa: A002
    """y = x in the forward pass; no gradient flows back through it."""
    (x,) = as_nodes([input])
    return Tensor("StopGradient", (x,), compute=lambda v: v, dtype=x.dtype, shape=x.shape,
                  name=name or "StopGradient")


NotDifferentiable("StopGradient")


def _like_op(op_type, fill, x, dt, name):
    np_t = None if dt is None else dt.as_numpy_dtype
    return Tensor(op_type, (x,), compute=lambda v: xp.full(v.shape, fill, dtype=np_t or v.dtype),
                  dtype=dt, shape=x.shape, name=name)


NotDifferentiable("ZerosLike")
NotDifferentiable("OnesLike")


def zeros_like(tensor: TensorLike, dtype: DTypeLike = None, name: str | None = None, optimize: bool = True) -> Tensor:
    """zeros with x's shape (and dtype), as TF1 builds it: when x's static shape is known, ``zeros`` of that
    shape (a Const, or shape_as_tensor/Const/Fill from 1000 elements); else, for another dtype than x's, a
    Fill of x's run-time shape (``zeros_like/Shape``, ``zeros_like/Const``, ``zeros_like``); else a ZerosLike
    op. A dtype-less course placeholder with no ``dtype`` given also gets the ZerosLike op (its kernel takes
    the dtype of the value it is fed)."""
    with name_scope(name, "zeros_like") as scope:
        (x,) = as_nodes([tensor], names=["tensor"])
        dt = _dtypes.as_dtype(dtype) if dtype is not None else x.dtype
        if optimize and dt is not None and x.shape.is_fully_defined():
            return _filled(x.shape.as_list(), 0, dt, scope)
        if dt is not None and x.dtype is not None and dt != x.dtype:
            return _fill_like(x, 0, dt, optimize, scope)
        return _like_op("ZerosLike", 0, x, dt, scope)


def ones_like(tensor: TensorLike, dtype: DTypeLike = None, name: str | None = None, optimize: bool = True) -> Tensor:
    """ones with x's shape (and dtype), as TF1 builds it: a Fill (``ones_like``) of x's shape with the scalar
    ``ones_like/Const``. The shape is the Const ``ones_like/Shape/shape_as_tensor`` where x's static shape
    is fully known (and ``optimize``), else the Shape op ``ones_like/Shape``.

    With no dtype to fill with (a dtype-less course placeholder, no ``dtype`` given), the one constant
    cannot be made: then one OnesLike op, whose kernel takes the dtype of the value it is fed."""
    with name_scope(name, "ones_like") as scope:
        (x,) = as_nodes([tensor], names=["tensor"])
        dt = _dtypes.as_dtype(dtype) if dtype is not None else x.dtype
        if dt is None:
            return _like_op("OnesLike", 1, x, None, scope)
        return _fill_like(x, 1, dt, optimize, scope)


def ones_like_op(x: TensorLike, name: str | None = None) -> Tensor:
    """The OnesLike op itself (TF's ``raw_ops.OnesLike``): ones in x's shape and dtype, made when it runs."""
    (node,) = as_nodes([x])
    return _like_op("OnesLike", 1, node, node.dtype, name or "OnesLike")


def _fill_like(x: Tensor, value: int, dt: _dtypes.DType, optimize: bool, scope: str) -> Tensor:
    """Fill(shape of x, value in ``dt``) in ``scope``, as TF's ``ones(shape_internal(x))``: the shape is the
    Const ``Shape/shape_as_tensor`` if x's static shape is fully known (and ``optimize``), else a Shape op."""
    static = [int(d or 0) for d in x.shape.dims or ()] if x.shape.is_fully_defined() else None
    if optimize and static is not None:
        with name_scope("Shape"):
            wide = any(d >= 2 ** 31 for d in static)  # TF's shape tensors are int64 only when they must be
            dims = constant_node(static, dtype=_dtypes.int64 if wide else _dtypes.int32, name="shape_as_tensor")
    else:  # the Shape op, even where the static shape would answer (optimize=False)
        dims = Tensor("Shape", (x,), compute=lambda v: xp.asarray(v.shape, dtype=np.int32), dtype=_dtypes.int32,
                      shape=TensorShape([x.shape.ndims]), name="Shape")
    fill_value = constant_node(bool(value) if dt == _dtypes.bool else value, dtype=dt, name="Const")
    out = _fill_node(dims, fill_value, static, scope)
    out.set_shape(x.shape)
    return out


def fill(dims: TensorLike, value: TensorLike, name: str | None = None) -> Tensor:
    """A tensor of shape ``dims`` filled with the scalar ``value`` (a Fill op: nothing is allocated
    before the graph runs); its gradient reaches ``value``."""
    with name_scope(name, "Fill", []) as scope:  # literal dims and value become Fill/dims, Fill/value, as in TF
        dims_static = static_ints(dims, "dims", "Fill")
        if dims_static is not None:
            dims_static = _dims_of(dims_static, "dims", "Fill")
        (d,) = as_nodes([dims if dims_static is None or isinstance(dims, Tensor)
                         else np.asarray(dims_static, dtype=np.int32)], names=["dims"])
        (v,) = as_nodes([value], names=["value"])
        return _fill_node(d, v, dims_static, scope)


def _fill_node(d, v, dims_static, name):
    if v.shape.ndims is not None and v.shape.ndims != 0:
        raise ValueError(f"Fill: value must be a scalar (rank 0), but {v.name!r} has shape {v.shape}")
    return Tensor("Fill", (d, v), compute=_fill_kernel, dtype=v.dtype,
                  shape=TensorShape(dims_static) if dims_static is not None else TensorShape(None), name=name)


def _fill_kernel(dims, value):
    """y = ``value`` (a scalar) everywhere in an array of shape ``dims``"""
    if xp.ndim(value) != 0:
        raise ValueError(f"Fill: value must be a scalar, got shape {xp.shape(value)}")
    return xp.full(tuple(int(n) for n in dims), value, dtype=value.dtype)


@RegisterGradient("Fill")
def _fill_grad(op, grad):
    """y = value everywhere, so dL/dvalue = sum of dL/dy; the dims get none.

    ``zeros(shape)``/``ones(shape)`` with a run-time shape are Fill ops of the dims alone (the
    value is fixed): they pass no gradient.
    """
    if len(op.inputs) == 1:
        return None
    return None, xp.sum(grad, dtype=grad.dtype)


def zeros(shape: TensorLike, dtype: DTypeLike = _dtypes.float32, name: str | None = None) -> Tensor:
    """A constant of zeros."""
    return _filled(shape, 0, dtype, name or "zeros")


def ones(shape: TensorLike, dtype: DTypeLike = _dtypes.float32, name: str | None = None) -> Tensor:
    """A constant of ones."""
    return _filled(shape, 1, dtype, name or "ones")


#: Below this many elements zeros/ones are constants (as TF's ``_constant_if_small``); above, a Fill op
#: makes the array when the graph runs, so a huge shape costs no memory while the graph is built.
SMALL_CONSTANT = 1000


def _filled(shape, value, dtype, name):
    """zeros/ones as TF1 builds them: a literal shape of under SMALL_CONSTANT elements gives one Const;
    otherwise, in the name scope ``name``, the shape (a Const ``shape_as_tensor``, the tensor given, or a
    list holding tensors packed as ``packed``), the scalar ``Const`` and the Fill op named ``name``."""
    np_t = _dtypes.as_dtype(dtype).as_numpy_dtype
    dims = static_ints(shape, "shape", name)
    if dims is not None:
        dims = _dims_of(dims, "shape", name)
        if not isinstance(shape, Tensor) and int(np.prod(dims, dtype=np.float64)) < SMALL_CONSTANT:
            return constant_node(np.full(dims, value, dtype=np_t), dtype=dtype, name=name)
    with name_scope(name, name, []) as scope:  # TF's zeros/shape_as_tensor, zeros/Const, then the Fill zeros
        if isinstance(shape, Tensor):
            dims_node = shape
        elif dims is None:  # a list holding tensors
            (dims_node,) = as_nodes([shape])
        else:
            dims_node = constant_node(np.asarray(dims, dtype=np.int64 if max(dims, default=0) >= 2 ** 31 else np.int32),
                                      name="shape_as_tensor")
        return _fill_node(dims_node, constant_node(np.asarray(value, np_t), name="Const"), dims, scope)


#: TF's order of the dtypes ``range`` infers from its bounds: the last one among them wins
_RANGE_DTYPES = ("int32", "int64", "float16", "bfloat16", "float32", "float64")


def range_(start: TensorLike, limit: TensorLike | None = None, delta: TensorLike = 1, dtype: DTypeLike = None,
           name: str = "range") -> Tensor:
    """The sequence ``y[i] = start + i * delta`` (computed in the output dtype, as TF's kernel does) for
    ``i < ceil((limit - start) / delta)``; ``range(n)`` counts from 0.

    As TF1 builds it: a number becomes the Const ``range/start``, ``range/limit`` or ``range/delta`` (a
    tensor is used as it is); the dtype is ``dtype``, else the widest of the three (int32 < int64 <
    float16 < float32 < float64), and a bound of another dtype is cast (``range/Cast``); then the
    Range op, whose values are made when the graph runs. With constant bounds its length is static and
    the bounds are checked now; with bounds known only at run time, when it runs."""
    if limit is None:
        start, limit = 0, start
    dt_given = _dtypes.as_dtype(dtype) if dtype is not None else None
    with name_scope(name, "Range") as scope:
        nodes = []
        for what, v in (("start", start), ("limit", limit), ("delta", delta)):
            if not isinstance(v, Tensor) and (isinstance(v, (bool, np.bool_)) or
                                              not isinstance(v, (int, float, np.integer, np.floating))):
                raise TypeError(f"Range: {what} must be a number or a scalar tensor, got {v!r}")
            nodes.append(v if isinstance(v, Tensor) else constant_node(v, dtype=dt_given, name=what))
        known = [n.dtype for n in nodes if n.dtype is not None]  # a course placeholder may have no dtype
        for d in known:
            if d.name not in _RANGE_DTYPES:
                raise TypeError(f"Range: bounds must be int32, int64 or floats, got {d.name}")
        dt = dt_given or (max(known, key=lambda d: _RANGE_DTYPES.index(d.name)) if known else None)
        bounds = [np.asarray(n.attrs["value"], dtype=dt.as_numpy_dtype if dt is not None else None)[()]
                  if n.type == "Const" else None for n in nodes]
        nodes = [n if dt is None or n.dtype in (None, dt) else _cast(n, dt) for n in nodes]
        size = None
        if None not in bounds:  # constant bounds: check them, and the length is known
            start_v, limit_v, delta_v = bounds
            size = _range_size(start_v, limit_v, delta_v, lambda message: ValueError(f"Range: {message}"))
        return _range_node(nodes, dt, size, scope)


def _range_size(start, limit, delta, error):
    """The length of range(start, limit, delta), in the bounds' dtype as TF's kernel computes it:
    ceil(|(limit - start) / delta|), for integers |limit - start| / |delta| rounded up."""
    if delta == 0:
        raise error(f"Requires delta != 0: {delta} (start {start}, limit {limit})")
    if (delta > 0 and start > limit) or (delta < 0 and start < limit):
        order, sign = ("<=", ">") if delta > 0 else (">=", "<")
        raise error(f"Requires start {order} limit when delta {sign} 0: {start}/{limit}")
    if all(isinstance(v, (int, np.integer)) for v in (start, limit, delta)):
        return -(-abs(int(limit) - int(start)) // abs(int(delta)))
    return math.ceil(abs((limit - start) / delta))  # NumPy scalars: the division rounds in their dtype


def _range_node(nodes, dt, size, name):
    from ..errors import InvalidArgumentError

    def compute(start, limit, delta):
        """y[i] = start + i * delta, in the output dtype"""
        start, limit, delta = (to_host(v)[()] for v in (start, limit, delta))  # the bounds, as NumPy scalars

        def error(message):
            return InvalidArgumentError(node, f"{node.op_name}: {message}")
        n = _range_size(start, limit, delta, error)
        np_t = dt.as_numpy_dtype if dt is not None else np.result_type(start, limit, delta)
        return xp.asarray(start, np_t) + xp.arange(n, dtype=np_t) * xp.asarray(delta, np_t)
    node = Tensor("Range", tuple(nodes), compute=compute, dtype=dt, shape=TensorShape([size]), name=name)
    return node


def _cast(node, dtype):
    from .math_ops import cast
    return cast(node, dtype)
