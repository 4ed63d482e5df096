"""Keras 3: a ``Sequential`` model on the TensorFlow backend, trained with ``train_on_batch``.

The layers (``Dense``; ``Conv2D``/``MaxPooling2D``; ``LSTM``) and the weight
conversions between Keras's layouts and the zoo's are in :mod:`.keras_layers`.

Parity traps handled here:

* Keras computes in ``keras.config.floatx()`` (float32 by default): its
  layers, its loss and the metric that reports the loss would round a float64
  model to float32. Each model sets floatx to its dtype before it is built,
  and gives its input and layers that dtype explicitly (a layer's dtype
  policy does not follow later changes of floatx within one process).
* The loss is ``CategoricalCrossentropy(from_logits=True)`` (or
  ``BinaryCrossentropy``): from logits, Keras does not clip probabilities to
  [1e-7, 1 - 1e-7]; its "sum over batch size" reduction is the batch mean.
* ``set_weights`` takes dense kernels as (fan_in, fan_out), the layout of
  ``x @ W + b``, and conv kernels as (kh, kw, in, out): those load unchanged.
  An LSTM's weights are converted from TF1's cell (gates i, j, f, o in one
  kernel, forget bias 1.0) to Keras's (kernel and recurrent kernel, gates
  i, f, c, o, the +1 in the forget bias) and back, gradients included.
"""
from tensorslow_parity.devices import tf_device_name
from tensorslow_parity.frameworks.base import EagerTFModel
from tensorslow_parity.frameworks.keras_layers import build_layers, from_keras, to_keras
from tensorslow_parity.frameworks.networks import n_inputs
from tensorslow_parity.optimizers import keras_optimizer


class KerasModel(EagerTFModel):
    def __init__(self, spec, optimizer, weights, dtype, device):
        super().__init__(spec, optimizer, weights, dtype, device)
        import keras
        import tensorflow as tf
        self.tf = tf
        self.device_name = tf_device_name(device)
        keras.config.set_floatx(self.dtype.name)
        with tf.device(self.device_name):
            self.model = keras.Sequential(build_layers(keras, spec, n_inputs(spec, weights), weights[-1].shape[0],
                                                       self.dtype))
            loss = (keras.losses.CategoricalCrossentropy(from_logits=True) if spec.output == "softmax"
                    else keras.losses.BinaryCrossentropy(from_logits=True))
            self.model.compile(optimizer=keras_optimizer(optimizer), loss=loss)
            self.set_weights(weights)

        def loss_and_gradients(x, y):
            with tf.GradientTape() as tape:
                value = self.model.loss(y, self.model(x, training=True))
            return value, tape.gradient(value, self.model.trainable_variables)

        self._loss_and_gradients = tf.function(loss_and_gradients)

    def set_weights(self, weights):
        self.model.set_weights(to_keras(self.spec, [w.astype(self.dtype) for w in weights]))

    def get_weights(self):
        return [w.astype(self.dtype) for w in from_keras(self.spec, self.model.get_weights())]

    def loss_and_gradients(self, x, y):
        loss, grads = super().loss_and_gradients(x, y)
        return loss, from_keras(self.spec, grads, gradients=True)

    def forward(self, x):
        with self.tf.device(self.device_name):
            # A direct call: predict_on_batch would retrace its tf.function for every new batch size.
            return self.model(x, training=False).numpy()

    def train_step(self, x, y):
        with self.tf.device(self.device_name):
            return self.model.train_on_batch(x, y)
