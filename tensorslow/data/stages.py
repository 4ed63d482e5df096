"""The stages of an input pipeline: where elements come from and how they are regrouped.

A ``tf.data`` pipeline is built once, at graph-construction time, as a chain of :class:`Stage`
records (``Dataset`` wraps the last one): each knows the structure of its elements (``spec``), the
graph tensors it reads (``tensors``: a batch size, the arrays to slice, a placeholder) and the
stages it reads from (``inputs``). Each stage is also an op of the graph, TF's *dataset op*
(``TensorSliceDataset``, ``BatchDatasetV2``...), named as TF names it, whose inputs are its input
datasets' ops and its tensors, in TF's order: the graph holds the pipeline as TF's graph holds it.

What a dataset op computes: its value in a run is a :class:`DatasetValue`, the dataset it
describes with its arguments evaluated, as TF's dataset kernels make their C++ dataset objects.
Arguments are checked then (``Batch size must be greater than zero.`` comes from the
``BatchDatasetV2`` op, as in TF). Nothing is read yet: that is an iterator's work
(``iterator_ops.py``). An iterator *instantiates* a dataset value in a session
(``DatasetValue.iterate``): each stage's ``make(ctx)`` turns it into a function ``epoch()`` that
starts a new pass over its elements, a Python generator of flat tuples of arrays
(``structure.py``); ``repeat`` calls its input's ``epoch()`` once per pass, and a shuffle draws
new seeds there.

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


class DatasetValue:
    """The value of a dataset op in one run: its stage with the values of its tensors, and the values of
    its input dataset ops (TF's ``DatasetBase``, held by a variant tensor). Immutable: every iterator
    made from it (``iterate``) starts from the same arguments."""

    def __init__(self, stage: Stage, node: Tensor, values: dict[Tensor, Any], inputs: tuple) -> None:
        self.stage, self.node, self.values, self.inputs = stage, node, values, inputs

    def iterate(self, state: Any) -> Epoch:
        """The dataset instantiated in the session of ``state``: ``epoch()`` gives a pass over its elements."""
        return self.stage.make(Context(self, state))

    def __repr__(self):
        return f"<{self.node.type} {self.node.op_name!r}>"


class Context:
    """A dataset value seen by its stage: the values of the stage's tensors (``value``), its input
    datasets instantiated in the same session (``input``), TF's errors naming the dataset op
    (``error``), and the session's state (map functions run their ops with it; None while the op
    only checks its arguments)."""

    def __init__(self, dataset: DatasetValue, state: Any) -> None:
        self.dataset, self.state, self.node = dataset, state, dataset.node

    def value(self, tensor: Tensor) -> Any:
        return self.dataset.values[tensor]

    def input(self, k: int = 0) -> Epoch:
        return self.dataset.inputs[k].iterate(self.state)

    def error(self, message: str) -> InvalidArgumentError:
        """TF's InvalidArgumentError for a bad argument, naming the dataset op."""
        return InvalidArgumentError(self.node, message + where(self.node))


def where(node: Any) -> str:
    """The end of TF's error messages: the op that raised."""
    return f"\n\t [[{{{{node {node.op_name}}}}}]]" if node is not None else ""


