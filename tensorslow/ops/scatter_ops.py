"""Gathering and scattering by N-d indices: gather_nd, scatter_nd and the tensor_scatter_nd family, and TF1's
updates of a Variable's rows in place: scatter_update, scatter_add, scatter_sub.

An N-d index is the last axis of ``indices``: ``indices[..., :]`` = (i0, i1, ..., ik-1) picks the slice
``params[i0, i1, ..., ik-1]`` (a single element when k is params' rank, a row when k = 1)::

    gather_nd(params, indices)[j]             = params[indices[j]]
    scatter_nd(indices, updates, shape)       = zeros(shape) with out[indices[j]] += updates[j]
    tensor_scatter_nd_update(t, indices, u)   = t with out[indices[j]] = u[j]   (add: +=, sub: -=)

The gradients move values back the other way: a gather's gradient is a scatter (summed where an index
repeats), a scatter's gradient is a gather.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes as _dtypes
from ..backend import to_host, xp
from ..errors import InvalidArgumentError
from ..graph import Tensor, TensorLike, name_scope
from ..registry import RegisterGradient
from ..shapes import TensorShape
from .core import as_nodes, common_dtype, static_ints

_INDEX_TYPES = (_dtypes.int16, _dtypes.int32, _dtypes.int64)


def _check_indices(node, op_type):
    if node.dtype is not None and node.dtype not in _INDEX_TYPES:
        raise TypeError(f"Value passed to parameter 'indices' has DataType {node.dtype.name} not in list of allowed "
                        f"values: int16, int32, int64 ({op_type})")


def _slices(indices):
    """The N-d ``indices`` [..., k] as a tuple of k integer arrays for NumPy's fancy indexing."""
    return tuple(xp.moveaxis(xp.asarray(indices, dtype=np.intp), -1, 0))


def _check_range(node, indices, shape, what):
    """InvalidArgumentError naming the first index [..., k] that is outside ``shape`` (TF's check)."""
    k = indices.shape[-1]
    flat = indices.reshape(-1, k)
    bad = to_host(xp.flatnonzero(xp.any((flat < 0) | (flat >= xp.asarray(shape[:k])), axis=1))) if flat.size else []
    if len(bad):
        where = list(np.unravel_index(bad[0], indices.shape[:-1]))  # for the message, on the host
        raise InvalidArgumentError(node, f"indices{where} = {list(map(int, flat[bad[0]]))} does not index into "
                                         f"{what} shape [{','.join(map(str, shape))}]")


def _nd_shape(index_shape, params_shape):
    """Static shape of params[indices]: indices.shape[:-1] + params.shape[k:]."""
    if index_shape.dims is None or params_shape.dims is None or index_shape.dims[-1] is None:
        return TensorShape(None)
    k = index_shape.dims[-1]
    return TensorShape(list(index_shape.dims[:-1]) + list(params_shape.dims[k:]))


# -- gather_nd --------------------------------------------------------------------------------------------

def gather_nd(params: TensorLike, indices: TensorLike, name: str | None = None, batch_dims: int = 0) -> Tensor:
    """y[j] = params[indices[j]]: the slices of ``params`` at the N-d indices (the last axis of ``indices``)."""
    if batch_dims:
        raise NotImplementedError("gather_nd: batch_dims other than 0 is not supported by TensorSlow")
    with name_scope(name, "GatherNd", [params, indices]) as scope:
        (p,) = as_nodes([params], names=["params"])
        (idx,) = as_nodes([indices], dtype_hint=_dtypes.int32, names=["indices"])
        _check_indices(idx, "GatherNd")
        if idx.shape.ndims == 0:
            raise ValueError(f"Shape must be at least rank 1 but is rank 0 for GatherNd (indices {idx.name!r})")
        k = idx.shape.dims[-1] if idx.shape.dims else None
        if k is not None and p.shape.ndims is not None and k > p.shape.ndims:
            raise ValueError(f"indices.shape[-1] must be <= params.rank, but saw indices shape: {idx.shape} and "
                             f"params shape: {p.shape} for GatherNd")
        node: Tensor

        def compute(values, index_values):
            _check_range(node, index_values, values.shape, "param")
            return values[_slices(index_values)]
        node = Tensor("GatherNd", (p, idx), compute=compute, dtype=p.dtype, shape=_nd_shape(idx.shape, p.shape),
                      name=scope)
        return node


