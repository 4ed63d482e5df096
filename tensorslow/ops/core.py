"""What every op shares: turning operands into nodes, and a NumPy kernel into a graph-building function.

An op is defined by its kernel (the forward math on arrays) and registered
gradient; these helpers do the graph bookkeeping every op shares: converting
Python and NumPy operands to constants of the right dtype (``convert_to_tensor``;
a nested list holding nodes becomes a ``Pack`` of them, which is why ``pack``
lives here), checking that both operands of a binary op agree on dtype, and
inferring the static shape. ``Operation`` is the course's base class for ops
written as classes.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from .. import dtypes as _dtypes
from ..backend import xp
from ..dtypes import DTypeLike
from ..graph import Graph, Tensor, TensorLike, _graph_of, constant_node, get_default_graph, name_scope
from ..registry import RegisterGradient
from ..shapes import TensorShape, broadcast_static


def convert_to_tensor(value: TensorLike, dtype: DTypeLike = None, name: str | None = None,
                      graph: Graph | None = None) -> Tensor:
    """Return ``value`` as a node: nodes pass through, anything array-like becomes a ``Const``.

    ``dtype`` is the dtype the caller needs; for Python and NumPy values it is the
    dtype of the constant (TensorFlow converts literals to the other operand's dtype).
    """
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype is not None and value.dtype != dtype:
            raise TypeError(f"Expected a {_dtypes.as_dtype(dtype).name} node, got {value.name!r} "
                            f"of dtype {value.dtype.name}")
        return value
    if _holds_nodes(value):
        return _autopack(value, name or "packed")
    return constant_node(value, dtype=dtype, name=name, graph=graph)


def _holds_nodes(value):
    return isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in _flatten(value))


def _autopack(value, name):
    """A (nested) list holding nodes as TF1 converts it: inside the name scope ``name``, each literal item
    becomes a Const and each nested list a Pack, named by its index (``packed/1``, ``Reshape/shape/0``),
    in the dtype of the list's nodes; then a Pack named ``name`` joins them."""
    dtype = next(v.dtype for v in _flatten(value) if isinstance(v, Tensor))
    graph = _graph_of(list(_flatten(value)))
    with graph.as_default(), name_scope(name) as scope:
        items = [v if isinstance(v, Tensor) else _autopack(v, str(i)) if _holds_nodes(v) else
                 constant_node(v, dtype=dtype, name=str(i), graph=graph) for i, v in enumerate(value)]
        return pack(items, name=scope)  # the scope name itself, as TF names the Pack


def side_constant(value: Any, name: str, dtype: Any = np.int32) -> Tensor:
    """TF's constant operand of an op (an axis, a shape, a permutation), made where TF makes it, with
    TF's name (``Sum/reduction_indices``, ``Reshape/shape``).

    TensorSlow's kernels take such values as attributes, known when the graph is built, so nothing
    reads this node: it stands in the graph for TF's input, so that the graph holds TF's ops (their
    names, order and count, from which TF derives op seeds). A session runs only what its fetches
    need, so it costs nothing at run time."""
    return constant_node(np.asarray(value, dtype), name=name)


def _flatten(seq):
    for item in seq:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        else:
            yield item


def pack(nodes, axis=0, name="stack"):
    """y = the ``nodes`` joined along a new ``axis`` (``tf.stack``)."""
    ax = int(axis)
    dtype = common_dtype("Pack", nodes)
    shape = TensorShape(None)
    if nodes and all(n.shape.dims is not None for n in nodes):
        dims = list(nodes[0].shape.dims)
        for n in nodes[1:]:
            if not n.shape.is_compatible_with(dims):
                raise ValueError(f"Pack: shapes differ: {[str(n.shape) for n in nodes]}")
        dims.insert(ax if ax >= 0 else len(dims) + 1 + ax, len(nodes))
        shape = TensorShape(dims)
    return Tensor("Pack", nodes, compute=lambda *vs: xp.stack(vs, axis=ax), attrs={"axis": ax},
                  dtype=dtype, shape=shape, name=name or "stack")


@RegisterGradient("Pack")
def _pack_grad(op, grad):
    """dL/dx_i = dL/dy[..., i, ...] along the stacking axis"""
    return [xp.take(grad, i, axis=op.axis) for i in range(len(op.inputs))]


class Operation(Tensor):
    """Base class of computed nodes, as in the course.

    Subclass it and define ``compute(self, *input_values)``::

        class cube(Operation):
            def __init__(self, x):
                super().__init__([x])
            def compute(self, x_value):
                return x_value ** 3

    then register its gradient with ``@RegisterGradient("cube")``.
    """

    def __init__(self, input_nodes=(), op_type=None, **kwargs):
        inputs = [convert_to_tensor(x) for x in input_nodes]
        if "graph" not in kwargs and not inputs:
            kwargs["graph"] = get_default_graph()
        Tensor.__init__(self, op_type or type(self).__name__, inputs, **kwargs)



def as_nodes(values: Sequence[Any], dtype_hint: DTypeLike = None,
             names: Sequence[str | None] | None = None) -> list[Tensor]:
    """Convert ``values`` to nodes of one graph; literals take the dtype of the nodes among them, and the
    names ``names`` (an op's argument names, ``"x"``, ``"y"``: TF names the constant it makes for a
    literal operand after the argument, inside the op's name scope: ``mul/y``)."""
    graph = _graph_of(values)
    if dtype_hint is None:
        dtype_hint = next((v.dtype for v in values if isinstance(v, Tensor) and v.dtype is not None), None)
    names = names or [None] * len(values)
    return [v if isinstance(v, Tensor) else
            convert_to_tensor(v, dtype=_literal_dtype(v, dtype_hint), name=n, graph=graph)
            for v, n in zip(values, names)]


def _literal_dtype(value, hint):
    # A Python number adopts the other operand's dtype (x32 * 2.0 stays float32),
    # as does a NumPy array of the same kind; anything else keeps its own dtype.
    # A list holding nodes is packed (convert_to_tensor) with the dtype of its nodes.
    if hint is None or isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in _flatten(value)):
        return None
    own = _dtypes.dtype_of_python_value(value)
    if own.is_floating and hint.is_floating:
        return hint
    if own.is_integer and (hint.is_integer or hint.is_floating):
        return hint
    return own


