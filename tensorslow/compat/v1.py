"""``tf.compat.v1``: TensorSlow mirrors ``tensorflow.compat.v1``, so this module is its public API."""
from tensorslow import *  # noqa: F401, F403
from tensorslow import __all__  # noqa: F401
