"""Cells made of cells: ``MultiRNNCell`` (a stack), ``DropoutWrapper``, ``ResidualWrapper``, ``DeviceWrapper``.

``MultiRNNCell([c0, c1])`` feeds c0's output to c1 at each step; its state is the tuple of theirs and
their variables live in ``<scope>/multi_rnn_cell/cell_<i>/...``. ``DropoutWrapper`` applies
``tf.nn.dropout`` to a cell's inputs, outputs and states (never to an LSTM's memory ``c``), each with its
seed derived as TF derives it (md5 of ``<seed><input|state|output>_<index>``), so the same seeds drop
the same elements as TensorFlow.
"""
from __future__ import annotations

import hashlib
import numbers
from typing import Any

from ..graph import Tensor, get_default_graph
from ..ops import math_ops
from ..ops.array_ops import concat
from ..ops.core import convert_to_tensor
from ..ops.nn_impl import dropout as _nn_dropout
from ..ops.random_ops import random_uniform
from ..ops.slice_ops import slice as slice_
from ..variable_scope import variable_scope
from . import nest
from .cell_base import LSTMStateTuple, RNNCell


def assert_like_rnncell(cell_name: str, cell: Any) -> None:
    """TypeError unless ``cell`` has what ``static_rnn``/``dynamic_rnn`` use (TF's wording)."""
    checks = [(hasattr(cell, "output_size"), "'output_size' property is missing"),
              (hasattr(cell, "state_size"), "'state_size' property is missing"),
              (hasattr(cell, "get_initial_state") or hasattr(cell, "zero_state"),
               "either 'zero_state' or 'get_initial_state' method is required"),
              (callable(cell), "is not callable")]
    errors = [message for ok, message in checks if not ok]
    if errors:
        raise TypeError(f"The argument {cell_name!r} ({cell}) is not an RNNCell: {', '.join(errors)}.")


class MultiRNNCell(RNNCell):
    """A stack of cells run in sequence at each time step; the state is the tuple of their states (or
    their concatenation if ``state_is_tuple=False``)."""

    def __init__(self, cells: list[Any], state_is_tuple: bool = True) -> None:
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not nest.is_nested(cells):
            raise TypeError(f"cells must be a list or tuple, but received: {cells}.")
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple and any(nest.is_nested(c.state_size) for c in self._cells):
            raise ValueError(f"Some cells return tuples of states, but the flag state_is_tuple is not set. "
                             f"State sizes are: {[c.state_size for c in self._cells]}")

    @property
    def state_size(self) -> Any:
        if self._state_is_tuple:
            return tuple(cell.state_size for cell in self._cells)
        return sum(cell.state_size for cell in self._cells)

    @property
    def output_size(self) -> Any:
        return self._cells[-1].output_size

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            if self._state_is_tuple:
                return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
            return super().zero_state(batch_size, dtype)

    @property
    def trainable_weights(self) -> list[Any]:
        return [w for cell in self._cells for w in getattr(cell, "trainable_weights", [])] if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Any]:
        weights = [w for cell in self._cells for w in getattr(cell, "non_trainable_weights", [])]
        if not self.trainable:
            return [w for cell in self._cells for w in getattr(cell, "trainable_weights", [])] + weights
        return weights

    trainable_variables = trainable_weights

    def call(self, inputs, state):
        position, current, new_states = 0, inputs, []
        for i, cell in enumerate(self._cells):
            with variable_scope(f"cell_{i}"):
                if self._state_is_tuple:
                    if not nest.is_nested(state):
                        raise ValueError(f"Expected state to be a tuple of length {len(self.state_size)}, but "
                                         f"received: {state}")
                    cell_state = state[i]
                else:
                    cell_state = slice_(state, [0, position], [-1, cell.state_size])  # TF's Slice
                    position += cell.state_size
                current, new_state = cell(current, cell_state)
                new_states.append(new_state)
        return current, (tuple(new_states) if self._state_is_tuple else concat(new_states, 1))


