"""einsum and tensordot: sums of products over named axes.

``einsum("ij,jk->ik", a, b)`` names each axis of each operand with a letter; a letter shared by operands
pairs those axes, and a letter missing from the output (after ``->``) is summed over: here C = A B. Without
``->`` the output is the letters that appear once, sorted; ``...`` stands for the leading (broadcast) axes.

The gradient with respect to an operand is another einsum: the output's gradient times the other operands,
summed back to the operand's letters ("ik,jk->ij" gives dA for the product above). A letter that only that
operand has was summed away, so its gradient is broadcast along it; a letter repeated within an operand
("ii->i", a diagonal) gets its gradient on that diagonal.

tensordot contracts given axes of two tensors: TF builds it from Transpose, Reshape and a MatMul, and so does
TensorSlow when the shapes are known (else one Einsum op).
"""
from __future__ import annotations

import re
from collections import Counter

import numpy as np

from ..backend import xp
from ..graph import Tensor, TensorLike, name_scope
from ..registry import RegisterGradient
from ..shapes import TensorShape, broadcast_static
from .core import as_nodes, common_dtype

_ELLIPSIS = "."  # one token stands for "..." once parsed


def _tokens(subscripts):
    """'...ij' -> ['.', 'i', 'j']"""
    return list(subscripts.replace("...", _ELLIPSIS))


def _parse(equation, count):
    """(operand subscripts, output subscripts) of ``equation``, the implicit output filled in as NumPy's."""
    eq = equation.replace(" ", "")
    if not re.fullmatch(r"[a-zA-Z.,\->]*", eq) or eq.count("->") > 1:
        raise ValueError(f"Invalid einsum equation {equation!r}")
    lhs, arrow, out = eq.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != count:
        raise ValueError(f"Expected {len(inputs)} inputs for equation {equation!r} but got: {count}")
    if not arrow:
        letters = Counter(c for s in inputs for c in s.replace("...", ""))
        out = ("..." if any("..." in s for s in inputs) else "") + "".join(sorted(c for c, n in letters.items()
                                                                                 if n == 1))
    for s in inputs + [out]:
        if s.replace("...", "").count(".") or s.count("...") > 1:
            raise ValueError(f"Invalid einsum equation {equation!r}: '.' must be part of '...'")
    return inputs, out


def _static_shape(inputs, out, nodes):
    """The output's static shape (unknown where an input's is), ValueError where two sizes of a letter differ."""
    if any(n.shape.dims is None for n in nodes):
        return TensorShape(None)
    sizes, ellipsis = {}, TensorShape([])
    for subs, node in zip(inputs, nodes):
        tokens, dims = _tokens(subs), list(node.shape.dims)
        n_ell = len(dims) - (len(tokens) - tokens.count(_ELLIPSIS))
        if n_ell < 0 or (n_ell and _ELLIPSIS not in tokens):
            raise ValueError(f"Expected input {node.name!r} to have rank {len(tokens)} but got: {len(dims)} (einsum "
                             f"subscripts {subs!r})")
        pos = 0
        for t in tokens:
            if t == _ELLIPSIS:
                joined = broadcast_static(ellipsis, TensorShape(dims[pos:pos + n_ell]))
                if joined is None:
                    raise ValueError(f"einsum: the axes '...' of {node.name!r} (shape {node.shape}) do not broadcast "
                                     f"with the other inputs'")
                ellipsis = joined
                pos += n_ell
                continue
            d = dims[pos]
            pos += 1
            if d is not None and sizes.get(t) not in (None, d):
                raise ValueError(f"Expected dimension {sizes[t]} of letter {t!r} but got dimension {d} in input "
                                 f"{node.name!r} of shape {node.shape} (einsum)")
            sizes[t] = d if sizes.get(t) is None else sizes[t]
    out_dims = []
    for t in _tokens(out):
        if t == _ELLIPSIS:
            out_dims += list(ellipsis.dims)
        elif t not in sizes:
            raise ValueError(f"Output subscript {t!r} does not appear in the inputs' subscripts (einsum)")
        else:
            out_dims.append(sizes[t])
    return TensorShape(out_dims)


