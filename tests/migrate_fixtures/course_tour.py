"""The README's tour in the course's style: untyped placeholders, softmax loss, gradient descent.

A migration fixture: `tensorslow-parity migrate` translates it to tf1 and tf2,
and the tests check that all three print the same numbers.
"""
import numpy as np
import tensorslow as ts

np.random.seed(0)  # the same initial weights in every framework

ts.Graph().as_default()
X = ts.placeholder()
c = ts.placeholder()
W = ts.Variable(np.random.randn(2, 2))          # usable at once, no initializer needed
b = ts.Variable(np.random.randn(2))
p = ts.softmax(ts.add(ts.matmul(X, W), b))
# The course's loss: summed cross-entropy, written with its own ops.
J = ts.negative(ts.reduce_sum(ts.reduce_sum(ts.multiply(c, ts.log(p)), axis=1)))
minimize = ts.train.GradientDescentOptimizer(learning_rate=0.01).minimize(J)

session = ts.Session()
feed = {X: [[-2, -2], [2, 2], [-1.5, -2.5], [1, 3]],   # nested lists are fine
        c: [[1, 0], [0, 1], [1, 0], [0, 1]]}
for step in range(30):
    if step % 5 == 0:
        print("step", step, "loss", session.run(J, feed))
    session.run(minimize, feed)
print("final loss", session.run(J, feed))
print("W", session.run(W))
