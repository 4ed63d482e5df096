"""What each TensorSlow symbol becomes in ``tf.compat.v1`` and in TF2.

``SYMBOLS`` maps a path under ``tensorslow`` (``"nn.relu"``, ``"train.AdamOptimizer"``,
``"float32"``) to a :class:`Symbol`: its name under ``tensorflow.compat.v1``
(``tf1``) and under ``tensorflow`` (``tf2``), or ``None`` with the reason there
is none. The table is static, so translating never imports TensorFlow;
``tests/test_migrate.py`` resolves every name in it against TensorFlow.

Ops come from the op catalog (:mod:`tensorslow_parity.ops.catalog`, the single source of
truth for op symbols). TensorSlow also exposes some ops under other spellings
(``softmax`` next to ``nn.softmax``, ``math.log`` next to ``log``): those are
listed here as aliases of a catalog entry, and take the entry's TF2 name. The
non-op API (graphs, sessions, placeholders, variables, optimizers, dtypes...)
is listed explicitly: here what the course uses, in :mod:`.symbols_tf1_api` the
rest of TF1's API (scopes, tf.layers, RNN cells, checkpoints, summaries,
tf.data, tf.app/flags/logging/gfile). A namespace (kind ``NAMESPACE``: ``nn``,
``layers``, ``io.gfile``...) lists each of its members; the translator refuses a
name it does not list.
"""
from ..ops.catalog import CATALOG
from .symbol import API, CUSTOM_OP, DTYPE, GLOBAL_STEP, NAMESPACE, NO_GRAPH, OP, OPTIMIZER, STRUCTURAL, Symbol
from .symbols_tf1_api import CATALOG_PENDING, TF1_API

__all__ = ["API", "CUSTOM_OP", "DTYPE", "NAMESPACE", "OP", "OPTIMIZER", "STRUCTURAL", "Symbol", "OPS",
           "SAME_NAME_ALIASES", "RENAMED_ALIASES", "SYMBOLS", "TF2_KEYWORDS", "resolve"]


def _strip(name, prefix):
    if name is None:
        return None
    if not name.startswith(prefix):
        raise ValueError(f"op catalog name {name!r} does not start with {prefix!r}")
    return name[len(prefix):]


def _catalog_symbols():
    out = {}
    for entry in CATALOG:
        if entry.tensorslow.startswith("Tensor."):  # operators and methods, not module symbols
            continue
        symbol = Symbol(_strip(entry.tf_v1, "tf.compat.v1."), _strip(entry.tf2, "tf."), OP,
                        why_not_tf2="" if entry.tf2 else f"the op catalog lists no TF2 counterpart for "
                                                         f"{entry.op_type} ({entry.notes or 'TF1 only'})")
        previous = out.setdefault(entry.tensorslow, symbol)
        # One symbol building several op types (matmul, pad, where) must map one way; if only some of its op
        # types have a TF2 counterpart, the symbol has none (py_func: PyFunc and PyFuncStateless).
        if previous.tf1 != symbol.tf1 or None not in (previous.tf2, symbol.tf2) and previous.tf2 != symbol.tf2:
            raise ValueError(f"op catalog maps tensorslow.{entry.tensorslow} two ways: {previous} and {symbol}")
        if symbol.tf2 is None:
            out[entry.tensorslow] = symbol
    return out


OPS = _catalog_symbols()

# Other TensorSlow spellings of a catalog op that tf.compat.v1 spells the same way.
SAME_NAME_ALIASES = {
    "nn.sigmoid": "sigmoid", "nn.tanh": "tanh", "check_numerics": "debugging.check_numerics",
    "random.normal": "random_normal", "random.uniform": "random_uniform",
    "random.truncated_normal": "truncated_normal", "random.shuffle": "random_shuffle",
    "random.multinomial": "multinomial", "random.categorical": "multinomial",
    **{f"math.{name}": name for name in (
        "abs", "add", "add_n", "argmax", "argmin", "ceil", "divide", "equal", "exp", "floor", "greater",
        "greater_equal", "less", "less_equal", "log", "log1p", "logical_and", "logical_not", "logical_or",
        "maximum", "minimum", "multiply", "negative", "not_equal", "pow", "reciprocal", "reduce_max",
        "reduce_mean", "reduce_min", "reduce_prod", "reduce_sum", "round", "rsqrt", "sigmoid", "sign", "sqrt",
        "square", "squared_difference", "subtract", "tanh")},
    "math.softmax": "nn.softmax", "math.log_softmax": "nn.log_softmax",
}
# TensorSlow spellings that tf.compat.v1 lacks: they become the catalog entry's own name.
RENAMED_ALIASES = {"softmax": "nn.softmax", "log_softmax": "nn.log_softmax"}