def common_dtype(op_type, nodes):
    """The dtype shared by ``nodes``; TypeError naming the op if two known dtypes differ.

    None (unknown) when one of them has no dtype: the course's ``placeholder()`` takes whatever is fed,
    so ``matmul(X, Variable([[1, -1], [1, -1]]))`` is not an int32 product before X is fed floats."""
    dtype, unknown = None, False
    for node in nodes:
        if node.dtype is None:
            unknown = True
            continue
        if dtype is None:
            dtype = node.dtype
        elif node.dtype != dtype:
            names = ", ".join(f"{n.name!r} ({n.dtype.name if n.dtype else '?'})" for n in nodes)
            raise TypeError(f"{op_type}: inputs must have the same dtype, got {names}. "
                            f"Use tf.cast to convert one of them.")
    return None if unknown else dtype


def broadcast_shape(op_type, a, b, name=None):
    """Static broadcast shape of nodes ``a`` and ``b``; ValueError naming the op and both shapes."""
    shape = broadcast_static(a.shape, b.shape)
    if shape is None:
        raise ValueError(f"{op_type}{' ' + repr(name) if name else ''}: shapes {a.shape} of {a.name!r} "
                         f"and {b.shape} of {b.name!r} cannot be broadcast together")
    return shape


class UnaryOp(Protocol):
    """What :func:`unary_op` makes of a kernel: ``op(x, name=None) -> node``."""

    op_type: str
    kernel: Callable[..., Any]

    def __call__(self, x: TensorLike, name: str | None = None) -> Tensor: ...


