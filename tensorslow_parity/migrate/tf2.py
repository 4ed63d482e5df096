"""``--to tf2``: turn a graph-and-session program into eager TF2 code.

The course's programs and the TF1 tutorials build a graph (placeholders,
Variables, nodes, ``optimizer.minimize(J)``) and run it with
``session.run(fetches, feed_dict)``, at module level or inside functions
(``build()`` returning its nodes, a ``train(session, J, step, feed, steps)``
helper, several graphs and sessions, learning-rate sweeps). The translation
keeps the program's shape and turns each piece into its TF2 counterpart, in
place:

* a placeholder becomes a parameter: its statement goes (or, when the program
  hands the placeholder around, e.g. returns it, it becomes its own name as a
  string, ``X = "X"``, the key feed dicts use);
* a graph node ``p = expr`` becomes ``def p(X, c=None): return expr``, a
  function of the placeholders it reads (converted to their dtype), nodes it
  reads called ``q(X)``; the graph's other placeholders are accepted and
  unused, so one feed dict serves every function of the graph;
* ``step = <TF1 optimizer>.minimize(J)`` becomes the ``tf.keras.optimizers``
  equivalent (hyperparameters exact; Adam's epsilon passed, since Keras's
  default is 1e-7 and TF1's 1e-8) and ``def step(X, c)``, one step with
  ``tf.GradientTape`` returning the loss before the step;
* ``session.run(p, feed)`` becomes ``p(**feed).numpy()`` (``p(X=grid)`` for a
  dict literal), ``session.run(W)`` ``W.numpy()``; sessions, graphs and
  initializers go, and so does a session passed to a function (argument and
  parameter); a helper of the program's folder that receives the session is
  copied in and translated too (:mod:`.tf2_helpers`).

Reading the program is :mod:`.tf2_analysis`; code generation :mod:`.tf2_generate`.
"""
import libcst as cst

from .symbols import STRUCTURAL, SYMBOLS, TF2_KEYWORDS, resolve
from .tf2_analysis import PREFIX, Tf2Analysis
from .tf2_generate import Generator
from .tf2_helpers import helper_import, translate_helpers

DROPPED = {"graph": "TF2 runs eagerly: there is no graph to make",
           "session": "TF2 runs eagerly, without sessions",
           "init": "TF2 Variables hold their value from creation",
           "dropped": "TF2 behaviour is the default"}


def _two_blank(lines):
    """``lines`` (a statement's leading lines) with exactly two blank lines before the first comment."""
    lines = list(lines)
    while lines and lines[0].comment is None:
        lines.pop(0)
    return [cst.EmptyLine(), cst.EmptyLine(), *lines]


