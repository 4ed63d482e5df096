"""Segment reductions: sum (or average) the rows of ``data`` that share a segment id.

    unsorted_segment_sum:  out[s] = sum of data[i] over the i with segment_ids[i] == s,  s in [0, num_segments)
    segment_sum:           the same with sorted ids; num_segments = segment_ids[-1] + 1
    segment_mean:          segment_sum / (number of rows in the segment); 0 for an empty segment

``segment_ids`` may index more than one leading axis of ``data`` (unsorted form: ``data.shape`` starts
with ``segment_ids.shape``); each id picks a slice ``data[i, j, ...]``. A negative id drops its row
(unsorted form), as in TensorFlow. The gradient of a sum sends each output row's gradient back to
every input row of its segment: ``d data[i] = grad[segment_ids[i]]`` (a gather), 0 for dropped rows.
K-means written in the graph uses ``unsorted_segment_sum`` to add up the points of each cluster.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes as _dtypes
from ..backend import to_host, xp
from ..errors import InvalidArgumentError
from ..graph import Tensor, TensorLike
from ..registry import RegisterGradient
from ..shapes import TensorShape
from .core import as_nodes, convert_to_tensor


def _check_ids(ids, what):
    if ids.dtype is not None and ids.dtype not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(f"Value passed to parameter '{what}' has DataType {ids.dtype.name} not in list of "
                        f"allowed values: int32, int64")


def _dims_text(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def _scatter_add(values, ids, rows):
    """out[s] = sum of values[i] with ids[i] == s (ids flattened over their axes; negatives dropped)."""
    flat_ids = ids.reshape(-1)
    flat = values.reshape((flat_ids.size,) + values.shape[ids.ndim:])
    keep = flat_ids >= 0
    out = xp.zeros((rows,) + flat.shape[1:], dtype=values.dtype)
    xp.add.at(out, flat_ids[keep], flat[keep])
    return out


def _gather_rows(grad, ids):
    """grad[ids], 0 where an id is negative (a dropped row): the gradient of every segment sum."""
    safe = xp.where(ids >= 0, ids, 0)
    taken = xp.take(grad, safe, axis=0)
    mask = (ids >= 0).reshape(ids.shape + (1,) * (grad.ndim - 1))
    return xp.where(mask, taken, xp.zeros((), dtype=grad.dtype))


# -- unsorted_segment_sum ----------------------------------------------------------------------------

def unsorted_segment_sum(data: TensorLike, segment_ids: TensorLike, num_segments: TensorLike,
                         name: str | None = None) -> Tensor:
    """out[s, ...] = sum of ``data[i, ...]`` over the ``i`` with ``segment_ids[i] == s``, for s in
    [0, num_segments); rows whose id is negative are dropped, an id >= num_segments is an error."""
    (x,) = as_nodes([data])
    (ids,) = as_nodes([segment_ids], dtype_hint=_dtypes.int32)
    _check_ids(ids, "segment_ids")
    scope = name or "UnsortedSegmentSum"
    graph = x.graph
    with graph.name_scope(scope) as full:
        n = num_segments if isinstance(num_segments, Tensor) else \
            convert_to_tensor(num_segments, dtype=ids.dtype, name="num_segments")
    _check_ids(n, "num_segments")
    count = int(n.attrs["value"]) if n.type == "Const" else None
    xd, idd = x.shape.dims, ids.shape.dims
    shape = TensorShape(None)
    if xd is not None and idd is not None:
        if len(xd) < len(idd) or not TensorShape(xd[:len(idd)]).is_compatible_with(idd):
            raise ValueError(f"Dimensions must be equal: data {x.name!r} of shape {x.shape} does not start with "
                             f"segment_ids {ids.name!r} of shape {ids.shape} (UnsortedSegmentSum)")
        shape = TensorShape([count] + list(xd[len(idd):]))
    node: Tensor

    def compute(values, id_values, rows):
        if values.shape[:id_values.ndim] != id_values.shape:
            raise InvalidArgumentError(node, f"data.shape = {_dims_text(values.shape)} does not start with "
                                             f"segment_ids.shape = {_dims_text(id_values.shape)}")
        rows = int(rows)
        bad = to_host(xp.flatnonzero(id_values.reshape(-1) >= rows))
        if bad.size:
            where = np.unravel_index(bad[0], id_values.shape)
            raise InvalidArgumentError(node, f"segment_ids{list(map(int, where))} = "
                                             f"{int(id_values.reshape(-1)[bad[0]])} is out of range [0, {rows})")
        return _scatter_add(values, id_values, rows)
    node = Tensor("UnsortedSegmentSum", (x, ids, n), compute=compute, dtype=x.dtype, shape=shape,
                  name=full, graph=graph)
    return node


@RegisterGradient("UnsortedSegmentSum")
def _unsorted_segment_sum_grad(op, grad):
    """d data[i] = grad[segment_ids[i]] (0 for a dropped, negative id); the ids and count get none"""
    _, ids, _ = op.inputs
    return _gather_rows(grad, ids), None, None


# -- sorted segments: segment_sum, segment_mean ------------------------------------------------------

def _sorted_segments(op_type, reduce_kernel):
    """An op over sorted ids: rows = ids[-1] + 1; ``reduce_kernel(values, ids, rows)`` makes the output."""
    def build(data: TensorLike, segment_ids: TensorLike, name: str | None = None) -> Tensor:
        (x,) = as_nodes([data])
        (ids,) = as_nodes([segment_ids], dtype_hint=_dtypes.int32)
        _check_ids(ids, "segment_ids")
        if ids.shape.ndims not in (None, 1):
            raise ValueError(f"Shape must be rank 1 but is rank {ids.shape.ndims} for '{op_type}' "
                             f"(segment_ids {ids.name!r})")
        shape = TensorShape(None) if x.shape.dims is None else TensorShape([None] + list(x.shape.dims[1:]))
        node: Tensor

        def compute(values, id_values):
            if values.ndim < 1 or id_values.shape[0] != values.shape[0]:
                raise InvalidArgumentError(node, "segment_ids should be the same size as dimension 0 of input.")
            if id_values.size == 0:
                return xp.zeros((0,) + values.shape[1:], dtype=values.dtype)
            rows = int(id_values[-1]) + 1
            if id_values.min() < 0:
                raise InvalidArgumentError(node, f"Segment id {int(id_values.min())} out of range [0, {rows}), "
                                                 "possibly because 'segment_ids' input is not sorted.")
            if xp.any(xp.diff(id_values) < 0):
                raise InvalidArgumentError(node, "segment ids are not increasing")
            return reduce_kernel(values, id_values, rows)
        node = Tensor(op_type, (x, ids), compute=compute, dtype=x.dtype, shape=shape, name=name or op_type)
        return node
    build.__name__ = op_type
    return build


def _counts(ids, rows, like):
    """Rows per segment, shaped to divide a [rows, ...] array (at least 1: an empty segment stays 0)."""
    counts = xp.maximum(xp.bincount(ids, minlength=rows), 1).astype(like.dtype)
    return counts.reshape((rows,) + (1,) * (like.ndim - 1))


segment_sum = _sorted_segments("SegmentSum", _scatter_add)
segment_sum.__doc__ = "out[s] = sum of ``data[i]`` over the ``i`` with ``segment_ids[i] == s`` (ids sorted)."
segment_mean = _sorted_segments("SegmentMean", lambda v, ids, rows: _scatter_add(v, ids, rows) / _counts(ids, rows, v))
segment_mean.__doc__ = "out[s] = mean of ``data[i]`` over the ``i`` with ``segment_ids[i] == s`` (ids sorted)."


@RegisterGradient("SegmentSum")
def _segment_sum_grad(op, grad):
    """d data[i] = grad[segment_ids[i]]"""
    _, ids = op.inputs
    return _gather_rows(grad, ids), None


@RegisterGradient("SegmentMean")
def _segment_mean_grad(op, grad):
    """d data[i] = grad[s] / count[s] with s = segment_ids[i]: each row weighs 1/count in its mean"""
    _, ids = op.inputs
    rows = grad.shape[0]
    return _gather_rows(grad / _counts(ids, rows, grad), ids), None

