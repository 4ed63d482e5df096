"""More array ops: reverse, roll, broadcast_to, space_to_depth, depth_to_space, unique, bincount, linspace, and
gathering and scattering by N-d indices (gather_nd, scatter_nd, tensor_scatter_nd_update/add/sub). One
:class:`OpEntry` per op type.

The N-d indices are fixed extras drawn from the float input's shape: in range, with repeats where the op sums
them (gather_nd's gradient, scatter_nd, tensor_scatter_nd_add/sub) and without where a repeated index would make
the op ambiguous (tensor_scatter_nd_update: the last update wins, but TF's gradient reaches every update).
Unique and bincount have no gradient in TF (it raises for them): their builders return integer outputs.
"""
import numpy as np

from tensorslow_parity.ops.catalog.inputs import UNARY, UNARY_RANK1, UNARY_RANK2, Extra
from tensorslow_parity.ops.catalog.records import OpEntry, Variant

RANK4 = (((2, 3, 4, 3),), ((1, 2, 2, 1),))
SAME_RANK1 = (((3, 2), (3, 2)), ((4,), (4,)), ((2, 1, 3), (2, 1, 3)))
SCATTER_ROWS = 4


def _pairs(rng, shapes):
    s = shapes[0]
    return np.stack([rng.integers(0, s[0], 3), rng.integers(0, s[1], 3)], axis=-1).astype(np.int32)


def _rows(rng, shapes):
    return rng.integers(0, shapes[0][0], size=(2, 1)).astype(np.int32)


