"""What the benchmark times: an MLP at one batch size (:class:`Point`), the sweeps of points, the problem data.

Every point is an MLP ``n_in-(width x depth)-n_out`` with softmax
cross-entropy from logits (batch mean) and plain gradient descent at
:data:`LEARNING_RATE`. Its problem (:meth:`Point.problem`) is drawn once with
NumPy from a seed (:func:`tensorslow_parity.initializers.dense_weights`:
Glorot-uniform kernels, small uniform biases), with standard normal inputs and
one-hot uniform labels; every engine gets these same arrays.
"""
from dataclasses import dataclass

import numpy as np

from tensorslow_parity.initializers import dense_weights
from tensorslow_parity.models.zoo import ModelSpec
from tensorslow_parity.optimizers import OptimizerSpec

#: plain gradient descent with a small rate: thousands of timed steps on one batch stay far from overflow
LEARNING_RATE = 1e-3

#: batches in one keras_fit epoch of the sweeps
FIT_STEPS = 8


@dataclass(frozen=True)
class Point:
    """One timed configuration: an MLP ``n_in-(width x depth)-n_out``, hidden ``activation``, at ``batch_size``."""

    batch_size: int
    width: int
    depth: int
    n_in: int = 64
    n_out: int = 10
    activation: str = "relu"

    @property
    def widths(self):
        return (self.n_in, *(self.width,) * self.depth, self.n_out)

    @property
    def n_params(self):
        return sum(a * b + b for a, b in zip(self.widths[:-1], self.widths[1:]))

    @property
    def shape(self):
        """``2-2-2``: the layer widths."""
        return "-".join(map(str, self.widths))

    def describe(self):
        return f"{self.shape} {self.activation} MLP, batch {self.batch_size}"

    def spec(self):
        return ModelSpec(f"bench_{self.shape}", self.describe(), "synthetic",
                         hidden=(self.width,) * self.depth, activation=self.activation, output="softmax",
                         batch_size=self.batch_size, steps=1, learning_rates={"sgd": LEARNING_RATE})

    def optimizer(self):
        return OptimizerSpec("sgd", LEARNING_RATE)

    def problem(self, seed=0, epoch_batches=FIT_STEPS):
        """(weights, x, y, x_epoch, y_epoch) in float64: Glorot-uniform kernels, small uniform biases, standard
        normal inputs, one-hot uniform labels; ``epoch_batches`` more batches for keras_fit's epoch."""
        rng = np.random.default_rng(seed)
        weights = dense_weights(rng, self.widths)
        rows = self.batch_size * (1 + epoch_batches)
        x = rng.standard_normal((rows, self.n_in))
        y = np.eye(self.n_out)[rng.integers(0, self.n_out, rows)]
        b = self.batch_size
        return weights, x[:b], y[:b], x[b:], y[b:]


#: the course's 2-2-2 sigmoid MLP at batch 100 (examples/multi_layer_perceptron.py)
COURSE = Point(batch_size=100, width=2, depth=1, n_in=2, n_out=2, activation="sigmoid")


def make_sweeps(batches, widths, depths, batch=1024, width=128):
    """{sweep: [Point, ...]}: batch sizes of the 64-``width``-10 MLP; widths and depths at ``batch``; the course."""
    return {
        "batch": [Point(b, width, 1) for b in batches],
        "width": [Point(batch, w, 1) for w in widths],
        "depth": [Point(batch, width, d) for d in depths],
        "model": [COURSE],
    }


QUICK = make_sweeps(batches=(1, 32, 1024), widths=(2, 128, 512), depths=(1, 4))
FULL = make_sweeps(batches=(1, 4, 16, 64, 256, 1024, 4096), widths=(2, 8, 32, 128, 512, 1024), depths=(1, 2, 4, 8))
