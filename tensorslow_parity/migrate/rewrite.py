"""The translator every target shares: rewrites ``tensorslow`` imports and references for one target.

:class:`Translator` maps every ``tensorslow`` symbol to the target's name (see
:mod:`.symbols`), rewrites the import lines, gives course-style literals a
dtype and records every change, note and error with its line. The targets'
translators (:mod:`.tf1`, :mod:`.tf2`) subclass it with their structural
rewrites (sessions, graphs, placeholders).
"""
import re
from pathlib import Path

import libcst as cst
from libcst.metadata import ParentNodeProvider, PositionProvider, QualifiedNameProvider

from .program import TARGET_MODULES, Message, arg, call_path, dotted_name, module_name, numeric_literal, ts_path
from .symbols import CUSTOM_OP, NAMESPACE, SYMBOLS, resolve


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
                if module_name(alias.name).split(".")[0] != "tensorslow":
                    continue
                local = alias.asname.name.value if alias.asname is not None else dotted_name(alias.name).split(".")[0]
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
                dotted = module_name(alias.name)
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
            prefix = module_name(statement.module)[len("tensorslow"):].lstrip(".")
            pairs = []
            for alias in statement.names:
                name = dotted_name(alias.name)
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
                modules = [dotted_name(a.name).split(".")[0] for a in statement.names]
            elif isinstance(statement, cst.ImportFrom) and statement.module is not None and not statement.relative:
                modules = [dotted_name(statement.module).split(".")[0]]
            else:
                continue
            for name in modules:
                folder = self.path.parent
                candidates = [folder / f"{name}.py", folder / name / "__init__.py"]
                local = next((c for c in candidates if c.is_file()), None)
                if local is None:
                    continue
                try:  # import lines are ASCII in every encoding Python reads; a BOM must not hide the first
                    text = local.read_text(encoding="utf-8-sig", errors="replace")
                except OSError as e:
                    self.error(line, f"imports {name}, a module of the program's folder ({local.name}) that cannot "
                                     f"be read ({e.strerror or e}) to see whether it uses tensorslow")
                    continue
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
        kind = numeric_literal(value.value)
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
