"""Execution plans: a graph compiled, once, for one set of fetches and feeds.

``Session.run`` looks its plan up by (fetched nodes, fed nodes). Building a
plan walks the graph once, in an iterative topological order of the nodes
the fetches need (fed nodes are sources: what they depend on is not run),
and writes that order down as one straight-line Python function, one line
per node, each value held in a local variable::

    v2 = k2(v0, v1)          # MatMul 'MatMul'
    v4 = k4(v2, v3)          # Add 'Add'

and, when gradients are fetched, the backward pass after it: for each op in
reverse topological order, its gradient function applied to this run's
values, each result summed to its input's shape and accumulated
(``print(plan.source)`` shows it all). Running a plan is one Python call:
no graph walk, no per-node lookups, and nothing stored on the nodes, so
concurrent runs never share intermediate values.
"""
import re

import numpy as np

from .errors import InvalidArgumentError, OpError
from .registry import check_gradient_count, op_values_type
from .shapes import reduce_to_shape


class Plan:
    """A compiled function computing ``fetches`` from fed values, the session's state and constants."""

    def __init__(self, fetches, fed, state, check_numerics=False):
        fed = set(fed)
        self.order = topological_order(fetches, fed)
        self.index = {node: i for i, node in enumerate(self.order)}
        self.fed = [n for n in self.order if n in fed]
        self.lines_at = {}  # source line -> (index of its op, whether it is part of the op's gradient)
        writer = _Writer(self, state, check_numerics)
        for node in self.order:
            if node.type == "Gradients":
                writer.backward(node.backward)
            elif node not in fed:
                writer.forward(node)
        self.source = writer.finish([self.index[n] for n in fetches])
        # inf and nan propagate silently, as in TensorFlow (errstate as a decorator costs half of
        # entering it as a context each run).
        self._code, run = writer.compile(self.source)
        self._run = np.errstate(all="ignore")(run)

    def run(self, feeds):
        """Fetch values for ``feeds`` (fed node -> converted value)."""
        out = self._run(feeds)
        for k, value in enumerate(out):
            # Variable values and constants are shared, read-only arrays: hand out copies.
            if value.__class__ is np.ndarray and not value.flags.writeable:
                out[k] = value.copy()
        return out

    def describe_failure(self, error, values):
        """An InvalidArgumentError naming the op whose kernel or gradient raised ``error``, its
        inputs' shapes and the cause. The op is found from the line of the plan that raised
        (the traceback's line number), so a run pays nothing to keep track of where it is."""
        line, tb = None, error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code is self._code:
                line = tb.tb_lineno
            tb = tb.tb_next
        if line not in self.lines_at:  # not an op's line: report the error as it is
            return InvalidArgumentError(None, f"{type(error).__name__}: {error}")
        at, backward = self.lines_at[line]
        node = self.order[at]
        shapes = ", ".join(f"{inp.name!r}: {_shape_of(values.get(f'v{self.index[inp]}'))}"
                           for inp in node.inputs if inp in self.index)
        what = "gradient of " if backward else ""
        return InvalidArgumentError(
            node, f"{what}{node.type} op {node.op_name!r} failed{' on inputs ' + shapes if shapes else ''}: "
                  f"{type(error).__name__}: {error}")


def _shape_of(value):
    return None if value is None else tuple(np.shape(value))


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


