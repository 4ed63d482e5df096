"""Shapes and indexing: identity, reshape, expand_dims, squeeze, transpose, concat, stack, slicing, tile, pad,
gather, where, one_hot, shape, fill, ... One :class:`OpEntry` per op type.
"""
from tensorslow_parity.ops.catalog.inputs import (
                                                  BINARY,
                                                  CONDITION,
                                                  ONE_HOT_INDICES,
                                                  ROW_CONDITION,
                                                  SAME2,
                                                  UNARY,
                                                  UNARY_RANK1,
                                                  UNARY_RANK2,
                                                  WIDE_CONDITION,
                                                  gather_indices,
)
from tensorslow_parity.ops.catalog.records import OpEntry, Variant

HIDDEN_NOTE = ("the input's static shape is hidden (placeholder_with_default, shape None): with a known shape, "
               "TF1 and TensorSlow answer with a Const instead of the op")


def _shape_hidden(tf, x):
    """x, with a static shape nobody knows, so that shape/size/rank build their op."""
    return tf.placeholder_with_default(x, shape=None)


def _ones_like_op(tf, x):
    """The OnesLike op itself: ``tf.raw_ops.OnesLike`` in TF, ``array_ops.ones_like_op`` in TensorSlow."""
    if hasattr(tf, "raw_ops"):
        return tf.raw_ops.OnesLike(x=x)
    from tensorslow.ops.array_ops import ones_like_op
    return ones_like_op(x)


