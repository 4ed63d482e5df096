"""The guide's shell blocks run as a reader would, in an activated environment.

pytest-codeblocks runs ``bash`` blocks in a subprocess; putting this Python's
``bin`` folder first on PATH makes ``tensorslow-parity`` and ``python`` the
project's own, as after ``source .venv/bin/activate``.
"""
import os
import sys

import pytest

os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _runs_the_harness(block):
    """A block that runs the parity harness: a shell block, or Python that calls the model matrix. Each
    starts framework subprocesses and takes tens of seconds."""
    return block.syntax in ("bash", "sh") or "run_matrix(" in block.code


def pytest_collection_modifyitems(config, items):
    for item in items:
        block = getattr(item, "obj", None)
        if item.path.suffix == ".md" and hasattr(block, "syntax") and _runs_the_harness(block):
            item.add_marker(pytest.mark.slow)
