"""TensorFlow with TF1 behaviour for a while, then as it was.

A TF1 program calls ``tf.disable_v2_behavior()``: reference variables (with
their ``w/read`` ops), TF1 control flow, shapes printed as ``(?, 3)``, TF1's
datasets. Tests and the harness that compare TensorSlow with such programs
need the same, but they share their process with TF2 and Keras 3 code, which
needs TF2 behaviour. ``with tf1_behaviour() as tf:`` gives
``tensorflow.compat.v1`` with TF1 behaviour inside the block and leaves the
process as it found it.

Everything ``disable_v2_behavior`` switches is switched here except eager
execution: TensorFlow refuses to turn eager execution back on once a graph has
been used in graph mode, so code inside the block builds its graphs inside
``with tf.Graph().as_default():``, where TensorFlow builds graphs whatever the
eager setting. The switches are TensorFlow's own (``v2_compat`` calls the same
functions); they are not part of its public API, hence the imports from
``tensorflow.python``.
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
        from tensorflow.python.compat import v2_compat
        from tensorflow.python.framework import tensor, tensor_shape
        from tensorflow.python.ops import control_flow_v2_toggles, resource_variables_toggle
    except ImportError as e:
        raise ImportError("comparing with TF1 needs the 'tensorflow' package "
                          "(pip install tensorslow-parity[tf])") from e
    toggles = [(tf2.disable, tf2.enable),
               (tensor_shape.disable_v2_tensorshape, tensor_shape.enable_v2_tensorshape),
               (resource_variables_toggle.disable_resource_variables,
                resource_variables_toggle.enable_resource_variables),
               (tensor.disable_tensor_equality, tensor.enable_tensor_equality),
               (control_flow_v2_toggles.disable_control_flow_v2, control_flow_v2_toggles.enable_control_flow_v2)]
    was_v2 = tf2.enabled()
    for disable, _ in toggles:
        disable()
    _follow_tf2_in_data(v2_compat)
    try:
        yield tf
    finally:
        if was_v2:
            for _, enable in toggles:
                enable()
            _follow_tf2_in_data(v2_compat)


def _follow_tf2_in_data(v2_compat):
    """tf.data's part of (en|dis)able_v2_behavior: its modules pick DatasetV1 or V2 after ``tf2.enabled()``."""
    for name in v2_compat._DATA_V2_CALLBACKS.list():
        v2_compat._DATA_V2_CALLBACKS.lookup(name)()
