"""``tf.data.Dataset`` as TF1 programs use it: built in the graph, read by iterators in sessions.

    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    dataset = dataset.shuffle(1000, seed=1).batch(32).repeat()
    images, labels = tf.data.make_one_shot_iterator(dataset).get_next()
    loss = ... images ... labels ...      # each sess.run(train_op) takes the next batch

A :class:`Dataset` only describes a pipeline (a chain of stages, ``stages.py``); its methods return
new datasets and run nothing. Each method builds TF's ops in the graph, with TF's names, constants and
order (``TensorSliceDataset``, ``buffer_size``, ``seed``, ``ShuffleDataset``, ``batch_size``,
``drop_remainder``, ``BatchDatasetV2``...); the last one is the dataset's ``_variant_tensor``, whose
value in a run is the dataset. Iterators (``iterator_ops.py``) read it, one element per
``Session.run``. The transformations are TF's, with TF's element order: ``shuffle`` reproduces TF's
orders for the same seeds (``shuffle.py``); ``prefetch`` changes nothing (there is no background
thread to fill); ``map`` runs its function per element (``mapping.py``).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import dtypes as _dtypes
from ..graph import Tensor
from ..shapes import TensorShape
from . import iterator_ops, stages, structure
from .generator import FromGenerator
from .mapping import Filter, Map
from .padding import PaddedBatch
from .shuffle import Shuffle


class Dataset:
    """A ``tf.data`` input pipeline (see the module docstring)."""

    def __init__(self, stage: stages.Stage) -> None:
        # (The ``name`` of TF's methods is metadata of the dataset, not the name of its op: ignored here.)
        self._stage = stage
        self._variant_tensor = stage.build()  # the dataset op: its value in a run is the dataset
        self._graph = self._variant_tensor.graph

    # -- sources -----------------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors: Any, name: str | None = None) -> Dataset:
        """Elements are the slices of ``tensors`` along their first axis: ``(x[i], y[i])`` for ``(x, y)``.
        ``tensors``: arrays, tensors (placeholders too), or tuples/dicts of them; all with the same first
        dimension."""
        return Dataset(stages.TensorSlices(tensors))

    @staticmethod
    def from_tensors(tensors: Any, name: str | None = None) -> Dataset:
        """One element: ``tensors`` itself."""
        return Dataset(stages.Tensors(tensors))

    @staticmethod
    def range(*args: Any, output_type: Any = _dtypes.int64, name: str | None = None) -> Dataset:
        """``range(stop)``, ``range(start, stop[, step])``: the integers Python's ``range`` gives (int64)."""
        return Dataset(stages.Range(args, output_type))

    @staticmethod
    def from_generator(generator: Callable[..., Any], output_types: Any = None, output_shapes: Any = None,
                       args: Any = None, output_signature: Any = None, name: str | None = None) -> Dataset:
        """Elements yielded by ``generator(*args)``, a new call per pass, converted to ``output_types``
        (and checked against ``output_shapes``); or described by ``output_signature`` (TensorSpecs)."""
        if output_signature is not None:
            output_types = structure.map_specs(lambda s: s.dtype, output_signature)
            output_shapes = structure.map_specs(lambda s: s.shape, output_signature)
        return Dataset(FromGenerator(generator, output_types, output_shapes, args))

    @staticmethod
    def zip(*datasets: Any, name: str | None = None) -> Dataset:
        """Element i is ``(a[i], b[i], ...)`` (or the dict/nesting of datasets given); ends with the shortest."""
        nesting = datasets[0] if len(datasets) == 1 else datasets
        flat = structure.flatten(nesting)
        for d in flat:
            if not isinstance(d, Dataset):
                raise TypeError(f"Invalid `datasets`. `datasets` is expected to be a (nested) structure of "
                                f"`tf.data.Dataset` objects. Encountered object with type {type(d)}.")
        return Dataset(stages.Zip(nesting, [d._stage for d in flat]))

    # -- transformations ---------------------------------------------------------------------------
    def batch(self, batch_size: Any, drop_remainder: Any = False, num_parallel_calls: Any = None,
              deterministic: Any = None, name: str | None = None) -> Dataset:
        """``batch_size`` consecutive elements stacked along a new first axis (the last batch may be
        smaller, unless ``drop_remainder``)."""
        return Dataset(stages.Batch(self._stage, batch_size, drop_remainder, num_parallel_calls))

    def padded_batch(self, batch_size: Any, padded_shapes: Any = None, padding_values: Any = None,
                     drop_remainder: Any = False, name: str | None = None) -> Dataset:
        """Batches of elements of different shapes, each component padded at the end of its axes to its
        ``padded_shapes`` entry (None: the largest in the batch) with its ``padding_values`` entry (0)."""
        return Dataset(PaddedBatch(self._stage, batch_size, padded_shapes, padding_values, drop_remainder))

    def repeat(self, count: Any = None, name: str | None = None) -> Dataset:
        """``count`` passes over the dataset (``None``: forever)."""
        return Dataset(stages.Repeat(self._stage, count))

    def shuffle(self, buffer_size: Any, seed: int | None = None, reshuffle_each_iteration: bool | None = None,
                name: str | None = None) -> Dataset:
        """The elements in a random order, through a buffer of ``buffer_size`` (TF's order: ``shuffle.py``)."""
        reshuffle = True if reshuffle_each_iteration is None else reshuffle_each_iteration
        return Dataset(Shuffle(self._stage, buffer_size, seed, reshuffle))

    def map(self, map_func: Callable[..., Any], num_parallel_calls: Any = None, deterministic: Any = None,
            name: str | None = None) -> Dataset:
        """Each element replaced by ``map_func(element)`` (a tuple element is passed as arguments)."""
        return Dataset(Map(self._stage, map_func, num_parallel_calls))

    def filter(self, predicate: Callable[..., Any], name: str | None = None) -> Dataset:
        """The elements for which ``predicate`` (a function returning a scalar bool tensor) is true."""
        return Dataset(Filter(self._stage, predicate))

    def take(self, count: Any, name: str | None = None) -> Dataset:
        """The first ``count`` elements (-1: all)."""
        return Dataset(stages.Take(self._stage, count))

    def skip(self, count: Any, name: str | None = None) -> Dataset:
        """All but the first ``count`` elements (-1: none)."""
        return Dataset(stages.Skip(self._stage, count))

    def concatenate(self, dataset: Dataset, name: str | None = None) -> Dataset:
        """This dataset's elements, then ``dataset``'s (same structure and dtypes)."""
        mine, theirs = structure.flatten(self.element_spec), structure.flatten(dataset.element_spec)
        if len(mine) != len(theirs) or any(a.dtype != b.dtype for a, b in zip(mine, theirs)):
            raise TypeError(f"Incompatible dataset elements:\n  {self.element_spec} vs.   {dataset.element_spec}")
        specs = [structure.TensorSpec(_most_specific(a.shape, b.shape), a.dtype) for a, b in zip(mine, theirs)]
        return Dataset(stages.Concatenate(self._stage, dataset._stage, structure.pack(self.element_spec, specs)))

    def cache(self, filename: str = "", name: str | None = None) -> Dataset:
        """The first complete pass kept in memory and replayed by later passes (always in memory: a
        ``filename`` is recorded in the graph, as TF's op input, but no file is written)."""
        return Dataset(stages.Cache(self._stage, filename))

    def prefetch(self, buffer_size: Any, name: str | None = None) -> Dataset:
        """The same elements (TF fills a buffer in the background; here elements are made on demand)."""
        return Dataset(stages.Prefetch(self._stage, buffer_size))

    def apply(self, transformation_func: Callable[[Dataset], Dataset]) -> Dataset:
        return transformation_func(self)

    # -- iterators ---------------------------------------------------------------------------------
    def make_one_shot_iterator(self) -> iterator_ops.Iterator:
        """An iterator that needs no initialization (the pipeline may not read placeholders)."""
        return iterator_ops.make_one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name: str | None = None) -> iterator_ops.Iterator:
        """An iterator started by running its ``initializer`` (feed the placeholders the pipeline reads)."""
        return iterator_ops.make_initializable_iterator(self, shared_name)

    def __iter__(self):
        raise RuntimeError("`tf.data.Dataset` only supports Python-style iteration in eager mode or within "
                           "tf.function. (TensorSlow runs TF1 graphs: read it with an iterator's get_next() "
                           "in a Session.)")

    # -- structure ---------------------------------------------------------------------------------
    @property
    def element_spec(self) -> Any:
        return self._stage.spec

    @property
    def output_types(self) -> Any:
        return structure.map_specs(lambda s: s.dtype, self.element_spec)

    @property
    def output_shapes(self) -> Any:
        return structure.map_specs(lambda s: s.shape, self.element_spec)

    @property
    def output_classes(self) -> Any:
        return structure.map_specs(lambda s: Tensor, self.element_spec)

    def __repr__(self):
        return f"<_{type(self._stage).__name__}Dataset element_spec={self.element_spec}>"


def _most_specific(a, b):
    """The shape both ``a`` and ``b`` fit: their common dims, None where they differ."""
    if a.dims is None or b.dims is None or len(a.dims) != len(b.dims):
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.dims, b.dims)])
