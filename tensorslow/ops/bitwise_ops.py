"""Bitwise ops on integers (``tf.bitwise``) and the operators ``&``, ``|``, ``^`` and ``~`` as TF defines them.

TF gives each operator one meaning per dtype: on bools ``x & y`` is ``logical_and``, on integers it is
``bitwise_and``; likewise ``|``, ``^`` and ``~``. The operator opens a name scope of its own (``and``,
``or``, ``xor``): a logical op takes the scope's name (``and``, ``and_1``), a bitwise op is made inside
it (``and_2/BitwiseAnd``), and a literal on the left is converted there first, to the tensor's dtype
(``3 & i`` makes ``and/x``). No gradients: bits are not differentiable.
"""
from __future__ import annotations

from typing import Any

from .. import dtypes as _dtypes
from ..backend import xp
from ..graph import Tensor, name_scope
from ..registry import NotDifferentiable
from .core import as_nodes, binary_op, convert_to_tensor, unary_op
from .math_ops import logical_and, logical_not, logical_or


def _integers_only(op_type, *nodes):
    for node in nodes:
        if node.dtype is not None and not node.dtype.is_integer:
            raise TypeError(f"{op_type}: Value for attr 'T' of {node.dtype.name} is not in the list of allowed "
                            f"values: int8, int16, int32, int64, uint8, uint16, uint32, uint64 (input "
                            f"{node.op_name!r})")


def _bitwise(op_type, kernel):
    build_op = binary_op(op_type)(kernel)

    def build(x: Any, y: Any, name: str | None = None) -> Tensor:
        with name_scope(name, op_type, [x, y]) as scope:
            x, y = as_nodes([x, y], names=["x", "y"])
            _integers_only(op_type, x, y)
            return build_op(x, y, name=scope)
    build.__doc__ = kernel.__doc__
    NotDifferentiable(op_type)
    return build


def _and(x, y):
    """z = x AND y, bit by bit"""
    return xp.bitwise_and(x, y)


def _or(x, y):
    """z = x OR y, bit by bit"""
    return xp.bitwise_or(x, y)


def _xor(x, y):
    """z = x XOR y, bit by bit"""
    return xp.bitwise_xor(x, y)


bitwise_and = _bitwise("BitwiseAnd", _and)
bitwise_or = _bitwise("BitwiseOr", _or)
bitwise_xor = _bitwise("BitwiseXor", _xor)


@unary_op("Invert")
def _invert_kernel(x):
    """y = NOT x, bit by bit (two's complement: ~x = -x - 1 for signed integers)"""
    return xp.invert(x)


NotDifferentiable("Invert")


def invert(x: Any, name: str | None = None) -> Tensor:
    """Every bit of the integer tensor ``x`` flipped."""
    x = convert_to_tensor(x)
    _integers_only("Invert", x)
    return _invert_kernel(x, name=name)


def logical_xor(x: Any, y: Any, name: str = "LogicalXor") -> Tensor:
    """x XOR y for bools, as TF builds it: (x OR y) AND NOT (x AND y); the last op is named ``name``."""
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


def _operator(scope_name, logical, bitwise):
    """``self OP other`` and ``other OP self`` for a Tensor: logical for bools, bitwise for integers."""
    def pick(x, y, scope):
        if x.dtype == _dtypes.bool:
            return logical(x, y, name=scope)
        return bitwise(x, y)

    def forward(self, other):
        with name_scope(None, scope_name, [self, other]) as scope:
            return pick(self, other, scope)

    def reverse(self, other):
        with name_scope(None, scope_name, [self, other]) as scope:
            return pick(convert_to_tensor(other, dtype=self.dtype, name="x"), self, scope)
    return forward, reverse


def invert_operator(x: Tensor) -> Tensor:
    """``~x``: logical_not for a bool tensor, invert (bit by bit) for an integer one."""
    return logical_not(x) if x.dtype == _dtypes.bool else invert(x)


and_operators = _operator("and", logical_and, bitwise_and)
or_operators = _operator("or", logical_or, bitwise_or)
xor_operators = _operator("xor", logical_xor, bitwise_xor)
