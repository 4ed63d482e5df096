"""Linear algebra: matmul of matrices (MatMul) and of batches of matrices (BatchMatMulV2). One :class:`OpEntry`
per op type.
"""
from tensorslow_parity.ops.catalog.records import OpEntry, Variant


def transposed_last2(tf, m):
    n = m.shape.ndims
    return tf.transpose(m, list(range(n - 2)) + [n - 1, n - 2])


ENTRIES = (
    OpEntry(
        op_type="MatMul", tensorslow="matmul", tf_v1="tf.compat.v1.matmul", tf2="tf.matmul",
        keras_op="keras.ops.matmul", keras_layer=None, build=lambda tf, a, b: tf.matmul(a, b), n_float=2,
        family="matmul", examples=(((2, 3), (3, 4)), ((1, 1), (1, 5))),
        variants=(Variant("transpose_a", lambda tf, a, b: tf.matmul(tf.transpose(a), b, transpose_a=True)),
                  Variant("transpose_b", lambda tf, a, b: tf.matmul(a, tf.transpose(b), transpose_b=True)),
                  Variant("transpose_both", lambda tf, a, b: tf.matmul(tf.transpose(a), tf.transpose(b),
                                                                       transpose_a=True, transpose_b=True)),
                  Variant("operator", lambda tf, a, b: a @ b))),
    OpEntry(
        op_type="BatchMatMulV2", tensorslow="matmul", tf_v1="tf.compat.v1.matmul", tf2="tf.matmul",
        keras_op="keras.ops.matmul", keras_layer=None, build=lambda tf, a, b: tf.matmul(a, b), n_float=2,
        family="batch_matmul", examples=(((2, 2, 3), (2, 3, 4)), ((2, 1, 2, 3), (3, 3, 2)), ((4, 3), (2, 3, 2))),
        broadcasts=True,
        variants=(Variant("transpose_b", lambda tf, a, b: tf.matmul(a, transposed_last2(tf, b), transpose_b=True)),),
        notes="matmul of rank > 2 operands; batch axes broadcast (BatchMatMulV2)"),
)