class Stage:
    """One step of a pipeline, and its dataset op (see the module docstring)."""

    op_type = ""  # TF's dataset op: "TensorSliceDataset", "BatchDatasetV2"...
    spec: Any = None  # nested TensorSpecs: the structure of the elements
    tensors: tuple[Tensor, ...] = ()  # the graph tensors it reads, its op's inputs after the input datasets
    inputs: tuple[Stage, ...] = ()  # the stages it reads elements from
    node: Tensor | None = None  # its dataset op, made by build()

    def build(self, name: str | None = None) -> Tensor:
        """Make the stage's dataset op (once): inputs the input datasets' ops, then ``tensors``."""
        if self.node is not None:
            return self.node
        stage, n = self, len(self.inputs)

        def compute(*values):
            """the dataset, its arguments evaluated and checked"""
            dataset = DatasetValue(stage, node, dict(zip(stage.tensors, values[n:])), values[:n])
            stage.check(Context(dataset, None))
            return dataset
        node = Tensor(self.op_type, [s.build() for s in self.inputs] + list(self.tensors), compute=compute,
                      attrs={"output_types": structure.flatten(structure.map_specs(lambda s: s.dtype, self.spec))},
                      shape=[], name=name or self.op_type)  # a scalar, as TF's variant tensor
        self.node = node
        return node

    def check(self, ctx: Context) -> None:
        """Raise TF's error if the op's arguments are bad (the op's run, before any iterator reads it)."""

    def make(self, ctx: Context) -> Epoch:
        raise NotImplementedError


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

    op_type = "TensorSliceDataset"

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

    def check(self, ctx: Context) -> None:
        shapes = [np.shape(ctx.value(t)) for t in self.tensors]
        if any(not shape for shape in shapes):
            raise ctx.error("Unbatching a tensor is only supported for rank >= 1")
        if len({shape[0] for shape in shapes}) > 1:
            raise ctx.error(f"All components must have the same size in the 0th dimension (from_tensor_slices "
                            f"got first dimensions {[shape[0] for shape in shapes]})")

    def make(self, ctx: Context) -> Epoch:
        arrays = [_frozen(ctx.value(t)) for t in self.tensors]
        count = arrays[0].shape[0] if arrays else 0
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

    op_type = "TensorDataset"

    def __init__(self, tensors: Any) -> None:
        nesting, nodes = _components(tensors)
        self.tensors = tuple(nodes)
        self.spec = structure.pack(nesting, [TensorSpec.from_tensor(t) for t in self.tensors])

    def make(self, ctx: Context) -> Epoch:
        element = tuple(_frozen(ctx.value(t)) for t in self.tensors)
        return lambda: iter([element])


class Range(Stage):
    """``range(start, stop, step)``: the integers as Python's ``range``, of dtype ``output_type``."""

    op_type = "RangeDataset"

    def __init__(self, args: tuple, output_type: Any) -> None:
        if not 1 <= len(args) <= 3:
            raise ValueError(f"Invalid `args`. The length of `args` should be between 1 and 3 but was {len(args)}.")
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]
        self.tensors = (param(start, "start"), param(stop, "stop"), param(step, "step"))
        self.dtype = _dtypes.as_dtype(output_type)
        self.spec = TensorSpec([], self.dtype)

    def check(self, ctx: Context) -> None:
        if int(ctx.value(self.tensors[2])) == 0:
            raise ctx.error("step must be a non-zero integer.")

    def make(self, ctx: Context) -> Epoch:
        start, stop, step = (int(ctx.value(t)) for t in self.tensors)
        kind = self.dtype.as_numpy_dtype.type
        return lambda: ((kind(v),) for v in range(start, stop, step))


# -- transformations ----------------------------------------------------------------------------

class Batch(Stage):
    """``batch``: ``batch_size`` consecutive elements stacked along a new first axis, the last batch
    smaller unless ``drop_remainder``. With ``num_parallel_calls`` TF builds ``ParallelBatchDataset``
    (batches made on several threads, the same batches in the same order): one op more, the same elements."""

    op_type = "BatchDatasetV2"

    def __init__(self, source: Stage, batch_size: Any, drop_remainder: Any, num_parallel_calls: Any = None) -> None:
        self.inputs = (source,)
        self.tensors = (param(batch_size, "batch_size"), param(drop_remainder, "drop_remainder", _dtypes.bool))
        if num_parallel_calls is not None:
            self.op_type = "ParallelBatchDataset"
            self.tensors += (param(num_parallel_calls, "num_parallel_calls"),)
        size, drop = (static_value(t) for t in self.tensors[:2])
        first = int(size) if drop is not None and bool(drop) and size is not None else None
        self.spec = structure.map_specs(lambda s: TensorSpec(batched_shape(s.shape, first), s.dtype), source.spec)

    def check(self, ctx: Context) -> None:
        check_batch_size(ctx, self.tensors[0])

    def make(self, ctx: Context) -> Epoch:
        size, drop = int(ctx.value(self.tensors[0])), bool(ctx.value(self.tensors[1]))
        source = ctx.input()

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


