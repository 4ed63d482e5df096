"""Running a cell over a sequence: ``static_rnn``, ``dynamic_rnn``, ``bidirectional_dynamic_rnn``.

Both call ``cell(x_t, state)`` for t = 0, 1, ..., T - 1, threading the state through; the cell's weights
are made by the first call and shared by the others (in variable scope ``rnn`` unless ``scope`` says
otherwise, so the variables are ``rnn/basic_lstm_cell/kernel``... as in TensorFlow).

**How dynamic_rnn runs here.** As TensorFlow's: the cell is built once, inside a ``tf.while_loop`` over
the time steps that reads each step's input from a ``TensorArray`` and writes its output to another
(``dynamic_loop.py``; the ops around the loop are in ``dynamic_prologue.py``). The time dimension may be
unknown until the graph runs. The loop is TF1's frame of Enter, Merge, Switch, NextIteration and Exit
ops (``control_flow/frame.py``), run iteration by iteration, and its gradient is backpropagation through
time. Dropout in the loop (``DropoutWrapper``) is one random op that draws the next numbers of its
stream at each step, in time order (TF's order with ``parallel_iterations=1``). ``parallel_iterations``
and ``swap_memory`` change nothing here. Around the loop the graph holds TF's own ops
(``dynamic_prologue.py``): the inputs made time-major by a Transpose, the batch size, the
``sequence_length`` check, the loop's bounds, and the Transpose of the outputs back to batch-major.

**sequence_length** (TF's ``_rnn_step``): for a batch entry whose sequence has ended (``t >= length``),
the step's output is zeros and the state is copied through unchanged, by ``where`` (select) on the
batch rows, so the final state is the state at each sequence's own last step and no gradient flows
through the steps past it.
"""
from __future__ import annotations

from typing import Any

from .. import dtypes as _dtypes
from ..graph import Tensor
from ..ops.array_extra_ops import reverse
from ..ops.array_ops import concat, identity, shape, zeros
from ..ops.core import convert_to_tensor
from ..ops.indexing_ops import where
from ..ops.math_ops import cast
from ..ops.reduction_ops import reduce_max, reduce_min
from ..variable_scope import variable_scope
from . import nest
from .cell_base import shape_parts
from .dynamic_loop import dynamic_rnn_loop
from .dynamic_prologue import (
    best_effort_batch_size,
    check_sequence_length,
    loop_prologue,
    output_shape_constants,
    transpose_batch_time,
)
from .sequence_ops import reverse_sequence
from .wrappers import assert_like_rnncell


def _infer_state_dtype(explicit_dtype: Any, state: Any) -> Any:
    """The dtype given, else the state's (all of its tensors must agree)."""
    if explicit_dtype is not None:
        return explicit_dtype
    dtypes = [t.dtype for t in nest.flatten(state)]
    if not dtypes:
        raise ValueError(f"Unable to infer dtype from argument state={state}.")
    if any(d != dtypes[0] for d in dtypes):
        raise ValueError(f"Argument state={state} has tensors of different inferred dtypes. Unable to infer a "
                         f"single representative dtype. Dtypes received: {dtypes}")
    return dtypes[0]


def _initial_state(cell: Any, initial_state: Any, batch_size: Any, dtype: Any) -> Any:
    if initial_state is not None:
        return initial_state
    if not dtype:
        raise ValueError("If no initial_state is provided, argument `dtype` must be specified")
    return cell.zero_state(batch_size, dtype)


def _zero_output(cell: Any, batch_size: Any, dtype: Any) -> Any:
    """Zeros shaped as the cell's output: what a step past a sequence's end outputs. As TF's static_rnn
    builds them: zeros of concat(batch size, size); then, for the static shape, Consts of the parts known
    now (the batch size if it is static, the size)."""
    def zeros_for(size: Any) -> Tensor:
        prefix, suffix, static = shape_parts(batch_size, [int(size)])
        out = zeros(concat([prefix, suffix], 0), dtype=dtype)
        if not isinstance(batch_size, Tensor):
            convert_to_tensor([int(batch_size)], dtype=_dtypes.int32)
        convert_to_tensor([int(size)], dtype=_dtypes.int32)
        out.set_shape(static)
        return out
    return nest.map_structure(zeros_for, cell.output_size)


