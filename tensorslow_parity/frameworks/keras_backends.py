"""Keras 3 on its JAX and PyTorch backends (frameworks ``keras-jax`` and ``keras-torch``).

The model is the ``keras`` framework's, built from the same pieces: the layers
and weight conversions of :mod:`.keras_layers` (backend-neutral), the same loss
(``CategoricalCrossentropy``/``BinaryCrossentropy`` from logits), the same
optimizer (:func:`tensorslow_parity.optimizers.keras_optimizer`) and
``train_on_batch`` for a training step; floatx set to the row's dtype as there.
Only two things depend on the backend, and live here:

* the gradient at the initial weights, which Keras has no backend-neutral call
  for: ``jax.value_and_grad`` over ``model.stateless_call`` on JAX,
  ``torch.autograd.grad`` on PyTorch (and ``tf.GradientTape`` on TensorFlow,
  so this class also runs under ``KERAS_BACKEND=tensorflow``);
* where the numbers live: tensors come back through ``keras.ops.convert_to_numpy``.

The backend itself is chosen by ``KERAS_BACKEND`` before Keras is imported,
which the run sets in this framework's worker only
(:func:`tensorslow_parity.frameworks.worker_environment`); the worker checks
that Keras did take it. Float64 on JAX needs ``jax_enable_x64`` (without it JAX
computes a float64 model in float32, silently), also set there. The device is
the worker's too: ``JAX_PLATFORMS`` on JAX, no visible CUDA device for a CPU
cell on PyTorch, so this class computes wherever its backend puts arrays.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tensorslow_parity.frameworks.base import FrameworkModel
from tensorslow_parity.frameworks.keras_layers import build_layers, from_keras, to_keras
from tensorslow_parity.frameworks.networks import n_inputs
from tensorslow_parity.optimizers import keras_optimizer


class KerasBackendModel(FrameworkModel):
    """The zoo's network as a Keras 3 ``Sequential`` on whichever backend Keras was imported with."""

    def __init__(self, spec, optimizer, weights, dtype, device):
        super().__init__(spec, optimizer, weights, dtype, device)
        import keras
        self.keras = keras
        self.backend = keras.backend.backend()
        if self.backend == "jax" and self.dtype == np.float64:
            import jax
            if not jax.config.jax_enable_x64:
                raise RuntimeError("Keras on JAX in float64 needs jax_enable_x64 (JAX_ENABLE_X64=1); without it JAX "
                                   "computes in float32")
        keras.config.set_floatx(self.dtype.name)
        self.model = keras.Sequential(build_layers(keras, spec, n_inputs(spec, weights), weights[-1].shape[0],
                                                   self.dtype))
        self.loss = (keras.losses.CategoricalCrossentropy(from_logits=True) if spec.output == "softmax"
                     else keras.losses.BinaryCrossentropy(from_logits=True))
        self.model.compile(optimizer=keras_optimizer(optimizer), loss=self.loss)
        self.set_weights(weights)
        self._gradients = {"jax": self._jax_gradients, "torch": self._torch_gradients,
                           "tensorflow": self._tf_gradients}.get(self.backend)
        if self._gradients is None:
            raise ValueError(f"Keras backend {self.backend!r} is not one this harness runs; known: jax, torch, "
                             "tensorflow")

    def _numpy(self, value):
        return np.asarray(self.keras.ops.convert_to_numpy(value), dtype=self.dtype)

    def set_weights(self, weights):
        self.model.set_weights(to_keras(self.spec, [np.asarray(w, dtype=self.dtype) for w in weights]))

    def get_weights(self):
        return [np.asarray(w, dtype=self.dtype) for w in from_keras(self.spec, self.model.get_weights())]

    def forward(self, x):
        # A direct call (no predict_on_batch): one compiled function per backend, whatever the batch size.
        return self._numpy(self.model(np.asarray(x, dtype=self.dtype), training=False))

    def loss_and_gradients(self, x, y):
        loss, grads = self._gradients(np.asarray(x, dtype=self.dtype), np.asarray(y, dtype=self.dtype))
        return self._numpy(loss), from_keras(self.spec, [self._numpy(g) for g in grads], gradients=True)

    def _jax_gradients(self, x, y):
        import jax
        trainable = [v.value for v in self.model.trainable_variables]
        frozen = [v.value for v in self.model.non_trainable_variables]

        def loss(trainable_values):
            logits, _ = self.model.stateless_call(trainable_values, frozen, x, training=True)
            return self.loss(y, logits)

        return jax.value_and_grad(loss)(trainable)

    def _torch_gradients(self, x, y):
        import torch
        params = [v.value for v in self.model.trainable_variables]
        value = self.loss(y, self.model(x, training=True))
        return value, torch.autograd.grad(value, params)

    def _tf_gradients(self, x, y):
        import tensorflow as tf
        with tf.GradientTape() as tape:
            value = self.loss(y, self.model(x, training=True))
        return value, tape.gradient(value, self.model.trainable_variables)

    def train_step(self, x, y):
        return self._numpy(self.model.train_on_batch(np.asarray(x, dtype=self.dtype), np.asarray(y, dtype=self.dtype)))


