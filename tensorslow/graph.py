"""Computational graphs: :class:`Graph` and its nodes.

A graph only *describes* a computation. Nodes (:class:`Tensor`) hold their op
type, their inputs, their static dtype and shape, and a ``compute`` function
(the forward kernel); they never hold values. Values exist only inside one
``Session.run`` (see ``session.py``), so two sessions, two graphs or two
threads never see each other's numbers.

Course API: ``Graph().as_default()`` works as a plain statement (the graph
stays the default) and as ``with`` (the previous default comes back).
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from . import backend as _backend
from . import devices as _devices
from . import dtypes as _dtypes
from .default_session import session_for as _session_for
from .shapes import TensorShape, dims_of


class Graph:
    """A set of nodes plus naming, collections and the random seed."""

    def __init__(self) -> None:
        self._nodes: list[Tensor] = []
        self._by_name: dict[str, Tensor] = {}
        self._name_counts: dict[str, int] = {}
        self._scope_stack = threading.local()
        self._collections: dict[str, list[Any]] = {}
        self.seed: int | None = None
        # Whether TF would run this graph through a session's graph optimizer, which turns x / constant into
        # x * (1 / constant) (math_ops._real_div_node); False for graphs TF runs as functions (tf.data's).
        self.folds_constant_divisions = True
        self._derived_op_seeds = 0  # op seeds given so far to random ops with only the graph seed set
        self._lock = threading.Lock()

    # -- default graph ---------------------------------------------------------------
    def as_default(self) -> _DefaultGraphContext:
        """Make this the default graph. Returns a context manager that restores the previous one."""
        return _DefaultGraphContext(self)

    # -- nodes -----------------------------------------------------------------------
    def _add(self, node, base_name):
        with self._lock:
            # A name ending in "/" is a scope's full name, taken as it is (TF: an op named after the scope it opened).
            name = base_name[:-1] if base_name.endswith("/") else self.unique_name(base_name)
            node._op_name = name
            node._id = len(self._nodes)
            self._nodes.append(node)
            self._by_name[name] = node

    def unique_name(self, base_name: str) -> str:
        """``base`` in the current name scope, numbered ``_1, _2, ...`` if taken (as TensorFlow does)."""
        scope = self.current_scope
        name = f"{scope}/{base_name}" if scope else base_name
        key = name.lower()  # TensorFlow compares names case-insensitively: "add" then "Add_1"
        if key in self._name_counts:
            count = self._name_counts[key]
            while True:
                count += 1
                candidate = f"{name}_{count}"
                if candidate.lower() not in self._name_counts:
                    break
            self._name_counts[key] = count
            self._name_counts[candidate.lower()] = 0
            return candidate
        self._name_counts[key] = 0
        return name

    def get_operations(self) -> list[Tensor]:
        return list(self._nodes)

    def get_tensor_by_name(self, name: str) -> Tensor:
        """The node whose tensor name is ``name`` (``"x:0"``; ``"x"`` is accepted too)."""
        from .errors import NotFoundError
        op_name = name[:-2] if name.endswith(":0") else name
        try:
            return self._by_name[op_name]
        except KeyError:
            raise NotFoundError(None, f"The name {name!r} refers to no node in this graph.") from None

    get_operation_by_name = get_tensor_by_name

    # -- name scopes -----------------------------------------------------------------
    @property
    def current_scope(self) -> str:
        return getattr(self._scope_stack, "scope", "")

    def name_scope(self, name: str | None) -> _NameScope:
        return _NameScope(self, name)

    # -- collections -----------------------------------------------------------------
    def add_to_collection(self, key: str, value: Any) -> None:
        self._collections.setdefault(key, []).append(value)

    def get_collection(self, key: str, scope: str | None = None) -> list[Any]:
        """The items of collection ``key``; with ``scope``, those whose name (``dense/kernel:0``) the regular
        expression ``scope`` matches from its start (items with no name are left out), as in TF."""
        items = list(self._collections.get(key, []))
        if scope is None:
            return items
        pattern = re.compile(scope)
        return [v for v in items if isinstance(getattr(v, "name", None), str) and pattern.match(v.name)]

    def get_collection_ref(self, key: str) -> list[Any]:
        return self._collections.setdefault(key, [])

    def __repr__(self):
        return f"<tensorslow.Graph with {len(self._nodes)} nodes>"


class _DefaultGraphContext:
    """Returned by :meth:`Graph.as_default`: already in effect; ``with`` restores the old default.

    Each thread has its own stack of default graphs over the process's default graph, as in TF1: a
    graph made the default in one thread is not the default of another.
    """

    def __init__(self, graph: Graph) -> None:
        if not isinstance(graph, Graph):
            raise TypeError(f"as_default: expected a Graph, got {graph!r}")
        self._previous = getattr(_graph_stack, "stack", ())
        _graph_stack.stack = self._previous + (graph,)
        self.graph = graph

    def __enter__(self) -> Graph:
        return self.graph

    def __exit__(self, *exc):
        _graph_stack.stack = self._previous
        return False


class _NameScope:
    def __init__(self, graph, name):
        self.graph = graph
        self.name = name

    def __enter__(self):
        outer = self.graph.current_scope
        self._outer = outer
        if self.name is None or self.name == "":
            scope = ""
        elif self.name.endswith("/"):  # an absolute scope, as returned by a previous name_scope
            scope = self.name[:-1]
        else:
            base = f"{outer}/{self.name}" if outer else self.name
            # Re-entering the same scope name opens "name_1", as in TensorFlow.
            scope = self.graph.unique_name(self.name) if base.lower() in self.graph._name_counts else base
            self.graph._name_counts.setdefault(scope.lower(), 0)
        self.graph._scope_stack.scope = scope
        return scope + "/" if scope else ""

    def __exit__(self, *exc):
        self.graph._scope_stack.scope = self._outer
        return False


_default_graph = Graph()  # the default of every thread that made no graph its default
_graph_stack = threading.local()  # .stack: this thread's defaults, innermost last


def get_default_graph() -> Graph:
    """The graph new nodes go into: this thread's innermost ``as_default()`` graph, else the process's."""
    stack = getattr(_graph_stack, "stack", None)
    return stack[-1] if stack else _default_graph


def reset_default_graph() -> None:
    """Replace the default graph by a new, empty one (this thread's ``as_default()`` graphs are dropped)."""
    global _default_graph
    _graph_stack.stack = ()
    _default_graph = Graph()


def name_scope(name: str | None, default_name: str | None = None,
               values: Sequence[Any] | None = None) -> _NameScope:
    """``with name_scope("layer1"):`` prefixes the names of nodes created inside."""
    graph = _graph_of(values) if values else get_default_graph()
    return graph.name_scope(name if name is not None else default_name)


# Control dependencies: nodes created inside `with control_dependencies([...])` run after those.
_control_stack = threading.local()
# Control flow: .cond is the tf.cond branch or tf.while_loop being built in this thread, if any.
_building = threading.local()


class control_dependencies:  # noqa: N801  (TensorFlow's name)
    """Nodes created inside the block run only after ``control_inputs`` have run."""

    def __init__(self, control_inputs: Sequence[Tensor | None] | None) -> None:
        self.control_inputs = [c for c in (control_inputs or ()) if c is not None]
        for c in self.control_inputs:
            if not isinstance(c, Tensor):
                raise TypeError(f"control_dependencies expects graph nodes, got {c!r}")

    def __enter__(self) -> control_dependencies:
        stack = getattr(_control_stack, "stack", [])
        _control_stack.stack = stack + [self.control_inputs]
        return self

    def __exit__(self, *exc):
        _control_stack.stack = _control_stack.stack[:-1]
        return False


def _current_control_inputs():
    stack = getattr(_control_stack, "stack", None)
    return [c for frame in stack for c in frame] if stack else []


class OpView:
    """``tensor.op``: the operation that makes a tensor, as TF1 programs see it.

    A TensorSlow node is its own op, but two things of TensorFlow's operations
    show in programs: an operation's name has no output index (``v.op.name`` is
    ``dense/kernel`` where ``v.name`` is ``dense/kernel:0``), and fetching an
    operation runs it and gives None. This view of a node gives exactly those;
    every other attribute (``type``, ``inputs``, ``graph``, ``device``,
    ``get_attr``...) is the node's own. ``view.node`` is the node.
    """

    __slots__ = ("node",)

    def __init__(self, node: Tensor) -> None:
        self.node = node

    @property
    def name(self) -> str:
        return self.node.op_name

    def __getattr__(self, name: str) -> Any:
        return getattr(self.node, name)

    def run(self, feed_dict: dict[Any, Any] | None = None, session: Any = None) -> None:
        """Run the operation (``train_op.run()``, ``v.initializer.run()``)."""
        _session_for(self.node, session).run(self, feed_dict)

    def __repr__(self) -> str:
        return f"<tf.Operation '{self.name}' type={self.node.type}>"


class Tensor:
    """A node of the graph and the handle of the value it produces.

    TensorFlow separates an ``Operation`` from its output ``Tensor``; here a
    node is both, which keeps the engine to one kind of object. ``t.op`` is an
    :class:`OpView` of the node: what TF1 programs see of an operation (its
    name without ``:0``; fetching it returns None).

    Attributes:
        type: the op type (``"MatMul"``), the key of the gradient registry.
        inputs: the input nodes (``input_nodes`` in the course).
        attrs: the op's attributes (``axis``, ``transpose_a``...), also readable as ``node.axis``.
        dtype, shape: what is known before running (``None`` / unknown dims allowed).
        compute: the forward kernel, ``compute(*input_values) -> value``.
        stateful: if true the kernel is ``compute(state, *input_values)`` and may
            read or write the session's variables and random generators.
    """

    __array_ufunc__ = None  # `ndarray + node` defers to node.__radd__
    has_value = True
    stateful = False
    # True for variables: an op that waits on control dependencies reads it again when it runs (see
    # executor.read_again), as TF1 reads a variable's current value when the op using it runs.
    reads_at_use = False
    # A kernel may compute more than the node's value: with n_outputs = 2 it returns (value, extra), and
    # the extra output is passed to the gradient function only (op.outputs[1]), as TF's ops have outputs
    # that exist for their gradient (SoftmaxCrossEntropyWithLogits:1, the backprop).
    n_outputs = 1
    # Can an input of this node be dead (control_flow/dead.py: in a cond branch not taken)? Decided when it is
    # built; only such nodes check their inputs when they run. A Merge takes dead inputs (it picks the live one).
    may_be_dead = False
    takes_dead_inputs = False
    type = None
    device = ""  # set under `with tf.device(...)`: recorded as TF records it, no effect (NumPy runs it all)

    def __init__(self, op_type: str, inputs: Sequence[Tensor] = (), *, compute: Any = None,
                 attrs: dict[str, Any] | None = None, dtype: Any = None, shape: Any = None,
                 name: str | None = None, graph: Graph | None = None, stateful: bool | None = None) -> None:
        inputs = tuple(inputs)
        self.graph = graph if graph is not None else _graph_of(inputs)
        for node in inputs:
            if not isinstance(node, Tensor):
                raise TypeError(f"{op_type}: input {node!r} is not a graph node")
            if node.graph is not self.graph:
                raise ValueError(
                    f"{op_type}: input {node.name!r} belongs to a different graph than the "
                    f"other inputs; all nodes of one op must come from the same Graph.")
        self.type = op_type
        control_inputs = tuple(_current_control_inputs())
        self.inputs = tuple(inputs)
        self.control_inputs = control_inputs
        self.attrs = attrs or {}
        self.dtype = None if dtype is None else _dtypes.as_dtype(dtype)
        self._shape = shape if isinstance(shape, TensorShape) else TensorShape(shape)
        if compute is not None:
            self.compute = compute  # type: ignore[method-assign]  # a node's kernel replaces the default
        if stateful is not None:
            self.stateful = stateful
        self._consumers: list[Tensor] = []
        for node in inputs:
            node._consumers.append(self)
        self.graph._add(self, name or op_type)  # TensorFlow names nodes after their op type
        cond = getattr(_building, "cond", None)
        if cond is not None and cond.graph is self.graph:
            # A tf.cond branch (control_flow/dataflow.py) or a loop (control_flow/frame.py) is being built:
            # outside inputs come in through Switch (Enter) ops named after this node; a node with no
            # input waits on the branch's (loop's) pivot.
            cond.add_op(self)
        if any(p.may_be_dead for p in self.inputs) or any(c.may_be_dead for c in self.control_inputs):
            self.may_be_dead = True  # a Switch output reaches it: it checks for dead inputs when it runs
        if _devices.device_stack():
            self.device = _devices.device_for(self)

    # -- identity -------------------------------------------------------------------
    @property
    def op(self) -> OpView:
        view = self.__dict__.get("_op_view")
        if view is None:
            view = self.__dict__["_op_view"] = OpView(self)
        return view

    @property
    def op_name(self) -> str:
        return self._op_name

    @property
    def name(self) -> str:
        return f"{self._op_name}:0" if self.has_value else self._op_name

    @property
    def input_nodes(self) -> tuple[Tensor, ...]:  # the course's name for `inputs`
        return self.inputs

    @property
    def outputs(self) -> list[Tensor]:
        return [self] if self.has_value else []

    @property
    def shape(self) -> TensorShape:
        return self._shape

    def get_shape(self) -> TensorShape:
        return self._shape

    def set_shape(self, shape: Any) -> None:
        new = TensorShape(shape)
        if not self._shape.is_compatible_with(new):
            raise ValueError(f"Shape {new} of {self.name!r} is incompatible with its known shape {self._shape}")
        if new.dims is not None:
            known = self._shape.dims or new.dims
            self._shape = TensorShape([a if a is not None else b for a, b in zip(known, new.dims)])

    def consumers(self) -> list[Tensor]:
        return list(self._consumers)

    def __getattr__(self, name: str) -> Any:
        # Op attributes read as plain attributes (`op.axis`), as the course's gradients do.
        attrs = self.__dict__.get("attrs")
        if attrs is not None and name in attrs:
            return attrs[name]
        raise AttributeError(f"{type(self).__name__} {self.__dict__.get('_op_name', '?')!r} has no attribute {name!r}")

    def get_attr(self, name: str) -> Any:
        return self.attrs[name]

    def compute(self, *input_values):
        raise NotImplementedError(f"op type {self.type!r} defines no compute()")

    if TYPE_CHECKING:  # the operators, which ops/overloads.py installs at import time
        def __add__(self, other: TensorLike) -> Tensor: ...
        def __radd__(self, other: TensorLike) -> Tensor: ...
        def __sub__(self, other: TensorLike) -> Tensor: ...
        def __rsub__(self, other: TensorLike) -> Tensor: ...
        def __mul__(self, other: TensorLike) -> Tensor: ...
        def __rmul__(self, other: TensorLike) -> Tensor: ...
        def __truediv__(self, other: TensorLike) -> Tensor: ...
        def __rtruediv__(self, other: TensorLike) -> Tensor: ...
        def __floordiv__(self, other: TensorLike) -> Tensor: ...
        def __rfloordiv__(self, other: TensorLike) -> Tensor: ...
        def __mod__(self, other: TensorLike) -> Tensor: ...
        def __rmod__(self, other: TensorLike) -> Tensor: ...
        def __pow__(self, other: TensorLike) -> Tensor: ...
        def __rpow__(self, other: TensorLike) -> Tensor: ...
        def __matmul__(self, other: TensorLike) -> Tensor: ...
        def __rmatmul__(self, other: TensorLike) -> Tensor: ...
        def __and__(self, other: TensorLike) -> Tensor: ...
        def __rand__(self, other: TensorLike) -> Tensor: ...
        def __or__(self, other: TensorLike) -> Tensor: ...
        def __ror__(self, other: TensorLike) -> Tensor: ...
        def __xor__(self, other: TensorLike) -> Tensor: ...
        def __rxor__(self, other: TensorLike) -> Tensor: ...
        def __lt__(self, other: TensorLike) -> Tensor: ...
        def __le__(self, other: TensorLike) -> Tensor: ...
        def __gt__(self, other: TensorLike) -> Tensor: ...
        def __ge__(self, other: TensorLike) -> Tensor: ...
        def __neg__(self) -> Tensor: ...
        def __abs__(self) -> Tensor: ...
        def __invert__(self) -> Tensor: ...
        def __getitem__(self, key: Any) -> Tensor: ...

    # -- running --------------------------------------------------------------------
    def eval(self, feed_dict: dict[Any, Any] | None = None, session: Any = None) -> Any:
        """The value of this node in ``session`` (default: the session of the enclosing ``with``)."""
        return _session_for(self, session).run(self, feed_dict)

    def run(self, feed_dict: dict[Any, Any] | None = None, session: Any = None) -> None:
        """Run this node (for ops with no output, such as a training step)."""
        _session_for(self, session).run(self, feed_dict)

    # -- Python protocol -------------------------------------------------------------
    __hash__ = object.__hash__  # `==` stays identity so nodes can key feed_dicts (TF1 behaviour)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __bool__(self):
        raise TypeError(f"Using graph node {self.name!r} as a Python bool is not allowed: its value "
                        "exists only inside Session.run. Use tf.cond-free logic or fetch it first.")

    def __len__(self) -> int:
        dims = self._shape.dims
        if dims is None or not dims or dims[0] is None:
            raise TypeError(f"len() of {self.name!r} is unknown before running (shape {self._shape})")
        return dims[0]

    def __iter__(self) -> Iterator[Tensor]:
        dims = self._shape.dims
        if dims is None or not dims or dims[0] is None:
            raise TypeError(f"Cannot iterate over {self.name!r}: its first dimension is unknown")
        return iter([self[i] for i in range(dims[0])])

    def __repr__(self):
        shape = "<unknown>" if self._shape.dims is None else tuple(self._shape.dims)
        dtype = self.dtype.name if self.dtype is not None else "?"
        if not self.has_value:
            return f"<tensorslow.Operation '{self.name}' type={self.type}>"
        return f'Tensor("{self.name}", shape={shape}, dtype={dtype})'


class NoValueOp(Tensor):
    """A node run for its effect (a training step, an initializer): ``run`` returns None."""

    has_value = False


# What an op takes as an input: a graph node, or a value (array, number, nested list) that it makes a constant of.
TensorLike: TypeAlias = Tensor | np.ndarray | np.generic | float | int | bool | list | tuple


def _graph_of(values):
    for v in values:
        if isinstance(v, Tensor):
            return v.graph
    return get_default_graph()


# -- constants and conversion ----------------------------------------------------------

def constant_node(value: Any, dtype: Any = None, shape: Sequence[int] | None = None, name: str | None = None,
                  graph: Graph | None = None) -> Tensor:
    """A ``Const`` node holding ``value`` as a NumPy array of ``dtype``."""
    array, dt = _dtypes._constant_array(value, dtype, name or "Const")
    if isinstance(value, np.ndarray) and np.may_share_memory(array, value):
        array = array.copy()  # the constant is frozen below: never freeze the caller's own array
    if shape is not None:
        shape = dims_of(shape, "shape", name or "Const")
        if array.size == 1 and int(np.prod(shape)) != 1:
            array = np.full(shape, array.reshape(()), dtype=array.dtype)
        elif array.shape != shape:
            try:
                array = array.reshape(shape)
            except ValueError:
                raise ValueError(f"{name or 'Const'}: cannot make a constant of shape {shape} "
                                 f"from a value of shape {array.shape}") from None
    array.setflags(write=False)  # constants are shared by every run: never mutate them
    value = _backend.freeze(_backend.to_device(array))  # the run-time value; ``attrs["value"]`` stays NumPy

    def compute():
        return value
    node = Tensor("Const", (), compute=compute, attrs={"value": array}, dtype=dt, shape=array.shape,
                  name=name or "Const", graph=graph or get_default_graph())
    return node
