"""The records a plan is built from, and the buffer planner.

A :class:`Step` is one top-level statement of a plan's function: one op's
forward kernel, or one op's part of a backward pass (call its gradient
function, sum each result to its input's shape, add it to that input's
gradient), or bookkeeping (seed a pass, free a value). It says which op it
belongs to and which values it reads and writes, so the planner can tell when
each value dies without reading any code.
"""
import builtins
import keyword
import re
from dataclasses import dataclass

from . import fast_kernels
from .backend import freeze, xp
from .broadcasting import reduce_to_shape
from .control_flow.dead import DEAD
from .executor import check_finite, fit
from .registry import check_gradient_count


@dataclass
class Step:
    """One statement of a plan and what it touches."""

    node: object  # the op whose kernel or gradient this step runs; None for bookkeeping
    lines: list  # Python source lines (a block's inner lines indented by 4)
    reads: tuple = ()  # names of the values it reads
    writes: tuple = ()  # names of the values it assigns
    backward: bool = False  # runs the op's gradient function, not its kernel
    input_names: tuple = ()  # the op's input values, by name (for error messages)
    takes_buffer: bool = False  # a forward kernel with ``out=``: it may write into a dead value's array
    own_buffer: bool = False  # a gradient function with ``out=``: it gets an array of its own, kept between runs
    aliases_inputs: bool = True  # its results may share memory with what it reads
    buffer: int | None = None  # set by plan_buffers: the buffer slot its kernel writes into
    line_owners: tuple = ()  # a block of steps (ShapeBlocks): the step each line belongs to; () for all, this one
    parts: tuple = ()  # a block of steps: the steps inside it

    def owned_lines(self):
        """(line, the step it belongs to) for each line: the op an error on that line comes from."""
        return zip(self.lines, self.line_owners or [self] * len(self.lines))

    def source_lines(self):
        """The lines, with ``<buffer>`` replaced by the step's buffer slot (None: no array to reuse)."""
        buffer = "None" if self.buffer is None else f"buffers[{self.buffer}]"
        return [line.replace("<buffer>", buffer) for line in self.lines]


class Names:
    """Python identifiers for a plan's values, made from op names ("layer1/MatMul" -> layer1_MatMul)."""

    def __init__(self):
        self._of = {}
        self._taken = set(dir(builtins)) | {"buffers", "fed_values", "state", "DEAD"}

    def new(self, base):
        name = re.sub(r"\W", "_", base) or "_"
        if not name[0].isalpha() or keyword.iskeyword(name):
            name = "v_" + name  # names starting with "_" are the plan's own temporaries
        candidate, k = name, 1
        while candidate in self._taken:
            candidate, k = f"{name}_{k}", k + 1
        self._taken.add(candidate)
        return candidate

    def value(self, node):
        if node not in self._of:
            self._of[node] = self.new(node.op_name)
        return self._of[node]


