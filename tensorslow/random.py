"""``tf.random``: random tensors under their TF2 names (``tf.random.normal``...) and the graph seed."""
from .ops.random_ops import random_normal as normal
from .ops.random_ops import random_uniform as uniform
from .ops.random_ops import set_random_seed, truncated_normal
from .ops.random_ops import set_random_seed as set_seed
