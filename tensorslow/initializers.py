"""``tf.initializers``: TF1's initializers under their short names (``tf.initializers.glorot_uniform()``),
and the variable-initializing ops (``tf.initializers.global_variables()``). See ``init_ops.py``."""
from .init_ops import Constant as constant
from .init_ops import GlorotNormal as glorot_normal
from .init_ops import GlorotUniform as glorot_uniform
from .init_ops import Identity as identity
from .init_ops import Ones as ones
from .init_ops import Orthogonal as orthogonal
from .init_ops import RandomNormal as random_normal
from .init_ops import RandomUniform as random_uniform
from .init_ops import TruncatedNormal as truncated_normal
from .init_ops import UniformUnitScaling as uniform_unit_scaling
from .init_ops import VarianceScaling as variance_scaling
from .init_ops import Zeros as zeros
from .init_ops import he_normal, he_uniform, lecun_normal, lecun_uniform
from .variables import global_variables_initializer as global_variables
from .variables import local_variables_initializer as local_variables
from .variables import variables_initializer as variables

__all__ = ["constant", "global_variables", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity",
           "lecun_normal", "lecun_uniform", "local_variables", "ones", "orthogonal", "random_normal",
           "random_uniform", "truncated_normal", "uniform_unit_scaling", "variance_scaling", "variables", "zeros"]
