"""Placeholders and Variables: the two kinds of graph inputs.

A placeholder's value comes from ``feed_dict``; a Variable's value lives in the
session (each session has its own copy) and persists across runs. As in the
course, a Variable is usable at once: a session initializes it from its
initial value the first time it is read, so calling
``global_variables_initializer()`` is optional (it resets every variable).
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from typing import Any

from . import dtypes
from . import graph as _graph_module
from .backend import xp
from .dtypes import DTypeLike
from .graph import NoValueOp, Tensor, TensorLike, get_default_graph
from .ops.core import convert_to_tensor
from .shapes import ShapeLike, TensorShape

GLOBAL_VARIABLES = "variables"
TRAINABLE_VARIABLES = "trainable_variables"


class GraphKeys:
    """Standard collection names (``tf.GraphKeys``), TF1's strings."""

    GLOBAL_VARIABLES = VARIABLES = GLOBAL_VARIABLES
    TRAINABLE_VARIABLES = TRAINABLE_VARIABLES
    LOCAL_VARIABLES = "local_variables"
    MODEL_VARIABLES = "model_variables"
    METRIC_VARIABLES = "metric_variables"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    CONCATENATED_VARIABLES = "concatenated_variables"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    UPDATE_OPS = "update_ops"
    TRAIN_OP = "train_op"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    GLOBAL_STEP = "global_step"
    EVAL_STEP = "eval_step"
    SUMMARIES = "summaries"
    SUMMARY_OP = "summary_op"
    SAVERS = "savers"
    SAVEABLE_OBJECTS = "saveable_objects"
    QUEUE_RUNNERS = "queue_runners"
    ACTIVATIONS = "activations"
    WEIGHTS = "weights"
    BIASES = "biases"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"


class Placeholder(Tensor):
    """A graph input whose value must be given in ``feed_dict``.

    ``dtype`` and ``shape`` are optional (the course gives neither); when given,
    a fed value must be convertible to ``dtype`` and fit ``shape`` (``None``
    marks a dimension of any size).
    """

    def __init__(self, dtype: DTypeLike = None, shape: ShapeLike = None, name: str | None = None) -> None:
        super().__init__("Placeholder", (), dtype=dtype, shape=shape, name=name or "Placeholder",
                         graph=get_default_graph())

    def compute(self):
        from .errors import InvalidArgumentError
        dtype = self.dtype.name if self.dtype is not None else "any dtype"
        raise InvalidArgumentError(
            self, f"You must feed a value for placeholder {self.op_name!r} ({dtype}, shape {self.shape})")


def placeholder(dtype: DTypeLike = None, shape: ShapeLike = None, name: str | None = None) -> Placeholder:
    """A node fed at run time: ``x = placeholder(tf.float32, [None, 2], name="x")``."""
    return Placeholder(dtype, shape, name)


class placeholder_with_default(Tensor):  # noqa: N801  (TensorFlow's name)
    """A placeholder that takes ``input``'s value when it is not fed.

    As TF1 builds it: a Python or NumPy default becomes a Const named ``input`` inside the op's own name
    scope (``training/input``), then the ``PlaceholderWithDefault`` op takes the scope's name (``training``).
    """

    def __init__(self, input: TensorLike, shape: ShapeLike, name: str | None = None) -> None:  # noqa: A002
        graph = get_default_graph()
        with graph.name_scope(name or "PlaceholderWithDefault") as scope:
            default = convert_to_tensor(input, name="input")
        super().__init__("PlaceholderWithDefault", (default,), compute=lambda v: v, dtype=default.dtype,
                         shape=shape, name=scope, graph=graph)


