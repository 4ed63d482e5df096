"""More unary math (trigonometric, hyperbolic, erf, lgamma, digamma, expm1, NaN/Inf tests, rint), atan2, the
scans cumsum and cumprod, and the reductions any, all and euclidean norm. One :class:`OpEntry` per op type.

Functions defined on part of the line are fed there by their builders: arcsin, arccos and artanh get
``0.45 x`` with x in [-2, 2], arcosh gets ``x + 1`` with x in [0.5, 2], tan gets ``0.7 x`` (away from the
pole at pi/2). lgamma and digamma are also fed negative non-integers (``-0.4 x``), where they reflect.
"""
from tensorslow_parity.ops.catalog.inputs import BINARY, UNARY, UNARY_RANK1
from tensorslow_parity.ops.catalog.records import OpEntry, Variant


def _unary(op_type, name, build, tf2=None, keras=None, domain="real", variants=(), notes=""):
    return OpEntry(op_type=op_type, tensorslow=name, tf_v1=f"tf.compat.v1.{name}", tf2=tf2 or f"tf.math.{name}",
                   keras_op=keras and f"keras.ops.{keras}", keras_layer=None, build=build, n_float=1, family="any",
                   examples=UNARY, domain=domain, variants=variants, notes=notes)


def _test(op_type, name, build, keras, notes):
    return OpEntry(op_type=op_type, tensorslow=name, tf_v1=f"tf.compat.v1.{name}", tf2=f"tf.math.{name}",
                   keras_op=f"keras.ops.{keras}", keras_layer=None, build=build, n_float=1, family="any",
                   examples=UNARY, domain="small_integers", differentiable=False, notes=notes)


