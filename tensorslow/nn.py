"""``tf.nn``: activations, softmax, cross-entropies and friends."""
from .ops.embedding_ops import embedding_lookup
from .ops.nn_impl import batch_normalization, dropout, l2_normalize, moments, weighted_cross_entropy_with_logits
from .ops.nn_ops import (
    bias_add,
    elu,
    l2_loss,
    leaky_relu,
    log_softmax,
    relu,
    relu6,
    selu,
    sigmoid,
    sigmoid_cross_entropy_with_logits,
    softmax,
    softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
    softplus,
    softsign,
    sparse_softmax_cross_entropy_with_logits,
    tanh,
)
from .ops.topk_ops import in_top_k, top_k
