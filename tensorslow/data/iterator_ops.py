"""Iterators: how a TF1 program reads a dataset, one element per ``Session.run``.

The ops are TF's, with TF's names:

* ``it = dataset.make_initializable_iterator()`` (or ``tf.data.make_initializable_iterator``) makes
  ``IteratorV2`` (the iterator: its value in a run is its handle, the key of its state), then
  ``it.initializer``, ``MakeIterator(dataset op, iterator)``: running it evaluates the dataset op (its
  value is the dataset, ``stages.DatasetValue``, with the placeholders of ``feed_dict`` read) and
  starts a pass over it in the iterator's state. ``Iterator.from_structure`` makes ``IteratorV2``
  alone; ``make_initializer(dataset)`` a ``MakeIterator`` named ``make_initializer``.
* ``make_one_shot_iterator`` makes ``OneShotIterator``, which starts its own pass the first time it
  runs: it evaluates the dataset op then (TF runs a function rebuilding the dataset), so the pipeline
  may not read placeholders: there is nothing to feed them with.
* every iterator has ``IteratorToStringHandle`` (``string_handle()``), its handle as bytes.
* ``it.get_next()`` makes ``IteratorGetNext(iterator)``: each run that computes it produces the next
  element, and raises ``tf.errors.OutOfRangeError`` ("End of sequence") when there is none.

Where the position lives: the iterator's *state* in a session (the running pass, a Python
generator of elements) is kept in that session's :class:`~tensorslow.session.SessionState` under
the iterator's handle, as a random op keeps its stream there (``state.generator(key, make)``, under
``state.lock``); two sessions read the same dataset independently, as in TF.

One run, one element: ``IteratorGetNext`` is one op whose value is the element; with several
components it is a :class:`~tensorslow.ops.op_outputs.MultiOutputOp` and the tensors ``get_next()``
returns (nested as the element is) are its outputs ``IteratorGetNext:0``, ``:1``... A run computes
each op once, so all the tensors of one ``get_next()`` fetched together see the same element. Each
``get_next()`` call makes a new op: fetching two of them in one run takes two elements, as in TF.
"""
from __future__ import annotations

from typing import Any

from ..errors import FailedPreconditionError, OutOfRangeError
from ..graph import NoValueOp, Tensor, get_default_graph, name_scope
from ..ops.op_outputs import MultiOutputOp, OutputValues, add_outputs
from ..shapes import TensorShape
from . import structure
from .stages import where
from .structure import TensorSpec


class _Slot:
    """An iterator's state in one session: the running pass (a generator of elements), or None."""

    def __init__(self, handle: Any) -> None:  # made by state.generator(handle, _Slot)
        self.elements = None


