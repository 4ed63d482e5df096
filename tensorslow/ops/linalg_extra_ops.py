"""Linear algebra on (batches of) matrices: inverse, determinant, log-determinant, Cholesky factor, solves.

Every op works on the last two axes and batches over the others, as TF's. The kernels call NumPy's
``linalg``; a singular matrix is TF's InvalidArgumentError when the graph runs (a matrix that is not positive
definite has a Cholesky factor of NaN, as in TF). The gradients are TF's (Giles 2008; Murray 2016 for Cholesky)::

    y = inv(A)           dA = -y^T G y^T
    y = det(A)           dA = G y inv(A)^T
    X = solve(A, B)      dB = solve(A^T, G),  dA = -dB X^T
    L = cholesky(A)      dA = sym(L^-T Phi(L^T G) L^-1), Phi: the lower triangle, its diagonal halved
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import dtypes as _dtypes
from ..backend import xp
from ..errors import InvalidArgumentError
from ..graph import Tensor, TensorLike, name_scope
from ..registry import RegisterGradient
from ..shapes import TensorShape
from .core import as_nodes, common_dtype
from .op_outputs import MultiOutputOp, OutputValues, add_outputs, register_gradient

_FLOATS = "half, float32, float64, complex64, complex128"


def _t(m):
    """Transpose of the last two axes (the adjoint, for real matrices)."""
    return xp.swapaxes(m, -1, -2)


def _matrix_input(op_type, value, what="input", square=True):
    """``value`` as a node: float, rank >= 2 and (if ``square``) square where known, else TF's errors."""
    (x,) = as_nodes([value])
    if x.dtype is not None and not x.dtype.is_floating:
        raise TypeError(f"Value passed to parameter '{what}' has DataType {x.dtype.name} not in list of allowed "
                        f"values: {_FLOATS} ({op_type})")
    dims = x.shape.dims
    if dims is not None:
        if len(dims) < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {len(dims)} for '{op_type}' ({what} "
                             f"{x.name!r} of shape {x.shape})")
        if square and None not in dims[-2:] and dims[-1] != dims[-2]:
            raise ValueError(f"Dimensions must be equal, but are {dims[-2]} and {dims[-1]} for '{op_type}' "
                             f"({what} {x.name!r} of shape {x.shape}: a square matrix is needed)")
    return x


def _linalg_call(node, fn, message, *args):
    """``fn(*args)``, NumPy's LinAlgError turned into TF's InvalidArgumentError naming the node."""
    try:
        return fn(*args)
    except np.linalg.LinAlgError:
        raise InvalidArgumentError(node, message) from None


# -- inverse, determinant --------------------------------------------------------------------------------

def matrix_inverse(input: TensorLike, adjoint: bool = False, name: str | None = None) -> Tensor:  # noqa: A002
    """y = A^-1 (of A^T with ``adjoint``), for each matrix of the batch."""
    x = _matrix_input("MatrixInverse", input)
    node: Tensor

    def compute(a):
        return _linalg_call(node, xp.linalg.inv, "Input is not invertible.", _t(a) if adjoint else a)
    node = Tensor("MatrixInverse", (x,), compute=compute, attrs={"adjoint": bool(adjoint)}, dtype=x.dtype,
                  shape=x.shape, name=name or "MatrixInverse")
    return node


@RegisterGradient("MatrixInverse")
def _matrix_inverse_grad(op, grad):
    """y = A^-1: dA = -y^T G y^T (for y = (A^T)^-1: dA = -y G^T y, transposed)"""
    y = op.output
    if op.adjoint:
        return -xp.matmul(y, xp.matmul(_t(grad), y))
    return -xp.matmul(_t(y), xp.matmul(grad, _t(y)))


def matrix_determinant(input: TensorLike, name: str | None = None) -> Tensor:  # noqa: A002
    """y = det(A) for each matrix of the batch (shape: the batch's)."""
    x = _matrix_input("MatrixDeterminant", input)
    shape = TensorShape(None) if x.shape.dims is None else TensorShape(x.shape.dims[:-2])
    return Tensor("MatrixDeterminant", (x,), compute=lambda a: xp.asarray(xp.linalg.det(a), dtype=a.dtype),
                  dtype=x.dtype, shape=shape, name=name or "MatrixDeterminant")


