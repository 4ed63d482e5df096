"""Eager TensorFlow 2, the target of a TF1 migration: tf.Variable, tf.GradientTape, tf.function.

Every computation is a ``tf.function`` with an input signature of
``[None, n]`` so the batch and the full-data evaluation share one trace. The
optimizer is the Keras optimizer mapped from TF1's (see ``keras_optimizers``).
"""
from tensorslow_parity.frameworks.base import EagerTFModel, activation_name
from tensorslow_parity.frameworks.keras_optimizers import keras_optimizer
from tensorslow_parity.frameworks.tf_devices import tf_device_name


class TF2Model(EagerTFModel):
    def __init__(self, spec, optimizer, weights, dtype, device):
        super().__init__(spec, optimizer, weights, dtype, device)
        import tensorflow as tf
        self.tf = tf
        self.device_name = tf_device_name(device)
        n_layers = len(weights) // 2
        with tf.device(self.device_name):
            self.variables = [tf.Variable(w.astype(self.dtype), name=f"dense_{i // 2}/{'bias' if i % 2 else 'kernel'}")
                              for i, w in enumerate(weights)]
            self.keras_optimizer = keras_optimizer(optimizer)
        x_spec = tf.TensorSpec([None, weights[0].shape[0]], self.dtype.name)
        y_spec = tf.TensorSpec([None, weights[-1].shape[0]], self.dtype.name)

        def logits(x):
            h = x
            for layer in range(n_layers):
                h = tf.matmul(h, self.variables[2 * layer]) + self.variables[2 * layer + 1]
                act = activation_name(spec, layer, n_layers)
                if act is not None:
                    h = getattr(tf.nn, act)(h)
            return h

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
