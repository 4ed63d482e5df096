"""The ops TF1's ``dynamic_rnn`` builds around its loop, built here as TF builds them.

Before its ``while_loop`` TF's ``dynamic_rnn`` (``rnn.py``; the loop is in ``dynamic_loop.py``) makes the inputs
time-major, works out the batch size, the zero state, checks ``sequence_length``, and computes what its
loop needs: the number of time steps, zero outputs, the shortest and longest sequence, the loop's bound.
After it, the outputs go back to batch-major. Each function here builds one of these steps with TF's ops,
names and order, so that the graph holds TF's ops (and later random ops take TF's derived seeds):

* :func:`transpose_batch_time`: ``[batch, time, ...]`` <-> ``[time, batch, ...]``, a Transpose whose
  perm is ``concat([1, 0], range(2, rank))`` (TF's ``_transpose_batch_time``);
* :func:`best_effort_batch_size`: the static batch size, else ``shape(x)[1]`` of the time-major input;
* :func:`check_sequence_length`: ``sequence_length`` passed through an Identity ``CheckSeqLen`` that runs
  after an Assert that its shape is ``[batch_size]``;
* :func:`loop_prologue`: the time steps, zero outputs, min/max sequence length and ``time``;
* :func:`output_shape_constants`: after the loop, the constants TF makes to restore the outputs' shapes.

The loop reads most of these (the time steps, the zero outputs, the longest sequence, ``time``) and
leaves others unused (the minimum sequence length), as TF's does; each is a real op that computes its
value when fetched, and a session runs only what its fetches need.
"""
from __future__ import annotations

from typing import Any

from .. import dtypes as _dtypes
from ..backend import to_host, xp
from ..errors import InvalidArgumentError
from ..graph import NoValueOp, Tensor, constant_node, control_dependencies, name_scope
from ..ops.array_ops import concat, identity, range_, rank, shape, stack, transpose, zeros
from ..ops.math_ops import equal
from ..ops.reduction_extra_ops import reduce_all
from ..ops.reduction_ops import reduce_max, reduce_min
from ..summary.ops import string_constant
from . import nest
from .cell_base import shape_parts


def transpose_batch_time(x: Tensor) -> Tensor:
    """x with its first two axes swapped (TF's ``_transpose_batch_time``): a Transpose by the perm
    ``concat([1, 0], range(2, rank(x)))``; a tensor of rank below 2 is returned as it is."""
    dims = x.shape.dims
    if dims is not None and len(dims) < 2:
        return x
    perm = concat([[1, 0], range_(2, rank(x))], 0)
    x_t = transpose(x, perm)
    if dims is not None:
        x_t.set_shape([dims[1], dims[0], *dims[2:]])
    return x_t


def best_effort_batch_size(flat_input: list[Tensor]) -> int | Tensor:
    """The batch size of time-major inputs: the first static one, else ``shape(inputs[0])[1]``."""
    for x in flat_input:
        dims = x.shape.dims
        if dims is None:
            continue
        if len(dims) < 2:
            raise ValueError(f"Input tensor should have rank >= 2. Received input={x} of rank {len(dims)}")
        if dims[1] is not None:
            return int(dims[1])
    return shape(flat_input[0])[1]


def _assert(condition: Tensor, data: list[Any]) -> Tensor:
    """TF's ``Assert(condition, data)`` on host data (strings and int32): an op that raises
    InvalidArgumentError("assertion failed: [d0] [d1] ...") when ``condition`` is false. As TF: in scope
    ``Assert``, the strings converted once (``Assert/Const``...), then again as the op's inputs
    (``Assert/Assert/data_0``...), and the op ``Assert/Assert``."""
    with name_scope(None, "Assert"):
        for d in data:
            if not isinstance(d, Tensor):
                string_constant(d)  # TF's convert_n_to_tensor of the data, which its op converts again
        with name_scope("Assert") as op_scope:
            nodes = [d if isinstance(d, Tensor) else string_constant(d, name=f"data_{i}") for i, d in enumerate(data)]

            def check(ok, *values):
                """raise unless ``ok``; the message shows each data item"""
                if not bool(to_host(ok)):
                    shown = " ".join("[" + (v.decode() if isinstance(v, bytes) else
                                            " ".join(str(e) for e in xp.ravel(to_host(v)).tolist())) + "]"
                                     for v in values)
                    raise InvalidArgumentError(node, f"assertion failed: {shown}")
            node = NoValueOp("Assert", (condition, *nodes), compute=check, name=op_scope)
    return node


def check_sequence_length(sequence_length: Tensor, batch_size: int | Tensor) -> Tensor:
    """``sequence_length`` as an Identity ``CheckSeqLen`` that runs after an Assert that its shape is
    ``[batch_size]`` (TF's ``_assert_has_shape``)."""
    x_shape = shape(sequence_length)
    packed_shape = stack([batch_size])
    condition = reduce_all(equal(x_shape, packed_shape))
    check = _assert(condition, [f"Expected shape for Tensor {sequence_length.name} is ", packed_shape,
                                " but saw shape: ", x_shape])
    with control_dependencies([check]):
        return identity(sequence_length, name="CheckSeqLen")


def loop_prologue(flat_input: list[Tensor], output_size: Any, dtype: Any,
                  sequence_length: Tensor | None) -> tuple[Any, Tensor, Tensor, Tensor]:
    """What TF's ``_dynamic_rnn_loop`` builds before its TensorArrays, in its order: the time steps
    (``shape(inputs[0])[0]``), the batch size, a zero output per output of the cell (zeros
    ``[batch_size, size]``), then with ``sequence_length`` its min and max, and the Const ``time``.
    Returns (the zero output, the time steps, the longest sequence (the time steps without
    ``sequence_length``), ``time``)."""
    time_steps = shape(flat_input[0])[0]
    batch_size = best_effort_batch_size(flat_input)
    flat_zero_output = []
    for size in nest.flatten(output_size):
        prefix, suffix, static = shape_parts(batch_size, [int(size)])
        zero = zeros(concat([prefix, suffix], 0), dtype=dtype)
        zero.set_shape(static)  # what TF's shape inference finds through the Concat
        flat_zero_output.append(zero)
    zero_output = nest.pack_sequence_as(output_size, flat_zero_output)
    max_sequence_length = time_steps
    if sequence_length is not None:
        reduce_min(sequence_length)  # TF's min_sequence_length, which its loop without conditionals leaves unused
        max_sequence_length = reduce_max(sequence_length)
    time = constant_node(0, dtype=_dtypes.int32, name="time")
    return zero_output, time_steps, max_sequence_length, time


def output_shape_constants(flat_input: list[Tensor], output_size: Any) -> None:
    """The Consts TF's loop makes after it, working out each output's static shape from ``[time, batch]``
    and the output size (its ``_concat(..., static=True)``): ``[time, batch]`` where both are known, then
    ``[size]``. Nothing reads them (the stacked outputs already have their static shape)."""
    steps, batch = (flat_input[0].shape.dims or [None, None])[:2]
    for size in nest.flatten(output_size):
        if steps is not None and batch is not None:
            constant_node([int(steps), int(batch)], dtype=_dtypes.int32)
        constant_node([int(size)], dtype=_dtypes.int32)

