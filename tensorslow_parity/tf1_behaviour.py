"""TensorFlow with TF1 behaviour for a while, then as it was.

A TF1 program calls ``tf.disable_v2_behavior()``: reference variables (with
their ``w/read`` ops), TF1 control flow, shapes printed as ``(?, 3)``. Tests
and the harness that compare TensorSlow with such programs need the same, but
they share their process with TF2 and Keras 3 code, which needs TF2
behaviour (eager execution among others). ``with tf1_behaviour() as tf:``
gives ``tensorflow.compat.v1`` with TF1 behaviour inside the block and leaves
the process as it found it.
"""
import contextlib
import os


@contextlib.contextmanager
def tf1_behaviour():
    """``tensorflow.compat.v1`` with TF1 behaviour inside the block; TF2 behaviour back after it, if it was on."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import tensorflow.compat.v1 as tf
        from tensorflow.python import tf2
    except ImportError as e:
        raise ImportError("comparing with TF1 needs the 'tensorflow' package "
                          "(pip install tensorslow-parity[tf])") from e
    was_v2 = tf2.enabled()
    tf.disable_v2_behavior()
    try:
        yield tf
    finally:
        if was_v2:
            tf.enable_v2_behavior()
