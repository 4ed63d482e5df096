"""TF1's guard of a variable's initial value against variables that are not initialized yet.

A variable's initial value may read other variables: ``tf.Variable(v * 2)``, ``tf.Variable(w.initialized_value())``,
the shadow an ``ExponentialMovingAverage`` makes of a variable. ``global_variables_initializer()`` runs all the
initializers in one step, in no set order, so TF1 (``variables.py``, ``_try_guard_against_uninitialized_dependencies``)
does not assign the initial value itself: it assigns a copy of it in which every read of a variable ``v`` is
replaced by ``v.initialized_value()``, that is ``cond(IsVariableInitialized(v), read v, v's initial value)``.
Whatever the order, the new variable then gets the value the initial value has once ``v`` is initialized.

The copy, built when the variable is made (after its ``VariableV2`` op, before its ``Assign``), as TF builds it:

* the ops of the initial value are visited depth first, inputs in order, each once;
* a variable of the ``GLOBAL_VARIABLES`` or ``LOCAL_VARIABLES`` collection met there is replaced by a new
  ``initialized_value()`` of it: a cond made in the new variable's name scope (``u/IsVariableInitialized``,
  ``u/cond/Switch``, ..., ``u/cond/Merge``; ``u/cond_1/...`` for a second variable);
* an op with a replaced input is copied, same type and attributes, with the new inputs, named
  ``<op name>_<new variable's scope>`` (``outer/mul_outer/u``, ``cond/Merge_u``); a ``RefSwitch`` becomes a
  ``Switch`` (its input is a value now, not the variable). Ops with nothing to replace are used as they are;
  ``IsVariableInitialized`` ops are left alone;
* an initial value that depends on a while loop (a cycle in TF's graph) is left unguarded, as TF does.

TensorSlow's ops read a variable directly where TF's read its ``read`` snapshot; the walk follows TF's edges,
so a copy of the snapshot is made where TF makes one (``v/read_u``). The variable's ``initial_value`` stays
the unguarded tensor; only its initializer assigns the guarded copy.

One difference remains, from TensorSlow's reads: a ``RefSwitch`` reads its variable when it runs, whatever
the predicate, and TensorSlow initializes a variable at its first read (TF only passes a reference on). So a
guard run while a variable it reads has no value yet initializes that variable on the way. The guarded value
is still TF's (the predicate was computed first); with a random initial value, that variable's own
initializer, run after, draws once more than TF's would. Initializing all at once
(``global_variables_initializer``) or a variable before those that read it gives TF's values exactly.
"""
from __future__ import annotations

import copy

from .graph import Tensor
from .ops.op_outputs import MultiOutputOp, OpOutput, add_outputs

# Op types of a while loop: TF's graph has a cycle there, and TF does not guard an initial value that reaches one.
_LOOP_TYPES = frozenset({"While", "NextIteration", "Enter", "Exit", "LoopCond"})


def guard_initial_value(scope: str, initial_value: Tensor) -> Tensor:
    """``initial_value`` with each variable it reads replaced by that variable's ``initialized_value()``
    (see the module docstring); ``initial_value`` itself if it reads none. ``scope`` is the new variable's
    name scope (``"u/"``): the copies are named after it."""
    if _reaches_a_loop(initial_value):
        return initial_value
    root = _tf_input(None, initial_value)
    replaced: dict[Tensor, Tensor] = {}
    for op in _ops_depth_first(root):
        replaced[op] = _safe_op(scope, op, replaced)
    guarded = _replacement(root, replaced)
    return initial_value if guarded is root else guarded


def _op_of(tensor: Tensor) -> Tensor:
    """The op of a tensor: the op itself, or the op an output ``op:k`` belongs to."""
    return tensor._owner if isinstance(tensor, OpOutput) else tensor


def _reads_the_variable_itself(consumer: Tensor | None) -> bool:
    """Does ``consumer`` take a variable as TF's op does, as the variable op itself (a reference): its
    ``read`` snapshot, ``read_value()``'s Identity, a RefSwitch? Other ops take TF's ``v/read``."""
    from .variables import _read, read_ref
    return consumer is not None and (consumer.type == "RefSwitch"
                                     or consumer.__dict__.get("compute") in (_read, read_ref))


