"""The problem every framework is given: data, initial weights and batch order, made once from a spec.

:func:`make_problem` turns a :class:`tensorslow_parity.models.zoo.ModelSpec`
into a :class:`Problem`: the dataset, the initial weights drawn once with
NumPy from the spec's seed (:func:`tensorslow_parity.initializers.dense_weights`)
and the sequence of training batches. Every framework loads the same arrays.
"""
from dataclasses import dataclass

import numpy as np

from tensorslow_parity.frameworks.base import variable_names
from tensorslow_parity.initializers import dense_weights
from tensorslow_parity.models import datasets
from tensorslow_parity.models.zoo import ModelSpec


@dataclass
class Problem:
    """Everything that makes runs identical: data, initial weights, batch order (all float64/int64)."""

    spec: ModelSpec
    data: datasets.Dataset
    weights: list  # [W0, b0, W1, b1, ...]: W (fan_in, fan_out), b (fan_out,)
    batches: np.ndarray  # (steps, batch_size) indices into the training set, in training order

    @property
    def variable_names(self):
        return variable_names(len(self.weights) // 2)

    def targets(self, y):
        """The loss's labels for class indices ``y``: one-hot rows (softmax) or a (n, 1) column of 0/1 (sigmoid)."""
        if self.spec.output == "softmax":
            return np.eye(self.data.n_classes)[y]
        return y.reshape(-1, 1).astype(np.float64)

    def batch(self, step):
        idx = self.batches[step]
        return self.data.x_train[idx], self.targets(self.data.y_train[idx])

    def to_arrays(self):
        """The problem as a flat dict of arrays (what a framework subprocess loads)."""
        arrays = {f"weight_{i}": w for i, w in enumerate(self.weights)}
        arrays.update(x_train=self.data.x_train, y_train=self.data.y_train, x_test=self.data.x_test,
                      y_test=self.data.y_test, batches=self.batches)
        return arrays


def make_problem(spec, steps=None):
    """Data, Glorot-uniform kernels and small uniform biases from the spec's seed, and the batch order.

    Batches walk through the training set in a seeded permutation, redrawn each
    epoch; no shuffling happens inside any framework.
    """
    data = datasets.load(spec.dataset, spec.seed)
    rng = np.random.default_rng(spec.seed)
    weights = dense_weights(rng, spec.widths(data.n_features, data.n_classes))
    steps = spec.steps if steps is None else steps
    n, b = len(data.x_train), min(spec.batch_size, len(data.x_train))
    order, batches = np.empty(0, dtype=np.int64), []
    for _ in range(steps):
        if len(order) < b:
            order = np.concatenate([order, rng.permutation(n)])
        batches.append(order[:b])
        order = order[b:]
    return Problem(spec, data, weights, np.array(batches, dtype=np.int64).reshape(steps, b))
