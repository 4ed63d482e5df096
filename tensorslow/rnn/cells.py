"""TF1's RNN cells: ``BasicRNNCell``, ``GRUCell``, ``BasicLSTMCell``, ``LSTMCell``.

Each builds TensorFlow's variables (same names, shapes, layouts and default initializers) and TensorFlow's
ops in TensorFlow's order, so that the same weights give the same numbers to float rounding and a graph
seed draws the same initial weights. With ``x`` the inputs, ``h`` the previous output, ``[x, h]`` their
concatenation along the features and ``W``, ``b`` a kernel and bias:

* BasicRNNCell: ``h' = tanh([x, h] W + b)``;
* GRUCell: ``r, u = split(sigmoid([x, h] W_g + b_g), 2)`` (reset and update gates, bias initialized to 1),
  ``c = tanh([x, r * h] W_c + b_c)``, ``h' = u * h + (1 - u) * c``;
* BasicLSTMCell: ``i, j, f, o = split([x, h] W + b, 4)`` (input gate, new input, forget gate, output
  gate, in that order in the kernel's columns), ``c' = c * sigmoid(f + forget_bias) + sigmoid(i) * tanh(j)``,
  ``h' = tanh(c') * sigmoid(o)``;
* LSTMCell: the same, plus optional peepholes (``w_f_diag * c`` added to the forget and input gates'
  pre-activations, ``w_o_diag * c'`` to the output gate's), ``cell_clip`` (c' clipped to +-cell_clip) and
  a projection ``h' = (tanh(c') * sigmoid(o)) W_proj`` to ``num_proj`` units.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..graph import Tensor, get_default_graph
from ..init_ops import constant_initializer, zeros_initializer
from ..ops import math_ops, nn_ops
from ..ops.array_ops import concat, split
from ..ops.core import convert_to_tensor
from ..ops.linalg_ops import matmul
from ..ops.slice_ops import slice as slice_
from .cell_base import LayerRNNCell, LSTMStateTuple, check_cell_input_dtypes, check_supported_dtype, input_depth

_ACTIVATIONS: dict[str, Callable[..., Tensor]] = {
    "tanh": math_ops.tanh, "sigmoid": math_ops.sigmoid, "relu": nn_ops.relu, "elu": nn_ops.elu,
    "softsign": nn_ops.softsign, "softplus": nn_ops.softplus, "selu": nn_ops.selu, "relu6": nn_ops.relu6,
}


def _activation(activation: Any) -> Callable[..., Tensor]:
    """The cell's activation: tanh by default, a function, or one of Keras's names (``"relu"``)."""
    if not activation:
        return math_ops.tanh
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ValueError(f"Unknown activation function: '{activation}'. Please ensure you are using a "
                             f"`keras.utils.custom_object_scope` and that this object is included in the scope.")
        return _ACTIVATIONS[activation]
    return activation


def _linear(inputs: Tensor, state: Tensor, kernel: Any, bias: Any) -> Tensor:
    """[inputs, state] W + b: one matmul over the concatenated features, as TF's cells compute it."""
    return nn_ops.bias_add(matmul(concat([inputs, state], 1), kernel), bias)


class BasicRNNCell(LayerRNNCell):
    """The most basic RNN cell: ``output = new_state = activation([inputs, state] W + b)``."""

    def __init__(self, num_units: int, activation: Any = None, reuse: Any = None, name: str | None = None,
                 dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        check_supported_dtype(self.dtype)
        self._num_units = num_units
        self._activation = _activation(activation)

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, input_shape):
        depth = input_depth(self, input_shape)
        self._kernel = self.add_weight("kernel", shape=[depth + self._num_units, self._num_units])
        self._bias = self.add_weight("bias", shape=[self._num_units], initializer=zeros_initializer(dtype=self.dtype))
        self.built = True

    def call(self, inputs, state):
        check_cell_input_dtypes([inputs, state])
        output = self._activation(_linear(inputs, state, self._kernel, self._bias))
        return output, output


