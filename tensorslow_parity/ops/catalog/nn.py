"""Activations and ``tf.nn``: relu, relu6, leaky_relu, elu, selu, softplus, softsign, softmax, log_softmax,
cross-entropies, l2_loss, bias_add, top_k, in_top_k, and div_no_nan (the division of tf.losses' means).
One :class:`OpEntry` per op type.
"""
import numpy as np

from tensorslow_parity.ops.catalog.inputs import BINARY, CLASS_LABELS, UNARY, UNARY_RANK1
from tensorslow_parity.ops.catalog.records import OpEntry, Variant, at_kinks

ENTRIES = (
    OpEntry(
        op_type="Relu", tensorslow="nn.relu", tf_v1="tf.compat.v1.nn.relu", tf2="tf.nn.relu", keras_op="keras.ops.relu",
        keras_layer="keras.layers.ReLU", build=lambda tf, x: tf.nn.relu(x), n_float=1, family="any", examples=UNARY,
        domain="nonzero", variants=(at_kinks(lambda tf, x: tf.nn.relu(x)),)),
    OpEntry(
        op_type="Relu6", tensorslow="nn.relu6", tf_v1="tf.compat.v1.nn.relu6", tf2="tf.nn.relu6",
        keras_op="keras.ops.relu6", keras_layer="keras.layers.ReLU", build=lambda tf, x: tf.nn.relu6(x), n_float=1,
        family="any", examples=UNARY, domain="relu6", variants=(at_kinks(lambda tf, x: tf.nn.relu6(x), "relu6_kinks"),),
        notes="the layer is ReLU(max_value=6)"),
    OpEntry(
        op_type="LeakyRelu", tensorslow="nn.leaky_relu", tf_v1="tf.compat.v1.nn.leaky_relu", tf2="tf.nn.leaky_relu",
        keras_op="keras.ops.leaky_relu", keras_layer="keras.layers.LeakyReLU", build=lambda tf, x: tf.nn.leaky_relu(x),
        n_float=1, family="any", examples=UNARY, domain="nonzero",
        variants=(Variant("alpha", lambda tf, x: tf.nn.leaky_relu(x, alpha=0.05)),
                  at_kinks(lambda tf, x: tf.nn.leaky_relu(x))),
        notes="default alpha 0.2 (keras.ops.leaky_relu too); keras.layers.LeakyReLU defaults to 0.3"),
    OpEntry(
        op_type="Elu", tensorslow="nn.elu", tf_v1="tf.compat.v1.nn.elu", tf2="tf.nn.elu", keras_op="keras.ops.elu",
        keras_layer="keras.layers.ELU", build=lambda tf, x: tf.nn.elu(x), n_float=1, family="any", examples=UNARY,
        domain="nonzero", variants=(at_kinks(lambda tf, x: tf.nn.elu(x)),)),
    OpEntry(
        op_type="Selu", tensorslow="nn.selu", tf_v1="tf.compat.v1.nn.selu", tf2="tf.nn.selu", keras_op="keras.ops.selu",
        keras_layer=None, build=lambda tf, x: tf.nn.selu(x), n_float=1, family="any", examples=UNARY, domain="nonzero",
        variants=(at_kinks(lambda tf, x: tf.nn.selu(x)),)),
    OpEntry(
        op_type="Softplus", tensorslow="nn.softplus", tf_v1="tf.compat.v1.nn.softplus", tf2="tf.nn.softplus",
        keras_op="keras.ops.softplus", keras_layer=None, build=lambda tf, x: tf.nn.softplus(x), n_float=1, family="any",
        examples=UNARY),
    OpEntry(
        op_type="Softsign", tensorslow="nn.softsign", tf_v1="tf.compat.v1.nn.softsign", tf2="tf.nn.softsign",
        keras_op="keras.ops.softsign", keras_layer=None, build=lambda tf, x: tf.nn.softsign(x), n_float=1,
        family="any", examples=UNARY),
    OpEntry(
        op_type="Softmax", tensorslow="nn.softmax", tf_v1="tf.compat.v1.nn.softmax", tf2="tf.nn.softmax",
        keras_op="keras.ops.softmax", keras_layer="keras.layers.Softmax", build=lambda tf, x: tf.nn.softmax(x),
        n_float=1, family="rank1+", examples=UNARY_RANK1,
        variants=(Variant("axis0", lambda tf, x: tf.nn.softmax(x, axis=0)),
                  Variant("tf1_dim", lambda tf, x: tf.nn.softmax(x, dim=0)))),
    OpEntry(
        op_type="LogSoftmax", tensorslow="nn.log_softmax", tf_v1="tf.compat.v1.nn.log_softmax", tf2="tf.nn.log_softmax",
        keras_op="keras.ops.log_softmax", keras_layer=None, build=lambda tf, x: tf.nn.log_softmax(x), n_float=1,
        family="rank1+", examples=UNARY_RANK1,
        variants=(Variant("axis0", lambda tf, x: tf.nn.log_softmax(x, axis=0)),)),
    OpEntry(
        op_type="SoftmaxCrossEntropyWithLogits", tensorslow="nn.softmax_cross_entropy_with_logits_v2",
        tf_v1="tf.compat.v1.nn.softmax_cross_entropy_with_logits_v2", tf2="tf.nn.softmax_cross_entropy_with_logits",
        keras_op="keras.ops.categorical_crossentropy", keras_layer=None,
        build=lambda tf, z, p: tf.nn.softmax_cross_entropy_with_logits_v2(labels=p, logits=z), n_float=2,
        family="same_rank1+", examples=(((3, 4), (3, 4)), ((5,), (5,)), ((2, 1, 3), (2, 1, 3))),
        domain=("real", "probabilities"),
        variants=(Variant("tf1_labels_stopped",
                          lambda tf, z, p: tf.nn.softmax_cross_entropy_with_logits(labels=p, logits=z),
                    stopped_inputs=(1,)),),
        notes="labels are probability rows: the logits gradient is TF's kernel's softmax - labels, exact only "
              "when rows sum to 1; the _v2 op differentiates labels too, TF1's version stops them. Keras: "
              "categorical_crossentropy(labels, logits, from_logits=True)"),
    OpEntry(
        op_type="SparseSoftmaxCrossEntropyWithLogits", tensorslow="nn.sparse_softmax_cross_entropy_with_logits",
        tf_v1="tf.compat.v1.nn.sparse_softmax_cross_entropy_with_logits",
        tf2="tf.nn.sparse_softmax_cross_entropy_with_logits", keras_op="keras.ops.sparse_categorical_crossentropy",
        keras_layer=None, build=lambda tf, z, k: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=k, logits=z),
        n_float=1, family="rank1+", examples=(((3, 4),), ((5,),), ((2, 3, 4),)), extras=(CLASS_LABELS,),
        notes="labels are class indices (no gradient). Keras: sparse_categorical_crossentropy(..., "
              "from_logits=True)"),
    OpEntry(
        op_type="L2Loss", tensorslow="nn.l2_loss", tf_v1="tf.compat.v1.nn.l2_loss", tf2="tf.nn.l2_loss", keras_op=None,
        keras_layer=None, build=lambda tf, x: tf.nn.l2_loss(x), n_float=1, family="any", examples=UNARY),
    OpEntry(
        op_type="BiasAdd", tensorslow="nn.bias_add", tf_v1="tf.compat.v1.nn.bias_add", tf2="tf.nn.bias_add",
        keras_op=None, keras_layer=None, build=lambda tf, x, b: tf.nn.bias_add(x, b), n_float=2, family="bias",
        examples=(((2, 3), (3,)), ((2, 1, 4), (4,))), broadcasts=True,
        notes="the bias broadcasts along the last axis; Keras adds it inside Dense/Conv layers"),
    OpEntry(
        op_type="TopKV2", tensorslow="nn.top_k", tf_v1="tf.compat.v1.nn.top_k", tf2="tf.math.top_k",
        keras_op="keras.ops.top_k", keras_layer=None,
        build=lambda tf, x: tf.nn.top_k(x, min(2, x.shape.as_list()[-1])).values, n_float=1, family="rank1+",
        examples=UNARY_RANK1, domain="distinct",
        variants=(Variant("indices", lambda tf, x: tf.nn.top_k(x, min(3, x.shape.as_list()[-1])).indices),
                  Variant("ties", lambda tf, x: tf.nn.top_k(x, min(3, x.shape.as_list()[-1])).values,
                          domain="small_integers", finite_differences=False)),
        notes="values and indices of the k largest along the last axis; ties: the lower index first. "
              "One op with two outputs (TopKV2:0 values, TopKV2:1 indices), as in TF"),
    OpEntry(
        op_type="InTopKV2", tensorslow="nn.in_top_k", tf_v1="tf.compat.v1.nn.in_top_k", tf2="tf.math.in_top_k",
        keras_op="keras.ops.in_top_k", keras_layer=None,
        build=lambda tf, x, t: tf.nn.in_top_k(tf.cast(x, tf.float32), t, 2), n_float=1, family="rank2",
        examples=(((3, 4),), ((5, 2),)), domain="small_integers", extras=(CLASS_LABELS,), differentiable=False,
        notes="predictions are float32 only (as TF); with ties a target counts if fewer than k are strictly "
              "greater"),
    OpEntry(
        op_type="DivNoNan", tensorslow="div_no_nan", tf_v1="tf.compat.v1.div_no_nan", tf2="tf.math.divide_no_nan",
        keras_op="keras.ops.divide_no_nan", keras_layer=None, build=lambda tf, x, y: tf.div_no_nan(x, y), n_float=2,
        family="broadcast", examples=BINARY, domain=("real", "nonzero"), broadcasts=True,
        variants=(Variant("zero_divisors", lambda tf, x, y: tf.div_no_nan(x, y), domain="small_integers",
                          finite_differences=False),),
        notes="x / y, and 0 where y == 0; tf.losses divides by it so that all-zero weights give a loss of 0"),
)