ENTRIES = (
    OpEntry(
        op_type="Identity", tensorslow="identity", tf_v1="tf.compat.v1.identity", tf2="tf.identity", keras_op=None,
        keras_layer="keras.layers.Identity", build=lambda tf, x: tf.identity(x), n_float=1, family="any",
        examples=UNARY, notes="keras.ops.identity is the identity *matrix*, not this op"),
    OpEntry(
        op_type="CheckNumerics", tensorslow="debugging.check_numerics", tf_v1="tf.compat.v1.debugging.check_numerics",
        tf2="tf.debugging.check_numerics", keras_op=None, keras_layer=None,
        build=lambda tf, x: tf.debugging.check_numerics(x, "catalog"), n_float=1, family="any", examples=UNARY),
    OpEntry(
        op_type="PlaceholderWithDefault", tensorslow="placeholder_with_default",
        tf_v1="tf.compat.v1.placeholder_with_default", tf2=None, keras_op=None, keras_layer=None,
        build=lambda tf, x: tf.placeholder_with_default(x, x.shape), n_float=1, family="any", examples=UNARY,
        notes="the gradient passes to the default value; TF2 has no placeholders"),
    OpEntry(
        op_type="StopGradient", tensorslow="stop_gradient", tf_v1="tf.compat.v1.stop_gradient", tf2="tf.stop_gradient",
        keras_op="keras.ops.stop_gradient", keras_layer=None, build=lambda tf, x: tf.stop_gradient(x), n_float=1,
        family="any", examples=UNARY, differentiable=False),
    OpEntry(
        op_type="Reshape", tensorslow="reshape", tf_v1="tf.compat.v1.reshape", tf2="tf.reshape",
        keras_op="keras.ops.reshape", keras_layer="keras.layers.Reshape", build=lambda tf, x: tf.reshape(x, [-1]),
        n_float=1, family="any", examples=UNARY, variants=(Variant("column", lambda tf, x: tf.reshape(x, [-1, 1])),),
        notes="keras.layers.Reshape leaves the batch axis out of target_shape"),
    OpEntry(
        op_type="ExpandDims", tensorslow="expand_dims", tf_v1="tf.compat.v1.expand_dims", tf2="tf.expand_dims",
        keras_op="keras.ops.expand_dims", keras_layer=None, build=lambda tf, x: tf.expand_dims(x, -1), n_float=1,
        family="any", examples=UNARY, variants=(Variant("axis0", lambda tf, x: tf.expand_dims(x, 0)),)),
    OpEntry(
        op_type="Squeeze", tensorslow="squeeze", tf_v1="tf.compat.v1.squeeze", tf2="tf.squeeze",
        keras_op="keras.ops.squeeze", keras_layer=None, build=lambda tf, x: tf.squeeze(x), n_float=1, family="any",
        examples=(((3, 1, 2),), ((1,),), ((2, 3),)),
        variants=(Variant("axis", lambda tf, x: tf.squeeze(x, axis=[1]), family="rank3_mid1",
                          examples=(((2, 1, 3),), ((1, 1, 1),))),)),
    OpEntry(
        op_type="Transpose", tensorslow="transpose", tf_v1="tf.compat.v1.transpose", tf2="tf.transpose",
        keras_op="keras.ops.transpose", keras_layer=None, build=lambda tf, x: tf.transpose(x, [1, 2, 0]), n_float=1,
        family="rank3", examples=(((2, 3, 4),), ((1, 2, 1),)),
        variants=(Variant("reversed", lambda tf, x: tf.transpose(x), family="any", examples=UNARY),),
        notes="keras.layers.Permute permutes all axes but the batch axis"),
    OpEntry(
        op_type="ConcatV2", tensorslow="concat", tf_v1="tf.compat.v1.concat", tf2="tf.concat",
        keras_op="keras.ops.concatenate", keras_layer="keras.layers.Concatenate",
        build=lambda tf, x, y: tf.concat([x, y], axis=0), n_float=2, family="concat",
        examples=(((2, 3), (4, 3)), ((1,), (3,))),
        variants=(Variant("last_axis", lambda tf, x, y: tf.concat([x, y], axis=-1), family="concat_last",
                          examples=(((2, 3), (2, 1)), ((2, 2, 1), (2, 2, 3)))),)),
    OpEntry(
        op_type="Pack", tensorslow="stack", tf_v1="tf.compat.v1.stack", tf2="tf.stack", keras_op="keras.ops.stack",
        keras_layer=None, build=lambda tf, x, y: tf.stack([x, y]), n_float=2, family="same", examples=SAME2,
        variants=(Variant("last_axis", lambda tf, x, y: tf.stack([x, y], axis=-1)),)),
    OpEntry(
        op_type="StridedSlice", tensorslow="Tensor.__getitem__", tf_v1="tf.compat.v1.strided_slice",
        tf2="tf.strided_slice", keras_op=None, keras_layer=None, build=lambda tf, x: x[1:, ::-2], n_float=1,
        family="rank2+", examples=UNARY_RANK2,
        variants=(Variant("index_newaxis", lambda tf, x: x[..., 0, None], family="rank1+", examples=UNARY_RANK1),
                  Variant("int_index", lambda tf, x: x[0], family="rank1+", examples=UNARY_RANK1)),
        notes="built by Python slicing x[...] (ints, slices with steps, ..., None), as in TF"),
    OpEntry(
        op_type="Tile", tensorslow="tile", tf_v1="tf.compat.v1.tile", tf2="tf.tile", keras_op="keras.ops.tile",
        keras_layer=None, build=lambda tf, x: tf.tile(x, [2, 3]), n_float=1, family="rank2",
        examples=(((2, 3),), ((1, 1),))),
    OpEntry(
        op_type="Pad", tensorslow="pad", tf_v1="tf.compat.v1.pad", tf2="tf.pad", keras_op="keras.ops.pad",
        keras_layer=None, build=lambda tf, x: tf.pad(x, [[1, 0], [0, 2]]), n_float=1, family="rank2",
        examples=(((2, 3),), ((1, 1),)),
        variants=(Variant("constant_values", lambda tf, x: tf.pad(x, [[0, 1], [2, 1]], constant_values=1.5)),),
        notes="mode CONSTANT; REFLECT and SYMMETRIC build MirrorPad"),
    OpEntry(
        op_type="MirrorPad", tensorslow="pad", tf_v1="tf.compat.v1.pad", tf2="tf.pad", keras_op="keras.ops.pad",
        keras_layer=None, build=lambda tf, x: tf.pad(x, [[1, 2], [2, 0]], mode="REFLECT"), n_float=1, family="mirror",
        examples=(((3, 4),), ((4, 3),)),
        variants=(Variant("symmetric", lambda tf, x: tf.pad(x, [[2, 1], [0, 3]], mode="SYMMETRIC")),),
        notes="tf.pad with mode REFLECT or SYMMETRIC"),
    OpEntry(
        op_type="GatherV2", tensorslow="gather", tf_v1="tf.compat.v1.gather", tf2="tf.gather",
        keras_op="keras.ops.take", keras_layer=None, build=lambda tf, x, i: tf.gather(x, i), n_float=1, family="rank1+",
        examples=UNARY_RANK1, extras=(gather_indices(0),),
        variants=(Variant("axis1", lambda tf, x, i: tf.gather(x, i, axis=1), family="rank2+", examples=UNARY_RANK2,
                          extras=(gather_indices(1),)),),
        notes="repeated indices add up in the gradient"),
    OpEntry(
        op_type="Select", tensorslow="where", tf_v1="tf.compat.v1.where", tf2="tf.where", keras_op="keras.ops.where",
        keras_layer=None, build=lambda tf, x, y, c: tf.where(c, x, y), n_float=2, family="same", examples=SAME2,
        extras=(CONDITION,), broadcasts=True,
        variants=(Variant("v1_row_select", lambda tf, x, y, c: tf.where(c, x, y), family="same_rank2",
                          examples=(((3, 2), (3, 2)), ((2, 2), (2, 2))), extras=(ROW_CONDITION,)),),
        notes="tf.compat.v1.where builds Select (same shapes, or a 1-D condition picking rows)"),
    OpEntry(
        op_type="SelectV2", tensorslow="where_v2", tf_v1="tf.compat.v1.where_v2", tf2="tf.where",
        keras_op="keras.ops.where", keras_layer=None, build=lambda tf, x, y, c: tf.where_v2(c, x, y), n_float=2,
        family="broadcast", examples=BINARY, extras=(CONDITION,), broadcasts=True,
        variants=(Variant("wide_condition", lambda tf, x, y, c: tf.where_v2(c, x, y), family="broadcast",
                          examples=BINARY, extras=(WIDE_CONDITION,)),),
        notes="where_v2 / TF2's tf.where (and tf.nn.dropout's select): all three operands broadcast"),
    OpEntry(
        op_type="Where", tensorslow="where", tf_v1="tf.compat.v1.where", tf2="tf.where", keras_op="keras.ops.nonzero",
        keras_layer=None, build=lambda tf, x: tf.where(x > 0), n_float=1, family="rank1+", examples=UNARY_RANK1,
        differentiable=False,
        notes="one-argument where: int64 indices of the true elements, one row each (keras.ops.nonzero "
              "returns them transposed, one array per axis); TF rejects a scalar condition"),
    OpEntry(
        op_type="OneHot", tensorslow="one_hot", tf_v1="tf.compat.v1.one_hot", tf2="tf.one_hot",
        keras_op="keras.ops.one_hot", keras_layer=None, build=lambda tf, i: tf.one_hot(i, 4), n_float=0, family="none",
        examples=((),), extras=(ONE_HOT_INDICES,), differentiable=False,
        variants=(Variant("on_off_axis", lambda tf, i: tf.one_hot(i, 4, on_value=2.0, off_value=-1.0, axis=0)),)),
    OpEntry(
        op_type="Shape", tensorslow="shape", tf_v1="tf.compat.v1.shape", tf2="tf.shape", keras_op="keras.ops.shape",
        keras_layer=None, build=lambda tf, x: tf.shape(_shape_hidden(tf, x)), n_float=1, family="any", examples=UNARY,
        differentiable=False, notes="keras.ops.shape returns a Python tuple; " + HIDDEN_NOTE),
    OpEntry(
        op_type="Size", tensorslow="size", tf_v1="tf.compat.v1.size", tf2="tf.size", keras_op="keras.ops.size",
        keras_layer=None, build=lambda tf, x: tf.size(_shape_hidden(tf, x)), n_float=1, family="any", examples=UNARY,
        differentiable=False, notes=HIDDEN_NOTE),
    OpEntry(
        op_type="Rank", tensorslow="rank", tf_v1="tf.compat.v1.rank", tf2="tf.rank", keras_op="keras.ops.ndim",
        keras_layer=None, build=lambda tf, x: tf.rank(_shape_hidden(tf, x)), n_float=1, family="any", examples=UNARY,
        differentiable=False, notes=HIDDEN_NOTE),
    OpEntry(
        op_type="ZerosLike", tensorslow="zeros_like", tf_v1="tf.compat.v1.zeros_like", tf2="tf.zeros_like",
        keras_op="keras.ops.zeros_like", keras_layer=None, build=lambda tf, x: tf.zeros_like(_shape_hidden(tf, x)),
        n_float=1, family="any", examples=UNARY, differentiable=False,
        notes="the input's static shape is hidden: with a known shape, TF1 and TensorSlow make zeros (a Const)"),
    OpEntry(
        op_type="OnesLike", tensorslow="ones_like", tf_v1="tf.compat.v1.ones_like", tf2="tf.ones_like",
        keras_op="keras.ops.ones_like", keras_layer=None, build=lambda tf, x: _ones_like_op(tf, x), n_float=1,
        family="any", examples=UNARY, differentiable=False,
        notes="tf.ones_like builds Fill(shape, 1) in TF1 and TensorSlow; the OnesLike op itself is TF's raw op, "
              "and TensorSlow's ones_like of a tensor whose dtype is unknown (a course placeholder)"),
    OpEntry(
        op_type="Fill", tensorslow="fill", tf_v1="tf.compat.v1.fill", tf2="tf.fill", keras_op="keras.ops.full",
        keras_layer=None, build=lambda tf, v, x: tf.fill(tf.shape(x), v), n_float=2, family="scalar_and_any",
        examples=(((), (2, 3)), ((), ())), variants=(Variant("static_dims", lambda tf, v, x: tf.fill([2, 3], v)),),
        notes="the gradient goes to the fill value (sum of the incoming gradient), none to the dims"),
)
