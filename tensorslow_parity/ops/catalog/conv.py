"""Convolutions and pooling, NHWC: Conv2D (conv2d, conv1d, convolution), Conv2DBackpropInput (conv2d_transpose),
MaxPool and AvgPool. One :class:`OpEntry` per op type; strides, dilations, paddings and the 1-D spellings are
variants.

Their inputs come from the shape families ``conv2d`` (an input and a filter whose channels agree),
``conv1d``, ``conv2d_transpose`` and ``rank4``. Max-pool inputs are ``distinct`` (no ties: a tie has no
derivative); the ``ties`` variant feeds small integers, where TF sends each window's gradient to its first
maximum, and is compared with TF only.
"""
from tensorslow_parity.ops.catalog.records import OpEntry, Variant, at_kinks

CONV2D = (((2, 5, 4, 3), (3, 2, 3, 2)), ((1, 4, 4, 1), (2, 2, 1, 3)))
CONV1D = (((2, 6, 3), (3, 3, 2)), ((1, 5, 1), (2, 1, 2)))
POOL = (((2, 5, 4, 3),), ((1, 4, 6, 2),))
# value (N, H, W, O) and filter (KH, KW, C, O): conv2d_transpose gives (N, 2H, 2W, C) at stride 2
TRANSPOSE = (((2, 3, 2, 2), (3, 2, 3, 2)), ((1, 2, 2, 1), (2, 2, 2, 1)))


def conv2d_transpose(tf, value, w, strides, padding):
    """conv2d_transpose to the size a forward conv2d with these strides maps back from (SAME: H * stride)."""
    n, h, wd, _ = value.shape.as_list()
    kh, kw, c, _ = w.shape.as_list()
    if padding == "SAME":
        out = [n, h * strides, wd * strides, c]
    else:
        out = [n, (h - 1) * strides + kh, (wd - 1) * strides + kw, c]
    return tf.nn.conv2d_transpose(value, w, output_shape=out, strides=[1, strides, strides, 1], padding=padding)


ENTRIES = (
    OpEntry(
        op_type="Conv2D", tensorslow="nn.conv2d", tf_v1="tf.compat.v1.nn.conv2d", tf2="tf.nn.conv2d",
        keras_op="keras.ops.conv", keras_layer="keras.layers.Conv2D",
        build=lambda tf, x, w: tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME"), n_float=2,
        family="conv2d", examples=CONV2D,
        variants=(
            Variant("valid", lambda tf, x, w: tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="VALID")),
            Variant("strides", lambda tf, x, w: tf.nn.conv2d(x, w, strides=[1, 2, 3, 1], padding="SAME")),
            Variant("strides_valid", lambda tf, x, w: tf.nn.conv2d(x, w, strides=2, padding="VALID")),
            Variant("explicit_padding",
                    lambda tf, x, w: tf.nn.conv2d(x, w, strides=2, padding=[[0, 0], [1, 0], [2, 1], [0, 0]])),
            # TF's CPU kernels have no gradient for a dilated Conv2D; tf.nn.convolution builds dilations from
            # SpaceToBatchND + Conv2D + BatchToSpaceND there (TensorSlow: one Conv2D with dilations): same numbers.
            Variant("dilations", lambda tf, x, w: tf.nn.convolution(x, w, padding="SAME", dilation_rate=[2, 1])),
            Variant("conv1d", lambda tf, x, w: tf.nn.conv1d(x, w, stride=2, padding="SAME"), family="conv1d",
                    examples=CONV1D),
            Variant("conv1d_valid", lambda tf, x, w: tf.nn.conv1d(x, w, stride=1, padding="VALID"), family="conv1d",
                    examples=CONV1D)),
        notes="NHWC only; Keras: keras.ops.conv(x, w, strides, padding='same'), channels_last"),
    OpEntry(
        op_type="Conv2DBackpropInput", tensorslow="nn.conv2d_transpose", tf_v1="tf.compat.v1.nn.conv2d_transpose",
        tf2="tf.nn.conv2d_transpose", keras_op="keras.ops.conv_transpose", keras_layer="keras.layers.Conv2DTranspose",
        build=lambda tf, dy, w: conv2d_transpose(tf, dy, w, 2, "SAME"), n_float=2, family="conv2d_transpose",
        examples=TRANSPOSE,
        variants=(Variant("valid", lambda tf, dy, w: conv2d_transpose(tf, dy, w, 1, "VALID")),
                  Variant("strides_valid", lambda tf, dy, w: conv2d_transpose(tf, dy, w, 2, "VALID"))),
        notes="the gradient of conv2d with respect to its input, as an op; input_sizes (the output shape) is an "
              "int input with no gradient"),
    OpEntry(
        op_type="MaxPool", tensorslow="nn.max_pool", tf_v1="tf.compat.v1.nn.max_pool", tf2="tf.nn.max_pool2d",
        keras_op="keras.ops.max_pool", keras_layer="keras.layers.MaxPooling2D",
        build=lambda tf, x: tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME"), n_float=1,
        family="rank4", examples=POOL, domain="distinct",
        variants=(Variant("valid_overlapping", lambda tf, x: tf.nn.max_pool(x, ksize=3, strides=1, padding="VALID")),
                  Variant("same_3x3_stride2", lambda tf, x: tf.nn.max_pool(x, ksize=3, strides=2, padding="SAME")),
                  Variant("max_pool2d", lambda tf, x: tf.nn.max_pool2d(x, ksize=2, strides=[2, 1], padding="VALID")),
                  Variant("max_pool1d", lambda tf, x: tf.nn.max_pool1d(x, ksize=2, strides=2, padding="SAME"),
                          family="rank3", examples=(((2, 5, 3),), ((1, 4, 2),))),
                  at_kinks(lambda tf, x: tf.nn.max_pool(x, ksize=2, strides=1, padding="SAME"), label="ties")),
        notes="distinct inputs: each window's gradient goes to its first maximum (row by row) on ties, as TF"),
    OpEntry(
        op_type="AvgPool", tensorslow="nn.avg_pool", tf_v1="tf.compat.v1.nn.avg_pool", tf2="tf.nn.avg_pool2d",
        keras_op="keras.ops.average_pool", keras_layer="keras.layers.AveragePooling2D",
        build=lambda tf, x: tf.nn.avg_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME"), n_float=1,
        family="rank4", examples=POOL,
        variants=(Variant("valid_overlapping", lambda tf, x: tf.nn.avg_pool(x, ksize=3, strides=1, padding="VALID")),
                  Variant("same_3x3_stride2", lambda tf, x: tf.nn.avg_pool(x, ksize=3, strides=2, padding="SAME")),
                  Variant("avg_pool2d", lambda tf, x: tf.nn.avg_pool2d(x, ksize=2, strides=[2, 1], padding="VALID")),
                  Variant("avg_pool1d", lambda tf, x: tf.nn.avg_pool1d(x, ksize=3, strides=2, padding="SAME"),
                          family="rank3", examples=(((2, 5, 3),), ((1, 4, 2),)))),
        notes="SAME padding: each window divides by the number of real (not padded) positions it covers, as TF"),
)