class Variable(Tensor):
    """A trainable value that lives in the session and persists across runs.

    ``Variable(initial_value, trainable=True, collections=None, validate_shape=True, caching_device=None,
    name=None, ..., dtype=None, ..., shape=None)``, TF1's signature: the initial value may be a NumPy
    array, a nested list (floats become float32 as in TensorFlow; NumPy arrays keep their dtype), a graph
    node such as ``tf.random_normal([2, 3])``, or a function returning one of those.

    The graph is TF1's: inside a name scope named after the variable, ``initial_value`` (a Const made
    from a value; a function's ops under ``Initializer/``), the ``VariableV2`` node itself (this object,
    named like the scope: ``dense/kernel``), its initializer ``Assign`` and the ``read`` Identity that
    ``value()`` returns. Ops built from the variable read the ``VariableV2`` node directly (TF reads
    through ``read``, the same array), so a training step runs no extra op; ``read`` is there for names
    (TensorBoard, checkpoints, graph comparisons) and for ``value()``.

    An initial value that reads other variables (``Variable(v * 2)``) is assigned guarded, as TF1 does: each
    variable it reads is replaced by its ``initialized_value()`` (ops between ``VariableV2`` and ``Assign``;
    ``initial_value_guard.py``), so initializers run in any order give the same values.
    """

    stateful = True
    reads_at_use = True

    def __init__(self, initial_value: Any = None, trainable: bool | None = None,
                 collections: Sequence[str] | None = None, validate_shape: bool = True, caching_device: Any = None,
                 name: str | None = None, variable_def: Any = None, dtype: DTypeLike = None,
                 expected_shape: Any = None, import_scope: Any = None, constraint: Any = None,
                 use_resource: Any = None, synchronization: Any = None, aggregation: Any = None,
                 shape: ShapeLike = None, **_ignored: Any) -> None:
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        if collections is None:
            collections = [GLOBAL_VARIABLES]
        if not isinstance(collections, (list, tuple, set)):
            raise ValueError(f"collections argument to Variable constructor must be a list, tuple, or set. "
                             f"Got {collections} of type {type(collections)}")
        self.trainable = True if trainable is None else bool(trainable)
        if self.trainable and TRAINABLE_VARIABLES not in collections:
            collections = list(collections) + [TRAINABLE_VARIABLES]
        from_fn = callable(initial_value) and not isinstance(initial_value, Tensor)
        graph = initial_value.graph if isinstance(initial_value, Tensor) else get_default_graph()
        with graph.as_default(), _outside_control_dependencies(), graph.name_scope(name or "Variable") as scope:
            if from_fn:  # TF calls the function under <name>/Initializer/ (get_variable's initializers)
                with graph.name_scope("Initializer"):
                    init = _initial_tensor(initial_value(), dtype, scope)
            else:
                init = _initial_tensor(initial_value, dtype, scope)
            if shape is not None:
                var_shape = TensorShape(shape)
                if not var_shape.is_compatible_with(init.shape):
                    raise ValueError(f"Variable {scope[:-1]!r}: shape {var_shape} does not fit the initial "
                                     f"value's shape {init.shape}")
            else:
                var_shape = init.shape if validate_shape else TensorShape(None)
            super().__init__("VariableV2", (), dtype=init.dtype, shape=var_shape, name=scope, graph=graph)
            self.initial_value = init
            # TF1 assigns a guarded copy of the initial value: other variables it reads are read only if the
            # session has them, else their own initial values are used (initial_value_guard.py)
            from .initial_value_guard import guard_initial_value
            self.initializer = _Initialize(self, guard_initial_value(scope, init), name="Assign", op_type="Assign")
            self._snapshot = Tensor("Identity", (self,), compute=_read, dtype=self.dtype, shape=self.shape,
                                    name="read")
        for key in collections:
            graph.add_to_collection(key, self)

    def compute(self, state):
        return state.variables[self]

    # -- TF1 Variable methods ------------------------------------------------------------
    def value(self) -> Tensor:
        """The ``<name>/read`` Identity of this variable (TF1's snapshot)."""
        return self._snapshot

    def read_value(self) -> Tensor:
        """A new Identity of this variable, named ``read`` in the current name scope."""
        return Tensor("Identity", (self,), compute=read_ref, dtype=self.dtype, shape=self.shape, name="read")

    def initialized_value(self) -> Tensor:
        """This variable's value if the session has one, else its initial value: TF1's
        ``cond(is_variable_initialized(v), v.read_value, lambda: v.initial_value)``, a new cond at each
        call (``IsVariableInitialized``, ``cond/Switch``, ..., ``cond/Merge``), built outside control
        dependencies and cond branches, in the current name scope."""
        from .ops.control_flow_ops import cond
        with self.graph.as_default(), _outside_control_dependencies():
            return cond(is_variable_initialized(self), self.read_value, lambda: self.initial_value)

    def assign(self, value: TensorLike, use_locking: bool = False, name: str | None = None,
               read_value: bool = True) -> Tensor:
        return assign(self, value, name=name)

    def assign_add(self, delta: TensorLike, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Tensor:
        return assign_add(self, delta, name=name)

    def assign_sub(self, delta: TensorLike, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Tensor:
        return assign_sub(self, delta, name=name)

    def load(self, value: Any, session: Any = None) -> None:
        """Write ``value`` into this variable in ``session`` (default session if None)."""
        from .default_session import session_for
        session_for(self, session)._state.write(self, value)

    def __repr__(self):
        dtype = self.dtype.name if self.dtype is not None else "?"
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={dtype}>"


class _IsInitialized(Tensor):
    """``IsVariableInitialized``: true if the session holds a value for variable ``ref``. It reads the
    session's store, not the variable, so asking does not initialize it (a read would: TensorSlow
    initializes a variable at its first read)."""

    stateful = True

    def __init__(self, ref, name):
        if not isinstance(ref, Variable):
            raise TypeError(f"is_variable_initialized: expected a Variable, got {ref!r}")
        self.ref = ref  # as Assign's: the variable op itself, not its value (graph_def.py writes it as the input)
        super().__init__("IsVariableInitialized", (), dtype=dtypes.bool, shape=[], name=name, graph=ref.graph)

    def compute(self, state):
        return xp.asarray(dict.__contains__(state.variables, self.ref))


def is_variable_initialized(variable: Variable, name: str | None = None) -> Tensor:
    """A scalar bool: does the session hold a value for ``variable`` yet (TF1's ``IsVariableInitialized``)?"""
    return _IsInitialized(variable, name or "IsVariableInitialized")


def _read(value):
    """y = the variable's value (the same read-only array)"""
    return value


def read_ref(value):
    """y = the variable's value (``read_value()``: TF's Identity of the variable itself, not of its snapshot,
    so in a cond branch it reads through a RefSwitch: control_flow/dataflow.py)"""
    return value


def _initial_tensor(value, dtype, scope):
    """``value`` as the initial-value node (a Const named ``initial_value``), cast to ``dtype`` if given."""
    try:
        init = convert_to_tensor(value, dtype=dtype if not isinstance(value, Tensor) else None,
                                 name="initial_value")
    except (TypeError, ValueError) as e:
        raise type(e)(f"Variable {scope[:-1]!r}: initial_value: {e}") from None
    if dtype is not None and init.dtype is not None and init.dtype != dtype:
        from .ops.math_ops import cast
        init = cast(init, dtype)
    return init


@contextlib.contextmanager
def _outside_control_dependencies():
    """Build a variable's ops with no control inputs, as TF1's ``init_scope`` does: a variable made
    inside ``control_dependencies([update])`` (an optimizer's slots) must not run ``update`` when read."""
    saved = getattr(_graph_module._control_stack, "stack", None)
    saved_cond = getattr(_graph_module._building, "cond", None)  # nor join a cond branch being built
    _graph_module._control_stack.stack, _graph_module._building.cond = [], None
    try:
        yield
    finally:
        _graph_module._control_stack.stack = saved if saved is not None else []
        _graph_module._building.cond = saved_cond


class _Assign(Tensor):
    """``ref = value`` (or ``ref += value``, ``ref -= value``) in the session; yields the new value."""

    stateful = True

    def __init__(self, ref, value, name=None, op_type="Assign", combine=None):
        if not isinstance(ref, Variable):
            raise TypeError(f"{op_type}: can only assign to a Variable, got {ref!r}")
        scope = None
        try:
            if isinstance(value, Tensor):
                value = convert_to_tensor(value, dtype=ref.dtype, graph=ref.graph)
            else:  # TF makes the constant in the op's name scope, "Assign/value", and names the op as the scope
                with ref.graph.name_scope(name or op_type) as scope:
                    value = convert_to_tensor(value, dtype=ref.dtype, graph=ref.graph, name="value")
        except TypeError as e:
            raise TypeError(f"{op_type} to variable {ref.op_name!r}: {e}") from None
        if ref.shape.dims is not None and value.shape.dims is not None \
                and not ref.shape.is_compatible_with(value.shape):
            raise ValueError(f"{op_type}: cannot assign a value of shape {value.shape} to variable "
                             f"{ref.op_name!r} of shape {ref.shape}")
        self.ref = ref
        self.combine = combine
        super().__init__(op_type, (value,), dtype=ref.dtype, shape=ref.shape, name=scope or name or op_type)

    def compute(self, state, value):
        if self.combine is None:
            return state.write(self.ref, value)
        with state.lock:  # read, combine, write: one step for other threads
            return state.write(self.ref, self.combine(state.variables[self.ref], value))


class _Initialize(_Assign):
    """A variable's initializer: the ``Assign`` of its initial value, run as an operation (no output),
    as TF1's ``v.initializer`` is."""

    has_value = False

    def compute(self, state, value):
        state.write(self.ref, value)


def assign(ref: Variable, value: TensorLike, validate_shape: bool | None = None, use_locking: bool | None = None,
           name: str | None = None) -> Tensor:
    """Set variable ``ref`` to ``value``; the node's value is the new value."""
    return _Assign(ref, value, name=name, op_type="Assign")


def assign_add(ref: Variable, value: TensorLike, use_locking: bool | None = None, name: str | None = None) -> Tensor:
    """``ref += value``"""
    return _Assign(ref, value, name=name, op_type="AssignAdd", combine=lambda old, v: old + v)


def assign_sub(ref: Variable, value: TensorLike, use_locking: bool | None = None, name: str | None = None) -> Tensor:
    """``ref -= value``"""
    return _Assign(ref, value, name=name, op_type="AssignSub", combine=lambda old, v: old - v)


# -- collections and initializers ------------------------------------------------------

def global_variables(scope: str | None = None) -> list[Variable]:
    return get_default_graph().get_collection(GLOBAL_VARIABLES, scope)


all_variables = global_variables


def trainable_variables(scope: str | None = None) -> list[Variable]:
    return get_default_graph().get_collection(TRAINABLE_VARIABLES, scope)


def local_variables(scope: str | None = None) -> list[Variable]:
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def variables_initializer(var_list: Iterable[Variable], name: str = "init") -> Tensor:
    """One op that (re)sets every variable in ``var_list`` to its initial value."""
    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer() -> Tensor:
    return variables_initializer(global_variables())


initialize_all_variables = global_variables_initializer


def local_variables_initializer() -> Tensor:
    """One op that initializes the local variables (``tf.metrics``' counters), named ``init`` as TF names it."""
    return variables_initializer(local_variables())


def group(*inputs: Tensor | None, name: str | None = None) -> Tensor:
    """An op with no output that runs all ``inputs``."""
    from .graph import control_dependencies
    nodes = [n for n in inputs if n is not None]
    graph = nodes[0].graph if nodes else get_default_graph()
    with control_dependencies(nodes):
        return NoValueOp("NoOp", (), compute=lambda: None, name=name or "group_deps", graph=graph)


def no_op(name: str | None = None) -> Tensor:
    return NoValueOp("NoOp", (), compute=lambda: None, name=name or "NoOp", graph=get_default_graph())


def constant(value: Any, dtype: DTypeLike = None, shape: Sequence[int] | None = None, name: str = "Const",
             verify_shape: bool = False) -> Tensor:
    """A node with a fixed value."""
    from .graph import constant_node
    return constant_node(value, dtype=dtype, shape=shape, name=name)
