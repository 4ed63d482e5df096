"""``tf.while_loop`` as TF1 builds it: a *frame* of ``Enter``, ``Merge``, ``LoopCond``, ``Switch``,
``Identity``, ``NextIteration`` and ``Exit`` ops around the condition's and the body's ops.

**The graph.** ``while_loop(cond, body, [i0, y0])`` makes, in the loop's name scope, in TF1's order:

* ``while/Enter``, ``while/Enter_1``: one per loop var, bringing its initial value into the frame;
* ``while/Merge``, ``while/Merge_1``: a loop var's value at the start of an iteration: from its Enter
  in the first iteration, from its ``NextIteration`` in the later ones (the loop's back edge);
* the condition's ops on the Merges (``while/Less``), and ``while/LoopCond``, its scalar bool;
* ``while/Switch``, ``while/Switch_1``: ``Switch(merge, loop_cond)``: output ``:1`` goes on into the
  body while the condition holds, output ``:0`` leaves the loop when it does not;
* ``while/Identity``, ``while/Identity_1``: the loop vars as the body sees them (``Switch:1``), then
  the body's ops;
* ``while/NextIteration``, ``while/NextIteration_1``: the body's results, the Merges' next values;
* ``while/Exit``, ``while/Exit_1``: the final values (``Switch:0`` of the last iteration).

Every op made while the condition and body functions run joins the loop's :class:`WhileContext`
(TF1's class of that name; ``Tensor`` calls its :meth:`~WhileContext.add_op`). An input from outside
the loop is brought in by an ``Enter`` op named after its consumer and made after it (``while/mul``,
then ``while/mul/Enter``), once per outside tensor; a variable comes in as its ``read`` snapshot, read
once per run, before the loop. An op with no input waits on the loop's pivot (``while/Merge`` in the
condition, ``while/Identity`` in the body), as in TF1. A cond in the body is built inside the loop
(its outside values come through the loop's Enters, then the cond's Switches); a loop in a loop body
is a frame inside the outer loop's body.

**Running: a frame runs as one unit.** TF's executor runs a loop's ops once per iteration, in *frames*
that tag each value with its iteration. TensorSlow's executors run each node of a topological order
once, so the loop's cycle (``Merge`` <- ``NextIteration`` <- body <- ``Switch`` <- ``Merge``) is run
by a *frame runner*: a node of the graph that ``get_operations`` does not list (type ``While``, named
as the loop), whose inputs are the tensors the Enters bring in and whose value is the loop's final
values, which the ``Exit`` ops pick. The Merge's back edge is kept as ``merge.back_edge`` (and shown as
its second input in a GraphDef), not as a data input, so that the graph stays acyclic for the
executors and ``gradients``. Per iteration the runner runs the frame's own nodes with their kernels:

1. each ``Enter`` (first) on its input, then each ``Merge`` on its Enter's value (first iteration) or
   its NextIteration's (later ones);
2. the condition's ops and ``LoopCond``: a compiled sub-plan (or the reference interpreter) of the
   session's executor, fed the Merges' and captured Enters' values;
3. each ``Switch`` on (its Merge, LoopCond): if the condition is false, output ``:0`` is the value
   the ``Exit`` gets and the loop ends;
4. else each ``Identity`` on output ``:1``, then the body's ops and ``NextIteration``: a second
   sub-plan, fed the Identities' and captured Enters' values.

A program that does not build a loop runs exactly as before: nothing in the executors looks for
frames.

**Differentiating: backpropagation through time.** The body's backward pass, dL/d(NextIteration
values) -> dL/d(Identities) and dL/d(captured Enters), is built once, when the loop is
(:class:`~.region.RegionFunction`, ``gradients()`` with placeholders for the incoming gradients).
The runner keeps, per iteration, the values that pass reads, and the runner's gradient runs it once
per iteration, last first: dL/d(Identities) of one iteration is dL/d(NextIteration values) of the
one before; dL/d(captured tensor) is summed over the iterations and flows on to the tensor outside
the loop (a variable's ``read`` snapshot, so to the variable). With ``back_prop=False`` the runner has
no gradient and ``gradients`` gives None through the loop, as TF1.
"""
from __future__ import annotations

import contextlib
from typing import Any

from .. import graph as _graph
from ..backend import xp
from ..errors import InvalidArgumentError
from ..graph import Graph, Tensor
from .dataflow import Merge, _as_read, outside_contexts, replace_inputs, switch
from .dead import DEAD
from .region import RegionFunction, RegionValues, hidden


def _forward(value):
    """y = x"""
    return value


def enter(data: Tensor, frame_name: str, is_constant: bool, name: str = "Enter") -> Tensor:
    """``Enter``: ``data`` brought into the loop frame ``frame_name`` (``is_constant``: the same value in
    every iteration, an outside tensor the loop reads; else a loop var's initial value)."""
    return Tensor("Enter", (data,), compute=_forward, dtype=data.dtype, shape=data.shape, name=name,
                  attrs={"frame_name": frame_name, "is_constant": is_constant})


