"""Weight initialization: the initial weights every framework of a comparison loads.

Weights are drawn once, with NumPy, from a seeded generator, and loaded into
each framework (a Variable's initial value, ``assign``, ``set_weights``), so
that all of them start from the same numbers.

``tensorslow-parity run --init same-seed`` draws them instead with TF1's
initializers under a graph seed (:func:`tf1_dense_variables`): TensorSlow and
tf1 each draw their own, and the other frameworks load TensorSlow's draw
(:func:`same_seed_weights`).
"""
from dataclasses import dataclass

import numpy as np

#: half-width of the uniform distribution of the biases
BIAS_LIMIT = 0.1


def glorot_uniform(rng, fan_in, fan_out):
    """A (fan_in, fan_out) kernel uniform in +-sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio; Keras's default)."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def dense_weights(rng, widths):
    """[W0, b0, W1, b1, ...] of an MLP with layer ``widths`` (input to output), drawn from ``rng`` in that order.

    Kernels are Glorot-uniform, (fan_in, fan_out): the layout of ``x @ W + b``.
    Biases are uniform in +-0.1: nonzero, so that a framework that ignored its
    bias would show in the forward check.
    """
    weights = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        weights.append(glorot_uniform(rng, fan_in, fan_out))
        weights.append(rng.uniform(-BIAS_LIMIT, BIAS_LIMIT, size=(fan_out,)))
    return weights


# -- same-seed mode: TF1 initializers under a graph seed --------------------------------------------------

#: the ``--init`` modes of ``tensorslow-parity run`` (see :mod:`tensorslow_parity.schema`)
INJECTED, SAME_SEED = "injected", "same-seed"
INIT_MODES = (INJECTED, SAME_SEED)


@dataclass(frozen=True)
class SameSeed:
    """Initial weights to draw rather than load: TF1 initializers under ``tf.set_random_seed(seed)``.

    What a self-drawing framework (TensorSlow, tf1) receives in place of the
    weight arrays. ``widths`` are the layer widths, input to output;
    ``draw_dtype`` the dtype the initializers draw in, when it is not the
    model's own (the float64 reference of a float32 row draws float32 numbers
    and casts them, so that it starts where that row starts).
    """

    seed: int
    widths: tuple
    draw_dtype: str | None = None


def tf1_dense_variables(tf, widths, dtype, draw_dtype=None):
    """Create the MLP's Variables [W0, b0, W1, b1, ...] in the default graph, drawn by TF1 initializers.

    ``tf`` is ``tensorslow`` or ``tensorflow.compat.v1``; the caller has set
    the graph seed. Each kernel is ``glorot_uniform_initializer()`` (uniform in
    +-sqrt(6 / (fan_in + fan_out))), each bias
    ``random_uniform_initializer(-BIAS_LIMIT, BIAS_LIMIT)``, drawn in that
    order: no op seed is given, so each takes the next op seed TF1 derives from
    the graph's count of seed requests, and both libraries draw the same
    Philox words. The draws are placed on the CPU: TensorFlow promises its
    CPU kernels' numbers, and a GPU kernel may draw others (truncated normals
    do); the Variables themselves follow the caller's device scope.
    """
    draw = tf.as_dtype(draw_dtype or dtype)
    variables = []
    for layer, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        for part, initializer, shape in (
                ("kernel", tf.glorot_uniform_initializer(), [fan_in, fan_out]),
                ("bias", tf.random_uniform_initializer(-BIAS_LIMIT, BIAS_LIMIT), [fan_out])):
            with tf.device("/cpu:0"):
                value = initializer(shape, dtype=draw)
                if draw != tf.as_dtype(dtype):
                    value = tf.cast(value, dtype)  # after the draw: a cast requests no seed
            variables.append(tf.Variable(value, name=f"dense_{layer}/{part}"))
    return variables


def same_seed_weights(seed, widths, dtype):
    """The weights TensorSlow draws for ``SameSeed(seed, widths)`` in ``dtype`` (NumPy arrays of that dtype).

    What the frameworks that cannot draw TF1's streams (tf2, Keras) are
    given, and what every row's starting weights are checked against. It needs
    TensorSlow only, not TensorFlow. float32 and float64 draw different
    numbers from one seed: a float32 uniform takes one 32-bit Philox word per
    value, a float64 uniform two.
    """
    import tensorslow as ts
    graph = ts.Graph()
    with graph.as_default():
        ts.set_random_seed(seed)
        variables = tf1_dense_variables(ts, widths, ts.as_dtype(np.dtype(dtype).name))
        with ts.Session(graph=graph) as session:
            session.run(ts.global_variables_initializer())
            return [np.asarray(w) for w in session.run(variables)]
