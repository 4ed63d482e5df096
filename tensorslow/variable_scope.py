"""Variable scopes and ``get_variable``: TF1's way to name, create and share variables.

``get_variable(name, shape)`` looks ``<scope>/<name>`` up in the graph's *variable store*; it creates the
variable if the current ``variable_scope`` does not reuse, and returns the stored one if it does::

    with tf.variable_scope("dense"):
        w = tf.get_variable("kernel", [2, 3])       # creates dense/kernel
    with tf.variable_scope("dense", reuse=True):
        w2 = tf.get_variable("kernel")              # the same variable (w2 is w)

Reuse modes: ``False`` (the default: a name taken is an error), ``True`` (the name must exist),
``AUTO_REUSE`` (create or return). A scope inherits its parent's reuse unless it sets one.

A variable scope also opens a *name scope* for the ops built inside it, and the two differ: re-entering
``dense`` opens name scope ``dense_1/`` for ops, while ``get_variable`` still names variables
``dense/...``; ``name_scope`` alone never changes a variable's name. Variables are built outside any
name scope, under their full name (``dense/kernel``, ``dense/kernel/Initializer/...``), as TF builds
them. Each graph has one variable store; each thread has its own current scope per graph.
"""
from __future__ import annotations

import enum
import inspect
import threading
import traceback
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from . import dtypes as _dtypes
from .dtypes import DTypeLike
from .graph import Graph, get_default_graph
from .shapes import ShapeLike, TensorShape
from .variables import GraphKeys, Variable


class _ReuseMode(enum.Enum):
    AUTO_REUSE = 1


#: ``reuse=tf.AUTO_REUSE``: get_variable creates a variable that does not exist and returns one that does.
AUTO_REUSE = _ReuseMode.AUTO_REUSE


class VariableScope:
    """The defaults ``get_variable`` takes inside a ``variable_scope``: the name prefix, reuse mode,
    initializer, regularizer and dtype (``tf.get_variable_scope()`` returns the current one)."""

    def __init__(self, reuse: Any, name: str = "", initializer: Any = None, regularizer: Any = None,
                 caching_device: Any = None, partitioner: Any = None, custom_getter: Any = None,
                 name_scope: str = "", dtype: DTypeLike = _dtypes.float32, use_resource: Any = None,
                 constraint: Any = None) -> None:
        self._name, self._reuse, self._name_scope = name, reuse, name_scope
        self._initializer, self._regularizer, self._dtype = initializer, regularizer, dtype
        self._caching_device, self._partitioner, self._custom_getter = caching_device, partitioner, custom_getter
        self._use_resource, self._constraint = use_resource, constraint

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)  # the name scope opened when it was made
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    regularizer = property(lambda self: self._regularizer)
    dtype = property(lambda self: self._dtype)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    custom_getter = property(lambda self: self._custom_getter)
    use_resource = property(lambda self: self._use_resource)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self) -> None:
        """From now on this scope reuses: ``get_variable`` returns existing variables."""
        self._reuse = True

    def set_initializer(self, initializer: Any) -> None:
        self._initializer = initializer

    def set_dtype(self, dtype: DTypeLike) -> None:
        self._dtype = dtype

    def set_regularizer(self, regularizer: Any) -> None:
        self._regularizer = regularizer

    def set_caching_device(self, caching_device: Any) -> None:
        self._caching_device = caching_device

    def set_partitioner(self, partitioner: Any) -> None:
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter: Any) -> None:
        self._custom_getter = custom_getter

    def set_use_resource(self, use_resource: Any) -> None:
        self._use_resource = use_resource

    def get_collection(self, name: str) -> list[Any]:
        """The items of collection ``name`` whose names start with this scope's name."""
        return get_default_graph().get_collection(name, self._name + "/" if self._name else "")

    def trainable_variables(self) -> list[Any]:
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def global_variables(self) -> list[Any]:
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def local_variables(self) -> list[Any]:
        return self.get_collection(GraphKeys.LOCAL_VARIABLES)

    def get_variable(self, var_store: _VariableStore, name: str, shape: ShapeLike = None, dtype: DTypeLike = None,
                     initializer: Any = None, regularizer: Any = None, reuse: Any = None, trainable: bool | None = None,
                     collections: Sequence[str] | None = None, partitioner: Any = None, validate_shape: bool = True,
                     custom_getter: Any = None, constraint: Any = None, **_ignored: Any) -> Variable:
        """``var_store.get_variable(<this scope>/<name>, ...)`` with this scope's defaults filled in."""
        regularizer = self._regularizer if regularizer is None else regularizer
        partitioner = self._partitioner if partitioner is None else partitioner
        custom_getter = self._custom_getter if custom_getter is None else custom_getter
        reuse = self._reuse if reuse is None else reuse
        full_name = f"{self._name}/{name}" if self._name else name
        graph = get_default_graph()
        with graph.name_scope(None):  # variables are named and built outside any name scope
            if dtype is not None and initializer is not None and not callable(initializer):
                from .ops.core import convert_to_tensor
                init_dtype = convert_to_tensor(initializer).dtype
                if init_dtype != _dtypes.as_dtype(dtype):
                    raise ValueError(f"Initializer type '<dtype: {init_dtype.name if init_dtype else None!r}>' and "
                                     f"explicit dtype '<dtype: {_dtypes.as_dtype(dtype).name!r}>' don't match.")
            initializer = self._initializer if initializer is None else initializer
            constraint = self._constraint if constraint is None else constraint
            dtype = self._dtype if dtype is None else dtype
            return var_store.get_variable(full_name, shape=shape, dtype=dtype, initializer=initializer,
                                          regularizer=regularizer, reuse=reuse, trainable=trainable,
                                          collections=collections, partitioner=partitioner,
                                          validate_shape=validate_shape, custom_getter=custom_getter,
                                          constraint=constraint)

    def __repr__(self):
        return f"<tensorslow.VariableScope {self._name!r} reuse={self._reuse}>"


