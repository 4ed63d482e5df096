"""``--to tf2``: helpers of the program's folder that receive the session, copied in and translated.

The course's examples import ``train(session, J, minimization_op, feed_dict,
steps)`` from ``course_helpers.py``: it calls ``session.run``, which TF2 does
not have, so importing it unchanged cannot work. Its definition is copied into
the translation right after the import (the name leaves the import line) and
translated like the program's own functions, its parameters knowing what the
program passes them (the loss, the minimize op, a feed dict); the session
parameter goes. A helper that reads other names of its module cannot be copied
alone and is refused.
"""
import builtins

import libcst as cst
from libcst.metadata import MetadataWrapper

from .program import Message, ProgramScan, dotted_name
from .tf2_analysis import PREFIX
from .tf2_scan import names_in


def translate_helpers(translator):
    """Translate every helper the analysis found (with a translator of ``translator``'s class); their code
    goes to ``translator.helper_code``."""
    for name, (file, function) in sorted(translator.helpers.items()):
        line = _import_line(translator.module, name)
        free = sorted(_free_names(function) - _imported_names(translator.module))
        if free:
            translator.error(line, PREFIX + f"`{name}` ({file.name}) receives the session, but reads "
                                            f"{', '.join(free)} of its own module, so it cannot be copied here "
                                            f"alone: make it take the values it needs")
            continue
        wrapper = MetadataWrapper(cst.Module(body=[function]))
        scan = ProgramScan()
        wrapper.visit(scan)
        roles = {name: translator.param_roles.get(name, {})}
        helper = type(translator)(scan, None, seed_params=roles, root=translator.root)
        code = wrapper.visit(helper).code
        where = f"{file.name}:{{}} (`{name}`, copied here)"
        for kind in ("errors", "changes", "notes"):
            getattr(translator, kind).extend(Message(translator.line(line), f"{where.format(m.line)}: {m.text}")
                                             for m in getattr(helper, kind))
        translator.helper_code.setdefault(line, []).append((name, file, code))


def helper_import(translator, original, updated):
    """The import line without the copied helpers' names, then their translated definitions."""
    copied = translator.helper_code[original]
    names = {name for name, _, _ in copied}
    statement = updated.body[0]
    kept = [a for a in statement.names if dotted_name(a.name) not in names]
    out = []
    if kept:
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        out.append(updated.with_changes(body=[statement.with_changes(names=kept)]))
    for name, file, code in copied:
        functions = list(cst.parse_module(code).body)
        functions[0] = functions[0].with_changes(leading_lines=[
            cst.EmptyLine(), cst.EmptyLine(),
            cst.EmptyLine(comment=cst.Comment(f"# From {file.name}, translated: it ran the session, which TF2 "
                                              f"does not have."))])
        out += functions
        translator.change(original, f"`{name}` of {file.name} receives the session: its definition is copied "
                                    f"here and translated" + (", the import keeps the other names" if kept else
                                                              ", the import removed"))
    if not kept:
        out[0] = out[0].with_changes(leading_lines=list(updated.leading_lines) + list(out[0].leading_lines))
    return out


def _import_line(module, name):
    for line in module.body:
        if isinstance(line, cst.SimpleStatementLine) and any(
                isinstance(s, cst.ImportFrom) and not isinstance(s.names, cst.ImportStar)
                and any(dotted_name(a.name) == name for a in s.names) for s in line.body):
            return line
    raise LookupError(name)


def _imported_names(module):
    """The names the program's module-level imports bind (the copied helper may use these: ``np``)."""
    names = set()
    for line in module.body:
        for statement in getattr(line, "body", ()) if isinstance(line, cst.SimpleStatementLine) else ():
            if isinstance(statement, (cst.Import, cst.ImportFrom)) and not isinstance(statement.names,
                                                                                      cst.ImportStar):
                for alias in statement.names:
                    bound = alias.asname.name if alias.asname is not None else alias.name
                    names.add(dotted_name(bound).split(".")[0])
    return names


def _free_names(function):
    """The names ``function`` reads that are neither its own (parameters, assignments) nor builtins."""
    local = {p.name.value for p in function.params.params}

    class Bound(cst.CSTVisitor):
        def visit_AssignTarget(self, node):
            local.update(n.value for n in names_in(node.target))

        def visit_For(self, node):
            local.update(n.value for n in names_in(node.target))

        def visit_AsName(self, node):
            local.update(n.value for n in names_in(node.name))

        def visit_CompFor(self, node):
            local.update(n.value for n in names_in(node.target))

        def visit_Param(self, node):
            local.add(node.name.value)

    function.body.visit(Bound())
    return {n.value for n in names_in(function.body)} - local - set(dir(builtins))