class IteratorHandle:
    """The value of an iterator op in a run (TF's resource handle): the key of the iterator's state."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IteratorHandle) and other.name == self.name

    def __hash__(self):
        return hash(("iterator", self.name))

    def __repr__(self):
        return f"<iterator handle {self.name!r}>"


class Iterator:
    """Reads a dataset in sessions (see the module docstring). ``tf.data.Iterator``."""

    def __init__(self, resource: Tensor, initializer: Tensor | None, spec: Any) -> None:
        self._iterator_resource, self._initializer, self._spec = resource, initializer, spec
        self._graph = resource.graph
        self._string_handle = Tensor("IteratorToStringHandle", (resource,), compute=_string_handle,
                                     shape=[], name="IteratorToStringHandle")

    # -- making iterators ------------------------------------------------------------------------
    @staticmethod
    def from_structure(output_types: Any, output_shapes: Any = None, shared_name: str | None = None,
                       output_classes: Any = None) -> Iterator:
        """A reinitializable iterator for any dataset of this structure: ``make_initializer(ds)``."""
        types = structure.flatten(output_types)
        shapes = [None] * len(types) if output_shapes is None else structure.flatten(output_shapes)
        if len(shapes) != len(types):
            raise ValueError(f"Iterator.from_structure: output_shapes {output_shapes!r} does not match the "
                             f"structure of output_types {output_types!r}")
        spec = structure.pack(output_types, [TensorSpec(TensorShape(s), t) for t, s in zip(types, shapes)])
        return Iterator(_iterator_op(shared_name, get_default_graph()), None, spec)

    def make_initializer(self, dataset: Any, name: str | None = None) -> Tensor:
        """The op that starts a pass over ``dataset`` (which must have this iterator's structure)."""
        _check_compatible(self._spec, dataset.element_spec)
        with name_scope(name, "make_initializer") as scope:
            return _make_iterator(dataset._variant_tensor, self._iterator_resource, scope)

    @property
    def initializer(self) -> Tensor:
        if self._initializer is None:
            raise ValueError("The iterator does not have an initializer. This means it was likely created using "
                             "`tf.data.Dataset.make_one_shot_iterator()`. For an initializable iterator, use "
                             "`tf.data.Dataset.make_initializable_iterator()` instead.")
        return self._initializer

    # -- reading ---------------------------------------------------------------------------------
    def get_next(self, name: str | None = None) -> Any:
        """The next element, as tensors nested like the dataset's elements (see the module docstring)."""
        specs = structure.flatten(self._spec)
        one = len(specs) == 1

        def compute(state, handle):
            """the next element of the iterator"""
            with state.lock:  # one element per run, even with threads running this session
                elements = state.generator(handle, _Slot).elements
                if elements is None:
                    raise FailedPreconditionError(node, _NOT_INITIALIZED + where(node))
                element = next(elements, None)
            if element is None:
                raise OutOfRangeError(node, "End of sequence" + where(node))
            element = tuple(_scalar(v) for v in element)
            return element[0] if one else OutputValues(element)
        name = name or "IteratorGetNext"
        if one:
            node = Tensor("IteratorGetNext", (self._iterator_resource,), compute=compute, name=name,
                          dtype=specs[0].dtype, shape=specs[0].shape, stateful=True)
            return structure.pack(self._spec, [node])
        node = MultiOutputOp("IteratorGetNext", (self._iterator_resource,), compute=compute, name=name, stateful=True)
        return structure.pack(self._spec, add_outputs(node, [(s.dtype, s.shape) for s in specs]))

    def string_handle(self, name: str | None = None) -> Tensor:
        """The iterator's handle as a string tensor (``IteratorToStringHandle``)."""
        if name is None:
            return self._string_handle
        return Tensor("IteratorToStringHandle", (self._iterator_resource,), compute=_string_handle, shape=[],
                      name=name)

    # -- structure -------------------------------------------------------------------------------
    @property
    def element_spec(self) -> Any:
        return self._spec

    @property
    def output_types(self) -> Any:
        return structure.map_specs(lambda s: s.dtype, self._spec)

    @property
    def output_shapes(self) -> Any:
        return structure.map_specs(lambda s: s.shape, self._spec)

    @property
    def output_classes(self) -> Any:
        return structure.map_specs(lambda s: Tensor, self._spec)


_NOT_INITIALIZED = ("GetNext() failed because the iterator has not been initialized. Ensure that you have run the "
                    "initializer operation for this iterator before getting the next element.")


def _scalar(value):
    """A 0-d array as the NumPy scalar TF's session returns for it; other values as they are."""
    return value[()] if getattr(value, "ndim", None) == 0 else value


def _string_handle(handle):
    """the iterator's handle as bytes"""
    return handle.name.encode()


def _iterator_op(shared_name: str | None, graph: Any) -> Tensor:
    """``IteratorV2``: an iterator of this session; its value is its handle (shared by ``shared_name``)."""
    def compute(state):
        """the iterator's handle"""
        return handle
    with graph.as_default():
        node = Tensor("IteratorV2", (), compute=compute, attrs={"shared_name": shared_name or ""},
                      shape=[], name="IteratorV2", stateful=True)
    handle = IteratorHandle(shared_name or node.op_name)
    return node


def _make_iterator(dataset: Tensor, iterator: Tensor, name: str) -> Tensor:
    """``MakeIterator``: a new pass over the dataset (the op's first input's value) in the iterator's state."""
    def compute(state, value, handle):
        """start a pass over the dataset"""
        elements = value.iterate(state)()
        with state.lock:
            state.generator(handle, _Slot).elements = elements
    return NoValueOp("MakeIterator", (dataset, iterator), compute=compute, name=name, stateful=True)


def _one_shot_iterator_op(dataset: Tensor) -> Tensor:
    """``OneShotIterator``: an iterator that starts its pass the first time it runs (see the module docstring)."""
    def compute(state):
        """the iterator's handle; on its first run in a session, a pass over the dataset started"""
        with state.lock:
            slot = state.generator(handle, _Slot)
            if slot.elements is None:
                slot.elements = _evaluate(dataset, state).iterate(state)()
        return handle
    node = Tensor("OneShotIterator", (), compute=compute, shape=[], name="OneShotIterator", stateful=True,
                  graph=dataset.graph)
    handle = IteratorHandle(node.op_name)
    return node


def _evaluate(dataset: Tensor, state: Any) -> Any:
    """The value of the dataset op ``dataset`` in the session of ``state`` (a one-shot iterator's dataset)."""
    from .. import executor
    from ..plan import topological_order
    return executor.run(topological_order([dataset]), {}, state)[dataset]


def make_one_shot_iterator(dataset: Any) -> Iterator:
    """An iterator that starts by itself, at its first ``get_next`` (``tf.data.make_one_shot_iterator``)."""
    for node in _ancestors([dataset._variant_tensor]):
        if node.type == "Placeholder":
            raise ValueError(f"Cannot capture a placeholder (name:{node.op_name}, type:Placeholder) by value. "
                             f"(A one-shot iterator has no initializer to feed it with: use "
                             f"make_initializable_iterator and feed the placeholder to its initializer.)")
    return Iterator(_one_shot_iterator_op(dataset._variant_tensor), None, dataset.element_spec)


def make_initializable_iterator(dataset: Any, shared_name: str | None = None) -> Iterator:
    """An iterator started (and restarted) by running ``iterator.initializer``."""
    resource = _iterator_op(shared_name, dataset._graph)
    with dataset._graph.as_default():
        initializer = _make_iterator(dataset._variant_tensor, resource, "MakeIterator")
    return Iterator(resource, initializer, dataset.element_spec)


def _ancestors(tensors):
    seen, stack = set(), list(tensors)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node.inputs)
    return seen


def _check_compatible(spec, other):
    """TF's TypeError when a dataset does not fit a reinitializable iterator's structure."""
    types = structure.map_specs(lambda s: s.dtype, spec)
    other_types = structure.map_specs(lambda s: s.dtype, other)
    mine, theirs = structure.flatten(spec), structure.flatten(other)
    if len(mine) != len(theirs) or any(a.dtype != b.dtype for a, b in zip(mine, theirs)):
        raise TypeError(f"Expected output types {types!r} but got dataset with output types {other_types!r}.")
    if any(not a.shape.is_compatible_with(b.shape) for a, b in zip(mine, theirs)):
        shapes = structure.map_specs(lambda s: s.shape, spec)
        raise TypeError(f"Expected output shapes compatible with {shapes!r} but got dataset with output shapes "
                        f"{structure.map_specs(lambda s: s.shape, other)!r}.")


def get_output_types(dataset_or_iterator: Any) -> Any:
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator: Any) -> Any:
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator: Any) -> Any:
    return dataset_or_iterator.output_classes
