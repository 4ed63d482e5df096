"""Execution plans: a graph compiled, once, for one set of fetches and feeds.

``Session.run`` looks its plan up by (fetched nodes, fed nodes). Building it
walks the graph once: an iterative topological order of the nodes the
fetches need (fed nodes are sources; what they depend on is not run), one
slot per node in a flat list of values, and one small step function per
node. Running it is then a loop over steps that reads and writes slots: no
graph walk, no per-node lookups, nothing stored on the nodes. A run's values
live in its own list, so concurrent runs never share intermediate values.
"""
import numpy as np

from .errors import InvalidArgumentError, OpError
from .registry import OpValues, check_gradient_count
from .shapes import reduce_to_shape

_UNSET = object()  # marks a slot whose step has not run (to name the op that failed)


class Plan:
    """Steps that compute ``fetches`` from ``fed`` nodes, the session's state and constants."""

    def __init__(self, fetches, fed, state, check_numerics=False):
        fed = set(fed)
        self.order = topological_order(fetches, fed)
        self.slot = {node: i for i, node in enumerate(self.order)}
        self.fetch_slots = [self.slot[n] for n in fetches]
        self.fetch_copy = [n.type == "VariableV2" for n in fetches]  # never hand out the session's own array
        self.feed_slot = {n: self.slot[n] for n in fed if n in self.slot}
        self.size = len(self.order)
        self.steps = []
        self.step_nodes = []
        emitted_backward = {}
        for node in self.order:
            if node in fed:
                continue
            if node.type == "Placeholder":
                node.compute()  # raises "You must feed a value for placeholder ..."
            if node.type == "Gradients":
                if node.backward in emitted_backward:
                    continue
                emitted_backward[node.backward] = True
                step = _backward_step(node.backward, self.slot)
            else:
                step = _forward_step(node, self.slot, state)
            if check_numerics:
                step = _checked(step, node, self.slot)
            self.steps.append(step)
            self.step_nodes.append(node)

    def run(self, feeds):
        """Run every step; ``feeds`` maps fed nodes to their (already converted) values."""
        values = [_UNSET] * self.size
        slot = self.feed_slot
        for node, value in feeds.items():
            i = slot.get(node)
            if i is not None:
                values[i] = value
        try:
            for step in self.steps:
                step(values)
        except OpError:
            raise
        except Exception as error:  # name the op that failed, with its input shapes
            raise self._describe(values, error) from error
        out = [values[i] for i in self.fetch_slots]
        for k, copy in enumerate(self.fetch_copy):
            if copy:
                out[k] = np.array(out[k])
        return out

    def _describe(self, values, error):
        for node in self.step_nodes:
            if values[self.slot[node]] is _UNSET:
                shapes = ", ".join(f"{inp.name!r}: {_shape_of(values[self.slot[inp]])}"
                                   for inp in node.inputs if inp in self.slot)
                return InvalidArgumentError(
                    node, f"{node.type} op {node.op_name!r} failed"
                          f"{' on inputs ' + shapes if shapes else ''}: {type(error).__name__}: {error}")
        return InvalidArgumentError(None, f"{type(error).__name__}: {error}")


def _shape_of(value):
    if value is _UNSET:
        return "not computed"
    return tuple(np.shape(value)) if value is not None else None


def topological_order(fetches, fed=()):
    """Nodes needed for ``fetches``, each after its inputs (iterative DFS, no recursion limit)."""
    order, done, on_path = [], set(), set()
    for root in fetches:
        if root in done:
            continue
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                on_path.discard(node)
                if node not in done:
                    done.add(node)
                    order.append(node)
                continue
            if node in done:
                continue
            if node in on_path:
                raise ValueError(f"The graph has a cycle through {node.name!r}")
            on_path.add(node)
            stack.append((node, True))
            if node in fed:
                continue
            for parent in reversed(node.inputs + node.control_inputs):
                if parent not in done:
                    stack.append((parent, False))
    return order