class _VariableStore:
    """The variables ``get_variable`` made in one graph, by full name."""

    def __init__(self) -> None:
        self._vars: dict[str, Variable] = {}
        self._made_at: dict[str, list[traceback.FrameSummary]] = {}

    def get_variable(self, name: str, shape: ShapeLike = None, dtype: DTypeLike = _dtypes.float32,
                     initializer: Any = None, regularizer: Any = None, reuse: Any = None,
                     trainable: bool | None = None, collections: Sequence[str] | None = None,
                     partitioner: Any = None, validate_shape: bool = True, custom_getter: Any = None,
                     constraint: Any = None, **_ignored: Any) -> Variable:
        if partitioner is not None:
            raise NotImplementedError(f"get_variable {name!r}: partitioned variables are not supported")
        trainable = True if trainable is None else trainable

        def true_getter(name, shape=None, dtype=_dtypes.float32, initializer=None, regularizer=None, reuse=None,
                        trainable=None, collections=None, validate_shape=True, **_more):
            return self._get_single_variable(name, shape, dtype, initializer, regularizer, reuse, trainable,
                                             collections, validate_shape)
        kwargs = dict(shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer, reuse=reuse,
                      trainable=trainable, collections=collections, validate_shape=validate_shape)
        if custom_getter is not None:  # custom_getter(getter, name, **kwargs) wraps the real getter
            return custom_getter(getter=true_getter, name=name, **kwargs)
        return true_getter(name, **kwargs)

    def _get_single_variable(self, name, shape, dtype, initializer, regularizer, reuse, trainable, collections,
                             validate_shape):
        from_value = initializer is not None and not callable(initializer)
        if shape is not None and from_value:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = _dtypes.as_dtype(dtype)
        shape = None if shape is None else TensorShape(shape)
        if name in self._vars:
            return self._existing(name, shape, dtype, reuse)
        if reuse is True:
            raise ValueError(f"Variable {name} does not exist, or was not created with tf.get_variable(). "
                             f"Did you mean to set reuse=tf.AUTO_REUSE in VarScope?")
        if initializer is None:
            if shape is None:
                raise ValueError(f"Variable {name} did not get an initializer, so its `shape` argument must be "
                                 f"specified.")
            initializer, from_value = _default_initializer(name, dtype), False
        init_val, var_dtype = _initial_value(initializer, from_value, shape, dtype)
        v = Variable(initial_value=init_val, name=name, trainable=trainable, collections=collections,
                     dtype=var_dtype, validate_shape=validate_shape, shape=shape)
        self._vars[name] = v
        self._made_at[name] = [f for f in traceback.extract_stack()[:-1]
                               if "/tensorslow/" not in f.filename][-5:]
        if regularizer and regularizer(v) is not None:  # TF calls it once to test, then builds the loss
            with get_default_graph().name_scope(name + "/Regularizer/"):
                get_default_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, regularizer(v))
        return v

    def _existing(self, name, shape, dtype, reuse):
        """The stored variable ``name``, if ``reuse`` allows it and ``shape``, ``dtype`` fit; TF's errors."""
        found = self._vars[name]
        if reuse is False:
            where = "".join(traceback.format_list(self._made_at.get(name, [])[::-1]))
            raise ValueError(f"Variable {name} already exists, disallowed. Did you mean to set reuse=True or "
                             f"reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n{where}")
        if shape is not None and not shape.is_compatible_with(found.shape):
            raise ValueError(f"Trying to share variable {name}, but specified shape {shape} and found shape "
                             f"{found.shape}.")
        if found.dtype is not None and dtype != found.dtype:
            raise ValueError(f"Trying to share variable {name}, but specified dtype {dtype.name} and found dtype "
                             f"{found.dtype.name}_ref.")  # TF1 names a variable's dtype float32_ref
        return found


