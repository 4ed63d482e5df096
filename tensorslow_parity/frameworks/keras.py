"""Keras 3: a ``Sequential`` of ``Dense`` layers on the TensorFlow backend, trained with ``train_on_batch``.

Parity traps handled here:

* Keras computes in ``keras.config.floatx()`` (float32 by default): its
  layers, its loss and the metric that reports the loss would round a float64
  model to float32. Each model sets floatx to its dtype before it is built,
  and gives its input and layers that dtype explicitly (a layer's dtype
  policy does not follow later changes of floatx within one process).
* The loss is ``CategoricalCrossentropy(from_logits=True)`` (or
  ``BinaryCrossentropy``): from logits, Keras does not clip probabilities to
  [1e-7, 1 - 1e-7]; its "sum over batch size" reduction is the batch mean.
* ``set_weights`` takes the kernels as (fan_in, fan_out): the layout of
  ``x @ W + b``, so the zoo's weights load unchanged.
"""
from tensorslow_parity.devices import tf_device_name
from tensorslow_parity.frameworks.base import EagerTFModel, activation_name
from tensorslow_parity.optimizers import keras_optimizer


class KerasModel(EagerTFModel):
    def __init__(self, spec, optimizer, weights, dtype, device):
        super().__init__(spec, optimizer, weights, dtype, device)
        import keras
        import tensorflow as tf
        self.tf = tf
        self.device_name = tf_device_name(device)
        keras.config.set_floatx(self.dtype.name)
        n_layers = len(weights) // 2
        with tf.device(self.device_name):
            layers = [keras.Input((weights[0].shape[0],), dtype=self.dtype.name)]
            for layer in range(n_layers):
                layers.append(keras.layers.Dense(weights[2 * layer].shape[1], name=f"dense_{layer}",
                                                 dtype=self.dtype.name,
                                                 activation=activation_name(spec, layer, n_layers)))
            self.model = keras.Sequential(layers)
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
        self.model.set_weights([w.astype(self.dtype) for w in weights])

    def get_weights(self):
        return [w.astype(self.dtype) for w in self.model.get_weights()]

    def forward(self, x):
        with self.tf.device(self.device_name):
            # A direct call: predict_on_batch would retrace its tf.function for every new batch size.
            return self.model(x, training=False).numpy()

    def train_step(self, x, y):
        with self.tf.device(self.device_name):
            return self.model.train_on_batch(x, y)
