"""The symbol table's TF1 API as real programs use it: scopes, layers, RNNs, checkpoints, summaries, tf.data,
initializers and a program's scaffolding (``tf.app``, ``tf.flags``, ``tf.logging``, ``tf.gfile``, ``ConfigProto``).

:data:`TF1_API` maps a path under ``tensorslow`` to a :class:`~.symbol.Symbol`, as
:mod:`.symbols` does for the rest. A TF1 name is the same path under
``tf.compat.v1`` unless TensorFlow spells it otherwise (``gfile.exists`` is
``tf.io.gfile.exists``). A TF2 name is given only where TF2 has the function
with the same behaviour and defaults; otherwise the reason says what TF2 uses.

Under TF 2.16 and later, ``tf.compat.v1.layers`` and ``tf.compat.v1.nn.rnn_cell``
are served by the ``tf-keras`` package, and only when ``TF_USE_LEGACY_KERAS=1``
is set before TensorFlow is imported: :func:`needs_legacy_keras` says which TF1
names need it.
"""
from .symbol import GLOBAL_STEP, NAMESPACE, NO_GRAPH, OP, Symbol

#: tf.compat.v1 namespaces that need ``TF_USE_LEGACY_KERAS=1`` (and tf-keras) under TF 2.16+
LEGACY_KERAS = ("layers", "nn.rnn_cell")


def needs_legacy_keras(tf1_name):
    """Whether ``tf.compat.v1.<tf1_name>`` exists only with ``TF_USE_LEGACY_KERAS=1``."""
    return tf1_name is not None and any(tf1_name == ns or tf1_name.startswith(ns + ".") for ns in LEGACY_KERAS)


def _same(*names, tf2):
    """Symbols whose TF1 name is their own path, and whose TF2 name is that path too (``tf2=True``) or none
    (``tf2``: the reason)."""
    if tf2 is True:
        return {name: Symbol(name, name) for name in names}
    return {name: Symbol(name, None, why_not_tf2=tf2) for name in names}


def _namespace(name, tf2, why_not_tf2="", tf1=None):
    return Symbol(tf1 or name, tf2, NAMESPACE, why_not_tf2=why_not_tf2)


# -- reasons shared by several symbols ---------------------------------------------------------------------

_SCOPES = ("TF2 uses Keras layers and tf.Variable objects, not variables found by name in scopes: keep "
           "tf.compat.v1.variable_scope/get_variable (--to tf1) or create the tf.Variable objects yourself")
_SESSION_OPTIONS = ("options of a TF1 Session, which TF2 does not have: configure with tf.config (threading, "
                    "visible devices, memory growth) and trace with tf.profiler")
_PROTOS = ("TF2 does not export TensorBoard's protocol buffers: import them from tensorboard.compat.proto "
           "(summary_pb2, event_pb2)")
_SUMMARY_OPS = ("TF1's summary ops return a serialized Summary to run and pass to FileWriter.add_summary; TF2's "
                "write at once, with a step=, to the default writer (tf.summary.create_file_writer)")
_FILE_WRITER = "use tf.summary.create_file_writer (TF2's writers take tf.summary calls, not Summary protos)"
_SAVER = ("TF2 saves objects, not the graph's variables by name: use tf.train.Checkpoint (and "
          "tf.train.CheckpointManager for max_to_keep); tf.train.load_checkpoint still reads TF1 checkpoints")
_META_GRAPH = "TF2 has no MetaGraph to export or import: use tf.saved_model"
_CHECKPOINT_FILES = ("removed in TF2: tf.train.CheckpointManager keeps the checkpoint state file and deletes old "
                     "checkpoints (use tf.io.gfile for the files themselves)")
_ITERATORS = ("TF2 iterates a tf.data.Dataset in Python (for element in dataset, iter(dataset)): TF1's graph "
              "iterators, their initializers and get_next ops have no TF2 form")