def _tf_input(consumer: Tensor | None, tensor: Tensor) -> Tensor:
    """The tensor TF's ``consumer`` takes where TensorSlow's takes ``tensor``: a variable's ``read`` snapshot
    where TensorSlow reads the variable directly (``consumer`` None: the initial value itself)."""
    if tensor.type == "VariableV2" and "_snapshot" in tensor.__dict__ and not _reads_the_variable_itself(consumer):
        return tensor._snapshot
    return tensor


def _stops_here(op: Tensor) -> bool:
    """The walk does not go past a variable (it is replaced) nor an ``IsVariableInitialized`` (kept)."""
    return op.type in ("VariableV2", "IsVariableInitialized")


def _ops_depth_first(root: Tensor) -> list[Tensor]:
    """The ops ``root`` depends on through data inputs (TF's edges), each after its inputs, in the order of
    TF's recursive walk (inputs in order, each op once). Iterative: a long chain needs no deep recursion."""
    order: list[Tensor] = []
    seen: set[Tensor] = set()
    stack: list[tuple[Tensor, bool]] = [(_op_of(root), False)]
    while stack:
        op, inputs_done = stack.pop()
        if inputs_done:
            order.append(op)
            continue
        if op in seen:
            continue
        seen.add(op)
        stack.append((op, True))
        if not _stops_here(op):
            stack.extend((_op_of(_tf_input(op, p)), False) for p in reversed(op.inputs))
    return order


def _reaches_a_loop(tensor: Tensor) -> bool:
    """Does ``tensor`` depend (through data or control inputs) on a while loop?"""
    seen: set[Tensor] = set()
    stack = [_op_of(tensor)]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op.type in _LOOP_TYPES:
            return True
        stack.extend(_op_of(p) for p in (*op.inputs, *op.control_inputs))
    return False


def _replacement(tensor: Tensor, replaced: dict[Tensor, Tensor]) -> Tensor:
    """What stands for ``tensor`` once its op is replaced: the same output of the new op."""
    op = _op_of(tensor)
    new = replaced.get(op, op)
    if new is op:
        return tensor
    return new.outputs[tensor.value_index] if isinstance(tensor, OpOutput) else new


def _safe_op(scope: str, op: Tensor, replaced: dict[Tensor, Tensor]) -> Tensor:
    """``op`` itself, or what replaces it: a variable's ``initialized_value()``, or a copy of ``op`` with
    replaced inputs (its inputs were visited first)."""
    if op.type == "IsVariableInitialized":
        return op
    if op.type == "VariableV2":
        return _initialized_value(op)
    inputs, modified = [], False
    for p in op.inputs:
        tf_input = _tf_input(op, p)
        new = _replacement(tf_input, replaced)
        modified = modified or new is not tf_input
        inputs.append(p if new is tf_input else new)
    return _copy(op, inputs, f"{op.op_name}_{scope}") if modified else op


def _initialized_value(variable: Tensor) -> Tensor:
    """``variable.initialized_value()`` if it is a global or local variable, else the variable (TF looks in
    those two collections only)."""
    from .variables import GraphKeys
    graph = variable.graph
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES):
        if any(v is variable for v in graph.get_collection(key)):
            return variable.initialized_value()  # type: ignore[attr-defined]
    return variable


def _copy(op: Tensor, inputs: list[Tensor], name: str) -> Tensor:
    """A new op like ``op`` (type, kernel, attributes, dtype, shape) on ``inputs``, named ``name`` exactly
    (TF's name ends with the scope's "/": it is taken as it is, not made unique), with no control inputs."""
    from .control_flow.dataflow import switch
    if op.type in ("Switch", "RefSwitch"):  # TF: a RefSwitch of a value is a Switch
        return switch(inputs[0], inputs[1], name=name)[0]._owner  # type: ignore[attr-defined]
    new = copy.copy(op)
    new.__dict__.pop("_op_view", None)
    new.inputs, new.control_inputs, new._consumers = tuple(inputs), (), []
    new.attrs = dict(op.attrs)
    for p in inputs:
        p._consumers.append(new)
    op.graph._add(new, name)
    if not op.takes_dead_inputs:  # a Merge keeps its own rule (dead only if its predicate may be)
        new.may_be_dead = any(p.may_be_dead for p in inputs)
    if isinstance(new, MultiOutputOp):
        add_outputs(new, [(o.dtype, o.shape) for o in op.outputs])
    return new
