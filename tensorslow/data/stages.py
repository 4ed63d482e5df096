"""The stages of an input pipeline: where elements come from and how they are regrouped.

A ``tf.data`` pipeline is built once, at graph-construction time, as a chain of :class:`Stage`
records (``Dataset`` wraps the last one): each knows the structure of its elements (``spec``), the
graph tensors it reads (``tensors``: a batch size, the arrays to slice, a placeholder) and the
stages it reads from (``inputs``). Nothing runs then.

When an iterator is initialized in a session (``iterator.initializer``, or the first ``get_next``
of a one-shot iterator), those tensors are evaluated and ``stage.make(ctx)`` *binds* the pipeline
to their values, as TensorFlow's dataset kernels build their C++ dataset objects: arguments are
checked then (``Batch size must be greater than zero.`` comes from the initializer's run, as in
TF). A bound stage is a function ``epoch()`` that starts a new pass over its elements, a Python
generator of flat tuples of arrays (``structure.py``); ``repeat`` calls its input's ``epoch()``
once per pass, and a shuffle draws new seeds there.

Elements are pulled one at a time, on demand, as TF's iterators pull them: a ``take(3)`` of an
endless ``repeat()`` computes three elements.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from ..errors import InvalidArgumentError
from ..graph import Tensor, get_default_graph
from ..ops.core import convert_to_tensor
from ..shapes import TensorShape
from . import structure
from .structure import TensorSpec

Element = tuple  # the flat tuple of one element's component arrays
Epoch = Callable[[], Iterator[Element]]


class Context:
    """What binding a pipeline needs in one session: the values of its graph tensors, the session's
    state (map functions run their ops with it) and the op doing the binding (errors name it)."""

    def __init__(self, values: dict[Tensor, Any], state: Any, node: Any) -> None:
        self.values, self.state, self.node = values, state, node

    def value(self, tensor: Tensor) -> Any:
        return self.values[tensor]

    def error(self, message: str) -> InvalidArgumentError:
        """TF's InvalidArgumentError for a bad argument, naming the op that bound the pipeline."""
        where = f"\n\t [[{{{{node {self.node.op_name}}}}}]]" if self.node is not None else ""
        return InvalidArgumentError(self.node, message + where)


class Stage:
    """One step of a pipeline (see the module docstring)."""

    spec: Any = None  # nested TensorSpecs: the structure of the elements
    tensors: tuple[Tensor, ...] = ()  # the graph tensors it reads when bound
    inputs: tuple[Stage, ...] = ()  # the stages it reads elements from

    def make(self, ctx: Context) -> Epoch:
        raise NotImplementedError


def graph_tensors(stage: Stage) -> list[Tensor]:
    """Every graph tensor the pipeline ending at ``stage`` reads, once each, inputs first."""
    found: dict[Tensor, None] = {}

    def visit(s):
        for i in s.inputs:
            visit(i)
        found.update(dict.fromkeys(s.tensors))
    visit(stage)
    return list(found)


def param(value: Any, name: str, dtype: Any = _dtypes.int64) -> Tensor:
    """A scalar argument (a count, a size) as a graph tensor, named as TF names it (``batch_size``)."""
    return convert_to_tensor(value, dtype=dtype, name=name)


def static_value(tensor: Tensor) -> Any:
    """The value of a constant tensor known at graph-construction time (None for anything computed)."""
    return tensor.attrs["value"] if tensor.type == "Const" else None


# -- sources ------------------------------------------------------------------------------------

def _components(tensors: Any) -> tuple[Any, list[Tensor]]:
    """(structure, its leaves as tensors): Python and NumPy leaves become constants, as TF's
    ``normalize_element`` makes them (lists are one tensor each: see ``structure.py``)."""
    tensors = structure.normalize(tensors)
    leaves = structure.flatten(tensors)
    with get_default_graph().name_scope("normalize_element"):
        nodes = [convert_to_tensor(v, name=f"component_{k}") for k, v in enumerate(leaves)]
    return tensors, nodes


