"""RMSProp, as TensorFlow 1's ``RMSPropOptimizer`` (mean-square slot starts at ONE, not zero)."""
from __future__ import annotations

from ..graph import Tensor
from .optimizer import Optimizer, hyper


class RMSPropOptimizer(Optimizer):
    """ms <- ms + (grad^2 - ms) * (1 - decay)
    mom <- momentum * mom + lr * grad / sqrt(ms + epsilon)
    var <- var - mom
    centered=True: mg <- mg + (grad - mg) * (1 - decay), and ms - mg^2 replaces ms.
    """

    def __init__(self, learning_rate: float | Tensor, decay: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-10,
                 use_locking: bool = False, centered: bool = False,
                 name: str = "RMSProp") -> None:
        super().__init__(use_locking, name)
        self._lr, self._decay, self._momentum, self._epsilon = (
            hyper(h, w) for h, w in ((learning_rate, "learning_rate"), (decay, "decay"),
                                     (momentum, "momentum"), (epsilon, "epsilon")))
        self._centered = bool(centered)
        # TF's creation order (rms, then mg if centered, then momentum) names the slots RMSProp, RMSProp_1...
        self._slot_specs = (("rms", 1.0),) + ((("mg", 0.0),) if centered else ()) + (("momentum", 0.0),)

    def _apply(self, value, grad, slots, lr, shared):
        one = value.dtype.type(1)
        rho = one - value.dtype.type(self._decay)
        ms, mom = slots[0], slots[-1]
        ms = ms + (grad * grad - ms) * rho
        if self._centered:
            mg = slots[1] + (grad - slots[1]) * rho
            denom = (ms - mg * mg) + self._epsilon
        else:
            denom = ms + self._epsilon
        mom = mom * self._momentum + (grad * lr) / denom ** 0.5
        new_slots = (ms, mg, mom) if self._centered else (ms, mom)
        return value - mom, new_slots
