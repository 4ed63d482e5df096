"""Adam, as TensorFlow 1's ``AdamOptimizer`` (``ApplyAdam`` kernel).

Epsilon is added to sqrt(v) *after* the bias correction is folded into the
step size (``epsilon-hat`` in the paper); Keras's ``Adam`` adds it to the
bias-corrected sqrt(v-hat), so equal epsilons give slightly different steps.
"""
from __future__ import annotations

import numpy as np

from ..backend import xp
from ..graph import Tensor
from ..variables import Variable
from .optimizer import Optimizer, _frozen_as, hyper


class AdamOptimizer(Optimizer):
    """t <- t + 1;  alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
    m <- m + (grad - m) * (1 - beta1);  v <- v + (grad^2 - v) * (1 - beta2)
    var <- var - alpha * m / (sqrt(v) + epsilon)
    """

    _slot_specs = (("m", 0.0), ("v", 0.0))

    def __init__(self, learning_rate: float | Tensor = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, use_locking: bool = False, name: str = "Adam") -> None:
        super().__init__(use_locking, name)
        self._lr = hyper(learning_rate)
        self._beta1, self._beta2 = hyper(beta1, "beta1"), hyper(beta2, "beta2")
        self._epsilon = hyper(epsilon, "epsilon")
        self._powers = None  # (beta1_power, beta2_power) Variables, as in TensorFlow

    def _create_shared(self, first_var):
        if self._powers is None:
            # float32 whatever the model's dtype, as TF1 creates them from Python floats.
            self._powers = (Variable(np.asarray(self._beta1, np.float32), trainable=False, name="beta1_power"),
                            Variable(np.asarray(self._beta2, np.float32), trainable=False, name="beta2_power"))

    def _shared_variables(self):
        return list(self._powers or ())

    def _read_shared(self, store):
        return store[self._powers[0]], store[self._powers[1]]

    def _apply(self, value, grad, slots, lr, shared):
        m, v = slots
        b1p, b2p = (p.astype(value.dtype) for p in shared)
        one = value.dtype.type(1)
        alpha = lr * xp.sqrt(one - b2p) / (one - b1p)
        m = m + (grad - m) * (one - value.dtype.type(self._beta1))
        v = v + (grad * grad - v) * (one - value.dtype.type(self._beta2))
        return value - (m * alpha) / (xp.sqrt(v) + self._epsilon), (m, v)

    def _after_apply(self, store):
        b1, b2 = self._powers
        return [(b1, _frozen_as(store[b1] * self._beta1, store[b1].dtype)),
                (b2, _frozen_as(store[b2] * self._beta2, store[b2].dtype))]
