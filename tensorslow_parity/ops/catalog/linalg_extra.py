"""More linear algebra: inverse, determinants, Cholesky, solves, diagonals and bands of matrices, and einsum.
One :class:`OpEntry` per op type.

The matrices that must be invertible or positive definite are made from the float inputs so that they are,
whatever values are drawn: ``x y^T + 2m I`` (square m x m, not symmetric, far from singular) and ``x x^T + m I``
(symmetric positive definite). Their gradients reach x and y through the MatMul, so the finite differences
check the op's gradient on matrices of every direction (for Cholesky, symmetric ones: only A's lower
triangle is read, and TF's gradient is symmetrised).
"""
from tensorslow_parity.ops.catalog.inputs import UNARY_RANK1, UNARY_RANK2
from tensorslow_parity.ops.catalog.records import OpEntry, Variant

SQUARE_FROM = (((2, 3), (2, 3)), ((3, 3), (3, 3)), ((1, 2), (1, 2)))
MATRICES = (((2, 3),), ((4, 2),))


def general(tf, x, y):
    """x y^T + 2m I: an m x m matrix that is not symmetric and far from singular."""
    m = x.shape.as_list()[-2]
    return tf.matmul(x, y, transpose_b=True) + 2.0 * m * tf.eye(m, dtype=x.dtype)


def positive_definite(tf, x):
    """x x^T + m I (batched over x's leading axes): symmetric positive definite."""
    m = x.shape.as_list()[-2]
    return tf.matmul(x, x, transpose_b=True) + m * tf.eye(m, dtype=x.dtype)


def _matrix_op(op_type, name, tf2, keras, build, notes="", variants=()):
    return OpEntry(op_type=op_type, tensorslow=name, tf_v1=f"tf.compat.v1.{name}", tf2=tf2, keras_op=keras,
                   keras_layer=None, build=build, n_float=2, family="same_rank2", examples=SQUARE_FROM,
                   variants=variants, notes=notes)


