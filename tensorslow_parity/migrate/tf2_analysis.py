"""``--to tf2``, the first pass: what every name of the graph program stands for, at each place it is used.

:class:`Tf2Analysis` walks the program in order, scope by scope (the module and
each function, with the enclosing scopes' names visible from inside), and
records what each assignment makes: a placeholder, a Variable, a graph node, an
optimizer, a minimize op, a session or a feed dict (an :class:`Obj`). Then

* every use of such a name (a ``Name`` node) is mapped to its object (``ref``),
  so a graph node returned by ``build()`` and unpacked in ``main()`` is still
  known there, and ``session.run(p, feed)`` in a helper that received ``p`` as
  an argument too;
* each ``session.run`` call is recorded with its fetches and feed (``runs``);
* what a function returns (``returns``) and what its parameters receive at its
  call sites (``param_roles``) are propagated until nothing changes, so the
  order in which functions are defined does not matter.

A statement's fate (dropped, turned into a function, ...) is in ``action``.
Everything outside what :mod:`.tf2` can restructure is one error with its line.
"""
from dataclasses import dataclass, field

import libcst as cst

from .program import INITIALIZERS, SESSIONS, Message, arg
from .rewrite import Translator
from .symbols import OPTIMIZER, SYMBOLS
from .tf2_scan import Env, Uses, names_in, sibling_function

PREFIX = "--to tf2: "
MAX_ROUNDS = 6  # call sites and returns propagate in a few rounds; a cycle of calls stops here
DROPPED_CALLS = ("disable_v2_behavior", "disable_eager_execution", "reset_default_graph")


@dataclass(eq=False)
class Obj:
    """One object of the graph program, as the translation sees it."""

    kind: str                  # placeholder, variable, node, minimize, optimizer, session, feed
    name: str                  # the name it was assigned to where it was made
    call: object = None        # placeholder / optimizer: its call (dtype, hyperparameters)
    needs: list = field(default_factory=list)   # node / minimize: the placeholders (Obj) it reads, in order
    others: list = field(default_factory=list)  # node / minimize: the graph's other placeholders
    loss: object = None        # minimize: the loss node (Obj)
    optimizer: object = None   # minimize: the optimizer's Call, or an optimizer Obj
    keys: list = field(default_factory=list)    # feed: the placeholders (Obj) it feeds
    graph: int = 0


