"""The ``tf.layers`` cases that tests/test_layers.py runs in TensorSlow and in TF1, and the TF1 side.

Each case is a function ``case(tf)`` that builds a small program with ``tf`` = ``tensorslow`` or
``tensorflow.compat.v1`` and returns a list of runs ``(fetches, feed_dict)``, executed in order in one
session after ``global_variables_initializer``. Weights are injected with ``constant_initializer`` so
both frameworks start from the same numbers.

Run as a script (``python tests/layers_reference.py OUT``) it computes TF1's results of every case and
writes ``OUT/values.npz``, plus ``OUT/graphs.json``: TF's (op name, op type) lists of the ``GRAPHS``
builders. ``tf.compat.v1.layers`` needs ``TF_USE_LEGACY_KERAS=1`` before TensorFlow is imported,
which is why this runs in its own process (the test process keeps Keras 3).
"""
from __future__ import annotations

import json
import os
import sys

import numpy as np


def _array(seed, *shape):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype(np.float32)


def _grads(tf, y, x, feed, extra=None):
    """One run fetching y and d(sum(y * C))/d(x and every trainable variable), C a fixed random weighting."""
    weights = tf.constant(_array(99, *[int(d) for d in _runtime_shape(y, feed)]))
    loss = tf.reduce_sum(y * weights)
    variables = tf.trainable_variables()
    grads = tf.gradients(loss, [x] + variables)
    fetches = {"y": y, "dx": grads[0]}
    fetches.update({f"d/{v.name}": g for v, g in zip(variables, grads[1:])})
    fetches.update(extra or {})
    return [(fetches, feed)]


def _runtime_shape(y, feed):
    """y's shape with the batch dimension taken from the fed array."""
    dims = y.shape.as_list()
    batch = next(iter(feed.values())).shape[0]
    return [batch if d is None else d for d in dims]


def _init(tf, seed, *shape):
    return tf.constant_initializer(_array(seed, *shape))


def dense_rank2(tf):
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    y = tf.layers.dense(x, 3, activation=tf.nn.relu, kernel_initializer=_init(tf, 1, 5, 3),
                        bias_initializer=_init(tf, 2, 3))
    return _grads(tf, y, x, {x: _array(3, 4, 5)})


def dense_rank3(tf):
    x = tf.placeholder(tf.float32, [None, 4, 5], name="x")
    y = tf.layers.dense(x, 3, kernel_initializer=_init(tf, 1, 5, 3), bias_initializer=_init(tf, 2, 3))
    return _grads(tf, y, x, {x: _array(3, 2, 4, 5)})


def dense_rank3_static(tf):
    x = tf.placeholder(tf.float32, [2, 4, 5], name="x")
    y = tf.layers.dense(x, 3, use_bias=False, kernel_initializer=_init(tf, 1, 5, 3))
    return _grads(tf, y, x, {x: _array(3, 2, 4, 5)})


def conv1d_same_strided(tf):
    x = tf.placeholder(tf.float32, [None, 9, 3], name="x")
    y = tf.layers.conv1d(x, 4, 3, strides=2, padding="same", kernel_initializer=_init(tf, 1, 3, 3, 4),
                         bias_initializer=_init(tf, 2, 4))
    return _grads(tf, y, x, {x: _array(3, 2, 9, 3)})


def conv2d_same_strided(tf):
    x = tf.placeholder(tf.float32, [None, 7, 7, 2], name="x")
    y = tf.layers.conv2d(x, 3, 3, strides=2, padding="SAME", activation=tf.nn.relu,
                         kernel_initializer=_init(tf, 1, 3, 3, 2, 3), bias_initializer=_init(tf, 2, 3))
    return _grads(tf, y, x, {x: _array(3, 2, 7, 7, 2)})


def conv2d_valid_dilated(tf):
    x = tf.placeholder(tf.float32, [None, 8, 7, 2], name="x")
    y = tf.layers.conv2d(x, 3, (3, 2), padding="valid", dilation_rate=(2, 1),
                         kernel_initializer=_init(tf, 1, 3, 2, 2, 3), bias_initializer=_init(tf, 2, 3))
    return _grads(tf, y, x, {x: _array(3, 2, 8, 7, 2)})


def conv2d_transpose_same(tf):
    x = tf.placeholder(tf.float32, [None, 3, 4, 2], name="x")
    y = tf.layers.conv2d_transpose(x, 3, 3, strides=2, padding="same", kernel_initializer=_init(tf, 1, 3, 3, 3, 2),
                                   bias_initializer=_init(tf, 2, 3))
    return _grads(tf, y, x, {x: _array(3, 2, 3, 4, 2)})


