"""A learning-rate sweep in the course's style: one graph and one session per learning rate.

The perceptron of the course on two blobs of points, trained with gradient
descent at several learning rates; each run builds its graph inside a
function, trains it with a helper, and evaluates it with prediction fetches
and NumPy post-processing:

    python examples/course_style/learning_rate_sweep.py [--steps N]
"""
import argparse

import numpy as np

import tensorslow as ts


def build(learning_rate):
    """The perceptron's graph: placeholders, weights, probabilities p, loss J and a training step."""
    ts.Graph().as_default()
    X = ts.placeholder()
    c = ts.placeholder()
    W = ts.Variable(np.random.randn(2, 2))
    b = ts.Variable(np.random.randn(2))
    p = ts.softmax(ts.add(ts.matmul(X, W), b))
    J = ts.negative(ts.reduce_sum(ts.reduce_sum(ts.multiply(c, ts.log(p)), axis=1)))
    step = ts.train.GradientDescentOptimizer(learning_rate).minimize(J)
    return X, c, p, J, step


def train(session, step, feed_dict, steps):
    for _ in range(steps):
        session.run(step, feed_dict)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=30)
    steps = parser.parse_args().steps
    np.random.seed(1)
    points = np.concatenate((np.random.randn(20, 2) + 2, np.random.randn(20, 2) - 2))
    classes = np.array([[1, 0]] * 20 + [[0, 1]] * 20)
    for learning_rate in [0.001, 0.01, 0.05]:
        X, c, p, J, step = build(learning_rate)
        feed_dict = {X: points, c: classes}
        with ts.Session() as session:
            before = session.run(J, feed_dict)
            train(session, step, feed_dict, steps)
            after = session.run(J, feed_dict)
            probabilities = session.run(p, {X: points})
        accuracy = np.mean(np.argmax(probabilities, axis=1) == np.argmax(classes, axis=1))
        print(f"learning rate {learning_rate}: loss {before:.6f} -> {after:.6f}, accuracy {accuracy:.1%}")
        print("  P(blue) of the first three points:", np.round(probabilities[:3, 0], 6))


if __name__ == "__main__":
    main()
