"""Watch a run: ``for step in ts.step_through(sess, fetches, feed_dict): print(step)``.

``Session.run`` computes a whole graph in one call. Stepping through the same
run shows what happens inside it, one op at a time, as the reference executor
(``executor.py``) does it:

1. **forward**: each op, in topological order, gets its inputs' values and
   computes its value (a :class:`Step` with ``kind="forward"``);
2. **backward**: when the run needs gradients, each op that the chain rule
   visits, in reverse topological order, receives dL/d(its output) and passes
   dL/d(input) back to each of its inputs (``kind="backward"``);
3. then each ``Gradients`` node takes the total that arrived at its x
   (``kind="gradient"``), the value ``sess.run(gradients)`` returns.

The steps are computed as they are asked for, with the executor's own
functions (the same kernels, gradient functions and sums), on the session's
variables: a training op stepped through to the end updates the variables as
``sess.run`` would, with the same numbers, bit for bit. Stopping early (a
``break``) leaves the rest of the run undone, as a debugger stopped mid-run.
After the last step, ``.results`` holds what ``sess.run`` would have returned.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import executor as _executor
from . import session as _session
from .control_flow.dead import DEAD
from .errors import FailedPreconditionError
from .graph import Tensor
from .plan import check_alive, hand_out, topological_order


@dataclass
class Step:
    """One step of a run.

    Attributes:
        index: the step's number in the run, from 0.
        kind: "forward" (an op computed its value), "backward" (an op passed gradients back to its inputs)
            or "gradient" (a Gradients node took the total gradient of its x).
        node: the op (for "gradient", the Gradients node).
        inputs: forward: (input node, its value) for each input; backward: (output node, dL/d output) — the
            gradient that arrived at the op; gradient: (x, the value of x).
        value: forward: the op's value; backward: None; gradient: dL/dx.
        grads: backward only: (input node, dL/d input) for each input the gradient flows to.
    """

    index: int
    kind: str
    node: Tensor
    inputs: list[tuple[Tensor, Any]]
    value: Any = None
    grads: list[tuple[Tensor, Any]] = field(default_factory=list)

    def __str__(self) -> str:
        head = f"[{self.index}] {self.kind:<8} {self.node.type} {self.node.op_name!r}"
        if self.kind == "forward":
            ins = ", ".join(f"{n.op_name} {describe(v)}" for n, v in self.inputs)
            if self.value is None:  # an op run for its effect (a training step, an initializer)
                return f"{head}: {ins or 'no inputs'} -> no value"
            return f"{head}: {ins or 'no inputs'} -> {describe(self.value)}\n{indent(show(self.value))}"
        if self.kind == "backward":
            (out, grad), = self.inputs
            lines = [f"{head}: dL/d {out.op_name} {describe(grad)} -> "
                     + ", ".join(f"dL/d {n.op_name} {describe(g)}" for n, g in self.grads)]
            lines.append(indent(show(grad, f"in:  dL/d {out.op_name} = ")))  # the sum over the op's consumers
            lines += [indent(show(g, f"out: dL/d {n.op_name} = ")) for n, g in self.grads]
            return "\n".join(lines)
        (x, _), = self.inputs
        return f"{head}: dL/d {x.op_name} {describe(self.value)}\n{indent(show(self.value))}"


def describe(value: Any) -> str:
    """``(4, 2) float32`` for an array; the type's name for anything else (a tuple of a loop's values)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return f"{tuple(value.shape)} {value.dtype}"
    return type(value).__name__


def show(value: Any, prefix: str = "") -> str:
    """``prefix`` and a short view of ``value``: at most a few numbers per axis, 4 digits."""
    if isinstance(value, (np.ndarray, np.generic)):
        return prefix + np.array2string(np.asarray(value), threshold=12, edgeitems=2, precision=4, prefix=prefix)
    return prefix + repr(value)[:200]


def indent(text: str) -> str:
    return "    " + text.replace("\n", "\n    ")