_STRUCTURAL_TF2 = ("--to tf2 rewrites it only in the simple pattern (module-level placeholders fed in a "
                   "session.run loop, one minimize op)")
_CUSTOM_OP = ("the course's custom-op pattern: a TensorSlow op computed by a Python compute() method with a "
              "gradient registered in Python. TensorFlow graph ops are C++ kernels, and tf.RegisterGradient "
              "only replaces gradients of those, so this has no translation (it needs a rewrite with "
              "tf.py_function and tf.custom_gradient, or built-in ops)")
_DRAWING = ("TensorSlow's drawing of a graph; TensorFlow draws its graphs in TensorBoard "
            "(tf.summary.FileWriter(logdir, graph), the Graphs tab)")
_STEPPING = ("TensorSlow's step-by-step run; TensorFlow has no such stepper (TF2 runs eagerly: print or use a "
             "debugger; tf.debugging.experimental.enable_dump_debug_info records a run)")
_TF1_LOSSES = ("tf.compat.v1.losses reduce with SUM_BY_NONZERO_WEIGHTS and add to the LOSSES collection; TF2 has "
               "no such module (write the formula, or use keras.losses, which average differently)")


#: graphs, sessions, placeholders: structural in TF2
_GRAPH_API = {
    "Graph": Symbol("Graph", None, STRUCTURAL, why_not_tf2=NO_GRAPH),
    "Session": Symbol("Session", None, STRUCTURAL, why_not_tf2=_STRUCTURAL_TF2),
    "InteractiveSession": Symbol("InteractiveSession", None, STRUCTURAL, why_not_tf2=_STRUCTURAL_TF2),
    "placeholder": Symbol("placeholder", None, STRUCTURAL, why_not_tf2=_STRUCTURAL_TF2),
    "global_variables_initializer": Symbol("global_variables_initializer", None, STRUCTURAL,
                                           why_not_tf2=_STRUCTURAL_TF2),
    "initialize_all_variables": Symbol("initialize_all_variables", None, STRUCTURAL, why_not_tf2=_STRUCTURAL_TF2),
    "variables_initializer": Symbol("variables_initializer", None, why_not_tf2=NO_GRAPH),
    "local_variables_initializer": Symbol("local_variables_initializer", None, why_not_tf2=NO_GRAPH),
    "is_variable_initialized": Symbol("is_variable_initialized", None,
                                      why_not_tf2="TF2's variables are initialized when they are created"),
    # Composites of catalog ops (LogicalOr, LogicalAnd, LogicalNot), as TF builds them.
    "logical_xor": Symbol("logical_xor", "math.logical_xor"),
    "math.logical_xor": Symbol("logical_xor", "math.logical_xor"),
    "reset_default_graph": Symbol("reset_default_graph", None, why_not_tf2=NO_GRAPH),
    "get_default_graph": Symbol("get_default_graph", None, why_not_tf2=NO_GRAPH),
    "get_default_session": Symbol("get_default_session", None, why_not_tf2=NO_GRAPH),
    "control_dependencies": Symbol("control_dependencies", None, why_not_tf2=NO_GRAPH),
    "group": Symbol("group", None, why_not_tf2=NO_GRAPH),
    "no_op": Symbol("no_op", None, why_not_tf2=NO_GRAPH),
    "get_collection": Symbol("get_collection", None, why_not_tf2=NO_GRAPH),
    "add_to_collection": Symbol("add_to_collection", None, why_not_tf2=NO_GRAPH),
    "GraphKeys": Symbol("GraphKeys", None, why_not_tf2=NO_GRAPH),
    "global_variables": Symbol("global_variables", None, why_not_tf2=NO_GRAPH),
    "all_variables": Symbol("all_variables", None, why_not_tf2=NO_GRAPH),
    "trainable_variables": Symbol("trainable_variables", None, why_not_tf2=NO_GRAPH),
    "local_variables": Symbol("local_variables", None, why_not_tf2=NO_GRAPH),
    "gradients": Symbol("gradients", None, why_not_tf2="TF2 computes gradients with tf.GradientTape"),
    "add_check_numerics_ops": Symbol("add_check_numerics_ops", None, why_not_tf2=NO_GRAPH),
    "disable_eager_execution": Symbol("disable_eager_execution", None,
                                      why_not_tf2="a TF2 program runs eagerly (use --to tf1 for graph mode)"),
    "disable_v2_behavior": Symbol("disable_v2_behavior", None,
                                  why_not_tf2="a TF2 program runs eagerly (use --to tf1 for graph mode)"),
    "assign": Symbol("assign", None, why_not_tf2="use Variable.assign"),
    "assign_add": Symbol("assign_add", None, why_not_tf2="use Variable.assign_add"),
    "assign_sub": Symbol("assign_sub", None, why_not_tf2="use Variable.assign_sub"),
}

