"""``--to tf2``'s reading of expressions: scopes, the names an expression reads, its session.run calls.

* :class:`Env`: the names of one scope (the module or a function) and what
  each stands for at this point of the program, looked up through the
  enclosing scopes as Python does for closures;
* :func:`names_in`: the names an expression reads (not attribute names or
  keywords);
* :class:`Uses`: records, for :class:`.tf2_analysis.Tf2Analysis`, the graph
  objects an expression uses, its ``session.run`` calls (fetches and feed) and
  the calls that hand graph objects or a session to a function;
* :func:`sibling_function`: a function the program imports from a module of
  its own folder (the course's ``train`` helper), to be copied and translated.
"""
import libcst as cst

from .program import arg, dotted_name


class Env:
    """The names of one scope, what each stands for (an Obj, or None for anything else)."""

    def __init__(self, parent, scope):
        self.parent, self.scope, self.names, self.graph = parent, scope, {}, 0
        self.params = set()  # the function's parameters

    def set(self, name, obj):
        self.names[name] = obj

    def get(self, name):
        env = self
        while env is not None:
            if name in env.names:
                return env.names[name]
            env = env.parent
        return None


class _ReadsOnly(cst.CSTVisitor):
    """A visitor that goes only where an expression reads names: an attribute's object (not the attribute's
    name), an argument's value (not its keyword), a lambda's body (not its parameters)."""

    def visit_Attribute(self, node):
        node.value.visit(self)
        return False

    def visit_Arg(self, node):
        node.value.visit(self)
        return False

    def visit_Lambda(self, node):
        node.body.visit(self)
        return False


class _Names(_ReadsOnly):
    """The Name nodes an expression reads (not attribute names, keywords or a lambda's parameters)."""

    def __init__(self):
        self.found = []

    def visit_Name(self, node):
        self.found.append(node)


def names_in(node):
    visitor = _Names()
    node.visit(visitor)
    return visitor.found