_RNN = ("TF2 runs recurrent networks with Keras (keras.layers.RNN, LSTM, GRU, Bidirectional), whose cells name "
        "and lay out their weights differently (a TF1 LSTM has one [input + units, 4 * units] kernel)")


def _absl(module):
    return f"TF2 has no tf.{module}: use absl.{module} (what tf.compat.v1.{module} wraps)"


def _keras_layer(cls):
    return (f"TF2 has no tf.layers: use tf.keras.layers.{cls} (Keras layers own their variables: no "
            f"variable_scope names, collections or UPDATE_OPS)")


_LOGGING = _absl("logging") + " or Python's logging"


def _keras_cell(advice):
    return f"TF2 has no tf.nn.rnn_cell: {advice} (Keras names and lays out the weights differently)"


# -- variables, scopes, initializers ----------------------------------------------------------------------

_SCOPE_API = _same("variable_scope", "VariableScope", "AUTO_REUSE", "get_variable", "get_local_variable",
                   "get_variable_scope", tf2=_SCOPES)

#: TF1's initializers and the TF2 ones with the same distribution and defaults (TF2's take the dtype when
#: called, not when built); those whose TF2 defaults differ have none
_INITIALIZERS_TF2 = {
    "constant": "constant_initializer", "zeros": "zeros_initializer", "ones": "ones_initializer",
    "identity": "keras.initializers.Identity", "orthogonal": "keras.initializers.Orthogonal",
    "glorot_uniform": "keras.initializers.GlorotUniform", "glorot_normal": "keras.initializers.GlorotNormal",
    "variance_scaling": "keras.initializers.VarianceScaling",
    "he_normal": "keras.initializers.HeNormal", "he_uniform": "keras.initializers.HeUniform",
    "lecun_normal": "keras.initializers.LecunNormal", "lecun_uniform": "keras.initializers.LecunUniform",
}
_INITIALIZERS_NO_TF2 = {
    "random_normal": "TF2's random_normal_initializer defaults to stddev 0.05, TF1's to 1.0: pass mean and stddev "
                     "to tf.random_normal_initializer",
    "random_uniform": "TF2's random_uniform_initializer defaults to [-0.05, 0.05], TF1's to [0, 1): pass minval and "
                      "maxval to tf.random_uniform_initializer",
    "truncated_normal": "TF2 has keras.initializers.TruncatedNormal, whose stddev defaults to 0.05 (TF1's to 1.0): "
                        "pass mean and stddev",
    "uniform_unit_scaling": "removed in TF2: keras.initializers.VarianceScaling(scale=factor ** 2, "
                            "distribution='uniform') draws from the same range",
}

#: initializers TF1 has only under tf.initializers (no tf.<name>_initializer)
_ONLY_UNDER_INITIALIZERS = ("identity", "he_normal", "he_uniform", "lecun_normal", "lecun_uniform")


def _initializer_table():
    tf2_of = {**{short: (tf2, "") for short, tf2 in _INITIALIZERS_TF2.items()},
              **{short: (None, why) for short, why in _INITIALIZERS_NO_TF2.items()}}
    out = {}
    for short, (tf2, why) in tf2_of.items():
        names = [f"initializers.{short}"] + ([] if short in _ONLY_UNDER_INITIALIZERS else [f"{short}_initializer"])
        out.update({name: Symbol(name, tf2, why_not_tf2=why) for name in names})
    out.update(_same("initializers.global_variables", "initializers.local_variables", "initializers.variables",
                     tf2=NO_GRAPH))
    return out


# -- tf.layers, tf.nn: RNNs, convolutions and other ops built from catalog ops ----------------------------

