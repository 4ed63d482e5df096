"""``--to tf2``: turn the course's graph-and-session program into eager TF2 code.

The supported pattern is the course's and the TF1 tutorials' simplest one, at
module level (``with ts.Session() as sess:`` and ``with ts.Graph().as_default():``
blocks are unwrapped):

* placeholders ``X = ts.placeholder(...)``, Variables ``W = ts.Variable(...)``;
* graph nodes ``name = <expression>`` computed from them, one assignment each;
* ``minimize = <TF1 optimizer>.minimize(J)`` with GradientDescent, Momentum or Adam;
* a session (``session = ts.Session()`` or a ``with`` block) whose only use is
  ``session.run(fetches, feed)``, where ``fetches`` is the minimize op, its loss,
  a Variable, or a list of these, and ``feed`` a dict literal keyed by the
  placeholders (or a name bound to one).

It becomes: each placeholder a parameter, the loss a function ``J(X, c)`` of
them (its nodes' statements moved inside, the parameters converted to the
placeholders' dtypes), the minimize op a function ``minimize(X, c)`` taking one
step with ``tf.GradientTape`` and the ``tf.keras.optimizers`` equivalent of the
TF1 optimizer (hyperparameters mapped exactly; Adam's epsilon passed explicitly,
since Keras's default is 1e-7 and TF1's 1e-8), and ``session.run(J, feed)``
``J(**feed).numpy()``. Anything else is refused with the line and the reason.

The first pass (what each statement is) is :mod:`.tf2_analysis`; this module
checks the references and rewrites the program.
"""
import libcst as cst
from libcst.metadata import QualifiedNameProvider

from ..optimizers import KERAS_OPTIMIZERS, REQUIRED
from .program import arg, is_none
from .symbols import STRUCTURAL, SYMBOLS, TF2_KEYWORDS, resolve
from .tf2_analysis import PATTERN, PREFIX, Tf2Analysis, names_in


