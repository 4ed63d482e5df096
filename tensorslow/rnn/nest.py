"""Nested structures of tensors, as RNN states are: a tensor, or tuples and lists (namedtuples such as
``LSTMStateTuple`` included) of nested structures.

``flatten`` lists the leaves depth first; ``pack_sequence_as`` rebuilds a structure from such a list
(TensorFlow's ``nest``, reduced to what the RNN code needs).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


def is_nested(value: Any) -> bool:
    return isinstance(value, (tuple, list))


def sequence_like(like: Any, items: list[Any]) -> Any:
    """A sequence of the same kind as ``like`` holding ``items`` (a namedtuple keeps its class)."""
    if isinstance(like, tuple) and hasattr(like, "_fields"):
        return type(like)(*items)
    return type(like)(items)


def _leaves(value: Any) -> Iterator[Any]:
    if is_nested(value):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def flatten(value: Any) -> list[Any]:
    """The leaves of ``value``, depth first (a leaf alone gives ``[leaf]``)."""
    return list(_leaves(value))


def pack_sequence_as(structure: Any, flat_sequence: list[Any]) -> Any:
    """``structure`` with its leaves replaced, in order, by ``flat_sequence``."""
    flat = list(flat_sequence)
    if len(flat) != len(flatten(structure)):
        raise ValueError(f"Could not pack sequence: structure has {len(flatten(structure))} elements, but "
                         f"flat_sequence had {len(flat)} elements.")
    position = iter(flat)

    def build(node):
        if is_nested(node):
            return sequence_like(node, [build(item) for item in node])
        return next(position)
    return build(structure)


def map_structure(fn: Callable[..., Any], *structures: Any) -> Any:
    """``fn`` applied leaf by leaf to structures of the same shape."""
    for s in structures[1:]:
        assert_same_structure(structures[0], s)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])


def assert_same_structure(a: Any, b: Any) -> None:
    """ValueError if ``a`` and ``b`` do not nest the same way (TensorFlow's wording)."""
    if is_nested(a) != is_nested(b) or (is_nested(a) and len(a) != len(b)):
        raise ValueError(f"The two structures don't have the same nested structure.\n\nFirst structure: {a}\n\n"
                         f"Second structure: {b}")
    if is_nested(a):
        for x, y in zip(a, b):
            assert_same_structure(x, y)