class WhileContext:
    """One loop being built: the ops made while it is active join its frame (TF1's WhileContext).

    Attributes:
        scope: the loop's name scope, absolute (``"while/"``), and its frame's name without the slash.
        outer: the context it is built in (a cond branch, a loop body), or None.
        values: the nodes that may be used in the loop as they are (its own, and outside ones brought in).
        external: for an outside node used in the loop, the ``Enter`` standing for it.
        enters: the loop vars' Enters, then the captured tensors' Enters (in the order they were made).
        pivot: what an op with no input waits on (Merge in the condition, Identity in the body).
    """

    def __init__(self, graph: Graph, scope: str) -> None:
        self.graph, self.scope = graph, scope
        outer = getattr(_graph._building, "cond", None)
        self.outer = outer if outer is not None and outer.graph is graph else None
        self.outer_control = list(getattr(_graph._control_stack, "stack", None) or [])
        self.values: set[Tensor] = set()
        self.external: dict[Tensor, Tensor] = {}
        self.enters: list[Tensor] = []
        self.pivot: Tensor | None = None

    @contextlib.contextmanager
    def active(self):
        """New nodes of the graph join this loop while the block runs, without the control inputs of
        enclosing blocks (the frame runner gets those: the loop's ops run after them)."""
        saved_cond = getattr(_graph._building, "cond", None)
        saved_control = getattr(_graph._control_stack, "stack", None) or []
        _graph._building.cond, _graph._control_stack.stack = self, []
        try:
            yield self
        finally:
            _graph._building.cond, _graph._control_stack.stack = saved_cond, saved_control

    def note(self, node: Tensor) -> None:
        """``node`` belongs to this loop, and so to the contexts it is built in (it is not fetchable:
        its value is one iteration's; ``frame`` names its innermost loop)."""
        self.values.add(node)
        vars(node).setdefault("frame", self.scope[:-1])
        if self.outer is not None:
            self.outer.note(node)

    def add_enter(self, source: Tensor, is_constant: bool) -> Tensor:
        """A new ``Enter`` of ``source`` (a tensor of the outer context) into this frame."""
        with outside_contexts():
            node = enter(source, self.scope[:-1], is_constant)
        self.enters.append(node)
        self.note(node)
        return node

    def add_value(self, value: Tensor) -> Tensor:
        """What stands for ``value`` in this loop: itself if it belongs here, else an Enter of it (made on
        first use, in the current name scope; from the outer context's stand-in when nested)."""
        value = _as_read(value)
        if value in self.values:
            return self.external.get(value, value)
        source = self.outer.add_value(value) if self.outer is not None else value
        result = self.add_enter(source, is_constant=True)
        self.values.add(value)
        self.external[value] = result
        return result

    def add_ref(self, variable: Tensor) -> Tensor:
        """A variable itself (an assignment's target) is used as it is: its state is the session's."""
        return variable

    def add_op(self, node: Tensor) -> None:
        """Called for each node made while this loop is active (after it is named): outside inputs are
        replaced by Enters named after it; with no input (data or control from the loop), it waits on
        the pivot; a control input from outside the loop becomes one of the frame runner's. A variable
        made here belongs to the whole graph (TF1's init_scope)."""
        if node.type == "VariableV2":
            return
        outside = [c for c in node.control_inputs if c not in self.values]
        if outside:  # the frame runner waits on them, once, before the loop (TF pulls them in through Enters)
            self.outer_control += [c for c in outside if c not in self.outer_control]
            node.control_inputs = tuple(c for c in node.control_inputs if c in self.values)
        if not node.inputs:
            if self.pivot is not None and not any(c in self.values for c in node.control_inputs):
                node.control_inputs = (*node.control_inputs, self.pivot)
        else:
            with self.graph.name_scope(node.op_name + "/"):
                inputs = tuple(x if x.type == "VariableV2" and node.__dict__.get("ref") is x
                               else self.add_value(x) for x in node.inputs)
            replace_inputs(node, inputs)
        self.note(node)


