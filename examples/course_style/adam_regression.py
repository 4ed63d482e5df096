"""Linear regression trained with Adam, in the course's style (float64, untyped placeholders).

Prints the loss with twelve digits: TF1's AdamOptimizer and Keras's Adam take
steps that differ by a few parts in a million (Keras computes beta1^t and
beta2^t as powers, TF1 multiplies them into single-precision variables), a documented
difference that `migrate --check` names:

    python examples/course_style/adam_regression.py [--steps N]
"""
import sys

import numpy as np

import tensorslow as ts


def build():
    x = ts.placeholder()
    y = ts.placeholder()
    w = ts.Variable(np.zeros((3, 1)))
    prediction = ts.matmul(x, w)
    loss = ts.reduce_mean(ts.square(prediction - y))
    step = ts.train.AdamOptimizer(learning_rate=0.1).minimize(loss)
    return x, y, w, prediction, loss, step


steps = int(sys.argv[sys.argv.index("--steps") + 1]) if "--steps" in sys.argv else 20
np.random.seed(0)
inputs = np.random.randn(50, 3)
targets = inputs @ np.array([[1.0], [-2.0], [0.5]]) + 0.1 * np.random.randn(50, 1)
x, y, w, prediction, loss, step = build()
session = ts.Session()
for i in range(steps):
    current, _ = session.run([loss, step], {x: inputs, y: targets})
    if i % 5 == 0:
        print(f"step {i:3d}  loss {current:.12f}")
print("weights:", np.round(session.run(w).ravel(), 12))
print("first predictions:", np.round(session.run(prediction, {x: inputs[:2]}).ravel(), 12))