def einsum(equation: str, *inputs: TensorLike, **kwargs) -> Tensor:
    """The sum of products of ``inputs`` described by ``equation`` (e.g. ``"ij,jk->ik"``: matmul)."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"Invalid keyword arguments for einsum: {', '.join(sorted(kwargs))}")
    with name_scope(name, "einsum", list(inputs)):
        nodes = as_nodes(list(inputs))
        dtype = common_dtype("Einsum", nodes)
        subscripts, out = _parse(equation, len(nodes))
        shape = _static_shape(subscripts, out, nodes)
        full = ",".join(subscripts) + "->" + out

        def compute(*values):
            return xp.asarray(xp.einsum(full, *values), dtype=values[0].dtype)
        return Tensor("Einsum", nodes, compute=compute, attrs={"equation": full}, dtype=dtype, shape=shape,
                      name="Einsum")


@RegisterGradient("Einsum")
def _einsum_grad(op, grad):
    """dL/d(operand i) = einsum of dL/dy with the other operands, back to operand i's letters"""
    subscripts, out = op.equation.split("->")
    subscripts = subscripts.split(",")
    return [_operand_grad(grad, op.inputs, subscripts, out, i) for i in range(len(op.inputs))]


def _operand_grad(grad, operands, subscripts, out, i):
    x, tokens = operands[i], _tokens(subscripts[i])
    others = [j for j in range(len(operands)) if j != i]
    present = set(_tokens(out)).union(*(_tokens(subscripts[j]) for j in others))
    unique = list(dict.fromkeys(tokens))  # the operand's letters, each once, in order
    kept = [t for t in unique if t in present]
    equation = ",".join([out] + [subscripts[j] for j in others]) + "->" + "".join(kept).replace(_ELLIPSIS, "...")
    g = xp.einsum(equation, grad, *[operands[j] for j in others])
    sizes = _letter_sizes(tokens, x.shape)
    if len(kept) < len(unique):  # letters summed away in the forward pass: the gradient is constant along them
        g = g.reshape(_unsqueezed(g.shape, unique, kept, sizes))
        g = xp.broadcast_to(g, [n for t in unique for n in sizes[t]])
    if len(unique) == len(tokens):
        return xp.array(g, dtype=grad.dtype)
    out_grad = xp.zeros(x.shape, dtype=grad.dtype)  # a repeated letter: the gradient lies on that diagonal
    diagonal_view = xp.einsum(subscripts[i] + "->" + "".join(unique).replace(_ELLIPSIS, "..."), out_grad)
    diagonal_view[...] = g
    return out_grad


def _letter_sizes(tokens, shape):
    """token -> its sizes in ``shape`` (a tuple: the ellipsis may stand for several axes)."""
    n_ell = len(shape) - (len(tokens) - tokens.count(_ELLIPSIS))
    sizes, pos = {}, 0
    for t in tokens:
        width = n_ell if t == _ELLIPSIS else 1
        sizes.setdefault(t, tuple(shape[pos:pos + width]))
        pos += width
    return sizes


def _unsqueezed(shape, unique, kept, sizes):
    """``shape`` (over the ``kept`` tokens) with size-1 axes where the tokens of ``unique`` not kept go."""
    dims, pos = [], 0
    for t in unique:
        width = len(sizes[t])
        if t in kept:
            dims += list(shape[pos:pos + width])
            pos += width
        else:
            dims += [1] * width
    return dims


# -- tensordot ---------------------------------------------------------------------------------------------

def _contraction_axes(a, b, axes):
    """(a's axes, b's axes) to contract: the last ``axes`` of a with the first of b, or two lists."""
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if n < 0:
            raise ValueError(f"`axes` must be at least 0. Received: {n}.")
        if n > a.shape.ndims:
            raise ValueError(f"`axes` must not be larger than the number of dimensions of tensor {a.name!r}.  "
                             f"Received {n}, vs tensor dimensions {a.shape.ndims}.")
        return list(range(a.shape.ndims - n, a.shape.ndims)), list(range(n))
    if isinstance(axes, (list, tuple)) and len(axes) == 2:
        a_axes, b_axes = axes
        a_axes = [a_axes] if isinstance(a_axes, (int, np.integer)) else list(a_axes)
        b_axes = [b_axes] if isinstance(b_axes, (int, np.integer)) else list(b_axes)
        if len(a_axes) != len(b_axes):
            raise ValueError(f"Different number of contraction axes `a` and `b`, {len(a_axes)} != {len(b_axes)}.")
        return [int(x) % a.shape.ndims for x in a_axes], [int(x) % b.shape.ndims for x in b_axes]
    raise ValueError(f"`axes` must be an integer or have length 2. Received {axes}.")


