"""``tf.math``: elementwise math, comparisons and reductions under their TF2 names."""
from .ops.array_extra_ops import bincount
from .ops.bitwise_ops import logical_xor
from .ops.math_extra_ops import *  # noqa: F403  (its __all__: TF's names for these ops)
from .ops.math_ops import (
    abs,
    add,
    add_n,
    ceil,
    divide,
    equal,
    exp,
    floor,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    pow,
    reciprocal,
    round,
    rsqrt,
    sigmoid,
    sign,
    sqrt,
    square,
    squared_difference,
    subtract,
    tanh,
)
from .ops.nn_ops import log_softmax, softmax
from .ops.reduction_extra_ops import (
    count_nonzero,
    cumprod,
    cumsum,
    reduce_all,
    reduce_any,
    reduce_euclidean_norm,
    reduce_logsumexp,
    reduce_std,
    reduce_variance,
)
from .ops.reduction_ops import argmax, argmin, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum
