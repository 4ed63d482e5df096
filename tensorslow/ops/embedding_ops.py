"""``tf.nn.embedding_lookup``: rows of an embedding matrix picked by integer ids.

One matrix: a ``GatherV2`` named ``embedding_lookup`` (its axis the Const
``embedding_lookup/axis``) and an ``Identity``, as in TensorFlow. Its gradient
is dense here: TensorFlow's gradient of a gather is an ``IndexedSlices``
(only the looked-up rows); TensorSlow returns the full-size array with zeros
in the other rows, the same numbers once made dense (which is what an
optimizer applying it does).

A list of matrices is one table split by rows (``partition_strategy``): with
"mod", id ``i`` lives in matrix ``i % n`` at row ``i // n``; with "div", the
matrices hold consecutive ranges of ids. TensorFlow routes the ids with
DynamicPartition and DynamicStitch; here each matrix is gathered at the ids it
owns (others clamped to row 0) and a select keeps the owner's row, which gives
the same values and gradients.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..graph import Tensor, TensorLike, name_scope
from . import array_ops, clip_ops, indexing_ops, math_ops
from .core import as_nodes


def embedding_lookup(params: TensorLike | Sequence[TensorLike], ids: TensorLike, partition_strategy: str = "mod",
                     name: str | None = None, validate_indices: bool = True,
                     max_norm: float | None = None) -> Tensor:
    """out[..., :] = params[ids[...], :]; rows whose L2 norm exceeds ``max_norm`` are scaled down to it."""
    if isinstance(params, (list, tuple)):
        tables = list(params)
        if not tables:
            raise ValueError("Need at least one param")
    else:
        tables = [params]
    if partition_strategy not in ("mod", "div"):
        raise ValueError(f"Unrecognized partition strategy: {partition_strategy}")
    with name_scope(name, "embedding_lookup", tables + [ids]) as scope:
        tables = as_nodes(tables)
        (ids,) = as_nodes([ids])
        if ids.dtype is not None and not ids.dtype.is_integer:
            raise TypeError(f"embedding_lookup: ids {ids.name!r} must be int32 or int64, got {ids.dtype.name}")
        if len(tables) == 1:  # the gather takes the lookup's own name (its axis: embedding_lookup/axis)
            rows = indexing_ops.gather(tables[0], ids, name=scope)
        else:
            rows = _partitioned_lookup(tables, ids, partition_strategy)
        if max_norm is not None:
            rows = _clip_rows(rows, ids, max_norm)
        return array_ops.identity(rows)


def _partitioned_lookup(tables, ids, strategy):
    """Rows of the table split over ``tables``: each table gathered at the ids it owns, then selected."""
    n = len(tables)
    if strategy == "mod":
        owner = math_ops.floormod(ids, n)
        local = math_ops.floordiv(ids, n)
    else:
        sizes = [t.shape.dims[0] if t.shape.dims else None for t in tables]
        if None in sizes:
            raise ValueError("embedding_lookup with partition_strategy='div' needs the first dimension of every "
                             f"partition known, got shapes {[str(t.shape) for t in tables]}")
        total = sum(sizes)  # type: ignore[arg-type]
        per, extras = total // n, total % n  # the first `extras` tables hold per + 1 rows
        owner = math_ops.maximum(math_ops.floordiv(ids, per + 1), math_ops.floordiv(ids - extras, per))
        local = indexing_ops.where(math_ops.less(owner, extras), math_ops.floormod(ids, per + 1),
                                   math_ops.floormod(ids - extras, per))
    out = None
    for i, table in enumerate(tables):
        mine = math_ops.equal(owner, i)
        rows = indexing_ops.gather(table, indexing_ops.where(mine, local, array_ops.zeros_like(local)))
        for _ in range((table.shape.ndims or 2) - 1):  # one axis per row axis, so the mask broadcasts
            mine = array_ops.expand_dims(mine, -1)
        out = rows if out is None else indexing_ops.where_v2(mine, rows, out)
    assert out is not None
    return out


def _clip_rows(rows, ids, max_norm):
    """Each looked-up row scaled to L2 norm at most ``max_norm`` (TF's ``_clip``)."""
    ids_rank, rows_rank = ids.shape.ndims, rows.shape.ndims
    if ids_rank is None or rows_rank is None:
        raise ValueError("embedding_lookup with max_norm needs ids and params of known rank")
    return clip_ops.clip_by_norm(rows, max_norm, axes=list(range(ids_rank, rows_rank)))