@RegisterGradient("MatrixDeterminant")
def _matrix_determinant_grad(op, grad):
    """dy/dA = det(A) inv(A)^T (Jacobi's formula)"""
    a = op.inputs[0]
    return (grad * op.output)[..., None, None] * _t(xp.linalg.inv(a))


class LogMatrixDeterminant(NamedTuple):
    """What ``slogdet`` returns: the sign of det(A) and log|det(A)|."""

    sign: Tensor
    log_abs_determinant: Tensor


def slogdet(input: TensorLike, name: str | None = None) -> LogMatrixDeterminant:  # noqa: A002
    """(sign of det(A), log|det(A)|), computed without forming det(A), which under- or overflows easily."""
    x = _matrix_input("LogMatrixDeterminant", input)
    shape = TensorShape(None) if x.shape.dims is None else TensorShape(x.shape.dims[:-2])

    def kernel(a):
        sign, logdet = xp.linalg.slogdet(a)
        return OutputValues([xp.asarray(sign, dtype=a.dtype), xp.asarray(logdet, dtype=a.dtype)])
    node = MultiOutputOp("LogMatrixDeterminant", (x,), compute=kernel, name=name or "LogMatrixDeterminant")
    return LogMatrixDeterminant(*add_outputs(node, [(x.dtype, shape), (x.dtype, shape)]))


@register_gradient("LogMatrixDeterminant")
def _slogdet_grad(op, grads):
    """d log|det A| / dA = inv(A)^T; the sign has no gradient"""
    g = grads[1]
    if g is None:
        return None
    return g[..., None, None] * _t(xp.linalg.inv(op.inputs[0]))


def logdet(matrix: TensorLike, name: str | None = None) -> Tensor:
    """log det(A) of a Hermitian positive definite A, as TF computes it: 2 sum(log(diag(cholesky(A))))."""
    from .linalg_diag_ops import matrix_diag_part
    from .math_ops import log, multiply
    from .reduction_ops import reduce_sum
    with name_scope(name, "logdet", [matrix]):
        (a,) = as_nodes([matrix])
        diagonal = matrix_diag_part(cholesky(a))
        return multiply(2.0, reduce_sum(log(diagonal), axis=[-1]), name="mul")


# -- Cholesky, solves ---------------------------------------------------------------------------------

def cholesky(input: TensorLike, name: str | None = None) -> Tensor:  # noqa: A002
    """L, lower triangular with a positive diagonal, with L L^T = A (A symmetric positive definite; only its
    lower triangle is read)."""
    x = _matrix_input("Cholesky", input)
    return Tensor("Cholesky", (x,), compute=_cholesky, dtype=x.dtype, shape=x.shape, name=name or "Cholesky")


def _cholesky(a):
    """The Cholesky factors of a batch; NaN (on the lower triangle) for a matrix that is not positive
    definite, as TF's kernel gives since TF 2.15 (it raised before)."""
    try:
        return xp.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        pass
    flat = a.reshape((-1,) + a.shape[-2:])
    out = xp.empty_like(flat)
    for i, m in enumerate(flat):
        try:
            out[i] = xp.linalg.cholesky(m)
        except np.linalg.LinAlgError:
            out[i] = xp.where(xp.tril(xp.ones(m.shape, dtype=bool)), xp.nan, 0).astype(m.dtype)
    return out.reshape(a.shape)


@RegisterGradient("Cholesky")
def _cholesky_grad(op, grad):
    """dA = (S + S^T) / 2 with S = L^-T Phi(L^T G) L^-1, Phi keeping the lower triangle with its diagonal
    halved (Murray 2016, as TF)"""
    lower = op.output
    n = lower.shape[-1]
    lower_inv = xp.linalg.solve(lower, xp.broadcast_to(xp.eye(n, dtype=lower.dtype), lower.shape))
    middle = xp.matmul(_t(lower), grad)
    middle = xp.tril(middle) - 0.5 * xp.tril(xp.triu(middle))  # lower triangle, diagonal halved
    s = xp.matmul(xp.matmul(_t(lower_inv), middle), lower_inv)
    return (s + _t(s)) * 0.5


