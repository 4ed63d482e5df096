"""Translate a TensorSlow program into a TensorFlow program with libcst.

:func:`translate` parses the program into a concrete syntax tree, so comments,
blank lines and formatting survive, rewrites it for one target and returns a
:class:`Translation`: the new code (``None`` when anything could not be
translated), every change with its line, notes, and errors with their reasons.

Symbols are resolved through imports and scopes (libcst's qualified names), so
``import tensorslow as ts``, ``import tensorslow as tf``, ``from tensorslow
import nn`` and a local variable that happens to be called ``ts`` are all told
apart. Every ``tensorslow`` symbol must be in :mod:`tensorslow_parity.migrate.symbols`;
one that is not, or that has no counterpart in the target, is an error.

``tf1`` (graph mode, ``tensorflow.compat.v1``) is handled here; ``tf2`` (eager,
``tf.GradientTape``) restructures the program and lives in :mod:`.tf2`.
"""
import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider, QualifiedNameProvider

from .symbols import CUSTOM_OP, NAMESPACE, SYMBOLS, resolve

#: target -> the module that replaces ``tensorslow``
TARGET_MODULES = {"tf1": "tensorflow.compat.v1", "tf2": "tensorflow"}
SESSIONS = ("Session", "InteractiveSession")
INITIALIZERS = ("global_variables_initializer", "initialize_all_variables")
# Calls that create variables: a TF1 session's initializer must run after them.
_CREATES_VARIABLES = ("minimize", "apply_gradients")


class InputError(Exception):
    """The program cannot be translated at all: not Python, or it does not use tensorslow."""


@dataclass(frozen=True)
class Message:
    line: int
    text: str


@dataclass
class Translation:
    """The result of :func:`translate`. ``code`` is ``None`` when there are errors."""

    target: str
    code: Optional[str]
    changes: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    float32: bool = False  # the program mentions float32 or float16: it may compute in single precision

    @property
    def ok(self):
        return not self.errors

    def report(self, script, output):
        """The text of the report: target, every change, note and error with its line."""
        target = {"tf1": "tf1: import tensorflow.compat.v1 as tf, graph mode (tf.disable_eager_execution())",
                  "tf2": "tf2: import tensorflow as tf, eager (functions of the placeholders, tf.GradientTape, "
                         "tf.keras.optimizers)"}[self.target]
        lines = ["TensorSlow -> TensorFlow migration report", "",
                 f"input:  {script}",
                 f"output: {output if self.ok else f'not written ({len(self.errors)} error(s), see below)'}",
                 f"target: {target}",
                 "(line numbers are the input's)", ""]
        for title, messages in (("Errors (not translatable)", self.errors), ("Changes", self.changes),
                                ("Notes", self.notes)):
            lines.append(f"{title}: {len(messages)}")
            lines += [f"  {script}:{m.line}: {m.text}" for m in sorted(messages, key=lambda m: m.line)]
            lines.append("")
        return "\n".join(lines)


def translate(source, target="tf1", path=None):
    """Translate ``source`` (a TensorSlow program) for ``target`` ("tf1" or "tf2").

    ``path`` (the program's file) lets the translator look at modules the
    program imports from its own folder. Raises :class:`InputError` when the
    source is not Python or does not import tensorslow.
    """
    if target not in TARGET_MODULES:
        raise ValueError(f"unknown target {target!r}: expected one of {', '.join(TARGET_MODULES)}")
    name = str(path) if path is not None else "<program>"
    try:
        ast.parse(source, filename=name)
    except SyntaxError as e:
        where = f"line {e.lineno}" + (f", column {e.offset}" if e.offset else "")
        text = f": {e.text.strip()}" if e.text else ""
        raise InputError(f"{name}: not a Python program ({where}: {e.msg}){text}") from None
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as e:
        raise InputError(f"{name}: libcst cannot parse it (line {e.raw_line}: {e.message})") from None
    wrapper = MetadataWrapper(module)
    scan = _Scan()
    wrapper.visit(scan)
    if not scan.imports:
        raise InputError(f"{name}: does not import tensorslow (expected `import tensorslow as ts`, "
                         f"`import tensorslow as tf` or `from tensorslow import ...`): nothing to translate")
    if target == "tf1":
        transformer = Tf1Translator(scan, path)
    else:
        from .tf2 import Tf2Translator
        transformer = Tf2Translator(scan, path)
    new_module = wrapper.visit(transformer)
    errors = transformer.errors
    code = new_module.code
    if not errors:
        try:  # a last guard: never hand out a program that does not even compile
            compile(code, name, "exec")
        except SyntaxError as e:
            errors.append(Message(0, f"internal error: the translation does not compile (its line {e.lineno}: "
                                     f"{e.msg}); nothing is written"))
    return Translation(target, None if errors else code, transformer.changes, transformer.notes,
                       errors, float32=bool(re.search(r"float(16|32)|\bhalf\b", source)))


