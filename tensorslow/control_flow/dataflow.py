"""TF1's dataflow control flow: ``Switch``, ``Merge``, and the context that builds a cond's branches.

``tf.cond(pred, true_fn, false_fn)`` builds, as TensorFlow 1 does, ONE graph in which values are
routed (read ``ops/control_flow_ops.py`` for the order of the ops it makes):

* ``Switch(data, pred)`` has two outputs: ``:0`` gets ``data`` when ``pred`` is false, ``:1`` when it is
  true; the other output is :data:`~.dead.DEAD`. ``cond/Switch`` is ``Switch(pred, pred)``, and its
  outputs' Identities ``cond/switch_t`` and ``cond/switch_f`` are each branch's *pivot*: alive only
  when that branch is taken.
* Every op made while a branch function runs joins that branch's :class:`CondContext` (``Tensor``
  asks it, in ``graph.py``). An input from outside the branch is replaced by a ``Switch`` of it,
  output ``:1`` in the true branch, ``:0`` in the false one, named after the consuming op
  (``cond/mul/Switch``); an op with no input gets the pivot as a control input, so it is dead too when
  its branch is not taken (``cond/Const``).
* ``Merge(false value, true value)`` forwards the input that is alive, and its index
  (``value_index``, its second output).

Running (``executor.py``, ``plan_steps.py``): an op with a dead input, data or control, does not run
and its output is dead, so the untaken branch's ops do nothing, side effects included (an ``Assign``
there does not assign). Which nodes can see a dead input is known when the graph is built: a node
``may_be_dead`` if a Switch output, or an input (data or control) that may be dead, reaches it; a Merge
may be dead only if all its inputs may (a cond nested in an untaken branch). Only those nodes check
their inputs when they run; a graph without cond checks nothing. Fetching a dead tensor raises TF's
error, ``Retval[k] does not have value``.

Differentiating: a dead node gets no gradient. ``Merge`` passes its gradient to the input that was
alive (its ``value_index``); ``Switch`` passes to its data input the sum of what its outputs received
(only the live one receives any). The gradient of a branch's ops is their ordinary gradient, run
with the values of the forward pass, so a random op in a branch draws once.
"""
from __future__ import annotations

import contextlib
from typing import Any

from .. import graph as _graph
from ..backend import xp
from ..errors import InvalidArgumentError
from ..graph import Tensor
from ..ops.op_outputs import MultiOutputOp, OutputValues, add_outputs, register_gradient
from ..registry import RegisterGradient
from ..variables import read_ref
from .dead import DEAD

# -- the ops -------------------------------------------------------------------------------------------

def switch(data: Tensor, pred: Tensor, name: str = "Switch", op_type: str = "Switch") -> list[Tensor]:
    """``(output_false, output_true)``: ``data`` goes to ``output_true`` if ``pred`` is true, else to
    ``output_false``; the other output is dead. ``op_type="RefSwitch"``: TF's Switch of a variable
    itself, made for an assignment to it in a branch (which waits on it: it is dead if the branch is)."""
    def route(value, pred_value):
        """(dead, x) if pred else (x, dead)"""
        if xp.ndim(pred_value) != 0:
            raise InvalidArgumentError(node, f"The second input must be a scalar, but it has shape "
                                             f"{list(xp.shape(pred_value))} (Switch op {node.op_name!r})")
        return OutputValues((DEAD, value) if pred_value else (value, DEAD))
    node = MultiOutputOp(op_type, (data, pred), compute=route, name=name)
    outputs = add_outputs(node, [(data.dtype, data.shape)] * 2)
    for output in outputs:
        output.may_be_dead = True  # one of them is, in every run
    return outputs


@register_gradient("Switch")  # a RefSwitch is only waited on (by an assignment): no gradient reaches it
def _switch_grad(op, grads):
    """d data = the sum of what the outputs received (only the live one receives a gradient); the
    predicate gets none"""
    received = [g for g in grads if g is not None]
    if not received:
        return [None, None]
    total = received[0]
    for g in received[1:]:
        total = total + g
    return [total, None]


