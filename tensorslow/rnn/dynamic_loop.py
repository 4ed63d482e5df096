"""The loop of ``dynamic_rnn``, as TF1's ``_dynamic_rnn_loop`` builds it: a ``tf.while_loop`` over time.

Before the loop (``dynamic_prologue.py`` builds the ops up to the Const ``time``): one ``TensorArray`` per
output of the cell (``rnn/TensorArray``) and one per input, filled by unstacking the time-major input
(``rnn/TensorArrayUnstack/...``), and the loop's bound ``min(time_steps, max(1, max_sequence_length))``.
The loop (``rnn/while/``, read ``control_flow/frame.py``) carries ``time``, the output arrays' flows and
the state, at most ``time_steps`` iterations (TF's ``maximum_iterations``). Its body reads the step's
input (``TensorArrayReadV3``), calls the cell, and with ``sequence_length`` keeps, for the rows whose
sequence has ended (``time >= sequence_length``), zeros as the output and the old state (``Select``);
it writes the output (``TensorArrayWrite``). After the loop each output array is stacked
(``TensorArrayStack``): ``[time, batch, size]``.

The cell is built once, in the loop's body: its variables are made by that call (outside the loop, as
TF1's ``init_scope`` makes them) and read in every iteration; a random op in it (a ``DropoutWrapper``)
is one op that draws at each iteration, in time order. The gradient is the loop's: backpropagation
through time, with each iteration's values as the forward pass computed them.
"""
from __future__ import annotations

from typing import Any

from ..graph import Tensor, get_default_graph
from ..ops.control_flow_ops import while_loop
from ..ops.indexing_ops import where
from ..ops.math_ops import greater_equal, maximum, minimum
from ..ops.tensor_array_ops import TensorArray
from ..shapes import TensorShape
from . import nest


def dynamic_rnn_loop(cell: Any, flat_input: list[Tensor], inputs: Any, state: Any, lengths: Tensor | None,
                     zero_output: Any, time_steps: Tensor, max_sequence_length: Tensor, time: Tensor,
                     dtype: Any) -> tuple[list[Tensor], Any]:
    """(the flat outputs ``[time, batch, size]``, the final state) of ``cell`` run over the time-major
    ``flat_input`` (of structure ``inputs``) from ``state``; see the module docstring."""
    graph = get_default_graph()
    with graph.name_scope("dynamic_rnn"):
        pass  # TF takes the name for its arrays' tensor_array_name; it makes no op
    batch = (flat_input[0].shape.dims or [None, None])[1]
    output_sizes = nest.flatten(cell.output_size)
    output_ta = tuple(TensorArray(dtype, size=time_steps, element_shape=TensorShape([batch, int(size)]))
                      for size in output_sizes)
    input_ta = [TensorArray(x.dtype, size=time_steps, element_shape=TensorShape(x.shape.dims[1:])) for x in flat_input]
    input_ta = [ta.unstack(x) for ta, x in zip(input_ta, flat_input)]
    loop_bound = minimum(time_steps, maximum(1, max_sequence_length))
    flat_zero = nest.flatten(zero_output) if lengths is not None else None

    def time_step(t, output_ta_t, state):
        input_t = []
        for ta, x in zip(input_ta, flat_input):
            value = ta.read(t)
            value.set_shape(x.shape.dims[1:])
            input_t.append(value)
        packed = nest.pack_sequence_as(inputs, input_t)
        if lengths is not None:
            copy_cond = greater_equal(t, lengths)  # made before the cell, as TF's _rnn_step
            output, new_state = cell(packed, state)
            nest.assert_same_structure(zero_output, output)
            nest.assert_same_structure(state, new_state)
            flat_out = [_copy_one_through(copy_cond, z, o) for z, o in zip(flat_zero, nest.flatten(output))]
            flat_state = [_copy_one_through(copy_cond, s, n) for s, n in zip(nest.flatten(state),
                                                                              nest.flatten(new_state))]
            new_state = nest.pack_sequence_as(state, flat_state)
        else:
            output, new_state = cell(packed, state)
            flat_out = nest.flatten(output)
        output_ta_t = tuple(ta.write(t, out) for ta, out in zip(output_ta_t, flat_out))
        return t + 1, output_ta_t, new_state

    _, final_ta, final_state = while_loop(lambda t, *_: t < loop_bound, time_step, (time, output_ta, state),
                                          maximum_iterations=time_steps)
    outputs = [ta.stack() for ta in final_ta]
    steps = (flat_input[0].shape.dims or [None])[0]
    for out, size in zip(outputs, output_sizes):
        out.set_shape([steps, batch, int(size)])
    return outputs, final_state


def _copy_one_through(copy_cond: Tensor, old: Tensor, new: Tensor) -> Tensor:
    """``old`` in the rows whose sequence has ended, else ``new`` (a scalar: ``new``)."""
    if new.shape.ndims == 0:
        return new
    out = where(copy_cond, old, new)
    out.set_shape(old.shape)
    return out