ENTRIES = (
    _matrix_op("MatrixInverse", "matrix_inverse", "tf.linalg.inv", "keras.ops.inv",
               lambda tf, x, y: tf.matrix_inverse(general(tf, x, y)),
               variants=(Variant("adjoint", lambda tf, x, y: tf.matrix_inverse(general(tf, x, y), adjoint=True)),)),
    _matrix_op("MatrixDeterminant", "matrix_determinant", "tf.linalg.det", "keras.ops.det",
               lambda tf, x, y: tf.matrix_determinant(general(tf, x, y))),
    OpEntry(
        op_type="LogMatrixDeterminant", tensorslow="linalg.slogdet", tf_v1="tf.compat.v1.linalg.slogdet",
        tf2="tf.linalg.slogdet", keras_op="keras.ops.slogdet", keras_layer=None,
        build=lambda tf, x, y: tf.linalg.slogdet(general(tf, x, y)).log_abs_determinant, n_float=2,
        family="same_rank2", examples=SQUARE_FROM,
        variants=(Variant("sign", lambda tf, x, y: tf.linalg.slogdet(-general(tf, x, y))[0] * tf.linalg.slogdet(
            -general(tf, x, y))[1]),),
        notes="(sign, log|det|), one op with two outputs; only log|det| has a gradient"),
    OpEntry(
        op_type="Cholesky", tensorslow="cholesky", tf_v1="tf.compat.v1.cholesky", tf2="tf.linalg.cholesky",
        keras_op="keras.ops.cholesky", keras_layer=None, build=lambda tf, x: tf.cholesky(positive_definite(tf, x)),
        n_float=1, family="rank2+", examples=UNARY_RANK2,
        variants=(Variant("logdet", lambda tf, x: tf.linalg.logdet(positive_definite(tf, x))),),
        notes="only the lower triangle is read; the gradient is symmetric, as TF's"),
    _matrix_op("MatrixSolve", "matrix_solve", "tf.linalg.solve", "keras.ops.solve",
               lambda tf, x, y: tf.matrix_solve(general(tf, x, y), x),
               variants=(Variant("adjoint", lambda tf, x, y: tf.matrix_solve(general(tf, x, y), x, adjoint=True)),)),
    _matrix_op("MatrixTriangularSolve", "matrix_triangular_solve", "tf.linalg.triangular_solve",
               "keras.ops.solve_triangular",
               lambda tf, x, y: tf.matrix_triangular_solve(general(tf, x, y), x),
               variants=(Variant("upper", lambda tf, x, y: tf.matrix_triangular_solve(general(tf, x, y), x,
                                                                                      lower=False)),
                         Variant("adjoint", lambda tf, x, y: tf.matrix_triangular_solve(general(tf, x, y), y,
                                                                                        adjoint=True))),
               notes="only the lower (or upper) triangle of the matrix is read; its gradient stays in it"),
    OpEntry(
        op_type="MatrixDiagV3", tensorslow="matrix_diag", tf_v1="tf.compat.v1.matrix_diag", tf2="tf.linalg.diag",
        keras_op="keras.ops.diag", keras_layer=None, build=lambda tf, x: tf.matrix_diag(x), n_float=1,
        family="rank1+", examples=UNARY_RANK1,
        variants=(Variant("eye", lambda tf, x: tf.eye(3, dtype=x.dtype) * tf.reduce_sum(x)),),
        notes="the main diagonal only (k = 0)"),
    OpEntry(
        op_type="MatrixDiagPartV3", tensorslow="matrix_diag_part", tf_v1="tf.compat.v1.matrix_diag_part",
        tf2="tf.linalg.diag_part", keras_op="keras.ops.diagonal", keras_layer=None,
        build=lambda tf, x: tf.matrix_diag_part(x), n_float=1, family="rank2+", examples=UNARY_RANK2,
        variants=(Variant("trace", lambda tf, x: tf.trace(x)),), notes="the main diagonal only (k = 0)"),
    OpEntry(
        op_type="MatrixSetDiagV3", tensorslow="matrix_set_diag", tf_v1="tf.compat.v1.matrix_set_diag",
        tf2="tf.linalg.set_diag", keras_op=None, keras_layer=None,
        build=lambda tf, x: tf.matrix_set_diag(x, tf.matrix_diag_part(x) * 3.0), n_float=1, family="rank2+",
        examples=UNARY_RANK2, variants=(Variant("eye", lambda tf, x: tf.eye(2, 3, dtype=x.dtype) * tf.reduce_sum(x)),),
        notes="the main diagonal only (k = 0)"),
    OpEntry(
        op_type="Diag", tensorslow="diag", tf_v1="tf.compat.v1.diag", tf2="tf.linalg.tensor_diag", keras_op=None,
        keras_layer=None, build=lambda tf, x: tf.diag(x), n_float=1, family="rank1+", examples=UNARY_RANK1),
    OpEntry(
        op_type="DiagPart", tensorslow="diag_part", tf_v1="tf.compat.v1.diag_part", tf2="tf.linalg.tensor_diag_part",
        keras_op=None, keras_layer=None, build=lambda tf, x: tf.diag_part(tf.matmul(x, x, transpose_b=True)),
        n_float=1, family="rank2", examples=MATRICES),
    OpEntry(
        op_type="MatrixBandPart", tensorslow="matrix_band_part", tf_v1="tf.compat.v1.matrix_band_part",
        tf2="tf.linalg.band_part", keras_op=None, keras_layer=None, build=lambda tf, x: tf.matrix_band_part(x, 1, 0),
        n_float=1, family="rank2+", examples=UNARY_RANK2,
        variants=(Variant("upper", lambda tf, x: tf.matrix_band_part(x, 0, -1)),
                  Variant("lower", lambda tf, x: tf.matrix_band_part(x, -1, 0)),
                  Variant("diagonal", lambda tf, x: tf.matrix_band_part(x, 0, 0)))),
    OpEntry(
        op_type="Einsum", tensorslow="einsum", tf_v1="tf.compat.v1.einsum", tf2="tf.einsum",
        keras_op="keras.ops.einsum", keras_layer=None, build=lambda tf, a, b: tf.einsum("ij,jk->ik", a, b),
        n_float=2, family="matmul", examples=(((2, 3), (3, 4)), ((1, 1), (1, 5))),
        variants=(Variant("implicit", lambda tf, a, b: tf.einsum("ij,jk", a, b)),
                  Variant("outer", lambda tf, a, b: tf.einsum("ij,kl->ijkl", a, b)),
                  Variant("sum_of_one", lambda tf, a, b: tf.einsum("ij->j", a), stopped_inputs=(1,)),
                  Variant("diagonal", lambda tf, a, b: tf.einsum("ii->i", tf.einsum("ij,kj->ik", a, a)),
                          stopped_inputs=(1,)),
                  Variant("trace", lambda tf, a, b: tf.einsum("ii", tf.einsum("ij,kj->ik", a, a)),
                          stopped_inputs=(1,)),
                  Variant("batch", lambda tf, a, b: tf.einsum("...ij,...jk->...ik", a, b), family="batch_matmul",
                          examples=(((2, 2, 3), (2, 3, 4)), ((2, 1, 2, 3), (3, 3, 2)), ((4, 3), (2, 3, 2))))),
        notes="any equation NumPy's einsum takes; the gradient is an einsum per operand"),
)