class StepThrough:
    """The steps of ``session.run(fetches, feed_dict)``, run as they are iterated (see the module docstring)."""

    def __init__(self, session: Any, fetches: Any, feed_dict: dict[Any, Any] | None = None) -> None:
        if not isinstance(session, _session.Session):
            raise TypeError(f"step_through: argument `session` must be a Session, got {type(session).__name__!r}")
        if session._closed:
            raise FailedPreconditionError(None, "Attempted to use a closed Session.")
        self.session = session
        self.fetches, self._rebuild = _session._flatten_fetches(fetches, session.graph)
        session._check_fetches(self.fetches)
        self.feeds = {}
        for key, value in (feed_dict or {}).items():
            node = session._feed_node(key)
            self.feeds[node] = _session._convert_feed_value(node, value)
        self.steps: list[Step] = []
        self.results: Any = None
        self._started = False

    def __iter__(self) -> Iterator[Step]:
        if self._started:  # a second pass would run the graph (and its updates) again
            raise RuntimeError("step_through: a run can be stepped through once; call step_through again")
        self._started = True
        return self._run()

    def _record(self, step: Step) -> Step:
        self.steps.append(step)
        return step

    def _run(self) -> Iterator[Step]:
        """The reference executor's forward loop (``executor.run``), yielding after each op."""
        state, feeds, check = self.session._state, self.feeds, _session._check_numerics
        values = dict(feeds)
        for node in topological_order(self.fetches, feeds):
            if node in values:
                continue  # fed, or a Gradients node its backward pass already computed
            if node.type == "Gradients":
                yield from self._backward(node.backward, values, check)
                continue
            inputs = [values[p] for p in node.inputs]
            if node.may_be_dead and not node.takes_dead_inputs and _executor.is_dead(node, inputs, values):
                values[node] = DEAD  # in a cond branch not taken: it does not run, no step (executor.run)
                if node.n_outputs > 1:
                    values[node, "extra"] = [DEAD] * (node.n_outputs - 1)
                continue
            if node.control_inputs:
                inputs = _executor.read_again(node, inputs, feeds, state)
            value = _executor.call_kernel(node, inputs, state)
            if node.n_outputs > 1:  # outputs kept for the gradient only
                value, *values[node, "extra"] = value
            if check:
                _executor.check_finite(value, node)
            values[node] = value
            yield self._record(Step(len(self.steps), "forward", node, list(zip(node.inputs, inputs)), value))
        fed_values = list(feeds.values())
        fetched = [values[node] for node in self.fetches]
        check_alive(fetched, [(k, node) for k, node in enumerate(self.fetches) if node.may_be_dead])
        self.results = self._rebuild([hand_out(value, fed_values) for value in fetched])

    def _backward(self, bp: Any, values: dict[Any, Any], check: bool) -> Iterator[Step]:
        """The executor's ``backprop``, yielding after each op passes its gradients back."""
        grads: dict[Any, Any] = {}
        for node, grad, passed in _executor.backprop_steps(bp, values, grads, check):
            yield self._record(Step(len(self.steps), "backward", node, [(node, grad)], None, passed))
        for out in bp.outputs:
            x = bp.xs[out.index]
            values[out] = _executor.gradient_value(grads.get(x), values[x])
            yield self._record(Step(len(self.steps), "gradient", out, [(x, values[x])], values[out]))


def step_through(session: Any, fetches: Any, feed_dict: dict[Any, Any] | None = None) -> StepThrough:
    """Iterate over the steps of ``session.run(fetches, feed_dict)``: each op forward, each gradient backward.

    ``for step in ts.step_through(sess, loss, {x: data}): print(step)``. The run happens as the steps are
    asked for, on the session's variables; ``.results`` then holds ``sess.run``'s return value, and
    ``.steps`` the steps taken. Values are bit for bit those of ``sess.run``.
    """
    return StepThrough(session, fetches, feed_dict)
