"""Reductions (reduce_sum, reduce_mean, reduce_prod, reduce_max, reduce_min) and argmax/argmin. One
:class:`OpEntry` per op type.
"""
from tensorslow_parity.ops.catalog.inputs import UNARY, UNARY_RANK1, UNARY_RANK2
from tensorslow_parity.ops.catalog.records import at_kinks, OpEntry, Variant


ENTRIES = (
    *[OpEntry(
          op_type=op, tensorslow=f"reduce_{r}", tf_v1=f"tf.compat.v1.reduce_{r}", tf2=f"tf.reduce_{r}",
          keras_op=f"keras.ops.{k}", keras_layer=None,
          build=(lambda r: lambda tf, x: getattr(tf, f"reduce_{r}")(x, axis=-1))(r), n_float=1, family="rank1+",
          examples=UNARY_RANK1, domain=dom,
          variants=(Variant("all", (lambda r: lambda tf, x: getattr(tf, f"reduce_{r}")(x))(r), family="any",
                            examples=UNARY),
                    Variant("axes_keepdims", (lambda r: lambda tf, x: getattr(tf, f"reduce_{r}")(
                              x, axis=(0, -1), keepdims=True))(r), family="rank2+", examples=UNARY_RANK2),
                    Variant("tf1_spelling", (lambda r: lambda tf, x: getattr(tf, f"reduce_{r}")(
                              x, reduction_indices=[0], keep_dims=True))(r)),
                    *([at_kinks((lambda r: lambda tf, x: getattr(tf, f"reduce_{r}")(x, axis=-1))(r),
                                 label="ties")] if dom == "distinct" else []),
                    # The product is smooth at 0, so finite differences hold there: zeros test the
                    # gradient's exclusive products (dividing the product by x would give NaN).
                    *([Variant("with_zeros", (lambda r: lambda tf, x: getattr(tf, f"reduce_{r}")(x, axis=-1))(r),
                               domain="small_integers")] if r == "prod" else [])),
          notes=note)
      for op, r, k, dom, note in [
          ("Sum", "sum", "sum", "real", ""),
          ("Mean", "mean", "mean", "real", ""),
          ("Prod", "prod", "prod", "real", "gradient by exclusive cumulative products: zeros are fine"),
          ("Max", "max", "max", "distinct", "ties share the gradient equally, as in TF; inputs drawn without ties"),
          ("Min", "min", "min", "distinct", "ties share the gradient equally, as in TF; inputs drawn without ties"),
      ]],
    OpEntry(
        op_type="ArgMax", tensorslow="argmax", tf_v1="tf.compat.v1.argmax", tf2="tf.argmax",
        keras_op="keras.ops.argmax", keras_layer=None, build=lambda tf, x: tf.argmax(x, axis=-1), n_float=1,
        family="rank1+", examples=UNARY_RANK1, domain="distinct", differentiable=False,
        variants=(Variant("dimension", lambda tf, x: tf.argmax(x, dimension=0)),
                  at_kinks(lambda tf, x: tf.argmax(x, axis=-1), label="ties")),
        notes="int64 output, as in TF; ties go to the first index"),
    OpEntry(
        op_type="ArgMin", tensorslow="argmin", tf_v1="tf.compat.v1.argmin", tf2="tf.argmin",
        keras_op="keras.ops.argmin", keras_layer=None, build=lambda tf, x: tf.argmin(x, axis=-1), n_float=1,
        family="rank1+", examples=UNARY_RANK1, domain="distinct", differentiable=False),
)