def _scatter_into(out, indices, updates, ufunc):
    """out[indices[j]] (op)= updates[j], summing (``ufunc.at``) where an index repeats; ``ufunc`` None: assign."""
    where = _slices(indices)
    if ufunc is None:
        out[where] = updates  # a repeated index: the last update wins
    else:
        ufunc.at(out, where, updates)
    return out


@RegisterGradient("GatherNd")
def _gather_nd_grad(op, grad):
    """dL/dparams = dL/dy scattered back to the gathered slices (summed where an index repeats)"""
    params, indices = op.inputs
    return _scatter_into(xp.zeros(params.shape, dtype=grad.dtype), indices, grad, xp.add), None


# -- scatter_nd --------------------------------------------------------------------------------------------

def scatter_nd(indices: TensorLike, updates: TensorLike, shape: TensorLike, name: str | None = None) -> Tensor:
    """out = zeros(shape) with out[indices[j]] += updates[j]: updates added at their N-d indices."""
    with name_scope(name, "ScatterNd", [indices, updates, shape]) as scope:
        (idx,) = as_nodes([indices], dtype_hint=_dtypes.int32, names=["indices"])
        (u,) = as_nodes([updates], names=["updates"])
        _check_indices(idx, "ScatterNd")
        dims = static_ints(shape, "shape", "ScatterNd")
        (s,) = as_nodes([np.asarray(dims, dtype=idx.dtype.as_numpy_dtype if idx.dtype else np.int32)
                         if dims is not None else shape], names=["shape"])
        out_shape = TensorShape(None if dims is None else list(dims))
        node: Tensor

        def compute(index_values, update_values, shape_value):
            target = tuple(int(d) for d in shape_value)
            _check_range(node, index_values, target, "output")
            return _scatter_into(xp.zeros(target, dtype=update_values.dtype), index_values, update_values, xp.add)
        node = Tensor("ScatterNd", (idx, u, s), compute=compute, dtype=u.dtype, shape=out_shape, name=scope)
        return node


@RegisterGradient("ScatterNd")
def _scatter_nd_grad(op, grad):
    """dL/dupdates[j] = dL/dout[indices[j]] (a gather); the indices and shape get none"""
    indices = op.inputs[0]
    return None, grad[_slices(indices)], None


# -- tensor_scatter_nd_update / add / sub --------------------------------------------------------------

def _tensor_scatter(op_type, ufunc):
    def build(tensor: TensorLike, indices: TensorLike, updates: TensorLike, name: str | None = None) -> Tensor:
        with name_scope(name, op_type, [tensor, indices, updates]) as scope:
            (t,) = as_nodes([tensor], names=["tensor"])
            (idx,) = as_nodes([indices], dtype_hint=_dtypes.int32, names=["indices"])
            (u,) = as_nodes([updates], dtype_hint=t.dtype, names=["updates"])
            _check_indices(idx, op_type)
            dtype = common_dtype(op_type, (t, u))
            expected = _nd_shape(idx.shape, t.shape)
            if not expected.is_compatible_with(u.shape):
                raise ValueError(f"Dimensions of updates {u.shape} do not match indices.shape[:-1] + "
                                 f"tensor.shape[indices.shape[-1]:] = {expected} for {op_type}")
            node: Tensor

            def compute(values, index_values, update_values):
                _check_range(node, index_values, values.shape, "tensor")
                return _scatter_into(values.copy(), index_values, update_values, ufunc)
            node = Tensor(op_type, (t, idx, u), compute=compute, dtype=dtype, shape=t.shape, name=scope)
            return node
    build.__name__ = op_type
    return build


tensor_scatter_nd_update = _tensor_scatter("TensorScatterUpdate", None)
tensor_scatter_nd_update.__doc__ = "tensor with out[indices[j]] = updates[j] (a repeated index: the last wins)."
tensor_scatter_nd_add = _tensor_scatter("TensorScatterAdd", xp.add)
tensor_scatter_nd_add.__doc__ = "tensor with out[indices[j]] += updates[j]."
tensor_scatter_nd_sub = _tensor_scatter("TensorScatterSub", xp.subtract)
tensor_scatter_nd_sub.__doc__ = "tensor with out[indices[j]] -= updates[j]."