def _distinct_rows(rng, shapes):
    n = shapes[0][0]
    return rng.permutation(n)[:max(1, n // 2)].reshape(-1, 1).astype(np.int32)


def _rows_with_repeats(rng, shapes):
    return rng.integers(0, shapes[0][0], size=(shapes[0][0], 1)).astype(np.int32)


def _scatter_rows(rng, shapes):
    return rng.integers(0, SCATTER_ROWS, size=(shapes[0][0], 1)).astype(np.int32)


PAIRS = Extra("indices (int32 [3, 2]: elements of the first two axes, with repeats)", _pairs)
ROWS = Extra("indices (int32 [2, 1]: rows, maybe the same twice)", _rows)
DISTINCT_ROWS = Extra("indices (int32 [k, 1]: k distinct rows, k = max(1, n // 2))", _distinct_rows)
ROWS_WITH_REPEATS = Extra("indices (int32 [n, 1]: one row per row of the updates, with repeats)", _rows_with_repeats)
SCATTER_INDICES = Extra(f"indices (int32 [n, 1] in [0, {SCATTER_ROWS}): rows of the output, with repeats)",
                        _scatter_rows)


def _scatter_nd(tf, x, idx):
    return tf.scatter_nd(idx, x, [SCATTER_ROWS] + x.shape.as_list()[1:])


def _weighted(tf, parts):
    """The pieces of a multi-output op, piece k times k + 1 and flattened into one vector: each piece's own
    gradient then differs, so a piece sent back to the wrong place shows."""
    return tf.concat([tf.reshape(p * float(k + 1), [-1]) for k, p in enumerate(parts)], 0)


def _halves_or_ones(x):
    """A count of parts the last axis divides into: 2 when its size is even, else its size."""
    size = x.shape.as_list()[-1]
    return 2 if size % 2 == 0 else size


ENTRIES = (
    OpEntry(
        op_type="ReverseV2", tensorslow="reverse", tf_v1="tf.compat.v1.reverse", tf2="tf.reverse",
        keras_op="keras.ops.flip", keras_layer=None, build=lambda tf, x: tf.reverse(x, [0]), n_float=1,
        family="rank1+", examples=UNARY_RANK1,
        variants=(Variant("last_axis", lambda tf, x: tf.reverse(x, [-1])),
                  Variant("two_axes", lambda tf, x: tf.reverse(x, [0, -1]), family="rank2+", examples=UNARY_RANK2),
                  Variant("reverse_v2", lambda tf, x: tf.reverse_v2(x, [0])))),
    OpEntry(
        op_type="Roll", tensorslow="roll", tf_v1="tf.compat.v1.roll", tf2="tf.roll", keras_op="keras.ops.roll",
        keras_layer=None, build=lambda tf, x: tf.roll(x, 1, 0), n_float=1, family="rank1+", examples=UNARY_RANK1,
        variants=(Variant("two_axes", lambda tf, x: tf.roll(x, [2, -1], [0, -1]), family="rank2+",
                          examples=UNARY_RANK2),)),
    OpEntry(
        op_type="BroadcastTo", tensorslow="broadcast_to", tf_v1="tf.compat.v1.broadcast_to", tf2="tf.broadcast_to",
        keras_op="keras.ops.broadcast_to", keras_layer=None,
        build=lambda tf, x: tf.broadcast_to(x, [2] + x.shape.as_list()), n_float=1, family="any", examples=UNARY,
        variants=(Variant("size_one_axis", lambda tf, x: tf.broadcast_to(x, [x.shape.as_list()[0], 3,
                                                                             x.shape.as_list()[2]]),
                          family="rank3_mid1", examples=(((2, 1, 3),), ((1, 1, 1),))),)),
    OpEntry(
        op_type="SpaceToDepth", tensorslow="space_to_depth", tf_v1="tf.compat.v1.space_to_depth",
        tf2="tf.nn.space_to_depth", keras_op=None, keras_layer=None,
        build=lambda tf, x: tf.space_to_depth(x[:, :2, :2, :], 2), n_float=1, family="rank4", examples=RANK4,
        notes="NHWC only; fed the top-left 2 x 2 pixels"),
    OpEntry(
        op_type="DepthToSpace", tensorslow="depth_to_space", tf_v1="tf.compat.v1.depth_to_space",
        tf2="tf.nn.depth_to_space", keras_op=None, keras_layer=None,
        build=lambda tf, x: tf.depth_to_space(tf.tile(x, [1, 1, 1, 4]), 2), n_float=1, family="rank4",
        examples=RANK4, notes="NHWC only; fed x tiled to 4 C channels"),
    OpEntry(
        op_type="Unique", tensorslow="unique", tf_v1="tf.compat.v1.unique", tf2="tf.unique",
        keras_op="keras.ops.unique", keras_layer=None, build=lambda tf, x: tf.unique(tf.reshape(x, [-1])).idx,
        n_float=1, family="any", examples=UNARY, domain="small_integers", differentiable=False,
        variants=(Variant("values", lambda tf, x: tf.unique(tf.cast(tf.reshape(x, [-1]), tf.int32)).y),),
        notes="values in order of first appearance; idx: each element's place among them"),
    OpEntry(
        op_type="UniqueWithCounts", tensorslow="unique_with_counts", tf_v1="tf.compat.v1.unique_with_counts",
        tf2="tf.unique_with_counts", keras_op=None, keras_layer=None,
        build=lambda tf, x: tf.unique_with_counts(tf.reshape(x, [-1])).count, n_float=1, family="any",
        examples=UNARY, domain="small_integers", differentiable=False),
    OpEntry(
        op_type="DenseBincount", tensorslow="bincount", tf_v1="tf.compat.v1.bincount", tf2="tf.math.bincount",
        keras_op="keras.ops.bincount", keras_layer=None,
        build=lambda tf, x: tf.bincount(tf.cast(tf.abs(x), tf.int32)), n_float=1, family="any", examples=UNARY,
        domain="small_integers", differentiable=False,
        variants=(Variant("minlength", lambda tf, x: tf.bincount(tf.cast(tf.abs(x), tf.int32), minlength=5)),
                  Variant("maxlength", lambda tf, x: tf.bincount(tf.cast(tf.abs(x), tf.int32), maxlength=2))),
        notes="TF builds it from about 12 ops around DenseBincount; TensorSlow from one"),
    OpEntry(
        op_type="LinSpace", tensorslow="linspace", tf_v1="tf.compat.v1.linspace", tf2="tf.linspace",
        keras_op="keras.ops.linspace", keras_layer=None,
        build=lambda tf, x: tf.linspace(tf.reduce_min(x), tf.reduce_max(x) + 1.0, 5), n_float=1, family="any",
        examples=UNARY, domain="distinct", variants=(Variant("one", lambda tf, x: tf.linspace(tf.reduce_min(x),
                                                                                            tf.reduce_max(x), 1)),),
        notes="one LinSpace op; TF's Python builds it from about 80 ops (linspace_nd), whose gradient reaches "
              "start and stop as TensorSlow's does"),
    OpEntry(
        op_type="GatherNd", tensorslow="gather_nd", tf_v1="tf.compat.v1.gather_nd", tf2="tf.gather_nd",
        keras_op=None, keras_layer=None, build=lambda tf, x, idx: tf.gather_nd(x, idx), n_float=1, family="rank2+",
        examples=UNARY_RANK2, extras=(PAIRS,),
        variants=(Variant("rows", lambda tf, x, idx: tf.gather_nd(x, idx), extras=(ROWS,)),)),
    OpEntry(
        op_type="ScatterNd", tensorslow="scatter_nd", tf_v1="tf.compat.v1.scatter_nd", tf2="tf.scatter_nd",
        keras_op="keras.ops.scatter", keras_layer=None, build=_scatter_nd, n_float=1, family="rank1+",
        examples=UNARY_RANK1, extras=(SCATTER_INDICES,), notes="updates at a repeated index are summed"),
    OpEntry(
        op_type="TensorScatterUpdate", tensorslow="tensor_scatter_nd_update",
        tf_v1="tf.compat.v1.tensor_scatter_nd_update", tf2="tf.tensor_scatter_nd_update",
        keras_op="keras.ops.scatter_update", keras_layer=None,
        build=lambda tf, x, y, idx: tf.tensor_scatter_nd_update(x, idx, y[:idx.shape.as_list()[0]]), n_float=2,
        family="same_rank1+", examples=SAME_RANK1, extras=(DISTINCT_ROWS,)),
    OpEntry(
        op_type="TensorScatterAdd", tensorslow="tensor_scatter_nd_add", tf_v1="tf.compat.v1.tensor_scatter_nd_add",
        tf2="tf.tensor_scatter_nd_add", keras_op=None, keras_layer=None,
        build=lambda tf, x, y, idx: tf.tensor_scatter_nd_add(x, idx, y), n_float=2, family="same_rank1+",
        examples=SAME_RANK1, extras=(ROWS_WITH_REPEATS,)),
    OpEntry(
        op_type="TensorScatterSub", tensorslow="tensor_scatter_nd_sub", tf_v1="tf.compat.v1.tensor_scatter_nd_sub",
        tf2="tf.tensor_scatter_nd_sub", keras_op=None, keras_layer=None,
        build=lambda tf, x, y, idx: tf.tensor_scatter_nd_sub(x, idx, y), n_float=2, family="same_rank1+",
        examples=SAME_RANK1, extras=(ROWS_WITH_REPEATS,)),
    OpEntry(
        op_type="Unpack", tensorslow="unstack", tf_v1="tf.compat.v1.unstack", tf2="tf.unstack", keras_op=None,
        keras_layer=None, build=lambda tf, x: _weighted(tf, tf.unstack(x)), n_float=1, family="rank1+",
        examples=UNARY_RANK1,
        variants=(Variant("last_axis", lambda tf, x: _weighted(tf, tf.unstack(x, axis=-1))),
                  Variant("one_output", lambda tf, x: tf.unstack(x)[-1] * 2.0)),
        notes="one op with an output per slice (unstack:0, unstack:1, ...); the gradient is the stack of the "
              "slices' gradients, zeros for a slice that gets none"),
    OpEntry(
        op_type="Split", tensorslow="split", tf_v1="tf.compat.v1.split", tf2="tf.split", keras_op="keras.ops.split",
        keras_layer=None, build=lambda tf, x: _weighted(tf, tf.split(x, _halves_or_ones(x), axis=-1)), n_float=1,
        family="rank1+", examples=UNARY_RANK1,
        variants=(Variant("first_axis", lambda tf, x: _weighted(tf, tf.split(x, x.shape.as_list()[0], 0))),
                  Variant("one_part", lambda tf, x: tf.split(x, _halves_or_ones(x), axis=-1)[-1] * 2.0)),
        notes="split into a number of equal parts: the Split op, its axis the Const split/split_dim; the gradient "
              "is the concatenation of the parts' gradients"),
    OpEntry(
        op_type="SplitV", tensorslow="split", tf_v1="tf.compat.v1.split", tf2="tf.split", keras_op="keras.ops.split",
        keras_layer=None, build=lambda tf, x: _weighted(tf, tf.split(x, [1, -1], axis=-1)), n_float=1,
        family="rank1+", examples=UNARY_RANK1,
        variants=(Variant("sizes", lambda tf, x: _weighted(tf, tf.split(x, [x.shape.as_list()[0], 0], 0))),
                  Variant("one_part", lambda tf, x: tf.split(x, [1, -1], axis=-1)[1] * 2.0)),
        notes="split into parts of given sizes (one may be -1, the rest): the SplitV op"),
)