class TensorSlices(Stage):
    """``from_tensor_slices``: element i is the i-th slice of every component (along the first axis)."""

    def __init__(self, tensors: Any) -> None:
        nesting, nodes = _components(tensors)
        self.tensors = tuple(nodes)
        first = None  # (size, component index) of the first component with a known first dimension
        for k, t in enumerate(self.tensors):
            dims = t.shape.dims
            if dims is not None and not dims:
                raise ValueError(f"Unbatching a tensor is only supported for rank >= 1: from_tensor_slices("
                                 f"tensors): component {k} ({t.name!r}) is a scalar; its slices need a first axis")
            if dims is not None and dims[0] is not None:
                if first is not None and dims[0] != first[0]:
                    raise ValueError(f"Dimensions {first[0]} and {dims[0]} are not compatible: from_tensor_slices"
                                     f"(tensors) needs the same first dimension in every component, but component "
                                     f"{first[1]} has {first[0]} slices and component {k} ({t.name!r}) has "
                                     f"{dims[0]}")
                first = first or (dims[0], k)
        self.spec = structure.pack(nesting, [TensorSpec(t.shape[1:], t.dtype) for t in self.tensors])

    def make(self, ctx: Context) -> Epoch:
        arrays = [_frozen(ctx.value(t)) for t in self.tensors]
        if any(a.ndim == 0 for a in arrays):
            raise ctx.error("Unbatching a tensor is only supported for rank >= 1")
        sizes = {a.shape[0] for a in arrays}
        if len(sizes) > 1:
            raise ctx.error(f"All components must have the same size in the 0th dimension (from_tensor_slices "
                            f"got first dimensions {[a.shape[0] for a in arrays]})")
        count = sizes.pop() if sizes else 0
        return lambda: (tuple(a[i] for a in arrays) for i in range(count))


def _frozen(value):
    """``value`` as an array no one else can change (a fed array is copied, as TF copies its feeds)."""
    array = np.asarray(value)
    if array.flags.writeable:
        array = array.copy()
        array.flags.writeable = False
    return array


class Tensors(Stage):
    """``from_tensors``: one element, the tensors themselves."""

    def __init__(self, tensors: Any) -> None:
        nesting, nodes = _components(tensors)
        self.tensors = tuple(nodes)
        self.spec = structure.pack(nesting, [TensorSpec.from_tensor(t) for t in self.tensors])

    def make(self, ctx: Context) -> Epoch:
        element = tuple(_frozen(ctx.value(t)) for t in self.tensors)
        return lambda: iter([element])


class Range(Stage):
    """``range(start, stop, step)``: the integers as Python's ``range``, of dtype ``output_type``."""

    def __init__(self, args: tuple, output_type: Any) -> None:
        if not 1 <= len(args) <= 3:
            raise ValueError(f"Invalid `args`. The length of `args` should be between 1 and 3 but was {len(args)}.")
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]
        self.tensors = (param(start, "start"), param(stop, "stop"), param(step, "step"))
        self.dtype = _dtypes.as_dtype(output_type)
        self.spec = TensorSpec([], self.dtype)

    def make(self, ctx: Context) -> Epoch:
        start, stop, step = (int(ctx.value(t)) for t in self.tensors)
        if step == 0:
            raise ctx.error("step must be a non-zero integer.")
        kind = self.dtype.as_numpy_dtype.type
        return lambda: ((kind(v),) for v in range(start, stop, step))


# -- transformations ----------------------------------------------------------------------------

class Batch(Stage):
    """``batch``: ``batch_size`` consecutive elements stacked along a new first axis, the last batch
    smaller unless ``drop_remainder``."""

    def __init__(self, source: Stage, batch_size: Any, drop_remainder: Any) -> None:
        self.inputs = (source,)
        self.tensors = (param(batch_size, "batch_size"), param(drop_remainder, "drop_remainder", _dtypes.bool))
        size, drop = (static_value(t) for t in self.tensors)
        first = int(size) if drop is not None and bool(drop) and size is not None else None
        self.spec = structure.map_specs(lambda s: TensorSpec(batched_shape(s.shape, first), s.dtype), source.spec)

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
                    yield _stack(batch, ctx)
                    batch = []
            if batch and not drop:
                yield _stack(batch, ctx)
        return epoch


