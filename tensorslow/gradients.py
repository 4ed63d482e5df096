"""Reverse-mode differentiation: ``gradients(ys, xs, grad_ys=None)``.

At graph-construction time :class:`BackwardPass` finds the ops that lie on a
path from some x to some y and orders them in reverse topological order with
*pending counts* (Kahn's algorithm, iterative): an op is visited only after
every op that consumes it has passed its gradient back, so gradients arriving
from several consumers, at any depths, are summed before they are used.

At run time the session executes the pass with the values of that run: for
each op, ``grad_fn(op, grad)`` returns one gradient per input, the engine sums
each back to its input's shape (broadcasting) and accumulates it.

``gradients`` returns one node per x; fetching several of them runs the
backward pass once.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any

from .graph import Tensor, TensorLike
from .ops.core import convert_to_tensor
from .registry import get_gradient_function


class BackwardPass:
    """The static schedule of one ``gradients(ys, xs)`` call.

    Attributes:
        ys, xs, grad_ys: the nodes given (grad_ys entries may be None: ones).
        order: the ops between xs and ys that have inputs, in reverse topological order.
        grad_fns: their gradient functions (None for ops declared not differentiable).
        between: the set of all nodes on a path from an x to a y (xs and ys included).
    """

    def __init__(self, ys, xs, grad_ys):
        self.ys, self.xs, self.grad_ys = ys, xs, grad_ys
        self.between = _between(ys, xs)
        self.order = _reverse_topological(ys, self.between)
        # Looked up now so a missing gradient is reported when the graph is built.
        self.grad_fns = [get_gradient_function(n) for n in self.order]
        self.outputs = []  # the GradientNodes of this pass (one per x a gradient reaches)


def _ancestors(ys):
    seen, stack = set(ys), list(ys)
    while stack:
        for parent in stack.pop().inputs:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _between(ys, xs):
    """Nodes on a path from some x to some y (both inclusive) made of floating-point values only: as in TF,
    no gradient flows through an integer or boolean tensor (a cast to int32 and back cuts the path, and
    ``gradients`` gives None rather than zeros).

    Two walks: forward from the xs through float consumers that are ancestors of a y, then back from the
    ys through that set. The second walk drops dead ends such as ``reduce_sum(f(x))`` that reaches a y only
    through a comparison: no gradient ever arrives there, so it must not hold back its inputs' turn.
    """
    upstream = _ancestors(ys)
    forward, stack = set(), [x for x in xs if x in upstream and _carries_gradients(x)]
    forward.update(stack)
    while stack:
        for consumer in stack.pop()._consumers:
            if consumer in upstream and consumer not in forward and _carries_gradients(consumer):
                forward.add(consumer)
                stack.append(consumer)
    between, stack = set(), [y for y in ys if y in forward]
    between.update(stack)
    while stack:
        for parent in stack.pop().inputs:
            if parent in forward and parent not in between:
                between.add(parent)
                stack.append(parent)
    return between


def _carries_gradients(node):
    return node.dtype is None or node.dtype.is_floating


def _reverse_topological(ys, between):
    """Kahn's algorithm on the reversed subgraph: a node is ready when all its consumers are done."""
    pending = dict.fromkeys(between, 0)
    for node in between:
        for parent in node.inputs:
            if parent in pending:
                pending[parent] += 1  # one per edge: `x * x` counts twice
    ready = deque(n for n in dict.fromkeys(ys) if n in between and pending[n] == 0)
    order = []
    while ready:
        node = ready.popleft()
        if node.inputs:
            order.append(node)
        for parent in node.inputs:
            if parent in pending:
                pending[parent] -= 1
                if pending[parent] == 0:
                    ready.append(parent)
    return order


class GradientNode(Tensor):
    """dy/dx for one x of a :class:`BackwardPass`; all of a pass's nodes are computed together."""

    def __init__(self, backward, index, x, name):
        inputs = tuple(backward.ys) + tuple(g for g in backward.grad_ys if g is not None)
        self.backward = backward
        self.index = index
        super().__init__("Gradients", inputs, dtype=x.dtype, shape=x.shape, name=name)
        if x.may_be_dead:
            self.may_be_dead = True  # dL/dx is dead when x is (x in a cond branch not taken)
        backward.outputs.append(self)
        # The backward pass reads the values of the ops it visits and of their inputs: run them
        # first, even when a fed node cuts them off from the ys in the forward pass.
        read = {p for op in backward.order for p in op.inputs} | set(backward.order)
        self.control_inputs += tuple(sorted(read, key=lambda n: n._id))


def gradients(ys: TensorLike | Sequence[TensorLike], xs: Tensor | Sequence[Tensor],
              grad_ys: TensorLike | Sequence[TensorLike | None] | None = None, name: str = "gradients",
              stop_gradients: Any = None, **_ignored: Any) -> list[Tensor | None]:
    """Symbolic d(sum of ys)/dx for each x in ``xs``.

    Returns a list with one node per x, or None for an x that no y depends on
    (through differentiable ops). ``grad_ys`` weights each y (default: ones).
    """
    ys = _as_list(ys)
    xs = _as_list(xs)
    ys = [convert_to_tensor(y) for y in ys]
    for x in xs:
        if not isinstance(x, Tensor):
            raise TypeError(f"gradients: xs must be graph nodes, got {x!r}")
    if grad_ys is None:
        grad_ys = [None] * len(ys)
    grad_ys = _as_list(grad_ys)
    if len(grad_ys) != len(ys):
        raise ValueError(f"gradients: {len(grad_ys)} grad_ys for {len(ys)} ys")
    grad_ys = [None if g is None else convert_to_tensor(g, dtype=y.dtype) for g, y in zip(grad_ys, ys)]
    if stop_gradients:
        raise NotImplementedError("gradients(stop_gradients=...) is not supported; use tf.stop_gradient")
    backward = BackwardPass(ys, xs, grad_ys)
    reachable = _reaching(backward)
    return [GradientNode(backward, i, x, f"{name}/{x.op_name}_grad") if x in reachable else None
            for i, x in enumerate(xs)]


def _reaching(backward):
    """The xs a gradient can reach: walk the order, following only differentiable ops."""
    alive = {y for y in backward.ys if y in backward.between}
    for node, fn in zip(backward.order, backward.grad_fns):
        if node in alive and fn is not None:
            alive.update(p for p in node.inputs if p in backward.between)
    return alive


def _as_list(v: Any) -> list[Any]:
    return list(v) if isinstance(v, (list, tuple)) else [v]
