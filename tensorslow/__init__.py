"""TensorSlow: a TensorFlow-1-style deep learning library in NumPy.

Two promises:

* the course's API works unchanged: ``Graph().as_default()``, ``placeholder()``,
  ``Variable(array)``, ``add``/``matmul``/``sigmoid``/``softmax``/``log``/
  ``multiply``/``reduce_sum``/``negative``, ``train.GradientDescentOptimizer``,
  ``Session().run(node, feed_dict)``, ``RegisterGradient``;
* it mirrors ``tf.compat.v1``: change ``import tensorflow.compat.v1 as tf`` to
  ``import tensorslow as tf`` and a TF1 tutorial runs with the same numbers.
"""
from . import debugging, dtypes, losses, nn, train
from .debugging import add_check_numerics_ops, check_numerics
from .default_session import get_default_session
from .drawing import draw_graph
from .dtypes import DType, as_dtype, bool, double, float16, float32, float64, half, int8, int16, int32, int64, uint8
from .errors import FailedPreconditionError, InvalidArgumentError, NotFoundError, OpError
from .gradients import gradients
from .graph import (
    Graph,
    Tensor,
    control_dependencies,
    get_default_graph,
    name_scope,
    reset_default_graph,
)
from .graph import get_default_graph as _gdg
from .init_ops import (
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    orthogonal_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    uniform_unit_scaling_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from .ops import overloads as _overloads  # noqa: F401  (operators on nodes)
from .ops.array_extra_ops import (
    argsort,
    bincount,
    broadcast_to,
    depth_to_space,
    lin_space,
    linspace,
    meshgrid,
    reverse,
    reverse_v2,
    roll,
    sort,
    space_to_depth,
    unique,
    unique_with_counts,
)
from .ops.array_ops import (
    concat,
    expand_dims,
    fill,
    identity,
    ones,
    ones_like,
    rank,
    reshape,
    shape,
    size,
    split,
    squeeze,
    stack,
    stop_gradient,
    transpose,
    unstack,
    zeros,
    zeros_like,
)
from .ops.array_ops import range_ as range
from .ops.bitwise_ops import logical_xor
from .ops.clip_ops import clip_by_average_norm, clip_by_global_norm, clip_by_norm, global_norm
from .ops.control_flow_ops import case, cond, while_loop
from .ops.core import Operation, convert_to_tensor
from .ops.deprecated_aliases import arg_max, arg_min, to_double, to_float, to_int32, to_int64
from .ops.einsum_ops import einsum, tensordot
from .ops.indexing_ops import gather, one_hot, pad, tile, where, where_v2
from .ops.linalg_diag_ops import diag, diag_part, matrix_band_part, matrix_diag, matrix_diag_part, matrix_set_diag
from .ops.linalg_extra_ops import (
    cholesky,
    eye,
    matrix_determinant,
    matrix_inverse,
    matrix_solve,
    matrix_transpose,
    matrix_triangular_solve,
    norm,
    trace,
)
from .ops.linalg_ops import matmul
from .ops.logging_ops import Print
from .ops.logging_ops import print_v2 as print
from .ops.losses_impl import div_no_nan
from .ops.mask_ops import boolean_mask, sequence_mask
from .ops.math_extra_ops import *  # noqa: F403  (its __all__: TF's names for these ops)
from .ops.math_ops import (
    abs,
    add,
    add_n,
    cast,
    ceil,
    div,
    divide,
    equal,
    exp,
    floor,
    floordiv,
    floormod,
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
    mod,
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
    truediv,
)
from .ops.nn_ops import log_softmax, softmax
from .ops.random_ops import random_normal, random_uniform, set_random_seed, truncated_normal
from .ops.random_ops_extra import multinomial, random_gamma, random_shuffle
from .ops.reduction_extra_ops import count_nonzero, cumprod, cumsum, reduce_all, reduce_any, reduce_logsumexp
from .ops.reduction_ops import argmax, argmin, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum
from .ops.scatter_ops import (
    gather_nd,
    scatter_add,
    scatter_nd,
    scatter_sub,
    scatter_update,
    tensor_scatter_nd_add,
    tensor_scatter_nd_sub,
    tensor_scatter_nd_update,
)
from .ops.script_ops import numpy_function, py_func
from .ops.segment_ops import segment_mean, segment_sum, unsorted_segment_sum
from .ops.slice_ops import slice, sparse_to_dense  # noqa: A004  (tf.slice)
from .ops.tensor_array_ops import TensorArray
from .registry import NoGradient, NotDifferentiable, RegisterGradient
from .rnn.sequence_ops import reverse_sequence
from .session import InteractiveSession, Session
from .shapes import TensorShape
from .stepping import step_through
from .variable_scope import (
    AUTO_REUSE,
    VariableScope,
    get_local_variable,
    get_variable,
    get_variable_scope,
    variable_scope,
)
from .variables import (
    GraphKeys,
    Placeholder,
    Variable,
    all_variables,
    assign,
    assign_add,
    assign_sub,
    constant,
    global_variables,
    global_variables_initializer,
    group,
    initialize_all_variables,
    is_variable_initialized,
    local_variables,
    local_variables_initializer,
    no_op,
    placeholder,
    placeholder_with_default,
    trainable_variables,
    variables_initializer,
)

get_collection = lambda key, scope=None: _gdg().get_collection(key, scope)  # noqa: E731
add_to_collection = lambda key, value: _gdg().add_to_collection(key, value)  # noqa: E731


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """min(max(t, clip_value_min), clip_value_max), built as TensorFlow builds it."""
    return maximum(minimum(t, clip_value_max), clip_value_min, name=name)


def disable_v2_behavior():
    """No-op: TensorSlow always behaves as TF1."""


disable_eager_execution = disable_v2_behavior
newaxis = None

# Submodules that are namespaces of TF's API (tf.errors, tf.layers, tf.data, tf.summary...), imported after
# the names above because some of them build on those names.
from . import (  # noqa: E402
    app,
    bitwise,
    data,
    errors,
    flags,
    gfile,
    initializers,
    io,
    layers,
    linalg,
    logging,
    math,
    metrics,
    nest,
    random,
    summary,
    test,
)
from .config import ConfigProto, GPUOptions, GraphOptions, OptimizerOptions, RunMetadata, RunOptions  # noqa: E402
from .devices import device  # noqa: E402
from .summary.protos import Event, SessionLog, Summary  # noqa: E402  (tf.Summary: the proto, imported on use)
from .train.moving_averages import moving_average_variables  # noqa: E402

__version__ = "0.1.0"
__all__ = sorted(name for name in globals() if not name.startswith("_"))


def __getattr__(name):
    """``tensorslow.compat`` is imported on first use: ``compat.v1`` is this module's own API."""
    if name == "compat":
        import importlib
        importlib.import_module(".compat.v1", __name__)  # importing it sets this module's `compat`
        return globals()["compat"]
    raise AttributeError(f"module 'tensorslow' has no attribute {name!r}")

