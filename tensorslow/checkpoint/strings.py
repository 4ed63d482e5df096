"""String values of the checkpoint ops (prefixes, tensor names), which always live on the host.

TF's strings are bytes: a string scalar is a ``bytes`` value (or a 0-d object array holding one,
as a fed value is), a string vector an object array of ``bytes``. Paths are encoded and decoded as
the file system does (``os.fsencode``), so any path a program can open round-trips.
"""
from __future__ import annotations

import os
from typing import Any

import numpy as np


def text_of(value: Any) -> str:
    """A scalar string value (``bytes``, ``str`` or a 0-d array holding one) as ``str``."""
    if isinstance(value, np.ndarray):
        value = value[()] if value.ndim == 0 else value
    if isinstance(value, bytes):
        return os.fsdecode(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"expected a scalar string, got {value!r}")


def texts_of(values: Any) -> list[str]:
    """A vector (or scalar) of string values as a list of ``str``."""
    return [text_of(v) for v in np.asarray(values, dtype=object).reshape(-1)]


def string_scalar(text: str) -> np.ndarray:
    """``text`` as the value a string scalar is fed: a 0-d object array holding its bytes."""
    return np.array(os.fsencode(text), dtype=object)
