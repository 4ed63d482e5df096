"""What every RNN cell shares: ``RNNCell`` (``tf.nn.rnn_cell.RNNCell``), ``LSTMStateTuple`` and zero states.

A cell computes one time step: ``output, new_state = cell(inputs, state)``, with ``inputs`` of shape
``[batch, input_size]`` and ``state`` a tensor ``[batch, state_size]`` or a nested tuple of them
(``LSTMStateTuple(c, h)`` for an LSTM). ``static_rnn`` and ``dynamic_rnn`` (``rnn.py``) call it once per
time step with the same weights.

Variables are named as TF1's cells (legacy ``tf.layers``) name them, so checkpoints interchange. The
first call fixes the cell's *variable scope*: ``<current scope>/<snake_case class name>``, made unique
(``basic_lstm_cell``, ``basic_lstm_cell_1``...) unless the cell was given ``reuse=True``; a cell given a
``name`` uses it instead of the class name. That first call also *builds* the cell (``build``: its
``get_variable`` calls, in TF's order, so the same graph seed draws the same initial weights). Later
calls re-enter the scope with reuse, so every time step shares the weights. Every call builds its ops
in the name scope the scope opened first (``rnn/basic_lstm_cell/MatMul``, ``.../MatMul_1``...).
"""
from __future__ import annotations

import collections
import re
from typing import Any

from .. import dtypes as _dtypes
from ..graph import Tensor, get_default_graph
from ..ops.array_ops import concat, expand_dims, zeros
from ..ops.core import convert_to_tensor
from ..shapes import TensorShape
from ..variable_scope import VariableScope, get_variable, get_variable_scope, variable_scope
from . import nest


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """An LSTM's state: ``c`` the memory (cell state), ``h`` the output (hidden state), in that order."""

    __slots__ = ()

    @property
    def dtype(self) -> Any:
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent dtypes for internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


def _snake_case(name: str) -> str:
    """``BasicLSTMCell`` -> ``basic_lstm_cell``: Keras's layer names (a word starts at an upper-case letter
    followed by lower-case ones, or where a lower-case letter meets an upper-case one)."""
    words = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    snake = re.sub("([a-z])([A-Z])", r"\1_\2", words).lower()
    return snake if not snake.startswith("_") else "private" + snake  # a private class: private__name


def check_supported_dtype(dtype: Any) -> None:
    """TF's cells compute with sigmoid and tanh: floats only."""
    if dtype is None:
        return
    dtype = _dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"RNN cell only supports floating point inputs, but received dtype: <dtype: "
                         f"'{dtype.name}'>")


