"""The interface every framework implements, and the MLP they all build (the CNN and LSTM: :mod:`.networks`)."""
from abc import ABC, abstractmethod

import numpy as np


class FrameworkModel(ABC):
    """One zoo model built in one framework, on one device, in one dtype.

    The constructor builds the model from ``spec`` and loads ``weights``
    (NumPy arrays in the layout of :func:`tensorslow_parity.models.architectures.layout`,
    TF1's: an MLP's [W0, b0, W1, b1, ...] with W (fan_in, fan_out), the layout of
    ``x @ W + b``; a CNN's conv kernels (kh, kw, in, out); an LSTM's TF1 ``LSTMCell``
    kernel and bias). Inputs are the dataset's flat rows; a CNN or LSTM reshapes
    them to the spec's ``input_shape`` itself, and gradients come in the same
    layout as ``weights``. Every method takes and returns NumPy arrays of ``dtype``.
    The loss is the batch mean of the cross-entropy computed from logits.
    A class with ``draws_same_seed`` also accepts a
    :class:`tensorslow_parity.initializers.SameSeed` for ``weights``: it then
    draws its initial weights itself (``run --init same-seed``).
    """

    #: can draw its own initial weights from a seed with TF1's initializers (TensorSlow and tf1 only)
    draws_same_seed = False

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

    def close(self):  # noqa: B027  (optional hook: most models hold nothing to release)
        """Release sessions and graphs."""


class EagerTFModel(FrameworkModel):
    """Shared by the eager TensorFlow models (tf2, keras): ``self._loss_and_gradients`` is a
    ``tf.function`` returning (loss, gradients); calls run under ``self.device_name``."""

    def loss_and_gradients(self, x, y):
        with self.tf.device(self.device_name):
            value, grads = self._loss_and_gradients(x, y)
        return value.numpy(), [g.numpy() for g in grads]


def sgd_mlp_activations(engine, spec, optimizer, weights, device, known):
    """The per-layer activations of a benchmark engine that implements only an MLP with a softmax output,
    plain gradient descent, on the CPU (``engine`` names it in errors); ``known`` its activations."""
    if device != "cpu":
        raise ValueError(f"{engine} runs on the CPU only, not on {device!r}")
    if spec.output != "softmax":
        raise ValueError(f"{engine} implements a softmax output only, not {spec.output!r}")
    if optimizer.name != "sgd":
        raise ValueError(f"{engine} implements plain gradient descent (sgd) only, not {optimizer.name!r}")
    n_layers = len(weights) // 2
    activations = [activation_name(spec, layer, n_layers) for layer in range(n_layers)]
    unknown = {a for a in activations if a is not None and a not in known}
    if unknown:
        raise ValueError(f"unknown activation {unknown.pop()!r}; known: {', '.join(known)}")
    return activations


def activation_name(spec, layer, n_layers):
    """The activation of ``layer`` (0-based): the spec's for hidden layers, none for the output logits."""
    return spec.activation if layer < n_layers - 1 else None


def variable_names(n_layers):
    """The variables' names, in the order of the weights: dense_0/kernel, dense_0/bias, dense_1/kernel, ..."""
    return [f"dense_{i}/{part}" for i in range(n_layers) for part in ("kernel", "bias")]


def mlp_logits(tf, x, variables, spec):
    """The logits of the MLP [W0, b0, W1, b1, ...] for ``x``, built with ``tf``'s ops.

    ``tf`` is any module with TF's ``matmul`` and ``nn.<activation>``:
    ``tensorslow``, ``tensorflow.compat.v1`` or ``tensorflow``. Each layer is
    ``h @ W + b`` followed by the spec's activation, except the last (logits).
    """
    n_layers = len(variables) // 2
    h = x
    for layer in range(n_layers):
        h = tf.matmul(h, variables[2 * layer]) + variables[2 * layer + 1]
        act = activation_name(spec, layer, n_layers)
        if act is not None:
            h = getattr(tf.nn, act)(h)
    return h
