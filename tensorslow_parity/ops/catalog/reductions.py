"""Reductions (reduce_sum, reduce_mean, reduce_prod, reduce_max, reduce_min) and argmax/argmin. One
:class:`OpEntry` per op type; each reduction also over every axis of a rank known only at run time.
"""
from tensorslow_parity.ops.catalog.inputs import UNARY, UNARY_RANK1, UNARY_RANK2
from tensorslow_parity.ops.catalog.records import OpEntry, Variant, at_kinks


def _reduce(r, **kwargs):
    """``build`` for ``tf.reduce_<r>(x, **kwargs)``."""
    return lambda tf, x: getattr(tf, f"reduce_{r}")(x, **kwargs)


def _reduce_unknown_rank(r, **kwargs):
    """``build`` for ``tf.reduce_<r>`` over every axis of ``x`` seen with no static shape (a
    ``placeholder_with_default`` of shape None): the axes are range(0, rank(x)), made at run time."""
    return lambda tf, x: getattr(tf, f"reduce_{r}")(tf.placeholder_with_default(x, shape=None), **kwargs)


ENTRIES = (
    *[OpEntry(
          op_type=op, tensorslow=f"reduce_{r}", tf_v1=f"tf.compat.v1.reduce_{r}", tf2=f"tf.reduce_{r}",
          keras_op=f"keras.ops.{k}", keras_layer=None,
          build=_reduce(r, axis=-1), n_float=1, family="rank1+",
          examples=UNARY_RANK1, domain=dom,
          variants=(Variant("all", _reduce(r), family="any", examples=UNARY),
                    Variant("all_unknown_rank", _reduce_unknown_rank(r), family="any", examples=UNARY),
                    Variant("all_unknown_rank_keepdims", _reduce_unknown_rank(r, keepdims=True), family="any",
                            examples=UNARY),
                    Variant("axes_keepdims", _reduce(r, axis=(0, -1), keepdims=True), family="rank2+",
                            examples=UNARY_RANK2),
                    Variant("tf1_spelling", _reduce(r, reduction_indices=[0], keep_dims=True)),
                    *([at_kinks(_reduce(r, axis=-1), label="ties")] if dom == "distinct" else []),
                    # The product is smooth at 0, so finite differences hold there: zeros test the
                    # gradient's exclusive products (dividing the product by x would give NaN).
                    *([Variant("with_zeros", _reduce(r, axis=-1), domain="small_integers")] if r == "prod" else [])),
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