class Tf2Translator(Tf2Analysis):
    """Eager TF2: placeholders become parameters, the loss and the training step functions."""

    # -- checks of references -----------------------------------------------------------------
    def _global(self, node):
        names = self.get_metadata(QualifiedNameProvider, node, set())
        return any(q.name == node.value for q in names)

    def visit_SimpleStatementLine(self, node):
        role = self.role.get(node)
        if role in ("placeholder", "session", "graph", "init", "optimizer", "minimize"):
            return False  # dropped or regenerated whole
        if role == "node":
            self._in_node += 1
        return True

    def visit_WithItem(self, node):
        return self.parent(node) not in self.unwrapped

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "run" and isinstance(func.value, cst.Name) \
                and func.value.value in self.sessions and self._global(func.value):
            fetch, feed = arg(node, 0, "fetches"), arg(node, 1, "feed_dict")
            self.runs[node] = (fetch, feed)
            self.allowed.add(func.value)
            if fetch is not None:
                elements = fetch.value.elements if isinstance(fetch.value, (cst.List, cst.Tuple)) else [fetch]
                self.allowed.update(e.value for e in elements if isinstance(e.value, cst.Name))
        return True

    def visit_Dict(self, node):
        keys = self._placeholder_keys(node)
        if keys is not None:
            self.feed_dicts.add(node)
            self.allowed.update(e.key for e in node.elements)
        return True

    def visit_Name(self, node):
        super().visit_Name(node)
        if self._in_node or node in self.allowed or not self._global(node):
            return
        parent = self.parent(node)
        if isinstance(parent, (cst.Attribute, cst.Arg)) and node is not getattr(parent, "value", None):
            return  # an attribute name or a keyword, not a read of this name
        name = node.value
        if name in self.sessions:
            self.error(node, PREFIX + f"`{name}` (a Session) is used other than by `{name}.run(...)` at this "
                                      f"point; TF2 has no sessions, so every use must be a session.run this "
                                      f"file translates")
        elif name in self.placeholders or name in self.nodes or name in self.minimizes:
            what = "placeholder" if name in self.placeholders else "minimize op" if name in self.minimizes \
                else "graph node"
            self.error(node, PREFIX + f"`{name}` (a {what}) is used outside session.run and outside the graph "
                                      f"that computes the loss; --to tf2 supports only session.run of the loss, "
                                      f"the minimize op and Variables")

    # -- rewriting ------------------------------------------------------------------------------
    def rewrite_reference(self, node, path):
        symbol = SYMBOLS.get(resolve(path)[0])
        if symbol is not None and (symbol.kind == STRUCTURAL or resolve(path)[0] in KERAS_OPTIMIZERS):
            where, parent = "here", self.parent(node)
            while parent is not None and not isinstance(parent, cst.Module):
                if isinstance(parent, cst.FunctionDef):
                    where = f"inside function {parent.name.value}()"
                    break
                if isinstance(parent, (cst.For, cst.While, cst.If, cst.Try, cst.With)):
                    where = f"inside {type(parent).__name__.lower()} statement (line {self.line(parent)})"
                    break
                parent = self.parent(parent)
            self.error(node, PREFIX + f"`{self.code(node)}` {where} is outside the pattern TF2 translation "
                                      f"restructures: {PATTERN}")
            return None
        return super().rewrite_reference(node, path)

    def leave_Dict(self, original_node, updated_node):
        if original_node not in self.feed_dicts:
            return updated_node
        quote = self._free_quote(original_node)
        elements = [e.with_changes(key=cst.SimpleString(f"{quote}{e.key.value}{quote}"))
                    for e in updated_node.elements]
        self.change(original_node, f"feed dict keyed by placeholders -> keyed by their names "
                                   f"({', '.join(repr(e.key.value) for e in updated_node.elements)}), the "
                                   f"parameters of the functions that replace the graph")
        return updated_node.with_changes(elements=elements)

    def _free_quote(self, node):
        """A quote character usable at ``node``: not the one of an enclosing f-string (before Python 3.12)."""
        while node is not None and not isinstance(node, cst.BaseStatement):
            if isinstance(node, cst.FormattedString):
                return "'" if '"' in node.start else '"'
            node = self.parent(node)
        return '"'

    def leave_Call(self, original_node, updated_node):
        updated_node = super().leave_Call(original_node, updated_node)
        path = self.call_path(original_node)
        if path in TF2_KEYWORDS:
            updated_node = self._rename_keywords(original_node, updated_node, TF2_KEYWORDS[path])
        if original_node in self.runs:
            return self._translate_run(original_node, updated_node) or updated_node
        return updated_node

    def _rename_keywords(self, original, updated, renames):
        args = []
        for a in updated.args:
            if a.keyword is not None and a.keyword.value in renames:
                new = renames[a.keyword.value]
                self.change(original, f"keyword {a.keyword.value}= -> {new}= (TF2's name)")
                a = a.with_changes(keyword=cst.Name(new))
            args.append(a)
        return updated.with_changes(args=args)

    def _translate_run(self, original, updated):
        fetch, feed = self.runs[original]
        others = [a for a in original.args if a is not fetch and a is not feed]
        if fetch is None or others:
            self.error(original, PREFIX + f"`{self.code(original)}`: only session.run(fetches, feed_dict) is "
                                          f"supported")
            return None
        listed = isinstance(fetch.value, (cst.List, cst.Tuple))
        elements = [e.value for e in fetch.value.elements] if listed else [fetch.value]
        kinds = []
        for element in elements:
            name = element.value if isinstance(element, cst.Name) else None
            if name in self.minimizes:
                kinds.append(("step", name))
            elif name in self.loss_nodes:
                kinds.append(("loss", name))
            elif name in self.variables:
                kinds.append(("variable", name))
            else:
                self.error(original, PREFIX + f"session.run of `{self.code(element)}`, a fetch that is not the "
                                              f"loss or minimize op (or a Variable)")
                return None
        steps = [name for kind, name in kinds if kind == "step"]
        if steps:
            loss = self.minimizes[steps[0]][2]
            if len(steps) > 1 or any(kind == "variable" or kind == "loss" and name != loss for kind, name in kinds):
                self.error(original, PREFIX + f"`{self.code(original)}`: with a minimize op, only its own loss may "
                                              f"be fetched in the same run (TF1 leaves the order of other reads "
                                              f"undefined)")
                return None
            if not listed and not isinstance(self.parent(original), cst.Expr):
                self.error(original, PREFIX + f"the value of `{self.code(original)}` (None in TF1) is used")
                return None
        feed_code = self._feed_code(original, updated, feed, kinds)
        if feed_code is False:
            return None
        parts = []
        for kind, name in kinds:
            if kind == "variable":
                parts.append(f"{name}.numpy()")
            elif kind == "step":
                parts.append(f"{name}({feed_code})")
            elif steps:
                parts.append("None")  # stands for the loss; swapped below with the step's result
            else:
                parts.append(f"{name}({feed_code}).numpy()")
        if steps:
            # TF1 computes the fetched loss in the same run as the update, before it: the step returns it.
            step_index = next(i for i, (kind, _) in enumerate(kinds) if kind == "step")
            loss_index = next((i for i, (kind, _) in enumerate(kinds) if kind == "loss"), None)
            if loss_index is not None:
                parts[loss_index], parts[step_index] = parts[step_index], "None"
        if listed:
            open_, close = ("[", "]") if isinstance(fetch.value, cst.List) else ("(", ")")
            new = f"{open_}{', '.join(parts)}{',' if len(parts) == 1 and open_ == '(' else ''}{close}"
        else:
            new = parts[0]
        self.change(original, f"{self.code(original)} -> {new}")
        return cst.parse_expression(new)

    def _feed_code(self, original, updated, feed, kinds):
        """``**feed`` for the functions called, '' when none needs one, False on error."""
        losses = {name if kind == "loss" else self.minimizes[name][2] for kind, name in kinds if kind != "variable"}
        params = set().union(*(self.loss_params[loss] for loss in losses)) if losses else set()
        if not params:
            return ""
        if feed is None:
            self.error(original, PREFIX + f"`{self.code(original)}` feeds nothing, but the loss reads the "
                                          f"placeholders {', '.join(sorted(params))}")
            return False
        index = next(i for i, a in enumerate(original.args) if a is feed)
        value, new_value = feed.value, updated.args[index].value
        if isinstance(value, cst.Dict) and value in self.feed_dicts:
            keys = set(self._placeholder_keys(value))
        elif isinstance(value, cst.Name) and value.value in self.feeds:
            keys = set(self.feeds[value.value])
        else:
            self.error(original, PREFIX + f"the feed of `{self.code(original)}` must be a dict literal keyed by the "
                                          f"placeholders, or a name bound to one at module level")
            return False
        if keys != params:
            self.error(original, PREFIX + f"`{self.code(original)}` feeds {', '.join(sorted(keys))} but the loss "
                                          f"reads exactly {', '.join(sorted(params))}; the functions that replace "
                                          f"the graph take those as parameters")
            return False
        return f"**{self.code(new_value)}"

    def leave_SimpleStatementLine(self, original_node, updated_node):
        new = self.rewrite_import(original_node, updated_node)
        if new is not None:
            return cst.FlattenSentinel(new)
        role = self.role.get(original_node)
        statement = self.code(original_node.body[0]) if original_node.body else ""
        if role == "node":
            self._in_node -= 1
            self.node_code[original_node.body[0].targets[0].target.value] = updated_node
            return self._drop(updated_node, carry=False)
        if role == "placeholder":
            name = original_node.body[0].targets[0].target.value
            users = [f for m, (_, _, loss) in self.minimizes.items() if name in self.loss_params.get(loss, ())
                     for f in (loss, m)]
            users = list(dict.fromkeys(users))
            self.change(original_node, f"`{statement}` removed: TF2 has no placeholders; `{name}` becomes a "
                                       f"parameter of {', '.join(f'{u}()' for u in users) or 'no function (unused)'}"
                                       f", converted to {self._dtype_code(self.placeholders[name])}")
            return self._drop(updated_node)
        if role in ("session", "graph", "init"):
            why = {"session": "TF2 runs eagerly, without sessions",
                   "graph": "TF2 runs eagerly: there is no default graph to replace",
                   "init": "TF2 Variables hold their value from creation"}[role]
            self.change(original_node, f"`{statement}` removed: {why}")
            return self._drop(updated_node)
        if role == "optimizer":
            name = original_node.body[0].targets[0].target.value
            code = self._keras_optimizer(original_node, self.optimizers[name])
            if code is None:
                return updated_node
            self.change(original_node, f"`{statement}` -> `{name} = {code}`")
            return updated_node.with_changes(body=[cst.parse_statement(f"{name} = {code}").body[0]])
        if role == "minimize":
            return self._generate(original_node, updated_node)
        return updated_node

    def leave_With(self, original_node, updated_node):
        if original_node not in self.unwrapped:
            return updated_node
        items = ", ".join(self.code(i).rstrip(", ") for i in original_node.items)
        self.change(original_node, f"`with {items}:` removed, its body moved to module level (TF2 runs eagerly, "
                                   f"without sessions or graphs)")
        body = list(updated_node.body.body)
        if not body:
            return cst.RemovalSentinel.REMOVE
        body[0] = body[0].with_changes(leading_lines=[*updated_node.leading_lines, *body[0].leading_lines])
        return cst.FlattenSentinel(body)

    def _drop(self, line, carry=True):
        """Mark statement ``line`` for removal; with ``carry`` its comments move to the next statement."""
        lines = []
        if carry:
            lines = list(line.leading_lines)
            if line.trailing_whitespace.comment is not None:
                lines.append(cst.EmptyLine(comment=line.trailing_whitespace.comment))
        self._dropped[id(line)] = (line, lines)
        return line

    def _sweep(self, body):
        """``body`` without the dropped statements, their comments on the next one; (body, leftover lines)."""
        out, carry = [], []
        for statement in body:
            if id(statement) in self._dropped and self._dropped[id(statement)][0] is statement:
                carry += self._dropped[id(statement)][1]
                continue
            if carry:
                statement = statement.with_changes(leading_lines=[*carry, *statement.leading_lines])
                carry = []
            out.append(statement)
        return out, carry

    def leave_IndentedBlock(self, original_node, updated_node):
        body, carry = self._sweep(updated_node.body)
        if body == list(updated_node.body):
            return updated_node
        return updated_node.with_changes(body=body, footer=[*carry, *updated_node.footer])

    def leave_Module(self, original_node, updated_node):
        body, carry = self._sweep(updated_node.body)
        spaced = []
        for statement in body:
            # PEP 8: two blank lines after the generated functions
            if spaced and isinstance(spaced[-1], cst.FunctionDef) and spaced[-1].name.value in self._generated \
                    and not isinstance(statement, cst.FunctionDef):
                blank = sum(1 for line in statement.leading_lines if line.comment is None)
                statement = statement.with_changes(
                    leading_lines=[*[cst.EmptyLine()] * max(0, 2 - blank), *statement.leading_lines])
            spaced.append(statement)
        updated_node = updated_node.with_changes(body=spaced, footer=[*carry, *updated_node.footer])
        for name, (line, _) in self.nodes.items():
            if not any(name in nodes for nodes in self.loss_nodes.values()):
                self.note(line, f"graph node `{name}` is never run by a session.run this file translates: its "
                                f"statement is dropped")
        return super().leave_Module(original_node, updated_node)

    # -- generated code -------------------------------------------------------------------------
    def _dtype_code(self, placeholder):
        dtype = arg(placeholder, 0, "dtype")
        if dtype is None or is_none(dtype.value):
            return self.tf("float64")
        path = self.path_of(dtype.value) if isinstance(dtype.value, (cst.Name, cst.Attribute)) else None
        if path is not None and SYMBOLS.get(path) is not None and SYMBOLS[path].tf2:
            return self.tf(SYMBOLS[path].tf2)
        return self.code(dtype.value)

    def _keras_optimizer(self, line, call):
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
            if any(self.path_of(n) is not None for n in names_in(value)):
                self.error(line, PREFIX + f"`{self.code(call)}`: hyperparameters computed with tensorslow "
                                          f"(schedules, tensors) are not supported")
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

    def _generate(self, original, updated):
        """The statements replacing ``minimize = optimizer.minimize(J)``."""
        name = original.body[0].targets[0].target.value
        _, optimizer, loss = self.minimizes[name]
        params = self.loss_params[loss]
        signature = ", ".join(params)
        out = []
        if isinstance(optimizer, cst.Call):
            code = self._keras_optimizer(original, optimizer)
            if code is None:
                return updated
            optimizer_name = self.fresh("optimizer")
            out.append(f"{optimizer_name} = {code}\n")
            optimizer_call = optimizer
        else:
            optimizer_name, optimizer_call = optimizer, self.optimizers[optimizer]
        kind = self.call_path(optimizer_call).split(".")[-1].replace("Optimizer", "")
        new_loss = loss not in self.generated_losses
        if new_loss:
            self.generated_losses.add(loss)
            body = [f"{p} = {self.tf('convert_to_tensor')}({p}, {self._dtype_code(self.placeholders[p])})"
                    for p in params]
            for node in self.loss_nodes[loss]:
                body += self.code(self.node_code[node]).rstrip("\n").split("\n")
            body.append(f"return {loss}")
            placeholders = ", ".join(params) or "no placeholders"
            out.append(self._function(loss, signature, f"{loss} from the values fed to {placeholders}: TF2 has no "
                                                        f"placeholders, so the graph became this function.", body))
        taken = set(params) | {loss, name, optimizer_name, self.root}
        tape, value, variables = (self._local(base, taken) for base in ("tape", "value", "variables"))
        step = [f"with {self.tf('GradientTape')}() as {tape}:",
                f"    {value} = {loss}({signature})",
                f"{variables} = {tape}.watched_variables()",
                f"{optimizer_name}.apply_gradients(zip({tape}.gradient({value}, {variables}), {variables}))",
                f"return {value}.numpy()"]
        out.append(self._function(name, signature, f"One {kind} step on {loss}, as session.run({name}) took in TF1; "
                                                   f"returns {loss} before the step.", step))
        self.change(original, f"`{self.code(original.body[0])}` -> "
                              + (f"`{optimizer_name} = ...`, " if isinstance(optimizer, cst.Call) else "")
                              + (f"function {loss}({signature}) (the loss's graph: "
                                 f"{', '.join(self.loss_nodes[loss])}) and " if new_loss else "")
                              + f"function {name}({signature}) (one step with tf.GradientTape and "
                                f"{optimizer_name}.apply_gradients)")
        self._generated.update((loss, name))
        statements = list(cst.parse_module("".join(out)).body)
        leading = list(updated.leading_lines) + list(statements[0].leading_lines)
        if isinstance(statements[0], cst.FunctionDef):  # its blank lines went to the parsed module's header
            leading += [cst.EmptyLine()] * 2
        if updated.trailing_whitespace.comment is not None:
            leading.append(cst.EmptyLine(comment=updated.trailing_whitespace.comment))
        statements[0] = statements[0].with_changes(leading_lines=leading)
        return cst.FlattenSentinel(statements)

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
        return f"\n\ndef {name}({signature}):\n    \"\"\"{doc}\"\"\"\n{lines}"
