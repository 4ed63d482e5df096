"""Graph parity: does TensorSlow build the ops TensorFlow builds, with the same names and types?

``graph_differences(build)`` runs ``build(tf)`` twice, each in a fresh graph: once with ``tf`` =
``tensorslow`` and once with ``tf`` = ``tensorflow.compat.v1``, and compares the two graphs' lists of
``(op name, op type)`` in creation order. An empty list means the graphs match op for op::

    def build(tf):
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        with tf.variable_scope("dense"):
            w = tf.get_variable("kernel", [2, 3])
        return tf.matmul(x, w)

    assert graph_differences(build) == []

Op names are TensorSlow's node names (a node is its op: ``Tensor.op_name``, no ``:0``). ``same_types``
maps a TensorSlow op type to the TF type it stands for where the two name one op differently.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

from tensorslow_parity.tf1_behaviour import tf1_behaviour

OpList = list[tuple[str, str]]


def tensorslow_ops(build: Callable[[Any], Any]) -> OpList:
    """(op name, op type) of every op ``build(tensorslow)`` makes in a fresh graph, in creation order."""
    import tensorslow
    with tensorslow.Graph().as_default() as graph:
        build(tensorslow)
    return [(op.op_name, op.type) for op in graph.get_operations()]


def tensorflow_ops(build: Callable[[Any], Any]) -> OpList:
    """(op name, op type) of every op ``build(tf.compat.v1)`` makes in a fresh graph, in creation order."""
    with tf1_behaviour() as tf, tf.Graph().as_default() as graph:  # as a TF1 program: reference variables
        build(tf)
    return [(op.name, op.type) for op in graph.get_operations()]


def op_list_differences(ours: OpList, theirs: OpList, same_types: Mapping[str, str] | None = None) -> list[str]:
    """Readable differences between two op lists (TensorSlow's, TensorFlow's), one line per op: only
    TensorSlow has it (``- tensorslow only``), only TensorFlow has it (``+ tensorflow only``), both with
    other types (``~ type``), or both but made in another order (``~ order``); sorted by where the op
    comes in its list. Empty when the lists match."""
    same_types = dict(same_types or {})
    ours = [(name, same_types.get(op_type, op_type)) for name, op_type in ours]
    our_types, their_types = dict(ours), dict(theirs)
    found = []  # (position, line)
    for k, (name, op_type) in enumerate(ours):
        if name not in their_types:
            found.append((k, f"- tensorslow only: {name} ({op_type})"))
        elif their_types[name] != op_type:
            found.append((k, f"~ type {name}: tensorslow {op_type}, tensorflow {their_types[name]}"))
    found += [(k, f"+ tensorflow only: {name} ({op_type})") for k, (name, op_type) in enumerate(theirs)
              if name not in our_types]
    common_ours = [name for name, _ in ours if name in their_types]
    common_theirs = [name for name, _ in theirs if name in our_types]
    in_order = set()
    for block in difflib.SequenceMatcher(a=common_ours, b=common_theirs, autojunk=False).get_matching_blocks():
        in_order.update(common_ours[block.a:block.a + block.size])
    found += [(k, f"~ order {name} ({op_type}): made at another point by tensorflow")
              for k, (name, op_type) in enumerate(ours) if name in their_types and name not in in_order]
    return [line for _, line in sorted(found, key=lambda item: item[0])]


def graph_differences(build: Callable[[Any], Any], same_types: Mapping[str, str] | None = None) -> list[str]:
    """The differences between the graphs ``build`` makes with TensorSlow and with ``tf.compat.v1``
    (see :func:`op_list_differences`); empty when they match op for op."""
    return op_list_differences(tensorslow_ops(build), tensorflow_ops(build), same_types)