#: values and helpers, the same in both
_VALUE_API = {
    "Variable": Symbol("Variable", "Variable"),
    "constant": Symbol("constant", "constant"),
    "convert_to_tensor": Symbol("convert_to_tensor", "convert_to_tensor"),
    "name_scope": Symbol("name_scope", "name_scope"),
    "clip_by_value": Symbol("clip_by_value", "clip_by_value"),
    "ones": Symbol("ones", "ones"), "zeros": Symbol("zeros", "zeros"),
    "range": Symbol("range", "range"),  # split, unstack, where_v2: op catalog entries
    "newaxis": Symbol("newaxis", "newaxis"),
    "Tensor": Symbol("Tensor", "Tensor"),
    "TensorShape": Symbol("TensorShape", "TensorShape"),
    "Operation": Symbol("Operation", "Operation"),
    "set_random_seed": Symbol("set_random_seed", "random.set_seed"),
    "random.set_random_seed": Symbol("random.set_random_seed", "random.set_seed"),
    "random.set_seed": Symbol("random.set_random_seed", "random.set_seed"),
    "mod": Symbol("mod", "math.floormod"),
    "truediv": Symbol("truediv", "math.truediv"),
    "div": Symbol("div", None, why_not_tf2="tf.compat.v1.div floors integer division; TF2 has no div (choose "
                                           "tf.math.divide or tf.math.floordiv)"),
    **{f"to_{t}": Symbol(f"to_{t}", None, why_not_tf2="removed in TF2: use tf.cast")
       for t in ("double", "float", "int32", "int64")},
    "Placeholder": Symbol(None, None, why_not_tf1="TensorSlow's class of placeholder nodes: TensorFlow's "
                                                  "placeholders are plain tf.Tensor objects",
                          why_not_tf2="TensorSlow's class of placeholder nodes; TF2 has no placeholders"),
    # Teaching aids: a picture of the graph, a run watched op by op. TensorFlow draws graphs in TensorBoard.
    "draw_graph": Symbol(None, None, why_not_tf1=_DRAWING, why_not_tf2=_DRAWING),
    "step_through": Symbol(None, None, why_not_tf1=_STEPPING, why_not_tf2=_STEPPING),
}

#: the course's custom-op API
_CUSTOM_OP_API = {
    "RegisterGradient": Symbol(None, None, CUSTOM_OP, _CUSTOM_OP, _CUSTOM_OP),
    "NotDifferentiable": Symbol(None, None, CUSTOM_OP, _CUSTOM_OP, _CUSTOM_OP),
    "NoGradient": Symbol(None, None, CUSTOM_OP, _CUSTOM_OP, _CUSTOM_OP),
}

