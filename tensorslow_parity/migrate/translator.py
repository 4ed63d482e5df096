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

The program is read by :mod:`.program`, the references every target shares are
rewritten by :class:`.rewrite.Translator`; ``tf1`` (graph mode,
``tensorflow.compat.v1``) is :mod:`.tf1`, ``tf2`` (eager, ``tf.GradientTape``,
which restructures the program) :mod:`.tf2`.
"""
import ast
import re
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper

from .program import TARGET_MODULES, Message, ProgramScan
from .tf1 import Tf1Translator
from .tf2 import Tf2Translator


class InputError(Exception):
    """The program cannot be translated at all: not Python, or it does not use tensorslow."""


@dataclass
class Translation:
    """The result of :func:`translate`. ``code`` is ``None`` when there are errors."""

    target: str
    code: str | None
    changes: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    float32: bool = False  # the program mentions float32 or float16: it may compute in single precision
    source: str = "tensorslow"  # what the input is written for: "tensorslow", or "tf1" (tensorflow.compat.v1)

    @property
    def ok(self):
        return not self.errors

    def report(self, script, output):
        """The text of the report: target, every change, note and error with its line."""
        target = {"tf1": "tf1: import tensorflow.compat.v1 as tf, graph mode (tf.disable_v2_behavior())",
                  "tf2": "tf2: import tensorflow as tf, eager (functions of the placeholders, tf.GradientTape, "
                         "tf.keras.optimizers)"}[self.target]
        title = "TensorFlow 1 -> TensorFlow 2" if self.source == "tf1" else "TensorSlow -> TensorFlow"
        lines = [f"{title} migration report", "",
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
    scan = ProgramScan()
    wrapper.visit(scan)
    if not scan.imports:
        raise InputError(f"{name}: does not import tensorslow (expected `import tensorslow as ts`, "
                         f"`import tensorslow as tf` or `from tensorslow import ...`; --to tf2 also reads TF1 "
                         f"programs: `import tensorflow.compat.v1 as tf`): nothing to translate")
    if scan.tf1 and target == "tf1":
        raise InputError(f"{name}: already a TF1 program (it imports tensorflow.compat.v1): translate it --to tf2")
    if target == "tf1":
        transformer = Tf1Translator(scan, path)
    else:
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
                       errors, float32=bool(re.search(r"float(16|32)|\bhalf\b", source)),
                       source="tf1" if scan.tf1 else "tensorslow")
