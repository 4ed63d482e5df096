"""Compiled plans: the fast path of ``Session.run``.

The reference executor (``executor.py``) interprets a graph op by op, looking
every value up in a dict. A plan does the same work, in the same order, with
the same kernels and gradient functions, but writes it down once, for one set
of fetches and feeds, as a straight-line Python function (one local variable
per value), so that later runs are a single call::

    plan = sess.plan(train_op, feed_dict)     # or print(plan) for the source
    for step in plan.steps: ...               # what each statement reads, writes, and which op it runs

A plan is built in three stages, each on structured records, never on text:

1. :class:`~tensorslow.plan_steps.StepWriter` turns the topological order into
   :class:`~tensorslow.plan_steps.Step` records: the lines of one forward op,
   or of one op's part of a backward pass, with the names they read and write;
2. :func:`~tensorslow.plan_steps.plan_buffers` finds each value's last reader,
   frees it there (as TensorFlow's executor drops a tensor after its last
   consumer), and gives arrays that die to later results of the same shape and
   dtype, through the ``out=`` of the kernels in ``fast_kernels.py``;
3. :func:`compile_steps` joins the records into source and compiles it,
   remembering which lines belong to which op, so an error names its op.

The two are tested to agree bit for bit over every op and model.
"""
import threading

from .backend import ON_HOST, errstate, to_host, xp
from .control_flow.dead import DEAD
from .errors import InvalidArgumentError, OpError
from .executor import op_failed
from .fast_kernels import FRESH_OUTPUT_TYPES
from .plan_steps import StepWriter, plan_buffers


class Plan:
    """A compiled function computing ``fetches`` from the fed values, the session's state and constants.

    Attributes:
        order: the nodes run, each after its inputs (fed nodes are sources).
        fed: the fed nodes, in the order the function takes their values.
        steps: the :class:`~tensorslow.plan_steps.Step` records, in order.
        source: the generated Python source (also ``str(plan)``).
    """

    def __init__(self, fetches, fed, state, check_numerics=False):
        fed = set(fed)
        self.order = topological_order(fetches, fed)
        self.fed = [n for n in self.order if n in fed]
        writer = StepWriter(self.order, fed, state, check_numerics, fetches)
        steps = writer.write()
        keep = {writer.names.value(n) for n in fetches}
        self.steps, n_buffers = plan_buffers(steps, keep)
        self.source, self._line_owner, run = compile_steps(
            self.steps, [writer.names.value(n) for n in self.fed], [writer.names.value(n) for n in fetches],
            writer.env)
        self._code = run.__code__
        # inf and nan propagate silently, as in TensorFlow (errstate as a decorator: entered once per run).
        self._run = errstate(all="ignore")(run)
        # Fetches whose kernel may return (a view of) its input, so maybe of a fed array, which the caller owns.
        self._may_view_feeds = {k for k, n in enumerate(fetches) if n in fed or n.type not in FRESH_OUTPUT_TYPES}
        # Fetches that may be dead (in a cond branch: control_flow/dataflow.py), checked after each run.
        self._may_be_dead = [(k, n) for k, n in enumerate(fetches) if n.may_be_dead]
        self._buffers = [None] * n_buffers  # arrays kept between runs for the kernels' out=
        self._buffers_in_use = threading.Lock()

    def run(self, feeds, hand_out_values=True):
        """Fetch values for ``feeds`` (fed node -> converted value). ``hand_out_values=False`` returns them
        without :func:`hand_out`'s copies, for a caller inside the engine (a cond branch, a loop body)."""
        values = [feeds[n] for n in self.fed]
        # A run owns the plan's buffers; a concurrent run of the same plan gets fresh ones.
        owner = self._buffers_in_use.acquire(blocking=False)
        try:
            out = self._run(values, self._buffers if owner else [None] * len(self._buffers))
        except OpError:
            raise
        except Exception as error:
            raise self._describe_failure(error) from error
        finally:
            if owner:
                self._buffers_in_use.release()
        if self._may_be_dead and hand_out_values:  # the engine's own runs (a loop body) pass dead values on
            check_alive(out, self._may_be_dead)
        if hand_out_values:
            for k, value in enumerate(out):
                out[k] = hand_out(value, values if k in self._may_view_feeds else ())
        return out

    def _describe_failure(self, error):
        """An InvalidArgumentError naming the op whose kernel or gradient raised ``error``: the op
        that owns the plan's line where the error happened (the innermost such line)."""
        step, tb = None, error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code is self._code:
                step = self._line_owner.get(tb.tb_lineno, step)
                frame_locals = tb.tb_frame.f_locals
            tb = tb.tb_next
        if step is None or step.node is None:
            return InvalidArgumentError(None, f"{type(error).__name__}: {error}")
        inputs = [frame_locals.get(name) for name in step.input_names]
        return op_failed(step.node, inputs, error, "gradient of " if step.backward else "")

    def __str__(self):
        return self.source


def check_alive(values, fetched):
    """Raise TF's error for a fetched tensor that is dead (its cond branch was not taken), at position k of
    ``values`` for each (k, node) of ``fetched``; an operation that did not run gives None."""
    for k, node in fetched:
        if values[k] is DEAD:
            if node.has_value:
                raise InvalidArgumentError(node, f"Retval[{k}] does not have value ({node.name!r} is in a tf.cond "
                                                 f"branch that was not taken)")
            values[k] = None


def hand_out(value, fed_values=()):
    """``value`` as a fetch returns it: a 0-d result as a NumPy scalar (``np.float32(2.0)``, as TensorFlow
    gives it); a copy when it is shared (a variable's value or a constant, which are read-only) or may
    be the caller's own fed array or a view of one. A device array (CuPy) comes back as a NumPy copy."""
    if not ON_HOST and isinstance(value, xp.ndarray):
        value = to_host(value)
        return value[()] if value.ndim == 0 else value
    if isinstance(value, xp.ndarray) and value.ndim == 0:
        return value[()]
    if isinstance(value, xp.ndarray) and (not value.flags.writeable
                                          or any(xp.may_share_memory(value, f) for f in fed_values)):
        return value.copy()
    return value


def compile_steps(steps, params, results, env):
    """(source, {line number: step}, function) for ``steps``: ``run(fed_values, buffers)``."""
    lines = ["def run(fed_values, buffers):"]
    if params:
        lines.append(f"    {', '.join(params)}{',' if len(params) == 1 else ''} = fed_values")
    owner = {}
    for step in steps:
        for line, line_owner in step.owned_lines():  # a block's lines belong to its ops (ShapeBlocks)
            lines.append("    " + line)
            owner[len(lines)] = line_owner
    lines.append(f"    return [{', '.join(results)}]")
    source = "\n".join(lines) + "\n"
    namespace = dict(env)
    exec(compile(source, "<tensorslow plan>", "exec"), namespace)
    return source, owner, namespace["run"]


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