class Tf2Analysis(Translator):
    """The first pass of the tf2 translation; see the module docstring."""

    target = "tf2"

    def __init__(self, scan, path=None, seed_params=None):
        super().__init__(scan, path)
        self.seed_params = seed_params or {}  # function name -> {parameter: Obj}, for copied helpers
        self.param_roles = {}
        self.returns = {}
        self.helpers = {}          # imported function name -> (file, FunctionDef, {parameter: Obj})
        self._sibling_cache = {}

    # -- the rounds ---------------------------------------------------------------------------
    def analyze(self, module):
        previous, self.module = None, module
        for _ in range(MAX_ROUNDS):
            self._reset()
            self._walk_scope(module.body, Env(None, module))
            state = self._state()
            if state == previous:
                break
            previous = state
        self.errors += [Message(line, text) for line, text in dict.fromkeys(self._round_errors)]

    def _state(self):
        def kinds(objs):
            return tuple((k, o.kind if o else None) for k, o in sorted(objs.items()))
        return (tuple((f, kinds(p)) for f, p in sorted(self.param_roles.items())),
                tuple((f, tuple(o.kind if o else None for o in r)) for f, r in sorted(self.returns.items())),
                tuple(sorted(self.helpers)))

    def _reset(self):
        self.ref, self.action, self.runs, self.feed_dicts = {}, {}, {}, {}
        self.drop_args, self.session_params, self.escaping, self.unwrapped = set(), set(), set(), set()
        self.functions, self.graph_placeholders, self.nodes = {}, {}, []
        self._round_errors, self._graphs = [], 0
        self._calls = {}   # (function name, parameter) -> Obj seen this round
        self.param_roles = {name: dict(params) for name, params in self.seed_params.items()} | {
            name: dict(params) for name, params in self.param_roles.items() if name not in self.seed_params}

    def fail(self, node, text):
        self._round_errors.append((self.line(node), PREFIX + text))

    # -- scopes and statements ------------------------------------------------------------------
    def _walk_scope(self, statements, env):
        deferred = []
        self._graphs += 1
        env.graph = self._graphs
        self._walk(statements, env, deferred)
        for function in deferred:
            child = Env(env, function)
            child.graph = env.graph
            for param in function.params.params:  # a parameter hides the enclosing scopes' names
                child.set(param.name.value, None)
                child.params.add(param.name.value)
            for param, obj in self.param_roles.get(function.name.value, {}).items():
                child.set(param, obj)
                if obj is not None and obj.kind == "session":
                    self.session_params.add((function.name.value, param))
            self._walk_scope(function.body.body, child)

    def _walk(self, statements, env, deferred):
        for statement in statements:
            if isinstance(statement, cst.FunctionDef):
                self.functions[statement.name.value] = statement
                env.set(statement.name.value, None)
                deferred.append(statement)
            elif isinstance(statement, cst.ClassDef):
                continue
            elif isinstance(statement, cst.SimpleStatementLine):
                self._line(statement, env)
            elif isinstance(statement, cst.With) and statement.items and all(
                    self._session_item(i) or self._graph_item(i) for i in statement.items):
                self._with(statement, env, deferred)
            else:
                self._compound(statement, env, deferred)

    def _with(self, statement, env, deferred):
        if not isinstance(statement.body, cst.IndentedBlock):
            self.fail(statement, "put the body of this with statement on lines of its own")
            return
        self.unwrapped.add(statement)
        for item in statement.items:
            if self._graph_item(item):
                self._graphs += 1
                env.graph = self._graphs
            elif item.asname is None or not isinstance(item.asname.name, cst.Name):
                self.fail(statement, "name the session: `with tf.Session() as sess:`")
            else:
                env.set(item.asname.name.value, Obj("session", item.asname.name.value))
        self._walk(statement.body.body, env, deferred)

    def _compound(self, statement, env, deferred):
        """if/for/while/try/with: their expressions are read here, their bodies are of the same scope."""
        for name in ("test", "iter", "items"):
            part = getattr(statement, name, None)
            for item in part if isinstance(part, (list, tuple)) else [part] if part is not None else []:
                self.read(item, env)
        if isinstance(statement, cst.For):
            for target in names_in(statement.target):
                env.set(target.value, None)
        for part in ("body", "orelse", "finalbody"):
            block = getattr(statement, part, None)
            if isinstance(block, (cst.Else, cst.Finally)):
                block = block.body
            if isinstance(block, cst.If):
                self._compound(block, env, deferred)
            elif isinstance(block, cst.IndentedBlock):
                self._walk(block.body, env, deferred)
        for handler in getattr(statement, "handlers", ()):
            self._walk(handler.body.body, env, deferred)

    def _line(self, line, env):
        graph = [s for s in line.body if self._is_graph_statement(s, env)]
        if graph and len(line.body) > 1:
            self.fail(line, "put each statement that builds or runs the graph on a line of its own")
            return
        for statement in line.body:
            self._statement(line, statement, env)

    def _is_graph_statement(self, statement, env):
        value = getattr(statement, "value", None)
        return value is not None and (self.calls_in(value) and any(p for p, _ in self.calls_in(value))
                                      or any(env.get(n.value) for n in names_in(value)))

    def _statement(self, line, statement, env):
        if isinstance(statement, cst.Expr):
            self._expression_statement(line, statement.value, env)
        elif isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            target = statement.targets[0].target
            if isinstance(target, cst.Name):
                self._assign(line, target.value, statement.value, env)
            elif isinstance(target, (cst.Tuple, cst.List)) and all(
                    isinstance(e.value, cst.Name) for e in target.elements):
                self._unpack(line, [e.value.value for e in target.elements], statement.value, env)
            else:
                self.read(statement.value, env)
                self.read(target, env)
        elif isinstance(statement, cst.Return) and statement.value is not None:
            self.read(statement.value, env)
            value = statement.value
            elements = [e.value for e in value.elements] if isinstance(value, cst.Tuple) else [value]
            objs = [env.get(e.value) if isinstance(e, cst.Name) else None for e in elements]
            if any(objs) and isinstance(env.scope, cst.FunctionDef):
                self.returns[env.scope.name.value] = objs if isinstance(value, cst.Tuple) else objs[:1]
        else:
            for child in statement.children:
                if isinstance(child, cst.BaseExpression):
                    self.read(child, env)
            for target in getattr(statement, "targets", ()):
                for name in names_in(getattr(target, "target", target)):
                    env.set(name.value, None)

    def _expression_statement(self, line, value, env):
        if self.graph_as_default(cst.Expr(value)) == "new":
            self.action[line] = "graph"
            self._graphs += 1
            env.graph = self._graphs
            return
        path = self.call_path(value)
        receiver = value.func.value if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) \
            else None
        method = value.func.attr.value if receiver is not None else None
        if path in DROPPED_CALLS:
            self.action[line] = "dropped"
        elif method == "run" and not value.args and self.call_path(receiver) in INITIALIZERS:
            self.action[line] = "init"
        elif self._is_run(value, env) and value.args and self._initializer(value.args[0].value, env):
            self.action[line] = "init"
        elif method == "run" and not value.args and isinstance(receiver, cst.Name) \
                and getattr(env.get(receiver.value), "kind", None) == "init":
            self.action[line] = "init"
        elif method == "close" and isinstance(receiver, cst.Name) and getattr(env.get(receiver.value), "kind",
                                                                                  None) == "session":
            self.action[line] = "session"
        else:
            self.read(value, env)

    def _assign(self, line, name, value, env):
        path = self.call_path(value)
        symbol = SYMBOLS.get(path) if path is not None else None
        if path == "placeholder":
            obj = Obj("placeholder", name, call=value, graph=env.graph)
            self.graph_placeholders.setdefault(env.graph, []).append(obj)
            self.action[line] = ("placeholder", obj)
        elif path == "Variable":
            obj = Obj("variable", name)
            for read in names_in(value):
                if getattr(env.get(read.value), "kind", None) in ("placeholder", "node"):
                    self.fail(line, f"Variable `{name}` is initialized from the graph node `{read.value}`; "
                                    f"only values known before training are supported")
            self.read(value, env)
        elif path in SESSIONS:
            obj = Obj("session", name)
            self.action[line] = "session"
        elif path in INITIALIZERS:
            obj = Obj("init", name)
            self.action[line] = "init"
        elif self._variables(value):
            obj = Obj("variable", name)  # a dict or list of Variables: its items are fetched as Variables
            self.read(value, env)
        elif symbol is not None and symbol.kind == OPTIMIZER:
            obj = Obj("optimizer", name, call=value)
            self.action[line] = ("optimizer", obj)
        elif isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) \
                and value.func.attr.value == "minimize":
            obj = self._minimize(line, name, value, env)
        elif isinstance(value, cst.Dict) and self.feed_keys(value, env):
            obj = Obj("feed", name, keys=self.feed_keys(value, env))
            self.read(value, env)
        elif not Uses(self, env).runs_in(value) and self._is_graph_expression(value, env) \
                and not self._reads_plain_parameter(value, env):
            obj = self._node(line, name, value, env)
        else:
            obj = None
            self.read(value, env)
            if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and len(
                    self.returns.get(value.func.value, ())) == 1:
                obj = self.returns[value.func.value][0]
        env.set(name, obj)

    def _unpack(self, line, names, value, env):
        self.read(value, env)
        objs = [None] * len(names)
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in self.returns:
            returned = self.returns[value.func.value]
            if len(returned) == len(names):
                objs = returned
        for name, obj in zip(names, objs):
            env.set(name, obj)

    @staticmethod
    def _reads_plain_parameter(value, env):
        """Whether ``value`` reads a parameter of its function that is not a graph object: a function that
        computes tensors from its arguments (``layer(x, weights)`` called in a graph node) runs eagerly as
        it is, rather than its statements becoming graph nodes."""
        return any(n.value in env.params and env.names.get(n.value) is None for n in names_in(value))

    def _initializer(self, value, env):
        if isinstance(value, cst.Name):
            return getattr(env.get(value.value), "kind", None) == "init"
        return self.call_path(value) in INITIALIZERS

    def _variables(self, value):
        """Whether ``value`` is a dict, list or tuple literal of ``Variable(...)`` calls."""
        if isinstance(value, cst.Dict):
            items = [e.value for e in value.elements if isinstance(e, cst.DictElement)]
            complete = len(items) == len(value.elements)
        elif isinstance(value, (cst.List, cst.Tuple)):
            items, complete = [e.value for e in value.elements], True
        else:
            return False
        return complete and bool(items) and all(self.call_path(item) == "Variable" for item in items)

    def _is_graph_expression(self, value, env):
        if any(getattr(env.get(n.value), "kind", None) in ("placeholder", "variable", "node")
               for n in names_in(value)):
            return True
        return any(path is not None for path, _ in self.calls_in(value))

    def _node(self, line, name, value, env):
        if any(path == "Variable" for path, _ in self.calls_in(value)):
            # the statement becomes a function: the Variable would be created at every call
            self.fail(line, f"`{name}` creates a Variable inside a graph expression; assign the Variable to a "
                            f"name of its own first")
        needs = []
        for read in names_in(value):
            obj = env.get(read.value)
            if obj is None:
                continue
            self.ref[read] = obj
            if obj.kind == "placeholder":
                needs.append(obj)
            elif obj.kind == "node":
                needs += obj.needs
        obj = self._graph_function("node", name, needs, env)
        self.nodes.append(obj)
        self.action[line] = ("node", obj)
        return obj

    def _graph_function(self, kind, name, needs, env, **extra):
        """A node or minimize op reading placeholders ``needs``: its parameters in the graph's order."""
        graph = needs[0].graph if needs else env.graph
        order = self.graph_placeholders.get(graph, [])
        needs = [p for p in order if p in needs] + [p for p in dict.fromkeys(needs) if p not in order]
        others = [p for p in order if p not in needs]
        return Obj(kind, name, needs=needs, others=others, graph=graph, **extra)

    def _minimize(self, line, name, value, env):
        receiver = value.func.value
        optimizer = env.get(receiver.value) if isinstance(receiver, cst.Name) else None
        path = self.call_path(receiver)
        if optimizer is not None and optimizer.kind == "optimizer":
            optimizer_ref = optimizer
        elif path is not None and SYMBOLS.get(path) is not None and SYMBOLS[path].kind == OPTIMIZER:
            optimizer_ref = receiver
        else:
            self.fail(line, f"`{self.code(value)}`: minimize of something that is not a TF1 optimizer made in "
                            f"this file")
            return self._failed(line, name)
        loss = arg(value, 0, "loss")
        if [a for a in value.args if a is not loss]:
            self.fail(line, "minimize: only the loss argument is translated (not var_list, global_step...)")
            return self._failed(line, name)
        obj = env.get(loss.value.value) if loss is not None and isinstance(loss.value, cst.Name) else None
        if obj is None or obj.kind != "node":
            self.fail(line, f"`{name}` minimizes something that is not a graph node assigned before it")
            return self._failed(line, name)
        self.ref[loss.value] = obj
        minimize = self._graph_function("minimize", name, obj.needs, env, loss=obj, optimizer=optimizer_ref)
        self.action[line] = ("minimize", minimize)
        return minimize

    def _failed(self, line, name):
        """An object that could not be translated: kept as it is, its uses raise no further errors."""
        self.action[line] = "failed"
        return Obj("failed", name)

    # -- reads ----------------------------------------------------------------------------------
    def read(self, node, env):
        """Record the graph objects ``node`` (an expression) uses, its session.run calls and helper calls."""
        Uses(self, env).collect(node)

    def feed_keys(self, node, env):
        """The placeholders keying dict literal ``node`` (Obj list), or None if it is not a feed."""
        keys = [e.key for e in node.elements if isinstance(e, cst.DictElement)]
        if not keys or len(keys) != len(node.elements) or not all(isinstance(k, cst.Name) for k in keys):
            return None
        objs = [env.get(k.value) for k in keys]
        return objs if all(o is not None and o.kind == "placeholder" for o in objs) else None

    def _is_run(self, call, env):
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "run"):
            return False
        receiver = call.func.value
        if isinstance(receiver, cst.Name):
            return getattr(env.get(receiver.value), "kind", None) == "session"
        return self.call_path(receiver) in SESSIONS

    def _session_item(self, item):
        return self.call_path(item.item) in SESSIONS

    def _graph_item(self, item):
        call = item.item
        return isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) \
            and call.func.attr.value == "as_default" and self.call_path(call.func.value) == "Graph"

    def sibling(self, name):
        """(file, FunctionDef) of function ``name`` imported from a module of the program's folder, or None."""
        if name not in self._sibling_cache:
            self._sibling_cache[name] = sibling_function(self.module, self.path, name)
        return self._sibling_cache[name]
