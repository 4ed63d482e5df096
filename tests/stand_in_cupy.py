"""A stand-in for CuPy: NumPy's arithmetic, but "device" arrays of their own type, and a record of every leak.

TensorSlow's array-module seam (``tensorslow/backend.py``) must keep every run-time value an array of
the array module. Without a GPU, this module plays CuPy's part. Put it in ``sys.modules["cupy"]`` and
set ``TENSORSLOW_ARRAY_MODULE=cupy`` before importing TensorSlow, and TensorSlow runs on it exactly as
it would on CuPy, through the same code path:

- its arrays are :class:`ndarray`, a subclass of ``numpy.ndarray`` (so the numbers are NumPy's, bit for
  bit), and every function of the module returns them, reductions included (0-d arrays, as CuPy's);
- like CuPy, it refuses to mix a host ``numpy.ndarray`` into an operation on device arrays (TypeError),
  and it records the leak in :data:`leaks`: a value computed with NumPy instead of ``xp``;
- ``asnumpy`` records a host array handed to it (a fetched value that never lived on the "device");
- like CuPy, it has no object arrays: making one from a host object array (strings) is a TypeError;
- ``random`` and ``errstate`` are missing, as a kernel must not need them (CuPy has no ``errstate``);
- :data:`calls` counts the functions TensorSlow looked up on it, to show the seam is used.

:func:`forbid_numpy_random` makes any use of ``numpy.random`` raise (TensorSlow draws with its own Philox).
"""
from __future__ import annotations

import collections
import contextlib
import functools

import numpy as _np

calls: collections.Counter = collections.Counter()
leaks: list[str] = []
_depth = [0]  # > 0 inside NumPy's own implementation of a function, where it may use host arrays freely

# Functions that make arrays from host data (shapes, lists, NumPy arrays): host input is a transfer here.
_CREATION = {"asarray", "array", "ascontiguousarray", "asfortranarray", "zeros", "ones", "empty", "full", "arange",
             "eye", "identity", "linspace", "logspace", "tri", "frombuffer", "fromiter", "indices",
             "zeros_like", "ones_like", "empty_like", "full_like", "asanyarray", "copy"}
_MISSING = {"random", "errstate", "seterr", "geterr"}


def _is_host_array(x):
    return type(x) is _np.ndarray


def _leak(where, args):
    kinds = ", ".join(type(a).__name__ for a in args)
    message = f"{where}: a host numpy.ndarray among device arrays ({kinds})"
    leaks.append(message)
    raise TypeError(f"Unsupported type <class 'numpy.ndarray'> in {message}")


def _host_view(x):
    return x.view(_np.ndarray) if isinstance(x, ndarray) else x


def _wrap(result):
    """Results as device arrays: NumPy arrays and scalars become :class:`ndarray` (0-d for scalars)."""
    if isinstance(result, _np.ndarray):
        return result if isinstance(result, ndarray) else result.view(ndarray)
    if isinstance(result, _np.generic):
        return _np.asarray(result).view(ndarray)
    if isinstance(result, tuple):
        return tuple(_wrap(r) for r in result)
    if isinstance(result, list):
        return [_wrap(r) for r in result]
    return result


def _flat_args(args, kwargs):
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, (list, tuple)):
            yield from a
        else:
            yield a


class ndarray(_np.ndarray):  # noqa: N801  (CuPy's name)
    """A "device" array: NumPy's memory and arithmetic under a type of its own."""

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        everything = inputs + (out or ())
        if _depth[0] == 0 and any(_is_host_array(x) for x in everything):
            _leak(f"{ufunc.__name__}.{method}" if method != "__call__" else ufunc.__name__, everything)
        args = [_host_view(x) for x in inputs]
        if out is not None:
            kwargs["out"] = tuple(_host_view(o) for o in out)
        result = getattr(ufunc, method)(*args, **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        if _depth[0] == 0 and _np.ndarray in types:
            _leak(func.__name__, list(_flat_args(args, kwargs)))
        _depth[0] += 1
        try:
            return _wrap(super().__array_function__(func, types, args, kwargs))
        finally:
            _depth[0] -= 1

    def get(self):
        """A NumPy copy in host memory (CuPy's ``ndarray.get``)."""
        return _np.array(self.view(_np.ndarray))


def asnumpy(value):
    """``value`` as a NumPy array in host memory; a host array handed in is recorded: it never was a device value."""
    if _is_host_array(value):
        leaks.append(f"asnumpy: fetched a host numpy.ndarray of shape {value.shape}, not a device array")
        return _np.array(value)
    if isinstance(value, ndarray):
        return value.get()
    return _np.asarray(value)


class _Ufunc:
    """A NumPy ufunc whose calls and methods (``reduce``, ``at``, ...) refuse host arrays and return device arrays."""

    def __init__(self, ufunc):
        self._ufunc = ufunc
        self.__name__ = ufunc.__name__

    def __getattr__(self, name):
        attr = getattr(self._ufunc, name)
        return _guarded(attr, f"{self.__name__}.{name}") if callable(attr) else attr

    def __call__(self, *args, **kwargs):
        return _guarded(self._ufunc, self.__name__)(*args, **kwargs)


def _guarded(func, name, creation=False):
    @functools.wraps(func)
    def call(*args, **kwargs):
        if not creation and _depth[0] == 0:
            flat = list(_flat_args(args, kwargs))
            if any(_is_host_array(a) for a in flat):
                _leak(name, flat)
        if creation and args and isinstance(args[0], _np.ndarray) and args[0].dtype == object:
            raise TypeError(f"{name}: Unsupported dtype object")  # CuPy has no object arrays (strings stay on the host)
        if creation and args and _is_host_array(args[0]) and name in ("asarray", "asanyarray", "array"):
            args = (_np.array(args[0]),) + args[1:]  # a transfer is a copy, as CuPy's
        _depth[0] += 1  # what NumPy does inside is its own business: the arguments were checked
        try:
            return _wrap(func(*args, **kwargs))
        finally:
            _depth[0] -= 1
    return call


class _Namespace:
    """``linalg``, ``fft``, ``lib``...: NumPy's submodule, guarded the same way."""

    def __init__(self, module, prefix):
        self._module, self._prefix = module, prefix

    def __getattr__(self, name):
        return _attribute(getattr(self._module, name), f"{self._prefix}.{name}")


def _attribute(attr, name):
    if isinstance(attr, _np.ufunc):
        return _Ufunc(attr)
    if isinstance(attr, type) or not callable(attr):
        if type(attr).__name__ == "module":
            return _Namespace(attr, name)
        return attr
    return _guarded(attr, name, creation=name in _CREATION)


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    calls[name] += 1
    if name in _MISSING:
        raise AttributeError(f"module 'cupy' (stand-in) has no attribute {name!r}")
    return _attribute(getattr(_np, name), name)


@contextlib.contextmanager
def forbid_numpy_random():
    """Within the block, every function of ``numpy.random`` raises (and is recorded in :data:`leaks`)."""
    random = _np.random
    saved = {name: getattr(random, name) for name in dir(random)
             if not name.startswith("_") and callable(getattr(random, name))}

    def refuse(name):
        def call(*args, **kwargs):
            leaks.append(f"numpy.random.{name} called during a run")
            raise RuntimeError(f"numpy.random.{name} called during a run: TensorSlow draws with its own Philox")
        return call
    try:
        for name in saved:
            setattr(random, name, refuse(name))
        yield
    finally:
        for name, value in saved.items():
            setattr(random, name, value)