class _Writer:
    """Writes a plan's Python source, line by line, and the names it refers to."""

    def __init__(self, plan, state, check_numerics):
        self.plan = plan
        self.index = plan.index
        self.env = {"state": state, "ndarray": np.ndarray, "generic": np.generic, "ones_like": np.ones_like,
                    "zeros_like": np.zeros_like, "fit": _fit, "normalize": check_gradient_count,
                    "checked": _check_finite, "OpError": OpError, "plan": plan}
        self.lines = []
        self.passes = {}
        self.check = check_numerics

    def v(self, node):
        return f"v{self.index[node]}"

    def forward(self, node):
        i = self.index[node]
        if node.type == "Placeholder":
            node.compute()  # raises "You must feed a value for placeholder ..."
        self.env[f"k{i}"] = _kernel(node)
        args = ["state"] if node.stateful else []
        args += [self.v(p) for p in node.inputs]
        self.lines.append(f"v{i} = k{i}({', '.join(args)})  # {node.type} {node.op_name!r}")
        if self.check:
            self.env[f"n{i}"] = node
            self.lines.append(f"checked(v{i}, n{i})")

    def backward(self, bp):
        """Emit the backward pass of ``bp`` once, where its first gradient node appears."""
        if bp in self.passes:
            return
        b = self.passes[bp] = len(self.passes)  # names of this pass end in _b: passes never share them
        acc = {node: f"g{self.index[node]}_{b}" for node in bp.between}
        self.lines.append(f"# backward pass: d({', '.join(y.op_name for y in bp.ys)}) / d(...)")
        self.lines.append(" = ".join(acc.values()) + " = None")
        for k, (y, gy) in enumerate(zip(bp.ys, bp.grad_ys)):
            if y in acc:
                seed = self.v(gy) if gy is not None else self._ones(y, f"S{self.index[y]}_{b}_{k}")
                self.lines.append(f"{acc[y]} = {seed} if {acc[y]} is None else {acc[y]} + {seed}")
        for node, fn in zip(bp.order, bp.grad_fns):
            if fn is None:
                continue  # declared not differentiable: no gradient flows through it
            i = self.index[node]
            self.env[f"G{i}"], self.env[f"n{i}"] = fn, node
            # What the gradient function sees as `op`; which inputs need a gradient (op.needs) is
            # fixed per pass, so a function may skip computing the others.
            self.env[f"O{i}_{b}"] = op_values_type(node, [p in acc for p in node.inputs])
            ins = [self.v(p) for p in node.inputs]
            arity = len(ins)
            call = f"G{i}(O{i}_{b}(({', '.join(ins)}{',' if arity == 1 else ''}), v{i}), {acc[node]})"
            self.lines += [f"if {acc[node]} is not None:  # {node.type} {node.op_name!r}"]
            if arity == 1:  # a one-input gradient function may return its gradient bare or in a list
                self.lines += [f"    t = {call}",
                               f"    if t.__class__ is tuple or t.__class__ is list: t = normalize(n{i}, t)[0]"]
            else:
                self.lines += [f"    r = {call}",
                               f"    if r.__class__ is not tuple or len(r) != {arity}: r = normalize(n{i}, r)"]
            for pos, parent in enumerate(node.inputs):
                if parent not in acc:
                    continue
                a, x = acc[parent], ins[pos]
                if arity > 1:
                    self.lines += [f"    t = r[{pos}]"]
                if self.check:
                    self.lines += [f"    checked(t, n{i}, 'gradient of ')"]
                self.lines += [
                    "    if t is not None:",
                    f"        if t.__class__ is not ndarray and not isinstance(t, generic) or t.shape != {x}.shape:",
                    f"            t = fit(t, {x}, n{i}, {pos})",
                    f"        {a} = t if {a} is None else {a} + t",
                ]
        for node in self.plan.order:
            if node.type == "Gradients" and node.backward is bp:
                x = bp.xs[node.index]
                g = acc.get(x, "None")
                self.lines.append(f"v{self.index[node]} = {g} if {g} is not None else zeros_like({self.v(x)})")

    def _ones(self, y, name):
        """Code for dy/dy = ones like y's value: a shared read-only constant when y's static shape
        and dtype are known (a scalar loss, usually), else a new array of the value's shape."""
        v = self.v(y)
        if y.dtype is None or not y.shape.is_fully_defined():
            return f"ones_like({v})"
        one = np.ones(y.shape.as_list(), dtype=y.dtype.as_numpy_dtype)
        one.flags.writeable = False  # gradient functions make new arrays; fetched values are copied
        self.env[name] = one
        return f"({name} if {v}.shape == {name}.shape else ones_like({v}))"

    def finish(self, fetch_indices):
        params = ", ".join(f"v{self.index[n]}" for n in self.plan.fed)
        unpack = [f"{params}{',' if len(self.plan.fed) == 1 else ''} = [feeds[n] for n in fed]"] if params else []
        self.env["fed"] = self.plan.fed
        lines = _free_after_last_use(self.lines, keep={f"v{i}" for i in fetch_indices})
        body = unpack + ["try:"] + ["    " + line for line in lines or ["pass"]] + [
            "except OpError:", "    raise",
            "except Exception as error:",
            "    raise plan.describe_failure(error, locals()) from error",
            f"return [{', '.join(f'v{i}' for i in fetch_indices)}]",
        ]
        # Each line belongs to the op whose kernel or gradient function was called last: its call,
        # and what the plan does with the result (summing it to shape, accumulating it).
        current = None
        for number, line in enumerate(body, start=2):  # line 1 is `def run(feeds):`
            call = _CALL.search(line.split("#")[0])
            if call:
                current = (int(call.group(2)), call.group(1) == "G")
            if current is not None:
                self.plan.lines_at[number] = current
        return "def run(feeds):\n" + "\n".join("    " + line for line in body) + "\n"

    def compile(self, source):
        """(code object of `run`, `run`)"""
        namespace = dict(self.env)
        exec(compile(source, "<tensorslow plan>", "exec"), namespace)
        return namespace["run"].__code__, namespace["run"]


