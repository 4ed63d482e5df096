"""``tf.app``: ``tf.app.run()`` and ``tf.app.flags``, as TF1 programs start.

``tf.app.run(main=None, argv=None)`` parses the command line into ``tf.app.flags.FLAGS`` (flags it does
not know are left for ``main``, as TF's run tolerates them), calls ``main(argv)`` with the arguments
left over, and exits the process with ``sys.exit(main(...))`` (so ``main`` returning None exits 0).
A bad flag value prints ``FATAL Flags parsing error`` and exits with status 1, as absl does.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from tensorslow import flags

__all__ = ["flags", "run"]


def run(main: Callable[[list[str]], Any] | None = None, argv: Sequence[str] | None = None) -> NoReturn:
    """Parse flags from ``argv`` (default ``sys.argv``), then ``sys.exit(main(remaining_argv))``.

    ``main`` defaults to the ``main`` function of the ``__main__`` module, as in TensorFlow."""
    if main is None:
        main = getattr(sys.modules["__main__"], "main", None)
        if main is None:
            raise AttributeError("tf.app.run: no main function given and module '__main__' defines no `main`")
    try:
        args = flags.FLAGS(sys.argv if argv is None else list(argv), known_only=True)
    except flags.Error as error:
        print(f"FATAL Flags parsing error: {error}", file=sys.stderr)
        print("Pass --helpshort or --helpfull to see help on flags.", file=sys.stderr)
        sys.exit(1)
    sys.exit(main(args))
