"""``tf.random``: random tensors under their TF2 names (``tf.random.normal``...) and the graph seed."""
from .ops.random_ops import random_normal as normal  # noqa: F401
from .ops.random_ops import random_uniform as uniform  # noqa: F401
from .ops.random_ops import set_random_seed  # noqa: F401
from .ops.random_ops import set_random_seed as set_seed  # noqa: F401
from .ops.random_ops import truncated_normal  # noqa: F401
