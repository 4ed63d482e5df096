"""Nested structures of tensors: what ``tf.cond`` branches return and what ``tf.while_loop`` carries.

A structure is a tensor (or any other leaf), or a list, tuple, namedtuple or dict of structures:
``(i, (h, c))`` is a tuple of a leaf and a tuple of two leaves. Control flow works on the *flat*
list of leaves (``flatten``: depth first, dict values in sorted key order, as ``tf.nest`` does) and
gives results back in the caller's structure (``pack_sequence_as``). ``assert_same_structure``
raises TensorFlow's errors, with TensorFlow's wording, when two structures differ.
"""
from __future__ import annotations

from typing import Any


def is_nested(value: Any) -> bool:
    """Is ``value`` a list, tuple (namedtuple included) or dict, rather than a leaf?"""
    return isinstance(value, (list, tuple, dict))


def _children(value):
    """The sub-structures of a nested ``value``, in flattening order."""
    if isinstance(value, dict):
        return [value[k] for k in _sorted_keys(value)]
    return list(value)


def _sorted_keys(mapping):
    try:
        return sorted(mapping)
    except TypeError:  # keys of mixed types: TF sorts them by their string form
        return sorted(mapping, key=str)


def flatten(structure: Any) -> list[Any]:
    """The leaves of ``structure``, depth first (a leaf alone gives a one-element list)."""
    if not is_nested(structure):
        return [structure]
    out: list[Any] = []
    for child in _children(structure):
        out.extend(flatten(child))
    return out


def pack_sequence_as(structure: Any, flat: list[Any]) -> Any:
    """``flat`` (as many leaves as ``structure`` has) arranged in ``structure``'s nesting and types."""
    leaves = iter(flat)

    def build(s):
        if not is_nested(s):
            return next(leaves)
        items = [build(child) for child in _children(s)]
        if isinstance(s, dict):
            return type(s)(zip(_sorted_keys(s), items))
        if isinstance(s, tuple) and hasattr(s, "_fields"):  # namedtuple
            return type(s)(*items)
        return type(s)(items)
    result = build(structure)
    if next(leaves, None) is not None:
        raise ValueError(f"pack_sequence_as: {len(flat)} values for a structure of {len(flatten(structure))}")
    return result


def map_structure(fn: Any, structure: Any) -> Any:
    """``structure`` with ``fn`` applied to each leaf."""
    return pack_sequence_as(structure, [fn(leaf) for leaf in flatten(structure)])


def _describe(value):
    return f"type={type(value).__name__} str={value!r}"


def _outline(value):
    """``(., [., .])``: the nesting of ``value`` with each leaf drawn as a dot (TF's summary)."""
    if not is_nested(value):
        return "."
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_outline(value[k])}" for k in _sorted_keys(value)) + "}"
    inner = ", ".join(_outline(v) for v in value)
    return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"


def assert_same_structure(first: Any, second: Any) -> None:
    """Raise ValueError (or TypeError, for a list where a tuple was) if the nestings differ, as ``tf.nest``."""
    problem = _difference(first, second)
    if problem is None:
        return
    error_type, detail = problem
    raise error_type("The two structures don't have the same nested structure.\n\n"
                     f"First structure: {_describe(first)}\n\nSecond structure: {_describe(second)}\n\n"
                     f"More specifically: {detail}\nEntire first structure:\n{_outline(first)}\n"
                     f"Entire second structure:\n{_outline(second)}")


def _difference(a, b):
    """(error type, what differs) for the first difference between ``a`` and ``b``, or None."""
    if is_nested(a) != is_nested(b):
        nested, leaf = (a, b) if is_nested(a) else (b, a)
        return ValueError, f'Substructure "{_describe(nested)}" is a sequence, while substructure ' \
                           f'"{_describe(leaf)}" is not'
    if not is_nested(a):
        return None
    if type(a) is not type(b) and not (isinstance(a, dict) and isinstance(b, dict)):
        return TypeError, f"The two namedtuples don't have the same sequence type. First structure " \
                          f"{_describe(a)} has type {type(a).__name__}, while second structure {_describe(b)} " \
                          f"has type {type(b).__name__}"
    if isinstance(a, dict) and set(a) != set(b):
        return ValueError, f"The two dictionaries don't have the same set of keys. First structure has keys " \
                           f"{_describe(_sorted_keys(a))}, while second structure has keys " \
                           f"{_describe(_sorted_keys(b))}"
    if len(a) != len(b):
        return ValueError, f"The two structures don't have the same number of elements. First structure: " \
                           f"{_describe(a)}. Second structure: {_describe(b)}"
    for x, y in zip(_children(a), _children(b)):
        problem = _difference(x, y)
        if problem is not None:
            return problem
    return None