class BinaryOp(Protocol):
    """What :func:`binary_op` makes of a kernel: ``op(x, y, name=None) -> node``."""

    op_type: str
    kernel: Callable[..., Any]

    def __call__(self, x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor: ...


def unary_op(op_type: str, dtype_fn: Callable[[Any], Any] | None = None,
             float_only: bool = False) -> Callable[[Callable[..., Any]], UnaryOp]:
    """Decorator: a kernel ``f(x) -> y`` becomes ``op(x, name=None) -> node`` of ``op_type``.

    The output has the input's shape and (unless ``dtype_fn`` says otherwise) its dtype. A
    ``float_only`` op (log, exp, sigmoid...) refuses an input of a known non-float dtype, as TF does,
    rather than compute float values under an integer static dtype. As TF's ops, the op opens a name
    scope of its own name, where a literal input becomes the constant ``<op>/x``.
    """
    def decorate(kernel):
        @functools.wraps(kernel)
        def build(x, name=None):
            with name_scope(name, op_type, [x]) as scope:
                (x,) = as_nodes([x], names=["x"])
                if float_only:
                    check_floating(op_type, x, "x")
                dtype = dtype_fn(x.dtype) if dtype_fn else x.dtype
                return Tensor(op_type, (x,), compute=kernel, dtype=dtype, shape=x.shape, name=scope)
        build.op_type = op_type
        build.kernel = kernel
        return build
    return decorate


def check_floating(op_type, node, what):
    """TypeError naming the op and argument if ``node`` has a known dtype that is not floating."""
    if node.dtype is not None and not node.dtype.is_floating:
        raise TypeError(f"{op_type}: value passed to parameter {what!r} ({node.name!r}) has DataType "
                        f"{node.dtype.name} not in list of allowed values: float16, float32, float64 "
                        f"(use tf.cast to convert it)")


def binary_op(op_type: str, out_dtype: DTypeLike = None,
              default_name: str | None = None) -> Callable[[Callable[..., Any]], BinaryOp]:
    """Decorator: a broadcasting kernel ``f(x, y) -> z`` becomes ``op(x, y, name=None) -> node``.

    Both operands must share a dtype; the output dtype is theirs unless ``out_dtype``
    is given (comparisons produce bool). The node is named ``name``, else ``default_name``,
    else its op type (``tf.add`` makes an ``AddV2`` op named ``Add``). As in TF, the op opens a name
    scope of that name first, where a literal operand becomes a constant named after its argument:
    ``x * 2.0`` makes ``mul/y`` then ``mul``, ``2.0 * x`` makes ``mul/x``.
    """
    def decorate(kernel):
        @functools.wraps(kernel)
        def build(x, y, name=None):
            with name_scope(name, default_name or op_type, [x, y]) as scope:
                x, y = as_nodes([x, y], names=["x", "y"])
                dtype = common_dtype(op_type, (x, y))
                shape = broadcast_shape(op_type, x, y, name)
                return Tensor(op_type, (x, y), compute=kernel, dtype=out_dtype or dtype, shape=shape,
                              name=scope)
        build.op_type = op_type
        build.kernel = kernel
        return build
    return decorate


def normalize_axis(axis, reduction_indices=None, op_type="op"):
    """Resolve TF1's ``reduction_indices`` alias; return None, an int or a tuple of ints."""
    if reduction_indices is not None:
        if axis is not None:
            raise ValueError(f"{op_type}: give only one of axis and reduction_indices")
        axis = reduction_indices
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        raise TypeError(f"{op_type}: axis must be a Python int or list of ints, not a graph node")
    if isinstance(axis, (list, tuple)):
        return tuple(int_arg(a, "axis", op_type) for a in axis)
    return int_arg(axis, "axis", op_type)


def int_arg(value, what, op_type):
    """``value`` as a Python int; TypeError naming the argument if it is not one (1.5, "2", True), where
    ``int()`` would truncate or convert silently (TF: "Value passed to parameter 'axis' has DataType
    float32 not in list of allowed values: int32, int64")."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iu":
        return int(value)
    raise TypeError(f"{op_type}: value passed to parameter {what!r} must be an integer (int32 or int64), "
                    f"got {value!r} of type {type(value).__name__}")


def reduced_shape(shape, axis, keepdims):
    """Static shape after reducing ``axis`` (None = all) of ``shape``."""
    if shape.dims is None:
        return TensorShape(None)
    n = len(shape.dims)
    axes = range(n) if axis is None else [a % n if n else a for a in ((axis,) if isinstance(axis, int) else axis)]
    axes = set(axes)
    if keepdims:
        return TensorShape([1 if i in axes else d for i, d in enumerate(shape.dims)])
    return TensorShape([d for i, d in enumerate(shape.dims) if i not in axes])


def keep_dims_alias(keepdims, keep_dims):
    """TF1 spells ``keepdims`` as ``keep_dims``; accept either."""
    return bool(keep_dims if keep_dims is not None else keepdims)


def static_ints(value, what, op_type):
    """A shape/perm/axis argument as a tuple of Python ints, or None for a graph node known only at run
    time; TypeError naming the argument for anything but integers."""
    if isinstance(value, Tensor):
        if value.type == "Const":
            array = value.attrs["value"]
            if array.dtype.kind not in "iu":
                raise TypeError(f"{op_type}: {what} must be integers, got {value.name!r} of dtype {value.dtype.name}")
            return tuple(int(v) for v in np.ravel(array))
        if value.dtype is not None and not value.dtype.is_integer:
            raise TypeError(f"{op_type}: {what} must be integers, got {value.name!r} of dtype {value.dtype.name}")
        return None
    if np.ndim(value) == 0:
        return (int_arg(value, what, op_type),)
    if any(isinstance(v, Tensor) for v in value):
        return None  # a list holding nodes: packed into one node by the caller
    return tuple(int_arg(v, what, op_type) for v in np.asarray(value, dtype=object).ravel()) \
        if isinstance(value, np.ndarray) else tuple(int_arg(v, what, op_type) for v in value)