def pooling(tf):
    x = tf.placeholder(tf.float32, [None, 7, 6, 2], name="x")
    s = tf.placeholder(tf.float32, [None, 9, 2], name="s")
    ys = {"max2d": tf.layers.max_pooling2d(x, 2, 2), "avg2d_same": tf.layers.average_pooling2d(x, 3, 2, "same"),
          "max1d_same": tf.layers.max_pooling1d(s, 2, 2, padding="same"), "avg1d": tf.layers.average_pooling1d(s, 3, 2)}
    total = tf.add_n([tf.reduce_sum(y * (i + 1.0)) for i, y in enumerate(ys.values())])
    dx, ds = tf.gradients(total, [x, s])
    return [({**ys, "dx": dx, "ds": ds}, {x: _array(3, 2, 7, 6, 2), s: _array(4, 2, 9, 2)})]


def flatten_dense(tf):
    x = tf.placeholder(tf.float32, [None, 3, 2, 2], name="x")
    y = tf.layers.dense(tf.layers.flatten(x), 2, kernel_initializer=_init(tf, 1, 12, 2))
    return _grads(tf, y, x, {x: _array(3, 4, 3, 2, 2)})


def dropout(tf):
    tf.set_random_seed(1234)
    x = tf.placeholder(tf.float32, [None, 50], name="x")
    training = tf.placeholder(tf.bool, [], name="training")
    fetches = {"off": tf.layers.dropout(x, 0.4), "on_seeded": tf.layers.dropout(x, 0.4, seed=7, training=True),
               "on_graph_seed": tf.layers.dropout(x, 0.3, training=True),
               "by_tensor": tf.layers.dropout(x, 0.5, seed=3, training=training)}
    feed = {x: _array(3, 6, 50) + 2.0}
    return [(fetches, {**feed, training: True}), ({"by_tensor_off": fetches["by_tensor"]}, {**feed, training: False})]


def _bn_model(tf, x, training, **kwargs):
    channels = x.shape.as_list()[-1]
    y = tf.layers.batch_normalization(x, training=training, momentum=0.9, gamma_initializer=_init(tf, 1, channels),
                                      beta_initializer=_init(tf, 2, channels), **kwargs)
    loss = tf.reduce_sum(y * tf.constant(_array(99, *([5] + x.shape.as_list()[1:]))))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return y, loss, train


def _bn_runs(tf, y, loss, train, x, feed, steps=3):
    state = {v.name: v for v in tf.global_variables()}
    grads = tf.gradients(loss, [x] + tf.trainable_variables())
    first = {"y": y, "dx": grads[0], **{f"d/{v.name}": g for v, g in zip(tf.trainable_variables(), grads[1:])}}
    runs = [(first, feed)]
    for _ in range(steps):
        runs += [({"train": train}, feed), (dict(state), {})]
    return runs


def batch_norm_training(tf):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y, loss, train = _bn_model(tf, x, True, moving_variance_initializer=_init(tf, 5, 4))
    return _bn_runs(tf, y, loss, train, x, {x: _array(3, 5, 4) * 3 + 1})


def batch_norm_inference(tf):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.layers.batch_normalization(x, gamma_initializer=_init(tf, 1, 4), beta_initializer=_init(tf, 2, 4),
                                      moving_mean_initializer=_init(tf, 4, 4),
                                      moving_variance_initializer=tf.constant_initializer(np.abs(_array(5, 4)) + .5))
    updates = tf.constant(len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)))
    return _grads(tf, y, x, {x: _array(3, 5, 4)}, {"updates": updates})


def batch_norm_4d_fused(tf):
    x = tf.placeholder(tf.float32, [None, 3, 2, 4], name="x")
    y, loss, train = _bn_model(tf, x, True)
    runs = _bn_runs(tf, y, loss, train, x, {x: _array(3, 5, 3, 2, 4) * 2})
    return runs + [({"y_infer": tf.layers.batch_normalization(x, name="infer", training=False)},
                    {x: _array(4, 5, 3, 2, 4)})]


def batch_norm_by_tensor(tf):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    training = tf.placeholder(tf.bool, [], name="training")
    y, loss, train = _bn_model(tf, x, training)
    feed = {x: _array(3, 5, 3) * 2 + 1}
    runs = _bn_runs(tf, y, loss, train, x, {**feed, training: True}, steps=2)
    return runs + [({"y_off": y}, {**feed, training: False}), ({"train_off": train}, {**feed, training: False}),
                   ({v.name: v for v in tf.global_variables()}, {})]


def small_cnn(tf):
    """conv -> max pool -> flatten -> dense, three SGD steps: the layers of a tf.layers MNIST tutorial."""
    x = tf.placeholder(tf.float32, [None, 6, 6, 1], name="x")
    labels = tf.placeholder(tf.int32, [None], name="labels")
    h = tf.layers.conv2d(x, 2, 3, padding="same", activation=tf.nn.relu, kernel_initializer=_init(tf, 1, 3, 3, 1, 2))
    h = tf.layers.max_pooling2d(h, 2, 2)
    logits = tf.layers.dense(tf.layers.flatten(h), 3, kernel_initializer=_init(tf, 2, 18, 3))
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    feed = {x: _array(3, 4, 6, 6, 1), labels: np.array([0, 1, 2, 1], np.int32)}
    return [({"loss": loss}, feed)] + [({"train": train, "loss": loss}, feed)] * 3 + [
        ({v.name: v for v in tf.trainable_variables()}, {})]


