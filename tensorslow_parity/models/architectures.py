"""The zoo's architectures and their weights: which variables a model has, in which layout, drawn how.

Three architectures, all ending in a dense layer to the logits:

* ``mlp``: dense layers ``h @ W + b`` with the spec's activation between them
  (``hidden`` = the hidden widths);
* ``cnn``: the flat features reshaped to ``input_shape`` (height, width,
  channels; NHWC), then per entry of ``hidden`` a 3x3 convolution with that
  many filters (stride 1, ``SAME`` padding), the spec's activation and a 2x2
  max pool (stride 2, ``VALID``); the last feature map flattened row-major
  (h, w, c) into a dense layer to the logits;
* ``lstm``: the flat features reshaped to ``input_shape`` (time steps,
  features per step), one LSTM layer of ``hidden[0]`` units over the steps,
  and a dense layer from its last output to the logits.

The canonical weight layouts are TF1's (:func:`layout`): a dense kernel is
(fan_in, fan_out); a conv kernel (kh, kw, in, out); the LSTM is TF1's
``LSTMCell``: one kernel (features + units, 4 units) applied to ``[x_t, h]``,
its columns the gates **i, j, f, o** (input, candidate, forget, output), one
bias (4 units), and ``forget_bias = 1.0`` added to the forget gate inside the
cell: ``c' = sigmoid(f + 1) c + sigmoid(i) tanh(j)``, ``h' = sigmoid(o) tanh(c')``.
Frameworks with other layouts convert on load and back on read (Keras:
:mod:`tensorslow_parity.frameworks.keras_layers`).

Weights are drawn once with NumPy (:func:`draw_weights`): kernels
Glorot-uniform with TensorFlow's fans (a conv kernel's receptive field
multiplies both), biases uniform in +-0.1, in layout order; for an MLP the
numbers are those of :func:`tensorslow_parity.initializers.dense_weights`.
The LSTM's bias starts at zero, as TF1's ``LSTMCell`` always starts it (it
takes an initializer for its kernel only): so a TF1 program's cell can start
from the zoo's weights through its own initializers.
"""
from dataclasses import dataclass

import numpy as np

from tensorslow_parity.initializers import BIAS_LIMIT

ARCHITECTURES = ("mlp", "cnn", "lstm")

#: the CNN's convolution window and its pooling window and stride
CONV_KERNEL, POOL = 3, 2

#: TF1 LSTMCell's gate order in its kernel's and bias's columns, and its default forget bias
TF1_GATES, FORGET_BIAS = ("i", "j", "f", "o"), 1.0

#: variables that start at zero: TF1's LSTMCell always zeros its bias (only its kernel takes an initializer),
#: so a TF1 program's LSTM starts there, and its cell's variables can start from the zoo's weights
ZERO_INITIALIZED = ("lstm/bias",)


def check_spec(spec, n_features=None):
    """Raise ValueError naming the model when ``spec``'s architecture cannot be built (on ``n_features``)."""
    if spec.architecture not in ARCHITECTURES:
        raise ValueError(f"model {spec.name!r}: unknown architecture {spec.architecture!r}; "
                         f"known: {', '.join(ARCHITECTURES)}")
    if spec.architecture == "mlp":
        return
    rank = 3 if spec.architecture == "cnn" else 2
    if len(spec.input_shape) != rank or not all(int(d) > 0 for d in spec.input_shape):
        what = "(height, width, channels)" if rank == 3 else "(time steps, features per step)"
        raise ValueError(f"model {spec.name!r}: a {spec.architecture} needs input_shape {what}, "
                         f"got {spec.input_shape!r}")
    if spec.architecture == "lstm" and (len(spec.hidden) != 1 or spec.activation != "tanh"):
        raise ValueError(f"model {spec.name!r}: an lstm has one layer (hidden=(units,)) with activation 'tanh', "
                         f"got hidden={spec.hidden!r}, activation={spec.activation!r}")
    if spec.architecture == "cnn" and not spec.hidden:
        raise ValueError(f"model {spec.name!r}: a cnn needs at least one convolution (hidden=(filters, ...))")
    if n_features is not None and int(np.prod(spec.input_shape)) != n_features:
        raise ValueError(f"model {spec.name!r}: input_shape {tuple(spec.input_shape)} holds "
                         f"{int(np.prod(spec.input_shape))} values, the dataset {spec.dataset!r} has {n_features}")


def n_outputs(spec, n_classes):
    """One logit per class (softmax), or one logit (sigmoid)."""
    return n_classes if spec.output == "softmax" else 1


def cnn_feature_shape(spec):
    """(height, width, channels) of the CNN's last feature map: each pool halves height and width (floor)."""
    h, w, c = spec.input_shape
    for filters in spec.hidden:
        h, w, c = h // POOL, w // POOL, filters
    return h, w, c


