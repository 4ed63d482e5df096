"""Quiet TensorFlow: its C++, absl and Python logging silenced before it is imported, stray lines filtered.

TensorFlow talks a lot on stderr that a user of the harness never asked for:
C++ log lines (``I0000 00:00:... cudart_stub.cc:31] Could not find cuda
drivers ...``, ``cuda_platform.cc:52] failed call to cuInit ...``, grappler's
``Not handling type DT_DOUBLE``), absl's banner ``WARNING: All log messages
before absl::InitializeLog() is called are written to STDERR``, a CPU
instructions notice, and Python deprecation warnings through the
``tensorflow`` logger. Three layers keep them from the user:

1. :func:`install`, called before TensorFlow is imported, sets
   ``TF_CPP_MIN_LOG_LEVEL=3`` (C++ logging at FATAL only, once TensorFlow has
   read it; a value the user set is kept), sets the ``tensorflow``, ``absl``
   and JAX Python loggers to ERROR, and puts an import hook on ``tensorflow``;
2. the import hook (:class:`_QuietImport`) runs TensorFlow's import with file
   descriptor 2 redirected to a temporary file: the lines written before
   TensorFlow reads its log level (the absl banner, the CUDA and oneDNN
   notices) land there, and what :func:`is_noise` does not match is written
   to the real stderr afterwards;
3. :func:`filter_stderr` filters the stderr of a child process the harness
   shows (a program it ran, a worker's last words): the noise lines are
   dropped, everything else passes through unchanged.

Lines that say why something failed are never dropped: a C++ ``F`` (fatal)
line, a traceback, a Python warning that is not TensorFlow's.
"""
import importlib.abc
import importlib.machinery
import logging
import os
import re
import sys
import tempfile
from contextlib import contextmanager

#: the environment every process importing TensorFlow gets (a value already set wins)
ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "3", "GRPC_VERBOSITY": "ERROR"}

#: Python loggers set to ERROR: TensorFlow's (deprecations), absl's, JAX's (its CUDA fallback notice)
LOGGERS = ("tensorflow", "absl", "jax._src.xla_bridge", "h5py._conv")

#: lines of TensorFlow / XLA / absl noise; anything else on stderr is passed through
NOISE = tuple(re.compile(p) for p in (
    # C++ log lines of severity I, W or E: "I0000 00:00:1796175001.318981   21663 port.cc:153] ..."
    r"^[IWE]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [\w./-]+:\d+\] ",
    r"^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$",
    r"^WARNING: Logging before (flag parsing|InitGoogleLogging\(\)) goes to stderr\.?$",
    r"^To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags\.$",
    r"Not handling type DT_\w+",
    r"failed call to cuInit",
    r"Could not find cuda drivers on your machine",
    r"Unable to register cu(DNN|FFT|BLAS) factory",
))


def is_noise(line):
    """True when ``line`` (without its newline) is one of TensorFlow's log lines (:data:`NOISE`)."""
    return any(p.search(line) for p in NOISE)


def filter_stderr(text):
    """``text`` without its TensorFlow noise lines (:func:`is_noise`); every other line, and the text's
    trailing newline, unchanged."""
    if not text:
        return text
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not is_noise(line.rstrip("\r\n")))


@contextmanager
def filtered_fd(fd=2):
    """Send what is written to file descriptor ``fd`` in the block to a temporary file (C++ libraries write
    there directly, past ``sys.stderr``); afterwards write its lines that are not noise to the real ``fd``."""
    for stream in (sys.stdout, sys.stderr):
        _flush(stream)
    saved = os.dup(fd)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), fd)
        try:
            yield
        finally:
            for stream in (sys.stdout, sys.stderr):
                _flush(stream)
            os.dup2(saved, fd)
            os.close(saved)
            capture.seek(0)
            kept = filter_stderr(capture.read().decode("utf-8", errors="replace"))
            if kept:
                os.write(fd, kept.encode("utf-8"))


def _flush(stream):
    try:
        stream.flush()
    except (AttributeError, OSError, ValueError):
        pass


class _QuietLoader(importlib.abc.Loader):
    """Wraps the loader of ``tensorflow``: executes the package inside :func:`filtered_fd`, then sets the
    ``tensorflow`` logger to ERROR again (TensorFlow installs its own handler at import)."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        with filtered_fd(2):
            self.loader.exec_module(module)
        logging.getLogger("tensorflow").setLevel(logging.ERROR)

    def __getattr__(self, name):  # get_resource_reader, is_package, ...: the real loader's
        return getattr(self.loader, name)


class _QuietImport(importlib.abc.MetaPathFinder):
    """A meta path finder for the top-level ``tensorflow`` package only: finds it as Python would and wraps
    its loader in :class:`_QuietLoader`."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _QuietLoader(spec.loader)
        return spec


def install():
    """Silence TensorFlow in this process before it is imported (idempotent; see the module docstring).

    Sets :data:`ENVIRONMENT` where unset (children started afterwards
    inherit it), the :data:`LOGGERS` to ERROR, and the import hook. When
    TensorFlow is already imported, only its logger can still be quieted.
    """
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    if "tensorflow" not in sys.modules and not any(isinstance(f, _QuietImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietImport())


def environment(env=None):
    """``env`` (default: this process's environment) with :data:`ENVIRONMENT` set where unset: for a child
    process that may import TensorFlow."""
    env = dict(os.environ if env is None else env)
    for name, value in ENVIRONMENT.items():
        env.setdefault(name, value)
    return env
