"""Ops with several outputs, as TensorFlow has them: one op, tensors ``op:0``, ``op:1``, ...

A TensorSlow node is usually both the op and its one output. Some of TF's ops
compute several results in one kernel run that must agree with each other: a
candidate sampler's sampled classes and their expected counts come from one
draw of its random stream, so they cannot be three separate nodes each drawing
its own. Here such an op is a :class:`MultiOutputOp`, one node of the graph
(``get_operations`` lists it once, under TF's name) whose value in a run is the
tuple of its outputs; each output is an :class:`OpOutput`, a tensor named
``op:k`` that picks element ``k`` of that tuple and is not an op of the graph.
Fetching the op itself gives the whole tuple.

Gradients: an output's gradient function passes ``dL/d(output k)`` back to
the op as :class:`OutputGradients` (one slot per output, None where nothing
arrived), which the engine sums like arrays; the op's own gradient function
(``register_gradient``) then gets the list of them.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..graph import Graph, OpView, Tensor, _building
from ..registry import RegisterGradient


class OutputValues(tuple):
    """The value of a :class:`MultiOutputOp` in one run: one array per output."""

    shape = None  # not an array: the engine's broadcast check of a gradient passes it by


class OutputGradients:
    """dL/d(each output) of a :class:`MultiOutputOp`, None where no gradient arrived; summed like arrays."""

    __slots__ = ("grads",)
    shape = None  # as OutputValues: no broadcasting to undo

    def __init__(self, grads: list[Any]) -> None:
        self.grads = grads

    def __add__(self, other: OutputGradients) -> OutputGradients:
        return OutputGradients([a if b is None else b if a is None else a + b for a, b in zip(self.grads, other.grads)])


class MultiOutputOp(Tensor):
    """One op whose kernel returns :class:`OutputValues`; ``outputs`` are its tensors (see :func:`add_outputs`)."""

    has_value = False  # the op is named "op"; its tensors "op:0", "op:1", ...
    _outputs: list[OpOutput] = []

    @property
    def outputs(self) -> list[Tensor]:  # type: ignore[override]
        return list(self._outputs)


class OpOutput(Tensor):
    """Output ``value_index`` of a :class:`MultiOutputOp`: a tensor of the op's graph that is not itself an op.

    Its kernel picks its element of the op's value. It is built in a scratch graph (so that it takes
    no name and no place among the graph's operations) and then attached to the op.
    """

    def __init__(self, op: MultiOutputOp, index: int, dtype: Any, shape: Any) -> None:
        def pick(values):
            """y = output ``index`` of the op"""
            return values[index]
        super().__init__(str(op.type), (), compute=pick, attrs={"value_index": index}, dtype=dtype, shape=shape,
                         graph=Graph())
        self.graph, self.inputs, self.control_inputs = op.graph, (op,), ()
        self._op_name, self._id, self._owner, self.value_index = op.op_name, op._id, op, index
        op._consumers.append(self)
        cond = getattr(_building, "cond", None)  # a cond branch or loop being built (control_flow/)
        if cond is not None and op in cond.values:
            cond.note(self)
        if op.may_be_dead:
            self.may_be_dead = True

    @property
    def op(self) -> OpView:
        return self._owner.op  # the op, as TF1 programs see it: fetching it runs it and gives None

    @property
    def name(self) -> str:
        return f"{self._op_name}:{self.value_index}"


def add_outputs(op: MultiOutputOp, specs: Sequence[tuple[Any, Any]]) -> list[Tensor]:
    """Give ``op`` one output tensor per ``(dtype, shape)`` in ``specs``; return them."""
    op._outputs = [OpOutput(op, k, dtype, shape) for k, (dtype, shape) in enumerate(specs)]
    return op.outputs


def register_gradient(op_type: str):
    """``@register_gradient("TopKV2") def grad(op, grads)``: the gradient of a multi-output op type, ``grads``
    holding dL/d(output k) (or None) per output. Its outputs, which share the op type, pass theirs back to it."""
    def register(fn):
        @RegisterGradient(op_type)
        def gradient(op, grad):
            """dL/d(op) = dL/d(output k) in slot k, from an output; the op's own gradient, at the op"""
            node = op.node
            if isinstance(node, OpOutput):
                return OutputGradients([grad if k == node.value_index else None for k in range(len(node.op.outputs))])
            return fn(op, grad.grads)
        return fn
    return register
