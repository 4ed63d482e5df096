"""``tf.compat``: ``tensorslow.compat.v1`` is TensorSlow's whole API, for code written against
``tensorflow.compat.v1`` (``import tensorslow.compat.v1 as tf``)."""
