"""``--to tf2``: the code that replaces placeholders, graph nodes, minimize ops and ``session.run`` calls.

A mixin of :class:`.tf2.Tf2Translator`; see :mod:`.tf2` for what each piece becomes.
"""
import textwrap

import libcst as cst

from ..optimizers import KERAS_OPTIMIZERS, REQUIRED
from .program import arg, is_none
from .symbols import SYMBOLS
from .tf2_analysis import PREFIX
from .tf2_scan import names_in

COMMENT_WIDTH = 96  # generated comment lines wrap here: nested two functions deep they still fit in 120 columns


def _comments(text):
    return [f"# {line}" for line in textwrap.wrap(text, COMMENT_WIDTH)]


class Generator:
    """Code generation for :class:`.tf2.Tf2Translator`."""

    # -- statements -----------------------------------------------------------------------------
    def placeholder(self, original, updated, obj):
        statement = self.code(original.body[0])
        if obj in self.escaping:
            self.change(original, f"`{statement}` -> `{obj.name} = \"{obj.name}\"`: TF2 has no placeholders; the "
                                  f"program hands `{obj.name}` around, so it becomes the name of the parameter it "
                                  f"feeds (the key of feed dicts)")
            return updated.with_changes(body=[cst.parse_statement(f'{obj.name} = "{obj.name}"').body[0]])
        self.change(original, f"`{statement}` removed: TF2 has no placeholders; `{obj.name}` becomes a parameter "
                              f"of the functions that read it, converted to {self.dtype_code(obj)}")
        return self._drop(updated)

    def node_function(self, original, updated, obj):
        expression = self.code(updated.body[0].value)
        body = self._unused(obj) + self._conversions(obj) + [f"return {expression}"]
        reads = ", ".join(p.name for p in obj.needs) or "nothing fed"
        doc = f"The graph node {obj.name} from {reads}."
        self.change(original, f"`{self.code(original.body[0])}` -> function {obj.name}({self._signature(obj)})")
        return self._emit(original, updated, [self._function(obj.name, self._signature(obj), doc, body)], obj.name)

    def step_function(self, original, updated, obj):
        out = []
        if isinstance(obj.optimizer, cst.Call):
            code = self.keras_optimizer(original, obj.optimizer)
            if code is None:
                return updated
            optimizer_name = self.fresh("optimizer")
            out.append(f"{optimizer_name} = {code}\n")
            call = obj.optimizer
        else:
            optimizer_name, call = self.code(original.body[0].value.func.value), obj.optimizer.call
        kind = self.call_path(call).split(".")[-1].replace("Optimizer", "")
        loss = self.code(original.body[0].value.args[0].value)
        taken = {p.name for p in obj.needs + obj.others} | {loss, obj.name, optimizer_name, self.root}
        tape, value, variables = (self._local(base, taken) for base in ("tape", "value", "variables"))
        step = self._unused(obj) + _comments(f"returns {loss} before the step: what a run fetching both gave "
                                             f"in TF1") + [
                f"with {self.tf('GradientTape')}() as {tape}:",
                f"    {value} = {loss}({', '.join(p.name for p in obj.needs)})",
                f"{variables} = {tape}.watched_variables()",
                f"{optimizer_name}.apply_gradients(zip({tape}.gradient({value}, {variables}), {variables}))",
                f"return {value}.numpy()"]
        doc = f"One {kind} step on {loss} (session.run({obj.name}) in TF1)."
        out.append(self._function(obj.name, self._signature(obj), doc, step))
        self.change(original, f"`{self.code(original.body[0])}` -> "
                              + (f"`{optimizer_name} = {code}` and " if isinstance(obj.optimizer, cst.Call) else "")
                              + f"function {obj.name}({self._signature(obj)}) (one step with tf.GradientTape and "
                                f"{optimizer_name}.apply_gradients)")
        return self._emit(original, updated, out, obj.name)

    def _emit(self, original, updated, codes, name):
        statements = list(cst.parse_module("".join(codes)).body)
        leading = list(updated.leading_lines) + list(statements[0].leading_lines)
        if updated.trailing_whitespace.comment is not None:
            leading.append(cst.EmptyLine(comment=updated.trailing_whitespace.comment))
        statements[0] = statements[0].with_changes(leading_lines=leading)
        if not isinstance(self.parent(original), cst.Module):  # a blank line before each function in a body
            self._nested.add(name)
            statements = [s.with_changes(leading_lines=[cst.EmptyLine(indent=False), *s.leading_lines])
                          if isinstance(s, cst.FunctionDef) else s for s in statements]
        else:
            self._generated.add(name)
            statements = [s.with_changes(leading_lines=[cst.EmptyLine()] * 2 + list(s.leading_lines))
                          if isinstance(s, cst.FunctionDef) and i else s for i, s in enumerate(statements)]
            if isinstance(statements[0], cst.FunctionDef):
                statements[0] = statements[0].with_changes(
                    leading_lines=[cst.EmptyLine()] * 2 + list(statements[0].leading_lines))
        return cst.FlattenSentinel(statements)

    def _conversions(self, obj):
        return [f"{p.name} = {self.tf('convert_to_tensor')}({p.name}, {self.dtype_code(p)})" for p in obj.needs]

    @staticmethod
    def _signature(obj):
        return ", ".join([p.name for p in obj.needs] + [f"{p.name}=None" for p in obj.others])

    @staticmethod
    def _unused(obj):
        """Comment lines on the parameters a function accepts and does not read."""
        if not obj.others:
            return []
        names = ", ".join(p.name for p in obj.others)
        return _comments(f"{names}: not read, accepted so that one feed dict serves every function of the graph")

    @staticmethod
    def _local(base, taken):
        name = base
        while name in taken:
            name += "_"
        taken.add(name)
        return name

    @staticmethod
    def _function(name, signature, doc, body):
        lines = "".join(f"    {line}\n" if line.strip() else "\n" for line in body)
        return f"def {name}({signature}):\n    \"\"\"{doc}\"\"\"\n{lines}"

    def dtype_code(self, placeholder):
        dtype = arg(placeholder.call, 0, "dtype")
        if dtype is None or is_none(dtype.value):
            return self.tf("float64")
        path = self.path_of(dtype.value) if isinstance(dtype.value, (cst.Name, cst.Attribute)) else None
        if path is not None and SYMBOLS.get(path) is not None and SYMBOLS[path].tf2:
            return self.tf(SYMBOLS[path].tf2)
        return self.code(dtype.value)

    # -- session.run ------------------------------------------------------------------------------
    def translate_run(self, original, updated):
        fetch, objs, listed, feed = self.runs[original]
        elements = [e.value for e in fetch.value.elements] if listed else [fetch.value]
        names = [self.code(e) for e in elements]
        steps = [i for i, o in enumerate(objs) if o.kind == "minimize"]
        if steps:
            step = objs[steps[0]]
            if len(steps) > 1 or any(o.kind == "variable" or o.kind == "node" and o is not step.loss for o in objs):
                self.error(original, PREFIX + f"`{self.code(original)}`: with a minimize op, only its own loss may "
                                              f"be fetched in the same run (TF1 leaves the order of other reads "
                                              f"undefined)")
                return None
            if not listed and not isinstance(self.parent(original), cst.Expr):
                self.error(original, PREFIX + f"the value of `{self.code(original)}` (None in TF1) is used")
                return None
        feed_code = self._feed_code(original, updated, feed, objs)
        if feed_code is None:
            return None
        parts = []
        for name, obj in zip(names, objs):
            if obj.kind == "variable":
                parts.append(f"{name}.numpy()")
            elif obj.kind == "minimize":
                parts.append(f"{name}({feed_code})")
            elif steps:
                parts.append("None")  # the loss: the step returns it, computed before the update as TF1 does
            else:
                parts.append(f"{name}({feed_code}).numpy()")
        if steps:
            loss_index = next((i for i, o in enumerate(objs) if o.kind == "node"), None)
            if loss_index is not None:
                parts[loss_index], parts[steps[0]] = parts[steps[0]], "None"
        if listed:
            open_, close = ("[", "]") if isinstance(fetch.value, cst.List) else ("(", ")")
            new = f"{open_}{', '.join(parts)}{',' if len(parts) == 1 and open_ == '(' else ''}{close}"
        else:
            new = parts[0]
        self.change(original, f"{self.code(original)} -> {new}")
        return cst.parse_expression(new)

    def _feed_code(self, original, updated, feed, objs):
        """The arguments of the functions called for a feed: ``**feed``, ``X=grid``, ''; None on error."""
        if feed is None or not any(o.kind in ("node", "minimize") for o in objs):
            return ""
        index = next(i for i, a in enumerate(original.args) if a is feed)
        value = updated.args[index].value
        if isinstance(value, cst.Name):
            return f"**{value.value}"
        keys = self.feed_dicts[feed.value]
        accepted = set.intersection(*({id(p) for p in o.needs + o.others} for o in objs if o.kind != "variable"))
        foreign = [k.name for k in keys if id(k) not in accepted]
        if foreign:
            self.error(original, PREFIX + f"`{self.code(original)}` feeds {', '.join(foreign)}, a placeholder of "
                                          f"another graph than the one it runs")
            return None
        return ", ".join(f"{k.name}={self.code(e.value)}" for k, e in zip(keys, value.elements))

    # -- optimizers -------------------------------------------------------------------------------
    def keras_optimizer(self, line, call):
        """``tf.keras.optimizers.X(...)`` for TF1 optimizer ``call``, or None (error reported)."""
        path = self.call_path(call)
        if path not in KERAS_OPTIMIZERS:
            self.error(line, PREFIX + f"tensorslow.{path}: {SYMBOLS[path].why_not_tf2}")
            return None
        keras_name, params = KERAS_OPTIMIZERS[path]
        given = {}
        positional = [a for a in call.args if a.keyword is None]
        if len(positional) > len(params) or any(a.star for a in call.args):
            self.error(line, PREFIX + f"`{self.code(call)}`: unexpected arguments")
            return None
        for (name, _, _), a in zip(params, positional):
            given[name] = a.value
        for a in call.args:
            if a.keyword is not None:
                if a.keyword.value not in {p[0] for p in params}:
                    self.error(line, PREFIX + f"`{self.code(call)}`: unknown argument {a.keyword.value}=")
                    return None
                given[a.keyword.value] = a.value
        for value in given.values():
            if any(self.path_of(n) is not None for n in names_in(value)) or self.calls_in(value) and any(
                    p for p, _ in self.calls_in(value)):
                self.error(line, PREFIX + f"`{self.code(call)}`: hyperparameters computed with the graph "
                                          f"(schedules, tensors) are not translated; pass a number")
                return None
        kwargs = []
        for name, default, keras_arg in params:
            if default is REQUIRED and name not in given:
                self.error(line, PREFIX + f"`{self.code(call)}` lacks {name}")
                return None
            if keras_arg is None:
                if name in given:
                    self.note(line, f"{name}= of the TF1 optimizer has no Keras counterpart and is dropped")
                continue
            if name in given:
                kwargs.append(f"{keras_arg}={self.code(given[name])}")
            elif default is not False:  # every numeric default explicitly: Keras's may differ (epsilon)
                kwargs.append(f"{keras_arg}={default!r}")
        return f"{self.tf('keras.optimizers.' + keras_name)}({', '.join(kwargs)})"
