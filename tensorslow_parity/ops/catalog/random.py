"""Random ops. TensorSlow draws TensorFlow's own streams (Philox-4x32-10 and TF's recipes, ``tensorslow/philox.py``),
so with the same seeds the values are compared with TensorFlow's like any op's; each entry also keeps a
``sanity`` check of the distribution. One :class:`OpEntry` per op type.
"""
import numpy as np

from tensorslow_parity.ops.catalog.records import OpEntry, Variant


def between(low, high):
    return lambda v: bool(np.all((v >= low) & (v < high)))


ENTRIES = (
    OpEntry(
        op_type="RandomStandardNormal", tensorslow="random_normal", tf_v1="tf.compat.v1.random_normal",
        tf2="tf.random.normal", keras_op="keras.random.normal", keras_layer=None,
        build=lambda tf: tf.random_normal([64, 8], mean=1.0, stddev=2.0, seed=3), n_float=0, family="none",
        examples=((),), differentiable=False, forward_comparable=True,
        sanity=lambda v: abs(float(v.mean()) - 1.0) < 0.5 and 1.5 < float(v.std()) < 2.5,
        notes="TF's Philox stream and Box-Muller recipe: the same numbers for the same seeds"),
    OpEntry(
        op_type="TruncatedNormal", tensorslow="truncated_normal", tf_v1="tf.compat.v1.truncated_normal",
        tf2="tf.random.truncated_normal", keras_op="keras.random.truncated_normal", keras_layer=None,
        build=lambda tf: tf.truncated_normal([64, 8], stddev=0.5, seed=3), n_float=0, family="none", examples=((),),
        differentiable=False, forward_comparable=True,
        sanity=lambda v: bool(np.all(np.abs(v) <= 1.0)) and float(v.std()) > 0.3,
        notes="redrawn beyond 2 stddev with TF's reserved samples: the same numbers for the same seeds"),
    OpEntry(
        op_type="RandomUniform", tensorslow="random_uniform", tf_v1="tf.compat.v1.random_uniform",
        tf2="tf.random.uniform", keras_op="keras.random.uniform", keras_layer=None,
        build=lambda tf: tf.random_uniform([64, 8], minval=-1.0, maxval=3.0, seed=3), n_float=0, family="none",
        examples=((),), differentiable=False, forward_comparable=True, sanity=between(-1.0, 3.0),
        notes="the same numbers as TF's for the same seeds"),
    OpEntry(
        op_type="RandomUniformInt", tensorslow="random_uniform", tf_v1="tf.compat.v1.random_uniform",
        tf2="tf.random.uniform", keras_op="keras.random.randint", keras_layer=None,
        build=lambda tf: tf.random_uniform([64, 8], minval=2, maxval=7, dtype=tf.int32, seed=3), n_float=0,
        family="none", examples=((),), differentiable=False, forward_comparable=True,
        sanity=lambda v: between(2, 7)(v) and len(np.unique(v)) == 5,
        notes="random_uniform with an integer dtype (modular reduction, as TF): the same numbers"),
)


# -- candidate samplers (nce_loss, sampled_softmax_loss) ------------------------------------------
def _sampler_outputs(tf, sampler, unique):
    """A candidate sampler's three outputs (sampled classes, true and sampled expected counts) as one vector."""
    s = sampler([[1, 2], [0, 7], [3, 3]], 2, 6, unique, 10, seed=3)
    return tf.concat([tf.cast(s.sampled_candidates, tf.float32), tf.reshape(s.true_expected_count, [-1]),
                      s.sampled_expected_count], 0)


def _sampled_and_counts_sane(v):
    classes, counts = v[:6], v[6:]
    return bool(np.all((classes >= 0) & (classes < 10) & (classes == np.round(classes)))) and \
        bool(np.all((counts > 0) & (counts <= 6)))


ENTRIES = ENTRIES + (
    OpEntry(
        op_type="LogUniformCandidateSampler", tensorslow="nn.log_uniform_candidate_sampler",
        tf_v1="tf.compat.v1.nn.log_uniform_candidate_sampler", tf2="tf.random.log_uniform_candidate_sampler",
        keras_op=None, keras_layer=None,
        build=lambda tf: _sampler_outputs(tf, tf.nn.log_uniform_candidate_sampler, True), n_float=0,
        family="none", examples=((),), differentiable=False, forward_comparable=True,
        sanity=_sampled_and_counts_sane,
        variants=(Variant("with_repeats",
                          lambda tf: _sampler_outputs(tf, tf.nn.log_uniform_candidate_sampler, False)),),
        notes="TF's stream (2048 words reserved per sampled class, two per draw) and float32 expected counts "
              "(the C library's log1pf/expm1f): the same classes and counts for the same seeds"),
    OpEntry(
        op_type="UniformCandidateSampler", tensorslow="nn.uniform_candidate_sampler",
        tf_v1="tf.compat.v1.nn.uniform_candidate_sampler", tf2="tf.random.uniform_candidate_sampler",
        keras_op=None, keras_layer=None,
        build=lambda tf: _sampler_outputs(tf, tf.nn.uniform_candidate_sampler, True), n_float=0,
        family="none", examples=((),), differentiable=False, forward_comparable=True,
        sanity=_sampled_and_counts_sane,
        variants=(Variant("with_repeats", lambda tf: _sampler_outputs(tf, tf.nn.uniform_candidate_sampler, False)),),
        notes="a 64-bit word pair modulo range_max per draw: the same classes and counts for the same seeds"),
    OpEntry(
        op_type="RandomShuffle", tensorslow="random_shuffle", tf_v1="tf.compat.v1.random_shuffle",
        tf2="tf.random.shuffle", keras_op="keras.random.shuffle", keras_layer=None,
        build=lambda tf: tf.random_shuffle(np.arange(24.0).reshape(8, 3), seed=3), n_float=0, family="none",
        examples=((),), differentiable=False, forward_comparable=True,
        sanity=lambda v: np.array_equal(np.sort(v[:, 0]), np.arange(0.0, 24.0, 3.0)) and np.all(np.diff(v) == 1),
        notes="rows permuted by TF's Fisher-Yates draws from the Philox stream: the same order for the same seeds"),
    OpEntry(
        op_type="Multinomial", tensorslow="multinomial", tf_v1="tf.compat.v1.multinomial",
        tf2="tf.random.categorical", keras_op="keras.random.categorical", keras_layer=None,
        build=lambda tf: tf.multinomial(np.log([[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]]), 64, seed=3), n_float=0,
        family="none", examples=((),), differentiable=False, forward_comparable=True,
        sanity=lambda v: between(0, 3)(v) and float(np.mean(v[1] == 0)) > 0.6,
        notes="TF's running CDF per row and uniform doubles, in TF's blocks of rows per thread: the same samples"),
)
