"""Run a TF1 program with its TensorFlow import swapped.

``python -m tensorslow_parity.programs.launcher ENGINE PATH [GRAPHS]``:

``ENGINE`` is ``tensorslow`` or ``tf1``. The program's one line
``import tensorflow.compat.v1 as tf`` becomes ``import tensorslow as tf``
under TensorSlow and stays as it is under tf1; nothing else changes, and the
line count stays the same, so a traceback points at the program's own lines.
The program runs as ``__main__`` from its own directory's point of view
(``sys.path[0]`` and ``__file__``), as ``python PATH`` would run it.

With ``GRAPHS`` (a file path), the launcher also records every graph the
program creates (:class:`GraphRecorder`) and, when the program ends (also by
an exception or ``sys.exit``), writes their ``(op name, op type)`` lists to
that file as JSON: a list of graphs in creation order, each a list of
``[name, type]`` pairs, empty graphs left out.
"""
import json
import re
import sys
import types
from pathlib import Path

#: the TF1 import every program has, and what it becomes under each engine
TF1_IMPORT = re.compile(r"^import tensorflow\.compat\.v1 as tf[ \t]*$", re.MULTILINE)
IMPORTS = {"tensorslow": "import tensorslow as tf", "tf1": "import tensorflow.compat.v1 as tf"}


class NoTF1Import(ValueError):
    """The program has no line ``import tensorflow.compat.v1 as tf`` to swap."""


def swap_import(source, engine, path="<program>"):
    """``source`` with its TF1 import replaced by ``engine``'s (:data:`IMPORTS`)."""
    if engine not in IMPORTS:
        raise ValueError(f"unknown engine {engine!r}; known: {', '.join(IMPORTS)}")
    swapped, count = TF1_IMPORT.subn(IMPORTS[engine], source)
    if count != 1:
        raise NoTF1Import(f"{path}: expected exactly one line 'import tensorflow.compat.v1 as tf', found {count}")
    return swapped


class GraphRecorder:
    """Keeps every graph made while it is installed, in creation order, by wrapping the engine's
    ``Graph.__init__``: ``tensorslow.Graph`` (whose process default graph, made at import, comes first)
    or TensorFlow's ``ops.Graph``. TF's function graphs (``FuncGraph``: bodies of ``tf.data``
    functions and ``tf.function``) are not a TF1 program's graphs and are left out."""

    def __init__(self, engine):
        self.engine = engine
        self.graphs = []
        if engine == "tensorslow":
            import tensorslow
            from tensorslow import graph as graph_module
            self._cls = tensorslow.Graph
            self.graphs.append(graph_module.get_default_graph())
        else:
            from tensorflow.python.framework import ops
            self._cls = ops.Graph
        self._original = self._cls.__init__
        recorder, original = self, self._original

        def __init__(graph, *args, **kwargs):
            original(graph, *args, **kwargs)
            if not type(graph).__name__.endswith("FuncGraph"):
                recorder.graphs.append(graph)
        self._cls.__init__ = __init__

    def uninstall(self):
        self._cls.__init__ = self._original

    def op_lists(self):
        """Each recorded graph that holds ops: its ``[op name, op type]`` pairs in creation order."""
        lists = []
        for graph in self.graphs:
            if self.engine == "tensorslow":
                # a node made in a scratch graph and moved to another (an output of a multi-output op) is not
                # the scratch graph's: such graphs come out empty
                ops = [[op.op_name, op.type] for op in graph.get_operations() if op.graph is graph]
            else:
                ops = [[op.name, op.type] for op in graph.get_operations()]
            if ops:
                lists.append(ops)
        return lists

    def write(self, path):
        Path(path).write_text(json.dumps(self.op_lists()))


def run(engine, path, graphs_path=None):
    """Run the program at ``path`` under ``engine``; with ``graphs_path``, write its graphs there at the end."""
    from tensorslow_parity import quiet_tf
    quiet_tf.install()  # before the program (or the graph recorder) imports TensorFlow
    path = Path(path).resolve()
    source = swap_import(path.read_text(), engine, path)
    recorder = GraphRecorder(engine) if graphs_path else None
    sys.path.insert(0, str(path.parent))
    sys.argv = [str(path)]
    code = compile(source, str(path), "exec")
    # The program runs as the real __main__ module, as `python PATH` runs it: tf.app.run() without an
    # argument looks its main() up in sys.modules["__main__"].
    module = types.ModuleType("__main__")
    module.__dict__.update(__file__=str(path), __builtins__=__builtins__)
    sys.modules["__main__"] = module
    try:
        exec(code, module.__dict__)
    finally:
        if recorder is not None:
            recorder.uninstall()
            recorder.write(graphs_path)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: python -m tensorslow_parity.programs.launcher tensorslow|tf1 PROGRAM.py [GRAPHS.json]")
    run(*sys.argv[1:])
