"""Random ops. Their values are not comparable with TensorFlow's (TensorSlow does not reproduce TF's random
streams): each entry has a ``sanity`` check of the distribution instead. One :class:`OpEntry` per op type.
"""
import numpy as np

from tensorslow_parity.ops.catalog.records import OpEntry


def between(low, high):
    return lambda v: bool(np.all((v >= low) & (v < high)))


ENTRIES = (
    OpEntry(
        op_type="RandomStandardNormal", tensorslow="random_normal", tf_v1="tf.compat.v1.random_normal",
        tf2="tf.random.normal", keras_op="keras.random.normal", keras_layer=None,
        build=lambda tf: tf.random_normal([64, 8], mean=1.0, stddev=2.0, seed=3), n_float=0, family="none",
        examples=((),), differentiable=False, forward_comparable=False,
        sanity=lambda v: abs(float(v.mean()) - 1.0) < 0.5 and 1.5 < float(v.std()) < 2.5,
        notes="seeded like TF (graph seed, op seed) but from NumPy's generator: same distribution, "
              "different numbers"),
    OpEntry(
        op_type="TruncatedNormal", tensorslow="truncated_normal", tf_v1="tf.compat.v1.truncated_normal",
        tf2="tf.random.truncated_normal", keras_op="keras.random.truncated_normal", keras_layer=None,
        build=lambda tf: tf.truncated_normal([64, 8], stddev=0.5, seed=3), n_float=0, family="none", examples=((),),
        differentiable=False, forward_comparable=False,
        sanity=lambda v: bool(np.all(np.abs(v) <= 1.0)) and float(v.std()) > 0.3,
        notes="redrawn beyond 2 stddev, as in TF; numbers differ from TF's"),
    OpEntry(
        op_type="RandomUniform", tensorslow="random_uniform", tf_v1="tf.compat.v1.random_uniform",
        tf2="tf.random.uniform", keras_op="keras.random.uniform", keras_layer=None,
        build=lambda tf: tf.random_uniform([64, 8], minval=-1.0, maxval=3.0, seed=3), n_float=0, family="none",
        examples=((),), differentiable=False, forward_comparable=False, sanity=between(-1.0, 3.0),
        notes="numbers differ from TF's"),
    OpEntry(
        op_type="RandomUniformInt", tensorslow="random_uniform", tf_v1="tf.compat.v1.random_uniform",
        tf2="tf.random.uniform", keras_op="keras.random.randint", keras_layer=None,
        build=lambda tf: tf.random_uniform([64, 8], minval=2, maxval=7, dtype=tf.int32, seed=3), n_float=0,
        family="none", examples=((),), differentiable=False, forward_comparable=False,
        sanity=lambda v: between(2, 7)(v) and len(np.unique(v)) == 5,
        notes="random_uniform with an integer dtype; numbers differ from TF's"),
)
