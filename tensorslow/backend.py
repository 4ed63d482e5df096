"""The array-module seam: where TensorSlow's values live and which library computes them.

Every kernel calls array functions through ``xp`` rather than through NumPy, so that
an array module with NumPy's interface that keeps its arrays on a GPU (CuPy) runs
the same graphs without touching any op's math. The module is chosen once, when
TensorSlow is imported, by the environment variable ``TENSORSLOW_ARRAY_MODULE``:

- ``numpy`` (the default): arrays in host memory; ``to_device`` and ``to_host`` do nothing;
- ``cupy``: arrays in GPU memory. Fed values are copied to the device when a run starts
  (``to_device``) and fetched values are copied back as NumPy arrays (``to_host``), so a
  program sees NumPy on both sides of ``Session.run``, whatever computes in between.

NumPy stays the library of what is not a run-time value: dtype objects, the constants'
values kept as graph metadata (static shapes, ``tensor_util``), feeds before they are
converted, fetched results, and host-side work such as writing summaries or checkpoints.

Example::

    TENSORSLOW_ARRAY_MODULE=cupy python train.py      # the same program, on the GPU
    >>> tensorslow.backend.array_module_name()
    'cupy'
"""
from __future__ import annotations

import contextlib
import importlib
import os
from typing import Any

import numpy

ENVIRONMENT_VARIABLE = "TENSORSLOW_ARRAY_MODULE"
ARRAY_MODULES = ("numpy", "cupy")
PIP_EXTRA = "gpu"


def load_array_module(name: str) -> Any:
    """The array module called ``name`` (one of :data:`ARRAY_MODULES`), imported.

    Raises ValueError for a name TensorSlow does not know, and ImportError naming the
    package and the pip extra when the module is not installed.
    """
    if name not in ARRAY_MODULES:
        raise ValueError(f"{ENVIRONMENT_VARIABLE}={name!r} is not an array module TensorSlow can run on; "
                         f"choose one of: {', '.join(ARRAY_MODULES)}")
    if name == "numpy":
        return numpy
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise ImportError(f"{ENVIRONMENT_VARIABLE}={name} needs the package {name!r}, which is not installed: "
                          f"pip install 'tensorslow-parity[{PIP_EXTRA}]' (CuPy for CUDA 12) or the "
                          f"cupy wheel matching your CUDA ({error})") from error


_NAME = os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower() or "numpy"
xp: Any = load_array_module(_NAME)

# True when the run-time arrays are NumPy's own: feeds and fetches then need no copy, and the
# hot paths of Session.run skip the conversions entirely.
ON_HOST: bool = xp is numpy


def array_module_name() -> str:
    """The name of the array module computing every run's values: ``"numpy"`` or ``"cupy"``."""
    return _NAME


def to_device(value: Any, dtype: Any = None) -> Any:
    """``value`` (an array, a number, nested lists) as an array of the array module (``dtype`` if given).

    With NumPy this is ``numpy.asarray``: no copy when ``value`` already is an array of that dtype.
    """
    return xp.asarray(value, dtype=dtype)


def to_host(value: Any) -> Any:
    """``value`` as a NumPy array: device arrays are copied to host memory, others pass ``numpy.asarray``."""
    if not ON_HOST and isinstance(value, xp.ndarray):
        return xp.asnumpy(value)
    return numpy.asarray(value)


def is_device_array(value: Any) -> bool:
    """Whether ``value`` is an array of the array module (for NumPy: a ``numpy.ndarray``)."""
    return isinstance(value, xp.ndarray)


def freeze(array: Any) -> Any:
    """Mark ``array`` read-only where the array module can (NumPy; CuPy has no such flag); return it.

    Constants and variable values are shared by every run and may be fetched; kernels make new
    arrays rather than write into them, and the flag makes a mistake fail loudly on the CPU.
    """
    if isinstance(array, numpy.ndarray):
        array.setflags(write=False)  # 140 ns; assigning flags.writeable builds a flags object: 300 ns
    return array


def strided_view(array: Any, shape: tuple[int, ...], strides: tuple[int, ...]) -> Any:
    """A view of ``array`` with ``shape`` and ``strides`` (in bytes), sharing its memory: read-only where
    the array module can say so (NumPy; CuPy's ``as_strided`` has no such flag)."""
    if ON_HOST:
        return numpy.lib.stride_tricks.as_strided(array, shape, strides, writeable=False)
    return xp.lib.stride_tricks.as_strided(array, shape, strides)


def errstate(**kwargs: Any) -> Any:
    """``numpy.errstate(**kwargs)`` for the array module: a context manager and a decorator.

    GPU array modules raise no floating-point warnings (inf and nan just propagate), so for
    them this is a do-nothing context.
    """
    state = getattr(xp, "errstate", None)
    return state(**kwargs) if state is not None else _Quiet()


class _Quiet(contextlib.ContextDecorator):
    """A context (and decorator) that changes nothing."""

    def __enter__(self) -> _Quiet:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None
