"""``--to tf2``, the first pass: what each statement of the graph program is, and what each loss needs.

:class:`Tf2Analysis` reads the module before anything is rewritten: the
placeholders, Variables, graph nodes, optimizers, minimize ops, sessions and
feeds (``role``, ``nodes``, ``minimizes``, ...), and for each loss the nodes
and placeholders it needs (``loss_nodes``, ``loss_params``). Anything outside
the supported pattern (see :mod:`.tf2`) is an error with its line.
"""
import libcst as cst

from .program import INITIALIZERS, SESSIONS, arg
from .rewrite import Translator
from .symbols import OPTIMIZER, SYMBOLS

PREFIX = "--to tf2: "
PATTERN = ("module-level placeholders, Variables and graph nodes (one assignment each), "
           "`step = <GradientDescent|Momentum|Adam>Optimizer(...).minimize(loss)`, `ts.Graph().as_default()`, and a "
           "session (`s = ts.Session()` or `with ts.Session() as s:`) used only as s.run(step|loss|Variable, feed)")


class _Names(cst.CSTVisitor):
    """The Name nodes an expression reads (not attribute names or keywords)."""

    def __init__(self):
        self.found = []

    def visit_Name(self, node):
        self.found.append(node)

    def visit_Attribute(self, node):
        node.value.visit(self)
        return False

    def visit_Arg(self, node):
        node.value.visit(self)
        return False


def names_in(node):
    visitor = _Names()
    node.visit(visitor)
    return visitor.found