# -- the ops nce_loss and sampled_softmax_loss are built from (besides the candidate samplers, in random.py) --
def _slice_to_end(tf, x):
    """tf.slice from the middle of every axis to its end (size -1)."""
    dims = x.shape.as_list()
    return tf.slice(x, [d // 2 for d in dims], [-1] * len(dims))


def _slice_sized(tf, x):
    """tf.slice of the first half (rounded up) of every axis, sizes given."""
    dims = x.shape.as_list()
    return tf.slice(x, [0] * len(dims), [(d + 1) // 2 for d in dims])


def _scatter(tf, default, values):
    """tf.sparse_to_dense with one value per sorted index of a (n + 1, 2) array: [k, k % 2] for value k."""
    n = max(1, int(np.prod(values.shape.as_list())))
    return tf.sparse_to_dense([[k, k % 2] for k in range(n)], [n + 1, 2], tf.reshape(values, [-1]), default)


def _hits(tf):
    """All three outputs of compute_accidental_hits, as one float vector."""
    hits = tf.nn.compute_accidental_hits(tf.constant([[1, 2], [3, 1], [4, 0]], tf.int64),
                                         tf.constant([1, 5, 2, 1, 0], tf.int64), 2)
    return tf.concat([tf.cast(hits.indices, tf.float32), tf.cast(hits.ids, tf.float32), hits.weights], 0)


ENTRIES = ENTRIES + (
    OpEntry(
        op_type="Slice", tensorslow="slice", tf_v1="tf.compat.v1.slice", tf2="tf.slice", keras_op="keras.ops.slice",
        keras_layer=None, build=_slice_to_end, n_float=1, family="rank1+", examples=UNARY_RANK1,
        variants=(Variant("sizes", _slice_sized),),
        notes="x[begin : begin + size] per axis; size -1 takes the rest of the axis"),
    OpEntry(
        op_type="SparseToDense", tensorslow="sparse_to_dense", tf_v1="tf.compat.v1.sparse_to_dense", tf2=None,
        keras_op=None, keras_layer=None, build=_scatter, n_float=2, family="scalar_and_any",
        examples=(((), (3,)), ((), (2, 2))),
        notes="default_value everywhere but at the indices; sampled_softmax_loss masks accidental hits with it"),
    OpEntry(
        op_type="ComputeAccidentalHits", tensorslow="nn.compute_accidental_hits",
        tf_v1="tf.compat.v1.nn.compute_accidental_hits", tf2="tf.nn.compute_accidental_hits", keras_op=None,
        keras_layer=None, build=_hits, n_float=0, family="none", examples=((),), differentiable=False,
        notes="(row, sampled position, -FLT_MAX) per sampled class that is a true class of the row; three outputs "
              "of one op"),
)
