"""``tf.layers.Layer``: how a TF1 layer names itself, makes its variables and builds its ops.

A layer is an object with variables (``build``, on the first call) and a function of its input
(``call``). TF1's recipe, which this class follows step by step so that names match TensorFlow's:

1. The first call opens a variable scope: the layer's ``name`` if it has one, else the snake-case
   class name made unique among the scopes opened so far (``dense``, ``dense_1``...). It keeps that
   :class:`VariableScope` for good, and with it the *name scope* opened for it (``dense/``).
2. Every call re-enters that variable scope (reusing its variables after the first call) and, for
   ops, that same name scope, absolutely: a second call of one layer makes ``dense/MatMul_1``.
3. ``add_weight`` is ``get_variable(name, ...)`` in the layer's scope, so variables are
   ``dense/kernel``, ``dense/bias``, with get_variable's default initializer (glorot_uniform) and
   reuse rules (``variable_scope(..., reuse=True)`` around a layer shares its variables by name).
   A regularizer's loss is built under ``<variable>/Regularizer/`` and added to
   ``REGULARIZATION_LOSSES``.
4. Update ops a layer makes while it is called (batch normalization's moving averages) are added to
   ``UPDATE_OPS`` after the call.

The layer's ``name`` attribute is numbered separately, as Keras numbers objects: the first unnamed
``Dense`` of a graph is called ``dense_1`` while its scope is ``dense``.
"""
from __future__ import annotations

import re
import weakref
from typing import Any

from ..graph import Graph, Tensor, get_default_graph
from ..ops.core import convert_to_tensor
from ..variable_scope import VariableScope, get_variable, variable_scope
from ..variables import GraphKeys
from .utils import shape_text

_object_names: weakref.WeakKeyDictionary[Graph, dict[str, int]] = weakref.WeakKeyDictionary()


def _unique_object_name(base: str) -> str:
    """``base_1``, ``base_2``...: a layer object's name, numbered per graph (Keras's rule)."""
    counts = _object_names.setdefault(get_default_graph(), {})
    counts[base] = counts.get(base, 0) + 1
    return f"{base}_{counts[base]}"


def to_snake_case(name: str) -> str:
    """``MaxPooling2D`` -> ``max_pooling2d``, ``BatchNormalization`` -> ``batch_normalization``."""
    name = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class InputSpec:
    """What a layer accepts: a rank (``ndim``, ``min_ndim``) and sizes of some axes (``axes={-1: 8}``)."""

    def __init__(self, ndim: int | None = None, min_ndim: int | None = None,
                 axes: dict[int, int] | None = None) -> None:
        self.ndim, self.min_ndim, self.axes = ndim, min_ndim, dict(axes or {})

    def check(self, x: Tensor, layer_name: str) -> None:
        """ValueError in Keras's words if ``x`` does not fit."""
        where = f'Input 0 of layer "{layer_name}" is incompatible with the layer'
        ndim = x.shape.ndims
        if ndim is None:
            return
        if self.ndim is not None and ndim != self.ndim:
            raise ValueError(f"{where}: expected ndim={self.ndim}, found ndim={ndim}. "
                             f"Full shape received: {shape_text(x.shape)}")
        if self.min_ndim is not None and ndim < self.min_ndim:
            raise ValueError(f"{where}: expected min_ndim={self.min_ndim}, found ndim={ndim}. "
                             f"Full shape received: {shape_text(x.shape)}")
        for axis, size in self.axes.items():
            got = x.shape.dims[axis] if -ndim <= axis < ndim else None
            if size is not None and got not in (size, None):
                raise ValueError(f"{where}: expected axis {axis} of input shape to have value {size}, but "
                                 f"received input with shape {shape_text(x.shape)}")

    def __repr__(self):
        parts = [f"ndim={self.ndim}"] if self.ndim is not None else []
        parts += [f"min_ndim={self.min_ndim}"] if self.min_ndim is not None else []
        parts += [f"axes={self.axes}"] if self.axes else []
        return f"InputSpec({', '.join(parts)})"


