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


def pytest_runtest_setup(item):
    """A reader runs a chapter in a new Python, where Keras computes in float32. Tests that ran before in
    this process (the harness's Keras models set floatx to their row's dtype) must not change that."""
    keras = sys.modules.get("keras")
    if item.path.suffix == ".md" and keras is not None:
        keras.config.set_floatx("float32")
