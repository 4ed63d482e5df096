"""The zoo's networks as Keras 3 layers, and the weight conversions between Keras's layouts and the zoo's.

Backend-neutral: only ``keras.layers`` and NumPy, so the same code serves Keras
on TensorFlow, JAX and PyTorch.

* MLP: ``Dense`` layers; kernels (fan_in, fan_out), as the zoo's.
* CNN: ``Reshape(input_shape)``, per convolution ``Conv2D(filters, 3, padding="same")``
  with the activation and ``MaxPooling2D(2)`` (stride 2, ``"valid"``), ``Flatten``
  (row-major over (h, w, c) in ``channels_last``, as TF's reshape) and ``Dense``.
  Conv kernels are (kh, kw, in, out) in both: they load unchanged.
* LSTM: ``Reshape((steps, features))``, ``LSTM(units)`` (tanh, sigmoid gates),
  ``Dense``. Here the layouts differ (:func:`to_keras`): TF1's ``LSTMCell`` has
  one kernel over ``[x, h]`` with gate columns **i, j, f, o** and adds
  ``forget_bias = 1.0`` to the forget gate inside the cell; Keras has a
  ``kernel`` (features, 4u) and a ``recurrent_kernel`` (u, 4u) with gate
  columns **i, f, c, o** (c is TF1's j), and no forget bias: its forget-gate
  bias must carry TF1's +1. Gradients convert like weights, without the +1
  (the shift does not change a derivative).
"""
import numpy as np

from tensorslow_parity.frameworks.base import activation_name
from tensorslow_parity.models.architectures import FORGET_BIAS, POOL

#: Keras's gate blocks as TF1's block indices: Keras (i, f, c, o) = TF1 (i, j, f, o)[[0, 2, 1, 3]]. The
#: permutation swaps two blocks, so it is its own inverse: it also takes Keras's order to TF1's.
KERAS_GATES_FROM_TF1 = (0, 2, 1, 3)

#: the index of the forget gate among Keras's gate blocks
KERAS_FORGET = 1


def build_layers(keras, spec, n_inputs, n_outputs, dtype):
    """The layers of the spec's network, from ``keras.Input((n_inputs,))`` (the flat features) to the logits."""
    dtype = np.dtype(dtype).name
    layers = [keras.Input((n_inputs,), dtype=dtype)]
    if spec.architecture == "mlp":
        n_layers = len(spec.hidden) + 1
        widths = [*spec.hidden, n_outputs]
        return layers + [keras.layers.Dense(widths[i], name=f"dense_{i}", dtype=dtype,
                                            activation=activation_name(spec, i, n_layers)) for i in range(n_layers)]
    layers.append(keras.layers.Reshape(tuple(spec.input_shape), dtype=dtype))
    if spec.architecture == "cnn":
        for i, filters in enumerate(spec.hidden):
            layers += [keras.layers.Conv2D(filters, 3, padding="same", activation=spec.activation,
                                           name=f"conv_{i}", dtype=dtype),
                       keras.layers.MaxPooling2D(POOL, strides=POOL, padding="valid", dtype=dtype)]
        layers.append(keras.layers.Flatten(dtype=dtype))
    else:
        layers.append(keras.layers.LSTM(spec.hidden[0], activation="tanh", recurrent_activation="sigmoid",
                                        name="lstm", dtype=dtype))
    return layers + [keras.layers.Dense(n_outputs, name="dense_0", dtype=dtype)]


def _gate_columns(a, units):
    """``a``'s last axis (4 gate blocks of ``units``) with its blocks permuted by :data:`KERAS_GATES_FROM_TF1`."""
    a = np.asarray(a)
    if a.shape[-1] != 4 * units:
        raise ValueError(f"an LSTM weight of {units} units has 4 x {units} = {4 * units} gate columns, not "
                         f"{a.shape[-1]} (shape {a.shape})")
    blocks = np.split(a, 4, axis=-1)
    return np.concatenate([blocks[k] for k in KERAS_GATES_FROM_TF1], axis=-1)


def to_keras(spec, weights):
    """The zoo's weights (TF1 layouts) as Keras's ``set_weights`` takes them, in the same dtype."""
    if spec.architecture != "lstm":
        return list(weights)
    kernel, bias, *dense = weights
    units = spec.hidden[0]
    features = kernel.shape[0] - units
    kernel = _gate_columns(kernel, units)
    keras_bias = _gate_columns(bias, units)
    keras_bias[KERAS_FORGET * units:(KERAS_FORGET + 1) * units] += np.asarray(FORGET_BIAS, dtype=bias.dtype)
    return [kernel[:features], kernel[features:], keras_bias, *dense]


def from_keras(spec, weights, gradients=False):
    """Keras's weights (``get_weights`` order) in the zoo's TF1 layouts; ``gradients``: they are derivatives
    with respect to Keras's variables (converted alike, without removing the forget bias)."""
    if spec.architecture != "lstm":
        return list(weights)
    kernel, recurrent, bias, *dense = (np.asarray(w) for w in weights)
    units = spec.hidden[0]
    tf1_bias = _gate_columns(bias, units)
    if not gradients:
        tf1_bias[2 * units:3 * units] -= np.asarray(FORGET_BIAS, dtype=bias.dtype)  # TF1's f is block 2
    return [_gate_columns(np.concatenate([kernel, recurrent], axis=0), units), tf1_bias, *dense]
