"""Comparisons (equal, less, greater, ...), logic (logical_and, logical_or, logical_not) and bitwise ops
(tf.bitwise): no gradients. One :class:`OpEntry` per op type. ``logical_xor`` is no op of its own: TF builds
it from LogicalOr, LogicalAnd and LogicalNot, as TensorSlow does.
"""
from tensorslow_parity.ops.catalog.inputs import BINARY, UNARY
from tensorslow_parity.ops.catalog.records import OpEntry


def _ints(tf, *tensors):
    return [tf.cast(t, tf.int32) for t in tensors]


ENTRIES = (
    *[OpEntry(
          op_type=op, tensorslow=sym, tf_v1=f"tf.compat.v1.{sym}",
          tf2=f"tf.{'math.' if sym == 'not_equal' else ''}{sym}", keras_op=f"keras.ops.{sym}", keras_layer=None,
          build=fn, n_float=2, family="broadcast", examples=BINARY, domain="small_integers", broadcasts=True,
          differentiable=False)
      for op, sym, fn in [
          ("Equal", "equal", lambda tf, x, y: tf.equal(x, y)),
          ("NotEqual", "not_equal", lambda tf, x, y: tf.not_equal(x, y)),
          ("Less", "less", lambda tf, x, y: tf.less(x, y)),
          ("LessEqual", "less_equal", lambda tf, x, y: tf.less_equal(x, y)),
          ("Greater", "greater", lambda tf, x, y: tf.greater(x, y)),
          ("GreaterEqual", "greater_equal", lambda tf, x, y: tf.greater_equal(x, y)),
      ]],
    *[OpEntry(
          op_type=op, tensorslow=sym, tf_v1=f"tf.compat.v1.{sym}", tf2=f"tf.math.{sym}", keras_op=f"keras.ops.{sym}",
          keras_layer=None, build=fn, n_float=2, family="broadcast", examples=BINARY, broadcasts=True,
          differentiable=False, notes="inputs made boolean with x > 0")
      for op, sym, fn in [
          ("LogicalAnd", "logical_and", lambda tf, x, y: tf.logical_and(x > 0, y > 0)),
          ("LogicalOr", "logical_or", lambda tf, x, y: tf.logical_or(x > 0, y > 0)),
      ]],
    OpEntry(
        op_type="LogicalNot", tensorslow="logical_not", tf_v1="tf.compat.v1.logical_not", tf2="tf.math.logical_not",
        keras_op="keras.ops.logical_not", keras_layer=None, build=lambda tf, x: tf.logical_not(x > 0), n_float=1,
        family="any", examples=UNARY, differentiable=False),
    *[OpEntry(
          op_type=op, tensorslow=f"bitwise.{sym}", tf_v1=f"tf.compat.v1.bitwise.{sym}", tf2=f"tf.bitwise.{sym}",
          keras_op=None, keras_layer=None, build=fn, n_float=2, family="broadcast", examples=BINARY,
          domain="small_integers", broadcasts=True, differentiable=False, notes="inputs cast to int32")
      for op, sym, fn in [
          ("BitwiseAnd", "bitwise_and", lambda tf, x, y: tf.bitwise.bitwise_and(*_ints(tf, x, y))),
          ("BitwiseOr", "bitwise_or", lambda tf, x, y: tf.bitwise.bitwise_or(*_ints(tf, x, y))),
          ("BitwiseXor", "bitwise_xor", lambda tf, x, y: tf.bitwise.bitwise_xor(*_ints(tf, x, y))),
      ]],
    OpEntry(
        op_type="Invert", tensorslow="bitwise.invert", tf_v1="tf.compat.v1.bitwise.invert", tf2="tf.bitwise.invert",
        keras_op=None, keras_layer=None, build=lambda tf, x: tf.bitwise.invert(tf.cast(x, tf.int32)), n_float=1,
        family="any", examples=UNARY, domain="small_integers", differentiable=False, notes="input cast to int32"),
)
