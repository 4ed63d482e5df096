"""Sub-graphs run by a kernel: a while loop's condition and body, and the body's backward pass.

A ``tf.while_loop`` is a frame of TF1's ops (read :mod:`.frame`) that one hidden node, the frame
runner, runs iteration by iteration. Each iteration it runs two parts of the frame, each a
:class:`RegionFunction`: the condition's ops (fed the Merges' values, fetching ``LoopCond``) and the
body's ops (fed the Identities' values, fetching the ``NextIteration`` ops). A function runs with the
session's executor: a compiled plan kept for the session, or the reference interpreter, which shows
each inner step to ``watch``. A cond in the body is ordinary dataflow inside the function: its dead
tensors stay in the function's runs.

**Differentiating.** The body's :class:`RegionFunction` builds, once, the backward pass of its float
outputs with respect to its float inputs (``gradients()`` with placeholders for the incoming
gradients, in the loop's ``gradients`` name scope). Its forward run keeps the values that pass reads
(TF's while keeps its intermediates, on stacks, for the same reason), so the gradient reuses the very
values of the forward pass: a dropout mask or any random draw in the body is not drawn again.
"""
from __future__ import annotations

from typing import Any

from .. import executor as _executor
from .. import graph as _graph
from .. import session as _session
from ..backend import xp
from ..gradients import gradients
from ..plan import Plan, topological_order
from ..variables import Placeholder
from .dataflow import outside_contexts


def hidden(graph: _graph.Graph, name: str, make: Any, *args: Any, **kwargs: Any) -> _graph.Tensor:
    """``make(*args, **kwargs)``, a node of ``graph`` named ``name`` that ``get_operations`` does not list:
    plumbing of the engine that TF's graph does not have (a loop's frame runner, the placeholders its
    backward pass is fed). Made in a scratch graph, then attached to ``graph``."""
    with _graph.Graph().as_default():
        node = make(*args, **kwargs)
    node.graph, node._op_name, node._id = graph, name, len(graph._nodes)
    for p in node.inputs:
        p._consumers.append(node)
    return node


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


def _zeros_like(value):
    """dL/d(value) where no gradient arrived: zeros (none at any index of a TensorArray's contents)."""
    zeros = getattr(value, "zeros_like_gradient", None)
    return zeros() if zeros is not None else xp.zeros_like(value)


def _carries_gradients(node):
    return node.dtype is None or node.dtype.is_floating


class RegionFunction:
    """Outputs computed from fed nodes (a loop's condition or body), run by a kernel, and, if
    ``differentiable``, the backward pass of its float outputs with respect to its float inputs.

    Attributes:
        scope: the loop's name scope (``"while/"``): the backward pass's nodes are made in its ``gradients``.
        inputs: the nodes fed, in the order of the values ``run`` takes.
        outputs: the nodes whose values ``run`` returns.
        wrt: what ``gradient`` differentiates with respect to: the inputs.
        error: the LookupError of an op in it with no gradient (raised if a gradient is asked for).
    """

    def __init__(self, scope: str, inputs: list[_graph.Tensor], outputs: list[_graph.Tensor],
                 differentiable: bool = True) -> None:
        self.scope, self.inputs, self.outputs = scope, list(inputs), list(outputs)
        self.graph = self.outputs[0].graph
        self.wrt = list(self.inputs)
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
        """``gradients(float outputs, float wrt, grad_ys=placeholders)``, once; and what
        a forward run must keep for it: the values of the ops it visits and of their inputs."""
        self._ys = [k for k, o in enumerate(self.outputs) if _carries_gradients(o)]
        xs = [x for x in self.wrt if _carries_gradients(x)]
        if not self._ys or not xs:
            return
        ys = [self.outputs[k] for k in self._ys]
        with outside_contexts(), self.graph.name_scope(self.scope):
            self._grad_ys = [hidden(self.graph, f"{self.scope}gradients/grad_ys", Placeholder, y.dtype, y.shape)
                             for y in ys]
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
        # The pass stops at the fed inputs (an Identity, an Enter): the body starts there, and what
        # feeds them is outside the function. It reads the values of the ops it visits and their inputs.
        fed = set(self.inputs)
        visited = [(n, fn) for n, fn in zip(bp.order, bp.grad_fns) if n not in fed]
        bp.order, bp.grad_fns = [n for n, _ in visited], [fn for _, fn in visited]
        read = set(bp.order) | {p for n in bp.order for p in n.inputs} | set(ys)
        for g in found:
            g.control_inputs = tuple(sorted(read, key=lambda n: n._id))
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
            feeds[placeholder] = g if g is not None else _zeros_like(kept[self.outputs[k]])
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
