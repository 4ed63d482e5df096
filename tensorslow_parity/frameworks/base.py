"""The interface every framework implements, and the hyperparameter rounding they share."""
from abc import ABC, abstractmethod

import numpy as np


class FrameworkModel(ABC):
    """One zoo model built in one framework, on one device, in one dtype.

    The constructor builds the model from ``spec`` and loads ``weights``
    ([W0, b0, W1, b1, ...], NumPy arrays: W is (fan_in, fan_out), the layout of
    ``x @ W + b``). Every method takes and returns NumPy arrays of ``dtype``.
    The loss is the batch mean of the cross-entropy computed from logits.
    """

    def __init__(self, spec, optimizer, weights, dtype, device):
        self.spec, self.optimizer, self.dtype, self.device = spec, optimizer, np.dtype(dtype), device

    @abstractmethod
    def set_weights(self, weights):
        """Load ``weights`` into the model's variables."""

    @abstractmethod
    def get_weights(self):
        """The variables' current values, in the order of ``weights``."""

    @abstractmethod
    def forward(self, x):
        """The logits for inputs ``x``: (n, n_outputs)."""

    @abstractmethod
    def loss_and_gradients(self, x, y):
        """(loss, [dloss/dvariable, ...]) at the current weights, without changing them."""

    @abstractmethod
    def train_step(self, x, y):
        """Apply one optimizer step on batch (x, y); return the loss before the update."""

    def close(self):
        """Release sessions and graphs."""


class EagerTFModel(FrameworkModel):
    """Shared by the eager TensorFlow models (tf2, keras): ``self._loss_and_gradients`` is a
    ``tf.function`` returning (loss, gradients); calls run under ``self.device_name``."""

    def loss_and_gradients(self, x, y):
        with self.tf.device(self.device_name):
            value, grads = self._loss_and_gradients(x, y)
        return value.numpy(), [g.numpy() for g in grads]


def tf1_hyperparameter(value):
    """``value`` as ``tf.compat.v1.train`` optimizers use it: rounded to float32.

    TF1 optimizers turn Python-float hyperparameters into float32 constant
    tensors and cast them to the variable's dtype, so a float64 model trains
    with learning rate float32(0.1) = 0.10000000149011612. Keras keeps them in
    its float type. To run the same math, TF2 and Keras are given the rounded
    values (a parity trap, neutralized here).
    """
    return float(np.float32(value))


def activation_name(spec, layer, n_layers):
    """The activation of ``layer`` (0-based): the spec's for hidden layers, none for the output logits."""
    return spec.activation if layer < n_layers - 1 else None