def batched_shape(shape: TensorShape, first: int | None) -> TensorShape:
    return TensorShape(None) if shape.dims is None else TensorShape([first, *shape.dims])


def _stack(batch: list[Element], ctx: Context) -> Element:
    """The elements of ``batch`` stacked component by component; TF's error if their shapes differ."""
    out = []
    for k, first in enumerate(batch[0]):
        parts = [element[k] for element in batch]
        for j, part in enumerate(parts):
            if np.shape(part) != np.shape(first):
                raise ctx.error(f"Cannot batch tensors with different shapes in component {k}. First element had "
                                f"shape {list(np.shape(first))} and element {j} had shape {list(np.shape(part))}.")
        out.append(np.stack(parts))
    return tuple(out)


class Repeat(Stage):
    """``repeat(count)``: ``count`` passes over the input (``None`` or -1: forever)."""

    def __init__(self, source: Stage, count: Any) -> None:
        self.inputs, self.spec = (source,), source.spec
        self.tensors = (param(-1 if count is None else count, "count"),)

    def make(self, ctx: Context) -> Epoch:
        count, source = int(ctx.value(self.tensors[0])), self.inputs[0].make(ctx)

        def epoch():
            passes = 0
            while count < 0 or passes < count:
                empty = True
                for element in source():  # a new pass: a shuffle below draws its new order here
                    empty = False
                    yield element
                passes += 1
                if empty and count < 0:
                    return  # an endless repeat of nothing ends (TF stops rather than spin)
        return epoch


class Take(Stage):
    """``take(count)``: the first ``count`` elements (all of them if ``count`` is -1)."""

    def __init__(self, source: Stage, count: Any) -> None:
        self.inputs, self.spec, self.tensors = (source,), source.spec, (param(count, "count"),)

    def make(self, ctx: Context) -> Epoch:
        count, source = int(ctx.value(self.tensors[0])), self.inputs[0].make(ctx)

        def epoch():
            if count == 0:
                return
            for n, element in enumerate(source(), 1):
                yield element
                if n == count:
                    return
        return epoch


class Skip(Stage):
    """``skip(count)``: all but the first ``count`` elements (none if ``count`` is -1)."""

    def __init__(self, source: Stage, count: Any) -> None:
        self.inputs, self.spec, self.tensors = (source,), source.spec, (param(count, "count"),)

    def make(self, ctx: Context) -> Epoch:
        count, source = int(ctx.value(self.tensors[0])), self.inputs[0].make(ctx)

        def epoch():
            for n, element in enumerate(source()):
                if 0 <= count <= n:
                    yield element
        return epoch


class Zip(Stage):
    """``zip(datasets)``: element i is the structure of the datasets' i-th elements; ends with the
    shortest."""

    def __init__(self, nesting: Any, stages: list[Stage]) -> None:
        self.inputs = tuple(stages)
        self.spec = structure.pack(nesting, [s.spec for s in stages])

    def make(self, ctx: Context) -> Epoch:
        sources = [s.make(ctx) for s in self.inputs]

        def epoch():
            for parts in zip(*[source() for source in sources]):
                yield tuple(a for part in parts for a in part)
        return epoch


class Concatenate(Stage):
    """``concatenate(other)``: this dataset's elements, then ``other``'s."""

    def __init__(self, first: Stage, second: Stage, spec: Any) -> None:
        self.inputs, self.spec = (first, second), spec

    def make(self, ctx: Context) -> Epoch:
        first, second = (s.make(ctx) for s in self.inputs)

        def epoch():
            yield from first()
            yield from second()
        return epoch


class Cache(Stage):
    """``cache()`` in memory: the first complete pass is recorded and later passes replay it (so a
    shuffle before the cache shuffles once). A pass left unfinished is not kept."""

    def __init__(self, source: Stage) -> None:
        self.inputs, self.spec = (source,), source.spec

    def make(self, ctx: Context) -> Epoch:
        source = self.inputs[0].make(ctx)
        cached: list[list[Element]] = []  # [the elements of the first complete pass], once there is one

        def epoch():
            if cached:
                yield from cached[0]
                return
            seen = []
            for element in source():
                seen.append(element)
                yield element
            cached.append(seen)
        return epoch