#: Keras 3's type promotion (keras/src/backend/common/dtypes.py, ``BIT64_TO_BIT32_DTYPE``) maps float64 to
#: float32 on every backend but TensorFlow, "to be aligned with JAX's default behavior"; an op that computes its
#: dtype with it computes a float64 model's values in float32, and the layer casts them back to float64.
PROMOTION = ("Keras 3's type promotion (keras/src/backend/common/dtypes.py, BIT64_TO_BIT32_DTYPE) maps float64 "
             "to float32 on every backend but TensorFlow, and the layer casts the result back to float64: ")


@dataclass(frozen=True)
class BackendDifference:
    """A documented difference of Keras on one backend from Keras on TensorFlow (and from TF1), for the rows of
    ``framework`` in ``dtype`` whose model ``affects(spec)``; it sets those rows' tolerances, visibly."""

    framework: str
    dtype: str
    affects: Callable
    note: str
    tolerances: dict = field(default_factory=dict)


def _float32_tolerances():
    from tensorslow_parity.tolerances import MODEL_CHECK_TOLERANCES
    return dict(MODEL_CHECK_TOLERANCES["float32"])


KNOWN_DIFFERENCES = (
    BackendDifference(
        "keras-torch", "float64", lambda spec: True,
        "Keras on PyTorch computes a float64 model's matrix products in float32. " + PROMOTION + "keras.ops.matmul "
        "(Dense, LSTM) casts both operands to that type before torch.matmul. The row carries float32 rounding "
        "(about 1e-7 relative) and is held to the float32 tolerances.",
        _float32_tolerances()),
    BackendDifference(
        "keras-jax", "float64", lambda spec: spec.activation == "tanh" or getattr(spec, "architecture", "") == "lstm",
        "Keras on JAX computes a float64 model's tanh in float32. " + PROMOTION + "keras.ops.tanh (a tanh "
        "activation, an LSTM's cell and output) casts its input to that type before jnp.tanh (matmul and sigmoid "
        "keep float64 under jax_enable_x64). The row carries float32 rounding (about 1e-7 relative) and is held to "
        "the float32 tolerances; float64 models without tanh match to float64 precision.",
        _float32_tolerances()),
    BackendDifference(
        "keras-jax", "float64", lambda spec: spec.output == "sigmoid",
        "Keras on JAX averages a float64 binary cross-entropy in float32. " + PROMOTION + "keras.losses."
        "binary_crossentropy ends with keras.ops.mean over the last axis, which on JAX computes in "
        "result_type(x, float32) (keras/src/backend/jax/numpy.py, mean), float32 here. The loss and its "
        "gradient carry float32 rounding (about 1e-9 relative in the loss here) and the row is held to the "
        "float32 tolerances; softmax models (keras.ops.sum) keep float64 precision.",
        _float32_tolerances()),
)


def known_differences(framework, spec, dtype):
    """(tolerances that replace the defaults, note) of the documented Keras-backend differences for a row."""
    tol, notes = {}, []
    for diff in KNOWN_DIFFERENCES:
        if diff.framework == framework and diff.dtype == dtype and diff.affects(spec):
            tol.update(diff.tolerances)
            notes.append(diff.note)
    return tol, " ".join(notes)