def check_batch_size(ctx: Context, tensor: Tensor) -> None:
    size = int(ctx.value(tensor))
    if size <= 0:
        raise ctx.error(f"Batch size must be greater than zero. (batch_size = {size})")


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

    op_type = "RepeatDataset"

    def __init__(self, source: Stage, count: Any) -> None:
        self.inputs, self.spec = (source,), source.spec
        self.tensors = (param(-1 if count is None else count, "count"),)

    def make(self, ctx: Context) -> Epoch:
        count, source = int(ctx.value(self.tensors[0])), ctx.input()

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

    op_type = "TakeDataset"

    def __init__(self, source: Stage, count: Any) -> None:
        self.inputs, self.spec, self.tensors = (source,), source.spec, (param(count, "count"),)

    def make(self, ctx: Context) -> Epoch:
        count, source = int(ctx.value(self.tensors[0])), ctx.input()

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

    op_type = "SkipDataset"

    def __init__(self, source: Stage, count: Any) -> None:
        self.inputs, self.spec, self.tensors = (source,), source.spec, (param(count, "count"),)

    def make(self, ctx: Context) -> Epoch:
        count, source = int(ctx.value(self.tensors[0])), ctx.input()

        def epoch():
            for n, element in enumerate(source()):
                if 0 <= count <= n:
                    yield element
        return epoch


class Zip(Stage):
    """``zip(datasets)``: element i is the structure of the datasets' i-th elements; ends with the
    shortest."""

    op_type = "ZipDataset"

    def __init__(self, nesting: Any, stages: list[Stage]) -> None:
        self.inputs = tuple(stages)
        self.spec = structure.pack(nesting, [s.spec for s in stages])

    def make(self, ctx: Context) -> Epoch:
        sources = [ctx.input(k) for k in range(len(self.inputs))]

        def epoch():
            for parts in zip(*[source() for source in sources]):
                yield tuple(a for part in parts for a in part)
        return epoch


class Concatenate(Stage):
    """``concatenate(other)``: this dataset's elements, then ``other``'s."""

    op_type = "ConcatenateDataset"

    def __init__(self, first: Stage, second: Stage, spec: Any) -> None:
        self.inputs, self.spec = (first, second), spec

    def make(self, ctx: Context) -> Epoch:
        first, second = ctx.input(0), ctx.input(1)

        def epoch():
            yield from first()
            yield from second()
        return epoch


class Cache(Stage):
    """``cache()`` in memory: the first complete pass is recorded and later passes replay it (so a
    shuffle before the cache shuffles once). A pass left unfinished is not kept. ``filename`` is the op's
    string constant, as in TF, but TensorSlow always caches in memory (a file cache reads the same elements)."""

    op_type = "CacheDataset"

    def __init__(self, source: Stage, filename: str) -> None:
        self.inputs, self.spec = (source,), source.spec
        self.tensors = (string_constant(filename, "filename"),)

    def make(self, ctx: Context) -> Epoch:
        source = ctx.input()
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


class Prefetch(Stage):
    """``prefetch(buffer_size)``: the same elements. TF fills a buffer of ``buffer_size`` elements on a
    background thread; TensorSlow makes each element when it is asked for, which reads the same sequence."""

    op_type = "PrefetchDataset"

    def __init__(self, source: Stage, buffer_size: Any) -> None:
        self.inputs, self.spec, self.tensors = (source,), source.spec, (param(buffer_size, "buffer_size"),)

    def make(self, ctx: Context) -> Epoch:
        return ctx.input()


def string_constant(value: str, name: str) -> Tensor:
    """A scalar string ``Const`` (TensorSlow has no string dtype: its value is a 0-d array of bytes)."""
    array = np.array(value.encode())
    return Tensor("Const", (), compute=lambda: array, attrs={"value": array}, name=name)
