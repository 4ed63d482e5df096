"""``tf.random``: random tensors under their TF2 names (``tf.random.normal``...) and the graph seed."""
from .ops.random_ops import random_normal as normal
from .ops.random_ops import random_uniform as uniform
from .ops.random_ops import set_random_seed, truncated_normal
from .ops.random_ops import set_random_seed as set_seed
from .ops.random_ops_extra import categorical, multinomial
from .ops.random_ops_extra import random_gamma as gamma
from .ops.random_ops_extra import random_shuffle as shuffle