#: errors
_ERRORS_API = {
    **{name: Symbol(name if name == "OpError" else f"errors.{name}", f"errors.{name}") for name in
       ("OpError", "InvalidArgumentError", "FailedPreconditionError", "NotFoundError")},
    **{f"errors.{name}": Symbol(f"errors.{name}", f"errors.{name}") for name in
       ("OpError", "InvalidArgumentError", "FailedPreconditionError", "NotFoundError", "OutOfRangeError",
        "DataLossError", "CancelledError", "UnknownError", "DeadlineExceededError", "AlreadyExistsError",
        "PermissionDeniedError", "ResourceExhaustedError", "AbortedError", "UnimplementedError", "InternalError",
        "UnavailableError", "UnauthenticatedError")},
}

#: nn beyond the catalog
_NN_API = {
    "nn.dropout": Symbol("nn.dropout", None, why_not_tf2="TF1's dropout takes keep_prob, TF2's takes rate = "
                                                         "1 - keep_prob"),
    "nn.moments": Symbol("nn.moments", "nn.moments"),
    "nn.sigmoid_cross_entropy_with_logits": Symbol("nn.sigmoid_cross_entropy_with_logits",
                                                   "nn.sigmoid_cross_entropy_with_logits"),
    "nn.softmax_cross_entropy_with_logits": Symbol(
        "nn.softmax_cross_entropy_with_logits", None,
        why_not_tf2="TF1's version stops the gradient to the labels, TF2's does not (use "
                    "softmax_cross_entropy_with_logits_v2 with tf.stop_gradient on the labels)"),
}

#: training
_TRAINING_API = {
    "train.GradientDescentOptimizer": Symbol("train.GradientDescentOptimizer", None, OPTIMIZER),
    "train.MomentumOptimizer": Symbol("train.MomentumOptimizer", None, OPTIMIZER),
    "train.AdamOptimizer": Symbol("train.AdamOptimizer", None, OPTIMIZER),
    "train.RMSPropOptimizer": Symbol("train.RMSPropOptimizer", None, OPTIMIZER,
                                     why_not_tf2="TF1's RMSProp starts its mean square at 1 and has epsilon "
                                                 "1e-10, Keras's RMSprop starts at 0: no exact mapping"),
    "train.AdagradOptimizer": Symbol("train.AdagradOptimizer", None, OPTIMIZER,
                                     why_not_tf2="Keras's Adagrad adds epsilon inside the square root, TF1's "
                                                 "has none: no exact mapping"),
    "train.Optimizer": Symbol("train.Optimizer", None, why_not_tf2="subclass a keras.optimizers.Optimizer"),
    **{f"train.{name}": Symbol(f"train.{name}", None, why_not_tf2=GLOBAL_STEP)
       for name in ("exponential_decay", "inverse_time_decay", "natural_exp_decay", "piecewise_constant",
                    "polynomial_decay", "get_global_step", "get_or_create_global_step", "create_global_step")},
}

#: losses
_LOSSES_API = {
    **{f"losses.{name}": Symbol(f"losses.{name}", None, why_not_tf2=_TF1_LOSSES) for name in
       ("Reduction", "absolute_difference", "add_loss", "compute_weighted_loss", "cosine_distance", "get_losses",
        "get_regularization_loss", "get_regularization_losses", "get_total_loss", "hinge_loss", "huber_loss",
        "log_loss", "mean_pairwise_squared_error", "mean_squared_error", "sigmoid_cross_entropy",
        "softmax_cross_entropy", "sparse_softmax_cross_entropy")},
}

#: debugging
_DEBUGGING_API = {
    "debugging.enable_check_numerics": Symbol("debugging.enable_check_numerics", "debugging.enable_check_numerics"),
    "debugging.disable_check_numerics": Symbol("debugging.disable_check_numerics",
                                               "debugging.disable_check_numerics"),
}