def _solve_inputs(op_type, matrix, rhs):
    a = _matrix_input(op_type, matrix, "matrix")
    (b,) = as_nodes([rhs], dtype_hint=a.dtype)
    common_dtype(op_type, (a, b))
    if b.shape.ndims is not None and b.shape.ndims < 2:
        raise ValueError(f"Shape must be at least rank 2 but is rank {b.shape.ndims} for '{op_type}' (rhs {b.name!r})")
    if a.shape.dims is not None and b.shape.dims is not None:
        m, k = a.shape.dims[-2], b.shape.dims[-2]
        if m is not None and k is not None and m != k:
            raise ValueError(f"Dimensions must be equal, but are {m} and {k} for '{op_type}' with input shapes: "
                             f"{a.shape}, {b.shape}")
    return a, b


def matrix_solve(matrix: TensorLike, rhs: TensorLike, adjoint: bool = False, name: str | None = None) -> Tensor:
    """X with A X = B (A^T X = B with ``adjoint``), for each matrix of the batch."""
    a, b = _solve_inputs("MatrixSolve", matrix, rhs)
    node: Tensor

    def compute(m, r):
        return _linalg_call(node, xp.linalg.solve, "Input matrix is not invertible.", _t(m) if adjoint else m, r)
    node = Tensor("MatrixSolve", (a, b), compute=compute, attrs={"adjoint": bool(adjoint)}, dtype=a.dtype,
                  shape=b.shape, name=name or "MatrixSolve")
    return node


@RegisterGradient("MatrixSolve")
def _matrix_solve_grad(op, grad):
    """X = A^-1 B: dB = A^-T G, dA = -dB X^T (with ``adjoint``: dA = -X dB^T)"""
    a, _ = op.inputs
    x = op.output
    grad_b = xp.linalg.solve(a if op.adjoint else _t(a), grad)
    grad_a = -xp.matmul(x, _t(grad_b)) if op.adjoint else -xp.matmul(grad_b, _t(x))
    return grad_a, grad_b


def matrix_triangular_solve(matrix: TensorLike, rhs: TensorLike, lower: bool = True, adjoint: bool = False,
                            name: str | None = None) -> Tensor:
    """X with A X = B for a triangular A (its lower triangle if ``lower``, else its upper one; the rest of A is
    not read); A^T X = B with ``adjoint``."""
    with name_scope(name, "triangular_solve", [matrix, rhs]):
        a, b = _solve_inputs("MatrixTriangularSolve", matrix, rhs)
        node: Tensor

        def compute(m, r):
            tri = xp.tril(m) if lower else xp.triu(m)
            return _linalg_call(node, xp.linalg.solve, "Input matrix is not invertible.",
                                _t(tri) if adjoint else tri, r).astype(m.dtype, copy=False)
        node = Tensor("MatrixTriangularSolve", (a, b), compute=compute,
                      attrs={"lower": bool(lower), "adjoint": bool(adjoint)}, dtype=a.dtype, shape=b.shape,
                      name="MatrixTriangularSolve")
        return node


@RegisterGradient("MatrixTriangularSolve")
def _matrix_triangular_solve_grad(op, grad):
    """as MatrixSolve's with A's triangle, dA kept to that triangle"""
    a, _ = op.inputs
    tri = xp.tril(a) if op.lower else xp.triu(a)
    x = op.output
    grad_b = xp.linalg.solve(tri if op.adjoint else _t(tri), grad)
    grad_a = -xp.matmul(x, _t(grad_b)) if op.adjoint else -xp.matmul(grad_b, _t(x))
    return (xp.tril(grad_a) if op.lower else xp.triu(grad_a)), grad_b


# -- composites: matrix_transpose, trace, eye, norm --------------------------------------------------

def matrix_transpose(a: TensorLike, name: str = "matrix_transpose", conjugate: bool = False) -> Tensor:
    """The last two axes swapped: a Transpose in the scope ``matrix_transpose``, as TF builds it."""
    from .array_ops import transpose
    with name_scope(name, "matrix_transpose", [a]):
        (x,) = as_nodes([a], names=["a"])
        rank = x.shape.ndims
        if rank is None:
            raise ValueError(f"matrix_transpose: the rank of {x.name!r} must be known when the graph is built")
        if rank < 2:
            raise ValueError(f"Argument `a` should be a (batch) matrix with rank >= 2.  Received `a` = {x.name!r} "
                             f"with shape: {x.shape}")
        return transpose(x, list(range(rank - 2)) + [rank - 1, rank - 2])