# -- the first pass: imports, names, course style -------------------------------------------

def ts_path(visitor, node):
    """The path under ``tensorslow`` that ``node`` (a Name or Attribute) refers to, or None.

    ``""`` is the module itself; ``"nn.relu"`` is ``tensorslow.nn.relu``. Only plain
    ``a.b.c`` chains count: libcst names ``ts.Session().run`` "tensorslow.Session.run", but
    that is a method of an object, not a symbol of the module.
    """
    base = node
    while isinstance(base, cst.Attribute):
        base = base.value
    if not isinstance(base, cst.Name):
        return None
    try:
        names = visitor.get_metadata(QualifiedNameProvider, node, set())
    except KeyError:
        return None
    for qualified in sorted(names, key=lambda q: q.name):
        if qualified.name == "tensorslow":
            return ""
        if qualified.name.startswith("tensorslow."):
            return qualified.name[len("tensorslow."):]
    return None


def call_path(visitor, node):
    """The tensorslow path of the function ``node`` (a Call) calls, or None."""
    return ts_path(visitor, node.func) if isinstance(node, cst.Call) else None


def arg(call, index, keyword):
    """The argument of ``call`` at position ``index`` or named ``keyword`` (an ``Arg``), or None."""
    positional = [a for a in call.args if a.keyword is None and not a.star]
    for a in call.args:
        if a.keyword is not None and a.keyword.value == keyword:
            return a
    return positional[index] if index is not None and index < len(positional) else None


def is_none(node):
    return isinstance(node, cst.Name) and node.value == "None"


