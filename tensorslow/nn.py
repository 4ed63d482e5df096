"""``tf.nn``: activations, softmax, cross-entropies and friends."""
from .ops.nn_ops import (  # noqa: F401
    bias_add, dropout, elu, l2_loss, leaky_relu, log_softmax, moments, relu, relu6, selu, sigmoid,
    sigmoid_cross_entropy_with_logits, softmax, softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2, softplus, sparse_softmax_cross_entropy_with_logits, tanh,
)
