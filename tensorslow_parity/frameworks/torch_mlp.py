"""PyTorch eager: the benchmark's MLP as a PyTorch user writes it, on the CPU.

Same math as :class:`tensorslow_parity.frameworks.numpy_mlp.NumpyMLP`:
``h = act(x @ W + b)`` for the hidden layers, logits without activation,
``F.cross_entropy`` with the one-hot labels as class probabilities (softmax
cross-entropy from logits, batch mean), ``loss.backward()`` and
``torch.optim.SGD`` (plain gradient descent, ``w -= lr * g``) with the
learning rate rounded to float32 as ``tf.compat.v1.train`` does. The weights
keep the ``x @ W + b`` layout (fan_in, fan_out), so the benchmark's arrays
load unchanged.

Each call takes and returns NumPy arrays: ``torch.from_numpy`` shares the
batch's memory (no copy), and ``train_step`` returns the loss as a NumPy
scalar, which waits for the step to finish. The number of threads is the
process's business (:mod:`tensorslow_parity.bench.engines` pins it), not
the model's.
"""
import numpy as np

from tensorslow_parity.frameworks.base import FrameworkModel, sgd_mlp_activations
from tensorslow_parity.optimizers import tf1_hyperparameter

#: activation name -> the torch function of that name
ACTIVATIONS = ("sigmoid", "relu", "tanh")


class TorchMLP(FrameworkModel):
    """An MLP of any depth and width trained with plain SGD in PyTorch eager mode, on the CPU."""

    def __init__(self, spec, optimizer, weights, dtype, device):
        super().__init__(spec, optimizer, weights, dtype, device)
        import torch
        self.torch = torch
        self.activations = sgd_mlp_activations("the PyTorch engine", spec, optimizer, weights, device, ACTIVATIONS)
        self.torch_dtype = getattr(torch, self.dtype.name)
        self.params = [torch.tensor(np.asarray(w, dtype=self.dtype), requires_grad=True) for w in weights]
        self.sgd = torch.optim.SGD(self.params, lr=tf1_hyperparameter(optimizer.learning_rate))

    def _tensor(self, a):
        return self.torch.from_numpy(np.asarray(a, dtype=self.dtype))

    def _logits(self, x):
        h = x
        for layer, act in enumerate(self.activations):
            h = self.torch.addmm(self.params[2 * layer + 1], h, self.params[2 * layer])  # b + h @ W
            if act is not None:
                h = getattr(self.torch, act)(h)
        return h

    def _loss(self, x, y):
        return self.torch.nn.functional.cross_entropy(self._logits(self._tensor(x)), self._tensor(y))

    def set_weights(self, weights):
        with self.torch.no_grad():
            for p, w in zip(self.params, weights, strict=True):
                p.copy_(self._tensor(w))

    def get_weights(self):
        return [p.detach().numpy().copy() for p in self.params]

    def forward(self, x):
        with self.torch.no_grad():
            return self._logits(self._tensor(x)).numpy()

    def loss_and_gradients(self, x, y):
        loss = self._loss(x, y)
        grads = self.torch.autograd.grad(loss, self.params)
        return loss.detach().numpy(), [g.numpy() for g in grads]

    def train_step(self, x, y):
        self.sgd.zero_grad(set_to_none=True)
        loss = self._loss(x, y)
        loss.backward()
        self.sgd.step()
        return loss.detach().numpy()
