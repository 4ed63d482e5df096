"""``Dataset.padded_batch``: batches of elements of different shapes, padded to one shape.

Each component of a batch is padded at the end of each axis, with its padding value (0 by default),
to its *padded shape*: the ``padded_shapes`` given for it, where a dimension of ``None`` (or -1)
means "the largest in this batch"; with no ``padded_shapes``, its static shape, so every unknown
dimension is padded to the largest in the batch. Padding to less than an element's size is TF's
DataLossError ("Attempted to pad to a smaller size than the input element.").
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from ..errors import DataLossError
from ..shapes import TensorShape
from . import structure
from .stages import Context, Element, Epoch, Stage, batched_shape, param, static_value
from .structure import TensorSpec


class PaddedBatch(Stage):
    """``padded_batch(batch_size, padded_shapes, padding_values, drop_remainder)``."""

    def __init__(self, source: Stage, batch_size: Any, padded_shapes: Any, padding_values: Any,
                 drop_remainder: Any) -> None:
        self.inputs = (source,)
        specs = structure.flatten(source.spec)
        self.shapes = [s.shape for s in specs] if padded_shapes is None else \
            [TensorShape(p) for p in _flat_like(source.spec, padded_shapes)]
        for spec, shape in zip(specs, self.shapes):
            if shape.dims is None or (spec.shape.ndims is not None and spec.shape.ndims != shape.ndims):
                raise ValueError(f"The padded shape {shape} is not compatible with the shape {spec.shape} of the "
                                 f"corresponding input component.")
        values = [0] * len(specs) if padding_values is None else _flat_like(source.spec, padding_values)
        self.padding = [np.asarray(v, dtype=s.dtype.as_numpy_dtype) for v, s in zip(values, specs)]
        self.tensors = (param(batch_size, "batch_size"), param(drop_remainder, "drop_remainder", _dtypes.bool))
        size, drop = (static_value(t) for t in self.tensors)
        first = int(size) if drop is not None and bool(drop) and size is not None else None
        self.spec = structure.pack(source.spec, [TensorSpec(batched_shape(shape, first), s.dtype)
                                                 for shape, s in zip(self.shapes, specs)])

    def make(self, ctx: Context) -> Epoch:
        size, drop = int(ctx.value(self.tensors[0])), bool(ctx.value(self.tensors[1]))
        if size <= 0:
            raise ctx.error(f"Batch size must be greater than zero. (batch_size = {size})")
        source = self.inputs[0].make(ctx)

        def epoch():
            batch = []
            for element in source():
                batch.append(element)
                if len(batch) == size:
                    yield self.pad(batch, ctx)
                    batch = []
            if batch and not drop:
                yield self.pad(batch, ctx)
        return epoch

    def pad(self, batch: list[Element], ctx: Context) -> Element:
        out = []
        for k, (shape, fill) in enumerate(zip(self.shapes, self.padding)):
            parts = [np.asarray(element[k]) for element in batch]
            largest = np.max([p.shape for p in parts], axis=0) if parts[0].ndim else ()
            target = [int(m) if d is None else d for d, m in zip(shape.dims, largest)]
            stacked = np.full([len(parts), *target], fill, dtype=fill.dtype)
            for i, part in enumerate(parts):
                if any(n > t for n, t in zip(part.shape, target)):
                    where = f"\n\t [[{{{{node {ctx.node.op_name}}}}}]]" if ctx.node is not None else ""
                    raise DataLossError(ctx.node, f"Attempted to pad to a smaller size than the input element. "
                                                  f"(component {k}: shape {list(part.shape)}, padded shape "
                                                  f"{target}){where}")
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