def _default_initializer(name, dtype):
    """TF's default: glorot_uniform for floats, zeros for integers and bools."""
    from . import init_ops
    if dtype.is_floating:
        return init_ops.glorot_uniform_initializer()
    if dtype.is_integer or dtype.is_bool:
        return init_ops.zeros_initializer()
    raise ValueError(f"An initializer for variable {name} of {dtype.name} is required")


def _initial_value(initializer, from_value, shape, dtype):
    """(what Variable gets as initial_value, its dtype): the value itself, or a function of no arguments
    calling ``initializer(shape, dtype=dtype)`` (an initializer class is instantiated first)."""
    if from_value:
        return initializer, None
    if inspect.isclass(initializer):
        initializer = initializer()
    if shape is not None and shape.is_fully_defined():
        dims = shape.as_list()
        if _accepts(initializer, "partition_info"):
            return (lambda: initializer(dims, dtype=dtype, partition_info=None)), dtype
        return (lambda: initializer(dims, dtype=dtype)), dtype
    if _needs_no_arguments(initializer):
        return initializer, None
    raise ValueError("The initializer passed is not valid. It should be a callable with no arguments and the "
                     "shape should not be provided or an instance of `tf.keras.initializers.*' and `shape` "
                     "should be fully defined.")


def _accepts(fn, arg):
    try:
        return arg in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _needs_no_arguments(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)


# -- per-graph stores ----------------------------------------------------------------------

class _ScopeStore(threading.local):
    """One thread's current variable scope in one graph, and how often each scope name was opened
    (``default_name`` scopes are numbered from it: layer, layer_1, ...)."""

    def __init__(self) -> None:
        self.current_scope = VariableScope(False)
        self.counts: dict[str, int] = {}

    def open(self, scope_name: str) -> None:
        self.counts[scope_name] = self.counts.get(scope_name, 0) + 1

    def close_subscopes(self, scope_name: str) -> None:
        prefix = scope_name + "/"
        for k in self.counts:
            if k.startswith(prefix):
                self.counts[k] = 0


_stores: weakref.WeakKeyDictionary[Graph, tuple[_VariableStore, _ScopeStore]] = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()


def _stores_of(graph: Graph) -> tuple[_VariableStore, _ScopeStore]:
    with _stores_lock:
        stores = _stores.get(graph)
        if stores is None:
            stores = _stores[graph] = (_VariableStore(), _ScopeStore())
        return stores


def get_variable_scope() -> VariableScope:
    """The current variable scope (of this thread, in the default graph)."""
    return _stores_of(get_default_graph())[1].current_scope


def get_variable(name: str, shape: ShapeLike = None, dtype: DTypeLike = None, initializer: Any = None,
                 regularizer: Callable[[Any], Any] | None = None, trainable: bool | None = None,
                 collections: Sequence[str] | None = None, caching_device: Any = None, partitioner: Any = None,
                 validate_shape: bool = True, use_resource: Any = None, custom_getter: Any = None,
                 constraint: Any = None, synchronization: Any = None, aggregation: Any = None) -> Variable:
    """The variable ``<current scope>/<name>``: created (from ``initializer``, an initializer object, a
    function or a value; default glorot_uniform for floats, zeros for integers) unless the scope reuses,
    returned if it does. See the module docstring."""
    store = _stores_of(get_default_graph())[0]
    return get_variable_scope().get_variable(
        store, name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
        trainable=trainable, collections=collections, partitioner=partitioner, validate_shape=validate_shape,
        custom_getter=custom_getter, constraint=constraint)


def get_local_variable(name: str, shape: ShapeLike = None, dtype: DTypeLike = None, initializer: Any = None,
                       regularizer: Any = None, trainable: bool = False, collections: Sequence[str] | None = None,
                       **kwargs: Any) -> Variable:
    """``get_variable`` for a variable in LOCAL_VARIABLES (not saved, not trained)."""
    collections = list(collections or []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape, dtype, initializer, regularizer, False, collections, **kwargs)


