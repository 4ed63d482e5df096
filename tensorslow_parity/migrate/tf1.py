"""``--to tf1``: ``tensorflow.compat.v1`` in graph mode.

Initializers are inserted after sessions are created, a bare
``ts.Graph().as_default()`` becomes ``tf.reset_default_graph()``, untyped
placeholders get ``tf.float64``, and ``tf.disable_v2_behavior()`` follows the
import (graph mode, reference variables, TF1's initializers for layers and
TF1's control flow: TensorFlow 1 as the program was written for). A program
using ``tf.compat.v1.layers`` or ``nn.rnn_cell`` sets ``TF_USE_LEGACY_KERAS=1``
before importing TensorFlow: since TF 2.16 those need Keras 2 (the
``tf-keras`` package).
"""
import libcst as cst

from .program import INITIALIZERS, SESSIONS, Message, arg, is_none
from .rewrite import Translator
from .symbols_tf1_api import needs_legacy_keras

_LEGACY_KERAS = ('os.environ["TF_USE_LEGACY_KERAS"] = "1"  # tf.compat.v1.layers and rnn_cell need Keras 2 '
                 '(pip install tf-keras)')

# Calls that create variables: a TF1 session's initializer must run after them.
_CREATES_VARIABLES = ("minimize", "apply_gradients")