#: tf.layers' functions and the Keras layer class each becomes in TF2
_LAYER_FUNCTIONS = {
    "dense": "Dense", "dropout": "Dropout", "flatten": "Flatten", "conv1d": "Conv1D", "conv2d": "Conv2D",
    "conv2d_transpose": "Conv2DTranspose", "max_pooling1d": "MaxPooling1D", "max_pooling2d": "MaxPooling2D",
    "average_pooling1d": "AveragePooling1D", "average_pooling2d": "AveragePooling2D",
    "batch_normalization": "BatchNormalization",
}
_LAYERS_API = {f"layers.{name}": Symbol(f"layers.{name}", None, why_not_tf2=_keras_layer(cls))
               for name, cls in [*_LAYER_FUNCTIONS.items(), *[(c, c) for c in _LAYER_FUNCTIONS.values()],
                                 ("Layer", "Layer"), ("InputSpec", "InputSpec")]}

#: tf.nn.rnn_cell's classes and what TF2 offers instead
_RNN_CELLS = {
    "BasicRNNCell": "use keras.layers.SimpleRNNCell", "BasicLSTMCell": "use keras.layers.LSTMCell",
    "LSTMCell": "use keras.layers.LSTMCell", "GRUCell": "use keras.layers.GRUCell",
    "MultiRNNCell": "use keras.layers.StackedRNNCells",
    "DropoutWrapper": "use the dropout= and recurrent_dropout= arguments of a Keras cell",
    "ResidualWrapper": "add the cell's input to its output in a Keras layer",
    "DeviceWrapper": "build the Keras layer under tf.device",
    "LSTMStateTuple": "a Keras LSTM's state is the list [h, c]",
    "RNNCell": "subclass keras.layers.Layer with a state_size (keras.layers.RNN takes it as a cell)",
}
_RNN_API = {
    **{f"nn.rnn_cell.{name}": Symbol(f"nn.rnn_cell.{name}", None, why_not_tf2=_keras_cell(advice))
       for name, advice in _RNN_CELLS.items()},
    **_same("nn.static_rnn", "nn.dynamic_rnn", "nn.bidirectional_dynamic_rnn", tf2=_RNN),
    "nn.rnn_cell.LayerRNNCell": Symbol(None, None, why_not_tf1="TensorFlow does not export LayerRNNCell: a TF1 cell "
                                                               "subclasses tf.nn.rnn_cell.RNNCell",
                                       why_not_tf2=_keras_cell(_RNN_CELLS["RNNCell"])),
}

_NN_API = {
    **_same("nn.avg_pool1d", "nn.avg_pool2d", "nn.max_pool1d", "nn.max_pool2d", "nn.batch_normalization",
            "nn.conv1d", "nn.embedding_lookup", "nn.l2_normalize", "nn.nce_loss", "nn.sampled_softmax_loss",
            "nn.weighted_cross_entropy_with_logits", tf2=True),
    "nn.convolution": Symbol("nn.convolution", None, why_not_tf2="TF2's tf.nn.convolution takes (input, filters, "
                                                                 "strides, padding): TF1's takes padding third"),
    "nn.conv2d_backprop_input": Symbol("nn.conv2d_backprop_input", None,
                                       why_not_tf2="TF2 spells it tf.nn.conv2d_transpose(out_backprop, filters, "
                                                   "output_shape=input_sizes, ...), its arguments in another order"),
}

_CONTROL_API = {
    **_same("case", "clip_by_norm", "clip_by_global_norm", "device", tf2=True),
    "global_norm": Symbol("global_norm", "linalg.global_norm"),
    "clip_by_average_norm": Symbol("clip_by_average_norm", None,
                                   why_not_tf2="removed in TF2: it clips the L2 norm divided by the element count, "
                                               "which is tf.clip_by_norm with clip_norm times the element count"),
    "arg_max": Symbol("arg_max", "argmax"), "arg_min": Symbol("arg_min", "argmin"),
}

# RandomGamma has no gradient in TensorSlow's registry, so the op catalog does not list it (yet): once it lists
# it under the same name, the catalog's entry is used (see symbols._build).
CATALOG_PENDING = {
    "random_gamma": Symbol("random_gamma", "random.gamma", OP),
    "random.gamma": Symbol("random.gamma", "random.gamma", OP),
}


# -- checkpoints, summaries, tf.data -----------------------------------------------------------------------

