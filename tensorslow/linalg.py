"""``tf.linalg``: linear algebra on (batches of) matrices, under TF2's names."""
from .ops.clip_ops import global_norm
from .ops.einsum_ops import einsum, tensordot
from .ops.linalg_diag_ops import matrix_band_part as band_part
from .ops.linalg_diag_ops import matrix_diag as diag
from .ops.linalg_diag_ops import matrix_diag_part as diag_part
from .ops.linalg_diag_ops import matrix_set_diag as set_diag
from .ops.linalg_extra_ops import adjoint, cholesky, eye, logdet, matrix_transpose, norm, slogdet, trace
from .ops.linalg_extra_ops import matrix_determinant as det
from .ops.linalg_extra_ops import matrix_inverse as inv
from .ops.linalg_extra_ops import matrix_solve as solve
from .ops.linalg_extra_ops import matrix_transpose as transpose
from .ops.linalg_extra_ops import matrix_triangular_solve as triangular_solve
from .ops.linalg_ops import matmul
from .ops.nn_impl import l2_normalize

__all__ = ["adjoint", "band_part", "cholesky", "det", "diag", "diag_part", "einsum", "eye", "global_norm", "inv",
           "l2_normalize", "logdet", "matmul", "matrix_transpose", "norm", "set_diag", "slogdet", "solve",
           "tensordot", "trace", "transpose", "triangular_solve"]
