"""Weight initialization: the initial weights every framework of a comparison loads.

Weights are drawn once, with NumPy, from a seeded generator, and loaded into
each framework (a Variable's initial value, ``assign``, ``set_weights``), so
that all of them start from the same numbers.
"""
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
