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

What is compared (:func:`comparable_ops`): every op of both graphs, in creation order, except the
backward pass and the optimizer's update, which TensorSlow builds differently by design:

* TF's gradient graph, the ops ``tf.gradients`` and ``minimize`` build in a ``gradients``
  (``gradients_1``, ...) name scope, at the top or in the scope they were called in
  (``gradients/Mean_grad/Tile``, ``train/gradients/...``), one op per step of the chain rule, against
  TensorSlow's ``Gradients`` nodes (one per ``x``, whose kernel runs the backward pass): both are left
  out.
* The update an optimizer's ``apply_gradients`` builds: TensorSlow makes one ``ApplyGradients`` node
  named as the optimizer (``GradientDescent``, ``Adam``); TF makes an op of that name (a ``NoOp``,
  or the global step's ``AssignAdd``) after the ops of its name scope (``Adam/learning_rate``,
  ``Adam/update_W/ApplyAdam``, ``Adam/Assign``...). The op of that name is compared by its name only
  and TF's ops in its scope are left out.

Everything else is compared: the forward graph, variables and their initializers, the optimizer's
slot variables (``W/Adam``, ``beta1_power``) and whatever a program builds on gradients (clipping,
summaries). ``graph_verdict`` sums the comparison up for the programs runner.
"""
from __future__ import annotations

import difflib
import re
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


_GRADIENT_SCOPE = re.compile(r"(^|/)gradients(_\d+)?/")


def comparable_ops(ours: OpList, theirs: OpList) -> tuple[OpList, OpList]:
    """The two op lists with the backward pass and the optimizers' updates left out (see the module's
    docstring): what graph parity compares."""
    updates = {name for name, op_type in ours if op_type == "ApplyGradients"}
    ours = [(name, op_type) for name, op_type in ours if op_type != "Gradients"]
    theirs = [(name, "ApplyGradients" if name in updates else op_type) for name, op_type in theirs
              if not _GRADIENT_SCOPE.search(name) and not any(name.startswith(u + "/") for u in updates)]
    return ours, theirs


def equal_ops(ours: OpList, theirs: OpList) -> int:
    """How many ops the two lists share: same name, same type, in the same order."""
    ours_set = set(ours)
    common_ours = [op for op in ours if op in set(theirs)]
    common_theirs = [op for op in theirs if op in ours_set]
    matcher = difflib.SequenceMatcher(a=common_ours, b=common_theirs, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def graph_verdict(ours: list[OpList], theirs: list[OpList]) -> tuple[str, int, int]:
    """Compare a program's graphs, TensorSlow's and TF's, pairwise in creation order (after
    :func:`comparable_ops`): ``("same graph", n, n)`` or ``("N of M ops differ, first: ...", equal,
    M)``, where M counts the ops of either graph (by name) and N those not equal in both."""
    total = equal = 0
    first = None
    count = max(len(ours), len(theirs))
    for k in range(count):
        a, b = comparable_ops(list(map(tuple, ours[k] if k < len(ours) else [])),
                              list(map(tuple, theirs[k] if k < len(theirs) else [])))
        total += len({name for name, _ in a} | {name for name, _ in b})
        equal += equal_ops(a, b)
        lines = op_list_differences(a, b)
        if lines and first is None:
            first = (f"graph {k + 1}: " if count > 1 else "") + lines[0]
    if len(ours) != len(theirs):
        first = f"{len(ours)} graphs vs {len(theirs)}; " + (first or "")
    if first is None:
        return "same graph", equal, total
    return f"{total - equal} of {total} ops differ, first: {first}", equal, total


def graph_differences(build: Callable[[Any], Any], same_types: Mapping[str, str] | None = None) -> list[str]:
    """The differences between the graphs ``build`` makes with TensorSlow and with ``tf.compat.v1``
    (see :func:`op_list_differences`), within what :func:`comparable_ops` keeps; empty when they match
    op for op."""
    ours, theirs = comparable_ops(tensorslow_ops(build), tensorflow_ops(build))
    return op_list_differences(ours, theirs, same_types)