class Tf2Analysis(Translator):
    """The first pass of the tf2 translation: the roles of the statements and the graph of each loss."""

    target = "tf2"

    def __init__(self, scan, path=None):
        super().__init__(scan, path)
        self.role = {}            # original statement line -> what it is in the graph program
        self.placeholders = {}    # name -> its placeholder Call (original)
        self.variables = set()
        self.nodes = {}           # name -> (statement line, names of nodes and placeholders it reads)
        self.optimizers = {}      # name -> its optimizer Call (original)
        self.minimizes = {}       # name -> (statement line, optimizer Call or name, loss name)
        self.sessions = set()
        self.feeds = {}           # name -> placeholder names of the dict literal bound to it
        self.unwrapped = set()    # With statements whose body moves to module level
        self.allowed = set()      # Name nodes allowed to refer to graph objects (fetches, feed keys)
        self.feed_dicts = set()   # Dict literals keyed by placeholders
        self.runs = {}            # session.run Call -> (fetch, feed)
        self.node_code = {}       # node name -> its translated statement line
        self.generated_losses = set()
        self._in_node = 0
        self._dropped = {}        # id -> (statement line to remove, comment lines to carry)
        self._generated = set()   # names of the generated functions


    # -- analysis ---------------------------------------------------------------------------
    def visit_Module(self, node):
        for line in self.scan.imports:
            if line not in self.scan.root_imports:
                self.error(line, PREFIX + "supports `import tensorslow as NAME` only (from-imports of tensorslow "
                                          "names are not followed through the restructuring)")
        flat = []
        self._flatten(node.body, flat)
        for line in flat:
            self._classify(line)
        self._close()
        return True

    def _flatten(self, statements, flat):
        for statement in statements:
            if isinstance(statement, cst.With) and statement.items and all(
                    self._session_item(i) or self._graph_item(i) for i in statement.items):
                if not isinstance(statement.body, cst.IndentedBlock):
                    self.error(statement, PREFIX + "put the body of this with statement on lines of its own")
                    continue
                self.unwrapped.add(statement)
                for item in statement.items:
                    if self._session_item(item):
                        if item.asname is None or not isinstance(item.asname.name, cst.Name):
                            self.error(statement, PREFIX + "name the session: `with ts.Session() as sess:`")
                        else:
                            self.sessions.add(item.asname.name.value)
                self._flatten(statement.body.body, flat)
            else:
                flat.append(statement)

    def _session_item(self, item):
        return self.call_path(item.item) in SESSIONS

    def _graph_item(self, item):
        call = item.item
        return isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) \
            and call.func.attr.value == "as_default" and self.call_path(call.func.value) == "Graph"

    def _classify(self, line):
        if not (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1):
            return
        statement = line.body[0]
        if isinstance(statement, cst.Expr):
            if self.graph_as_default(statement) == "new":
                self.role[line] = "graph"
            elif self._runs_initializer(statement.value):
                self.role[line] = "init"
            return
        if not (isinstance(statement, cst.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0].target, cst.Name)):
            return
        name, value = statement.targets[0].target.value, statement.value
        path = self.call_path(value)
        if name in self.placeholders or name in self.nodes or name in self.minimizes:
            self.error(line, PREFIX + f"`{name}` is assigned more than once; each graph node must be one "
                                      f"assignment to be turned into a function")
            return
        if path == "placeholder":
            self.placeholders[name] = value
            self.role[line] = "placeholder"
        elif path == "Variable":
            self.variables.add(name)
            for read in names_in(value):
                if read.value in self.placeholders or read.value in self.nodes:
                    self.error(line, PREFIX + f"Variable `{name}` is initialized from the graph node "
                                              f"`{read.value}`; only values known before training are supported")
        elif path in SESSIONS:
            self.sessions.add(name)
            self.role[line] = "session"
        elif path is not None and SYMBOLS.get(path) is not None and SYMBOLS[path].kind == OPTIMIZER:
            self.optimizers[name] = value
            self.role[line] = "optimizer"
        elif isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) \
                and value.func.attr.value == "minimize":
            self._classify_minimize(line, name, value)
        elif isinstance(value, cst.Dict) and self._placeholder_keys(value) is not None:
            self.feeds[name] = self._placeholder_keys(value)
        elif self._is_graph_expression(value):
            if any(path == "Variable" for path, _ in self.calls_in(value)):
                # the node's statement moves into a function: the Variable would be created at every call
                self.error(line, PREFIX + f"`{name}` creates a Variable inside a graph expression; assign the "
                                          f"Variable to a name of its own first")
            reads = {n.value for n in names_in(value) if n.value in self.nodes or n.value in self.placeholders}
            self.nodes[name] = (line, reads)
            self.role[line] = "node"

    def _runs_initializer(self, value):
        return isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) \
            and value.func.attr.value == "run" and isinstance(value.func.value, cst.Name) \
            and value.func.value.value in self.sessions and len(value.args) == 1 \
            and self.call_path(value.args[0].value) in INITIALIZERS

    def _is_graph_expression(self, value):
        graph_names = self.placeholders.keys() | self.nodes.keys() | self.variables
        if any(n.value in graph_names for n in names_in(value)):
            return True
        found = []

        class Refs(cst.CSTVisitor):
            def visit_Attribute(inner, node):
                found.append(self.path_of(node) is not None)

        value.visit(Refs())
        return any(found)

    def _placeholder_keys(self, node):
        """The placeholder names keying dict literal ``node``, or None if it is not such a feed."""
        keys = [e.key for e in node.elements if isinstance(e, cst.DictElement)]
        if not keys or len(keys) != len(node.elements):
            return None
        if all(isinstance(k, cst.Name) and k.value in self.placeholders for k in keys):
            return [k.value for k in keys]
        return None

    def _classify_minimize(self, line, name, value):
        receiver = value.func.value
        if isinstance(receiver, cst.Name) and receiver.value in self.optimizers:
            optimizer = receiver.value
        elif isinstance(receiver, cst.Call) and self.call_path(receiver) is not None \
                and SYMBOLS.get(self.call_path(receiver)) is not None \
                and SYMBOLS[self.call_path(receiver)].kind == OPTIMIZER:
            optimizer = receiver
        else:
            self.error(line, PREFIX + f"`{self.code(value)}`: minimize of something that is not a TF1 optimizer "
                                      f"created in this file")
            return
        loss = arg(value, 0, "loss")
        extra = [a for a in value.args if a is not loss]
        if extra:
            self.error(line, PREFIX + f"minimize({', '.join(self.code(a).rstrip(', ') for a in value.args)}): "
                                      f"only the loss argument is supported (var_list, global_step... are not)")
            return
        if loss is None or not isinstance(loss.value, cst.Name) or loss.value.value not in self.nodes:
            self.error(line, PREFIX + f"the loss minimized by `{name}` must be a graph node assigned earlier at "
                                      f"module level")
            return
        self.minimizes[name] = (line, optimizer, loss.value.value)
        self.role[line] = "minimize"

    def _close(self):
        """The nodes and placeholders each loss needs, in program order."""
        order = {name: i for i, name in enumerate(self.nodes)}
        self.loss_nodes, self.loss_params = {}, {}
        for name, (line, _, loss) in self.minimizes.items():
            needed, stack = set(), [loss]
            while stack:
                current = stack.pop()
                if current in needed:
                    continue
                needed.add(current)
                if current in self.nodes:
                    stack += self.nodes[current][1]
            nodes = sorted((n for n in needed if n in self.nodes), key=order.get)
            late = [n for n in nodes if self.line(self.nodes[n][0]) > self.line(line)]
            if late:
                self.error(line, PREFIX + f"`{late[0]}`, which the loss needs, is assigned after `{name}`")
            self.loss_nodes[loss] = nodes
            self.loss_params[loss] = [p for p in self.placeholders if p in needed]