class Tf2Translator(Generator, Tf2Analysis):
    """Eager TF2: placeholders become parameters, graph nodes and minimize ops functions."""

    def __init__(self, scan, path=None, seed_params=None, root=None):
        super().__init__(scan, path, seed_params)
        if root is not None:
            self.root = root
        self._in_node = 0
        self._dropped = {}        # id -> (statement line to remove, comment lines to carry)
        self._generated = set()   # names of the generated functions at module level
        self._nested = set()      # ... and inside functions
        self._skip = set()        # nodes whose references are not checked (regenerated whole)
        self.helper_code = {}     # import line -> translated helper functions to put after it
        self.run_feeds = {}       # dict literal -> True when it is the feed of a session.run (keyword arguments)

    def visit_Module(self, node):
        self.analyze(node)
        translate_helpers(self)
        return True

    # -- what is visited ------------------------------------------------------------------------
    def visit_SimpleStatementLine(self, node):
        action = self.action.get(node)
        kind = action[0] if isinstance(action, tuple) else action
        if kind in ("graph", "session", "init", "dropped", "placeholder", "optimizer", "minimize", "failed"):
            return False  # dropped or regenerated whole
        if kind == "node":
            self._in_node += 1
        return True

    def visit_WithItem(self, node):
        return self.parent(node) not in self.unwrapped

    def visit_Call(self, node):
        if node in self.runs:
            feed = self.runs[node][3]
            self.run_feeds[feed.value if feed is not None else None] = isinstance(getattr(feed, "value", None),
                                                                                 cst.Dict)
        if node in self.runs and isinstance(node.func, cst.Attribute):
            self._skip.add(node.func)   # `tf.Session().run`: the receiver goes with the call
        return True

    def visit_Attribute(self, node):
        if node in self._skip:
            return False
        return super().visit_Attribute(node)

    def rewrite_reference(self, node, path):
        symbol = SYMBOLS.get(resolve(path)[0])
        if symbol is not None and symbol.kind == STRUCTURAL:
            self.error(node, PREFIX + f"`{self.code(node)}` here is not one of the uses the translation turns into "
                                      f"TF2 ({symbol.why_not_tf2 or 'no TF2 counterpart'})".rstrip())
            return None
        return super().rewrite_reference(node, path)

    # -- rewriting ------------------------------------------------------------------------------
    def leave_Name(self, original_node, updated_node):
        obj = self.ref.get(original_node)
        if obj is None or not self._in_node:
            return updated_node
        if obj.kind == "node":
            return cst.parse_expression(f"{obj.name}({', '.join(p.name for p in obj.needs)})")
        if obj.kind == "placeholder" and obj.name != original_node.value:
            return updated_node.with_changes(value=obj.name)
        return updated_node

    def leave_Dict(self, original_node, updated_node):
        keys = self.feed_dicts.get(original_node)
        if keys is None or self.run_feeds.get(original_node):
            return updated_node  # a run's own dict literal becomes keyword arguments
        quote = self._free_quote(original_node)
        elements = [e.with_changes(key=cst.SimpleString(f"{quote}{k.name}{quote}"))
                    for e, k in zip(updated_node.elements, keys)]
        self.change(original_node, f"feed dict keyed by placeholders -> keyed by their names "
                                   f"({', '.join(repr(k.name) for k in keys)}), the parameters of the functions "
                                   f"that replace the graph")
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
            return self.translate_run(original_node, updated_node) or updated_node
        dropped = [i for i, a in enumerate(original_node.args) if a in self.drop_args]
        if dropped:
            args = [a for i, a in enumerate(updated_node.args) if i not in dropped]
            if args:
                args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            self.change(original_node, f"{self.code(original_node.func)}(...): the session argument removed "
                                       f"(TF2 has no sessions)")
            return updated_node.with_changes(args=args)
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

    def leave_FunctionDef(self, original_node, updated_node):
        name = original_node.name.value
        params = [p for p in updated_node.params.params if (name, p.name.value) not in self.session_params]
        if len(params) == len(updated_node.params.params):
            return updated_node
        if params:
            params[-1] = params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        self.change(original_node, f"def {name}(...): the session parameter removed (TF2 has no sessions)")
        return updated_node.with_changes(params=updated_node.params.with_changes(params=params))

    def leave_SimpleStatementLine(self, original_node, updated_node):
        if original_node in self.helper_code:
            return cst.FlattenSentinel(helper_import(self, original_node, updated_node))
        new = self.rewrite_import(original_node, updated_node)
        if new is not None:
            return cst.FlattenSentinel(new)
        action = self.action.get(original_node)
        kind, obj = action if isinstance(action, tuple) else (action, None)
        statement = self.code(original_node.body[0]) if original_node.body else ""
        if kind in DROPPED:
            self.change(original_node, f"`{statement}` removed: {DROPPED[kind]}")
            return self._drop(updated_node)
        if kind == "placeholder":
            return self.placeholder(original_node, updated_node, obj)
        if kind == "node":
            self._in_node -= 1
            return self.node_function(original_node, updated_node, obj)
        if kind == "optimizer":
            code = self.keras_optimizer(original_node, obj.call)
            if code is None:
                return updated_node
            self.change(original_node, f"`{statement}` -> `{obj.name} = {code}`")
            return updated_node.with_changes(body=[cst.parse_statement(f"{obj.name} = {code}").body[0]])
        if kind == "minimize":
            return self.step_function(original_node, updated_node, obj)
        return updated_node

    def leave_With(self, original_node, updated_node):
        if original_node not in self.unwrapped:
            return updated_node
        items = ", ".join(self.code(i).rstrip(", ") for i in original_node.items)
        self.change(original_node, f"`with {items}:` removed, its body moved out (TF2 runs eagerly, without "
                                   f"sessions or graphs)")
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
        for i in range(1, len(body)):  # a blank line after each generated function, before other statements
            if isinstance(body[i - 1], cst.FunctionDef) and body[i - 1].name.value in self._nested \
                    and not isinstance(body[i], cst.FunctionDef) \
                    and not (body[i].leading_lines and body[i].leading_lines[0].comment is None):
                body[i] = body[i].with_changes(leading_lines=[cst.EmptyLine(indent=False), *body[i].leading_lines])
        if body == list(updated_node.body):
            return updated_node
        if not body:  # a block that only built the graph: Python needs a statement
            body = [cst.SimpleStatementLine([cst.Pass()])]
        return updated_node.with_changes(body=body, footer=[*carry, *updated_node.footer])

    def leave_Module(self, original_node, updated_node):
        body, carry = self._sweep(updated_node.body)
        spaced = []
        for statement in body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value in self._generated:
                statement = statement.with_changes(leading_lines=_two_blank(statement.leading_lines))
            # PEP 8: two blank lines after the generated functions
            if spaced and isinstance(spaced[-1], cst.FunctionDef) and spaced[-1].name.value in self._generated \
                    and not isinstance(statement, cst.FunctionDef):
                blank = sum(1 for line in statement.leading_lines if line.comment is None)
                statement = statement.with_changes(
                    leading_lines=[*[cst.EmptyLine()] * max(0, 2 - blank), *statement.leading_lines])
            spaced.append(statement)
        updated_node = updated_node.with_changes(body=spaced, footer=[*carry, *updated_node.footer])
        return super().leave_Module(original_node, updated_node)
