"""``tf.logging``: TF1's logging functions, on top of Python's standard ``logging`` module.

Messages go to the ``tensorslow`` logger (printed as ``INFO:tensorslow:message`` on stderr when the
program has set up no logging of its own). As in TF1, the default verbosity is ``WARN``: call
``tf.logging.set_verbosity(tf.logging.INFO)`` to see ``info`` messages. ``fatal`` logs at CRITICAL and,
as in TensorFlow, does not stop the program.
"""
from __future__ import annotations

import logging as _logging
import sys
import threading
from collections import Counter
from typing import Any

DEBUG, INFO, WARN, ERROR, FATAL = _logging.DEBUG, _logging.INFO, _logging.WARN, _logging.ERROR, _logging.FATAL

_logger = _logging.getLogger("tensorslow")
_logger.setLevel(WARN)
_counts: Counter[tuple[str, int]] = Counter()  # calls per (file, line), for log_every_n / log_first_n
_lock = threading.Lock()


def get_logger() -> _logging.Logger:
    """The ``tensorslow`` logger, given a stderr handler on first use if the program configured no logging."""
    with _lock:
        if not _logger.handlers and not _logging.getLogger().handlers:
            handler = _logging.StreamHandler(sys.stderr)
            handler.setFormatter(_logging.Formatter(_logging.BASIC_FORMAT))
            _logger.addHandler(handler)
    return _logger


def set_verbosity(v: int) -> None:
    """Show messages at level ``v`` (DEBUG, INFO, WARN, ERROR, FATAL) and above."""
    get_logger().setLevel(v)


def get_verbosity() -> int:
    return get_logger().getEffectiveLevel()


def log(level: int, msg: Any, *args: Any, **kwargs: Any) -> None:
    get_logger().log(level, msg, *args, **kwargs)


def debug(msg: Any, *args: Any, **kwargs: Any) -> None:
    get_logger().debug(msg, *args, **kwargs)


def info(msg: Any, *args: Any, **kwargs: Any) -> None:
    get_logger().info(msg, *args, **kwargs)


def warning(msg: Any, *args: Any, **kwargs: Any) -> None:
    get_logger().warning(msg, *args, **kwargs)


warn = warning


def error(msg: Any, *args: Any, **kwargs: Any) -> None:
    get_logger().error(msg, *args, **kwargs)


def fatal(msg: Any, *args: Any, **kwargs: Any) -> None:
    """Log at CRITICAL (TF's FATAL); the program goes on, as with TensorFlow's Python logging."""
    get_logger().critical(msg, *args, **kwargs)


def vlog(level: int, msg: Any, *args: Any, **kwargs: Any) -> None:
    get_logger().log(level, msg, *args, **kwargs)


def log_if(level: int, msg: Any, condition: bool, *args: Any) -> None:
    if condition:
        get_logger().log(level, msg, *args)


def _next_count() -> int:
    """How many times the calling line (the caller of log_every_n / log_first_n) logged before."""
    frame = sys._getframe(2)
    key = (frame.f_code.co_filename, frame.f_lineno)
    with _lock:
        count = _counts[key]
        _counts[key] += 1
    return count


def log_every_n(level: int, msg: Any, n: int, *args: Any) -> None:
    """Log on the 1st, (n+1)th, (2n+1)th... call from the same line."""
    log_if(level, msg, _next_count() % n == 0, *args)


def log_first_n(level: int, msg: Any, n: int, *args: Any) -> None:
    """Log only the first ``n`` calls from the same line."""
    log_if(level, msg, _next_count() < n, *args)


def flush() -> None:
    for handler in get_logger().handlers:
        handler.flush()

# The public API: what `tensorslow.logging` offers (imports used to build it are not part of it).
__all__ = ["DEBUG", "ERROR", "FATAL", "INFO", "WARN", "debug", "error", "fatal", "flush", "get_logger",
           "get_verbosity", "info", "log", "log_every_n", "log_first_n", "log_if", "set_verbosity", "vlog", "warn",
           "warning"]
