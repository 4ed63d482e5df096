"""The probe's TensorSlow side: which nodes a run computes, and their values in one run.

A TensorSlow run computes the nodes :func:`tensorslow.plan.topological_order`
finds from its fetches (stopping at fed nodes). Capturing a run fetches all of
them together with the program's own fetches in one ``Session.run``: every
value is the one that run computed (variables read before its updates, as TF's
kernels read them; TensorSlow never updates an array in place). A node is
also its tensor (``op:0``); a :class:`~tensorslow.ops.op_outputs.MultiOutputOp`
has tensors ``op:0``, ``op:1``...

``TENSORSLOW_PARITY_PERTURB="NAME=DELTA"`` (a test hook: the finder's own
check) makes op ``NAME`` add ``DELTA`` to its output in the captured run, which
then runs on the reference executor, where every op's kernel is its
``compute``.
"""
from __future__ import annotations

import os

import numpy as np

from tensorslow_parity.divergence.probe import Capture, DivergenceError, Tensor

PERTURB = "TENSORSLOW_PARITY_PERTURB"


class TensorSlowEngine:
    name = "tensorslow"

    def session_class(self):
        import tensorslow
        return tensorslow.Session

    def _nodes(self, session, fetches, feed_dict):
        """(the fetched nodes, the run's nodes in creation order, the fed nodes)."""
        from tensorslow.plan import topological_order
        from tensorslow.session import _flatten_fetches
        flat, _ = _flatten_fetches(fetches, session.graph)
        fed = {session._feed_node(key): value for key, value in dict(feed_dict or {}).items()}
        order = sorted(topological_order(flat, fed), key=lambda node: node._id)
        return flat, order, fed

    def describe(self, session, fetches, feed_dict):
        """(names of the run's fetches, whether it computes gradients)."""
        flat, order, _ = self._nodes(session, fetches, feed_dict)
        return [node.name for node in flat], any(node.type == "Gradients" for node in order)

    def capture(self, original_run, session, fetches, feed_dict, options, run_metadata):
        _, order, _ = self._nodes(session, fetches, feed_dict)
        tensors, wanted = [], []
        for node in order:
            if hasattr(node, "value_index"):
                continue  # an output of a multi-output op (``op:k``): captured with its op, below
            outputs = node.outputs if hasattr(node, "_outputs") else [node] if node.has_value else []
            for output in outputs:
                tensors.append(Tensor(output.name, output.name.rpartition(":")[0], str(node.type),
                                      [p.name for p in node.inputs]))
                wanted.append(output)
        restore = _perturb(session)
        try:
            _, values = original_run(session, (fetches, wanted), feed_dict, options, run_metadata)
        finally:
            restore()
        capture = Capture(self.name, 0, [], tensors)
        for tensor, value in zip(tensors, values, strict=True):
            array = np.asarray(value) if isinstance(value, np.ndarray | np.generic | float | int | bool) else None
            if array is None or array.dtype.kind not in "biufc":
                tensor.note = f"not a number ({type(value).__name__})"
                continue
            capture.values[tensor.name] = array
            tensor.dtype, tensor.shape = array.dtype.name, list(array.shape)
        return capture


def _perturb(session):
    """Apply :data:`PERTURB` (if set) to the session's graph for one run; return the function that undoes it."""
    spec = os.environ.get(PERTURB)
    if not spec:
        return lambda: None
    name, _, delta = spec.rpartition("=")
    try:
        node, delta = session.graph.get_operation_by_name(name), float(delta)
    except Exception as e:  # noqa: BLE001  (TensorSlow's NotFoundError, a bad float)
        raise DivergenceError(f"{PERTURB}={spec!r}: expected NAME=DELTA naming an op of the graph ({e})") from None
    kernel, executor = node.__dict__.get("compute"), session.executor
    compute = node.compute

    def perturbed(*inputs):
        """the op's own output, plus DELTA"""
        return compute(*inputs) + np.asarray(delta, dtype=node.dtype.as_numpy_dtype)
    node.compute, session.executor = perturbed, "reference"

    def restore():
        session.executor = executor
        if kernel is None:
            del node.compute
        else:
            node.compute = kernel
    return restore
