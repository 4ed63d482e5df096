"""Regions: the sub-graphs of ``tf.while_loop`` bodies, and how they run.

``tf.cond`` builds TF1's own dataflow graph (``Switch`` and ``Merge`` ops, dead tensors: read
:mod:`.dataflow`). A loop would need more of TF1's machinery: ``Enter``, ``NextIteration`` and ``Exit``
ops and an executor that runs the same nodes again in frames, one per iteration. TensorSlow does for
loops what TF2 does, inside TF1's graph: the body is a sub-graph that one ``While`` op runs, in its
kernel, as many times as the condition says, so both executors still run each node of a topological
order once, and the body's own gradients are built by the ordinary ``gradients()``:

* **Building.** ``tf.while_loop`` calls the condition and body functions once, at graph-construction
  time, while a :class:`Region` is *active*: every node created then joins the region (``Tensor.__init__``
  asks :meth:`Region.adopt`), and an input from outside the region (``x`` in ``lambda i, y: (i + 1, y * x)``)
  is *captured*: replaced by a placeholder of the region standing for it (named ``while/Enter``, as TF1's
  op that brings a value into a loop). The region's nodes live in the graph under the loop's name scope
  (``while/mul``), so they show in ``get_operations()`` and TensorBoard, but nothing outside the region
  consumes them: the outer graph sees ONE node, the ``While`` op, whose inputs are the loop variables'
  initial values and the captured tensors, and whose value is the tuple of the final loop variables
  (``while/Exit`` nodes pick them; see ``ops/control_flow_ops.py``).
* **Running.** The op's kernel feeds the region's placeholders with its input values and runs the
  region's outputs with the session's executor (a compiled plan, or the reference interpreter), once
  per iteration. A cond in the body is ordinary dataflow inside the region: its dead tensors stay in
  the region's runs.
* **Differentiating.** A :class:`RegionFunction` (the body) builds, once, the backward pass of its float
  outputs with respect to its float inputs (``gradients()`` inside the region, with placeholders for the
  incoming gradients). Its forward run keeps the values that pass reads (TF's while keeps its
  intermediates for the same reason), so the gradient reuses the very values of the forward pass: a
  dropout mask or any random draw in the body is not drawn again.

Variables are read where they are used, not captured: a region node reading variable ``w`` reads the
session's current value when it runs (at every iteration, as TF1 reads its variables), and ``w`` is
also an input of the op, so that gradients reach it through the op. A variable created while a region
is active (``get_variable`` in a loop body, as ``dynamic_rnn``'s cells do) does not join it: it belongs
to the whole graph, as in TF1.
"""
from __future__ import annotations

import contextlib
from typing import Any

from .. import executor as _executor
from .. import graph as _graph
from .. import session as _session
from ..backend import xp
from ..gradients import gradients
from ..plan import Plan, topological_order
from ..variables import Placeholder, Variable