class StepWriter:
    """Writes the steps of a plan for ``order`` (fed nodes are sources) and the names they use."""

    def __init__(self, order, fed, state, check_numerics, fetches=()):
        self.order, self.fed, self.check, self.fetches = order, fed, check_numerics, set(fetches)
        self.names = Names()
        self.env = {"state": state, "zeros_like": xp.zeros_like, "ones_like": xp.ones_like, "fit": _fit,
                    "checked": check_finite, "DEAD": DEAD}
        self.steps = []
        self.passes = {}
        self.extras = {}  # node -> names of its kernel's outputs after the first
        self.remembered = fast_kernels.remembered_nodes(order, self.fetches)
        self.shape_blocks = ShapeBlocks(order, self.remembered, self.fetches, fed)

    def write(self):
        for node in self.order:
            self.names.value(node)  # forward values first: they get the plain names
        for node in self.order:
            if node.type == "Gradients":
                if node.backward not in self.passes:
                    self.backward(node.backward)
            elif node not in self.fed:
                self.forward(node)
        self.steps = self.shape_blocks.place(self)
        return self.steps

    def bind(self, prefix, node, obj):
        """Put ``obj`` in the function's namespace as ``prefix_<value name>``; return that name."""
        name = self.names.new(f"{prefix}_{self.names.value(node)}")
        self.env[name] = obj
        return name

    def forward(self, node):
        if node.type == "Placeholder":
            node.compute()  # raises "You must feed a value for placeholder ..."
        if node.type == "Const" and _plain_const(node):
            v = self.names.value(node)  # its value, made once (frozen, the same array every run)
            name = self.bind("const", node, node.compute())
            self.steps.append(Step(node, [f"{v} = {name}  # Const {node.op_name!r}"], (), (v,)))
            self.shape_blocks.note(self.steps[-1])
            return
        if node in self.shape_blocks.block_of:  # written with its block, once the plan is known (place)
            ins = tuple(self.names.value(p) for p in node.inputs)
            self.steps.append(Step(node, [], ins, (self.names.value(node),), input_names=ins))
            self.shape_blocks.note(self.steps[-1])
            return
        dies = node.may_be_dead and not node.takes_dead_inputs  # it checks its inputs for DEAD first
        out = None if node in self.remembered or dies else fast_kernels.out_kernel(node)
        kernel = self.bind("kernel", node, fast_kernels.remembered(node, _kernel(node)) if node in self.remembered
                           else out or _kernel(node))
        v = self.names.value(node)
        ins = [self.names.value(p) for p in node.inputs]
        if node.control_inputs:
            ins = self.read_again(node, ins)
        args = (["state"] if node.stateful else []) + ins
        extra = self.extras[node] = [self.names.new(f"{v}_output_{k}") for k in range(1, node.n_outputs)]
        args += ["<buffer>"] if out is not None else []
        lines = [f"{', '.join([v, *extra])} = {kernel}({', '.join(args)})  # {node.type} {node.op_name!r}"]
        if self.check:
            lines.append(f"checked({v}, {self.bind('node', node, node)})")
        reads = tuple(ins)
        if dies:
            lines, reads = self.unless_dead(node, lines, [v, *extra])
        fresh = node.type in fast_kernels.FRESH_OUTPUT_TYPES and not node.stateful
        self.steps.append(Step(node, lines, reads, (v, *extra), input_names=tuple(ins),
                               takes_buffer=out is not None, aliases_inputs=not fresh))

    def unless_dead(self, node, lines, outputs):
        """``lines`` run only if no input of ``node`` (data or control) is DEAD; else its outputs are DEAD.
        Only nodes a Switch output can reach get this check (control_flow/dataflow.py). Returns the lines
        and the names they read."""
        watched = [self.names.value(p) for p in (*node.inputs, *node.control_inputs)]
        test = " or ".join(f"{name} is DEAD" for name in dict.fromkeys(watched))
        return ([f"if {test}:  # in a cond branch not taken", f"    {' = '.join(outputs)} = DEAD", "else:"]
                + ["    " + line for line in lines]), tuple(dict.fromkeys(watched))

    def read_again(self, node, ins):
        """``executor.read_again``: a step reading each variable input again, just before an op that waits on
        control dependencies; the op takes those fresh values (its gradient, the first read)."""
        ins = list(ins)
        for k, p in enumerate(node.inputs):
            if p.reads_at_use and p not in self.fed:
                fresh = self.names.new(f"{ins[k]}_now")
                kernel = self.bind("kernel", p, _kernel(p))
                self.steps.append(Step(p, [f"{fresh} = {kernel}(state)  # {p.op_name!r} read again after "
                                           f"the control dependencies of {node.op_name!r}"], (), (fresh,)))
                ins[k] = fresh
        return ins

    def backward(self, bp):
        """The steps of backward pass ``bp``: seed the ys, then each op's gradient, then the results."""
        b = len(self.passes)
        prefix = "d" if b == 0 else f"d{b}"
        acc = self.passes[bp] = {node: self.names.new(f"{prefix}_{self.names.value(node)}") for node in bp.between}
        self.private = self.gradients_stay_inside(bp)
        ys = ", ".join(y.op_name for y in bp.ys)
        self.steps.append(Step(None, [f"# backward pass: d({ys}) / d(...)", " = ".join(acc.values()) + " = None"],
                               writes=tuple(acc.values()), aliases_inputs=False))
        self.summed = set()  # gradients that something has been added to already in this pass
        for y, grad_y in zip(bp.ys, bp.grad_ys):
            if y in acc:
                seed = self.names.value(grad_y) if grad_y is not None else self.ones(y)
                read = (self.names.value(y if grad_y is None else grad_y), acc[y])
                self.steps.append(Step(y, [self.add_to(acc[y], seed)], read, (acc[y],), backward=True,
                                       aliases_inputs=False))
        for node, grad_fn in zip(bp.order, bp.grad_fns):
            if grad_fn is not None:  # None: declared not differentiable, no gradient flows through it
                self.steps.append(self.gradient_step(node, grad_fn, acc))
        for node in self.order:
            if node.type == "Gradients" and node.backward is bp:
                x = bp.xs[node.index]
                out, g, xv = self.names.value(node), acc.get(x, "None"), self.names.value(x)
                zeros = f"(DEAD if {xv} is DEAD else zeros_like({xv}))" if x.may_be_dead else f"zeros_like({xv})"
                self.steps.append(Step(None, [f"{out} = {g} if {g} is not None else {zeros}"],
                                       (xv,) + ((g,) if x in acc else ()), (out,), aliases_inputs=False))

    def gradients_stay_inside(self, bp):
        """Are this pass's gradients used only inside the run, by steps that keep none of their arrays (no
        fetch, only TensorSlow's own optimizers)? Then its gradient functions may reuse arrays between runs."""
        in_plan = set(self.order)
        return all(out not in self.fetches and all(fast_kernels.uses_gradients_transiently(c)
                                                   for c in out.consumers() if c in in_plan)
                   for out in bp.outputs if out in in_plan)

    def gradient_step(self, node, grad_fn, acc):
        """``if d_op is not None:`` call the op's gradient function, add each result to its input's gradient."""
        ins = [self.names.value(p) for p in node.inputs]
        v, g = self.names.value(node), acc[node]
        needs = [p in acc for p in node.inputs]
        into = fast_kernels.gradient_into(node) if self.private and needs[0] and fast_kernels.is_builtin(grad_fn) \
            else None
        if not fast_kernels.is_builtin(grad_fn):  # a user's function: check what it returns
            grad_fn = _checked(grad_fn, node)
        fn = self.bind("gradient", node, into or grad_fn)
        op = self.bind("op", node, fast_kernels.op_values_type(node, needs))
        where = self.bind("node", node, node)
        results = ["_t"] if len(ins) == 1 else [f"_t{pos}" for pos in range(len(ins))]
        extra = self.extras.get(node, [])
        extra_arg = f", ({', '.join(extra)},)" if extra else ""
        call = f"{fn}({op}(({', '.join(ins)}{',' if len(ins) == 1 else ''}), {v}{extra_arg}), {g}"
        call += ", <buffer>)" if into else ")"
        alive = f" and {v} is not DEAD" if node.may_be_dead else ""  # a node that did not run gets no gradient
        lines = [f"if {g} is not None{alive}:  # {node.type} {node.op_name!r}", f"    {', '.join(results)} = {call}"]
        if into:  # its first result, in an array this step keeps for the next run
            lines.append(f"    <buffer> = {results[0]}")
        if len(ins) == 1:  # a one-input op's gradient may come back bare or as a one-element list
            lines.append("    if _t.__class__ is list or _t.__class__ is tuple: (_t,) = _t")
        reads, writes = [g, v] + ins + extra, []
        for pos, (parent, t) in enumerate(zip(node.inputs, results)):
            if not needs[pos]:
                continue
            a = acc[parent]
            lines.append(f"    if {t} is not None:")
            if self.check:
                lines.append(f"        checked({t}, {where}, 'gradient of ')")
            lines += [f"        if {t}.shape != {ins[pos]}.shape: {t} = fit({t}, {ins[pos]}, {where}, {pos})",
                      f"        {self.add_to(a, t)}"]
            reads.append(a)
            writes.append(a)
        return Step(node, lines, tuple(reads), tuple(writes), backward=True, input_names=tuple(ins),
                    own_buffer=into is not None, aliases_inputs=not fast_kernels.is_builtin(grad_fn))

    def add_to(self, total, term):
        """Code adding ``term`` to the gradient ``total`` (the first term to arrive starts the sum)."""
        if total not in self.summed:
            self.summed.add(total)
            return f"{total} = {term}"
        return f"{total} = {term} if {total} is None else {total} + {term}"

    def ones(self, y):
        """Code for dy/dy = ones like y's value: a shared read-only constant when y's static shape
        and dtype are known (a scalar loss, usually), else a new array of the value's shape."""
        v = self.names.value(y)
        if y.dtype is None or not y.shape.is_fully_defined():
            return f"ones_like({v})"
        # read-only: gradient functions make new arrays; fetched values are copied
        one = freeze(xp.ones(y.shape.as_list(), dtype=y.dtype.as_numpy_dtype))
        name = self.bind("ones", y, one)
        return f"({name} if {v}.shape == {name}.shape else ones_like({v}))"


