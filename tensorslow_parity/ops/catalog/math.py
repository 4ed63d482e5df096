"""Arithmetic (add, subtract, multiply, divide, pow, maximum, floormod, ...) and unary math (neg, abs, exp, log,
sqrt, sigmoid, tanh, cast, sign, rounding). One :class:`OpEntry` per op type.
"""
from tensorslow_parity.ops.catalog.inputs import BINARY, QUOTIENTS, UNARY, quotient_away_from_integers
from tensorslow_parity.ops.catalog.records import OpEntry, Variant, at_kinks

ENTRIES = (
    # -- arithmetic
    OpEntry(
        op_type="AddV2", tensorslow="add", tf_v1="tf.compat.v1.add", tf2="tf.add", keras_op="keras.ops.add",
        keras_layer="keras.layers.Add", build=lambda tf, x, y: tf.add(x, y), n_float=2, family="broadcast",
        examples=BINARY, broadcasts=True, variants=(Variant("operator", lambda tf, x, y: x + y),)),
    OpEntry(
        op_type="Sub", tensorslow="subtract", tf_v1="tf.compat.v1.subtract", tf2="tf.subtract",
        keras_op="keras.ops.subtract", keras_layer="keras.layers.Subtract", build=lambda tf, x, y: tf.subtract(x, y),
        n_float=2, family="broadcast", examples=BINARY, broadcasts=True,
        variants=(Variant("operator", lambda tf, x, y: x - y),)),
    OpEntry(
        op_type="Mul", tensorslow="multiply", tf_v1="tf.compat.v1.multiply", tf2="tf.multiply",
        keras_op="keras.ops.multiply", keras_layer="keras.layers.Multiply", build=lambda tf, x, y: tf.multiply(x, y),
        n_float=2, family="broadcast", examples=BINARY, broadcasts=True,
        variants=(Variant("operator", lambda tf, x, y: x * y),)),
    OpEntry(
        op_type="RealDiv", tensorslow="divide", tf_v1="tf.compat.v1.divide", tf2="tf.divide",
        keras_op="keras.ops.divide", keras_layer=None, build=lambda tf, x, y: tf.divide(x, y), n_float=2,
        family="broadcast", examples=BINARY, domain=("real", "nonzero"), broadcasts=True,
        variants=(Variant("operator", lambda tf, x, y: x / y), Variant("tf1_div", lambda tf, x, y: tf.div(x, y))),
        notes="tf.compat.v1.div and truediv also build RealDiv for floats"),
    OpEntry(
        op_type="Pow", tensorslow="pow", tf_v1="tf.compat.v1.pow", tf2="tf.pow", keras_op="keras.ops.power",
        keras_layer=None, build=lambda tf, x, y: tf.pow(x, y), n_float=2, family="broadcast", examples=BINARY,
        domain=("positive", "real"), broadcasts=True,
        variants=(at_kinks(lambda tf, x, y: tf.pow(x, y), ("zero_one_two", "one_two_three"), "zero_base"),),
        notes="d/dy = z log(x) where x > 0 and 0 elsewhere, as in TF; the base is kept positive"),
    OpEntry(
        op_type="Maximum", tensorslow="maximum", tf_v1="tf.compat.v1.maximum", tf2="tf.maximum",
        keras_op="keras.ops.maximum", keras_layer="keras.layers.Maximum", build=lambda tf, x, y: tf.maximum(x, y),
        n_float=2, family="broadcast", examples=BINARY, domain="distinct", broadcasts=True,
        variants=(at_kinks(lambda tf, x, y: tf.maximum(x, y), label="ties"),),
        notes="ties send the gradient to x, as in TF; inputs are drawn without ties"),
    OpEntry(
        op_type="Minimum", tensorslow="minimum", tf_v1="tf.compat.v1.minimum", tf2="tf.minimum",
        keras_op="keras.ops.minimum", keras_layer="keras.layers.Minimum", build=lambda tf, x, y: tf.minimum(x, y),
        n_float=2, family="broadcast", examples=BINARY, domain="distinct", broadcasts=True,
        variants=(at_kinks(lambda tf, x, y: tf.minimum(x, y), label="ties"),),
        notes="ties send the gradient to x, as in TF; inputs are drawn without ties"),
    OpEntry(
        op_type="SquaredDifference", tensorslow="squared_difference", tf_v1="tf.compat.v1.squared_difference",
        tf2="tf.math.squared_difference", keras_op=None, keras_layer=None,
        build=lambda tf, x, y: tf.squared_difference(x, y), n_float=2, family="broadcast", examples=BINARY,
        broadcasts=True),
    OpEntry(
        op_type="AddN", tensorslow="add_n", tf_v1="tf.compat.v1.add_n", tf2="tf.add_n", keras_op=None,
        keras_layer="keras.layers.Add", build=lambda tf, x, y, z: tf.add_n([x, y, z]), n_float=3, family="same",
        examples=(((2, 3),) * 3, ((),) * 3)),
    OpEntry(
        op_type="FloorMod", tensorslow="floormod", tf_v1="tf.compat.v1.floormod", tf2="tf.math.floormod",
        keras_op="keras.ops.mod", keras_layer=None, build=lambda tf, x, y: tf.floormod(x, y), n_float=2,
        family="broadcast", examples=BINARY, domain=("real", "nonzero"), broadcasts=True,
        constraint=quotient_away_from_integers,
        variants=(Variant("operator", lambda tf, x, y: x % y),
                  Variant("integer_quotients", lambda tf, x, y: tf.floormod(x, y), domain=("tenths", "small_tenths"),
                          examples=QUOTIENTS, finite_differences=False)),
        notes="the result has the sign of y (Python's %); d/dx = 1, d/dy = -floor(x / y), as in TF"),
    OpEntry(
        op_type="FloorDiv", tensorslow="floordiv", tf_v1="tf.compat.v1.floordiv", tf2="tf.math.floordiv",
        keras_op="keras.ops.floor_divide", keras_layer=None, build=lambda tf, x, y: tf.floordiv(x, y), n_float=2,
        family="broadcast", examples=BINARY, domain=("real", "nonzero"), broadcasts=True, differentiable=False,
        constraint=quotient_away_from_integers,
        variants=(Variant("operator", lambda tf, x, y: x // y),
                  Variant("integer_quotients", lambda tf, x, y: tf.floordiv(x, y), domain=("tenths", "small_tenths"),
                          examples=QUOTIENTS, finite_differences=False))),

    # -- unary math
    OpEntry(
        op_type="Neg", tensorslow="negative", tf_v1="tf.compat.v1.negative", tf2="tf.negative",
        keras_op="keras.ops.negative", keras_layer=None, build=lambda tf, x: tf.negative(x), n_float=1, family="any",
        examples=UNARY, variants=(Variant("operator", lambda tf, x: -x),)),
    OpEntry(
        op_type="Abs", tensorslow="abs", tf_v1="tf.compat.v1.abs", tf2="tf.abs", keras_op="keras.ops.absolute",
        keras_layer=None, build=lambda tf, x: tf.abs(x), n_float=1, family="any", examples=UNARY, domain="nonzero",
        variants=(at_kinks(lambda tf, x: tf.abs(x)),)),
    OpEntry(
        op_type="Exp", tensorslow="exp", tf_v1="tf.compat.v1.exp", tf2="tf.exp", keras_op="keras.ops.exp",
        keras_layer=None, build=lambda tf, x: tf.exp(x), n_float=1, family="any", examples=UNARY),
    OpEntry(
        op_type="Log", tensorslow="log", tf_v1="tf.compat.v1.log", tf2="tf.math.log", keras_op="keras.ops.log",
        keras_layer=None, build=lambda tf, x: tf.log(x), n_float=1, family="any", examples=UNARY, domain="positive"),
    OpEntry(
        op_type="Log1p", tensorslow="log1p", tf_v1="tf.compat.v1.log1p", tf2="tf.math.log1p",
        keras_op="keras.ops.log1p", keras_layer=None, build=lambda tf, x: tf.log1p(x), n_float=1, family="any",
        examples=UNARY, domain="above_minus_one"),
    OpEntry(
        op_type="Sqrt", tensorslow="sqrt", tf_v1="tf.compat.v1.sqrt", tf2="tf.sqrt", keras_op="keras.ops.sqrt",
        keras_layer=None, build=lambda tf, x: tf.sqrt(x), n_float=1, family="any", examples=UNARY, domain="positive"),
    OpEntry(
        op_type="Rsqrt", tensorslow="rsqrt", tf_v1="tf.compat.v1.rsqrt", tf2="tf.math.rsqrt",
        keras_op="keras.ops.rsqrt", keras_layer=None, build=lambda tf, x: tf.rsqrt(x), n_float=1, family="any",
        examples=UNARY, domain="positive"),
    OpEntry(
        op_type="Square", tensorslow="square", tf_v1="tf.compat.v1.square", tf2="tf.square",
        keras_op="keras.ops.square", keras_layer=None, build=lambda tf, x: tf.square(x), n_float=1, family="any",
        examples=UNARY),
    OpEntry(
        op_type="Reciprocal", tensorslow="reciprocal", tf_v1="tf.compat.v1.reciprocal", tf2="tf.math.reciprocal",
        keras_op="keras.ops.reciprocal", keras_layer=None, build=lambda tf, x: tf.reciprocal(x), n_float=1,
        family="any", examples=UNARY, domain="nonzero"),
    OpEntry(
        op_type="Sigmoid", tensorslow="sigmoid", tf_v1="tf.compat.v1.sigmoid", tf2="tf.sigmoid",
        keras_op="keras.ops.sigmoid", keras_layer=None, build=lambda tf, x: tf.sigmoid(x), n_float=1, family="any",
        examples=UNARY, variants=(Variant("nn", lambda tf, x: tf.nn.sigmoid(x)),)),
    OpEntry(
        op_type="Tanh", tensorslow="tanh", tf_v1="tf.compat.v1.tanh", tf2="tf.tanh", keras_op="keras.ops.tanh",
        keras_layer=None, build=lambda tf, x: tf.tanh(x), n_float=1, family="any", examples=UNARY,
        variants=(Variant("nn", lambda tf, x: tf.nn.tanh(x)),)),
    OpEntry(
        op_type="Cast", tensorslow="cast", tf_v1="tf.compat.v1.cast", tf2="tf.cast", keras_op="keras.ops.cast",
        keras_layer=None, build=lambda tf, x: tf.cast(x, tf.float64), n_float=1, family="any", examples=UNARY,
        variants=(Variant("through_int32", lambda tf, x: tf.cast(tf.cast(x, tf.int32), x.dtype) + x),),
        notes="float <-> float casts pass the gradient (cast back); casts to or from integers pass none"),
    OpEntry(
        op_type="Sign", tensorslow="sign", tf_v1="tf.compat.v1.sign", tf2="tf.sign", keras_op="keras.ops.sign",
        keras_layer=None, build=lambda tf, x: tf.sign(x), n_float=1, family="any", examples=UNARY,
        domain="small_integers", differentiable=False,
        notes="TF's gradient is zeros_like(x); TensorSlow declares it not differentiable (None)"),
    OpEntry(
        op_type="Floor", tensorslow="floor", tf_v1="tf.compat.v1.floor", tf2="tf.floor", keras_op="keras.ops.floor",
        keras_layer=None, build=lambda tf, x: tf.floor(x), n_float=1, family="any", examples=UNARY, domain="halves",
        differentiable=False),
    OpEntry(
        op_type="Ceil", tensorslow="ceil", tf_v1="tf.compat.v1.ceil", tf2="tf.math.ceil", keras_op="keras.ops.ceil",
        keras_layer=None, build=lambda tf, x: tf.ceil(x), n_float=1, family="any", examples=UNARY, domain="halves",
        differentiable=False),
    OpEntry(
        op_type="Round", tensorslow="round", tf_v1="tf.compat.v1.round", tf2="tf.round", keras_op="keras.ops.round",
        keras_layer=None, build=lambda tf, x: tf.round(x), n_float=1, family="any", examples=UNARY, domain="halves",
        differentiable=False, notes="half to even (banker's rounding) in both"),
)
