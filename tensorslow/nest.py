"""``tf.nest``: nested structures (lists, tuples, namedtuples, dicts) of tensors and other leaves.

``flatten`` lists the leaves depth first, dict values in sorted key order; ``pack_sequence_as`` puts a
flat list back into a structure's shape; ``map_structure`` applies a function leaf by leaf (to several
structures of the same shape at once). RNN programs use it on states: ``tf.nest.flatten(state)``.
The work is done by ``control_flow/nest.py``, which ``cond`` and ``while_loop`` share.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .control_flow import nest as _nest
from .control_flow.nest import flatten, is_nested, pack_sequence_as


def assert_same_structure(nest1: Any, nest2: Any, check_types: bool = True, expand_composites: bool = False) -> None:
    """ValueError (TypeError for a list against a tuple) unless the two nestings match; with
    ``check_types=False`` only the number of leaves must (a looser check than TF's)."""
    if check_types:
        _nest.assert_same_structure(nest1, nest2)
    elif len(flatten(nest1)) != len(flatten(nest2)):
        raise ValueError(f"The two structures don't have the same number of elements: {len(flatten(nest1))} "
                         f"and {len(flatten(nest2))}")


def map_structure(func: Callable[..., Any], *structure: Any, **kwargs: Any) -> Any:
    """``func`` applied to the corresponding leaves of the ``structure`` arguments (same nesting)."""
    if not structure:
        raise ValueError("Must provide at least one structure")
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", None)
    if kwargs:
        raise ValueError(f"Only valid keyword arguments are `check_types` and `expand_composites`, not: "
                         f"`{', '.join(kwargs)}`")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    leaves = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*args) for args in zip(*leaves)])


__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as"]
