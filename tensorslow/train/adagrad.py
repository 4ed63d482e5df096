"""Adagrad, as TensorFlow 1's ``AdagradOptimizer`` (accumulator starts at 0.1; no epsilon)."""
from __future__ import annotations

from ..graph import Tensor
from .optimizer import Optimizer, hyper


class AdagradOptimizer(Optimizer):
    """accum <- accum + grad^2;  var <- var - lr * grad / sqrt(accum)"""

    def __init__(self, learning_rate: float | Tensor, initial_accumulator_value: float = 0.1, use_locking: bool = False,
                 name: str = "Adagrad") -> None:
        if initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: {initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._lr = hyper(learning_rate)
        self._slot_specs = (("accumulator", float(initial_accumulator_value)),)

    def _apply(self, value, grad, slots, lr, shared):
        (accum,) = slots
        accum = accum + grad * grad
        return value - grad * lr / accum ** 0.5, (accum,)
