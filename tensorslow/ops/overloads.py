"""Python operators on graph nodes, each defined from a primitive op.

``==`` is deliberately *not* overloaded: as in TF1 it stays identity so nodes
can key ``feed_dict``; use ``tf.equal`` for elementwise equality.
"""
from ..graph import Tensor
from . import bitwise_ops, indexing_ops, linalg_ops, math_ops


def _binary(fn, name):
    # TF1 names operator ops in lower case ("add", "add_1"), the functions in CamelCase ("Add").
    return (lambda self, other: fn(self, other, name=name),   # self (op) other
            lambda self, other: fn(other, self, name=name))   # other (op) self


Tensor.__add__, Tensor.__radd__ = _binary(math_ops.add, "add")
Tensor.__sub__, Tensor.__rsub__ = _binary(math_ops.subtract, "sub")
Tensor.__mul__, Tensor.__rmul__ = _binary(math_ops.multiply, "mul")
Tensor.__truediv__, Tensor.__rtruediv__ = _binary(math_ops.divide, "truediv")
Tensor.__floordiv__, Tensor.__rfloordiv__ = _binary(math_ops.floordiv, "floordiv")
Tensor.__mod__, Tensor.__rmod__ = _binary(math_ops.floormod, "mod")
Tensor.__pow__, Tensor.__rpow__ = _binary(math_ops.pow, "pow")
Tensor.__matmul__, Tensor.__rmatmul__ = _binary(linalg_ops.matmul, "matmul")
Tensor.__and__, Tensor.__rand__ = bitwise_ops.and_operators  # logical for bools, bitwise for integers
Tensor.__or__, Tensor.__ror__ = bitwise_ops.or_operators
Tensor.__xor__, Tensor.__rxor__ = bitwise_ops.xor_operators
Tensor.__lt__ = lambda self, other: math_ops.less(self, other)
Tensor.__le__ = lambda self, other: math_ops.less_equal(self, other)
Tensor.__gt__ = lambda self, other: math_ops.greater(self, other)
Tensor.__ge__ = lambda self, other: math_ops.greater_equal(self, other)
Tensor.__neg__ = lambda self: math_ops.negative(self)
Tensor.__abs__ = lambda self: math_ops.abs(self)
Tensor.__invert__ = bitwise_ops.invert_operator
Tensor.__getitem__ = indexing_ops.getitem
