"""The graph-mode builder shared by TensorSlow and ``tf.compat.v1`` (TensorSlow mirrors TF1's API).

:class:`GraphModel` builds the model with whatever module :meth:`GraphModel.module`
returns; :mod:`.tensorslow` and :mod:`.tf1` each supply theirs.

The model is built in its own graph with a placeholder pair (x, y), one
Variable per weight, ``loss = reduce_mean(cross-entropy from logits)``,
``tf.gradients(loss, variables)`` for the gradient check and
``optimizer.minimize(loss, var_list=variables)`` for training. A training step
is ``sess.run([train_op, loss])``: the loss is the one before the update.

In same-seed mode (``weights`` is an :class:`tensorslow_parity.initializers.SameSeed`)
the builder sets the graph seed first and draws every weight with a TF1
initializer (:func:`tensorslow_parity.initializers.tf1_dense_variables`), so
TensorSlow and tf1 start from the same bits without being given them.
"""
import contextlib

import numpy as np

from tensorslow_parity.frameworks.base import FrameworkModel, mlp_logits
from tensorslow_parity.frameworks.networks import logits, n_inputs
from tensorslow_parity.initializers import SameSeed, tf1_dense_variables
from tensorslow_parity.models.architectures import SameSeedLayout, layout, tf1_draw
from tensorslow_parity.optimizers import tf1_optimizer


class GraphModel(FrameworkModel):
    #: draws its own initial weights from a seed with TF1's initializers (``run --init same-seed``)
    draws_same_seed = True

    def module(self):
        raise NotImplementedError

    def device_scope(self, tf):
        return contextlib.nullcontext()

    def lstm_cell(self, tf, units, initializer):
        """The library's ``LSTMCell(units)`` (TF1's default ``forget_bias=1.0``), its kernel from ``initializer``."""
        return tf.nn.rnn_cell.LSTMCell(units, initializer=initializer)

    def __init__(self, spec, optimizer, weights, dtype, device):
        super().__init__(spec, optimizer, weights, dtype, device)
        tf = self.tf = self.module()
        if isinstance(weights, SameSeedLayout):  # not an MLP: drawn in a graph of its own, then loaded
            weights = tf1_draw(tf, weights.seed, weights.layout, self.dtype.name, weights.draw_dtype)
        self.graph = tf.Graph()
        with self.graph.as_default(), self.device_scope(tf):
            dt = tf.as_dtype(self.dtype.name)
            if isinstance(weights, SameSeed):
                tf.set_random_seed(weights.seed)
                n_in, n_out = weights.widths[0], weights.widths[-1]
            else:
                n_in, n_out = n_inputs(spec, weights), weights[-1].shape[0]
            self.x = tf.placeholder(dt, [None, n_in], name="x")
            self.y = tf.placeholder(dt, [None, n_out], name="y")
            if isinstance(weights, SameSeed):
                self.variables = tf1_dense_variables(tf, weights.widths, dt, weights.draw_dtype)
                self.logits = mlp_logits(tf, self.x, self.variables, spec)
            elif spec.architecture == "lstm":
                self.logits = self._lstm(tf, dt, weights)
            else:
                names = [name for name, _ in layout(spec, n_in, weights[-1].shape[0])]
                self.variables = [tf.Variable(w.astype(self.dtype), name=name)
                                  for w, name in zip(weights, names, strict=True)]
                self.logits = logits(tf, self.x, self.variables, spec)
            if spec.output == "softmax":
                xent = tf.nn.softmax_cross_entropy_with_logits_v2(labels=self.y, logits=self.logits)
            else:
                xent = tf.nn.sigmoid_cross_entropy_with_logits(labels=self.y, logits=self.logits)
            self.loss = tf.reduce_mean(xent)
            self.gradients = tf.gradients(self.loss, self.variables)
            self.train_op = tf1_optimizer(tf, self.optimizer).minimize(self.loss, var_list=self.variables)
            self.session = tf.Session(graph=self.graph)
            self.session.run(tf.global_variables_initializer())
            if spec.architecture == "lstm" and np.any(weights[1]):
                self.set_weights(weights)  # the cell always starts its bias at zero; the zoo's does too

    def _lstm(self, tf, dt, weights):
        """What a TF1 program writes: ``dynamic_rnn`` over the library's ``LSTMCell``, which creates its own
        kernel (here from a constant initializer holding the zoo's) and bias (always zeros, as the zoo's
        starts; another is loaded after initialization), and a dense layer from the last step's output.
        Sets ``self.variables`` (cell kernel, cell bias, dense kernel, dense bias)."""
        kernel, bias, w, b = (np.asarray(a, dtype=self.dtype) for a in weights)
        steps, features = self.spec.input_shape
        seq = tf.reshape(self.x, [-1, steps, features])
        cell = self.lstm_cell(tf, self.spec.hidden[0], tf.constant_initializer(kernel))
        _, state = tf.nn.dynamic_rnn(cell, seq, dtype=dt)
        cell_variables = tf.trainable_variables()
        shapes = [tuple(v.shape.as_list()) for v in cell_variables]
        if shapes != [kernel.shape, bias.shape]:
            raise ValueError(f"the LSTMCell made variables of shapes {shapes}, the layout has "
                             f"{[kernel.shape, bias.shape]}")
        w, b = tf.Variable(w, name="dense_0/kernel"), tf.Variable(b, name="dense_0/bias")
        self.variables = [*cell_variables, w, b]
        return tf.matmul(state.h, w) + b

    def set_weights(self, weights):
        for var, w in zip(self.variables, weights, strict=True):
            var.load(w.astype(self.dtype), self.session)

    def get_weights(self):
        return self.session.run(self.variables)

    def forward(self, x):
        return self.session.run(self.logits, {self.x: x})

    def loss_and_gradients(self, x, y):
        return self.session.run([self.loss, self.gradients], {self.x: x, self.y: y})

    def train_step(self, x, y):
        _, loss = self.session.run([self.train_op, self.loss], {self.x: x, self.y: y})
        return loss

    def close(self):
        self.session.close()

