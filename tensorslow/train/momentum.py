"""Momentum, as TensorFlow 1's ``ApplyMomentum`` kernel.

Note: Keras's ``SGD(momentum=m)`` keeps ``velocity = m * velocity - lr * grad``
and adds it; with a constant learning rate both give the same trajectory.
"""
from __future__ import annotations

from ..graph import Tensor
from .optimizer import Optimizer, hyper


class MomentumOptimizer(Optimizer):
    """accum <- momentum * accum + grad;
    var <- var - lr * accum                          (classic)
    var <- var - lr * grad - lr * momentum * accum   (use_nesterov=True)
    """

    _slot_specs = (("momentum", 0.0),)

    def __init__(self, learning_rate: float | Tensor, momentum: float, use_locking: bool = False,
                 name: str = "Momentum", use_nesterov: bool = False) -> None:
        super().__init__(use_locking, name)
        self._lr = hyper(learning_rate)
        self._momentum = hyper(momentum, "momentum")
        self._nesterov = bool(use_nesterov)

    def _apply(self, value, grad, slots, lr, shared):
        (accum,) = slots
        accum = accum * self._momentum + grad
        if self._nesterov:
            return value - (grad * lr + accum * self._momentum * lr), (accum,)
        return value - accum * lr, (accum,)
