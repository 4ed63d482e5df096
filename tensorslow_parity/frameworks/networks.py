"""The zoo's networks written with TensorFlow's ops: one code for ``tensorslow``, ``tf.compat.v1`` and ``tf``.

Each function takes ``tf``, a module with TF's ops (``matmul``, ``reshape``,
``nn.conv2d``, ``nn.max_pool``, ``sigmoid``, ``tanh``, ``split``, ``concat``),
the input batch ``x`` as the dataset gives it, flat (n, features), and the
variables in the spec's layout (:func:`tensorslow_parity.models.architectures.layout`);
it returns the logits (n, outputs). The graph-mode builder builds its LSTM with
the library's own ``LSTMCell`` instead (:mod:`.graph_mode`);
:func:`lstm_logits` writes the same cell out by hand for eager TensorFlow 2.
"""
from tensorslow_parity.frameworks.base import mlp_logits
from tensorslow_parity.models.architectures import FORGET_BIAS, POOL


def n_inputs(spec, weights):
    """The number of features of one flat example: the first kernel's fan-in for an MLP, else the product of
    the spec's ``input_shape``. ``weights`` may be arrays or any objects with a ``shape``."""
    if spec.architecture == "mlp":
        return int(weights[0].shape[0])
    n = 1
    for d in spec.input_shape:
        n *= int(d)
    return n


def logits(tf, x, variables, spec):
    """The logits of the spec's network for the flat batch ``x``."""
    if spec.architecture == "cnn":
        return cnn_logits(tf, x, variables, spec)
    if spec.architecture == "lstm":
        return lstm_logits(tf, x, variables, spec)
    return mlp_logits(tf, x, variables, spec)


def cnn_logits(tf, x, variables, spec):
    """conv (3x3, stride 1, SAME) + bias, activation, max pool (2x2, stride 2, VALID), per convolution; then
    the last feature map flattened row-major over (h, w, c), as ``reshape`` of an NHWC tensor does, and
    ``h @ W + b``."""
    h = tf.reshape(x, [-1, *spec.input_shape])
    n_conv = len(spec.hidden)
    for layer in range(n_conv):
        kernel, bias = variables[2 * layer], variables[2 * layer + 1]
        h = getattr(tf.nn, spec.activation)(tf.nn.conv2d(h, kernel, [1, 1, 1, 1], "SAME") + bias)
        h = tf.nn.max_pool(h, [1, POOL, POOL, 1], [1, POOL, POOL, 1], "VALID")
    kernel, bias = variables[2 * n_conv], variables[2 * n_conv + 1]
    return tf.matmul(tf.reshape(h, [-1, int(kernel.shape[0])]), kernel) + bias


def lstm_step(tf, x_t, state, kernel, bias):
    """One step of TF1's ``LSTMCell`` (no peepholes, no projection), written out: gates
    ``[i, j, f, o] = split([x_t, h] @ kernel + bias, 4)``, ``c' = sigmoid(f + forget_bias) c + sigmoid(i) tanh(j)``,
    ``h' = sigmoid(o) tanh(c')``; returns ``(c', h')``."""
    c, h = state
    i, j, f, o = tf.split(tf.matmul(tf.concat([x_t, h], 1), kernel) + bias, 4, axis=1)
    c = tf.sigmoid(f + FORGET_BIAS) * c + tf.sigmoid(i) * tf.tanh(j)
    return c, tf.sigmoid(o) * tf.tanh(c)


def lstm_logits(tf, x, variables, spec):
    """The LSTM unrolled over the ``input_shape[0]`` steps from a zero state (:func:`lstm_step`), then
    ``h_T @ W + b``."""
    kernel, bias, w, b = variables
    steps, features = spec.input_shape
    seq = tf.reshape(x, [-1, steps, features])
    zeros = tf.zeros([tf.shape(x)[0], spec.hidden[0]], dtype=x.dtype)
    state = (zeros, zeros)
    for t in range(steps):
        state = lstm_step(tf, seq[:, t, :], state, kernel, bias)
    return tf.matmul(state[1], w) + b