def _sequence_lengths(sequence_length: Any) -> Tensor:
    lengths = convert_to_tensor(sequence_length, name="sequence_length")
    if lengths.shape.ndims not in (None, 1):
        raise ValueError(f"Argument sequence_length must be a vector of length batch_size. Received "
                         f"sequence_length={lengths} of shape: {lengths.shape}")
    return lengths if lengths.dtype == _dtypes.int32 else cast(lengths, _dtypes.int32)


def _rnn_step(time: int, sequence_length: Tensor, zero_output: Any, state: Any, new_output: Any,
              new_state: Any) -> tuple[Any, Any]:
    """One step with sequences of different lengths: rows with ``time >= length`` output zeros and keep
    their state; the others take the cell's new output and state."""
    nest.assert_same_structure(zero_output, new_output)
    nest.assert_same_structure(state, new_state)
    copy_cond = sequence_length <= time  # TF writes time >= sequence_length, which Python turns into this

    def copy_one_through(old: Tensor, new: Tensor) -> Tensor:
        if new.shape.ndims == 0:
            return new
        out = where(copy_cond, old, new)
        out.set_shape(old.shape)
        return out
    return (nest.map_structure(copy_one_through, zero_output, new_output),
            nest.map_structure(copy_one_through, state, new_state))


def static_rnn(cell: Any, inputs: Any, initial_state: Any = None, dtype: Any = None, sequence_length: Any = None,
               scope: Any = None) -> tuple[list[Any], Any]:
    """``(outputs, final_state)``: ``cell`` run over ``inputs``, a list of T tensors ``[batch, input_size]``
    (or of nested tuples of them); ``outputs`` is the list of the T outputs. The state starts at
    ``initial_state``, or the cell's zero state in ``dtype``."""
    assert_like_rnncell("cell", cell)
    if not nest.is_nested(inputs):
        raise TypeError(f"Argument `inputs` must be a sequence. Received: {inputs}")
    if not inputs:
        raise ValueError("Argument `inputs` must not be empty.")
    outputs = []
    with variable_scope(scope or "rnn") as varscope:
        flat_inputs = [convert_to_tensor(x) for x in nest.flatten(inputs)]
        first = flat_inputs[0]
        for x in flat_inputs:
            if x.shape.ndims is not None and x.shape.ndims < 2:
                raise ValueError(f"Shape {x.shape} must have rank at least 2")
            for i, size in enumerate((x.shape.dims or [None, None])[1:]):
                if size is None:
                    raise ValueError(f"Input size (dimension {i} of input {x}) must be accessible via shape "
                                     f"inference, but saw value None.")
        batch = first.shape.dims[0] if first.shape.dims else None
        batch_size = batch if batch is not None else shape(first)[0]
        state = _initial_state(cell, initial_state, batch_size, dtype)
        if sequence_length is not None:
            lengths = _sequence_lengths(sequence_length)
            zero_output = _zero_output(cell, batch_size, _infer_state_dtype(dtype, state))
            reduce_min(lengths)  # TF's min and max sequence length, which its steps' conds read
            reduce_max(lengths)
        for time, input_ in enumerate(inputs):
            if time > 0:
                varscope.reuse_variables()
            output, new_state = cell(input_, state)
            if sequence_length is not None:
                output, new_state = _rnn_step(time, lengths, zero_output, state, output, new_state)
            state = new_state
            outputs.append(output)
    return outputs, state


def _check_inputs(flat_input: list[Tensor], time_axis: int) -> None:
    """The inputs have rank 3 or more, known depths, and agree on the time steps and batch size they know."""
    steps, batch = None, None
    for i, x in enumerate(flat_input):
        dims = x.shape.dims
        if dims is None or len(dims) < 3:
            raise ValueError(f"Shape {x.shape} of input {x.name!r} must have rank at least 3")
        if any(d is None for d in dims[2:]):
            raise ValueError(f"Input size (depth of inputs) must be accessible via shape inference, but saw "
                             f"value None for input={x}.")
        t, b = dims[time_axis], dims[1 - time_axis]
        if i and t != steps:
            raise ValueError(f"Time steps is not the same for all the elements in the input in a batch. "
                             f"Received time steps={t} for input={x}.")
        if i and b != batch:
            raise ValueError(f"Batch_size is not the same for all the elements in the input. Received batch "
                             f"size={b} for input={x}.")
        steps, batch = t, b