class Layer:
    """Base class of ``tf.layers``: ``layer(inputs)`` builds the variables once, then the ops, each call.

    Subclasses define ``build(input_shape)`` (calling :meth:`add_weight`) and ``call(inputs, ...)``.
    """

    def __init__(self, trainable: bool = True, name: str | None = None, dtype: Any = None,
                 _scope: str | VariableScope | None = None, _reuse: Any = None, **kwargs: Any) -> None:
        unknown = set(kwargs) - {"input_shape", "batch_input_shape", "batch_size", "autocast"}
        if unknown:
            raise TypeError(f"Keyword argument not understood: {sorted(unknown)[0]!r}")
        self.trainable = trainable
        self.built = False
        self._dtype = dtype
        self._reuse = _reuse
        self._trainable_weights: list[Any] = []
        self._non_trainable_weights: list[Any] = []
        self._updates: list[Tensor] = []
        self._losses: list[Tensor] = []
        self.input_spec: InputSpec | None = None
        self._base_name = name if name else to_snake_case(type(self).__name__)
        self._name = name if name else _unique_object_name(self._base_name)
        self._scope: VariableScope | None = None
        if _scope:  # a named layer opens its scope now, as TF does (a later reuse opens name scope fc_1/)
            with variable_scope(_scope) as captured:
                self._scope = captured
        self._current_scope: VariableScope | None = None

    # -- what the layer is ----------------------------------------------------------------------------
    name = property(lambda self: self._name)
    dtype = property(lambda self: self._dtype)
    updates = property(lambda self: list(self._updates) if self.trainable else [])
    losses = property(lambda self: list(self._losses))

    @property
    def scope_name(self) -> str:
        if self._scope is None:
            raise ValueError(f'No name available for layer scope because the layer "{self._name}" has not been '
                             f"used yet. The scope name  is determined the first time the layer instance is "
                             f"called. You must therefore call the layer before querying `scope_name`.")
        return self._scope.name

    @property
    def trainable_weights(self) -> list[Any]:
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Any]:
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    @property
    def weights(self) -> list[Any]:
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    # -- building -----------------------------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Make the layer's variables, knowing its input's static shape (subclasses)."""

    def call(self, inputs: Tensor, *args: Any, **kwargs: Any) -> Any:
        """The layer's function of its input (subclasses)."""
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.compute_output_shape")

    def _set_scope(self, scope: Any = None) -> None:
        if self._scope is None:
            if self._reuse:
                with variable_scope(scope if scope is not None else self._base_name) as captured:
                    self._scope = captured
            else:
                with variable_scope(scope, default_name=self._base_name) as captured:
                    self._scope = captured

    def _in_scope(self, reuse: Any):
        """Re-enter the layer's variable scope and, for ops, its own name scope (absolute)."""
        return _LayerScope(self, reuse)

    def add_weight(self, name: str, shape: Any, dtype: Any = None, initializer: Any = None, regularizer: Any = None,
                   trainable: bool | None = None, constraint: Any = None, partitioner: Any = None,
                   **kwargs: Any) -> Any:
        """``get_variable(name, shape, ...)`` in the layer's scope; tracked as a (non-)trainable weight."""
        trainable = True if trainable is None else trainable
        existing = set(get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES))
        self._set_scope(None)
        with self._in_scope(self.built or self._reuse) as scope:
            variable = get_variable(name, shape, dtype=dtype or self._dtype or "float32",
                                    initializer=initializer if initializer is not None else scope.initializer,
                                    trainable=trainable and self.trainable, constraint=constraint,
                                    partitioner=partitioner)
            if regularizer is not None and variable not in existing:
                with get_default_graph().name_scope(f"{name}/Regularizer"):
                    loss = regularizer(variable)
                if loss is not None:
                    self._losses.append(loss)
                    get_default_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        is_trainable = variable in get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES)
        (self._trainable_weights if trainable and self.trainable and is_trainable
         else self._non_trainable_weights).append(variable)
        return variable

    def add_update(self, update: Any) -> None:
        """Record an update op (a callable is called now, in the layer's name scope)."""
        self._updates.append(update() if callable(update) else update)

    def add_loss(self, loss: Tensor) -> None:
        self._losses.append(loss)
        get_default_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)

    # -- calling ------------------------------------------------------------------------------------
    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        scope = kwargs.pop("scope", None)
        self._set_scope(scope)
        inputs = convert_to_tensor(inputs)
        with self._in_scope(True if self.built else self._reuse):
            if self.input_spec is not None:
                self.input_spec.check(inputs, self._name)
            if not self.built:
                if self._dtype is None and inputs.dtype is not None:
                    self._dtype = inputs.dtype
                self.build(inputs.shape)
                self.built = True
            outputs = self.call(inputs, *args, **kwargs)
        collection = get_default_graph().get_collection_ref(GraphKeys.UPDATE_OPS)
        collection.extend(u for u in self.updates if not any(u is c for c in collection))
        return outputs

    def apply(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return self(inputs, *args, **kwargs)

    def __repr__(self):
        return f"<tensorslow.layers.{type(self).__name__} {self._name!r}>"


class _LayerScope:
    """``with variable_scope(layer scope, reuse, auxiliary_name_scope=False), name_scope(its own):``"""

    def __init__(self, layer: Layer, reuse: Any) -> None:
        self.layer, self.reuse = layer, reuse

    def __enter__(self) -> VariableScope:
        self._vs = variable_scope(self.layer._scope, reuse=True if self.reuse else None, auxiliary_name_scope=False)
        scope = self._vs.__enter__()
        self.layer._current_scope = scope
        self._ns = get_default_graph().name_scope(scope.original_name_scope)
        self._ns.__enter__()
        return scope

    def __exit__(self, *exc: Any) -> None:
        self._ns.__exit__(*exc)
        self._vs.__exit__(*exc)
