"""``tf.nn``: activations, softmax, cross-entropies and friends."""
from .ops.array_extra_ops import depth_to_space, space_to_depth
from .ops.candidate_sampling_ops import (
    compute_accidental_hits,
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
)
from .ops.conv_ops import conv1d, conv2d, conv2d_backprop_input, conv2d_transpose, convolution
from .ops.embedding_ops import embedding_lookup
from .ops.lrn_ops import local_response_normalization, lrn
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
from .ops.pool_ops import avg_pool, avg_pool1d, avg_pool2d, max_pool, max_pool1d, max_pool2d
from .ops.sampled_losses import nce_loss, sampled_softmax_loss
from .ops.topk_ops import in_top_k, top_k
from .rnn import bidirectional_dynamic_rnn, dynamic_rnn, rnn_cell, static_rnn