_CHECKPOINT_API = {
    **_same("train.Saver", "train.SaverDef", tf2=_SAVER),
    **_same("train.export_meta_graph", "train.import_meta_graph", tf2=_META_GRAPH),
    **_same("train.checkpoint_exists", "train.get_checkpoint_mtimes", "train.remove_checkpoint",
            "train.update_checkpoint_state", tf2=_CHECKPOINT_FILES),
    **_same("train.get_checkpoint_state", "train.latest_checkpoint", "train.list_variables",
            "train.load_checkpoint", "train.load_variable", tf2=True),
    "train.NewCheckpointReader": Symbol("train.NewCheckpointReader", "train.load_checkpoint"),
    **_same("train.assert_global_step", "train.global_step", tf2=GLOBAL_STEP),
}

_SUMMARY_API = {
    **_same("summary.scalar", "summary.histogram", "summary.image", "summary.text", "summary.merge",
            "summary.merge_all", tf2=_SUMMARY_OPS),
    **_same("summary.FileWriter", "summary.FileWriterCache", tf2=_FILE_WRITER),
    **_same("Event", "SessionLog", "Summary", "summary.Event", "summary.SessionLog", "summary.Summary",
            "summary.SummaryDescription", "summary.TaggedRunMetadata", tf2=_PROTOS),
    "summary.SummaryMetadata": Symbol("SummaryMetadata", None, why_not_tf2=_PROTOS),  # not in tf.summary
}

_DATA_API = {
    **_same("data.Dataset", "data.AUTOTUNE", "data.INFINITE_CARDINALITY", "data.UNKNOWN_CARDINALITY",
            "data.experimental.AUTOTUNE", "data.experimental.INFINITE_CARDINALITY",
            "data.experimental.UNKNOWN_CARDINALITY", tf2=True),
    "data.TensorSpec": Symbol("TensorSpec", "TensorSpec"),  # tf.TensorSpec: tf.data has none of its own
    **_same("data.Iterator", "data.make_one_shot_iterator", "data.make_initializable_iterator", tf2=_ITERATORS),
    **_same("data.get_output_classes", "data.get_output_shapes", "data.get_output_types",
            tf2="TF2 describes a dataset's elements with dataset.element_spec"),
}


# -- metrics, moving averages, masks, printing, Python functions, tf.nest -------------------------------------

_METRICS = ("TF2's metrics are Keras objects (tf.keras.metrics.Accuracy, Mean...: update_state, result), not "
            "(value, update_op) pairs on local variables")
_EXTRAS_API = {
    **_same("metrics.accuracy", "metrics.false_negatives", "metrics.false_positives", "metrics.mean",
            "metrics.mean_absolute_error", "metrics.mean_squared_error", "metrics.precision", "metrics.recall",
            "metrics.root_mean_squared_error", "metrics.true_negatives", "metrics.true_positives", tf2=_METRICS),
    "metrics.metric_variable": Symbol(None, None, why_not_tf1="private in TensorFlow: create a local variable in "
                                                              "the LOCAL_VARIABLES and METRIC_VARIABLES collections",
                                      why_not_tf2=_METRICS),
    "train.ExponentialMovingAverage": Symbol("train.ExponentialMovingAverage", "train.ExponentialMovingAverage"),
    "moving_average_variables": Symbol("moving_average_variables", None, why_not_tf2=NO_GRAPH),
    **_same("boolean_mask", "sequence_mask", "numpy_function", "print", "nn.local_response_normalization",
            "nest.assert_same_structure", "nest.flatten", "nest.is_nested", "nest.map_structure",
            "nest.pack_sequence_as", tf2=True),
}


# -- a program's scaffolding: tf.app, flags, logging, gfile, test, session options -------------------------

_FLAGS = ("DEFINE_bool", "DEFINE_boolean", "DEFINE_enum", "DEFINE_float", "DEFINE_integer", "DEFINE_list",
          "DEFINE_string", "DuplicateFlagError", "Error", "FLAGS", "Flag", "FlagValues", "IllegalFlagValueError",
          "UnparsedFlagAccessError", "UnrecognizedFlagError")
