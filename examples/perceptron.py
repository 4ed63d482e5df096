"""The perceptron on red and blue points, as in "Deep Learning From Scratch" (deepideas.net).

Part 1 evaluates the course's hand-set perceptron; part 2 learns the weights
by gradient descent on the cross-entropy loss. Runs headless and writes a CSV
of the data plus two PNG plots:

    python examples/perceptron.py [--out DIR] [--steps N] [--seed S]
"""
import matplotlib

matplotlib.use("Agg")  # render to files only, so the script runs without a display (CI, SSH)
import numpy as np  # noqa: E402

import tensorslow as ts  # noqa: E402

from course_helpers import parse_args, plot, save_csv, train  # noqa: E402  (this folder's shared helpers)


def make_data(n=50):
    """Two Gaussian blobs, exactly as in the course: red around (-2, -2), blue around (2, 2)."""
    red_points = np.random.randn(n, 2) - 2 * np.ones((n, 2))
    blue_points = np.random.randn(n, 2) + 2 * np.ones((n, 2))
    return red_points, blue_points


def accuracy(probabilities, c):
    """Fraction of points whose most probable class is their true class (c is one-hot)."""
    return np.mean(np.argmax(probabilities, axis=1) == np.argmax(c, axis=1))


def hand_set_perceptron(points, c):
    """Part 1: the course's perceptron with weights chosen by hand, no training."""
    ts.Graph().as_default()
    X = ts.placeholder()
    # Column 0 scores x1 + x2 (large for blue), column 1 scores -(x1 + x2) (large for red).
    W = ts.Variable([[1, -1], [1, -1]])
    b = ts.Variable([0, 0])
    p = ts.softmax(ts.add(ts.matmul(X, W), b))
    probabilities = ts.Session().run(p, {X: points})
    print("Hand-set perceptron, [P(blue), P(red)] of the first blue and the first red point:")
    print(np.round(probabilities[[0, -1]], 4))
    print(f"Hand-set perceptron accuracy: {accuracy(probabilities, c):.1%}\n")


def build_trainable_perceptron():
    """Part 2: random initial weights, summed cross-entropy loss J, and a gradient descent step."""
    ts.Graph().as_default()
    X = ts.placeholder()
    c = ts.placeholder()  # one-hot true classes: [1, 0] for blue, [0, 1] for red
    W = ts.Variable(np.random.randn(2, 2))
    b = ts.Variable(np.random.randn(2))
    p = ts.softmax(ts.add(ts.matmul(X, W), b))
    J = ts.negative(ts.reduce_sum(ts.reduce_sum(ts.multiply(c, ts.log(p)), axis=1)))
    minimization_op = ts.train.GradientDescentOptimizer(learning_rate=0.01).minimize(J)
    return X, c, W, b, p, J, minimization_op


def main():
    args = parse_args(__doc__, default_steps=100)
    args.out.mkdir(parents=True, exist_ok=True)
    np.random.seed(args.seed)  # same data and initial weights on every run
    red_points, blue_points = make_data()
    points = np.concatenate((blue_points, red_points))
    classes = [[1, 0]] * len(blue_points) + [[0, 1]] * len(red_points)  # a plain list, as in the course

    hand_set_perceptron(points, classes)

    X, c, W, b, p, J, minimization_op = build_trainable_perceptron()
    feed_dict = {X: points, c: classes}
    session = ts.Session()
    train(session, J, minimization_op, feed_dict, args.steps)
    print("Weight matrix:\n", session.run(W))
    print("Bias:\n", session.run(b))
    final_accuracy = accuracy(session.run(p, feed_dict), classes)
    print(f"Final accuracy: {final_accuracy:.1%}")

    files = [args.out / "perceptron_data.csv", args.out / "perceptron_data.png",
             args.out / "perceptron_decision_boundary.png"]
    save_csv(files[0], red_points, blue_points)
    plot(files[1], "Perceptron data: two Gaussian blobs", red_points, blue_points)
    # The decision boundary comes from running the trained graph on every point of a grid.
    plot(files[2], f"Trained perceptron ({args.steps} steps, accuracy {final_accuracy:.0%})",
         red_points, blue_points, predict_blue=lambda grid: session.run(p, {X: grid})[:, 0])
    for path in files:
        print(f"Wrote {path}")


if __name__ == "__main__":
    main()
