"""JAX: the benchmark's MLP as one ``jax.jit``-compiled training step, on the CPU.

Same math as :class:`tensorslow_parity.frameworks.numpy_mlp.NumpyMLP`:
``h = act(x @ W + b)`` for the hidden layers, logits without activation, the
batch mean of ``-sum(y * log_softmax(z))`` (softmax cross-entropy from
logits), gradients by ``jax.value_and_grad`` and plain gradient descent
``w - lr * g`` with the learning rate rounded to float32 as
``tf.compat.v1.train`` does. Parameters are a list of arrays, a pytree.

A training step is one compiled function ``(params, x, y) -> (loss, new
params)``. JAX dispatches asynchronously, so ``train_step`` returns the loss
as a NumPy scalar, which waits until the step has run: a timing of it is the
step's time, not its dispatch's. Float64 needs ``jax_enable_x64``, which a
float64 model switches on for the process (the benchmark gives JAX its own
process); float32 arrays stay float32 with it on.
"""
import numpy as np

from tensorslow_parity.frameworks.base import FrameworkModel, sgd_mlp_activations
from tensorslow_parity.optimizers import tf1_hyperparameter

ACTIVATIONS = ("sigmoid", "relu", "tanh")


def _mlp_functions(jax, activations, learning_rate):
    """(logits, loss, step) for an MLP with these hidden ``activations`` (None: the output's logits)."""
    jnp = jax.numpy
    functions = {"sigmoid": jax.nn.sigmoid, "relu": jax.nn.relu, "tanh": jnp.tanh}
    acts = [None if a is None else functions[a] for a in activations]

    def logits(params, x):
        h = x
        for layer, act in enumerate(acts):
            h = h @ params[2 * layer] + params[2 * layer + 1]
            if act is not None:
                h = act(h)
        return h

    def loss(params, x, y):
        return jnp.mean(-jnp.sum(y * jax.nn.log_softmax(logits(params, x), axis=1), axis=1))

    def step(params, x, y):
        value, grads = jax.value_and_grad(loss)(params, x, y)
        lr = jnp.asarray(learning_rate, dtype=x.dtype)
        return value, [p - lr * g for p, g in zip(params, grads)]

    return logits, loss, step


class JaxMLP(FrameworkModel):
    """An MLP of any depth and width trained with plain SGD in one ``jax.jit`` step, on the CPU."""

    def __init__(self, spec, optimizer, weights, dtype, device):
        super().__init__(spec, optimizer, weights, dtype, device)
        import jax
        activations = sgd_mlp_activations("the JAX engine", spec, optimizer, weights, device, ACTIVATIONS)
        if self.dtype == np.float64 and not jax.config.jax_enable_x64:
            jax.config.update("jax_enable_x64", True)
        self.jax = jax
        self.device_ = jax.devices("cpu")[0]
        logits, loss, step = _mlp_functions(jax, activations, tf1_hyperparameter(optimizer.learning_rate))
        self._logits = jax.jit(logits)
        self._loss_and_grads = jax.jit(jax.value_and_grad(loss))
        self._step = jax.jit(step)
        self.set_weights(weights)

    def _array(self, a):
        return self.jax.device_put(np.asarray(a, dtype=self.dtype), self.device_)

    def set_weights(self, weights):
        self.params = [self._array(w) for w in weights]

    def get_weights(self):
        return [np.asarray(p) for p in self.params]

    def forward(self, x):
        return np.asarray(self._logits(self.params, np.asarray(x, dtype=self.dtype)))

    def loss_and_gradients(self, x, y):
        value, grads = self._loss_and_grads(self.params, np.asarray(x, dtype=self.dtype),
                                            np.asarray(y, dtype=self.dtype))
        return np.asarray(value), [np.asarray(g) for g in grads]

    def train_step(self, x, y):
        value, self.params = self._step(self.params, np.asarray(x, dtype=self.dtype), np.asarray(y, dtype=self.dtype))
        return np.asarray(value)