_LOGGING_NAMES = ("DEBUG", "ERROR", "FATAL", "INFO", "WARN", "debug", "error", "fatal", "flush", "get_verbosity",
                  "info", "log", "log_every_n", "log_first_n", "log_if", "set_verbosity", "vlog", "warn", "warning")
#: TF1's tf.gfile functions and their TF2 (tf.io.gfile) names
_GFILE_TF2 = {"Copy": "copy", "DeleteRecursively": "rmtree", "Exists": "exists", "FastGFile": "GFile",
              "GFile": "GFile", "Glob": "glob", "IsDirectory": "isdir", "ListDirectory": "listdir",
              "MakeDirs": "makedirs", "MkDir": "mkdir", "Open": "GFile", "Remove": "remove", "Rename": "rename",
              "Stat": "stat", "Walk": "walk"}
_IO_GFILE = ("GFile", "copy", "exists", "glob", "isdir", "join", "listdir", "makedirs", "mkdir", "remove", "rename",
             "rmtree", "stat", "walk")


_STAT = "TensorFlow does not export the class of Stat's result (read its length, mtime_nsec and is_directory)"


def _gfile_table():
    """tensorslow.gfile is tensorslow.io.gfile, with both spellings: each name goes where TensorFlow has it."""
    out = {}
    for prefix in ("gfile", "io.gfile"):
        for name in sorted({*_GFILE_TF2, *_IO_GFILE}):
            in_tf1_gfile = name in _GFILE_TF2 and (prefix == "gfile" or name not in _IO_GFILE)
            tf1 = f"gfile.{name}" if in_tf1_gfile else f"io.gfile.{name}"
            out[f"{prefix}.{name}"] = Symbol(tf1, f"io.gfile.{_GFILE_TF2.get(name, name)}")
        out[f"{prefix}.AlreadyExistsError"] = Symbol("errors.AlreadyExistsError", "errors.AlreadyExistsError")
        out[f"{prefix}.FileStatistics"] = Symbol(None, None, why_not_tf1=_STAT, why_not_tf2=_STAT)
    return out


_SCAFFOLDING_API = {
    "app.run": Symbol("app.run", None, why_not_tf2=_absl("app")),
    **{f"{ns}.{name}": Symbol(f"flags.{name}", None, why_not_tf2=_absl("flags"))
       for ns in ("flags", "app.flags") for name in _FLAGS},
    **{f"logging.{name}": Symbol(f"logging.{name}", None, why_not_tf2=_LOGGING) for name in _LOGGING_NAMES},
    "logging.get_logger": Symbol("get_logger", "get_logger"),  # tf.get_logger: tf.logging has none
    **_gfile_table(),
    **_same("test.gpu_device_name", "test.is_built_with_cuda", "test.is_gpu_available", tf2=True),
    **_same("ConfigProto", "GPUOptions", "GraphOptions", "OptimizerOptions", "RunMetadata", "RunOptions",
            tf2=_SESSION_OPTIONS),
}

# -- more math and array ops: tf.math (tf.linalg) spellings of catalog ops, and composites of catalog ops ------

#: catalog ops that tensorslow.math also has, under the same name in tf.compat.v1.math and TF2's tf.math
_MATH_ALIASES = ("acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cos", "cosh", "cumprod", "cumsum",
                 "digamma", "erf", "erfc", "expm1", "is_finite", "is_inf", "is_nan", "lgamma", "reduce_all",
                 "reduce_any", "rint", "sin", "sinh", "tan")
