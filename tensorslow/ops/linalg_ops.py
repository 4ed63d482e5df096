"""Matrix multiplication: ``MatMul`` (2-D) and ``BatchMatMulV2`` (rank >= 3, batch dims broadcast)."""
from __future__ import annotations

from ..backend import xp
from ..graph import Tensor, TensorLike
from ..registry import RegisterGradient
from ..shapes import TensorShape, broadcast_static
from .core import as_nodes, common_dtype


def _t(m):
    """Transpose of the last two axes."""
    return xp.swapaxes(m, -1, -2)


def _t2(m):
    """Transpose of a matrix (a view)."""
    return m.T


def matmul(a: TensorLike, b: TensorLike, transpose_a: bool = False, transpose_b: bool = False, adjoint_a: bool = False,
           adjoint_b: bool = False, name: str | None = None) -> Tensor:
    """C = op(A) @ op(B), op = transpose if asked; batched over leading axes when rank > 2."""
    a, b = as_nodes([a, b])
    ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
    batched = (a.shape.ndims or 2) > 2 or (b.shape.ndims or 2) > 2
    op_type = "BatchMatMulV2" if batched else "MatMul"
    dtype = common_dtype(op_type, (a, b))
    shape = _matmul_shape(op_type, a, b, ta, tb, name)

    mm = xp.matmul if batched else xp.dot  # the same product for 2-D; dot has less call overhead
    # A TF1-style input (with a dtype) of unknown rank is checked when it runs: NumPy would take a vector
    # where TF's MatMul refuses one. The course's untyped placeholders keep NumPy's matrix @ vector.
    unchecked = [batched or x.shape.ndims is not None or x.dtype is None for x in (a, b)]

    if not ta and not tb and all(unchecked):
        compute = mm
    else:
        def compute(x, y):  # type: ignore[misc]  # the kernel: the product itself, or this wrapper
            for value, ok, which in ((x, unchecked[0], "a"), (y, unchecked[1], "b")):
                if not ok and xp.ndim(value) != 2:
                    raise ValueError(f"MatMul input {which} must be a matrix (rank 2), got a value of shape "
                                     f"{xp.shape(value)}")
            return mm(_t(x) if ta else x, _t(y) if tb else y)
    return Tensor(op_type, (a, b), compute=compute, attrs={"transpose_a": ta, "transpose_b": tb},
                  dtype=dtype, shape=shape, name=name or op_type)


def _matmul_shape(op_type, a, b, ta, tb, name):
    sa, sb = a.shape.dims, b.shape.dims
    if sa is None or sb is None:
        return TensorShape(None)
    for node, dims in ((a, sa), (b, sb)):
        if len(dims) < 2:
            raise ValueError(f"{op_type}{' ' + repr(name) if name else ''}: {node.name!r} has shape "
                             f"{node.shape}; matmul needs rank >= 2 (use tf.reshape or tf.expand_dims)")
    m, k1 = (sa[-1], sa[-2]) if ta else (sa[-2], sa[-1])
    k2, n = (sb[-1], sb[-2]) if tb else (sb[-2], sb[-1])
    if k1 is not None and k2 is not None and k1 != k2:
        raise ValueError(f"{op_type}{' ' + repr(name) if name else ''}: inner dimensions do not match: "
                         f"{a.name!r} has shape {a.shape}{' (transposed)' if ta else ''} and {b.name!r} has "
                         f"shape {b.shape}{' (transposed)' if tb else ''}: {k1} vs {k2}")
    batch = broadcast_static(TensorShape(sa[:-2]), TensorShape(sb[:-2]))
    if batch is None:
        raise ValueError(f"{op_type}: batch dimensions of {a.shape} and {b.shape} cannot be broadcast")
    return TensorShape(list(batch.dims) + [m, n])


def _matmul_grad(op, grad):
    """For C = A B: dL/dA = G B^T and dL/dB = A^T G (transposes placed to match op(A), op(B))"""
    a, b = op.inputs
    need_a, need_b = op.needs
    if op.node.type == "MatMul":
        mm, t = xp.dot, _t2
    else:
        mm, t = xp.matmul, _t
    if not op.transpose_a:
        if not op.transpose_b:  # C = A B
            return (mm(grad, t(b)) if need_a else None), (mm(t(a), grad) if need_b else None)
        # C = A B^T
        return (mm(grad, b) if need_a else None), (mm(t(grad), a) if need_b else None)
    if not op.transpose_b:  # C = A^T B
        return (mm(b, t(grad)) if need_a else None), (mm(a, grad) if need_b else None)
    # C = A^T B^T
    return (mm(t(b), t(grad)) if need_a else None), (mm(t(grad), t(a)) if need_b else None)


RegisterGradient("MatMul")(_matmul_grad)
RegisterGradient("BatchMatMulV2")(_matmul_grad)
