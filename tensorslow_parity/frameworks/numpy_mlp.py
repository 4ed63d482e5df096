"""Hand-written NumPy of a multi-layer perceptron's training step: the speed limit of a NumPy engine.

:class:`NumpyMLP` computes what the graph-mode adapters build (see
:mod:`tensorslow_parity.frameworks.graph_mode`), written out by hand with no graph,
no session and no per-op dispatch:

* forward: ``h_{i+1} = act(h_i @ W_i + b_i)`` for the hidden layers, logits
  ``z = h_L @ W_L + b_L`` (no activation on the output);
* loss: softmax cross-entropy from logits, mean over the batch:
  ``mean_rows(-sum_j y_j * log_softmax(z)_j)``;
* backward: ``dz = (softmax(z) - y) / n`` (TensorFlow's kernel for the
  cross-entropy, times the mean's 1/n), then per layer ``dW = h.T @ dz``,
  ``db = sum_rows(dz)``, ``dh = (dz @ W.T) * act'(h)``;
* update: plain gradient descent, ``W <- W - lr * dW``, with the learning
  rate rounded to float32 as ``tf.compat.v1.train`` does
  (:func:`tensorslow_parity.optimizers.tf1_hyperparameter`).

It is the reference of the benchmark (:mod:`tensorslow_parity.bench`, engine ``numpy``): a
NumPy engine such as TensorSlow does this work plus its own overhead, so the
ratio TensorSlow / NumPy is that overhead. Only SGD and a softmax output are
implemented, because that is what the benchmark times.
"""
import numpy as np

from tensorslow_parity.frameworks.base import FrameworkModel, sgd_mlp_activations
from tensorslow_parity.optimizers import tf1_hyperparameter


def _sigmoid(a):
    """1 / (1 + e^-a), computed in place in ``a``."""
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1
    np.reciprocal(a, out=a)
    return a


def _relu(a):
    """max(a, 0), in place in ``a``."""
    return np.maximum(a, 0, out=a)


def _tanh(a):
    """tanh(a), in place in ``a``."""
    return np.tanh(a, out=a)


def _sigmoid_grad(dh, h):
    """dh * h * (1 - h): sigmoid's derivative from its output, in place in ``dh``."""
    dh *= h
    dh *= 1 - h
    return dh


def _relu_grad(dh, h):
    """dh where h > 0, else 0, in place in ``dh``."""
    dh *= h > 0
    return dh


def _tanh_grad(dh, h):
    """dh * (1 - h^2), in place in ``dh``."""
    dh *= 1 - h * h
    return dh


#: activation name -> (forward in place, gradient from the output in place into the incoming gradient)
ACTIVATIONS = {"sigmoid": (_sigmoid, _sigmoid_grad), "relu": (_relu, _relu_grad), "tanh": (_tanh, _tanh_grad)}


class NumpyMLP(FrameworkModel):
    """An MLP of any depth and width (one activation for all hidden layers) in hand-written NumPy.

    Interface of :class:`tensorslow_parity.frameworks.base.FrameworkModel`: it runs
    wherever a zoo adapter runs, with the same weights and batches. The
    weights are updated in place (this object owns its copies), because a
    NumPy program written for speed would do so.
    """

    def __init__(self, spec, optimizer, weights, dtype, device):
        super().__init__(spec, optimizer, weights, dtype, device)
        self.activations = sgd_mlp_activations("the NumPy reference", spec, optimizer, weights, device, ACTIVATIONS)
        self.learning_rate = self.dtype.type(tf1_hyperparameter(optimizer.learning_rate))
        self.set_weights(weights)

    def set_weights(self, weights):
        self.weights = [np.array(w, dtype=self.dtype) for w in weights]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def _layers(self, x):
        """Every layer's input, ending with the logits: [x, h_1, ..., h_L, z]."""
        outputs = [x]
        for layer, act in enumerate(self.activations):
            a = outputs[-1] @ self.weights[2 * layer]
            a += self.weights[2 * layer + 1]
            outputs.append(a if act is None else ACTIVATIONS[act][0](a))
        return outputs

    def forward(self, x):
        return self._layers(np.asarray(x, dtype=self.dtype))[-1]

    def loss_and_gradients(self, x, y):
        x, y = np.asarray(x, dtype=self.dtype), np.asarray(y, dtype=self.dtype)
        outputs = self._layers(x)
        z = outputs.pop()
        n = x.shape[0]
        z -= z.max(axis=1, keepdims=True)  # log_softmax(z) = z - max - log(sum e^(z - max)): no overflow
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        z -= np.log(s)  # z is now log_softmax
        loss = -np.sum(y * z) / n
        e /= s  # softmax
        e -= y
        dz = e
        dz /= n
        grads = [None] * len(self.weights)
        for layer in range(len(self.activations) - 1, -1, -1):
            h = outputs[layer]
            grads[2 * layer] = h.T @ dz
            grads[2 * layer + 1] = dz.sum(axis=0)
            if layer:
                dz = dz @ self.weights[2 * layer].T
                ACTIVATIONS[self.activations[layer - 1]][1](dz, h)
        return self.dtype.type(loss), grads

    def train_step(self, x, y):
        loss, grads = self.loss_and_gradients(x, y)
        for w, g in zip(self.weights, grads):
            g *= self.learning_rate
            w -= g
        return loss
