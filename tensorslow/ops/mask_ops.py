"""Masks for padded batches: ``sequence_mask`` makes one from lengths, ``boolean_mask`` applies one.

    sequence_mask(lengths, maxlen)[..., j] = j < lengths[...]          (shape lengths.shape + [maxlen])
    boolean_mask(tensor, mask)            = tensor's entries where mask is True, in row-major order

Both are built from existing ops, as TensorFlow builds them (``SequenceMask/Range``, ``Less``...;
``boolean_mask/Reshape``, ``Where``, ``GatherV2``), so they need no gradient of their own: the
gradient of ``boolean_mask`` is the gather's, which scatters back to the kept entries and leaves
zeros at the masked ones. A sequence model's loss uses them to ignore the padding steps.
"""
from __future__ import annotations

import math
from typing import Any

from .. import dtypes as _dtypes
from ..dtypes import DTypeLike
from ..graph import Tensor, TensorLike, name_scope
from ..shapes import TensorShape
from .array_ops import concat, expand_dims, range_, reshape, squeeze
from .array_ops import shape as shape_of
from .core import convert_to_tensor, int_arg
from .indexing_ops import gather, where
from .math_ops import cast, less, maximum
from .reduction_ops import reduce_max, reduce_prod


def sequence_mask(lengths: TensorLike, maxlen: TensorLike | None = None, dtype: DTypeLike = _dtypes.bool,
                  name: str | None = None) -> Tensor:
    """mask[..., j] = (j < lengths[...]) for j in [0, maxlen); ``maxlen`` defaults to max(lengths) (0 if
    ``lengths`` is empty). The mask is bool unless ``dtype`` asks for another type (1 and 0 then)."""
    with name_scope(name, "SequenceMask"):
        lengths = convert_to_tensor(lengths)
        if maxlen is None:
            longest = reduce_max(lengths)  # over all axes: TF's Const of them, then Max
            maxlen = maximum(convert_to_tensor(0, dtype=longest.dtype), longest)
        else:
            maxlen = convert_to_tensor(maxlen, dtype=_dtypes.int32 if not isinstance(maxlen, Tensor) else None)
        if maxlen.shape.ndims is not None and maxlen.shape.ndims != 0:
            raise ValueError(f"Argument `maxlen` must be scalar for sequence_mask, received `maxlen` = {maxlen} "
                             f"with shape '{tuple(maxlen.shape.as_list())}' instead")
        start: Any = convert_to_tensor(0, dtype=maxlen.dtype)  # range_ takes tensors as well as numbers
        delta: Any = convert_to_tensor(1, dtype=maxlen.dtype)
        limit: Any = maxlen
        row_vector = range_(start, limit, delta, name="Range")
        if maxlen.type == "Const":  # the Range's length is known: keep it in the static shape
            row_vector.set_shape([int(maxlen.attrs["value"])])
        matrix = cast(expand_dims(lengths, -1), maxlen.dtype)
        result = less(row_vector, matrix)
        if dtype is None or _dtypes.as_dtype(dtype) == _dtypes.bool:
            return result
        return cast(result, dtype)


def boolean_mask(tensor: TensorLike, mask: TensorLike, name: str = "boolean_mask", axis: int | None = None) -> Tensor:
    """The entries of ``tensor`` where ``mask`` is True: ``mask`` covers dimensions ``axis`` to
    ``axis + mask.ndim`` of ``tensor``; those dimensions become one, holding the kept entries in order."""
    with name_scope(name, "boolean_mask"):
        t = convert_to_tensor(tensor, name="tensor")
        m = convert_to_tensor(mask, dtype=_dtypes.bool if not isinstance(mask, Tensor) else None, name="mask")
        ndims_mask = m.shape.ndims
        if ndims_mask == 0:
            raise ValueError("mask cannot be scalar.")
        if ndims_mask is None:
            raise ValueError("Number of mask dimensions must be specified, even if some dimensions are None.  "
                             "E.g. shape=[None] is ok, but shape=None is not.")
        a = 0 if axis is None else int_arg(axis, "axis", "boolean_mask")
        dims = t.shape.dims
        if dims is not None:
            covered = TensorShape(dims[a:a + ndims_mask])
            if covered.ndims != ndims_mask or not covered.is_compatible_with(m.shape):
                raise ValueError(f"Shapes {covered} and {m.shape} are incompatible")
        # as TF: the shape of the tensor taken three times (Shape, Shape_1, Shape_2); concat packs the
        # list [leading_size] as concat/values_1
        leading_size = reduce_prod(shape_of(t)[a:a + ndims_mask], [0])
        t = reshape(t, concat([shape_of(t)[:a], [leading_size], shape_of(t)[a + ndims_mask:]], 0))
        if dims is not None:  # TF sets the static shape: [dims before, product of the masked dims, dims after]
            covered_dims = dims[a:a + ndims_mask]
            product = None if None in covered_dims else int(math.prod(covered_dims))
            t.set_shape(list(dims[:a]) + [product] + list(dims[a + ndims_mask:]))
        m = reshape(m, [-1])
        indices = squeeze(where(m), axis=[1])
        return gather(t, indices, axis=a)