class GRUCell(LayerRNNCell):
    """Gated recurrent unit (Cho et al., 2014): reset gate r, update gate u (see the module docstring)."""

    def __init__(self, num_units: int, activation: Any = None, reuse: Any = None, kernel_initializer: Any = None,
                 bias_initializer: Any = None, name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        check_supported_dtype(self.dtype)
        self._num_units = num_units
        self._activation = _activation(activation)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, input_shape):
        depth, n = input_depth(self, input_shape), self._num_units
        bias_init = self._bias_initializer
        self._gate_kernel = self.add_weight("gates/kernel", shape=[depth + n, 2 * n],
                                            initializer=self._kernel_initializer)
        # The gates start open (bias 1): r = u = sigmoid(1) keeps most of the state at first.
        self._gate_bias = self.add_weight("gates/bias", shape=[2 * n], initializer=(
            bias_init if bias_init is not None else constant_initializer(1.0, dtype=self.dtype)))
        self._candidate_kernel = self.add_weight("candidate/kernel", shape=[depth + n, n],
                                                 initializer=self._kernel_initializer)
        self._candidate_bias = self.add_weight("candidate/bias", shape=[n], initializer=(
            bias_init if bias_init is not None else zeros_initializer(dtype=self.dtype)))
        self.built = True

    def call(self, inputs, state):
        check_cell_input_dtypes([inputs, state])
        value = math_ops.sigmoid(_linear(inputs, state, self._gate_kernel, self._gate_bias))
        r, u = split(value=value, num_or_size_splits=2, axis=1)
        r_state = r * state
        c = self._activation(_linear(inputs, r_state, self._candidate_kernel, self._candidate_bias))
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class BasicLSTMCell(LayerRNNCell):
    """The basic LSTM cell (no peepholes, clipping or projection); see the module docstring.

    ``forget_bias`` (default 1) is added to the forget gate's pre-activation, so that the cell remembers
    at the start of training. The state is ``LSTMStateTuple(c, h)``, or ``[c, h]`` concatenated along
    the features if ``state_is_tuple=False``.
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0, state_is_tuple: bool = True,
                 activation: Any = None, reuse: Any = None, name: str | None = None, dtype: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        check_supported_dtype(self.dtype)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _activation(activation)

    @property
    def state_size(self) -> Any:
        return LSTMStateTuple(self._num_units, self._num_units) if self._state_is_tuple else 2 * self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, input_shape):
        depth = input_depth(self, input_shape)
        self._kernel = self.add_weight("kernel", shape=[depth + self._num_units, 4 * self._num_units])
        self._bias = self.add_weight("bias", shape=[4 * self._num_units],
                                     initializer=zeros_initializer(dtype=self.dtype))
        self.built = True

    def call(self, inputs, state):
        check_cell_input_dtypes([inputs, state])
        one = convert_to_tensor(1, name="Const")  # TF's split axis: one constant, made before the gates
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = split(value=state, num_or_size_splits=2, axis=one)
        gate_inputs = _linear(inputs, h, self._kernel, self._bias)
        i, j, f, o = split(value=gate_inputs, num_or_size_splits=4, axis=one)
        forget_bias = convert_to_tensor(self._forget_bias, dtype=f.dtype, name="Const")
        sigmoid, act = math_ops.sigmoid, self._activation
        new_c = math_ops.add(math_ops.multiply(c, sigmoid(math_ops.add(f, forget_bias, name="Add")), name="Mul"),
                             math_ops.multiply(sigmoid(i), act(j), name="Mul"), name="Add")
        new_h = math_ops.multiply(act(new_c), sigmoid(o), name="Mul")
        new_state = LSTMStateTuple(new_c, new_h) if self._state_is_tuple else concat([new_c, new_h], 1)
        return new_h, new_state


class LSTMCell(LayerRNNCell):
    """The LSTM cell with optional peepholes (Sak et al., 2014), cell clipping and a projection; see the
    module docstring. ``initializer`` initializes the kernel, peepholes and projection (default: the
    variable scope's, else glorot_uniform); the bias starts at zero."""

    def __init__(self, num_units: int, use_peepholes: bool = False, cell_clip: float | None = None,
                 initializer: Any = None, num_proj: int | None = None, proj_clip: float | None = None,
                 num_unit_shards: Any = None, num_proj_shards: Any = None, forget_bias: float = 1.0,
                 state_is_tuple: bool = True, activation: Any = None, reuse: Any = None, name: str | None = None,
                 dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        check_supported_dtype(self.dtype)
        if num_unit_shards is not None or num_proj_shards is not None:
            raise NotImplementedError("LSTMCell: num_unit_shards and num_proj_shards (partitioned variables) "
                                      "are not supported")
        self._num_units, self._use_peepholes, self._cell_clip = num_units, use_peepholes, cell_clip
        self._initializer, self._num_proj, self._proj_clip = initializer, num_proj, proj_clip
        self._forget_bias, self._state_is_tuple = forget_bias, state_is_tuple
        self._activation = _activation(activation)
        out = num_proj or num_units
        self._state_size = LSTMStateTuple(num_units, out) if state_is_tuple else num_units + out
        self._output_size = out

    @property
    def state_size(self) -> Any:
        return self._state_size

    @property
    def output_size(self) -> int:
        return self._output_size

    def build(self, input_shape):
        depth = input_depth(self, input_shape)
        n, init = self._num_units, self._initializer
        h_depth = n if self._num_proj is None else self._num_proj
        self._kernel = self.add_weight("kernel", shape=[depth + h_depth, 4 * n], initializer=init)
        self._bias = self.add_weight("bias", shape=[4 * n], initializer=zeros_initializer(dtype=self.dtype))
        if self._use_peepholes:
            self._w_f_diag = self.add_weight("w_f_diag", shape=[n], initializer=init)
            self._w_i_diag = self.add_weight("w_i_diag", shape=[n], initializer=init)
            self._w_o_diag = self.add_weight("w_o_diag", shape=[n], initializer=init)
        if self._num_proj is not None:
            self._proj_kernel = self.add_weight("projection/kernel", shape=[n, self._num_proj], initializer=init)
        self.built = True

    def call(self, inputs, state):
        check_cell_input_dtypes([inputs, state])
        n = self._num_units
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:  # as TF: two Slice ops
            c_prev = slice_(state, [0, 0], [-1, n])
            m_prev = slice_(state, [0, n], [-1, self._num_proj or n])
        i, j, f, o = split(value=_linear(inputs, m_prev, self._kernel, self._bias), num_or_size_splits=4, axis=1)
        sigmoid, act = math_ops.sigmoid, self._activation
        if self._use_peepholes:
            c = sigmoid(f + self._forget_bias + self._w_f_diag * c_prev) * c_prev + \
                sigmoid(i + self._w_i_diag * c_prev) * act(j)
        else:
            c = sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * act(j)
        if self._cell_clip is not None:
            c = _clip(c, self._cell_clip)
        if self._use_peepholes:
            m = sigmoid(o + self._w_o_diag * c) * act(c)
        else:
            m = sigmoid(o) * act(c)
        if self._num_proj is not None:
            m = matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = _clip(m, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else concat([c, m], 1)
        return m, new_state


def _clip(t: Tensor, limit: float) -> Tensor:
    """clip_by_value(t, -limit, limit) as TF builds it: maximum(minimum(t, limit), -limit)."""
    with get_default_graph().name_scope("clip_by_value") as scope:  # the Maximum takes the scope's name
        return math_ops.maximum(math_ops.minimum(t, limit, name="Minimum"), -limit, name=scope)