def _forward_step(node, slot, state):
    """A closure ``step(values)`` that stores ``node.compute(*input values)`` in its slot."""
    compute = node.compute
    out = slot[node]
    ins = [slot[i] for i in node.inputs]
    if node.stateful:
        def step(v):
            v[out] = compute(state, *[v[i] for i in ins])
        return step
    if not _is_builtin(node):
        user_compute = compute

        def compute(*args):  # the course allowed compute() to return lists
            return np.asarray(user_compute(*args))
    if len(ins) == 1:
        (a,) = ins

        def step(v):
            v[out] = compute(v[a])
    elif len(ins) == 2:
        a, b = ins

        def step(v):
            v[out] = compute(v[a], v[b])
    else:
        def step(v):
            v[out] = compute(*[v[i] for i in ins])
    return step


def _is_builtin(node):
    return "compute" in node.__dict__ or type(node).__module__.startswith("tensorslow.")


def _backward_step(backward, slot):
    """A closure running one backward pass and storing every dL/dx the plan fetches."""
    acc_index = {node: i for i, node in enumerate(backward.between)}
    seeds = [(acc_index[y], slot[y], None if g is None else slot[g])
             for y, g in zip(backward.ys, backward.grad_ys) if y in acc_index]
    entries = []
    for node, fn in zip(backward.order, backward.grad_fns):
        if fn is None:
            continue
        targets = [(pos, acc_index[p]) for pos, p in enumerate(node.inputs) if p in acc_index]
        entries.append((fn, node, acc_index[node], slot[node], [slot[p] for p in node.inputs], targets))
    outputs = [(slot[g], acc_index.get(x), slot[x])
               for g in _gradient_nodes(backward, slot) for x in [backward.xs[g.index]]]
    n = len(acc_index)

    def step(v):
        grads = [None] * n
        for acc, y_slot, g_slot in seeds:
            g = np.ones_like(v[y_slot]) if g_slot is None else v[g_slot]
            grads[acc] = g if grads[acc] is None else grads[acc] + g
        for fn, node, acc, out_slot, in_slots, targets in entries:
            g = grads[acc]
            if g is None:
                continue
            in_values = [v[i] for i in in_slots]
            try:
                results = check_gradient_count(node, fn(OpValues(node, in_values, v[out_slot]), g))
            except OpError:
                raise
            except Exception as error:
                raise InvalidArgumentError(node, f"Gradient of {node.type} op {node.op_name!r} failed: "
                                                 f"{type(error).__name__}: {error}") from error
            for pos, target in targets:
                gi = results[pos]
                if gi is None:
                    continue
                gi = _fit(gi, in_values[pos], node, pos)
                prev = grads[target]
                grads[target] = gi if prev is None else prev + gi
        for out_slot, acc, x_slot in outputs:
            g = grads[acc] if acc is not None else None
            v[out_slot] = np.zeros_like(v[x_slot]) if g is None else g
    return step


def _gradient_nodes(backward, slot):
    return [n for n in slot if getattr(n, "backward", None) is backward and n.type == "Gradients"]


def _fit(grad, value, node, pos):
    """``grad`` summed to the shape of input ``pos`` (broadcasting); error naming the op if impossible."""
    shape = np.shape(value)
    if not hasattr(grad, "shape"):
        grad = np.asarray(grad)
    if grad.shape == shape:
        return grad
    reduced = reduce_to_shape(grad, shape)
    if reduced is None:
        raise InvalidArgumentError(
            node, f"Gradient function for {node.op_name!r} (op type {node.type}) returned a gradient of "
                  f"shape {grad.shape} for input {pos}, whose shape is {shape}")
    return reduced


def _checked(step, node, slot):
    """Wrap ``step`` so a NaN or Inf in its output raises an error naming ``node``."""
    out = slot[node]

    def checked(v):
        step(v)
        value = v[out]
        if value is not None and getattr(value, "dtype", None) is not None and value.dtype.kind == "f" \
                and not np.all(np.isfinite(value)):
            kind = "NaN" if np.isnan(value).any() else "Inf"
            what = "gradients" if node.type == "Gradients" else f"{node.type} op {node.op_name!r}"
            raise InvalidArgumentError(node, f"check_numerics: {what} produced {kind} "
                                             f"(inputs: {[i.name for i in node.inputs]})")
    return checked