class Region:
    """The nodes built by one loop's condition and body.

    Attributes:
        graph: the graph its nodes belong to.
        scope: its name scope, absolute (``"while/"``).
        parent: the region being built when this one was made (a loop in a loop body), or None.
        nodes: its nodes (captured tensors' placeholders included).
        placeholders: the placeholders standing for captured tensors, in order.
        sources: for each of those, the node outside the region that feeds it (the op's inputs).
        variables: the variables its nodes read (also inputs of the op, for their gradients).
        outer_control: control inputs from outside the region (the op runs after them).
    """

    def __init__(self, graph: _graph.Graph, scope: str, capture_name: str) -> None:
        self.graph = graph
        self.scope = scope
        self.capture_name = capture_name
        parent = getattr(_graph._building, "region", None)
        self.parent = parent if parent is not None and parent.graph is graph else None
        self.nodes: set[_graph.Tensor] = set()
        self.placeholders: list[_graph.Tensor] = []
        self.sources: list[_graph.Tensor] = []
        self.variables: list[_graph.Tensor] = []
        self.outer_control: list[_graph.Tensor] = []
        self._captured: dict[_graph.Tensor, _graph.Tensor] = {}

    @contextlib.contextmanager
    def active(self):
        """New nodes of the graph join this region, without the control inputs of enclosing blocks (the
        op gets those: a region's nodes run inside the op, after them)."""
        saved_region, saved_cond = getattr(_graph._building, "region", None), getattr(_graph._building, "cond", None)
        saved_control = getattr(_graph._control_stack, "stack", None) or []
        # A loop inside a cond branch: its body's nodes run inside the While op, which joins the branch.
        _graph._building.region, _graph._building.cond, _graph._control_stack.stack = self, None, []
        try:
            yield self
        finally:
            _graph._building.region, _graph._building.cond = saved_region, saved_cond
            _graph._control_stack.stack = saved_control

    def adopt(self, node, inputs, control_inputs):
        """Called for each node created while this region is active: make it a region node; return its
        inputs with outside ones captured, and its control inputs without outside ones (kept for the op)."""
        if isinstance(node, Variable):
            return inputs, control_inputs  # a variable belongs to the whole graph (TF1's init_scope)
        self.nodes.add(node)
        inputs = tuple(p if p in self.nodes or self._reads(p) else self.capture(p) for p in inputs)
        outside = [c for c in control_inputs if c not in self.nodes]
        if outside:
            self.outer_control += [c for c in outside if c not in self.outer_control]
            control_inputs = tuple(c for c in control_inputs if c in self.nodes)
        return inputs, control_inputs

    def _reads(self, node):
        """Is ``node`` a variable (read where it is used)? Then note it as one the region reads."""
        if not isinstance(node, Variable):
            return False
        if node not in self.variables:
            self.variables.append(node)
        return True

    def capture(self, outer: _graph.Tensor) -> _graph.Tensor:
        """The region's placeholder standing for ``outer``, a node outside it (made on first use). A region
        inside another captures from its parent, which captures from further out if it must."""
        placeholder = self._captured.get(outer)
        if placeholder is None:
            if not outer.has_value:
                raise TypeError(f"{self.scope[:-1]}: operation {outer.name!r} has no value to use as an input")
            source = outer
            if self.parent is not None and outer not in self.parent.nodes:
                source = self.parent.capture(outer)
            placeholder = self._captured[outer] = self.placeholder(outer.dtype, outer.shape, self.capture_name)
            self.placeholders.append(placeholder)
            self.sources.append(source)
        return placeholder

    def placeholder(self, dtype: Any, shape: Any, name: str) -> _graph.Tensor:
        """A new placeholder of this region, named in its scope (the op feeds it when it runs the region)."""
        with self.active(), self.graph.name_scope(self.scope):
            return Placeholder(dtype, shape, name)


class RegionValues(tuple):
    """The value of a ``While`` node: one array per output, plus ``record``, what its gradient needs
    from this run (the loop's values at each iteration)."""

    shape = None  # not an array: the engine's check of a gradient's shape against it passes it by

    def __new__(cls, values, record):
        self = super().__new__(cls, values)
        self.record = record
        return self


class OutputGradients:
    """dL/d(each output) of a ``While`` node, None where no gradient arrived: what the node's
    output ops (``Exit``) pass back to it. The engine sums them like arrays (``a + b``)."""

    __slots__ = ("grads",)
    shape = None  # as RegionValues: no broadcasting to undo

    def __init__(self, grads):
        self.grads = grads

    @classmethod
    def one(cls, index: int, count: int, grad: Any) -> OutputGradients:
        """``grad`` for output ``index`` of ``count``; None for the others."""
        return cls([grad if k == index else None for k in range(count)])

    def __add__(self, other: OutputGradients) -> OutputGradients:
        return OutputGradients([a if b is None else b if a is None else a + b
                                for a, b in zip(self.grads, other.grads)])


def _carries_gradients(node):
    return node.dtype is None or node.dtype.is_floating


