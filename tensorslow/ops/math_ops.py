"""Elementwise math: arithmetic, unary functions, comparisons, logic, cast.

Each op is its kernel (the forward math, in the docstring) followed by its
gradient (the derivative, in the docstring). Gradients of broadcasting binary
ops are returned at the broadcast shape; the engine reduces them to each
input's shape with ``broadcasting.reduce_to_shape``.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import dtypes as _dtypes
from ..backend import xp
from ..dtypes import DTypeLike
from ..fast_kernels import sigmoid_into
from ..graph import Tensor, TensorLike, name_scope
from ..registry import NotDifferentiable, RegisterGradient
from .core import as_nodes, binary_op, unary_op

# -- arithmetic ------------------------------------------------------------------------

@binary_op("AddV2", default_name="Add")  # TF2's op type for tf.add and +, which tf.compat.v1 builds too
def add(x, y):
    """z = x + y"""
    return x + y


@RegisterGradient("AddV2")
def _add_grad(op, grad):
    """dz/dx = 1, dz/dy = 1"""
    return grad, grad


@binary_op("Sub")
def subtract(x, y):
    """z = x - y"""
    return x - y


@RegisterGradient("Sub")
def _sub_grad(op, grad):
    """dz/dx = 1, dz/dy = -1"""
    return grad, -grad


@binary_op("Mul")
def multiply(x, y):
    """z = x * y (elementwise)"""
    return x * y


@RegisterGradient("Mul")
def _mul_grad(op, grad):
    """dz/dx = y, dz/dy = x"""
    x, y = op.inputs
    need_x, need_y = op.needs
    return (grad * y if need_x else None), (grad * x if need_y else None)


@binary_op("RealDiv")
def _real_div(x, y):
    """z = x / y"""
    return x / y


@RegisterGradient("RealDiv")
def _real_div_grad(op, grad):
    """dz/dx = 1/y, dz/dy = -x/y^2 (TF: grad / y and grad * ((-x / y) / y); by a constant, each / y folded
    into * (1 / y) as in the forward pass)"""
    x, y = op.inputs
    if op.attrs.get("times_reciprocal"):
        r = y.dtype.type(1) / y
        return grad * r, grad * (-x * r * r)
    return grad / y, grad * (-x / y / y)


def _real_div_node(x, y, scope):
    """The RealDiv ``x / y``, computed as TensorFlow computes it in a session.

    TensorFlow's graph optimizer rewrites a division by a float scalar constant, ``x / 3.0``, into a
    multiplication by its reciprocal, ``x * (1 / 3.0)``, before the graph runs; the two differ in the last
    bit for about a third of the values of x. The op stays a RealDiv (as in TF's graph); its kernel and
    gradient do the multiplication. Graphs TF runs as functions, without that optimizer (a tf.data map
    function), say so with ``graph.folds_constant_divisions = False``.
    """
    node = _real_div(x, y, name=scope)
    if node.graph.folds_constant_divisions and y.type == "Const" and y.dtype is not None \
            and y.dtype.is_floating and y.shape.ndims == 0:
        node.compute = _times_reciprocal  # type: ignore[method-assign]
        node.attrs["times_reciprocal"] = True
    return node


def _times_reciprocal(x, y):
    """z = x * (1 / y): TensorFlow's folded form of a division by a constant"""
    return x * (y.dtype.type(1) / y)


def divide(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """x / y. Integer operands are cast to float first (float64 for int32/int64), as in TensorFlow:
    ``truediv/Cast``, ``truediv/Cast_1``, then the RealDiv ``truediv``."""
    with name_scope(name, "truediv", [x, y]) as scope:
        x, y = as_nodes([x, y], names=["x", "y"])
        dtype = x.dtype or y.dtype
        if dtype is not None and (dtype.is_integer or dtype.is_bool):
            target = _dtypes.float32 if dtype.size <= 2 else _dtypes.float64
            x, y = cast(x, target), cast(y, target)
        return _real_div_node(x, y, scope)


truediv = divide


@binary_op("FloorDiv", default_name="floordiv")
def floordiv(x, y):
    """z = floor(x / y)

    For floats this is literally floor(x / y), TensorFlow's kernel; NumPy's ``//``
    differs where x / y rounds up to an integer (1.0 // 0.1 is 9.0, floor(1.0 / 0.1) is 10.0).
    """
    return _floor_div(x, y)


def _floor_div(x, y):
    if x.dtype.kind == "f":
        return xp.floor(x / y)
    _check_divisor(y)
    return xp.floor_divide(x, y)


def _check_divisor(y):
    """Integer division or modulo by zero is an error in TensorFlow (NumPy gives 0 and a warning)."""
    if not xp.all(y):
        raise ZeroDivisionError("Integer division by zero")


def div(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """TF1's ``tf.div``: floor division for integers, real division for floats (named ``div``)."""
    with name_scope(name, "div", [x, y]) as scope:
        x, y = as_nodes([x, y], names=["x", "y"])
        if x.dtype is not None and (x.dtype.is_integer):
            return floordiv(x, y, name=scope)
        return _real_div_node(x, y, scope)


@binary_op("FloorMod")
def floormod(x, y):
    """z = x mod y = x - floor(x / y) y, with the sign of y (Python's %)"""
    if x.dtype.kind in "iu":
        _check_divisor(y)
    return xp.mod(x, y)


@RegisterGradient("FloorMod")
def _floormod_grad(op, grad):
    """dz/dx = 1, dz/dy = -floor(x / y) (away from the jumps where x / y is an integer), as in TensorFlow"""
    x, y = op.inputs
    return grad, grad * -_floor_div(x, y)


mod = floormod


@binary_op("Pow")
def pow(x, y):  # noqa: A001  (TensorFlow's name)
    """z = x ** y"""
    return xp.power(x, y)


@RegisterGradient("Pow")
def _pow_grad(op, grad):
    """dz/dx = y x^(y-1); dz/dy = z log(x) where x > 0, else 0 (as in TensorFlow)"""
    x, y = op.inputs
    z = op.output
    gx = grad * y * xp.power(x, y - 1)
    positive = x > 0
    log_x = xp.where(positive, xp.log(xp.where(positive, x, 1)), 0)
    return gx, grad * z * log_x


@binary_op("Maximum")
def maximum(x, y):
    """z = max(x, y) elementwise"""
    return xp.maximum(x, y)


def _route(x_wins, grad):
    """The gradient goes to x where x was selected, to y elsewhere."""
    return xp.where(x_wins, grad, 0), xp.where(x_wins, 0, grad)


@RegisterGradient("Maximum")
def _maximum_grad(op, grad):
    """dz/dx = 1 where x >= y (ties go to x), dz/dy = 1 elsewhere"""
    x, y = op.inputs
    return _route(x >= y, grad)


@binary_op("Minimum")
def minimum(x, y):
    """z = min(x, y) elementwise"""
    return xp.minimum(x, y)


@RegisterGradient("Minimum")
def _minimum_grad(op, grad):
    """dz/dx = 1 where x <= y (ties go to x), dz/dy = 1 elsewhere"""
    x, y = op.inputs
    return _route(x <= y, grad)


@binary_op("SquaredDifference")
def squared_difference(x, y):
    """z = (x - y)^2"""
    d = x - y
    return d * d


@RegisterGradient("SquaredDifference")
def _squared_difference_grad(op, grad):
    """dz/dx = 2 (x - y), dz/dy = -2 (x - y)"""
    x, y = op.inputs
    gx = grad * (2 * (x - y))
    return gx, -gx


def add_n(inputs: Sequence[TensorLike], name: str | None = None) -> Tensor:
    """Sum of a list of same-shape tensors."""
    nodes = as_nodes(list(inputs))
    if not nodes:
        raise ValueError("add_n needs at least one input")

    def compute(*values):
        total = values[0]
        for v in values[1:]:
            total = total + v
        return total
    from .core import common_dtype
    return Tensor("AddN", nodes, compute=compute, dtype=common_dtype("AddN", nodes), shape=nodes[0].shape,
                  name=name or "AddN")


@RegisterGradient("AddN")
def _add_n_grad(op, grad):
    """d(sum_i x_i)/dx_i = 1"""
    return [grad] * len(op.inputs)


# -- unary functions ---------------------------------------------------------------------

@unary_op("Neg")
def negative(x):
    """y = -x"""
    return -x


@RegisterGradient("Neg")
def _neg_grad(op, grad):
    """dy/dx = -1"""
    return -grad


@unary_op("Abs")
def abs(x):  # noqa: A001
    """y = |x|"""
    return xp.abs(x)


@RegisterGradient("Abs")
def _abs_grad(op, grad):
    """dy/dx = sign(x)"""
    return grad * xp.sign(op.inputs[0])


@unary_op("Exp", float_only=True)
def exp(x):
    """y = e^x"""
    return xp.exp(x)


@RegisterGradient("Exp")
def _exp_grad(op, grad):
    """dy/dx = e^x = y"""
    return grad * op.output


@unary_op("Log", float_only=True)
def log(x):
    """y = ln(x)"""
    return xp.log(x)


@RegisterGradient("Log")
def _log_grad(op, grad):
    """dy/dx = 1 / x"""
    return grad / op.inputs[0]


@unary_op("Log1p", float_only=True)
def log1p(x):
    """y = ln(1 + x), accurate for small x"""
    return xp.log1p(x)


@RegisterGradient("Log1p")
def _log1p_grad(op, grad):
    """dy/dx = 1 / (1 + x)"""
    return grad / (1 + op.inputs[0])


@unary_op("Sqrt", float_only=True)
def sqrt(x):
    """y = sqrt(x)"""
    return xp.sqrt(x)


@RegisterGradient("Sqrt")
def _sqrt_grad(op, grad):
    """dy/dx = 1 / (2 sqrt(x)) = 0.5 / y"""
    return grad * 0.5 / op.output


@unary_op("Rsqrt", float_only=True)
def rsqrt(x):
    """y = 1 / sqrt(x)"""
    return 1 / xp.sqrt(x)


@RegisterGradient("Rsqrt")
def _rsqrt_grad(op, grad):
    """dy/dx = -1/2 x^(-3/2) = -0.5 y^3"""
    y = op.output
    return grad * (-0.5 * y * y * y)


@unary_op("Square")
def square(x):
    """y = x^2"""
    return x * x


@RegisterGradient("Square")
def _square_grad(op, grad):
    """dy/dx = 2x"""
    return grad * (2 * op.inputs[0])


@unary_op("Reciprocal")
def reciprocal(x):
    """y = 1 / x"""
    return 1 / x


@RegisterGradient("Reciprocal")
def _reciprocal_grad(op, grad):
    """dy/dx = -1/x^2 = -y^2"""
    y = op.output
    return -grad * y * y


@unary_op("Sigmoid", float_only=True)
def sigmoid(x):
    """y = 1 / (1 + e^-x)"""
    return sigmoid_into(x)  # the same, in one array instead of three (fast_kernels.py)


@RegisterGradient("Sigmoid")
def _sigmoid_grad(op, grad):
    """dy/dx = y (1 - y)"""
    y = op.output
    d = 1 - y
    d *= y  # in place: d is this function's own temporary (one array, not three)
    d *= grad
    return d


@unary_op("Tanh", float_only=True)
def tanh(x):
    """y = tanh(x)"""
    return xp.tanh(x)


@RegisterGradient("Tanh")
def _tanh_grad(op, grad):
    """dy/dx = 1 - y^2"""
    y = op.output
    return grad * (1 - y * y)


@unary_op("Sign")
def sign(x):
    """y = -1, 0 or 1"""
    return xp.sign(x)


@unary_op("Floor", float_only=True)
def floor(x):
    """y = largest integer <= x"""
    return xp.floor(x)


@unary_op("Ceil", float_only=True)
def ceil(x):
    """y = smallest integer >= x"""
    return xp.ceil(x)


@unary_op("Round")
def round(x):  # noqa: A001
    """y = x rounded half to even (banker's rounding, as TensorFlow)"""
    return xp.round(x)


for _t in ("Sign", "Floor", "Ceil", "Round", "FloorDiv"):
    NotDifferentiable(_t)


# -- comparisons and logic (no gradients) ------------------------------------------------------------

def _comparison(op_type, kernel):
    build = binary_op(op_type, out_dtype=_dtypes.bool)(kernel)
    NotDifferentiable(op_type)
    return build


equal = _comparison("Equal", lambda x, y: xp.equal(x, y))
not_equal = _comparison("NotEqual", lambda x, y: xp.not_equal(x, y))
less = _comparison("Less", lambda x, y: xp.less(x, y))
less_equal = _comparison("LessEqual", lambda x, y: xp.less_equal(x, y))
greater = _comparison("Greater", lambda x, y: xp.greater(x, y))
greater_equal = _comparison("GreaterEqual", lambda x, y: xp.greater_equal(x, y))
logical_and = _comparison("LogicalAnd", lambda x, y: xp.logical_and(x, y))
logical_or = _comparison("LogicalOr", lambda x, y: xp.logical_or(x, y))


@unary_op("LogicalNot", dtype_fn=lambda _: _dtypes.bool)
def logical_not(x):
    """y = not x"""
    return xp.logical_not(x)


NotDifferentiable("LogicalNot")


# -- cast --------------------------------------------------------------------------------

def cast(x: TensorLike, dtype: DTypeLike, name: str | None = None) -> Tensor:
    """``x`` converted to ``dtype`` (floats to ints truncate toward zero, as in TensorFlow); a literal
    ``x`` becomes the constant ``Cast/x``.

    TF's ``cast`` returns a node that already has ``dtype`` as it is, with no op; TensorSlow makes the
    Cast all the same (its graphs differ there)."""
    target = _dtypes.as_dtype(dtype)
    with name_scope(name, "Cast", [x]) as scope:
        (x,) = as_nodes([x], names=["x"])
        np_type = target.as_numpy_dtype

        def compute(value):
            return value.astype(np_type, copy=False) if hasattr(value, "astype") else xp.asarray(value, np_type)
        return Tensor("Cast", (x,), compute=compute, attrs={"DstT": target}, dtype=target, shape=x.shape,
                      name=scope)


to_float = lambda x, name=None: cast(x, _dtypes.float32, name)  # noqa: E731  TF1 shorthands
to_int32 = lambda x, name=None: cast(x, _dtypes.int32, name)  # noqa: E731
to_int64 = lambda x, name=None: cast(x, _dtypes.int64, name)  # noqa: E731
to_double = lambda x, name=None: cast(x, _dtypes.float64, name)  # noqa: E731


@RegisterGradient("Cast")
def _cast_grad(op, grad):
    """d cast(x)/dx = 1 between float types (cast back); no gradient to or from integers"""
    x = op.inputs[0]
    if grad.dtype.kind == "f" and getattr(x, "dtype", np.dtype(float)).kind == "f":
        return grad.astype(x.dtype, copy=False)
    return None
