"""Sequence ops of the RNN code: ReverseSequence (``tf.reverse_sequence``, which
``bidirectional_dynamic_rnn`` uses to read each sequence backwards from its own end).

The lengths are drawn in [0, steps], so that empty, partial and full reversals all occur; the
``time_major`` variant reverses axis 0 of entries along axis 1.
"""
import numpy as np

from tensorslow_parity.ops.catalog.inputs import Extra
from tensorslow_parity.ops.catalog.records import OpEntry, Variant


def _lengths(seq_axis, batch_axis):
    def make(rng, shapes):
        steps, batch = shapes[0][seq_axis], shapes[0][batch_axis]
        return rng.integers(0, steps + 1, size=(batch,)).astype(np.int32)
    return Extra(f"seq_lengths (int32 in [0, steps], one per entry of axis {batch_axis})", make)


ENTRIES = (
    OpEntry(
        op_type="ReverseSequence", tensorslow="reverse_sequence", tf_v1="tf.compat.v1.reverse_sequence",
        tf2="tf.reverse_sequence", keras_op=None, keras_layer=None,
        build=lambda tf, x, lengths: tf.reverse_sequence(x, lengths, seq_axis=1, batch_axis=0), n_float=1,
        family="rank2+", examples=(((3, 4, 2),), ((2, 5),)), extras=(_lengths(1, 0),),
        variants=(Variant("time_major",
                          lambda tf, x, lengths: tf.reverse_sequence(x, lengths, seq_axis=0, batch_axis=1),
                          extras=(_lengths(0, 1),)),)),
)