def adjoint(matrix: TensorLike, name: str | None = None) -> Tensor:
    """The conjugate transpose of the last two axes: for real matrices, matrix_transpose (in scope ``adjoint``)."""
    with name_scope(name, "adjoint", [matrix]):
        return matrix_transpose(matrix)


def trace(x: TensorLike, name: str | None = None) -> Tensor:
    """The sum of the main diagonal of each matrix: Sum over the last axis of matrix_diag_part, named Trace."""
    from .linalg_diag_ops import matrix_diag_part
    from .reduction_ops import reduce_sum
    with name_scope(name, "Trace", [x]) as scope:
        (m,) = as_nodes([x], names=["x"])
        return reduce_sum(matrix_diag_part(m), [-1], name=scope)


def eye(num_rows: int, num_columns: int | None = None, batch_shape=None, dtype=_dtypes.float32,
        name: str | None = None) -> Tensor:
    """The identity matrix (``num_rows`` x ``num_columns``), repeated over ``batch_shape``: a diagonal of ones
    made a matrix (MatrixDiagV3; MatrixSetDiagV3 on zeros when it is not square), as TF builds it."""
    from .core import convert_to_tensor, int_arg
    from .linalg_diag_ops import matrix_diag, matrix_set_diag
    rows = int_arg(num_rows, "num_rows", "eye")
    cols = rows if num_columns is None else int_arg(num_columns, "num_columns", "eye")
    batch = [] if batch_shape is None else [int_arg(d, "batch_shape", "eye") for d in batch_shape]
    np_dtype = _dtypes.as_dtype(dtype).as_numpy_dtype
    with name_scope(name, "eye"):
        ones = convert_to_tensor(np.ones(batch + [min(rows, cols)], np_dtype), name="ones")
        if rows == cols:
            return matrix_diag(ones)
        zeros = convert_to_tensor(np.zeros(batch + [rows, cols], np_dtype), name="zeros")
        return matrix_set_diag(zeros, ones)


def norm(tensor: TensorLike, ord="euclidean", axis=None, keepdims=None, name: str | None = None,  # noqa: A002
         keep_dims=None) -> Tensor:
    """The vector norm of ``tensor`` (all of it, or along ``axis``) or, with two axes, the matrix norm:
    ord 'euclidean'/'fro'/2 = sqrt(sum x^2), 1 = sum |x| (matrices: max column sum), inf = max |x| (matrices:
    max row sum), p = (sum |x|^p)^(1/p). TF's ops: mul, Sum, Sqrt (or Abs, Sum, Max, Pow) and Squeeze."""
    from .array_ops import squeeze
    from .math_ops import abs as abs_
    from .math_ops import multiply, sqrt
    from .math_ops import pow as pow_
    from .reduction_ops import reduce_max, reduce_sum
    keep = bool(keep_dims if keep_dims is not None else keepdims)
    matrix = isinstance(axis, (list, tuple)) and len(axis) == 2
    if matrix:
        if axis[0] == axis[1]:
            raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}")
        if ord not in ("euclidean", "fro", 1, 2, np.inf):
            raise ValueError(f"'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, 2, inf], got {ord}")
        if ord == 2:
            raise NotImplementedError("norm: the matrix 2-norm (an SVD) is not supported by TensorSlow")
    else:
        if isinstance(axis, (list, tuple)) or not (axis is None or isinstance(axis, int)):
            raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}")
        if ord not in ("euclidean", 1, 2, np.inf) and (not np.isreal(ord) or ord <= 0):
            raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
        axis = None if axis is None else (axis,)
    with name_scope(name, "norm", [tensor]):
        (x,) = as_nodes([tensor])
        if ord in ("euclidean", "fro", 2, 2.0):
            result = sqrt(reduce_sum(multiply(x, x, name="mul"), axis, keepdims=True))
        else:
            result = abs_(x)
            if ord == 1:
                result = reduce_sum(result, None if axis is None else axis[0], keepdims=True)
                if matrix:
                    result = reduce_max(result, axis[-1], keepdims=True)
            elif ord == np.inf:
                if matrix:
                    result = reduce_sum(result, axis[1], keepdims=True)
                result = reduce_max(result, None if axis is None else axis[0], keepdims=True)
            else:
                p = float(ord)
                result = pow_(reduce_sum(pow_(result, p), axis, keepdims=True), 1.0 / p)
        return result if keep else squeeze(result, axis)