class RegionFunction:
    """Outputs computed in a region from its placeholders (a loop's condition or body), run
    by an op's kernel, and, if ``differentiable``, the backward pass of its float outputs with respect
    to its float inputs and the variables the region reads.

    Attributes:
        inputs: the placeholders fed, in the order of the values ``run`` takes.
        outputs: the nodes whose values ``run`` returns.
        wrt: what ``gradient`` differentiates with respect to: the inputs, then the region's variables.
        error: the LookupError of an op in it with no gradient (raised if a gradient is asked for).
    """

    def __init__(self, region: Region, inputs: list[_graph.Tensor], outputs: list[_graph.Tensor],
                 differentiable: bool = True) -> None:
        self.region, self.inputs, self.outputs = region, list(inputs), list(outputs)
        self.wrt = self.inputs + region.variables
        self.error: LookupError | None = None
        self.grad_nodes: list[Any] = []  # one per wrt: its Gradients node, None where no gradient reaches it
        self.fetches = list(outputs)  # what a forward run computes: the outputs, then what the backward pass reads
        self._ys: list[int] = []  # positions of the float outputs
        self._grad_ys: list[_graph.Tensor] = []  # placeholders for their incoming gradients
        self._backward_reads: list[_graph.Tensor] = []  # the forward values the backward pass is fed
        self._orders: dict[str, list[_graph.Tensor]] = {}
        if differentiable:
            self._build_backward()

    @property
    def differentiable(self) -> bool:
        """Does a gradient reach some input or variable (or is one asked for in vain: ``error``)?"""
        return any(g is not None for g in self.grad_nodes) or self.error is not None

    def _build_backward(self):
        """``gradients(float outputs, float wrt, grad_ys=placeholders)`` inside the region, once; and what
        a forward run must keep for it: the values of the ops it visits and of their inputs."""
        self._ys = [k for k, o in enumerate(self.outputs) if _carries_gradients(o)]
        xs = [x for x in self.wrt if _carries_gradients(x)]
        if not self._ys or not xs:
            return
        ys = [self.outputs[k] for k in self._ys]
        with self.region.active(), self.region.graph.name_scope(self.region.scope):
            self._grad_ys = [self.region.placeholder(y.dtype, y.shape, "grad_ys") for y in ys]
            try:
                grads = dict(zip(xs, gradients(ys, xs, self._grad_ys, name="gradients")))
            except LookupError as error:
                self.error = error
                return
        self.grad_nodes = [grads.get(x) for x in self.wrt]
        found = [g for g in self.grad_nodes if g is not None]
        if not found:
            return
        bp = found[0].backward
        read = set(bp.order) | {p for n in bp.order for p in n.inputs} | set(ys)
        self.fetches = self.outputs + sorted(read - set(self.inputs) - set(self.outputs), key=lambda n: n._id)
        self._backward_reads = sorted(read | set(self.inputs), key=lambda n: n._id)

    # -- running -----------------------------------------------------------------------------
    def run(self, state, values, keep=False):
        """The outputs' values for the inputs' ``values``, and (if ``keep``) the values the backward
        pass reads, as a dict node -> value (else None)."""
        feeds = dict(zip(self.inputs, values))
        fetches = self.fetches if keep else self.outputs
        computed = self._execute(state, "forward" if keep else "outputs", fetches, feeds)
        return [computed[o] for o in self.outputs], (computed if keep else None)

    def gradient(self, state, kept, output_grads):
        """dL/d(each of ``wrt``), None where no gradient flows, from dL/d(each output) (None: zeros)
        and the values ``kept`` by a forward ``run``."""
        if self.error is not None:
            raise self.error
        if not any(g is not None for g in self.grad_nodes):
            return [None] * len(self.wrt)
        feeds = {n: kept[n] for n in self._backward_reads}
        for k, placeholder in zip(self._ys, self._grad_ys):
            g = output_grads[k]
            feeds[placeholder] = g if g is not None else xp.zeros_like(kept[self.outputs[k]])
        wanted = [g for g in self.grad_nodes if g is not None]
        computed = self._execute(state, "backward", wanted, feeds)
        return [None if g is None else computed[g] for g in self.grad_nodes]

    def _execute(self, state, kind, fetches, feeds):
        """Values of ``fetches`` (and of the feeds) with the session's executor: the reference interpreter,
        which shows each inner step to ``watch``, or a compiled plan kept for this session."""
        session = state.session
        check = _session._check_numerics
        if session.executor == "reference":
            order = self._orders.get(kind)
            if order is None:
                order = self._orders[kind] = topological_order(fetches, feeds)
            return _executor.run(order, feeds, state, session._watch, check)
        key = (self, kind, check)
        plan = state.subplans.get(key)
        if plan is None:
            plan = state.subplans[key] = Plan(fetches, feeds, state, check)
        computed = dict(feeds)
        computed.update(zip(fetches, plan.run(feeds, hand_out_values=False)))  # its values stay in the engine
        return computed
