"""``tf.layers`` (``tf.compat.v1.layers``): TF1's layers, with TF1's variable names and ops.

Functions build a layer and call it once (``tf.layers.dense(x, 10)``); classes make a layer to call
again, sharing its variables (``layer = tf.layers.Dense(10); y1 = layer(x1); y2 = layer(x2)``).
See ``base.py`` for how a layer names its scope, its variables and its ops.
"""
from .base import InputSpec, Layer
from .convolutional import Conv1D, Conv2D, Conv2DTranspose, conv1d, conv2d, conv2d_transpose
from .core import Dense, Dropout, Flatten, dense, dropout, flatten
from .normalization import BatchNormalization, batch_normalization
from .pooling import (
    AveragePooling1D,
    AveragePooling2D,
    MaxPooling1D,
    MaxPooling2D,
    average_pooling1d,
    average_pooling2d,
    max_pooling1d,
    max_pooling2d,
)

__all__ = sorted(name for name in globals() if not name.startswith("_"))