class Uses(_ReadsOnly):
    """What one expression does with the graph program's objects; results go to ``analysis``."""

    def __init__(self, analysis, env):
        self.analysis, self.env = analysis, env
        self.found_runs = []
        self._keys = set()   # Name nodes keying a feed dict: not reads of a placeholder's value

    def collect(self, node):
        node.visit(self)

    def runs_in(self, node):
        """Whether ``node`` contains a session.run call (its value is then NumPy's, not a graph node)."""
        finder = Uses(self.analysis, self.env)
        finder.dry = True
        node.visit(finder)
        return bool(finder.found_runs)

    dry = False

    def visit_Name(self, node):
        if node in self._keys:
            return
        obj = self.env.get(node.value)
        if obj is not None and not self.dry:
            self.analysis.ref[node] = obj
            if obj.kind == "placeholder":
                self.analysis.escaping.add(obj)
            elif obj.kind == "session":
                self.analysis.fail(node, f"`{node.value}` (a session) is used other than by {node.value}.run(...), "
                                         f"close() or as an argument: TF2 has no sessions, remove this use")

    def visit_Dict(self, node):
        keys = self.analysis.feed_keys(node, self.env)
        if keys is not None:
            if not self.dry:
                self.analysis.feed_dicts[node] = keys
            self._keys.update(e.key for e in node.elements)
        return True

    def visit_Call(self, node):
        method = self._method_run(node)
        if self.analysis._is_run(node, self.env) or method is not None:
            self.found_runs.append(node)
            self._keys.add(node.func.value)  # the session (or p of p.eval): not a use of its own
            if not self.dry and method is not None:
                self._run(node, cst.Arg(node.func.value), arg(node, 0, "feed_dict"), [method])
            elif not self.dry:
                self._run(node, arg(node, 0, "fetches"), arg(node, 1, "feed_dict"))
        elif isinstance(node.func, cst.Name) and not self.dry:
            self._call(node, node.func.value)
        return True

    def _method_run(self, call):
        """The object of ``p.eval(feed)`` or ``step.run(feed)`` (TF1's shorthands for session.run), or None."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in ("eval", "run")
                and isinstance(func.value, cst.Name)):
            return None
        obj = self.env.get(func.value.value)
        kinds = ("node", "variable") if func.attr.value == "eval" else ("minimize",)
        return obj if obj is not None and obj.kind in kinds else None

    def _fetched(self, element):
        """The object a fetch names: a Name, or an item of a dict or list of Variables (``weights["h1"]``)."""
        if isinstance(element, cst.Subscript) and isinstance(element.value, cst.Name):
            obj = self.env.get(element.value.value)
            return obj if obj is not None and obj.kind == "variable" else None
        return self.env.get(element.value) if isinstance(element, cst.Name) else None

    def _run(self, call, fetch, feed, objs=None):
        a = self.analysis
        extra = [x for x in call.args if x is not fetch and x is not feed
                 and not (objs and x.keyword is not None and x.keyword.value == "session")]
        if fetch is None or extra:
            a.fail(call, f"`{a.code(call)}`: only session.run(fetches, feed_dict) is translated")
            return
        listed = isinstance(fetch.value, (cst.List, cst.Tuple))
        elements = [e.value for e in fetch.value.elements] if listed else [fetch.value]
        if objs is not None:  # p.eval(feed), step.run(feed)
            if self._feeds(call, feed, objs):
                a.runs[call] = (fetch, objs, False, feed)
            return
        objs = []
        for element in elements:
            obj = self._fetched(element)
            if obj is not None and obj.kind == "failed":
                return  # its error is reported where it was made
            if obj is None or obj.kind not in ("node", "variable", "minimize"):
                what = f"`{a.code(element)}`" + (" (a placeholder)" if obj is not None else "")
                a.fail(call, f"session.run fetches {what}, which is not a graph node, Variable or minimize op "
                             f"assigned in this file: assign it to a name first")
                return
            self._keys.add(element)
            objs.append(obj)
        if self._feeds(call, feed, objs):
            a.runs[call] = (fetch, objs, listed, feed)

    def _feeds(self, call, feed, objs):
        """Whether ``feed`` feeds every placeholder ``objs`` read (an error when not)."""
        a = self.analysis
        if feed is not None and isinstance(feed.value, cst.Name):
            feed_obj = self.env.get(feed.value.value)
            if feed_obj is None or feed_obj.kind != "feed":
                a.fail(call, f"the feed `{feed.value.value}` is not a dict keyed by placeholders assigned in this "
                             f"file; write the dict where it is fed, or assign it to a name first")
                return False
            self._keys.add(feed.value)
            keys = feed_obj.keys
        elif feed is not None and isinstance(feed.value, cst.Dict) and a.feed_keys(feed.value, self.env):
            keys = a.feed_keys(feed.value, self.env)
        elif feed is not None:
            a.fail(call, f"the feed of `{a.code(call)}` must be a dict keyed by placeholders, or a name bound "
                         f"to one")
            return False
        else:
            keys = []
        for obj in objs:
            missing = [p.name for p in obj.needs if p not in keys]
            if missing:
                a.fail(call, f"`{a.code(call)}` does not feed {', '.join(missing)}, which `{obj.name}` reads")
                return False
        return True

    def _call(self, call, name):
        """A call of function ``name``: what its parameters receive, and the sessions passed to it."""
        a = self.analysis
        objs = [(x, self.env.get(x.value.value) if isinstance(x.value, cst.Name) else None) for x in call.args]
        if not any(obj is not None for _, obj in objs):
            return
        function = a.functions.get(name)
        source = None
        if function is None and a.sibling(name) is not None:
            source, function = a.sibling(name)
        sessions = [x for x, obj in objs if obj is not None and obj.kind == "session"]
        self._keys.update(x.value for x in sessions)
        if function is None:
            if sessions:
                a.fail(call, f"`{name}(...)` receives the session, and it is not a function of this file or its "
                             f"folder: TF2 has no sessions, so pass the values it needs instead")
            return
        params = [p.name.value for p in function.params.params]
        roles = a.param_roles.setdefault(name, {})
        for index, (x, obj) in enumerate(objs):
            param = x.keyword.value if x.keyword is not None else params[index] if index < len(params) else None
            if param is None or x.star:
                continue
            if param in roles and getattr(roles[param], "kind", None) != getattr(obj, "kind", None):
                a.fail(call, f"`{name}` is called with different kinds of objects for `{param}`; the translation "
                             f"needs one kind per parameter")
            roles[param] = obj
        a.drop_args.update(sessions)
        if source is not None and sessions:
            a.helpers[name] = (source, function)


def sibling_function(module, path, name):
    """(file, FunctionDef) of ``name`` when ``module`` imports it from a module of the program's folder."""
    if path is None:
        return None
    for line in module.body:
        if not isinstance(line, cst.SimpleStatementLine):
            continue
        for statement in line.body:
            if not (isinstance(statement, cst.ImportFrom) and statement.module is not None
                    and not statement.relative and not isinstance(statement.names, cst.ImportStar)):
                continue
            if not any(dotted_name(a.name) == name and a.asname is None for a in statement.names):
                continue
            file = path.parent / f"{dotted_name(statement.module).replace('.', '/')}.py"
            if not file.is_file():
                return None
            try:
                tree = cst.parse_module(file.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError, cst.ParserSyntaxError):
                return None
            for definition in tree.body:
                if isinstance(definition, cst.FunctionDef) and definition.name.value == name:
                    return file, definition
    return None
