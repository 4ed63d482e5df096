"""Static shapes: what graph construction knows about a tensor's shape before it runs.

A :class:`TensorShape` is a tuple of ints where ``None`` marks an unknown
dimension (the batch size of a placeholder), or no tuple at all when even the
rank is unknown. :func:`broadcast_static` is the shape broadcasting gives.
(Summing a gradient back over broadcast axes, at run time, is in ``broadcasting.py``.)
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeAlias

import numpy as np


def _as_dims(dims: Any) -> tuple[int | None, ...]:
    """A shape argument as a tuple of ints and None (-1 also means unknown). A bare int is a 1-D shape,
    as in TF (``placeholder(shape=batch_size)``); anything else that is not a dimension is refused
    with an error naming it, where ``int()`` would convert it silently (3.5, "3", True)."""
    if hasattr(dims, "__index__") and not isinstance(dims, bool):
        dims = (dims,)
    elif isinstance(dims, (str, bytes)) or not hasattr(dims, "__iter__"):
        raise TypeError(f"Error converting shape to a TensorShape: {dims!r} is neither a dimension (an int "
                        f"or None) nor a list of them, e.g. 10 or [None, 10]")
    out: list[int | None] = []
    for d in dims:
        if d is None or d == -1:
            out.append(None)
        elif isinstance(d, bool) or not hasattr(d, "__index__"):
            raise TypeError(f"Error converting shape {list(dims)!r} to a TensorShape: dimension {d!r} must be "
                            f"an int or None")
        elif d < 0:
            raise ValueError(f"Error converting shape {list(dims)!r} to a TensorShape: dimension {d} must be "
                             f">= 0 (or None, or -1, for an unknown dimension)")
        else:
            out.append(int(d))
    return tuple(out)


class TensorShape:
    """Static shape of a tensor: ``dims`` is a tuple of int/None, or None if the rank is unknown."""

    __slots__ = ("dims",)
    dims: Any  # a tuple of int/None, or None

    def __init__(self, dims: Any) -> None:
        if isinstance(dims, TensorShape):
            dims = dims.dims
        elif dims is not None:
            dims = _as_dims(dims)
        self.dims = dims

    @property
    def ndims(self) -> int | None:
        return None if self.dims is None else len(self.dims)

    rank = ndims

    def as_list(self) -> list[int | None]:
        if self.dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self.dims)

    def is_fully_defined(self) -> bool:
        return self.dims is not None and None not in self.dims

    def is_compatible_with(self, shape: ShapeLike) -> bool:
        """True if a value of ``shape`` (a tuple of ints or TensorShape) fits this static shape."""
        other = TensorShape(shape).dims
        if self.dims is None or other is None:
            return True
        return len(self.dims) == len(other) and all(
            a is None or b is None or a == b for a, b in zip(self.dims, other))

    def num_elements(self) -> int | None:
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self.dims:
            n *= d
        return n

    def __len__(self) -> int:
        if self.dims is None:
            raise ValueError("Cannot take the length of a shape with unknown rank.")
        return len(self.dims)

    def __iter__(self) -> Iterator[int | None]:
        if self.dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self.dims)

    def __getitem__(self, key):
        if self.dims is None:
            return None if isinstance(key, int) else TensorShape(None)
        if isinstance(key, slice):
            return TensorShape(self.dims[key])
        return self.dims[key]

    def __eq__(self, other: object) -> bool:
        try:
            return self.dims == TensorShape(other).dims
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.dims)

    def __repr__(self):
        return "TensorShape(None)" if self.dims is None else f"TensorShape({list(self.dims)})"

    def __str__(self):
        if self.dims is None:
            return "<unknown>"
        inner = ", ".join("?" if d is None else str(d) for d in self.dims)
        return f"({inner},)" if len(self.dims) == 1 else f"({inner})"


# What a shape argument accepts: a TensorShape, a sequence of dims (None: unknown), or None (unknown rank).
ShapeLike: TypeAlias = "TensorShape | Sequence[int | None] | None"


def unknown_shape() -> TensorShape:
    return TensorShape(None)


def broadcast_static(a: TensorShape, b: TensorShape) -> TensorShape | None:
    """Static shape of broadcasting shapes ``a`` and ``b`` (TensorShape); None if they cannot broadcast."""
    if a.dims is None or b.dims is None:
        return TensorShape(None)
    x, y = a.dims, b.dims
    n = max(len(x), len(y))
    x = (1,) * (n - len(x)) + x
    y = (1,) * (n - len(y)) + y
    out: list[int | None] = []
    for p, q in zip(x, y):
        if p == 1:
            out.append(q)
        elif q == 1 or q == p:
            out.append(p)
        elif p is None or q is None:
            # ?-by-k broadcasts to k (or fails at run time if ? is not 1 or k).
            out.append(p if q is None else q)
        else:
            return None
    return TensorShape(out)


def dims_of(shape: Any, what: str, name: str) -> tuple[int, ...]:
    """A fully known shape argument as a tuple of non-negative ints; TypeError/ValueError naming it."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"{name}: {what} must be a list of ints, got {shape!r}") from None
    for d in dims:
        if isinstance(d, (float, np.floating)) and float(d).is_integer():
            d = int(d)  # as TensorFlow: zeros([2.0]) has shape [2]
        if isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)):
            raise TypeError(f"{name}: {what} must be a list of ints, got {list(dims)!r}")
        if d < 0:
            raise ValueError(f"{name}: {what} {list(dims)} has a negative dimension ({d}); dimensions must be >= 0")
    return tuple(int(d) for d in dims)