def layout(spec, n_features, n_classes):
    """The model's variables in order: ``[(name, shape), ...]``, in TF1's layouts (see the module docstring)."""
    check_spec(spec, n_features)
    out = n_outputs(spec, n_classes)
    if spec.architecture == "mlp":
        widths = spec.widths(n_features, n_classes)
        return [(f"dense_{i}/{part}", shape) for i, (a, b) in enumerate(zip(widths[:-1], widths[1:]))
                for part, shape in (("kernel", (a, b)), ("bias", (b,)))]
    if spec.architecture == "cnn":
        shapes, channels = [], spec.input_shape[2]
        for i, filters in enumerate(spec.hidden):
            shapes += [(f"conv_{i}/kernel", (CONV_KERNEL, CONV_KERNEL, channels, filters)),
                       (f"conv_{i}/bias", (filters,))]
            channels = filters
        flat = int(np.prod(cnn_feature_shape(spec)))
        if flat == 0:
            raise ValueError(f"model {spec.name!r}: {len(spec.hidden)} 2x2 pools leave nothing of an input of "
                             f"{tuple(spec.input_shape)}")
        return shapes + [("dense_0/kernel", (flat, out)), ("dense_0/bias", (out,))]
    units, features = spec.hidden[0], spec.input_shape[1]
    return [("lstm/kernel", (features + units, 4 * units)), ("lstm/bias", (4 * units,)),
            ("dense_0/kernel", (units, out)), ("dense_0/bias", (out,))]


def glorot_limit(shape):
    """sqrt(6 / (fan_in + fan_out)) with TensorFlow's fans: (in, out) for a matrix, times the receptive field
    (the product of the leading dimensions) for a conv kernel (..., in, out)."""
    receptive = int(np.prod(shape[:-2]))
    return np.sqrt(6.0 / (receptive * shape[-2] + receptive * shape[-1]))


def draw_weights(rng, variables):
    """Arrays for ``variables`` (``[(name, shape), ...]``, :func:`layout`) drawn from ``rng`` in order: kernels
    (rank >= 2) Glorot-uniform, biases uniform in +-BIAS_LIMIT (nonzero, so that a framework that ignored a
    bias would show in the forward check), except the :data:`ZERO_INITIALIZED` ones (zeros, no draw)."""
    weights = []
    for name, shape in variables:
        if name in ZERO_INITIALIZED:
            weights.append(np.zeros(shape))
        elif len(shape) >= 2:
            limit = glorot_limit(shape)
            weights.append(rng.uniform(-limit, limit, size=shape))
        else:
            weights.append(rng.uniform(-BIAS_LIMIT, BIAS_LIMIT, size=shape))
    return weights


def describe(spec, n_features, n_classes):
    """The layers in a few characters, for ``tensorslow-parity models``: 64-128-10, 8x8x1-c4-c8-10, 8x8-l16-10."""
    out = n_outputs(spec, n_classes)
    if spec.architecture == "mlp":
        return "-".join(str(w) for w in spec.widths(n_features, n_classes))
    shape = "x".join(map(str, spec.input_shape))
    kind = "c" if spec.architecture == "cnn" else "lstm"
    return "-".join([shape, *(f"{kind}{h}" for h in spec.hidden), str(out)])


# -- same-seed mode for layouts other than an MLP's ------------------------------------------------------

@dataclass(frozen=True)
class SameSeedLayout:
    """Initial weights to draw rather than load, for a model that is not an MLP: the variables of ``layout``
    (``((name, shape), ...)``) drawn by TF1 initializers under ``tf.set_random_seed(seed)`` (:func:`tf1_draw`),
    in ``draw_dtype`` when given (as :class:`tensorslow_parity.initializers.SameSeed`)."""

    seed: int
    layout: tuple
    draw_dtype: str | None = None


def tf1_draw(tf, seed, variables, dtype, draw_dtype=None):
    """The ``variables`` (``[(name, shape), ...]``) drawn with ``tf`` (``tensorslow`` or
    ``tensorflow.compat.v1``) in a graph of their own under graph seed ``seed``; returns NumPy arrays of ``dtype``.

    Kernels take ``glorot_uniform_initializer()`` (TF's fans, as :func:`glorot_limit`), biases
    ``random_uniform_initializer(-BIAS_LIMIT, BIAS_LIMIT)`` (:data:`ZERO_INITIALIZED` ones
    ``zeros_initializer()``, which requests no seed), in order, with no op seed, each Variable created
    right after its draw (as :func:`tensorslow_parity.initializers.tf1_dense_variables` does): both
    libraries derive the same op seeds and so draw the same bits. The draw is on the CPU, where TensorFlow
    promises its numbers.
    """
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        draw, target = tf.as_dtype(draw_dtype or dtype), tf.as_dtype(dtype)
        created = []
        for i, (name, shape) in enumerate(variables):
            if name in ZERO_INITIALIZED:
                initializer = tf.zeros_initializer()
            elif len(shape) >= 2:
                initializer = tf.glorot_uniform_initializer()
            else:
                initializer = tf.random_uniform_initializer(-BIAS_LIMIT, BIAS_LIMIT)
            with tf.device("/cpu:0"):
                value = initializer(list(shape), dtype=draw)
                if draw != target:
                    value = tf.cast(value, target)  # after the draw: a cast requests no seed
            created.append(tf.Variable(value, name=f"w{i}"))
        with tf.Session(graph=graph) as session:
            session.run(tf.global_variables_initializer())
            return [np.asarray(w) for w in session.run(created)]