class _Wrapper(RNNCell):
    """A cell around ``cell``: same sizes and zero state; no variable scope of its own."""

    def __init__(self, cell: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        assert_like_rnncell("cell", cell)
        self.cell = cell

    @property
    def wrapped_cell(self) -> Any:
        return self.cell

    @property
    def state_size(self) -> Any:
        return self.cell.state_size

    @property
    def output_size(self) -> Any:
        return self.cell.output_size

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return self.cell.zero_state(batch_size, dtype)

    @property
    def trainable_weights(self) -> list[Any]:
        return list(getattr(self.cell, "trainable_weights", []))

    @property
    def non_trainable_weights(self) -> list[Any]:
        return list(getattr(self.cell, "non_trainable_weights", []))

    trainable_variables = trainable_weights


def _default_dropout_state_filter_visitor(substate: Any) -> Any:
    """Dropout on every state except an LSTM's memory c."""
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return True


class DropoutWrapper(_Wrapper):
    """Dropout on the inputs, outputs and states of ``cell`` (keep probabilities: floats or tensors).

    Each time step draws new masks, unless ``variational_recurrent=True``: then one mask per run is drawn
    at construction (shape ``[1, size]``, broadcast over the batch) and used at every step (Gal and
    Ghahramani, 2016); ``dtype`` and, for input dropout, ``input_size`` are then required.
    """

    def __init__(self, cell: Any, input_keep_prob: Any = 1.0, output_keep_prob: Any = 1.0,
                 state_keep_prob: Any = 1.0, variational_recurrent: bool = False, input_size: Any = None,
                 dtype: Any = None, seed: int | None = None, dropout_state_filter_visitor: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(cell, dtype=dtype, **kwargs)
        if dropout_state_filter_visitor is not None and not callable(dropout_state_filter_visitor):
            raise TypeError(f"dropout_state_filter_visitor must be callable. Received: "
                            f"{dropout_state_filter_visitor}")
        self._dropout_state_filter = dropout_state_filter_visitor or _default_dropout_state_filter_visitor
        with get_default_graph().name_scope("DropoutWrapperInit"):
            self._input_keep_prob = _keep_prob(input_keep_prob, "input_keep_prob")
            self._state_keep_prob = _keep_prob(state_keep_prob, "state_keep_prob")
            self._output_keep_prob = _keep_prob(output_keep_prob, "output_keep_prob")
        self._variational_recurrent, self._input_size, self._seed = variational_recurrent, input_size, seed
        self._recurrent_input_noise = self._recurrent_state_noise = self._recurrent_output_noise = None
        if variational_recurrent:
            self._make_recurrent_noise(cell, dtype, input_size)

    def _make_recurrent_noise(self, cell, dtype, input_size):
        if dtype is None:
            raise ValueError("When variational_recurrent=True, dtype must be provided")

        def noise(kind):
            def draw(i, size):
                return random_uniform([1] + nest.flatten(size), seed=self._gen_seed(kind, i), dtype=dtype)
            return draw
        if not isinstance(self._input_keep_prob, numbers.Real) or self._input_keep_prob < 1.0:
            if input_size is None:
                raise ValueError("When variational_recurrent=True and input_keep_prob < 1.0 or is unknown, "
                                 "input_size must be provided")
            self._recurrent_input_noise = _enumerated_map(input_size, noise("input"))
        self._recurrent_state_noise = _enumerated_map(cell.state_size, noise("state"))
        self._recurrent_output_noise = _enumerated_map(cell.output_size, noise("output"))

    def _gen_seed(self, salt_prefix: str, index: int) -> int | None:
        """TF's per-tensor seed: the first 8 hex digits of md5("<seed><prefix>_<index>"), as a 31-bit int."""
        if self._seed is None:
            return None
        digest = hashlib.md5(f"{self._seed}{salt_prefix}_{index}".encode()).hexdigest()
        return int(digest[:8], 16) & 0x7FFFFFFF

    def _dropout_one(self, index: int, value: Tensor, salt: str, noise: Any, keep_prob: Any) -> Tensor:
        if not self._variational_recurrent:
            # in dynamic_rnn's loop this is one op, drawing the next numbers of its stream at each step, as TF's
            return _nn_dropout(value, rate=1.0 - keep_prob, seed=self._gen_seed(salt, index))
        # variational: keep where floor(keep_prob + noise) = 1, the noise drawn once for every step
        binary = math_ops.floor(keep_prob + nest.flatten(noise)[index])
        out = math_ops.divide(value, keep_prob) * binary
        out.set_shape(value.shape)
        return out

    def _dropout(self, values: Any, salt: str, noise: Any, keep_prob: Any, visitor: Any = None) -> Any:
        """Dropout on the leaves of ``values`` that ``visitor`` marks (all by default), numbered as TF
        numbers them for their seeds (leaves it skips count too)."""
        counter = [0]
        visitor = visitor or (lambda s: True)

        def next_index():
            counter[0] += 1
            return counter[0] - 1

        def leaf(flag, value):
            index = next_index()
            return self._dropout_one(index, value, salt, noise, keep_prob) if flag else value

        def visit(value):
            flags = visitor(value)
            if isinstance(flags, bool):
                if flags and nest.is_nested(value):
                    return nest.sequence_like(value, [visit(v) for v in value])
                return leaf(flags, value)
            return nest.sequence_like(value, [visit(v) if flag and nest.is_nested(v) else leaf(flag, v)
                                              for flag, v in zip(flags, value)])
        return visit(values)

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Any, Any]:
        """Dropout on ``inputs``, the wrapped cell's step, dropout on its new state and output."""
        def should(p):
            return not isinstance(p, float) or p < 1
        if should(self._input_keep_prob):
            inputs = self._dropout(inputs, "input", self._recurrent_input_noise, self._input_keep_prob)
        output, new_state = self.cell(inputs, state, scope=scope)
        if should(self._state_keep_prob):
            new_state = self._dropout(new_state, "state", self._recurrent_state_noise, self._state_keep_prob,
                                      self._dropout_state_filter)
        if should(self._output_keep_prob):
            output = self._dropout(output, "output", self._recurrent_output_noise, self._output_keep_prob)
        return output, new_state


def _keep_prob(prob: Any, what: str) -> float | Tensor:
    """A keep probability as a Python float when it is a constant (checked to be in [0, 1]), else the
    tensor (a placeholder: 1 at test time, less in training)."""
    tensor = convert_to_tensor(prob)
    if tensor.type != "Const":
        return tensor
    value = float(tensor.attrs["value"])
    if value < 0 or value > 1:
        raise ValueError(f"Parameter {what} must be between 0 and 1. Received {value}")
    return value


def _enumerated_map(structure: Any, fn: Any) -> Any:
    """``fn(i, leaf)`` over the leaves of ``structure`` (ints count as leaves), numbered depth first."""
    leaves = nest.flatten(structure)
    return nest.pack_sequence_as(structure, [fn(i, leaf) for i, leaf in enumerate(leaves)])


class ResidualWrapper(_Wrapper):
    """``output = inputs + cell's output`` (or ``residual_fn(inputs, output)``); the state is the cell's."""

    def __init__(self, cell: Any, residual_fn: Any = None, **kwargs: Any) -> None:
        super().__init__(cell, **kwargs)
        self._residual_fn = residual_fn

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Any, Any]:
        output, new_state = self.cell(inputs, state, scope=scope)
        if self._residual_fn is not None:
            return self._residual_fn(inputs, output), new_state
        return nest.map_structure(lambda i, o: i + o, inputs, output), new_state


class DeviceWrapper(_Wrapper):
    """Runs ``cell`` under ``tf.device(device)`` (recorded on the ops; NumPy runs them all)."""

    def __init__(self, cell: Any, device: str, **kwargs: Any) -> None:
        super().__init__(cell, **kwargs)
        self._device = device

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Any, Any]:
        from ..devices import device
        with device(self._device):
            return self.cell(inputs, state, scope=scope)