ENTRIES = (
    # -- trigonometric and hyperbolic
    _unary("Sin", "sin", lambda tf, x: tf.sin(x), "tf.sin", "sin"),
    _unary("Cos", "cos", lambda tf, x: tf.cos(x), "tf.cos", "cos"),
    _unary("Tan", "tan", lambda tf, x: tf.tan(0.7 * x), "tf.tan", "tan", notes="fed 0.7 x: away from pi/2"),
    _unary("Asin", "asin", lambda tf, x: tf.asin(0.45 * x), None, "arcsin", notes="fed 0.45 x, in (-1, 1)"),
    _unary("Acos", "acos", lambda tf, x: tf.acos(0.45 * x), None, "arccos", notes="fed 0.45 x, in (-1, 1)"),
    _unary("Atan", "atan", lambda tf, x: tf.atan(x), None, "arctan"),
    _unary("Sinh", "sinh", lambda tf, x: tf.sinh(x), None, "sinh"),
    _unary("Cosh", "cosh", lambda tf, x: tf.cosh(x), None, "cosh"),
    _unary("Asinh", "asinh", lambda tf, x: tf.asinh(x), None, "arcsinh"),
    _unary("Acosh", "acosh", lambda tf, x: tf.acosh(x + 1.0), None, "arccosh", domain="positive",
           notes="fed x + 1, above 1"),
    _unary("Atanh", "atanh", lambda tf, x: tf.atanh(0.45 * x), None, "arctanh", notes="fed 0.45 x, in (-1, 1)"),
    OpEntry(
        op_type="Atan2", tensorslow="atan2", tf_v1="tf.compat.v1.atan2", tf2="tf.math.atan2",
        keras_op="keras.ops.arctan2", keras_layer=None, build=lambda tf, y, x: tf.atan2(y, x), n_float=2,
        family="broadcast", examples=BINARY, domain=("real", "nonzero"), broadcasts=True,
        notes="atan2(y, x): y first; x kept away from 0, where the angle jumps for y < 0"),

    # -- exponential and special functions
    _unary("Expm1", "expm1", lambda tf, x: tf.expm1(x), None, "expm1"),
    _unary("Erf", "erf", lambda tf, x: tf.erf(x), None, "erf"),
    _unary("Erfc", "erfc", lambda tf, x: tf.erfc(x), None, "erfc"),
    _unary("Lgamma", "lgamma", lambda tf, x: tf.lgamma(x), domain="positive",
           variants=(Variant("negative", lambda tf, x: tf.lgamma(-0.4 * x)),), notes="ln|Gamma(x)|"),
    _unary("Digamma", "digamma", lambda tf, x: tf.digamma(x), domain="positive",
           variants=(Variant("negative", lambda tf, x: tf.digamma(-0.4 * x)),),
           notes="its gradient is polygamma(1, x) (trigamma)"),

    # -- NaN and infinity tests, rint
    _test("IsNan", "is_nan", lambda tf, x: tf.is_nan(x / x), "isnan", "fed x / x: NaN where x = 0"),
    _test("IsInf", "is_inf", lambda tf, x: tf.is_inf(1.0 / x), "isinf", "fed 1 / x: inf where x = 0"),
    _test("IsFinite", "is_finite", lambda tf, x: tf.is_finite(x / x + 1.0 / (x + 1.0)), "isfinite",
          "fed x / x + 1 / (x + 1): NaN at x = 0, -inf or inf at x = -1"),
    OpEntry(
        op_type="Rint", tensorslow="rint", tf_v1="tf.compat.v1.rint", tf2="tf.math.rint", keras_op="keras.ops.round",
        keras_layer=None, build=lambda tf, x: tf.rint(x), n_float=1, family="any", examples=UNARY, domain="halves",
        differentiable=False, notes="half to even; TF's gradient function returns None"),

    # -- scans
    OpEntry(
        op_type="Cumsum", tensorslow="cumsum", tf_v1="tf.compat.v1.cumsum", tf2="tf.math.cumsum",
        keras_op="keras.ops.cumsum", keras_layer=None, build=lambda tf, x: tf.cumsum(x), n_float=1,
        family="rank1+", examples=UNARY_RANK1,
        variants=(Variant("last_axis", lambda tf, x: tf.cumsum(x, axis=-1)),
                  Variant("exclusive", lambda tf, x: tf.cumsum(x, axis=-1, exclusive=True)),
                  Variant("reverse", lambda tf, x: tf.cumsum(x, reverse=True)),
                  Variant("exclusive_reverse", lambda tf, x: tf.cumsum(x, axis=-1, exclusive=True, reverse=True)))),
    OpEntry(
        op_type="Cumprod", tensorslow="cumprod", tf_v1="tf.compat.v1.cumprod", tf2="tf.math.cumprod",
        keras_op="keras.ops.cumprod", keras_layer=None, build=lambda tf, x: tf.cumprod(x), n_float=1,
        family="rank1+", examples=UNARY_RANK1, domain="nonzero",
        variants=(Variant("last_axis", lambda tf, x: tf.cumprod(x, axis=-1)),
                  Variant("exclusive", lambda tf, x: tf.cumprod(x, axis=-1, exclusive=True)),
                  Variant("exclusive_reverse", lambda tf, x: tf.cumprod(x, exclusive=True, reverse=True))),
        notes="the gradient divides by x (0 where x = 0, as TF's div_no_nan): inputs kept away from 0"),

    # -- reductions
    OpEntry(
        op_type="Any", tensorslow="reduce_any", tf_v1="tf.compat.v1.reduce_any", tf2="tf.reduce_any",
        keras_op="keras.ops.any", keras_layer=None, build=lambda tf, x: tf.reduce_any(x > 0, axis=-1), n_float=1,
        family="rank1+", examples=UNARY_RANK1, domain="small_integers", differentiable=False,
        variants=(Variant("all_axes", lambda tf, x: tf.reduce_any(x > 1)),
                  Variant("keep_dims", lambda tf, x: tf.reduce_any(x > 0, reduction_indices=[0], keep_dims=True)))),
    OpEntry(
        op_type="All", tensorslow="reduce_all", tf_v1="tf.compat.v1.reduce_all", tf2="tf.reduce_all",
        keras_op="keras.ops.all", keras_layer=None, build=lambda tf, x: tf.reduce_all(x > -1, axis=-1), n_float=1,
        family="rank1+", examples=UNARY_RANK1, domain="small_integers", differentiable=False,
        variants=(Variant("all_axes", lambda tf, x: tf.reduce_all(x > -2)),)),
    OpEntry(
        op_type="EuclideanNorm", tensorslow="math.reduce_euclidean_norm",
        tf_v1="tf.compat.v1.math.reduce_euclidean_norm", tf2="tf.math.reduce_euclidean_norm", keras_op=None,
        keras_layer=None, build=lambda tf, x: tf.math.reduce_euclidean_norm(x, axis=-1), n_float=1,
        family="rank1+", examples=UNARY_RANK1, domain="nonzero",
        variants=(Variant("all_axes", lambda tf, x: tf.math.reduce_euclidean_norm(x)),
                  Variant("keepdims", lambda tf, x: tf.math.reduce_euclidean_norm(x, 0, keepdims=True)))),
)
