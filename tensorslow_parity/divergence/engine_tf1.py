"""The probe's TensorFlow side: which ops a ``tf.compat.v1`` run computes, and their values in that run.

Fetching intermediate tensors together with a training op does not give the
values the run computed: a reference variable's tensor (``W``, ``W/read``, a
``Reshape`` of it) shares its buffer with the variable, which the update then
changes in place, so the fetched array shows the *updated* weights. The
capture therefore uses TensorFlow's own debugger (tfdbg): the run's
``RunOptions`` get a ``DebugIdentity`` watch on each tensor, which writes the
tensor to a dump directory the moment its op has computed it, and
``DebugDumpDir`` reads them back. The run itself is the program's run, with
its own fetches, feeds and Grappler's rewrites, so the values are TF's.

What the dump cannot hold is filled in: fed tensors from the feeds, and
tensors Grappler folded away (constants, ops on constants only) from a plain
run after the captured one (they depend on nothing that run changed). Ops
inside a TF1 ``tf.cond``/``tf.while_loop`` (computed per branch or iteration)
and non-numeric tensors (resources, variants, strings) are listed with a note.
"""
from __future__ import annotations

import re
import tempfile

import numpy as np

from tensorslow_parity.divergence.probe import Capture, Tensor

#: TF's backward pass: ops that tf.gradients and minimize build in a "gradients" name scope
GRADIENT_SCOPE = re.compile(r"(^|/)gradients(_\d+)?/")
_PLACEHOLDERS = {"Placeholder", "PlaceholderV2", "PlaceholderWithDefault"}


class TF1Engine:
    name = "tf1"

    def __init__(self, scratch=None):
        self.scratch = scratch  # where the dumps go (the worker's output folder, which its parent removes)
        self._closures = {}  # (graph, fetch names, fed names) -> ops, a program repeats its runs

    def session_class(self):
        from tensorflow.python.client import session
        return session.BaseSession

    def _resolve(self, session, fetches, feed_dict):
        """(fetched graph elements, {fed tensor name: (tensor, value)}, the ops the run computes in creation order)."""
        graph = session.graph
        elements = [graph.as_graph_element(leaf, allow_tensor=True, allow_operation=True)
                    for leaf in _leaves(fetches)]
        fed = {}  # tensor name -> (tensor, value): graph tensors are not hashable under TF2's tensor equality
        for key, value in dict(feed_dict or {}).items():
            for leaf in _leaves(key):
                tensor = graph.as_graph_element(leaf, allow_tensor=True, allow_operation=False)
                fed[tensor.name] = (tensor, value)
        key = (id(graph), tuple(e.name for e in elements), tuple(fed))
        if key not in self._closures:
            self._closures[key] = _computed_ops(graph, elements, fed)
        return elements, fed, self._closures[key]

    def describe(self, session, fetches, feed_dict):
        elements, _, ops = self._resolve(session, fetches, feed_dict)
        return [e.name for e in elements], any(GRADIENT_SCOPE.search(op.name) for op in ops)

    def capture(self, original_run, session, fetches, feed_dict, options, run_metadata):
        from tensorflow.core.protobuf import config_pb2
        from tensorflow.python.debug.lib import debug_data, debug_utils
        _, fed_by_name, ops = self._resolve(session, fetches, feed_dict)
        tensors, watched = [], []
        for op in ops:
            for output in op.outputs:
                tensor = Tensor(output.name, op.name, op.type, [t.name for t in op.inputs])
                tensors.append(tensor)
                if op._control_flow_context is not None:
                    tensor.note = "inside a tf.cond or tf.while_loop (not captured)"
                elif not _numeric(output.dtype):
                    tensor.note = f"not a number ({output.dtype.base_dtype.name})"
                elif output.name not in fed_by_name:
                    watched.append(output)
        run_options = config_pb2.RunOptions()
        if options is not None:
            run_options.CopyFrom(options)
        metadata = run_metadata if run_metadata is not None else config_pb2.RunMetadata()
        values = {}
        with tempfile.TemporaryDirectory(prefix="tfdbg-", dir=self.scratch) as dump_root:
            for output in watched:
                debug_utils.add_debug_tensor_watch(run_options, output.op.name, output.value_index,
                                                   debug_urls=f"file://{dump_root}",
                                                   tolerate_debug_op_creation_failures=True)
            original_run(session, fetches, feed_dict, run_options, metadata)
            dump = debug_data.DebugDumpDir(dump_root, partition_graphs=metadata.partition_graphs)
            for datum in dump.dumped_tensor_data:
                name = f"{datum.node_name}:{datum.output_slot}"
                if name not in values and isinstance(value := datum.get_tensor(), np.ndarray):
                    values[name] = value
        for name, (tensor, value) in fed_by_name.items():
            values[name] = np.asarray(value, dtype=tensor.dtype.base_dtype.as_numpy_dtype)
        values.update(_folded_values(original_run, session, [t for t in watched if t.name not in values]))
        capture = Capture(self.name, 0, [], tensors)
        for tensor in tensors:
            if tensor.note is None and tensor.name not in values:
                tensor.note = "not in TF's optimized graph (Grappler fused it into another op) nor computable apart"
            elif tensor.name in values:
                array = capture.values[tensor.name] = values[tensor.name]
                tensor.dtype, tensor.shape = array.dtype.name, list(array.shape)
        return capture


def _leaves(structure):
    """The graph elements (or names) in a nesting of lists, tuples, dicts and namedtuples."""
    if isinstance(structure, dict):
        return [leaf for value in structure.values() for leaf in _leaves(value)]
    if isinstance(structure, list | tuple):
        return [leaf for value in structure for leaf in _leaves(value)]
    return [structure]


def _numeric(dtype):
    base = dtype.base_dtype
    return base.is_floating or base.is_integer or base.is_bool or base.is_complex


def _computed_ops(graph, elements, fed):
    """The ops a run of ``elements`` with ``fed`` tensors computes, in the graph's creation order: all
    those the fetches reach through inputs and control inputs, not through a fed tensor (whose op is
    listed: its value is the feed's)."""
    needed, stack = set(), [getattr(e, "op", e) for e in elements]
    while stack:
        op = stack.pop()
        if op in needed:
            continue
        needed.add(op)
        needed.update(t.op for t in op.inputs if t.name in fed)  # fed, not run: its value is the feed
        stack.extend(t.op for t in op.inputs if t.name not in fed)
        stack.extend(op.control_inputs)
    return [op for op in graph.get_operations() if op in needed]


def _folded_values(original_run, session, missing):
    """Values of ``missing`` tensors that depend on no state, input or control flow (what Grappler folds
    into constants), from a run of their own."""
    pure_memo = {}

    def pure(op):
        if op not in pure_memo:
            pure_memo[op] = False  # a cycle (a while loop's back edge) is not pure
            pure_memo[op] = (not op._is_stateful and op.type not in _PLACEHOLDERS
                             and op._control_flow_context is None
                             and all(pure(t.op) for t in op.inputs) and all(pure(c) for c in op.control_inputs))
        return pure_memo[op]

    wanted = [t for t in missing if pure(t.op)]
    if not wanted:
        return {}
    try:
        return {t.name: np.asarray(v) for t, v in zip(wanted, original_run(session, wanted), strict=True)}
    except Exception:  # noqa: BLE001  (they stay "not computed": the report says so)
        return {}