class Merge(Tensor):
    """``Merge(inputs)``: the value of the one input that is alive, and its index (``value_index``, the
    kernel's second output, as TF's). Dead if all its inputs are."""

    n_outputs = 2
    takes_dead_inputs = True  # the executors call its kernel with dead inputs: it picks the live one

    def __init__(self, inputs, name="Merge", may_be_dead=None):
        first = inputs[0]
        super().__init__("Merge", inputs, compute=_merge, dtype=first.dtype, shape=_common_shape(inputs), name=name)
        self.may_be_dead = all(p.may_be_dead for p in self.inputs) if may_be_dead is None else may_be_dead


def _merge(*values):
    """y = the input that is alive; value_index = its position"""
    for k, value in enumerate(values):
        if value is not DEAD:
            return value, xp.int32(k)
    return DEAD, DEAD


def _common_shape(inputs):
    """The static shape all inputs have: the dims they agree on (unknown rank if ranks differ)."""
    dims = inputs[0].shape.dims
    for p in inputs[1:]:
        other = p.shape.dims
        if dims is None or other is None or len(dims) != len(other):
            return None
        dims = [a if a == b else None for a, b in zip(dims, other)]
    return dims


def merge(inputs: list[Tensor], name: str = "Merge", may_be_dead: bool | None = None) -> Tensor:
    """The value of whichever of ``inputs`` is alive in a run (TF1's ``merge(inputs)[0]``). ``may_be_dead``:
    can all inputs be dead in one run (default: if each can)? A cond's Merge is dead only if its
    predicate is (the cond is nested in a branch not taken): one of its branches is alive otherwise."""
    return Merge(tuple(inputs), name=name, may_be_dead=may_be_dead)


@RegisterGradient("Merge")
def _merge_grad(op, grad):
    """d(the input that was alive) = grad; the others (dead) get none"""
    return [None if value is DEAD else grad for value in op.inputs]


# -- building a branch ---------------------------------------------------------------------------------

@contextlib.contextmanager
def outside_contexts():
    """Nodes made inside join no cond branch and take no control inputs (TF1's
    ``control_dependencies(None)``): the Switch ops that bring an outside value into a branch."""
    saved_cond = getattr(_graph._building, "cond", None)
    saved_control = getattr(_graph._control_stack, "stack", None) or []
    _graph._building.cond, _graph._control_stack.stack = None, []
    try:
        yield
    finally:
        _graph._building.cond, _graph._control_stack.stack = saved_cond, saved_control


def replace_inputs(node: Tensor, inputs: tuple) -> None:
    """Give ``node`` the inputs ``inputs`` (a context's Switch or Enter outputs standing for the tensors it
    read), keeping every tensor's list of consumers right."""
    if inputs == node.inputs:
        return
    for old in node.inputs:
        if node in old._consumers:
            old._consumers.remove(node)
    for new in inputs:
        new._consumers.append(node)
    node.inputs = inputs


