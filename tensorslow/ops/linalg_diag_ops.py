"""Diagonals and bands of matrices: matrix_diag, matrix_diag_part, matrix_set_diag, diag, diag_part,
matrix_band_part. They only move values, so each gradient puts ``grad`` back where the value came from.

    matrix_diag(d)[..., i, i]      = d[..., i]          (0 off the diagonal)
    matrix_diag_part(A)[..., i]    = A[..., i, i]       (i < min(rows, cols))
    matrix_set_diag(A, d)          = A with A[..., i, i] = d[..., i]
    diag(d)[i1..ik, i1..ik]        = d[i1..ik]          (TF1's tf.diag: rank k in, rank 2k out)
    matrix_band_part(A, lo, hi)    = A where -lo <= j - i <= hi (a negative bound keeps that whole triangle)

TF's V3 ops also take a diagonal offset ``k`` (a band of diagonals); TensorSlow supports the main diagonal,
k = 0, and raises NotImplementedError for others. TF's constant inputs (k, num_rows, num_cols,
padding_value, align) are in the graph, as TF makes them.
"""
from __future__ import annotations

import numpy as np

from ..backend import xp
from ..graph import Tensor, TensorLike, name_scope
from ..registry import RegisterGradient
from ..shapes import TensorShape
from .core import as_nodes, common_dtype, int_arg, side_constant


def _main_diagonal_only(k, op_type):
    if not (isinstance(k, (int, np.integer)) and int(k) == 0):
        raise NotImplementedError(f"{op_type}: only the main diagonal (k=0) is supported by TensorSlow, got k={k!r}")


def _diagonal(a):
    """A's main diagonal along the last axis (a view)."""
    return xp.diagonal(a, axis1=-2, axis2=-1)


def _place_diagonal(d, rows, cols):
    """A (..., rows, cols) matrix of zeros with ``d`` (..., min(rows, cols)) on its main diagonal."""
    out = xp.zeros(d.shape[:-1] + (rows, cols), dtype=d.dtype)
    n = min(rows, cols)
    out[..., xp.arange(n), xp.arange(n)] = d
    return out


# -- matrix_diag ----------------------------------------------------------------------------------------

def matrix_diag(diagonal: TensorLike, name: str = "diag", k: int = 0, num_rows: int = -1, num_cols: int = -1,
                padding_value=0, align: str = "RIGHT_LEFT") -> Tensor:
    """Square matrices (or num_rows x num_cols ones) with ``diagonal`` on their main diagonal, 0 elsewhere."""
    _main_diagonal_only(k, "MatrixDiagV3")
    with name_scope(name, "diag", [diagonal]) as scope:
        (d,) = as_nodes([diagonal], names=["diagonal"])
        if d.shape.ndims == 0:
            raise ValueError(f"Shape must be at least rank 1 but is rank 0 for 'MatrixDiagV3' ({d.name!r})")
        rows_in, cols_in = int_arg(num_rows, "num_rows", "MatrixDiagV3"), int_arg(num_cols, "num_cols", "MatrixDiagV3")
        for value, what in ((k, "k"), (rows_in, "num_rows"), (cols_in, "num_cols")):
            side_constant(value, what)
        side_constant(padding_value, "padding_value", d.dtype.as_numpy_dtype if d.dtype else np.float32)
        n = d.shape.dims[-1] if d.shape.dims is not None else None
        rows = rows_in if rows_in >= 0 else (cols_in if cols_in >= 0 and n is None else n)
        cols = cols_in if cols_in >= 0 else rows
        shape = TensorShape(None) if d.shape.dims is None else TensorShape(list(d.shape.dims[:-1]) + [rows, cols])

        def compute(v):
            r = rows_in if rows_in >= 0 else v.shape[-1]
            c = cols_in if cols_in >= 0 else r
            return _place_diagonal(v, r, c)
        return Tensor("MatrixDiagV3", (d,), compute=compute, dtype=d.dtype, shape=shape, name=scope)


