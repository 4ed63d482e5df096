"""What a dataset's elements look like: nested structures of :class:`TensorSpec`.

An *element* of a dataset is a tensor, or a tuple, namedtuple or dict of elements, as in
``tf.data``: ``(image, label)`` or ``{"x": x, "y": y}``. A list is not a structure here: TF's
``tf.data`` converts a list to ONE tensor (``from_tensor_slices([[1, 2], [3, 4]])`` slices a 2x2
tensor), and a list returned by a ``map`` function becomes a tuple.

Inside the engine an element is the *flat* tuple of its components' arrays (depth first, dict
values in sorted key order, ``control_flow/nest.py``); the dataset's ``spec``, the same nesting
with a :class:`TensorSpec` per component, turns it back into the user's structure.
"""
from __future__ import annotations

from typing import Any

from .. import dtypes as _dtypes
from ..control_flow import nest
from ..graph import Tensor
from ..shapes import TensorShape


class TensorSpec:
    """The static dtype and shape of one component of a dataset's elements (``tf.TensorSpec``)."""

    __slots__ = ("shape", "dtype", "name")

    def __init__(self, shape: Any, dtype: Any = _dtypes.float32, name: str | None = None) -> None:
        self.shape = TensorShape(shape)
        self.dtype = _dtypes.as_dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor: Tensor) -> TensorSpec:
        return cls(tensor.shape, tensor.dtype)

    def is_compatible_with(self, other: TensorSpec) -> bool:
        return self.dtype == other.dtype and self.shape.is_compatible_with(other.shape)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TensorSpec) and (self.shape, self.dtype, self.name) == \
            (other.shape, other.dtype, other.name)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.name))

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}, name={self.name})"


def is_structure(value: Any) -> bool:
    """A tuple (namedtuple included) or dict: the nestings tf.data keeps; anything else is a leaf."""
    return isinstance(value, (tuple, dict))


def normalize(value: Any, lists_as: str = "tensor") -> Any:
    """``value`` with each list replaced: by a leaf (``lists_as="tensor"``: tf.data's inputs) or by a
    tuple (``"tuple"``: what a map function returns)."""
    if isinstance(value, list):
        if lists_as == "tensor":
            return value
        return tuple(normalize(v, lists_as) for v in value)
    if isinstance(value, dict):
        return type(value)((k, normalize(v, lists_as)) for k, v in value.items())
    if isinstance(value, tuple):
        items = [normalize(v, lists_as) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    return value


def flatten(structure: Any) -> list[Any]:
    """The leaves of ``structure`` (a list counts as one leaf, see the module docstring)."""
    if not is_structure(structure):
        return [structure]
    return [leaf.value if isinstance(leaf, _Leaf) else leaf for leaf in nest.flatten(_lists_hidden(structure))]


def _lists_hidden(structure):
    """``structure`` with its lists wrapped as leaves, so that ``nest`` does not descend into them."""
    if isinstance(structure, list):
        return _Leaf(structure)
    if isinstance(structure, dict):
        return type(structure)((k, _lists_hidden(v)) for k, v in structure.items())
    if isinstance(structure, tuple):
        items = [_lists_hidden(v) for v in structure]
        return type(structure)(*items) if hasattr(structure, "_fields") else tuple(items)
    return structure


class _Leaf:
    """A list standing as one leaf while ``nest`` flattens (``flatten`` unwraps it)."""

    def __init__(self, value):
        self.value = value


def pack(structure: Any, flat: list[Any]) -> Any:
    """``flat`` arranged in the nesting of ``structure`` (a leaf structure takes the single value)."""
    if not is_structure(structure):
        (value,) = flat
        return value
    return nest.pack_sequence_as(_lists_hidden(structure), list(flat))  # a list in ``structure`` is one leaf


def map_specs(fn: Any, spec: Any) -> Any:
    """``spec`` with each TensorSpec replaced by ``fn(spec)``: output_types, output_shapes, ..."""
    return pack(spec, [fn(s) for s in flatten(spec)])
