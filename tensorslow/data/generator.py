"""``Dataset.from_generator``: elements produced by a Python generator, converted as TF converts them.

Each pass over the dataset calls ``generator(*args)`` anew and converts what it yields to the
declared structure: a yielded tuple for a tuple of types, a dict for a dict of types (a list is not
a tuple here, as in TF), each value to its dtype with TF's rules (a Python float is not truncated
to an integer type) and checked against its declared shape. A value that does not fit raises TF's
InvalidArgumentError, with the TypeError's text TF gives.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import dtypes as _dtypes
from ..shapes import TensorShape
from . import structure
from .stages import Context, Element, Epoch, Stage
from .structure import TensorSpec


class FromGenerator(Stage):
    """``from_generator(generator, output_types, output_shapes, args)`` (see the module docstring)."""

    def __init__(self, generator: Callable[..., Any], output_types: Any, output_shapes: Any = None,
                 args: Any = None) -> None:
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable.")
        if output_types is None:
            raise TypeError("The `output_types` argument can not be None.")
        types = structure.flatten(output_types)
        if output_shapes is None:
            shapes = [TensorShape(None)] * len(types)
        elif structure.is_structure(output_types):
            shapes = [TensorShape(s) for s in structure.flatten(output_shapes)]
        else:
            shapes = [TensorShape(output_shapes)]
        if len(shapes) != len(types):
            raise ValueError(f"from_generator: output_shapes {output_shapes!r} does not have the structure of "
                             f"output_types {output_types!r}")
        self.generator, self.args = generator, tuple(args or ())
        self.spec = structure.pack(output_types, [TensorSpec(s, t) for s, t in zip(shapes, types)])

    def make(self, ctx: Context) -> Epoch:
        def epoch():
            for value in self.generator(*self.args):
                yield self.convert(value, ctx)
        return epoch

    def convert(self, value: Any, ctx: Context) -> Element:
        """A yielded value as the flat tuple of its components' arrays; TF's error if it does not fit."""
        leaves = _flatten_up_to(self.spec, value)
        if leaves is None:
            raise ctx.error(f"TypeError: `generator` yielded an element that did not match the expected structure. "
                            f"The expected structure was {_types(self.spec)}, but the yielded element was {value}.")
        out = []
        for spec, leaf in zip(structure.flatten(self.spec), leaves):
            try:
                array, _ = _dtypes._constant_array(leaf, spec.dtype, "from_generator")
            except (TypeError, ValueError):
                raise ctx.error(f"TypeError: `generator` yielded an element that did not match the expected "
                                f"structure. The expected structure was {spec}, but the yielded element was "
                                f"{value}.") from None
            if not spec.shape.is_compatible_with(array.shape):
                raise ctx.error(f"TypeError: `generator` yielded an element of shape {array.shape} where an element "
                                f"of shape {spec.shape} was expected.")
            out.append(array)
        return tuple(out)


def _flatten_up_to(spec: Any, value: Any) -> list[Any] | None:
    """The leaves of ``value`` at the leaves of ``spec`` (None if its nesting differs)."""
    if isinstance(spec, TensorSpec):
        return [value]
    if isinstance(spec, dict):
        if not isinstance(value, dict) or set(value) != set(spec):
            return None
        keys = structure.flatten({k: k for k in spec})  # the keys in flattening order
        parts = [_flatten_up_to(spec[k], value[k]) for k in keys]
    else:
        if not isinstance(value, tuple) or len(value) != len(spec):
            return None
        parts = [_flatten_up_to(s, v) for s, v in zip(spec, value)]
    leaves: list[Any] = []
    for part in parts:
        if part is None:
            return None
        leaves.extend(part)
    return leaves


def _types(spec: Any) -> Any:
    return structure.map_specs(lambda s: s.dtype, spec)