def build_frame(scope: str, inits: list[Tensor], shapes: list[Any], cond_fn: Any, body_fn: Any,
                check_outputs: Any, back_prop: bool) -> tuple[list[Tensor], list[Tensor], Any]:
    """The loop's ops, as TF1's ``WhileContext.BuildLoop`` makes them; returns (the Exits, the
    body's flat results, the body's result). ``cond_fn(merges)`` and ``body_fn(identities)`` take and
    return flat lists; ``check_outputs(results)`` checks the body's results against the loop vars."""
    graph = inits[0].graph
    context = WhileContext(graph, scope)
    if context.outer is not None:  # the outer context (a cond branch) brings the initial values in first
        inits = [context.outer.add_value(v) for v in inits]
    enters = []
    for init, shape in zip(inits, shapes):
        node = enter(init, scope[:-1], is_constant=False)
        node._shape = shape
        context.note(node)
        enters.append(node)
    context.enters = list(enters)
    with context.active():
        merges = [Merge((e,), name="Merge", may_be_dead=e.may_be_dead) for e in enters]
        for m, e in zip(merges, enters):
            m._shape = e.shape
            context.note(m)
        context.pivot = merges[0]
        test = cond_fn(merges)
        loop_cond = Tensor("LoopCond", (test,), compute=_loop_condition(scope), dtype=test.dtype, shape=[],
                           name="LoopCond")
        switches = [switch(m, loop_cond) for m in merges]
        for pair in switches:
            for output in pair:
                output.may_be_dead = False  # the runner takes :1 only while looping, :0 once at the end
        identities = [Tensor("Identity", (t,), compute=_forward, dtype=t.dtype, shape=t.shape, name="Identity")
                      for _, t in switches]
        context.pivot = identities[0]
        results, packed = body_fn(identities)
        results = [context.add_value(r) if r not in context.values else r for r in results]
        check_outputs(results)
        nexts = [Tensor("NextIteration", (r,), compute=_forward, dtype=r.dtype, shape=r.shape, name="NextIteration")
                 for r in results]
    for m, n in zip(merges, nexts):  # the back edge, not a data input: the graph stays acyclic
        vars(m).update(back_edge=n, tf_inputs=(m.inputs[0], n))
    captured = context.enters[len(enters):]
    condition = RegionFunction(scope, [*merges, *captured], [loop_cond], differentiable=False)
    step = RegionFunction(scope, [*identities, *captured], nexts, differentiable=back_prop)
    runner = _frame_runner(context, scope, merges, switches, identities, condition, step, back_prop)
    exits = []
    for k, ((false_output, _), e) in enumerate(zip(switches, enters)):
        node = Tensor("Exit", (runner,), compute=_picker(k), attrs={"index": k}, dtype=e.dtype, shape=e.shape,
                      name="Exit")
        vars(node)["tf_inputs"] = (false_output,)  # TF's input, shown in a GraphDef
        exits.append(node)
    return exits, results, packed


def _loop_condition(scope):
    def loop_condition(value):
        """y = pred, a scalar bool: does the loop go on?"""
        if xp.ndim(value) != 0:
            raise InvalidArgumentError(None, f"The condition of while loop {scope[:-1]!r} must be a scalar, but it "
                                             f"has shape {list(xp.shape(value))}")
        return value
    return loop_condition


def _picker(k):
    def pick(values):
        """y = loop var k's value when the loop ends"""
        return values[k]
    return pick


def _frame_runner(context, scope, merges, switches, identities, condition, step, back_prop):
    """The node that runs the loop's frame (see the module docstring): inputs, the Enters' inputs; value,
    the final loop vars (a :class:`RegionValues` keeping each iteration's values for the gradient)."""
    enters, n = context.enters, len(merges)
    # The frame's own kernels, looked up once (they are the nodes' kernels: Enter and Identity forward
    # their input, Merge picks the live one of its inputs, Switch routes by the condition).
    enter_kernels = [e.compute for e in enters]
    merge_kernels = [m.compute for m in merges]
    switch_kernels = [s[0].inputs[0].compute for s in switches]
    identity_kernels = [i.compute for i in identities]

    def run_frame(state, *values):
        """while cond(v): v = body(v)"""
        entered = [kernel(v) for kernel, v in zip(enter_kernels, values)]
        captured, keep = entered[n:], step.differentiable
        merged = [kernel(v)[0] for kernel, v in zip(merge_kernels, entered)]  # first iteration: from Enter
        history = []
        while True:
            (go,), _ = condition.run(state, merged + captured)
            routed = [kernel(m, go) for kernel, m in zip(switch_kernels, merged)]
            if not go:  # Switch:0, what each Exit gets
                return RegionValues([r[0] for r in routed], (history, state))
            inside = [kernel(r[1]) for kernel, r in zip(identity_kernels, routed)]
            following, kept = step.run(state, inside + captured, keep)
            if keep:
                history.append(kept)
            merged = [kernel(DEAD, v)[0] for kernel, v in zip(merge_kernels, following)]  # from NextIteration

    sources = tuple(e.inputs[0] for e in enters)
    with outside_contexts():
        node = hidden(context.graph, scope[:-1], Tensor, "While" if back_prop else "WhileWithoutGradient",
                      compute=run_frame, stateful=True, attrs={"body": step, "cond": condition, "n_loop_vars": n})
    node.inputs, node.control_inputs = sources, tuple(context.outer_control)
    for source in sources:
        source._consumers.append(node)
    node.may_be_dead = any(p.may_be_dead for p in sources + node.control_inputs)
    if context.outer is not None:
        context.outer.note(node)
    return node
