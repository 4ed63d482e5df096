"""Plain gradient descent."""
from __future__ import annotations

from ..graph import Tensor
from .optimizer import Optimizer, hyper


class GradientDescentOptimizer(Optimizer):
    """var <- var - lr * grad"""

    def __init__(self, learning_rate: float | Tensor, use_locking: bool = False, name: str = "GradientDescent") -> None:
        super().__init__(use_locking, name)
        self._lr = hyper(learning_rate)
        if not isinstance(self._lr, Tensor):
            # The same value as a Python float: `value - lr * grad` then computes in the variable's
            # dtype (as TF1 casts lr to it) and NumPy skips the scalar-type promotion.
            self._lr = float(self._lr)

    def _apply(self, value, grad, slots, lr, shared):
        return value - lr * grad, ()