#: composites of catalog ops: (tensorslow path, TF1 path, TF2 path)
_COMPOSITES = (
    ("count_nonzero", "count_nonzero", "math.count_nonzero"),
    ("math.count_nonzero", "math.count_nonzero", "math.count_nonzero"),
    ("log_sigmoid", "log_sigmoid", "math.log_sigmoid"),
    ("math.log_sigmoid", "math.log_sigmoid", "math.log_sigmoid"),
    ("reduce_logsumexp", "reduce_logsumexp", "reduce_logsumexp"),
    ("math.reduce_logsumexp", "math.reduce_logsumexp", "math.reduce_logsumexp"),
    ("math.reduce_std", "math.reduce_std", "math.reduce_std"),
    ("math.reduce_variance", "math.reduce_variance", "math.reduce_variance"),
    ("sort", "sort", "sort"), ("argsort", "argsort", "argsort"), ("meshgrid", "meshgrid", "meshgrid"),
    ("lin_space", "lin_space", "linspace"), ("reverse_v2", "reverse_v2", "reverse"),
    ("math.bincount", "math.bincount", "math.bincount"),
    ("nn.depth_to_space", "nn.depth_to_space", "nn.depth_to_space"),
    ("nn.space_to_depth", "nn.space_to_depth", "nn.space_to_depth"),
    ("eye", "eye", "eye"), ("norm", "norm", "norm"), ("tensordot", "tensordot", "tensordot"),
    ("matrix_transpose", "matrix_transpose", "linalg.matrix_transpose"), ("trace", "trace", "linalg.trace"),
    ("linalg.transpose", "linalg.transpose", "linalg.matrix_transpose"),
    *((f"linalg.{name}", f"linalg.{name}", f"linalg.{name}") for name in (
        "adjoint", "band_part", "cholesky", "det", "diag", "diag_part", "einsum", "eye", "global_norm", "inv",
        "l2_normalize", "logdet", "matmul", "matrix_transpose", "norm", "set_diag", "solve", "tensordot", "trace",
        "triangular_solve")),
)
_SCATTER_TO_VARIABLE = ("TF2 updates a tf.Variable's slices with its methods (v.scatter_update, v.scatter_add, "
                        "v.scatter_sub, with a tf.IndexedSlices)")
_MORE_OPS_API = {
    **{f"math.{name}": Symbol(f"math.{name}", f"math.{name}", OP) for name in _MATH_ALIASES},
    **{ts: Symbol(tf1, tf2, OP) for ts, tf1, tf2 in _COMPOSITES},
    **_same("scatter_update", "scatter_add", "scatter_sub", tf2=_SCATTER_TO_VARIABLE),
    "linalg": _namespace("linalg", "linalg"),
    **_same("train.cosine_decay", "train.cosine_decay_restarts", "train.linear_cosine_decay", tf2=GLOBAL_STEP),
}

NAMESPACES = {
    "layers": _namespace("layers", None, "TF2 has no tf.layers: use tf.keras.layers"),
    "nn.rnn_cell": _namespace("nn.rnn_cell", None, _keras_cell("use Keras cells and keras.layers.RNN")),
    "summary": _namespace("summary", "summary"),
    "data": _namespace("data", "data"), "data.experimental": _namespace("data.experimental", "data.experimental"),
    "initializers": _namespace("initializers", "initializers"),
    "app": _namespace("app", None, _absl("app")),
    "flags": _namespace("flags", None, _absl("flags")),
    "app.flags": _namespace("app.flags", None, _absl("flags"), tf1="flags"),  # from tf.app import flags fails
    "logging": _namespace("logging", None, _LOGGING),
    "gfile": _namespace("gfile", "io.gfile"), "io": _namespace("io", "io"),
    "io.gfile": _namespace("io.gfile", "io.gfile"),
    "test": _namespace("test", "test"),
    "metrics": _namespace("metrics", None, _METRICS), "nest": _namespace("nest", "nest"),
}

TF1_API = {**_SCOPE_API, **_initializer_table(), **_LAYERS_API, **_RNN_API, **_NN_API, **_CONTROL_API,
           **_CHECKPOINT_API, **_SUMMARY_API, **_DATA_API, **_EXTRAS_API, **_SCAFFOLDING_API, **_MORE_OPS_API,
           **NAMESPACES}