@RegisterGradient("MatrixDiagV3")
def _matrix_diag_grad(op, grad):
    """dL/dd = the diagonal of dL/dy"""
    d = op.inputs[0]
    return _diagonal(grad)[..., :d.shape[-1]].copy()


# -- matrix_diag_part ------------------------------------------------------------------------------------

def matrix_diag_part(input: TensorLike, name: str = "diag_part", k: int = 0, padding_value=0,  # noqa: A002
                     align: str = "RIGHT_LEFT") -> Tensor:
    """y[..., i] = A[..., i, i], for i < min(rows, cols)."""
    _main_diagonal_only(k, "MatrixDiagPartV3")
    with name_scope(name, "diag_part", [input]) as scope:
        (a,) = as_nodes([input], names=["input"])
        if a.shape.ndims is not None and a.shape.ndims < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {a.shape.ndims} for 'MatrixDiagPartV3' "
                             f"({a.name!r})")
        side_constant(k, "k")
        side_constant(padding_value, "padding_value", a.dtype.as_numpy_dtype if a.dtype else np.float32)
        shape = TensorShape(None)
        if a.shape.dims is not None:
            r, c = a.shape.dims[-2:]
            shape = TensorShape(list(a.shape.dims[:-2]) + [None if None in (r, c) else min(r, c)])
        return Tensor("MatrixDiagPartV3", (a,), compute=lambda v: _diagonal(v).copy(), dtype=a.dtype, shape=shape,
                      name=scope)


@RegisterGradient("MatrixDiagPartV3")
def _matrix_diag_part_grad(op, grad):
    """dL/dA = dL/dy on the diagonal, 0 elsewhere"""
    a = op.inputs[0]
    return _place_diagonal(grad, a.shape[-2], a.shape[-1])


# -- matrix_set_diag -----------------------------------------------------------------------------------------

def matrix_set_diag(input: TensorLike, diagonal: TensorLike, name: str = "set_diag", k: int = 0,  # noqa: A002
                    align: str = "RIGHT_LEFT") -> Tensor:
    """A with its main diagonal replaced by ``diagonal``."""
    _main_diagonal_only(k, "MatrixSetDiagV3")
    with name_scope(name, "set_diag", [input, diagonal]) as scope:
        a, d = as_nodes([input, diagonal], names=["input", "diagonal"])
        dtype = common_dtype("MatrixSetDiagV3", (a, d))
        if a.shape.dims is not None and d.shape.dims is not None and len(a.shape.dims) >= 2:
            r, c = a.shape.dims[-2:]
            expected = TensorShape(list(a.shape.dims[:-2]) + [None if None in (r, c) else min(r, c)])
            if not expected.is_compatible_with(d.shape):
                raise ValueError(f"Dimensions must be equal: the diagonal {d.name!r} of shape {d.shape} does not "
                                 f"fit the main diagonal of {a.name!r} of shape {a.shape} (MatrixSetDiagV3)")
        side_constant(k, "k")

        def compute(m, v):
            out = m.copy()
            n = min(m.shape[-2], m.shape[-1])
            out[..., xp.arange(n), xp.arange(n)] = v
            return out
        return Tensor("MatrixSetDiagV3", (a, d), compute=compute, dtype=dtype, shape=a.shape, name=scope)


@RegisterGradient("MatrixSetDiagV3")
def _matrix_set_diag_grad(op, grad):
    """dL/dA = dL/dy with its diagonal zeroed; dL/dd = the diagonal of dL/dy"""
    n = min(grad.shape[-2], grad.shape[-1])
    grad_a = grad.copy()
    grad_a[..., xp.arange(n), xp.arange(n)] = 0
    return grad_a, _diagonal(grad).copy()


# -- diag, diag_part (TF1) ------------------------------------------------------------------------------

