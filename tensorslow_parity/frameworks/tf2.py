"""Eager TensorFlow 2, the target of a TF1 migration: tf.Variable, tf.GradientTape, tf.function.

Every computation is a ``tf.function`` with an input signature of
``[None, n]`` so the batch and the full-data evaluation share one trace. The
networks are written with ``tf``'s ops (:mod:`.networks`): the CNN with
``tf.nn.conv2d`` and ``tf.nn.max_pool``, the LSTM as TF1's ``LSTMCell``
written out and unrolled over its steps (the layout and gate order of the
reference's cell, forget bias 1.0). The
optimizer is the Keras optimizer mapped from TF1's (see :mod:`tensorslow_parity.optimizers`).
"""
from tensorslow_parity.devices import tf_device_name
from tensorslow_parity.frameworks.base import EagerTFModel
from tensorslow_parity.frameworks.networks import logits as network_logits
from tensorslow_parity.frameworks.networks import n_inputs
from tensorslow_parity.models.architectures import layout
from tensorslow_parity.optimizers import keras_optimizer


class TF2Model(EagerTFModel):
    def __init__(self, spec, optimizer, weights, dtype, device):
        super().__init__(spec, optimizer, weights, dtype, device)
        import tensorflow as tf
        self.tf = tf
        self.device_name = tf_device_name(device)
        n_in, n_out = n_inputs(spec, weights), weights[-1].shape[0]
        names = [name for name, _ in layout(spec, n_in, n_out)]
        with tf.device(self.device_name):
            self.variables = [tf.Variable(w.astype(self.dtype), name=name)
                              for w, name in zip(weights, names, strict=True)]
            self.keras_optimizer = keras_optimizer(optimizer)
        x_spec = tf.TensorSpec([None, n_in], self.dtype.name)
        y_spec = tf.TensorSpec([None, n_out], self.dtype.name)

        def logits(x):
            return network_logits(tf, x, self.variables, spec)

        def loss(x, y):
            z = logits(x)
            if spec.output == "softmax":
                return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z))
            return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))

        def loss_and_gradients(x, y):
            with tf.GradientTape() as tape:
                value = loss(x, y)
            return value, tape.gradient(value, self.variables)

        def train_step(x, y):
            value, grads = loss_and_gradients(x, y)
            self.keras_optimizer.apply_gradients(zip(grads, self.variables))
            return value

        self._logits = tf.function(logits, input_signature=[x_spec])
        self._loss_and_gradients = tf.function(loss_and_gradients, input_signature=[x_spec, y_spec])
        self._train_step = tf.function(train_step, input_signature=[x_spec, y_spec])

    def set_weights(self, weights):
        for var, w in zip(self.variables, weights, strict=True):
            var.assign(w.astype(self.dtype))

    def get_weights(self):
        return [v.numpy() for v in self.variables]

    def forward(self, x):
        with self.tf.device(self.device_name):
            return self._logits(x).numpy()

    def train_step(self, x, y):
        with self.tf.device(self.device_name):
            return self._train_step(x, y).numpy()
