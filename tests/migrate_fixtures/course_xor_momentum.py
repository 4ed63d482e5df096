"""The course's multi-layer perceptron on XOR-like points, trained with momentum.

A migration fixture: a `with ts.Session() as session:` block, sigmoid hidden
units, MomentumOptimizer and a mean loss; translated to tf1 and tf2 by the
tests, which compare the printed numbers with this TensorSlow run.
"""
import numpy as np

import tensorslow as ts

rng = np.random.RandomState(3)
points = np.concatenate([0.5 * rng.randn(10, 2) + center for center in ([-2, -2], [2, 2], [-2, 2], [2, -2])])
classes = [[0, 1]] * 20 + [[1, 0]] * 20  # red on one diagonal, blue on the other

X = ts.placeholder()
c = ts.placeholder()
W_hidden = ts.Variable(rng.randn(2, 3))
b_hidden = ts.Variable(rng.randn(3))
hidden = ts.sigmoid(ts.add(ts.matmul(X, W_hidden), b_hidden))
W_output = ts.Variable(rng.randn(3, 2))
b_output = ts.Variable(np.zeros(2))
p = ts.softmax(ts.add(ts.matmul(hidden, W_output), b_output))
J = ts.reduce_mean(ts.negative(ts.reduce_sum(ts.multiply(c, ts.log(p)), axis=1)))
train_step = ts.train.MomentumOptimizer(learning_rate=0.5, momentum=0.9).minimize(J)

with ts.Session() as session:
    for step in range(40):
        session.run(train_step, {X: points, c: classes})
        if step % 8 == 7:
            print(f"step {step + 1}: loss {session.run(J, {X: points, c: classes}):.12f}")
    print("output weights:", session.run(W_output).round(6).tolist())
