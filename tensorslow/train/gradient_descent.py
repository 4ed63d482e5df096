"""Plain gradient descent."""
from .optimizer import Optimizer, hyper


class GradientDescentOptimizer(Optimizer):
    """var <- var - lr * grad"""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._lr = hyper(learning_rate)

    def _apply(self, value, grad, slots, lr, shared):
        return value - lr * grad, ()