@RegisterGradient("TensorScatterUpdate")
def _tensor_scatter_update_grad(op, grad):
    """dL/dtensor = dL/dout, 0 at the overwritten slices; dL/dupdates[j] = dL/dout[indices[j]]"""
    _, indices, _ = op.inputs
    where = _slices(indices)
    tensor_grad = grad.copy()
    tensor_grad[where] = 0
    return tensor_grad, None, grad[where]


@RegisterGradient("TensorScatterAdd")
def _tensor_scatter_add_grad(op, grad):
    """dL/dtensor = dL/dout; dL/dupdates[j] = dL/dout[indices[j]]"""
    return grad, None, grad[_slices(op.inputs[1])]


@RegisterGradient("TensorScatterSub")
def _tensor_scatter_sub_grad(op, grad):
    """dL/dtensor = dL/dout; dL/dupdates[j] = -dL/dout[indices[j]]"""
    return grad, None, -grad[_slices(op.inputs[1])]


# -- scatter_update / add / sub: a Variable's rows, in place ---------------------------------------------

class _ScatterToVariable(Tensor):
    """``ref[indices] = updates`` (or +=, -=) in the session's variable; the node's value is the new value.

    Like ``assign``, it has no gradient (no entry in the gradient registry): it updates state."""

    stateful = True

    def __init__(self, op_type, ref, indices, updates, combine, name):
        from ..variables import Variable
        if not isinstance(ref, Variable):
            raise TypeError(f"{op_type}: ref must be a Variable, got {ref!r}")
        with name_scope(name, op_type, [ref, indices, updates]) as scope:
            (idx,) = as_nodes([indices], dtype_hint=_dtypes.int32, names=["indices"])
            (u,) = as_nodes([updates], dtype_hint=ref.dtype, names=["updates"])
            _check_indices(idx, op_type)
            common_dtype(op_type, (ref, u))
            if ref.shape.dims is not None and idx.shape.dims is not None:
                expected = TensorShape(list(idx.shape.dims) + list(ref.shape.dims[1:]))
                if not expected.is_compatible_with(u.shape):
                    raise ValueError(f"Shapes must be equal rank, but updates {u.shape} must be indices.shape + "
                                     f"ref.shape[1:] = {expected} for {op_type}")
            self.ref, self.combine = ref, combine
            super().__init__(op_type, (idx, u), dtype=ref.dtype, shape=ref.shape, name=scope)

    def compute(self, state, index_values, update_values):
        with state.lock:  # read, update, write: one step for other threads
            old = state.variables[self.ref]
            rows = old.shape[0]
            flat = xp.asarray(index_values).reshape(-1)
            if flat.size and (flat.min() < 0 or flat.max() >= rows):
                bad = flat[(flat < 0) | (flat >= rows)][0]
                raise InvalidArgumentError(self, f"indices[{int(xp.flatnonzero(flat == bad)[0])}] = {int(bad)} is "
                                                 f"not in [0, {rows})")
            new = old.copy()  # the stored array is read-only: fetched values may alias it
            self.combine(new, xp.asarray(index_values, dtype=np.intp), update_values)
            return state.write(self.ref, new)


def _assign_rows(out, index, values):
    out[index] = values


def scatter_update(ref, indices: TensorLike, updates: TensorLike, use_locking: bool = True,
                   name: str | None = None) -> Tensor:
    """ref[indices[j]] = updates[j] in the variable ``ref`` (rows of its first axis); returns the new value."""
    return _ScatterToVariable("ScatterUpdate", ref, indices, updates, _assign_rows, name)


def scatter_add(ref, indices: TensorLike, updates: TensorLike, use_locking: bool = False,
                name: str | None = None) -> Tensor:
    """ref[indices[j]] += updates[j] in the variable ``ref`` (summed where an index repeats)."""
    return _ScatterToVariable("ScatterAdd", ref, indices, updates, xp.add.at, name)


def scatter_sub(ref, indices: TensorLike, updates: TensorLike, use_locking: bool = False,
                name: str | None = None) -> Tensor:
    """ref[indices[j]] -= updates[j] in the variable ``ref``."""
    return _ScatterToVariable("ScatterSub", ref, indices, updates, xp.subtract.at, name)
