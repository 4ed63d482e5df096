"""The guide's shell blocks run as a reader would, in an activated environment.

pytest-codeblocks runs ``bash`` blocks in a subprocess; putting this Python's
``bin`` folder first on PATH makes ``tensorslow-parity`` and ``python`` the
project's own, as after ``source .venv/bin/activate``.
"""
import os
import sys

os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
