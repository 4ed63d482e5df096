"""``Dataset.from_generator``: elements produced by a Python generator, converted as TF converts them.

Each pass over the dataset calls ``generator(*args)`` anew and converts what it yields to the
declared structure: a yielded tuple for a tuple of types, a dict for a dict of types (a list is not
a tuple here, as in TF), each value to its dtype with TF's rules (a Python float is not truncated
to an integer type) and checked against its declared shape. A value that does not fit raises TF's
InvalidArgumentError, with the TypeError's text TF gives.

The graph, as TF builds it: ``args`` become constants (``args_0``, ``args_1``...), then a one-element
dataset ``from_tensors(0)`` (``TensorDataset``), and the generator's dataset is a ``FlatMapDataset`` over
it: for its one element, a pass of the generator, called with the values of the ``args`` tensors
(NumPy values, as TF hands them to the generator; a string is bytes).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import dtypes as _dtypes
from ..graph import Tensor
from ..ops.core import convert_to_tensor
from ..shapes import TensorShape
from . import structure
from .stages import Context, Element, Epoch, Stage, Tensors, string_constant
from .structure import TensorSpec


class FromGenerator(Stage):
    """``from_generator(generator, output_types, output_shapes, args)`` (see the module docstring)."""

    op_type = "FlatMapDataset"

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
        self.generator = generator
        self.tensors = tuple(_arg_tensor(a, f"args_{k}") for k, a in enumerate(args or ()))
        ids = Tensors(0)  # the one element the generator's pass is flat-mapped from
        ids.build()
        self.inputs = (ids,)
        self.spec = structure.pack(output_types, [TensorSpec(s, t) for s, t in zip(shapes, types)])

    def make(self, ctx: Context) -> Epoch:
        ids = ctx.input()
        args = [_value(ctx.value(t)) for t in self.tensors]

        def epoch():
            for _ in ids():
                for value in self.generator(*args):
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



def _arg_tensor(value: Any, name: str) -> Tensor:
    """An argument of the generator as TF makes it: a tensor (a string as a string constant)."""
    if isinstance(value, (str, bytes)):
        return string_constant(value if isinstance(value, str) else value.decode(), name)
    return convert_to_tensor(value, name=name)


def _value(array: Any) -> Any:
    """An argument's value as the generator gets it: a NumPy scalar for a 0-d array."""
    return array[()] if getattr(array, "ndim", None) == 0 else array
