"""The course benchmark's convolutional case: one SGD step of a LeNet-style CNN, in TensorSlow and in tf1.

The network (the deep-MNIST tutorial's, written with ``tf.nn`` ops and
``tf.Variable``): a 28x28x1 input, conv 5x5x32 SAME + bias + ReLU, max pool
2x2, conv 5x5x64 SAME + bias + ReLU, max pool 2x2, dense 7*7*64 -> 1024 ReLU,
dense 1024 -> 10, mean softmax cross-entropy from logits, plain gradient
descent. :func:`build_lenet` builds it with either ``tensorslow`` or
``tensorflow.compat.v1`` (the same code: TensorSlow mirrors TF1's API);
:class:`LeNetModel` is the benchmark model of either engine. Only those two
engines implement it: the others are skipped at this case.

The weights (Glorot-uniform kernels, zero biases), a batch of standard normal
images and one-hot labels are drawn once with NumPy (:meth:`LeNetPoint.problem`)
and handed to both engines; tf1's first-step loss is the reference that
TensorSlow's must equal.
"""
import importlib
from dataclasses import dataclass

import numpy as np

#: plain gradient descent with a small rate: thousands of timed steps on one batch stay far from overflow
LEARNING_RATE = 1e-3

#: the engines that implement the LeNet step
LENET_ENGINES = ("tensorslow", "tf1")


@dataclass(frozen=True)
class LeNetPoint:
    """The LeNet step at ``batch_size``, on ``size`` x ``size`` x 1 images (28: MNIST), ``classes`` classes.

    Read by the course benchmark as it reads an MLP :class:`~tensorslow_parity.bench.points.Point`:
    ``shape``, ``activation``, ``batch_size`` and ``problem``; ``engines`` says who implements it and
    ``reference`` whose first-step loss the others must give."""

    batch_size: int = 64
    size: int = 28
    classes: int = 10
    filters: tuple = (32, 64)
    hidden: int = 1024
    kind: str = "lenet"

    shape = "LeNet"
    activation = "ReLU CNN"
    engines = LENET_ENGINES
    reference = "tf1"

    def describe(self):
        return f"LeNet {self.size}x{self.size}x1, batch {self.batch_size}"

    def weight_shapes(self):
        """Kernels and biases: conv 5x5x1xF1, conv 5x5xF1xF2, dense (size/4)^2 F2 x hidden, dense hidden x classes."""
        f1, f2 = self.filters
        flat = (-(-self.size // 4)) ** 2 * f2
        return [(5, 5, 1, f1), (f1,), (5, 5, f1, f2), (f2,), (flat, self.hidden), (self.hidden,),
                (self.hidden, self.classes), (self.classes,)]

    def problem(self, seed=0, epoch_batches=0):
        """(weights, x, y, x_epoch, y_epoch) in float64, as :meth:`Point.problem` gives them (no epoch here)."""
        rng = np.random.default_rng(seed)
        weights = []
        for shape in self.weight_shapes():
            if len(shape) == 1:
                weights.append(np.zeros(shape))
            else:
                fan_in, fan_out = int(np.prod(shape[:-1])), shape[-1]
                if len(shape) == 4:
                    fan_out *= shape[0] * shape[1]
                limit = np.sqrt(6.0 / (fan_in + fan_out))
                weights.append(rng.uniform(-limit, limit, shape))
        x = rng.standard_normal((self.batch_size, self.size, self.size, 1))
        y = np.eye(self.classes)[rng.integers(0, self.classes, self.batch_size)]
        return weights, x, y, x[:0], y[:0]


def build_lenet(tf, weights, dtype, size=28, learning_rate=LEARNING_RATE):
    """The LeNet graph in the default graph of ``tf``: (x, y, loss, train_op), weights loaded as Variables."""
    dt = tf.as_dtype(np.dtype(dtype).name)
    classes = weights[-1].shape[0]
    x = tf.placeholder(dt, [None, size, size, 1], name="x")
    y = tf.placeholder(dt, [None, classes], name="y")
    w1, b1, w2, b2, w3, b3, w4, b4 = (tf.Variable(w.astype(dtype), name=f"v{i}") for i, w in enumerate(weights))
    h = tf.nn.relu(tf.nn.conv2d(x, w1, strides=[1, 1, 1, 1], padding="SAME") + b1)
    h = tf.nn.max_pool(h, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    h = tf.nn.relu(tf.nn.conv2d(h, w2, strides=[1, 1, 1, 1], padding="SAME") + b2)
    h = tf.nn.max_pool(h, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    h = tf.nn.relu(tf.matmul(tf.reshape(h, [-1, weights[4].shape[0]]), w3) + b3)
    logits = tf.matmul(h, w4) + b4
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss)
    return x, y, loss, train_op


class LeNetModel:
    """One engine's LeNet: ``train_step(x, y)`` runs ``[train_op, loss]`` and returns the loss before the update."""

    def __init__(self, engine, point, weights, dtype):
        if engine not in LENET_ENGINES:
            raise ValueError(f"no LeNet model in engine {engine!r} (only {', '.join(LENET_ENGINES)})")
        tf = importlib.import_module("tensorslow") if engine == "tensorslow" else \
            importlib.import_module("tensorflow").compat.v1
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.x, self.y, self.loss, self.train_op = build_lenet(tf, weights, dtype, point.size)
            self.session = tf.Session(graph=self.graph)
            self.session.run(tf.global_variables_initializer())

    def train_step(self, x, y):
        _, loss = self.session.run([self.train_op, self.loss], {self.x: x, self.y: y})
        return loss

    def close(self):
        self.session.close()