class CondContext:
    """One branch of a cond being built: the ops made while it is active join it (TF1's CondContext).

    Attributes:
        pred: the cond's predicate (``cond/pred_id``).
        pivot: ``cond/switch_t`` or ``cond/switch_f``: alive when this branch is taken.
        branch: 1 for the true branch, 0 for the false one (the Switch output it takes).
        outer: the branch this cond is built in (a nested cond), or None.
        values: the nodes that may be used in this branch as they are: its own ops' outputs, those of
            branches nested in it, the predicate, and the Switch outputs that bring outside values in.
        external: for an outside node used in the branch, the Switch output standing for it.
    """

    def __init__(self, pred: Tensor, pivot: Tensor, branch: int) -> None:
        self.graph = pred.graph
        self.pred, self.pivot, self.branch = pred, pivot, branch
        outer = getattr(_graph._building, "cond", None)
        self.outer = outer if outer is not None and outer.graph is self.graph else None
        self.values: set[Tensor] = {pred, pivot}
        self.external: dict[Tensor, Tensor] = {pred: pred}
        self.refs: dict[Tensor, Tensor] = {}  # variable -> the RefSwitch output an assignment to it waits on

    @contextlib.contextmanager
    def active(self):
        """New nodes of the graph join this branch while the block runs."""
        saved = getattr(_graph._building, "cond", None)
        _graph._building.cond = self
        try:
            yield self
        finally:
            _graph._building.cond = saved

    def note(self, node: Tensor) -> None:
        """``node`` belongs to this branch, and so to the branches it is nested in."""
        context: Any = self
        while isinstance(context, CondContext):
            context.values.add(node)
            context = context.outer
        if context is not None:  # the branch is in a while loop's body (frame.py): the node is in the loop
            context.note(node)

    def add_value(self, value: Tensor) -> Tensor:
        """What stands for ``value`` in this branch: itself if it belongs here, else a Switch output of
        it (made on first use; from the enclosing branch's stand-in when conds are nested). A variable
        read in the branch comes in as TF1's does: a Switch of its ``read`` snapshot."""
        value = _as_read(value)
        if value in self.values:
            return self.external.get(value, value)
        result = value
        self.values.add(value)
        if self.outer is not None:
            result = self.outer.add_value(value)
            self.values.add(result)
            self.external[result] = result
        with outside_contexts():
            result = switch(result, self.pred)[self.branch]
        self.note(result)
        self.external[value] = result
        return result

    def add_ref(self, variable: Tensor) -> Tensor:
        """The RefSwitch output standing for ``variable`` itself in this branch (made on first use)."""
        found = self.refs.get(variable)
        if found is None:
            source = self.outer.add_ref(variable) if self.outer is not None else variable
            with outside_contexts():
                found = self.refs[variable] = switch(source, self.pred, op_type="RefSwitch")[self.branch]
            self.note(found)
        return found

    def add_op(self, node: Tensor) -> None:
        """Called for each node made while this branch is active (after it is named): its outside
        inputs are replaced by Switch outputs named after it; with no input, it waits on the pivot. An
        assignment waits on a RefSwitch of its variable (TF's first input of Assign is the variable)."""
        ref = node.__dict__.get("ref")
        if isinstance(ref, Tensor) and ref.type == "VariableV2":
            with self.graph.name_scope(node.op_name + "/"):
                node.control_inputs = (*node.control_inputs, self.add_ref(ref))
        if not node.inputs:
            if not any(c in self.values for c in node.control_inputs):
                node.control_inputs = (*node.control_inputs, self.pivot)
        else:
            refs = node.__dict__.get("compute") is read_ref  # read_value()'s Identity reads the variable itself
            with self.graph.name_scope(node.op_name + "/"):
                inputs = tuple(self.add_ref(x) if refs and x.type == "VariableV2" else self.add_value(x)
                               for x in node.inputs)
            replace_inputs(node, inputs)
        self.note(node)

    def output(self, value: Any) -> Tensor:
        """A branch function's result as this branch's output: an operation becomes the pivot after it
        (``cond/control_dependency``); an outside tensor, a Switch of it (``cond/Switch_1``)."""
        from ..ops.array_ops import identity
        from ..ops.core import convert_to_tensor
        if isinstance(value, _graph.OpView) or (isinstance(value, Tensor) and not value.has_value):
            value = value.node if isinstance(value, _graph.OpView) else value
            with self.graph.name_scope("control_dependency") as scope, _graph.control_dependencies([value]):
                return identity(self.pivot, name=scope)
        tensor = _as_read(convert_to_tensor(value))
        if tensor in self.values:
            return self.external.get(tensor, tensor)
        self.values.add(tensor)
        real = tensor
        if self.outer is not None:
            real = self.outer.add_value(tensor)
            self.values.add(real)
            self.external[real] = real
        real = switch(real, self.pred)[self.branch]
        self.external[tensor] = real
        return real


def _as_read(node: Tensor) -> Tensor:
    """A variable as TF1 converts it to a tensor: its ``read`` snapshot (the same value)."""
    return node._snapshot if node.type == "VariableV2" and "_snapshot" in node.__dict__ else node
