"""The course benchmark's recurrent case: one SGD step of an LSTM classifier, in TensorSlow and in tf1.

The network: inputs ``[batch, 20, 28]`` (an MNIST image read row by row), ``tf.nn.dynamic_rnn`` over a
``BasicLSTMCell(64)``, a dense layer from the last output to 10 logits, mean softmax cross-entropy from
logits, plain gradient descent. :func:`build_lstm` builds it with either ``tensorslow`` or
``tensorflow.compat.v1`` (the same code; tf1's cell is TF1's own, from ``tf_keras``'s legacy cells, which
``tf.compat.v1.nn.rnn_cell`` only routes to when ``TF_USE_LEGACY_KERAS=1`` is set before TensorFlow is
imported). Both run the loop as TF1's ``tf.while_loop`` over the 20 steps (TensorSlow's:
``tensorslow/rnn/dynamic_loop.py``). Only those two engines implement it: the others are skipped.

The weights (Glorot-uniform kernels, zero biases), a batch of standard normal inputs and one-hot labels
are drawn once with NumPy (:meth:`LSTMPoint.problem`) and loaded into both engines; tf1's first-step loss
is the reference that TensorSlow's must equal.
"""
import importlib
from dataclasses import dataclass

import numpy as np

#: plain gradient descent with a small rate: thousands of timed steps on one batch stay far from overflow
LEARNING_RATE = 1e-3

#: the engines that implement the LSTM step
LSTM_ENGINES = ("tensorslow", "tf1")


@dataclass(frozen=True)
class LSTMPoint:
    """The LSTM step at ``batch_size``: ``steps`` time steps of ``depth`` inputs, ``units`` LSTM units,
    ``classes`` classes (read by the course benchmark as :class:`~tensorslow_parity.bench.lenet.LeNetPoint`)."""

    batch_size: int = 32
    steps: int = 20
    depth: int = 28
    units: int = 64
    classes: int = 10
    kind: str = "lstm"

    shape = "LSTM"
    activation = "dynamic_rnn"
    engines = LSTM_ENGINES
    reference = "tf1"

    def describe(self):
        return f"LSTM {self.units} units, {self.steps} steps of {self.depth}, batch {self.batch_size}"

    def weight_shapes(self):
        """The LSTM's kernel [depth + units, 4 units] (gates i, j, f, o) and bias, the dense kernel and bias."""
        return [(self.depth + self.units, 4 * self.units), (4 * self.units,), (self.units, self.classes),
                (self.classes,)]

    def problem(self, seed=0, epoch_batches=0):
        """(weights, x, y, x_epoch, y_epoch) in float64, as :meth:`Point.problem` gives them (no epoch here)."""
        rng = np.random.default_rng(seed)
        weights = []
        for shape in self.weight_shapes():
            if len(shape) == 1:
                weights.append(np.zeros(shape))
            else:
                limit = np.sqrt(6.0 / sum(shape))
                weights.append(rng.uniform(-limit, limit, shape))
        x = rng.standard_normal((self.batch_size, self.steps, self.depth))
        y = np.eye(self.classes)[rng.integers(0, self.classes, self.batch_size)]
        return weights, x, y, x[:0], y[:0]


def build_lstm(tf, cell, dtype, steps, depth, classes, learning_rate=LEARNING_RATE):
    """The LSTM graph in the default graph of ``tf`` with ``cell``: (x, y, loss, train_op); the variables in
    ``tf.trainable_variables()`` order are the LSTM's kernel and bias, then the dense kernel and bias."""
    dt = tf.as_dtype(np.dtype(dtype).name)
    x = tf.placeholder(dt, [None, steps, depth], name="x")
    y = tf.placeholder(dt, [None, classes], name="y")
    outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=dt)
    w = tf.get_variable("dense/kernel", [cell.output_size, classes], dtype=dt)
    b = tf.get_variable("dense/bias", [classes], dtype=dt, initializer=tf.zeros_initializer())
    logits = tf.matmul(outputs[:, -1], w) + b
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss)
    return x, y, loss, train_op


def _engine(engine):
    """(tf, the BasicLSTMCell class) of ``engine``."""
    if engine == "tensorslow":
        ts = importlib.import_module("tensorslow")
        return ts, ts.nn.rnn_cell.BasicLSTMCell
    tf = importlib.import_module("tensorflow").compat.v1
    legacy = importlib.import_module("tf_keras.src.layers.rnn.legacy_cells")
    return tf, legacy.BasicLSTMCell


class LSTMModel:
    """One engine's LSTM: ``train_step(x, y)`` runs ``[train_op, loss]`` and returns the loss before the update."""

    def __init__(self, engine, point, weights, dtype):
        if engine not in LSTM_ENGINES:
            raise ValueError(f"no LSTM model in engine {engine!r} (only {', '.join(LSTM_ENGINES)})")
        tf, cell_class = _engine(engine)
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.x, self.y, self.loss, self.train_op = build_lstm(
                tf, cell_class(point.units), dtype, point.steps, point.depth, point.classes)
            variables = tf.trainable_variables()
            values = [tf.placeholder(v.dtype.base_dtype, w.shape) for v, w in zip(variables, weights)]
            load = [tf.assign(v, p) for v, p in zip(variables, values)]
            self.session = tf.Session(graph=self.graph)
            self.session.run(tf.global_variables_initializer())
            self.session.run(load, {p: w.astype(dtype) for p, w in zip(values, weights)})

    def train_step(self, x, y):
        _, loss = self.session.run([self.train_op, self.loss], {self.x: x, self.y: y})
        return loss

    def close(self):
        self.session.close()
