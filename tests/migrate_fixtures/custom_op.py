"""The course's custom-op pattern: an Operation subclass with compute() and a registered gradient.

A migration fixture that TensorSlow runs but TensorFlow cannot: the translator
must refuse it, naming the class and the RegisterGradient call.
"""
import numpy as np

import tensorslow as ts


class logistic(ts.Operation):
    """The logistic function of a, element-wise, computed in Python by this op's own kernel."""

    def __init__(self, a):
        super().__init__([a])

    def compute(self, a_value):
        return 1 / (1 + np.exp(-a_value))


@ts.RegisterGradient("logistic")
def _logistic_gradient(op, grad):
    """The derivative of the logistic function is its value times one minus its value."""
    value = op.output
    return grad * value * (1 - value)


w = ts.Variable(np.array([0.5, -1.0]))
loss = ts.reduce_sum(ts.square(logistic(w)))
step = ts.train.GradientDescentOptimizer(learning_rate=0.1).minimize(loss)
session = ts.Session()
for _ in range(3):
    session.run(step)
print(session.run(w))