CASES = {f.__name__: f for f in (dense_rank2, dense_rank3, dense_rank3_static, conv1d_same_strided,
                                 conv2d_same_strided, conv2d_valid_dilated, conv2d_transpose_same, pooling,
                                 flatten_dense, dropout, batch_norm_training, batch_norm_inference,
                                 batch_norm_4d_fused, batch_norm_by_tensor, small_cnn)}


def run_case(tf, case):
    """The case's results in a fresh graph and session: {"<run index>/<fetch name>": array}."""
    results = {}
    with tf.Graph().as_default():
        runs = case(tf)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for i, (fetches, feed) in enumerate(runs):
                for name, value in sess.run(fetches, feed).items():
                    if value is not None:  # an op (a training step) fetches None
                        results[f"{i}/{name}"] = np.asarray(value)
    return results


# -- graphs compared op for op (tensorslow_parity.graph_parity) -------------------------------------

def g_dense(tf):
    x = tf.placeholder(tf.float32, [None, 8])
    tf.layers.dense(x, 4, activation=tf.nn.relu)
    tf.layers.dense(x, 3, use_bias=False, kernel_regularizer=tf.nn.l2_loss)


def g_dense_rank3(tf):
    tf.layers.dense(tf.placeholder(tf.float32, [2, 5, 8]), 4)
    tf.layers.dense(tf.placeholder(tf.float32, [None, 5, 8]), 4)


def g_conv(tf):
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu)
    tf.layers.conv2d(x, 2, [3, 2], strides=2)
    tf.layers.conv1d(tf.placeholder(tf.float32, [None, 8, 3]), 4, 3)
    tf.layers.conv2d_transpose(tf.placeholder(tf.float32, [None, 4, 4, 3]), 2, 3, strides=2, padding="same")


def g_pool_flatten(tf):
    x = tf.placeholder(tf.float32, [None, 8, 8, 2])
    tf.layers.max_pooling2d(x, 2, 2)
    tf.layers.average_pooling2d(x, 3, 1, padding="same")
    s = tf.placeholder(tf.float32, [None, 8, 2])
    tf.layers.max_pooling1d(s, 2, 2)
    tf.layers.average_pooling1d(s, 2, 2)
    tf.layers.flatten(x)
    tf.layers.flatten(tf.placeholder(tf.float32, [3, 4, 4, 2]))
    tf.layers.flatten(tf.placeholder(tf.float32, [None, None, 2]))


def g_dropout(tf):
    x = tf.placeholder(tf.float32, [None, 4])
    tf.layers.dropout(x, 0.3)
    tf.layers.dropout(x, 0.3, training=True)


def g_dropout_tensor(tf):
    tf.layers.dropout(tf.placeholder(tf.float32, [None, 4]), 0.3, training=tf.placeholder(tf.bool, []))


def g_batch_norm(tf):
    x = tf.placeholder(tf.float32, [None, 4])
    tf.layers.batch_normalization(x)
    tf.layers.batch_normalization(x, training=True)


def g_batch_norm_tensor(tf):
    tf.layers.batch_normalization(tf.placeholder(tf.float32, [None, 4]), training=tf.placeholder(tf.bool, []))


def g_batch_norm_4d(tf):
    tf.layers.batch_normalization(tf.placeholder(tf.float32, [None, 3, 3, 4]), training=True)


def g_scopes_and_reuse(tf):
    x = tf.placeholder(tf.float32, [None, 4])
    with tf.variable_scope("net"):
        tf.layers.dense(x, 3, name="fc")
    with tf.variable_scope("net", reuse=True):
        tf.layers.dense(x, 3, name="fc")
    tf.layers.dense(x, 3, name="fc2")
    tf.layers.dense(x, 3, name="fc2", reuse=True)
    layer = tf.layers.Dense(2)
    layer(x)
    layer(x)


GRAPHS = {f.__name__: f for f in (g_dense, g_dense_rank3, g_conv, g_pool_flatten, g_dropout, g_dropout_tensor,
                                  g_batch_norm, g_batch_norm_tensor, g_batch_norm_4d, g_scopes_and_reuse)}


def main(out_dir: str) -> None:
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    values = {}
    for name, case in CASES.items():
        values.update({f"{name}/{k}": v for k, v in run_case(tf, case).items()})
    np.savez(os.path.join(out_dir, "values.npz"), **values)
    graphs = {}
    for name, build in GRAPHS.items():
        with tf.Graph().as_default() as graph:
            build(tf)
        graphs[name] = [(op.name, op.type) for op in graph.get_operations()]
    with open(os.path.join(out_dir, "graphs.json"), "w") as f:
        json.dump(graphs, f)


if __name__ == "__main__":
    main(sys.argv[1])