class ShapeBlocks:
    """The blocks of remembered shape arithmetic of a plan (``fast_kernels`` section 6), each written as one
    memo check where its first value is needed::

        _key = (logits.shape, labels.shape)  # the values of 14 ops on shapes, remembered while these shapes repeat
        _last = memo_Shape[0]
        if _last[0] == _key:
            concat, Slice = _last[1]
        else:  # a new key: each op's kernel, as in the reference executor
            ...
            memo_Shape[0] = (_key, (concat, Slice))

    The key is the shapes of the arrays the block's Shape, Rank and Size ops query; everything else the
    block reads is a Const (written inside it when only the block reads it), so the same key means the
    same values. ``(key, values)`` is one tuple, replaced at once: concurrent runs see a matching pair.
    A block whose queried arrays are not all computed before its first reader, or that nobody outside
    it reads, is written node by node instead, each node through its own memo (``fast_kernels.remembered``).
    Blocks whose queried arrays are all computed by an earlier block's place join that block (one check).
    """

    def __init__(self, order, remembered, fetches, fed):
        # A fed Const may change from run to run: a block may read it only through a Shape, Rank or Size op.
        self.blocks = [members for members in fast_kernels.shape_blocks(order, remembered)
                       if not any(p in fed for n in members if n.type not in fast_kernels.SHAPE_QUERY_TYPES
                                  for p in n.inputs)]
        self.block_of = {node: k for k, members in enumerate(self.blocks) for node in members}
        readers = {}
        for node in order:
            for p in (*node.inputs, *node.control_inputs):
                readers.setdefault(p, set()).add(node)
        for node in order:  # a Const that only one block's ops read is written inside the block
            owners = {self.block_of.get(r) for r in readers.get(node, ())}
            if node.type == "Const" and _plain_const(node) and node not in fetches and len(owners) == 1 \
                    and None not in owners:
                self.block_of[node] = owners.pop()
        self.parts = [[] for _ in self.blocks]  # each block's steps, in the plan's order

    def note(self, step):
        """Record ``step`` (just written) as part of its block, if its node is in one."""
        k = self.block_of.get(step.node)
        if k is not None:
            self.parts[k].append(step)

    def place(self, writer):
        """``writer.steps`` with each block's steps moved into one block step, before its first reader."""
        steps = writer.steps
        inside = {id(s) for parts in self.parts for s in parts}
        others = [s for s in steps if id(s) not in inside]
        written = {writer.names.value(n): -1 for n in writer.fed}
        for k, step in enumerate(others):
            for name in step.writes:
                written.setdefault(name, k)
        groups = {}  # position in others -> block numbers checked there
        for k, parts in enumerate(self.parts):
            at = self._first_reader(parts, others)
            needs = self._needs(parts)
            if at is None or any(written.get(name, at) >= at for name in needs):
                for step in parts:  # node by node, each through its own memo
                    self._write_part(writer, step, fast_kernels.remembered)
                continue
            at = next((g for g in sorted(groups) if g <= at and all(written.get(name, g) < g for name in needs)), at)
            groups.setdefault(at, []).append(k)
        placed = {id(s) for blocks in groups.values() for k in blocks for s in self.parts[k]}
        before = {id(others[at]): self._block_step(writer, [s for k in ks for s in self.parts[k]], others)
                  for at, ks in groups.items()}
        out = []
        for step in steps:
            if id(step) in before:
                out.append(before[id(step)])
            if id(step) not in placed:
                out.append(step)
        return out

    @staticmethod
    def _first_reader(parts, others):
        names = {name for step in parts for name in step.writes}
        return next((k for k, step in enumerate(others) if names.intersection(step.reads)), None)

    @staticmethod
    def _needs(parts):
        """The names ``parts`` read and do not write: the queried arrays (and Consts read elsewhere too)."""
        made = {name for step in parts for name in step.writes}
        return list(dict.fromkeys(name for step in parts for name in step.reads if name not in made))

    @staticmethod
    def _write_part(writer, step, wrap):
        """Fill in the line of a block's op: its kernel, made read-only (``fast_kernels.frozen``) or remembered."""
        node = step.node
        if step.lines:  # a Const: its line is written already
            return
        kernel = writer.bind("kernel", node, wrap(node, _kernel(node)) if wrap is fast_kernels.remembered
                             else fast_kernels.frozen(_kernel(node)))
        (v,) = step.writes
        step.lines = [f"{v} = {kernel}({', '.join(step.reads)})  # {node.type} {node.op_name!r}"]
        if writer.check:
            step.lines.append(f"checked({v}, {writer.bind('node', node, node)})")

    def _block_step(self, writer, parts, others):
        """The step computing ``parts`` (one or more blocks) once per new key, their values else remembered."""
        for step in parts:
            self._write_part(writer, step, None)
        made = [name for step in parts for name in step.writes]
        read_after = {name for step in others for name in step.reads}
        outputs = [name for name in made if name in read_after]
        queries = list(dict.fromkeys(step.reads[0] for step in parts
                                     if step.node.type in fast_kernels.SHAPE_QUERY_TYPES and step.reads[0] not in made))
        key = queries[0] + ".shape" if len(queries) == 1 else f"({', '.join(q + '.shape' for q in queries)})"
        ops = [step.node for step in parts if step.node.type != "Const"]
        memo = writer.bind("memo", ops[0], [(None, None)])
        values = ", ".join(outputs) + ("," if len(outputs) == 1 else "")
        until = "while these shapes repeat" if queries else "for good"
        head = [f"_key = {key}  # the values of {len(ops)} ops on shapes, remembered {until}",
                f"_last = {memo}[0]",
                "if _last[0] == _key:",
                f"    {values} = _last[1]",
                "else:  # a new key: each op's kernel, as in the reference executor"]
        block = Step(None, [], tuple(self._needs(parts)), tuple(outputs), aliases_inputs=False, parts=tuple(parts))
        lines, owners = list(head), [block] * len(head)
        for step in parts:
            lines += ["    " + line for line in step.lines]
            owners += [step] * len(step.lines)
        lines.append(f"    {memo}[0] = (_key, ({values}))")
        owners.append(block)
        block.lines, block.line_owners = lines, tuple(owners)
        return block


