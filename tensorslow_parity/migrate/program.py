"""Reading a TensorSlow program: what every target's translator needs to know about it.

* :class:`ProgramScan`, the first pass: the ``tensorslow`` imports, every name
  in use, and whether placeholders lack dtypes (the course's style);
* :func:`ts_path` and :func:`call_path`: the path under ``tensorslow`` a name,
  attribute chain or call refers to, resolved through imports and scopes
  (libcst's qualified names);
* small helpers on libcst nodes (:func:`arg`, :func:`is_none`, ...), and
  :class:`Message`, a change, note or error with its line.
"""
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import QualifiedNameProvider

#: target -> the module that replaces ``tensorslow``
TARGET_MODULES = {"tf1": "tensorflow.compat.v1", "tf2": "tensorflow"}
SESSIONS = ("Session", "InteractiveSession")
TF1_MODULE = "tensorflow.compat.v1"  # a TF1 program's module: read as tensorslow (see module_name)
INITIALIZERS = ("global_variables_initializer", "initialize_all_variables")


@dataclass(frozen=True)
class Message:
    line: int
    text: str



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
        name = as_tensorslow(qualified.name)
        if name == "tensorslow":
            return ""
        if name.startswith("tensorslow."):
            return name[len("tensorslow."):]
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


class ProgramScan(cst.CSTVisitor):
    """Collects the tensorslow imports, every name in use, and whether placeholders lack dtypes."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def __init__(self):
        self.imports = []          # the statement lines that import tensorslow (or TF1), in order
        self.tf1 = False           # the program is a TF1 program (import tensorflow.compat.v1)
        self.root_imports = []     # ... those that bind the module itself (import tensorslow [as X])
        self.names = set()
        self.untyped_placeholders = False

    def visit_SimpleStatementLine(self, node):
        for statement in node.body:
            if isinstance(statement, cst.Import):
                modules = [module_name(a.name) for a in statement.names]
                if any(m == "tensorslow" or m.startswith("tensorslow.") for m in modules):
                    self.imports.append(node)
                    self.tf1 |= any(dotted_name(a.name).startswith(TF1_MODULE) for a in statement.names)
                    if any(m == "tensorslow" or a.asname is None and m.split(".")[0] == "tensorslow"
                           for m, a in zip(modules, statement.names)):
                        self.root_imports.append(node)
            elif isinstance(statement, cst.ImportFrom) and statement.module is not None \
                    and not statement.relative and module_name(statement.module).split(".")[0] == "tensorslow":
                self.imports.append(node)
        return True

    def visit_Name(self, node):
        self.names.add(node.value)

    def visit_Call(self, node):
        if call_path(self, node) == "placeholder":
            dtype = arg(node, 0, "dtype")
            if dtype is None or is_none(dtype.value):
                self.untyped_placeholders = True


def module_name(node):
    """The module an import names, with ``tensorflow.compat.v1`` read as ``tensorslow``.

    TensorSlow's API is TF1's, so a TF1 program (``import tensorflow.compat.v1
    as tf``) is translated ``--to tf2`` exactly as the same program written
    with ``import tensorslow as tf`` would be.
    """
    return as_tensorslow(dotted_name(node))


def as_tensorslow(name):
    if name == TF1_MODULE or name.startswith(TF1_MODULE + "."):
        return "tensorslow" + name[len(TF1_MODULE):]
    return name


def dotted_name(node):
    """``a.b.c`` for a Name/Attribute import target."""
    if isinstance(node, cst.Name):
        return node.value
    return f"{dotted_name(node.value)}.{node.attr.value}"


def numeric_literal(node):
    """'int' or 'float' when ``node`` is a number or a nested list/tuple of numbers, else None."""
    if isinstance(node, cst.Integer):
        return "int"
    if isinstance(node, cst.Float):
        return "float"
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        return numeric_literal(node.expression)
    if isinstance(node, (cst.List, cst.Tuple)) and node.elements:
        kinds = {numeric_literal(e.value) for e in node.elements}
        if None in kinds:
            return None
        return "float" if "float" in kinds else "int"
    return None