class variable_scope:  # noqa: N801  (TensorFlow's name)
    """``with variable_scope(name_or_scope, default_name=None, values=None, initializer=None, regularizer=None,
    reuse=None, dtype=None, auxiliary_name_scope=True) as scope:`` -- see the module docstring.

    ``name_or_scope`` is a name (relative to the current variable scope) or a :class:`VariableScope` to
    re-enter (its name is absolute); with neither, ``default_name`` is made unique (``layer``,
    ``layer_1``...). ``reuse``: True, ``AUTO_REUSE`` or None/False (inherit the parent's). The block's
    ops go into a name scope opened as ``name_scope`` would open it (``dense_1/`` on re-entry).
    """

    def __init__(self, name_or_scope: str | VariableScope | None, default_name: str | None = None,
                 values: Sequence[Any] | None = None, initializer: Any = None, regularizer: Any = None,
                 caching_device: Any = None, partitioner: Any = None, custom_getter: Any = None,
                 reuse: Any = None, dtype: DTypeLike = None, use_resource: Any = None, constraint: Any = None,
                 auxiliary_name_scope: bool = True) -> None:
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if reuse is False:
            reuse = None
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if name_or_scope is not None and not isinstance(name_or_scope, (VariableScope, str)):
            raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError(f"The auxiliary_name_scope must be `True` or `False`, while get {auxiliary_name_scope}")
        self._name_or_scope, self._default_name, self._reuse = name_or_scope, default_name, reuse
        self._defaults = dict(initializer=initializer, regularizer=regularizer, caching_device=caching_device,
                              partitioner=partitioner, custom_getter=custom_getter, dtype=dtype,
                              use_resource=use_resource)
        self._constraint = constraint
        self._auxiliary_name_scope = auxiliary_name_scope
        from .graph import _graph_of
        self._graph = _graph_of(values or [])

    def __enter__(self) -> VariableScope:
        self._graph_context = self._graph.as_default()
        self._name_scope_context = None
        try:
            return self._enter()
        except BaseException:
            self._exit_name_and_graph()
            raise

    def _enter(self) -> VariableScope:
        graph, scope = self._graph, self._name_or_scope
        self._store = store = _stores_of(graph)[1]
        self._old = old = store.current_scope
        if scope is not None and self._auxiliary_name_scope:
            relative = scope if isinstance(scope, str) else scope.name.split("/")[-1]
            opened = self._open_name_scope(relative) if relative else None
        elif scope is not None:  # auxiliary_name_scope=False: stay in the current name scope
            opened = self._open_name_scope(graph.current_scope + "/" if graph.current_scope else "")
        else:
            if self._reuse:
                raise ValueError("reuse=True cannot be used without a name_or_scope")
            opened = self._open_name_scope(self._default_name)
            scope = _unique_scope_name(store, str(self._default_name))
        if isinstance(scope, VariableScope):
            new = VariableScope(scope.reuse if not self._reuse else self._reuse, name=scope.name,
                                initializer=scope.initializer, regularizer=scope.regularizer,
                                caching_device=scope.caching_device, partitioner=scope.partitioner,
                                custom_getter=scope.custom_getter, name_scope=scope.original_name_scope,
                                dtype=scope.dtype, use_resource=scope.use_resource, constraint=self._constraint)
            self._saved_counts: dict[str, int] | None = dict(store.counts)  # restored on exit
        else:
            name = f"{old.name}/{scope}" if old.name else scope
            reuse = self._reuse or old.reuse  # reuse is inherited by sub-scopes
            new = VariableScope(reuse, name=name, initializer=old.initializer, regularizer=old.regularizer,
                                caching_device=old.caching_device, partitioner=old.partitioner,
                                custom_getter=old.custom_getter, name_scope=opened if opened is not None else scope,
                                dtype=old.dtype, use_resource=old.use_resource, constraint=self._constraint)
            self._saved_counts = None
        for key, value in self._defaults.items():
            if value is not None:
                getattr(new, f"set_{key}")(value)
        store.open(new.name)
        store.current_scope = self._new = new
        return new

    def _open_name_scope(self, name):
        self._name_scope_context = self._graph.name_scope(name)
        return self._name_scope_context.__enter__()

    def __exit__(self, *exc: Any) -> None:
        try:
            if self._store.current_scope is not self._new:
                raise RuntimeError("Improper nesting of variable_scope.")
            if self._saved_counts is not None:
                self._store.counts = self._saved_counts
            else:
                self._store.close_subscopes(self._new.name)
            self._store.current_scope = self._old
        finally:
            self._exit_name_and_graph()

    def _exit_name_and_graph(self):
        if self._name_scope_context is not None:
            self._name_scope_context.__exit__(None, None, None)
        self._graph_context.__exit__(None, None, None)


def _unique_scope_name(store: _ScopeStore, prefix: str) -> str:
    """``prefix``, or ``prefix_1``, ``prefix_2``... : the first not yet opened in the current variable scope."""
    current = store.current_scope.name
    name = f"{current}/{prefix}" if current else prefix
    if store.counts.get(name, 0) == 0:
        return prefix
    k = 1
    while store.counts.get(f"{name}_{k}", 0) > 0:
        k += 1
    return f"{prefix}_{k}"


__all__ = ["AUTO_REUSE", "VariableScope", "get_local_variable", "get_variable", "get_variable_scope",
           "variable_scope"]
