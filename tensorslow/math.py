"""``tf.math``: elementwise math, comparisons and reductions under their TF2 names."""
from .ops.math_ops import (abs, add, add_n, ceil, divide, equal, exp, floor, greater, greater_equal,  # noqa: F401, A004
                           less, less_equal, log, log1p, logical_and, logical_not, logical_or, maximum, minimum,
                           multiply, negative, not_equal, pow, reciprocal, round, rsqrt, sigmoid, sign, sqrt, square,
                           squared_difference, subtract, tanh)
from .ops.nn_ops import log_softmax, softmax  # noqa: F401
from .ops.reduction_ops import argmax, argmin, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum  # noqa: F401
