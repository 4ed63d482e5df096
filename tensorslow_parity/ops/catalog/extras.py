"""Ops that classic TF1 programs use beyond the basics: LRN (``tf.nn.lrn``, the CIFAR-10 tutorial's
normalization), the segment sums (``tf.unsorted_segment_sum`` for k-means, ``segment_sum``,
``segment_mean``), Print (``tf.Print``, the identity that prints) and PyFunc / PyFuncStateless
(``tf.py_func``, no gradient).

Segment ids are drawn for the first axis of the data: unsorted ones in [-1, 3) (a -1 drops its row),
sorted ones in [0, 3) (segment 1 may be empty, so empty segments occur). TensorFlow's LRN kernel is
float32 (and float16) only: in float64 the TensorFlow side of the comparison evaluates LRN's formula
with float64 ops (``_lrn_formula``), so TensorSlow's float64 kernel is checked against the same math.
"""
import numpy as np

from tensorslow_parity.ops.catalog.inputs import UNARY, Extra
from tensorslow_parity.ops.catalog.records import OpEntry, Variant

LRN_SHAPES = (((2, 3, 3, 4),), ((1, 2, 2, 7),))
SEGMENT_SHAPES = (((5, 3),), ((4,),), ((6, 2, 2),))
NUM_SEGMENTS = 3


def _lrn_formula(tf, x, depth_radius, bias, alpha, beta):
    """y = x * (bias + alpha * S) ** -beta with S the sum of squares over the channel window, as ops."""
    depth = x.shape.as_list()[-1]
    band = np.array([[abs(i - j) <= depth_radius for j in range(depth)] for i in range(depth)], np.float64)
    squares = tf.reshape(tf.square(x), [-1, depth])
    sums = tf.reshape(tf.matmul(squares, tf.constant(band)), tf.shape(x))
    return x * tf.pow(bias + alpha * sums, -beta)


def lrn(depth_radius=5, bias=1.0, alpha=1.0, beta=0.5):
    """A builder of tf.nn.lrn with these parameters (the formula on TensorFlow's side in float64)."""
    def build(tf, x):
        if x.dtype == tf.float64 and tf.__name__.startswith("tensorflow"):  # TF has no float64 LRN kernel
            return _lrn_formula(tf, x, depth_radius, bias, alpha, beta)
        return tf.nn.lrn(x, depth_radius, bias, alpha, beta)
    return build


def _unsorted_ids(rng, shapes):
    return rng.integers(-1, NUM_SEGMENTS, size=shapes[0][0]).astype(np.int32)


def _sorted_ids(rng, shapes):
    ids = np.sort(rng.integers(0, NUM_SEGMENTS, size=shapes[0][0]))
    ids[-1] = NUM_SEGMENTS - 1  # the output has NUM_SEGMENTS rows whatever was drawn
    return ids.astype(np.int32)


UNSORTED_IDS = Extra(f"segment_ids (int32 in [-1, {NUM_SEGMENTS}), one per row)", _unsorted_ids)
SORTED_IDS = Extra(f"segment_ids (sorted int32 in [0, {NUM_SEGMENTS}), the last {NUM_SEGMENTS - 1})", _sorted_ids)

ENTRIES = (
    OpEntry(
        op_type="LRN", tensorslow="nn.lrn", tf_v1="tf.compat.v1.nn.lrn", tf2="tf.nn.local_response_normalization",
        keras_op=None, keras_layer=None, build=lrn(), n_float=1, family="rank4", examples=LRN_SHAPES,
        variants=(Variant("cifar10", lrn(4, 1.0, 0.001 / 9.0, 0.75)), Variant("beta_one", lrn(1, 2.0, 0.5, 1.0)),
                  Variant("radius0", lrn(0, 1.0, 1.0, 0.5))),
        notes="TF's kernel is float16/float32 only (TensorSlow also runs float64)"),
    OpEntry(
        op_type="UnsortedSegmentSum", tensorslow="unsorted_segment_sum", tf_v1="tf.compat.v1.unsorted_segment_sum",
        tf2="tf.math.unsorted_segment_sum", keras_op="keras.ops.segment_sum", keras_layer=None,
        build=lambda tf, x, ids: tf.unsorted_segment_sum(x, ids, NUM_SEGMENTS), n_float=1, family="rank1+",
        examples=SEGMENT_SHAPES, extras=(UNSORTED_IDS,), notes="a negative id drops its row"),
    OpEntry(
        op_type="SegmentSum", tensorslow="segment_sum", tf_v1="tf.compat.v1.segment_sum", tf2="tf.math.segment_sum",
        keras_op=None, keras_layer=None, build=lambda tf, x, ids: tf.segment_sum(x, ids), n_float=1,
        family="rank1+", examples=SEGMENT_SHAPES, extras=(SORTED_IDS,)),
    OpEntry(
        op_type="SegmentMean", tensorslow="segment_mean", tf_v1="tf.compat.v1.segment_mean",
        tf2="tf.math.segment_mean", keras_op=None, keras_layer=None, build=lambda tf, x, ids: tf.segment_mean(x, ids),
        n_float=1, family="rank1+", examples=SEGMENT_SHAPES, extras=(SORTED_IDS,), notes="0 for an empty segment"),
    OpEntry(
        op_type="Print", tensorslow="Print", tf_v1="tf.compat.v1.Print", tf2=None, keras_op=None, keras_layer=None,
        build=lambda tf, x: tf.Print(x, [x], message="op catalog, Print: ", first_n=1), n_float=1, family="any",
        examples=UNARY, notes="the identity; prints its data to stderr (tf.print is PrintV2, an op with no output)"),
    OpEntry(
        op_type="PyFunc", tensorslow="py_func", tf_v1="tf.compat.v1.py_func", tf2="tf.numpy_function",
        keras_op=None, keras_layer=None, build=lambda tf, x: tf.py_func(np.tanh, [x], x.dtype), n_float=1,
        family="any", examples=UNARY, differentiable=False, notes="NumPy inside the graph; no gradient"),
    OpEntry(
        op_type="PyFuncStateless", tensorslow="py_func", tf_v1="tf.compat.v1.py_func", tf2="tf.numpy_function",
        keras_op=None, keras_layer=None, build=lambda tf, x: tf.py_func(np.square, [x], x.dtype, stateful=False),
        n_float=1, family="any", examples=UNARY, differentiable=False),
)