#: dtypes
_DTYPE_API = {
    "DType": Symbol("DType", "DType", DTYPE), "as_dtype": Symbol("as_dtype", "as_dtype", DTYPE),
    "dtypes.DType": Symbol("dtypes.DType", "dtypes.DType", DTYPE),
    "dtypes.as_dtype": Symbol("dtypes.as_dtype", "dtypes.as_dtype", DTYPE),
}


def _api():
    table = {**_GRAPH_API, **_VALUE_API, **_CUSTOM_OP_API, **_ERRORS_API, **_NN_API, **_TRAINING_API, **_LOSSES_API,
             **_DEBUGGING_API, **_DTYPE_API}
    for name in ("bool", "double", "float16", "float32", "float64", "half", "int8", "int16", "int32", "int64",
                 "uint8"):
        table[name] = Symbol(name, name, DTYPE)
        table[f"dtypes.{name}"] = Symbol(f"dtypes.{name}", f"dtypes.{name}", DTYPE)
    for name in ("nn", "train", "losses", "math", "random", "debugging", "errors", "dtypes"):
        table[name] = Symbol(name, None if name in ("train", "losses") else name, NAMESPACE,
                             why_not_tf2="TF2 has no tf.train optimizers or tf.losses module" if name in (
                                 "train", "losses") else "")
    duplicates = table.keys() & TF1_API.keys()
    if duplicates:
        raise ValueError(f"listed in both API tables: {sorted(duplicates)}")
    return {**table, **TF1_API}


def _build():
    table = dict(OPS)
    for alias, op in SAME_NAME_ALIASES.items():
        table[alias] = Symbol(alias, OPS[op].tf2, OP, why_not_tf2=OPS[op].why_not_tf2)
    for alias, op in RENAMED_ALIASES.items():
        table[alias] = OPS[op]
    for name, symbol in CATALOG_PENDING.items():
        table.setdefault(name, symbol)  # the catalog's entry wins once it lists the op
    for name, symbol in _api().items():
        if name in table:
            raise ValueError(f"tensorslow.{name} is listed twice (op catalog and API table)")
        table[name] = symbol
    return table


SYMBOLS = _build()

#: keyword arguments TensorSlow (like TF1) accepts that TF2 renamed, per op symbol
TF2_KEYWORDS = {
    **{name: {"keep_dims": "keepdims", "reduction_indices": "axis"}
       for base in ("reduce_sum", "reduce_mean", "reduce_prod", "reduce_max", "reduce_min")
       for name in (base, f"math.{base}")},
    **{name: {"dimension": "axis"} for name in ("argmax", "argmin", "math.argmax", "math.argmin", "arg_max",
                                                "arg_min")},
    "nn.conv1d": {"value": "input"}, "nn.l2_normalize": {"dim": "axis"},
    "nn.weighted_cross_entropy_with_logits": {"targets": "labels"},
    **{name: {"output_dtype": "dtype"} for name in ("multinomial", "random.multinomial")},
    **{name: {"dim": "axis"} for name in ("softmax", "nn.softmax", "math.softmax", "log_softmax",
                                          "nn.log_softmax", "math.log_softmax")},
}


def resolve(path):
    """Split a path under ``tensorslow`` into ``(known symbol, rest)``.

    ``"nn.relu"`` -> ``("nn.relu", "")``; ``"GraphKeys.TRAINABLE_VARIABLES"`` ->
    ``("GraphKeys", ".TRAINABLE_VARIABLES")`` (attributes of a symbol are kept);
    ``"compat.v1.X"`` is ``"X"``. Returns ``(None, path)`` when no prefix is known,
    or when the longest known prefix is a namespace and the next name is not in
    it (``"nn.does_not_exist"``).
    """
    if path == "compat.v1" or path.startswith("compat.v1."):
        path = path[len("compat.v1."):]
    parts = path.split(".") if path else []
    for n in range(len(parts), 0, -1):
        key = ".".join(parts[:n])
        if key in SYMBOLS:
            if n < len(parts) and SYMBOLS[key].kind == NAMESPACE:
                return None, path
            return key, "".join("." + p for p in parts[n:])
    return None, path
