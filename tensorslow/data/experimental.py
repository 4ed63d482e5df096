"""``tf.data.experimental``: the constants TF1 programs pass to ``map``, ``batch`` and ``prefetch``."""

AUTOTUNE = -1  # "let TF choose": parallelism and buffer sizes, which TensorSlow does not have
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2