def _plain_const(node):
    """A Const a plan writes as a name for its frozen value (``StepWriter.forward``)."""
    return "compute" in node.__dict__ and not node.control_inputs


def plan_buffers(steps, keep):
    """``steps`` with a ``del`` after each value's last reader, and buffer slots for the kernels that
    take ``out=``: when a value they made dies, its array goes to a later result of the same static
    shape and dtype (and, between runs, to the same result again). Returns (steps, number of slots).

    A value's array is reused only when nothing can still hold it: it is not fetched, and every
    step that reads it makes new arrays (no view of it, no variable assigned it)."""
    last_read, made_by, made_at = {}, {}, {}
    for k, step in enumerate(steps):
        for name in step.reads:
            last_read[name] = k
        for name in step.writes:
            made_by.setdefault(name, step)
            made_at.setdefault(name, k)
    recyclable = {name for name, step in made_by.items() if step.takes_buffer and name not in keep}
    for step in steps:
        if step.aliases_inputs:
            recyclable.difference_update(step.reads)
    dies_after = {}
    for name in made_by:
        if name not in keep:
            dies_after.setdefault(last_read.get(name, made_at[name]), []).append(name)
    out, free, slot_of, n_slots = [], {}, {}, 0
    for k, step in enumerate(steps):
        if step.own_buffer:
            step.buffer, n_slots = n_slots, n_slots + 1
        for name in step.writes:
            if name in recyclable:
                key = _buffer_key(step.node)
                slot = free[key].pop() if free.get(key) else None
                if slot is None:
                    slot, n_slots = n_slots, n_slots + 1
                slot_of[name], step.buffer = slot, slot
        step.lines = step.source_lines()
        out.append(step)
        dead = sorted(dies_after.get(k, ()))
        if dead:
            lines = [f"buffers[{slot_of[n]}] = {n}  # its array is free for a later result" for n in dead
                     if n in slot_of]
            out.append(Step(None, lines + [f"del {', '.join(dead)}"], aliases_inputs=False))
            for n in dead:
                if n in slot_of:
                    free.setdefault(_buffer_key(made_by[n].node), []).append(slot_of[n])
    return out, n_slots


def _buffer_key(node):
    return node.shape.dims, node.dtype


def _kernel(node):
    compute = node.compute
    if "compute" in node.__dict__ or type(node).__module__.startswith("tensorslow."):
        return compute

    def user_compute(*args):  # a course-style Operation subclass may return lists
        return xp.asarray(compute(*args))
    return user_compute


def _checked(grad_fn, node):
    """A user's gradient function, made to return one array (or None) per input."""
    def checked(op, grad):
        results = [None if g is None else xp.asarray(g) for g in check_gradient_count(node, grad_fn(op, grad))]
        return results[0] if len(results) == 1 else results
    return checked


def _fit(grad, value, node, pos):
    """``executor.fit`` for a plan, which calls it only when the shapes differ: sum ``grad`` to
    ``value``'s shape directly, and go through ``fit`` (conversions, the error naming the op) otherwise."""
    if grad.__class__ is xp.ndarray and value.__class__ is xp.ndarray:
        reduced = reduce_to_shape(grad, value.shape)
        if reduced is not None:
            return reduced
    return fit(grad, value, node, pos)