def _as_matrix(x, axes, flipped):
    """x transposed and reshaped to a matrix (free axes x contracted axes, or the reverse if ``flipped``)."""
    from .array_ops import reshape, transpose
    dims = x.shape.as_list()
    free = [i for i in range(len(dims)) if i not in axes]
    perm = axes + free if flipped else free + axes
    size_free, size_axes = int(np.prod([dims[i] for i in free])), int(np.prod([dims[i] for i in axes]))
    new_shape = [size_axes, size_free] if flipped else [size_free, size_axes]
    if perm != list(range(len(dims))):
        x = transpose(x, perm)
    if x.shape.as_list() != new_shape:
        x = reshape(x, new_shape)
    return x, [dims[i] for i in free]


def _as_matrix_at_run_time(x, axes, flipped):
    """``_as_matrix`` for a shape known only in part, as TF builds it: the Consts ``axes`` and ``free``, the
    Shape of x, its free and contracted sizes gathered (GatherV2) and multiplied (Prod), x transposed by
    concat(free, axes) and reshaped to the stack of the two products. Returns (matrix, the free sizes as a
    tensor, the free sizes known now)."""
    from .array_ops import concat, reshape, shape, stack, transpose
    from .core import convert_to_tensor
    from .indexing_ops import gather
    from .reduction_ops import reduce_prod
    dims = x.shape.as_list()
    free = [i for i in range(len(dims)) if i not in axes]
    axes_c = convert_to_tensor(list(axes), dtype=np.int32, name="axes")
    free_c = convert_to_tensor(free, dtype=np.int32, name="free")
    shape_x = shape(x)
    free_dims, axes_dims = gather(shape_x, free_c), gather(shape_x, axes_c)
    prod_free, prod_axes = reduce_prod(free_dims), reduce_prod(axes_dims)
    perm = concat([axes_c, free_c] if flipped else [free_c, axes_c], 0)
    new_shape = stack([prod_axes, prod_free] if flipped else [prod_free, prod_axes])
    return reshape(transpose(x, perm), new_shape), free_dims, [dims[i] for i in free]


def tensordot(a: TensorLike, b: TensorLike, axes, name: str | None = None) -> Tensor:
    """sum over the paired axes of a[..., k] b[k, ...]: axes=n pairs a's last n axes with b's first n; axes=
    [a_axes, b_axes] names them. Built as TF builds it: each operand transposed and reshaped to a matrix
    (static Transpose/Reshape for a fully known shape, else from its run-time Shape), one MatMul, and the
    product reshaped to a's free sizes + b's free sizes."""
    from .array_ops import concat, reshape
    from .core import convert_to_tensor
    from .linalg_ops import matmul
    with name_scope(name, "Tensordot", [a, b]) as scope:
        x, y = as_nodes([a, b], names=["a", "b"])
        if x.shape.ndims is None or y.shape.ndims is None:
            raise ValueError("tensordot: the ranks of both inputs must be known when the graph is built")
        a_axes, b_axes = _contraction_axes(x, y, axes)
        if x.shape.is_fully_defined():
            x2, a_free = _as_matrix(x, a_axes, flipped=False)
            a_static = a_free
        else:
            x2, a_free, a_static = _as_matrix_at_run_time(x, a_axes, flipped=False)
        if y.shape.is_fully_defined():
            y2, b_free = _as_matrix(y, b_axes, flipped=True)
            b_static = b_free
        else:
            y2, b_free, b_static = _as_matrix_at_run_time(y, b_axes, flipped=True)
        product = matmul(x2, y2)
        if isinstance(a_free, list) and isinstance(b_free, list):
            if product.shape.as_list() == a_free + b_free:
                return product
            return reshape(product, a_free + b_free, name=scope)
        a_free = a_free if isinstance(a_free, Tensor) else convert_to_tensor(a_free, dtype=np.int32)
        b_free = b_free if isinstance(b_free, Tensor) else convert_to_tensor(b_free, dtype=np.int32)
        out = reshape(product, concat([a_free, b_free], 0), name=scope)
        out.set_shape(a_static + b_static)
        return out
