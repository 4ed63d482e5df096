"""Iterators: how a TF1 program reads a dataset, one element per ``Session.run``.

``it = dataset.make_initializable_iterator()`` (or ``tf.data.make_initializable_iterator``) gives
two ops: ``it.initializer`` (``MakeIterator``) evaluates the graph tensors the pipeline reads, the
placeholders of ``feed_dict`` included, binds the pipeline to them (``stages.py``) and starts a pass;
``it.get_next()`` (``IteratorGetNext``) produces the next element each time a run computes it, and
raises ``tf.errors.OutOfRangeError`` ("End of sequence") when there is none. A one-shot iterator
(``make_one_shot_iterator``) has no initializer: its first ``get_next`` binds the pipeline (which may
not read placeholders: there is nothing to feed them with).

Where the position lives: the iterator's *state* in a session (the running pass, a Python
generator of elements) is kept in that session's :class:`~tensorslow.session.SessionState` under
the iterator, as a random op keeps its stream there (``state.generator(key, make)``, under
``state.lock``); two sessions read the same dataset independently, as in TF.

One run, one element: ``IteratorGetNext`` is one node whose value is the element (the tuple of its
components when there are several), and the tensors ``get_next()`` returns (nested as the element
is) read their component from it. A run computes each node once, so all the tensors of one
``get_next()`` fetched together see the same element. Each ``get_next()`` call makes a new node:
fetching two of them in one run takes two elements, as in TF.
"""
from __future__ import annotations

from typing import Any

from ..errors import FailedPreconditionError, OutOfRangeError
from ..graph import NoValueOp, Tensor
from ..shapes import TensorShape
from . import structure
from .stages import Context, Stage, graph_tensors
from .structure import TensorSpec


class _Slot:
    """An iterator's state in one session: the running pass (a generator of elements), or None."""

    def __init__(self, iterator: Iterator) -> None:  # made by state.generator(iterator, _Slot)
        self.elements = None


class Iterator:
    """Reads a dataset in sessions (see the module docstring). ``tf.data.Iterator``."""

    def __init__(self, spec: Any, graph: Any, one_shot: Stage | None = None) -> None:
        self._spec, self._graph, self._one_shot = spec, graph, one_shot
        self._initializer: Tensor | None = None

    # -- making iterators ------------------------------------------------------------------------
    @staticmethod
    def from_structure(output_types: Any, output_shapes: Any = None, shared_name: str | None = None,
                       output_classes: Any = None) -> Iterator:
        """A reinitializable iterator for any dataset of this structure: ``make_initializer(ds)``."""
        from ..graph import get_default_graph
        types = structure.flatten(output_types)
        shapes = [None] * len(types) if output_shapes is None else structure.flatten(output_shapes)
        if len(shapes) != len(types):
            raise ValueError(f"Iterator.from_structure: output_shapes {output_shapes!r} does not match the "
                             f"structure of output_types {output_types!r}")
        spec = structure.pack(output_types, [TensorSpec(TensorShape(s), t) for t, s in zip(types, shapes)])
        return Iterator(spec, get_default_graph())

    def make_initializer(self, dataset: Any, name: str | None = None) -> Tensor:
        """The op that starts a pass over ``dataset`` (which must have this iterator's structure)."""
        _check_compatible(self._spec, dataset.element_spec)
        stage = dataset._stage
        tensors = graph_tensors(stage)
        iterator = self

        def compute(state, *values):
            ctx = Context(dict(zip(tensors, values)), state, node)
            elements = stage.make(ctx)()
            with state.lock:
                state.generator(iterator, _Slot).elements = elements
        node = NoValueOp("MakeIterator", tensors, compute=compute, name=name or "MakeIterator", graph=self._graph,
                         stateful=True)
        return node

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
        iterator, one_shot = self, self._one_shot

        def compute(state):
            with state.lock:  # one element per run, even with threads running this session
                slot = state.generator(iterator, _Slot)
                if slot.elements is None:
                    if one_shot is None:
                        raise FailedPreconditionError(node, _NOT_INITIALIZED + _where(node))
                    slot.elements = _bind(one_shot, state, node)()
                element = next(slot.elements, None)
            if element is None:
                raise OutOfRangeError(node, "End of sequence" + _where(node))
            element = tuple(_scalar(v) for v in element)
            return element[0] if len(specs) == 1 else element
        one = specs[0] if len(specs) == 1 else None
        node = Tensor("IteratorGetNext", (), compute=compute, name=name or "IteratorGetNext", graph=self._graph,
                      dtype=one.dtype if one else None, shape=one.shape if one else None, stateful=True)
        if one is not None:
            return structure.pack(self._spec, [node])
        components = [Tensor("IteratorGetNext", (node,), compute=_component(k), attrs={"output": k}, dtype=s.dtype,
                             shape=s.shape, name=f"{node.op_name}/output_{k}") for k, s in enumerate(specs)]
        return structure.pack(self._spec, components)

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


def _where(node):
    return f"\n\t [[{{{{node {node.op_name}}}}}]]"


def _scalar(value):
    """A 0-d array as the NumPy scalar TF's session returns for it; other values as they are."""
    return value[()] if getattr(value, "ndim", None) == 0 else value


def _component(k):
    return lambda element: element[k]


def _bind(stage, state, node):
    """A one-shot iterator's pipeline bound on first use: its graph tensors evaluated now, in this session."""
    from .. import executor
    from ..plan import topological_order
    tensors = graph_tensors(stage)
    values = executor.run(topological_order(tensors), {}, state)
    return stage.make(Context(values, state, node))


def make_one_shot_iterator(dataset: Any) -> Iterator:
    """An iterator that starts by itself, at its first ``get_next`` (``tf.data.make_one_shot_iterator``)."""
    stage = dataset._stage
    for node in _ancestors(graph_tensors(stage)):
        if node.type == "Placeholder":
            raise ValueError(f"Cannot capture a placeholder (name:{node.op_name}, type:Placeholder) by value. "
                             f"(A one-shot iterator has no initializer to feed it with: use "
                             f"make_initializable_iterator and feed the placeholder to its initializer.)")
    return Iterator(dataset.element_spec, dataset._graph, one_shot=stage)


def make_initializable_iterator(dataset: Any, shared_name: str | None = None) -> Iterator:
    """An iterator started (and restarted) by running ``iterator.initializer``."""
    iterator = Iterator(dataset.element_spec, dataset._graph)
    iterator._initializer = iterator.make_initializer(dataset)
    return iterator


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
