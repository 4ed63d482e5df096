"""``tf.bitwise``: bit-by-bit logic on integer tensors."""
from .ops.bitwise_ops import bitwise_and, bitwise_or, bitwise_xor, invert

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert"]