class Tf1Translator(Translator):
    """tensorflow.compat.v1 in graph mode: initializers after sessions, graphs reset, dtypes given."""

    target = "tf1"

    def __init__(self, scan, path=None):
        super().__init__(scan, path)
        self._hoisted = []  # statements to put before the current statement line
        self._legacy_keras = False  # whether a symbol used needs TF_USE_LEGACY_KERAS=1

    def target_name(self, symbol):
        self._legacy_keras = self._legacy_keras or needs_legacy_keras(symbol.tf1)
        return super().target_name(symbol)

    def leave_Module(self, original_node, updated_node):
        updated_node = super().leave_Module(original_node, updated_node)
        if not self._legacy_keras:
            return updated_node
        body = list(updated_node.body)
        first = next(k for k, statement in enumerate(body) if "import tensorflow" in self.code(statement))
        setting = [cst.parse_statement("import os"), cst.parse_statement(_LEGACY_KERAS)]
        setting[0] = setting[0].with_changes(leading_lines=body[first].leading_lines)
        body[first] = body[first].with_changes(leading_lines=[])
        self.changes.append(Message(self.line(self.scan.imports[0]), "TF_USE_LEGACY_KERAS=1 set before TensorFlow "
                                    "is imported: the program uses tf.compat.v1.layers or rnn_cell, which need "
                                    "Keras 2 (tf-keras) since TF 2.16"))
        return updated_node.with_changes(body=[*body[:first], *setting, *body[first:]])

    def after_first_import(self):
        return [f"{self.root}.disable_v2_behavior()"]

    def init_statement(self, session_code):
        return cst.parse_statement(f"{session_code}.run({self.tf('global_variables_initializer')}())")

    def initializes(self, statement, session_code):
        """Whether ``statement`` (original) runs a global initializer in ``session_code``."""
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
                and isinstance(statement.body[0], cst.Expr) and isinstance(statement.body[0].value, cst.Call)):
            return False
        call = statement.body[0].value
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "run" and call.args:
            return self.code(call.func.value) == session_code and self.call_path(call.args[0].value) in INITIALIZERS
        return isinstance(call.func, cst.Attribute) and call.func.attr.value == "run" and \
            self.call_path(call.func.value) in INITIALIZERS

    def leave_Call(self, original_node, updated_node):
        updated_node = super().leave_Call(original_node, updated_node)
        path = self.call_path(original_node)
        if path == "placeholder":
            return self.placeholder_dtype(original_node, updated_node)
        if path in SESSIONS:
            return self.session_in_expression(original_node, updated_node)
        return updated_node

    def placeholder_dtype(self, original, updated):
        dtype = arg(original, 0, "dtype")
        if dtype is not None and not is_none(dtype.value):
            return updated
        float64 = cst.parse_expression(self.tf("float64"))
        self.change(original, f"placeholder without a dtype gets {self.tf('float64')}: TensorSlow takes the "
                              f"dtype of the value fed at run time and TF1 needs one; float64 is what TensorSlow "
                              f"computes for the NumPy float64 arrays and Python numbers the course feeds (TF1 "
                              f"converts fed lists of ints to it too)")
        args = list(updated.args)
        if dtype is not None:  # dtype=None or a positional None
            index = next(i for i, a in enumerate(original.args) if a is dtype)
            args[index] = args[index].with_changes(value=float64)
        else:
            comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if args else cst.MaybeSentinel.DEFAULT
            args.insert(0, cst.Arg(float64, comma=comma))
        return updated.with_changes(args=args)

    def session_in_expression(self, original, updated):
        """A Session created inside an expression: hoisted into a statement of its own, initialized."""
        parent = self.parent(original)
        if isinstance(parent, cst.WithItem):
            return updated  # leave_With initializes it
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and parent.value is original:
            grand = self.parent(parent)
            if isinstance(grand, cst.SimpleStatementLine) and len(grand.body) == 1:
                return updated  # `session = ts.Session()`: leave_SimpleStatementLine initializes it
        node = original
        while not isinstance(node, cst.SimpleStatementLine):
            node = self.parent(node)
            unsafe = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.IfExp,
                      cst.BooleanOperation, cst.BaseCompoundStatement, cst.SimpleStatementSuite)
            if isinstance(node, unsafe):
                self.error(original, f"`{self.code(original)}` is created where its variables cannot be "
                                     f"initialized first (inside a {type(node).__name__}): TF1 Variables must be "
                                     f"initialized by session.run(tf.global_variables_initializer()); create the "
                                     f"session in a statement of its own")
                return updated
        name = self.fresh("session")
        self._hoisted += [cst.parse_statement(f"{name} = {self.code(updated)}"), self.init_statement(name)]
        self.change(original, f"{self.code(original)} inside an expression -> `{name} = {self.code(updated)}` "
                              f"and `{name}.run({self.tf('global_variables_initializer')}())` before the "
                              f"statement (TensorSlow initializes Variables on first use, TF1 needs the "
                              f"initializer)")
        return cst.Name(name)

    def leave_SimpleStatementLine(self, original_node, updated_node):
        new = self.rewrite_import(original_node, updated_node)
        if new is not None:
            return cst.FlattenSentinel(new)
        hoisted, self._hoisted = self._hoisted, []
        statement = original_node.body[0] if len(original_node.body) == 1 else None
        kind = self.graph_as_default(statement)
        if kind == "new":
            code = f"{self.tf('reset_default_graph')}()"
            self.change(original_node, f"bare `{self.code(statement)}` -> `{code}`: in TensorSlow it makes a new "
                                       f"default graph at once; in TF1 as_default() is a context manager that does "
                                       f"nothing unless entered with `with`")
            updated_node = updated_node.with_changes(body=[cst.Expr(cst.parse_expression(code))])
        elif kind == "other":
            self.error(original_node, f"bare `{self.code(statement)}`: TensorSlow makes the graph the default at "
                                      f"once, TF1 does nothing unless it is entered: write `with "
                                      f"{self.code(statement.value)}:` around the code that builds the graph")
        after = []
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1 \
                and self.call_path(statement.value) in SESSIONS:
            after = self.initialize_after_assignment(original_node, statement)
        if hoisted:
            hoisted[0] = hoisted[0].with_changes(leading_lines=updated_node.leading_lines)
            updated_node = updated_node.with_changes(leading_lines=())
        if hoisted or after:
            return cst.FlattenSentinel([*hoisted, updated_node, *after])
        return updated_node

    def initialize_after_assignment(self, line, statement):
        target = self.code(statement.targets[0].target)
        block = self.parent(line)
        siblings = list(block.body) if isinstance(block, (cst.Module, cst.IndentedBlock)) else [line]
        later = siblings[siblings.index(line) + 1:]
        if later and self.initializes(later[0], target):
            self.note(line, f"{target} = {self.code(statement.value)}: the next statement already runs the "
                            f"variables' initializer")
            return []
        self.check_no_variables_after(line, later, target)
        code = f"{target}.run({self.tf('global_variables_initializer')}())"
        self.change(line, f"inserted `{code}` after `{self.code(statement)}`: TensorSlow Variables are usable at "
                          f"once, TF1's must be initialized in each session")
        return [self.init_statement(target)]

    def check_no_variables_after(self, line, later, session):
        """Refuse a session whose initializer would run before variables that are created after it."""
        for statement in later:
            calls = self.calls_in(statement)
            if any(path in SESSIONS or path in ("Graph", "reset_default_graph") for path, _ in calls):
                return
            if any(path == "Variable" or attr in _CREATES_VARIABLES for path, attr in calls):
                self.error(statement, f"creates variables after `{session}` was created (line {self.line(line)}): "
                                      f"the initializer inserted after the session would not cover them (TensorSlow "
                                      f"initializes Variables on first use; TF1 would fail with "
                                      f"FailedPreconditionError). Create the session after building the graph")
                return

    def leave_With(self, original_node, updated_node):
        inits = []
        for item in original_node.items:
            if self.call_path(item.item) not in SESSIONS:
                continue
            if not isinstance(original_node.body, cst.IndentedBlock):
                self.error(original_node, f"`with {self.code(item.item)}` on one line: put its body on lines of "
                                          f"its own so the variables' initializer can be inserted first")
                return updated_node
            if item.asname is not None:
                session = self.code(item.asname.name)
                code = f"{session}.run({self.tf('global_variables_initializer')}())"
            else:
                session = None
                code = f"{self.tf('global_variables_initializer')}().run()"
            first = original_node.body.body[0] if original_node.body.body else None
            if session is not None and first is not None and self.initializes(first, session):
                self.note(original_node, f"with {self.code(item.item)}: its first statement already runs the "
                                         f"variables' initializer")
                continue
            self.check_no_variables_after(original_node, list(original_node.body.body), session or "the session")
            self.change(original_node, f"inserted `{code}` first in `with {self.code(item.item)}"
                                       f"{' as ' + session if session else ''}:` (TensorSlow Variables are usable "
                                       f"at once, TF1's must be initialized in each session)")
            inits.append(cst.parse_statement(code))
        if not inits:
            return updated_node
        body = updated_node.body
        return updated_node.with_changes(body=body.with_changes(body=[*inits, *body.body]))
