"""``Dataset.padded_batch``: batches of elements of different shapes, padded to one shape.

Each component of a batch is padded at the end of each axis, with its padding value (0 by default),
to its *padded shape*: the ``padded_shapes`` given for it, where a dimension of ``None`` (or -1)
means "the largest in this batch"; with no ``padded_shapes``, its static shape, so every unknown
dimension is padded to the largest in the batch. Padding to less than an element's size is TF's
DataLossError ("Attempted to pad to a smaller size than the input element.").

The op, as TF builds it: ``PaddedBatchDatasetV2`` reads ``batch_size``, one int64 vector constant per
component for its padded shape (-1 for "the largest"), one scalar constant per component for its
padding value (``padding_value``) and ``drop_remainder``; the batches are padded to those values.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from ..errors import DataLossError
from ..ops.core import convert_to_tensor
from ..shapes import TensorShape
from . import structure
from .stages import Context, Element, Epoch, Stage, batched_shape, check_batch_size, param, static_value, where
from .structure import TensorSpec


class PaddedBatch(Stage):
    """``padded_batch(batch_size, padded_shapes, padding_values, drop_remainder)``."""

    op_type = "PaddedBatchDatasetV2"

    def __init__(self, source: Stage, batch_size: Any, padded_shapes: Any, padding_values: Any,
                 drop_remainder: Any) -> None:
        self.inputs = (source,)
        batch_size_t = param(batch_size, "batch_size")
        specs = structure.flatten(source.spec)
        self.shapes = [s.shape for s in specs] if padded_shapes is None else \
            [TensorShape(p) for p in _flat_like(source.spec, padded_shapes)]
        for spec, shape in zip(specs, self.shapes):
            if shape.dims is None or (spec.shape.ndims is not None and spec.shape.ndims != shape.ndims):
                raise ValueError(f"The padded shape {shape} is not compatible with the shape {spec.shape} of the "
                                 f"corresponding input component.")
        values = [0] * len(specs) if padding_values is None else _flat_like(source.spec, padding_values)
        shapes_t = [convert_to_tensor(np.array([-1 if d is None else d for d in shape.dims], dtype=np.int64))
                    for shape in self.shapes]
        padding_t = [convert_to_tensor(np.asarray(v, dtype=s.dtype.as_numpy_dtype), name="padding_value")
                     for v, s in zip(values, specs)]
        self.tensors = (batch_size_t, *shapes_t, *padding_t, param(drop_remainder, "drop_remainder", _dtypes.bool))
        size, drop = static_value(batch_size_t), static_value(self.tensors[-1])
        first = int(size) if drop is not None and bool(drop) and size is not None else None
        self.spec = structure.pack(source.spec, [TensorSpec(batched_shape(shape, first), s.dtype)
                                                 for shape, s in zip(self.shapes, specs)])

    def check(self, ctx: Context) -> None:
        check_batch_size(ctx, self.tensors[0])

    def make(self, ctx: Context) -> Epoch:
        n = len(self.shapes)
        size, drop = int(ctx.value(self.tensors[0])), bool(ctx.value(self.tensors[-1]))
        shapes = [[int(d) for d in ctx.value(t)] for t in self.tensors[1:1 + n]]
        fills = [np.asarray(ctx.value(t)) for t in self.tensors[1 + n:1 + 2 * n]]
        source = ctx.input()

        def epoch():
            batch = []
            for element in source():
                batch.append(element)
                if len(batch) == size:
                    yield pad(batch, shapes, fills, ctx)
                    batch = []
            if batch and not drop:
                yield pad(batch, shapes, fills, ctx)
        return epoch


def pad(batch: list[Element], shapes: list[list[int]], fills: list[np.ndarray], ctx: Context) -> Element:
    """The elements of ``batch`` stacked, each component padded to its shape (-1: the largest in the batch)."""
    out = []
    for k, (shape, fill) in enumerate(zip(shapes, fills)):
        parts = [np.asarray(element[k]) for element in batch]
        largest = np.max([p.shape for p in parts], axis=0) if parts[0].ndim else ()
        target = [int(m) if d < 0 else d for d, m in zip(shape, largest)]
        stacked = np.full([len(parts), *target], fill, dtype=fill.dtype)
        for i, part in enumerate(parts):
            if any(n > t for n, t in zip(part.shape, target)):
                raise DataLossError(ctx.node, f"Attempted to pad to a smaller size than the input element. "
                                              f"(component {k}: shape {list(part.shape)}, padded shape "
                                              f"{target}){where(ctx.node)}")
            index: tuple[Any, ...] = (i, *(slice(0, n) for n in part.shape))
            stacked[index] = part
        out.append(stacked)
    return tuple(out)


def _flat_like(spec: Any, value: Any) -> list[Any]:
    """``value`` (padded shapes or padding values, nested like the elements) as one entry per component."""
    if not structure.is_structure(spec):
        return [value]
    flat = structure.flatten(value)
    if len(flat) != len(structure.flatten(spec)):
        raise ValueError(f"padded_batch: {value!r} does not have the structure of the elements {spec}")
    return flat
