"""``tf.reverse_sequence``: reverse each batch entry's first ``length`` steps (the backward direction of a
bidirectional RNN reads each sequence from its own end, not from the padded end of the batch).

    y[b, t] = x[b, length_b - 1 - t]   if t < length_b
    y[b, t] = x[b, t]                  otherwise

(``b`` indexes ``batch_axis``, ``t`` indexes ``seq_axis``). The op is its own inverse, so its gradient is
the same reversal of ``grad``; the lengths get none.
"""
from __future__ import annotations

from .. import dtypes as _dtypes
from ..backend import xp
from ..errors import InvalidArgumentError
from ..graph import Tensor, TensorLike
from ..ops.core import as_nodes, int_arg
from ..registry import RegisterGradient


def _reversal_index(lengths, n_steps, n_batch):
    """index[b, t]: the step of x that lands at step t of entry b."""
    t = xp.arange(n_steps)[None, :]
    lengths = xp.asarray(lengths).reshape(-1, 1)
    return xp.where(t < lengths, lengths - 1 - t, t)


def _reverse_kernel(node, x, lengths, seq_axis, batch_axis):
    n_batch, n_steps = x.shape[batch_axis], x.shape[seq_axis]
    if lengths.shape != (n_batch,):
        raise InvalidArgumentError(node, f"ReverseSequence: Length of seq_lengths != input.dims({batch_axis}), "
                                         f"({lengths.shape[0] if lengths.ndim else lengths} vs. {n_batch})")
    if lengths.size and (lengths.max() > n_steps or lengths.min() < 0):
        b = int(xp.argmax((lengths > n_steps) | (lengths < 0)))
        raise InvalidArgumentError(node, f"ReverseSequence: seq_lens({b}) > input.dims({seq_axis}) or < 0: "
                                         f"{int(lengths[b])} for {n_steps} steps")
    moved = xp.moveaxis(x, (batch_axis, seq_axis), (0, 1))  # [batch, steps, ...]
    index = _reversal_index(lengths, n_steps, n_batch)
    out = moved[xp.arange(n_batch)[:, None], index]
    return xp.moveaxis(out, (0, 1), (batch_axis, seq_axis))


def reverse_sequence(input: TensorLike, seq_lengths: TensorLike, seq_axis: int | None = None,  # noqa: A002
                     batch_axis: int | None = None, name: str | None = None, seq_dim: int | None = None,
                     batch_dim: int | None = None) -> Tensor:
    """``input`` with the first ``seq_lengths[b]`` entries along ``seq_axis`` of each batch entry ``b``
    (along ``batch_axis``, default 0) reversed; see the module docstring."""
    seq_axis = seq_dim if seq_axis is None else seq_axis
    batch_axis = batch_dim if batch_axis is None else batch_axis
    if seq_axis is None:
        raise ValueError("reverse_sequence: seq_axis is required")
    (x,) = as_nodes([input])
    (lengths,) = as_nodes([seq_lengths], dtype_hint=_dtypes.int64)
    if lengths.dtype is not None and not lengths.dtype.is_integer:
        raise TypeError(f"ReverseSequence: seq_lengths {lengths.name!r} must be int32 or int64, got "
                        f"{lengths.dtype.name}")
    s = int_arg(seq_axis, "seq_dim", "ReverseSequence")
    b = int_arg(0 if batch_axis is None else batch_axis, "batch_dim", "ReverseSequence")
    rank = x.shape.ndims
    if rank is not None:
        if not (-rank <= s < rank and -rank <= b < rank) or s % rank == b % rank:
            raise ValueError(f"ReverseSequence: seq_dim {s} and batch_dim {b} must be different axes of "
                             f"{x.name!r} (shape {x.shape})")
        s, b = s % rank, b % rank
    if lengths.shape.ndims not in (None, 1):
        raise ValueError(f"ReverseSequence: seq_lengths must be 1-D, got shape {lengths.shape}")
    node: Tensor

    def compute(value, length_values):
        return _reverse_kernel(node, value, length_values, s, b)
    node = Tensor("ReverseSequence", (x, lengths), compute=compute, attrs={"seq_dim": s, "batch_dim": b},
                  dtype=x.dtype, shape=x.shape, name=name or "ReverseSequence")
    return node


@RegisterGradient("ReverseSequence")
def _reverse_sequence_grad(op, grad):
    """The reversal is its own inverse: dL/dx = reverse_sequence(dL/dy); the lengths get none"""
    _, lengths = op.inputs
    return _reverse_kernel(op, grad, lengths, op.seq_dim, op.batch_dim), None