class _Scan(cst.CSTVisitor):
    """Collects the tensorslow imports, every name in use, and whether placeholders lack dtypes."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def __init__(self):
        self.imports = []          # the statement lines that import tensorslow, in order
        self.root_imports = []     # ... those that bind the module itself (import tensorslow [as X])
        self.names = set()
        self.untyped_placeholders = False

    def visit_SimpleStatementLine(self, node):
        for statement in node.body:
            if isinstance(statement, cst.Import):
                modules = [_dotted(a.name) for a in statement.names]
                if any(m == "tensorslow" or m.startswith("tensorslow.") for m in modules):
                    self.imports.append(node)
                    if any(m == "tensorslow" or a.asname is None and m.split(".")[0] == "tensorslow"
                           for m, a in zip(modules, statement.names)):
                        self.root_imports.append(node)
            elif isinstance(statement, cst.ImportFrom) and statement.module is not None \
                    and not statement.relative and _dotted(statement.module).split(".")[0] == "tensorslow":
                self.imports.append(node)
        return True

    def visit_Name(self, node):
        self.names.add(node.value)

    def visit_Call(self, node):
        if call_path(self, node) == "placeholder":
            dtype = arg(node, 0, "dtype")
            if dtype is None or is_none(dtype.value):
                self.untyped_placeholders = True


def _dotted(node):
    """``a.b.c`` for a Name/Attribute import target."""
    if isinstance(node, cst.Name):
        return node.value
    return f"{_dotted(node.value)}.{node.attr.value}"


def _numeric_literal(node):
    """'int' or 'float' when ``node`` is a number or a nested list/tuple of numbers, else None."""
    if isinstance(node, cst.Integer):
        return "int"
    if isinstance(node, cst.Float):
        return "float"
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        return _numeric_literal(node.expression)
    if isinstance(node, (cst.List, cst.Tuple)) and node.elements:
        kinds = {_numeric_literal(e.value) for e in node.elements}
        if None in kinds:
            return None
        return "float" if "float" in kinds else "int"
    return None


# -- the common translator ------------------------------------------------------------------

class Translator(cst.CSTTransformer):
    """Rewrites imports and tensorslow references for one target; the shared part of tf1 and tf2.

    Subclasses add the structural rewrites (sessions, graphs, placeholders).
    """

    METADATA_DEPENDENCIES = (QualifiedNameProvider, PositionProvider, ParentNodeProvider)
    target = None

    def __init__(self, scan, path=None):
        super().__init__()
        self.scan = scan
        self.path = Path(path) if path is not None else None
        self.changes, self.notes, self.errors = [], [], []
        self.taken = set(scan.names)
        self.module_name = TARGET_MODULES[self.target]
        self._refs = {}
        self._alias_refs = {}  # (line, old alias, new alias) -> references that only changed alias
        # Each root import keeps its local name, except that `ts` and `tensorslow` become `tf` when free.
        self.root_names = {}
        for line in scan.root_imports:
            aliases = [a for statement in line.body if isinstance(statement, cst.Import) for a in statement.names]
            for alias in aliases:
                if _dotted(alias.name).split(".")[0] != "tensorslow":
                    continue
                local = alias.asname.name.value if alias.asname is not None else _dotted(alias.name).split(".")[0]
                if local not in self.root_names:
                    new = "tf" if local in ("ts", "tensorslow") and "tf" not in scan.names else local
                    self.root_names[local] = new
        self.root = next(iter(self.root_names.values()), None) or self.fresh("tf")
        self._add_root_import = not scan.root_imports

    # -- bookkeeping ------------------------------------------------------------------------
    def line(self, node):
        return self.get_metadata(PositionProvider, node).start.line

    def change(self, node, text):
        self.changes.append(Message(self.line(node), text))

    def note(self, node, text):
        self.notes.append(Message(self.line(node), text))

    def error(self, node, text):
        self.errors.append(Message(self.line(node), text))

    def fresh(self, base):
        """A name not used anywhere in the program (``base``, ``base_1``, ...), reserved."""
        name, n = base, 0
        while name in self.taken:
            n += 1
            name = f"{base}_{n}"
        self.taken.add(name)
        return name

    def path_of(self, node):
        return ts_path(self, node)

    def call_path(self, node):
        return call_path(self, node)

    def tf(self, name):
        """Code for ``name`` under the target module, through the program's root alias."""
        return f"{self.root}.{name}"

    def target_name(self, symbol):
        return symbol.tf1 if self.target == "tf1" else symbol.tf2

    def why_not(self, symbol):
        return symbol.why_not_tf1 if self.target == "tf1" else symbol.why_not_tf2

    @staticmethod
    def code(node):
        return cst.Module([]).code_for_node(node)

    # -- references -------------------------------------------------------------------------
    def visit_Import(self, node):
        return False  # rewritten whole in leave_SimpleStatementLine

    def visit_ImportFrom(self, node):
        return False

    def visit_Attribute(self, node):
        path = self.path_of(node)
        if path is None:
            return True
        self._refs[node] = path
        return False  # the chain is rewritten whole

    def leave_Attribute(self, original_node, updated_node):
        if original_node in self._refs:
            return self.rewrite_reference(original_node, self._refs[original_node]) or updated_node
        return updated_node

    def visit_Name(self, node):
        path = self.path_of(node)
        if path is None:
            return
        base = SYMBOLS.get(resolve(path)[0]) if path else None
        if path == "" or base is not None and base.kind == NAMESPACE and resolve(path)[1] == "":
            self.error(node, f"`{node.value}` (the tensorslow{'.' + path if path else ''} module) is used as a "
                             f"value: the translator can only follow uses such as {node.value}.matmul(...), so it "
                             f"cannot check what is done with the module")

    def rewrite_reference(self, node, path):
        """The target's expression for the tensorslow reference ``node`` (an Attribute), or None on error."""
        old = self.code(node)
        key, rest = resolve(path)
        if key is None:
            self.error(node, f"`{old}`: unknown symbol tensorslow.{path} (not part of TensorSlow's API as the "
                             f"translator knows it), so there is no TensorFlow name to give it")
            return None
        symbol = SYMBOLS[key]
        if symbol.kind == CUSTOM_OP:
            self.error(node, f"`{old}`: {self.why_not(symbol)}")
            return None
        target = self.target_name(symbol)
        if target is None:
            self.error(node, f"`{old}` has no {self.target.upper()} counterpart: {self.why_not(symbol)}")
            return None
        base = node
        while isinstance(base, cst.Attribute):
            base = base.value
        base_path = self.path_of(base)
        if base_path == "":
            new = f"{self.root_names.get(base.value, self.root)}.{target}{rest}"
        else:
            namespace = self.target_name(SYMBOLS[base_path]) if base_path in SYMBOLS else None
            if SYMBOLS.get(base_path) is not None and SYMBOLS[base_path].kind != NAMESPACE:
                return None  # a from-imported symbol: its import line carries the mapping
            if namespace and target.startswith(namespace + "."):
                new = f"{base.value}.{target[len(namespace) + 1:]}{rest}"
            else:
                new = f"{self.root}.{target}{rest}"
        if new != old:
            if target != key:
                self.change(node, f"{old} -> {new} ({self.module_name}.{target}: TensorFlow's name for "
                                  f"tensorslow.{key})")
            else:  # only the module's alias changed: one report line per source line
                self._alias_refs.setdefault((self.line(node), base.value, new.split(".")[0]), []).append(new)
        return cst.parse_expression(new)

    def leave_Module(self, original_node, updated_node):
        for (line, old, new), refs in self._alias_refs.items():
            counts = {ref: refs.count(ref) for ref in refs}
            listed = ", ".join(ref + (f" (x{n})" if n > 1 else "") for ref, n in counts.items())
            self.changes.append(Message(line, f"{listed}: were {old}.*, the module alias `{old}` is now `{new}`"))
        return updated_node

    # -- imports ----------------------------------------------------------------------------
    def rewrite_import(self, original, updated):
        """The statements replacing an import line of tensorslow (a list), or None if left alone."""
        if original not in self.scan.imports:
            self.check_local_import(original)
            return None
        if len(original.body) > 1:
            self.error(original, "put the tensorslow import on a line of its own (it is rewritten whole)")
            return None
        statement = original.body[0]
        module = self.module_name
        out = []
        if self._add_root_import and original is self.scan.imports[0]:
            out.append(f"import {module} as {self.root}")
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                dotted = _dotted(alias.name)
                if not (dotted == "tensorslow" or dotted.startswith("tensorslow.")):
                    self.error(original, f"`{self.code(statement)}` mixes tensorslow with other modules: put the "
                                         f"tensorslow import on a line of its own")
                    return None
                if alias.asname is None or dotted == "tensorslow":
                    local = alias.asname.name.value if alias.asname is not None else "tensorslow"
                    out.append(f"import {module} as {self.root_names[local]}")
                else:
                    out += self._from_imports(original, [(dotted[len("tensorslow."):], alias.asname.name.value)])
        else:
            if isinstance(statement.names, cst.ImportStar):
                self.error(original, "`from tensorslow import *`: the translator cannot tell which names the "
                                     "program uses; import the module (import tensorslow as tf) instead")
                return None
            prefix = _dotted(statement.module)[len("tensorslow"):].lstrip(".")
            pairs = []
            for alias in statement.names:
                name = _dotted(alias.name)
                local = alias.asname.name.value if alias.asname is not None else name.split(".")[-1]
                pairs.append((f"{prefix}.{name}" if prefix else name, local))
            out += self._from_imports(original, pairs)
        if None in out:
            return None
        if original is (self.scan.root_imports or self.scan.imports)[0]:
            out += self.after_first_import()
        new = [cst.parse_statement(code) for code in out]
        new[0] = new[0].with_changes(leading_lines=updated.leading_lines)
        main = 1 if self._add_root_import and original is self.scan.imports[0] else 0
        new[main] = new[main].with_changes(trailing_whitespace=updated.trailing_whitespace)
        old = self.code(statement)
        self.change(original, f"{old} -> " + "; ".join(out))
        return new

    def _from_imports(self, line, pairs):
        """``from <module>[.x] import y [as z]`` statements for (tensorslow path, local name) pairs."""
        by_module = {}
        for path, local in pairs:
            key, rest = resolve(path)
            symbol = SYMBOLS.get(key)
            if symbol is None or rest:
                self.error(line, f"`{path}`: unknown symbol tensorslow.{path} (not part of TensorSlow's API as "
                                 f"the translator knows it), so there is no TensorFlow name to give it")
                return [None]
            target = self.target_name(symbol)
            if target is None:
                self.error(line, f"tensorslow.{path} has no {self.target.upper()} counterpart: "
                                 f"{self.why_not(symbol)}")
                return [None]
            parent, _, leaf = target.rpartition(".")
            source = f"{self.module_name}.{parent}" if parent else self.module_name
            by_module.setdefault(source, []).append(leaf if leaf == local else f"{leaf} as {local}")
        return [f"from {source} import {', '.join(names)}" for source, names in by_module.items()]

    def after_first_import(self):
        """Statements to put right after the first tensorslow import (codes)."""
        return []

    def check_local_import(self, line):
        """Note (or refuse) imports of modules from the program's own folder."""
        if self.path is None:
            return
        for statement in line.body:
            if isinstance(statement, cst.Import):
                modules = [_dotted(a.name).split(".")[0] for a in statement.names]
            elif isinstance(statement, cst.ImportFrom) and statement.module is not None and not statement.relative:
                modules = [_dotted(statement.module).split(".")[0]]
            else:
                continue
            for name in modules:
                folder = self.path.parent
                candidates = [folder / f"{name}.py", folder / name / "__init__.py"]
                local = next((c for c in candidates if c.is_file()), None)
                if local is None:
                    continue
                text = local.read_text(encoding="utf-8", errors="replace")
                if re.search(r"^\s*(import\s+tensorslow|from\s+tensorslow[\s.])", text, re.M):
                    self.error(line, f"imports {name}, a module of the program's folder ({local.name}) that uses "
                                     f"tensorslow itself: translate it too (tensorslow-parity migrate "
                                     f"{local.name} --to {self.target}) and import the translation")
                else:
                    self.note(line, f"{name} ({local.name}, in the program's folder) does not import tensorslow: "
                                    f"kept as it is. It only receives objects from this program, and TensorFlow's "
                                    f"objects offer the same methods (e.g. session.run), so it works unchanged")

    # -- calls ------------------------------------------------------------------------------
    def leave_Call(self, original_node, updated_node):
        path = self.call_path(original_node)
        if path in ("Variable", "constant") and self.scan.untyped_placeholders:
            updated_node = self.float64_literal(original_node, updated_node, path)
        return updated_node

    def float64_literal(self, original, updated, path):
        """In a course-style program, give an int/float literal Variable or constant dtype float64.

        TensorSlow stores ``Variable([[1, -1], [1, -1]])`` as int32 and NumPy
        promotes it to float64 where it meets the float64 values fed to
        untyped placeholders; TensorFlow never promotes, so the literal has to
        be float64 from the start.
        """
        value = arg(original, 0, "initial_value" if path == "Variable" else "value")
        dtype = arg(original, None if path == "Variable" else 1, "dtype")
        if value is None or dtype is not None:
            return updated
        kind = _numeric_literal(value.value)
        if kind is None:
            return updated
        stored = "int32" if kind == "int" else "float32"
        rounding = "" if kind == "int" else (" (TensorSlow rounds the values to float32 first, TensorFlow keeps "
                                             "them in float64: the numbers may differ in the 8th digit)")
        self.change(original, f"{path}({self.code(value.value)}) gets dtype={self.tf('float64')}: TensorSlow "
                              f"stores it as {stored} and NumPy promotes it to float64 where it meets the float64 "
                              f"values fed to untyped placeholders; TensorFlow does not promote{rounding}")
        args = list(updated.args)
        if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.append(cst.Arg(cst.parse_expression(self.tf("float64")), keyword=cst.Name("dtype"),
                            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))))
        return updated.with_changes(args=args)

    def visit_ClassDef(self, node):
        for base in node.bases:
            path = self.path_of(base.value)
            if path in ("Operation", "Tensor"):
                self.error(node, f"class {node.name.value}({self.code(base.value)}) with a compute() method: "
                                 f"{SYMBOLS['RegisterGradient'].why_not_tf1}")
        return True

    # -- statements ---------------------------------------------------------------------------
    def leave_SimpleStatementLine(self, original_node, updated_node):
        new = self.rewrite_import(original_node, updated_node)
        if new is not None:
            return cst.FlattenSentinel(new)
        return updated_node

    def parent(self, node):
        return self.get_metadata(ParentNodeProvider, node)

    def graph_as_default(self, statement):
        """'new' for a bare ``ts.Graph().as_default()`` statement, 'other' for another bare
        ``x.as_default()``, None otherwise."""
        if not (isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call)):
            return None
        call = statement.value
        if not (isinstance(call.func, cst.Attribute) and call.func.attr.value == "as_default" and not call.args):
            return None
        receiver = call.func.value
        if isinstance(receiver, cst.Call) and self.call_path(receiver) == "Graph" and not receiver.args:
            return "new"
        return "other"

    def calls_in(self, node):
        """(tensorslow path or None, attribute name or None) of every call inside ``node``."""
        found = []
        translator = self

        class Calls(cst.CSTVisitor):
            def visit_Call(self, call):
                attr = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
                found.append((translator.call_path(call), attr))

        node.visit(Calls())
        return found


# -- tf1 ------------------------------------------------------------------------------------

class Tf1Translator(Translator):
    """tensorflow.compat.v1 in graph mode: initializers after sessions, graphs reset, dtypes given."""

    target = "tf1"

    def __init__(self, scan, path=None):
        super().__init__(scan, path)
        self._hoisted = []  # statements to put before the current statement line

    def after_first_import(self):
        return [f"{self.root}.disable_eager_execution()"]

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
