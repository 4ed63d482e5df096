"""A multi-layer perceptron on XOR-like red and blue points, as in "Deep Learning From Scratch".

No single line separates these classes, so a perceptron fails; one hidden
layer of two sigmoid units is enough. Runs headless and writes a CSV of the
data plus two PNG plots:

    python examples/multi_layer_perceptron.py [--out DIR] [--steps N] [--seed S]
"""
import matplotlib

matplotlib.use("Agg")  # render to files only, so the script runs without a display (CI, SSH)
import numpy as np  # noqa: E402

import tensorslow as ts  # noqa: E402

from course_helpers import parse_args, plot, save_csv, train  # noqa: E402  (this folder's shared helpers)


def make_data(n=25, spread=0.5):
    """Four clusters in an XOR pattern: red on one diagonal, blue on the other.

    A spread (standard deviation) of 0.5 keeps each cluster well inside its
    quadrant; with 1.0 some points would land among the other colour.
    """
    def cluster(center):
        return spread * np.random.randn(n, 2) + np.array(center)

    red_points = np.concatenate((cluster([-2, -2]), cluster([2, 2])))
    blue_points = np.concatenate((cluster([-2, 2]), cluster([2, -2])))
    return red_points, blue_points


def accuracy(probabilities, c):
    """Fraction of points whose most probable class is their true class (c is one-hot)."""
    return np.mean(np.argmax(probabilities, axis=1) == np.argmax(c, axis=1))


def build_network():
    """A 2-2-2 network: sigmoid hidden layer, softmax output, summed cross-entropy loss J."""
    ts.Graph().as_default()
    X = ts.placeholder()
    c = ts.placeholder()  # one-hot true classes: [1, 0] for blue, [0, 1] for red
    # Hidden layer: two sigmoid units, each free to learn its own line through the plane.
    W_hidden = ts.Variable(np.random.randn(2, 2))
    b_hidden = ts.Variable(np.random.randn(2))
    p_hidden = ts.sigmoid(ts.add(ts.matmul(X, W_hidden), b_hidden))
    # Output layer: combines the two hidden units into class probabilities.
    W_output = ts.Variable(np.random.randn(2, 2))
    b_output = ts.Variable(np.random.randn(2))
    p_output = ts.softmax(ts.add(ts.matmul(p_hidden, W_output), b_output))
    J = ts.negative(ts.reduce_sum(ts.reduce_sum(ts.multiply(c, ts.log(p_output)), axis=1)))
    # Plain gradient descent from random weights can stall in a local minimum (about 70% accuracy);
    # the default seed does not, but e.g. --seed 2 shows it.
    minimization_op = ts.train.GradientDescentOptimizer(learning_rate=0.03).minimize(J)
    return X, c, p_output, J, minimization_op


def main():
    args = parse_args(__doc__, default_steps=1000)
    args.out.mkdir(parents=True, exist_ok=True)
    np.random.seed(args.seed)  # same data and initial weights on every run
    red_points, blue_points = make_data()
    points = np.concatenate((blue_points, red_points))
    classes = [[1, 0]] * len(blue_points) + [[0, 1]] * len(red_points)  # a plain list, as in the course

    X, c, p_output, J, minimization_op = build_network()
    feed_dict = {X: points, c: classes}
    session = ts.Session()
    train(session, J, minimization_op, feed_dict, args.steps)
    final_accuracy = accuracy(session.run(p_output, feed_dict), classes)
    print(f"Final accuracy: {final_accuracy:.1%}")

    files = [args.out / "mlp_data.csv", args.out / "mlp_data.png", args.out / "mlp_decision_boundary.png"]
    save_csv(files[0], red_points, blue_points)
    plot(files[1], "Multi-layer perceptron data: XOR-like clusters", red_points, blue_points)
    # The decision boundary comes from running the trained graph on every point of a grid.
    plot(files[2], f"Trained 2-2-2 network ({args.steps} steps, accuracy {final_accuracy:.0%})",
         red_points, blue_points, predict_blue=lambda grid: session.run(p_output, {X: grid})[:, 0])
    for path in files:
        print(f"Wrote {path}")


if __name__ == "__main__":
    main()