class RNNCell:
    """Abstract cell: subclasses define ``state_size``, ``output_size``, optionally ``build(input_shape)``
    (make the variables with ``add_weight``), and ``call(inputs, state) -> (output, new_state)``.

    ``call`` may also create variables with ``tf.get_variable``: it runs inside the cell's variable
    scope, reusing from the second call on.
    """

    def __init__(self, trainable: bool = True, name: str | None = None, dtype: Any = None,
                 _reuse: Any = None, **kwargs: Any) -> None:
        self.trainable = trainable
        self._base_name = name or _snake_case(type(self).__name__)
        self.name = self._base_name
        self._dtype = None if dtype is None else _dtypes.as_dtype(dtype)
        self._reuse = _reuse
        self._scope: VariableScope | None = None
        self.built = False
        self._trainable_weights: list[Any] = []
        self._non_trainable_weights: list[Any] = []

    # -- sizes and the zero state -------------------------------------------------------------------
    @property
    def state_size(self) -> Any:
        """The size of the state: an int, or a nested tuple of ints (``LSTMStateTuple(units, units)``)."""
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self) -> Any:
        """The size of the output (the last dimension of ``output``)."""
        raise NotImplementedError("Abstract method")

    @property
    def dtype(self) -> Any:
        return self._dtype

    def zero_state(self, batch_size: int | Tensor, dtype: Any) -> Any:
        """Zeros shaped as the state: ``[batch_size, s]`` for each size ``s`` in ``state_size``, built in a
        name scope ``<ClassName>ZeroState`` as TF builds it."""
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return zero_state_tensors(self.state_size, batch_size, dtype)

    def get_initial_state(self, inputs: Any = None, batch_size: Any = None, dtype: Any = None) -> Any:
        """The zero state, for ``inputs``' batch size and dtype or the ones given."""
        if inputs is not None:
            inputs = convert_to_tensor(inputs)
            batch_size = inputs.shape.dims[0] if inputs.shape.dims else None
            dtype = inputs.dtype
        if batch_size is None or dtype is None:
            raise ValueError(f"batch_size and dtype cannot be None while constructing initial state: "
                             f"batch_size={batch_size}, dtype={dtype}")
        return self.zero_state(batch_size, dtype)

    # -- variables --------------------------------------------------------------------------------
    def add_weight(self, name: str, shape: Any, dtype: Any = None, initializer: Any = None,
                   trainable: bool = True) -> Any:
        """``get_variable(name)`` in the cell's scope (called from ``build``), remembered as its weight."""
        variable = get_variable(name, shape=shape, dtype=dtype or self._dtype or _dtypes.float32,
                                initializer=initializer, trainable=trainable and self.trainable)
        weights = self._trainable_weights if trainable and self.trainable else self._non_trainable_weights
        if all(variable is not w for w in weights):
            weights.append(variable)
        return variable

    add_variable = add_weight

    @property
    def trainable_weights(self) -> list[Any]:
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Any]:
        extra = [] if self.trainable else list(self._trainable_weights)
        return extra + list(self._non_trainable_weights)

    @property
    def weights(self) -> list[Any]:
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    variables = weights

    @property
    def scope_name(self) -> str:
        if self._scope is None:
            raise ValueError(f'No name available for layer scope because the layer "{self.name}" has not been '
                             f'used yet. The scope name  is determined the first time the layer instance is '
                             f'called. You must therefore call the layer before querying `scope_name`.')
        return self._scope.name

    def build(self, input_shape: TensorShape) -> None:
        """Make the cell's variables (``add_weight``); called once, by the first call."""
        self.built = True

    def call(self, inputs: Tensor, state: Any) -> tuple[Any, Any]:
        raise NotImplementedError("Abstract method")

    # -- calling ----------------------------------------------------------------------------------
    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Any, Any]:
        """``(output, new_state)`` for one time step: ``call`` inside the cell's scope (see the module
        docstring); the first call also builds the cell.

        As TF's ``RNNCell.__call__`` (a cell that is not a ``LayerRNNCell``, e.g. ``MultiRNNCell``): called
        without ``scope``, it first re-enters the variable scope it was first called in, which opens a name
        scope named as that scope's last part inside the current one (``rnn/rnn/``); every later call
        re-enters that same name scope, so its ops are ``rnn/rnn/multi_rnn_cell/...``."""
        if scope is not None:
            return self._layer_call(inputs, state, scope)
        graph = get_default_graph()
        if getattr(self, "_rnncell_name_scope", None) is None:
            last = get_variable_scope().name.split("/")[-1]
            if not last:
                self._rnncell_name_scope = ""
            else:
                with graph.name_scope(last) as found:
                    self._rnncell_name_scope = found
        if not self._rnncell_name_scope:
            return self._layer_call(inputs, state, None)
        with graph.name_scope(self._rnncell_name_scope):
            return self._layer_call(inputs, state, None)

    def _layer_call(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Any, Any]:
        """The step as a layer: ``call`` in the cell's variable scope and first name scope."""
        inputs = inputs if nest.is_nested(inputs) else convert_to_tensor(inputs)
        if self._scope is None:
            self._scope = self._first_scope(scope)
        reuse = True if self.built else self._reuse
        with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False):
            with get_default_graph().name_scope(self._scope.original_name_scope):
                if not self.built:
                    self._build_for(inputs)
                return self.call(inputs, state)

    def _first_scope(self, scope: Any) -> VariableScope:
        """The variable scope the cell keeps: ``scope`` if given, else one named after the cell."""
        if scope is not None:
            with variable_scope(scope) as found:
                return found
        if self._reuse:
            with variable_scope(self._base_name) as found:
                return found
        with variable_scope(None, default_name=self._base_name) as found:
            return found

    def _build_for(self, inputs: Any) -> None:
        first = nest.flatten(inputs)[0]
        if self._dtype is None:
            self._dtype = first.dtype
        self._check_inputs(inputs)
        self.build(first.shape)
        self.built = True

    def _check_inputs(self, inputs: Any) -> None:
        """Subclasses that take 2-D inputs check them (Keras's ``InputSpec(ndim=2)``)."""


