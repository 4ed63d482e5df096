"""The one broadcast-reduction helper: a gradient summed back to the shape of a broadcast input.

Every gradient function returns gradients at the shape of the op's output;
the executors call :func:`reduce_to_shape` for an input that was broadcast,
so no gradient function ever does it itself.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .fast_kernels import sum_along


def reduce_to_shape(grad: np.ndarray, shape: Sequence[int]) -> np.ndarray | None:
    """Sum ``grad`` over the axes along which an input of ``shape`` was broadcast.

    If ``x`` of shape ``shape`` was broadcast to ``grad.shape`` in the forward
    pass, then dL/dx is the sum of dL/dy over every copy of ``x``: over the
    leading axes that broadcasting added, and over each axis where ``x`` had
    size 1. Returns None if ``grad`` cannot have come from broadcasting ``shape``.
    """
    gshape = grad.shape
    if gshape == shape:
        return grad
    extra = len(gshape) - len(shape)
    if extra < 0:
        return None
    if gshape[extra:] == tuple(shape):  # common case (a bias): only leading axes were added
        return sum_along(grad, 0 if extra == 1 else tuple(range(extra)))
    axes = tuple(range(extra)) + tuple(
        extra + i for i, d in enumerate(shape) if d == 1 and gshape[extra + i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
        if extra:
            grad = grad.reshape(grad.shape[extra:])
    return grad if grad.shape == tuple(shape) else None