_CALL = re.compile(r"\b([kG])(\d+)\(")  # an op's kernel or gradient function called on a line

_NAME = re.compile(r"\b[vg]\d+(?:_\d+)?\b")
_TARGET = re.compile(r"\s*\w+ = (?!=)")


def _free_after_last_use(lines, keep):
    """Insert ``del name`` after the last line that reads each value, as TensorFlow's executor
    drops a tensor when its last consumer has run: large intermediates are freed (and their
    memory reused) during the run instead of all at its end."""
    last = {}
    for k, line in enumerate(lines):
        code = line.split("#")[0]
        if code.rstrip().endswith(":"):
            continue  # a block header: the block's own lines read the same names
        target = _TARGET.match(code)
        for name in _NAME.findall(code[target.end():] if target else code):
            last[name] = k
    frees = {}
    for name, k in last.items():
        if name not in keep:
            frees.setdefault(k, []).append(name)
    out = []
    for k, line in enumerate(lines):
        out.append(line)
        if k in frees:
            indent = line[:len(line) - len(line.lstrip())]
            out.append(f"{indent}del {', '.join(sorted(frees[k]))}")
    return out


def _kernel(node):
    compute = node.compute
    if "compute" in node.__dict__ or type(node).__module__.startswith("tensorslow."):
        return compute

    def user_compute(*args):  # a course-style Operation subclass may return lists
        return np.asarray(compute(*args))
    return user_compute


def _fit(grad, value, node, pos):
    """``grad`` summed to the shape of input ``pos`` (broadcasting); error naming the op if impossible."""
    shape = np.shape(value)
    grad = np.asarray(grad)
    if grad.shape == shape:
        return grad
    reduced = reduce_to_shape(grad, shape)
    if reduced is None:
        raise InvalidArgumentError(
            node, f"Gradient function for {node.op_name!r} (op type {node.type}) returned a gradient of "
                  f"shape {grad.shape} for input {pos}, whose shape is {shape}")
    return reduced


def _check_finite(value, node, what=""):
    """Raise, naming ``node`` (or its gradient), if ``value`` holds NaN or Inf."""
    if value is not None and getattr(value, "dtype", None) is not None and value.dtype.kind == "f" \
            and not np.isfinite(value).all():
        kind = "NaN" if np.isnan(value).any() else "Inf"
        raise InvalidArgumentError(node, f"check_numerics: {what}{node.type} op {node.op_name!r} produced {kind} "
                                         f"(inputs: {[i.name for i in node.inputs]})")
