"""Run a TF1 program with its TensorFlow import swapped: ``python -m tensorslow_parity.programs.launcher ENGINE PATH``.

``ENGINE`` is ``tensorslow`` or ``tf1``. The program's one line
``import tensorflow.compat.v1 as tf`` becomes ``import tensorslow as tf``
under TensorSlow and stays as it is under tf1; nothing else changes, and the
line count stays the same, so a traceback points at the program's own lines.
The program runs as ``__main__`` from its own directory's point of view
(``sys.path[0]`` and ``__file__``), as ``python PATH`` would run it.
"""
import re
import sys
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


def run(engine, path):
    path = Path(path).resolve()
    source = swap_import(path.read_text(), engine, path)
    sys.path.insert(0, str(path.parent))
    sys.argv = [str(path)]
    code = compile(source, str(path), "exec")
    exec(code, {"__name__": "__main__", "__file__": str(path), "__builtins__": __builtins__})


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m tensorslow_parity.programs.launcher tensorslow|tf1 PROGRAM.py")
    run(sys.argv[1], sys.argv[2])