def dynamic_rnn(cell: Any, inputs: Any, sequence_length: Any = None, initial_state: Any = None, dtype: Any = None,
                parallel_iterations: int | None = None, swap_memory: bool = False, time_major: bool = False,
                scope: Any = None) -> tuple[Any, Any]:
    """``(outputs, final_state)``: ``cell`` run over the time axis of ``inputs`` (``[batch, time, depth]``,
    or ``[time, batch, depth]`` if ``time_major``; or a nested tuple of such tensors). ``outputs`` has the
    inputs' layout, ``[batch, time, output_size]``; past a sequence's ``sequence_length`` its outputs are
    zeros and its state stops changing. A while loop over the time steps: see the module docstring."""
    assert_like_rnncell("cell", cell)
    return _dynamic_rnn(cell, inputs, sequence_length, initial_state, dtype, time_major, scope)


def _dynamic_rnn(cell, inputs, sequence_length, initial_state, dtype, time_major, scope):
    """dynamic_rnn: TF's ops before its loop (``dynamic_prologue.py``), its while loop over time
    (``dynamic_loop.py``), the outputs back to batch-major."""
    with variable_scope(scope or "rnn"):
        flat_input = [convert_to_tensor(x) for x in nest.flatten(inputs)]
        _check_inputs(flat_input, 0 if time_major else 1)
        if not time_major:  # [batch, time, depth] -> [time, batch, depth], as TF's loop takes them
            flat_input = [transpose_batch_time(x) for x in flat_input]
        lengths = None
        if sequence_length is not None:
            lengths = identity(_sequence_lengths(sequence_length), name="sequence_length")
        batch_size = best_effort_batch_size(flat_input)
        state = _initial_state(cell, initial_state, batch_size, dtype)
        if lengths is not None:
            lengths = check_sequence_length(lengths, batch_size)
        dtype = _infer_state_dtype(dtype, state)
        zero_output, time_steps, longest, time = loop_prologue(flat_input, cell.output_size, dtype, lengths)
        time_major_inputs = nest.pack_sequence_as(inputs, flat_input)
        outputs, state = dynamic_rnn_loop(cell, flat_input, time_major_inputs, state, lengths, zero_output,
                                          time_steps, longest, time, dtype)
        output_shape_constants(flat_input, cell.output_size)
        flat_outputs = outputs if time_major else [transpose_batch_time(output) for output in outputs]
        return nest.pack_sequence_as(cell.output_size, flat_outputs), state


def _reverse(x: Tensor, lengths: Any, time_axis: int) -> Tensor:
    """``x`` reversed in time: each sequence within its length (``reverse_sequence``), or all of it."""
    if lengths is None:
        return reverse(x, axis=[time_axis])
    return reverse_sequence(x, lengths, seq_axis=time_axis, batch_axis=1 - time_axis)


def bidirectional_dynamic_rnn(cell_fw: Any, cell_bw: Any, inputs: Any, sequence_length: Any = None,
                              initial_state_fw: Any = None, initial_state_bw: Any = None, dtype: Any = None,
                              parallel_iterations: int | None = None, swap_memory: bool = False,
                              time_major: bool = False, scope: Any = None) -> tuple[Any, Any]:
    """``((output_fw, output_bw), (state_fw, state_bw))``: ``cell_fw`` run forward over the inputs (scope
    ``bidirectional_rnn/fw``) and ``cell_bw`` over them reversed in time (``bidirectional_rnn/bw``), each
    sequence reversed within its own length; ``output_bw`` is reversed back, so both are aligned in time."""
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = _dynamic_rnn(cell_fw, inputs, sequence_length, initial_state_fw, dtype,
                                               time_major, fw_scope)
        time_axis = 0 if time_major else 1
        with variable_scope("bw") as bw_scope:  # TF's: the inputs reversed, a forward loop, its outputs reversed
            inputs_reverse = nest.map_structure(lambda x: _reverse(x, sequence_length, time_axis), inputs)
            tmp, state_bw = _dynamic_rnn(cell_bw, inputs_reverse, sequence_length, initial_state_bw, dtype,
                                         time_major, bw_scope)
    output_bw = nest.map_structure(lambda x: _reverse(x, sequence_length, time_axis), tmp)
    return (output_fw, output_bw), (state_fw, state_bw)