def diag(diagonal: TensorLike, name: str | None = None) -> Tensor:
    """y[i1..ik, i1..ik] = d[i1..ik], 0 elsewhere: rank k in, rank 2k out (TF1's tf.diag, the op Diag)."""
    (d,) = as_nodes([diagonal])
    if d.shape.ndims == 0:
        raise ValueError(f"Shape must be at least rank 1 but is rank 0 for 'Diag' ({d.name!r})")
    shape = TensorShape(None) if d.shape.dims is None else TensorShape(list(d.shape.dims) * 2)

    def compute(v):
        return xp.diag(v.reshape(-1)).reshape(v.shape * 2)
    return Tensor("Diag", (d,), compute=compute, dtype=d.dtype, shape=shape, name=name or "Diag")


@RegisterGradient("Diag")
def _diag_grad(op, grad):
    """dL/dd = the diagonal of dL/dy"""
    d = op.inputs[0]
    return xp.diagonal(grad.reshape(d.size, d.size)).reshape(d.shape).copy()


def diag_part(input: TensorLike, name: str | None = None) -> Tensor:  # noqa: A002
    """y[i1..ik] = x[i1..ik, i1..ik] of x shaped (d1..dk, d1..dk): the inverse of diag (op DiagPart)."""
    (x,) = as_nodes([input])
    dims = x.shape.dims
    shape = TensorShape(None)
    if dims is not None:
        half = len(dims) // 2
        if len(dims) % 2 or not TensorShape(dims[:half]).is_compatible_with(dims[half:]):
            raise ValueError(f"Input must have even rank and be shaped (d1..dk, d1..dk), got {x.shape} for 'DiagPart' "
                             f"({x.name!r})")
        shape = TensorShape(dims[:half])

    def compute(v):
        half_shape = v.shape[:v.ndim // 2]
        n = int(np.prod(half_shape))
        return xp.diagonal(v.reshape(n, n)).reshape(half_shape).copy()
    return Tensor("DiagPart", (x,), compute=compute, dtype=x.dtype, shape=shape, name=name or "DiagPart")


@RegisterGradient("DiagPart")
def _diag_part_grad(op, grad):
    """dL/dx = dL/dy on the diagonal, 0 elsewhere"""
    return xp.diag(grad.reshape(-1)).reshape(grad.shape * 2)


# -- matrix_band_part -----------------------------------------------------------------------------------

def matrix_band_part(input: TensorLike, num_lower, num_upper, name: str | None = None) -> Tensor:  # noqa: A002
    """A where the element is in the band: i - j <= num_lower and j - i <= num_upper (a negative bound: no
    limit on that side). (0, -1) keeps the upper triangle, (-1, 0) the lower one, (0, 0) the diagonal."""
    with name_scope(name, "MatrixBandPart", [input]) as scope:
        (a,) = as_nodes([input], names=["input"])
        lo, hi = int_arg(num_lower, "num_lower", "MatrixBandPart"), int_arg(num_upper, "num_upper", "MatrixBandPart")
        if a.shape.ndims is not None and a.shape.ndims < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {a.shape.ndims} for 'MatrixBandPart' "
                             f"({a.name!r})")
        side_constant(lo, "num_lower", np.int64)
        side_constant(hi, "num_upper", np.int64)

        def compute(v):
            return xp.where(_band_mask(v.shape[-2], v.shape[-1], lo, hi), v, xp.zeros((), dtype=v.dtype))
        return Tensor("MatrixBandPart", (a,), compute=compute, attrs={"num_lower": lo, "num_upper": hi},
                      dtype=a.dtype, shape=a.shape, name=scope)


def _band_mask(rows, cols, lo, hi):
    i, j = xp.arange(rows)[:, None], xp.arange(cols)[None, :]
    return ((lo < 0) | (i - j <= lo)) & ((hi < 0) | (j - i <= hi))


@RegisterGradient("MatrixBandPart")
def _matrix_band_part_grad(op, grad):
    """dL/dA = dL/dy inside the band, 0 outside"""
    mask = _band_mask(grad.shape[-2], grad.shape[-1], op.num_lower, op.num_upper)
    return xp.where(mask, grad, xp.zeros((), dtype=grad.dtype))