class LayerRNNCell(RNNCell):
    """A cell whose variables are made by ``build`` (all of TF's built-in cells): inputs must be 2-D. Its
    ops go straight into its own scope (TF's ``LayerRNNCell.__call__``: no re-entered name scope)."""

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Any, Any]:
        return self._layer_call(inputs, state, scope)

    def _check_inputs(self, inputs: Any) -> None:
        x = inputs
        if x.shape.ndims is not None and x.shape.ndims != 2:
            shape = tuple(x.shape.dims)
            raise ValueError(f'Input 0 of layer "{self.name}" is incompatible with the layer: expected ndim=2, '
                             f'found ndim={x.shape.ndims}. Full shape received: {shape}')


def input_depth(cell: RNNCell, input_shape: TensorShape) -> int:
    """The last dimension of the inputs, which the weights' shape needs: it must be known."""
    dims = input_shape.dims
    if not dims or dims[-1] is None:
        raise ValueError(f"Expected inputs.shape[-1] to be known, received shape: "
                         f"{tuple(dims) if dims is not None else None}")
    check_supported_dtype(cell.dtype)
    return int(dims[-1])


def shape_parts(batch_size: int | Tensor, inner: list[int]) -> tuple[Tensor, Tensor, TensorShape]:
    """TF's ``rnn_cell_impl._concat(batch_size, inner)``: the batch size as a vector (a Const ``[batch]``, or
    a run-time batch size expanded to ``[batch]`` by ExpandDims), the Const ``inner`` and the static shape."""
    if isinstance(batch_size, Tensor):
        prefix = expand_dims(batch_size, 0) if batch_size.shape.ndims == 0 else batch_size
        batch = int(batch_size.attrs["value"]) if batch_size.type == "Const" else None
    else:
        batch = int(batch_size)
        prefix = convert_to_tensor([batch], dtype=_dtypes.int32)
    suffix = convert_to_tensor(inner, dtype=_dtypes.int32)
    return prefix, suffix, TensorShape([batch] + inner)


def zero_state_tensors(state_size: Any, batch_size: int | Tensor, dtype: Any) -> Any:
    """Zeros ``[batch_size, s]`` for each ``s`` in the (nested) ``state_size``, as TF builds them (its
    ``_zero_state_tensors``): the shape is the concatenation of the batch size and ``s`` (Consts, or the
    run-time batch size expanded to a vector) and the zeros a Fill of it; TF then works out the static
    shape by converting the two parts again, and so makes them a second time (real nodes, unused)."""
    dtype = _dtypes.as_dtype(dtype)

    def zeros_for(size: Any) -> Tensor:
        inner = [int(size)] if isinstance(size, int) else [int(d) for d in TensorShape(size).dims or []]
        prefix, suffix, _ = shape_parts(batch_size, inner)
        out = zeros(concat([prefix, suffix], 0), dtype=dtype)
        _, _, static = shape_parts(batch_size, inner)  # TF's _concat(..., static=True)
        out.set_shape(static)
        return out
    return nest.map_structure(zeros_for, state_size)


def check_cell_input_dtypes(values: Any) -> None:
    """ValueError unless every tensor of ``values`` (inputs, state) is a float, as TF's cells demand."""
    for t in nest.flatten(values):
        check_supported_dtype(t.dtype)
