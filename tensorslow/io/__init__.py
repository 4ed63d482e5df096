"""``tf.io``: in TensorSlow, the file API ``tf.io.gfile`` (local files)."""
from tensorslow import gfile

__all__ = ["gfile"]
