"""The RNN cases that tests/test_rnn.py runs in TensorSlow and in TF1, and the TF1 side.

Each case is a function ``case(tf)`` that builds a small recurrent program with ``tf`` = ``tensorslow``
or ``tensorflow.compat.v1`` under ``tf.set_random_seed(7)``, so that the variables start from the
weights TF's initializers draw (TensorSlow must draw the same bits), and returns one run
``(fetches, feed_dict)``: the initial weights ``w/<name>``, the outputs ``y``, the final state
``state/<i>`` and the gradients of ``sum(y * C) + sum(state * D)`` (C, D fixed random weightings) with
respect to the inputs (``dx``) and every trainable variable (``d/<name>``).

Run as a script (``python tests/rnn_reference.py OUT [CHECKPOINT]``) it computes TF1's results of every
case and writes ``OUT/values.npz`` and ``OUT/names.json`` (each case's variables: name, shape); given the
prefix of a checkpoint that TensorSlow wrote for :func:`trained_lstm`, it also restores it into TF's
graph of that program and writes TF's outputs from it to ``OUT/restored.npz``. ``tf.nn.rnn_cell`` needs
``TF_USE_LEGACY_KERAS=1`` before TensorFlow is imported, which is why this runs in its own process.
"""
from __future__ import annotations

import json
import os
import sys

import numpy as np

BATCH, STEPS, DEPTH = 3, 4, 5
LENGTHS = [4, 2, 0]  # a full sequence, a short one and an empty one


def _array(seed, shape, dtype=np.float32):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype(dtype)


def _flat(structure):
    if isinstance(structure, (tuple, list)):
        return [leaf for item in structure for leaf in _flat(item)]
    return [structure]


def _run(tf, x, outputs, state, feed, dtype=np.float32):
    """The one run of a case: weights, outputs, state, and the gradients of a weighted sum of them."""
    y = outputs if not isinstance(outputs, (list, tuple)) else tf.concat(_flat(outputs), axis=-1)
    states = _flat(state)
    batch = next(iter(feed.values())).shape
    loss = tf.reduce_sum(y * tf.constant(_array(99, [d if d is not None else batch[0]
                                                     for d in y.shape.as_list()], dtype)))
    for i, s in enumerate(states):
        loss = loss + tf.reduce_sum(s * tf.constant(_array(100 + i, [batch[0], s.shape.as_list()[-1]], dtype)))
    variables = tf.trainable_variables()
    grads = tf.gradients(loss, [x] + variables)
    fetches = {"y": y, "dx": grads[0]}
    fetches.update({f"state/{i}": s for i, s in enumerate(states)})
    fetches.update({f"d/{v.name}": g for v, g in zip(variables, grads[1:])})
    fetches.update({f"w/{v.name}": v for v in tf.global_variables()})
    return [(fetches, feed)]


def _batch_major(tf, dtype=None, batch=BATCH):
    dtype = dtype or tf.float32
    x = tf.placeholder(dtype, [batch, STEPS, DEPTH], name="x")
    np_dtype = np.float64 if dtype == tf.float64 else np.float32
    return x, {x: _array(3, (BATCH, STEPS, DEPTH), np_dtype)}


def _static(tf, cell, dtype=None, sequence_length=None):
    tf.set_random_seed(7)
    x, feed = _batch_major(tf, dtype)
    outputs, state = tf.nn.static_rnn(cell(tf), tf.unstack(x, axis=1), dtype=x.dtype,
                                      sequence_length=sequence_length)
    return _run(tf, x, tf.stack(outputs, axis=1), state, feed, feed[x].dtype)


def _dynamic(tf, cell, dtype=None, sequence_length=None, time_major=False, batch=BATCH):
    tf.set_random_seed(7)
    x, feed = _batch_major(tf, dtype, batch)
    inputs = tf.transpose(x, [1, 0, 2]) if time_major else x
    outputs, state = tf.nn.dynamic_rnn(cell(tf), inputs, dtype=x.dtype, sequence_length=sequence_length,
                                       time_major=time_major)
    if time_major:
        outputs = tf.transpose(outputs, [1, 0, 2])
    return _run(tf, x, outputs, state, feed, feed[x].dtype)


def _lstm(tf):
    return tf.nn.rnn_cell.BasicLSTMCell(6)


def _gru(tf):
    return tf.nn.rnn_cell.GRUCell(6)


def _full_lstm(tf):
    return tf.nn.rnn_cell.LSTMCell(6, use_peepholes=True, cell_clip=0.5, num_proj=4, forget_bias=0.5)


def _stack(tf):
    return tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(6), tf.nn.rnn_cell.GRUCell(4)])


CASES = {
    "basic_rnn_static": lambda tf: _static(tf, lambda tf: tf.nn.rnn_cell.BasicRNNCell(6)),
    "basic_rnn_dynamic_relu": lambda tf: _dynamic(tf, lambda tf: tf.nn.rnn_cell.BasicRNNCell(6, activation=tf.nn.relu)),
    "lstm_static": lambda tf: _static(tf, _lstm),
    "lstm_static_lengths": lambda tf: _static(tf, _lstm, sequence_length=LENGTHS),
    "lstm_static_concat_state": lambda tf: _static(
        tf, lambda tf: tf.nn.rnn_cell.BasicLSTMCell(6, forget_bias=0.0, state_is_tuple=False)),
    "lstm_dynamic": lambda tf: _dynamic(tf, _lstm),
    "lstm_dynamic_lengths": lambda tf: _dynamic(tf, _lstm, sequence_length=LENGTHS),
    "lstm_dynamic_time_major_lengths": lambda tf: _dynamic(tf, _lstm, sequence_length=LENGTHS, time_major=True),
    "lstm_dynamic_unknown_batch": lambda tf: _dynamic(tf, _lstm, sequence_length=LENGTHS, batch=None),
    "lstm_float64_dynamic_lengths": lambda tf: _dynamic(tf, _lstm, dtype=tf.float64, sequence_length=LENGTHS),
    "full_lstm_static": lambda tf: _static(tf, _full_lstm),
    "full_lstm_dynamic_lengths": lambda tf: _dynamic(tf, _full_lstm, sequence_length=LENGTHS),
    "gru_static_lengths": lambda tf: _static(tf, _gru, sequence_length=LENGTHS),
    "gru_dynamic": lambda tf: _dynamic(tf, _gru),
    "gru_float64_static": lambda tf: _static(tf, _gru, dtype=tf.float64),
    "multi_dynamic_lengths": lambda tf: _dynamic(tf, _stack, sequence_length=LENGTHS),
    "multi_static": lambda tf: _static(tf, _stack),
}


def bidirectional(tf, time_major=False):
    tf.set_random_seed(7)
    x, feed = _batch_major(tf)
    inputs = tf.transpose(x, [1, 0, 2]) if time_major else x
    (fw, bw), (state_fw, state_bw) = tf.nn.bidirectional_dynamic_rnn(
        tf.nn.rnn_cell.GRUCell(4), tf.nn.rnn_cell.BasicLSTMCell(3), inputs, sequence_length=LENGTHS,
        dtype=tf.float32, time_major=time_major)
    y = tf.concat([fw, bw], axis=2)
    if time_major:
        y = tf.transpose(y, [1, 0, 2])
    return _run(tf, x, y, (state_fw, state_bw), feed)


def dropout_static(tf):
    """Input and output dropout with a wrapper seed: TF builds one dropout per step, each seeded alike."""
    tf.set_random_seed(7)
    x, feed = _batch_major(tf)
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(6), input_keep_prob=0.7,
                                         output_keep_prob=0.6, state_keep_prob=0.8, seed=5)
    outputs, state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)
    return _run(tf, x, tf.stack(outputs, axis=1), state, feed)


def dropout_graph_seed(tf):
    """Dropout seeded by the graph seed only: each dropout takes the next derived seed, as does the
    dense layer's kernel made after the RNN."""
    tf.set_random_seed(7)
    x, feed = _batch_major(tf)
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(4),
                                                                      output_keep_prob=0.5),
                                        tf.nn.rnn_cell.BasicRNNCell(3)])
    outputs, state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)
    with tf.variable_scope("dense"):
        w = tf.get_variable("w", [3, 2])
    return _run(tf, x, tf.stack([tf.matmul(o, w) for o in outputs], axis=1), state, feed)


def dropout_dynamic(tf, seed=5, time_major=False):
    """Dropout in dynamic_rnn's loop: TF's one dropout op per site draws each step's mask from one stream
    (a wrapper seed, or derived seeds from the graph seed, which the dense kernel after the RNN follows),
    in time order: TF's order when its loop runs one iteration at a time (parallel_iterations=1)."""
    tf.set_random_seed(7)
    x, feed = _batch_major(tf)
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(6), input_keep_prob=0.7,
                                         output_keep_prob=0.6, state_keep_prob=0.8, seed=seed)
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32, sequence_length=LENGTHS, parallel_iterations=1)
    with tf.variable_scope("dense"):
        w = tf.get_variable("w", [6, 2])
    return _run(tf, x, outputs * tf.reduce_sum(w), state, feed)


CASES.update({"bidirectional_lengths": bidirectional,
              "dropout_dynamic": dropout_dynamic, "dropout_dynamic_graph_seed": lambda tf: dropout_dynamic(tf, None),
              "bidirectional_time_major": lambda tf: bidirectional(tf, time_major=True),
              "dropout_static": dropout_static, "dropout_graph_seed": dropout_graph_seed})


# -- a trained LSTM, saved by TensorSlow, restored by TensorFlow -------------------------------------------

def trained_lstm(tf):
    """An LSTM classifier over [batch, 4, 5] inputs: (x, labels, logits, train_op), in scope ``model``."""
    x = tf.placeholder(tf.float32, [None, STEPS, DEPTH], name="x")
    labels = tf.placeholder(tf.int32, [None], name="labels")
    with tf.variable_scope("model"):
        cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(6), tf.nn.rnn_cell.GRUCell(5)])
        outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        w = tf.get_variable("out_w", [5, 3])
        b = tf.get_variable("out_b", [3], initializer=tf.zeros_initializer())
        logits = tf.matmul(outputs[:, -1], w) + b
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    return x, labels, logits, train_op


def training_batch():
    x = _array(11, (8, STEPS, DEPTH))
    labels = (np.arange(8) % 3).astype(np.int32)
    return x, labels


def _session_run(tf, runs):
    out = {}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for fetches, feed in runs:
            out.update(sess.run(fetches, feed))
    return out


def run_case(tf, name):
    """(fetched values, [(variable name, shape)]) of case ``name`` in a new graph of ``tf``."""
    with tf.Graph().as_default():
        runs = CASES[name](tf)
        names = [(v.name, v.shape.as_list()) for v in tf.global_variables()]
        return _session_run(tf, runs), names


def main(out_dir, checkpoint=None):
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    values, names = {}, {}
    for name in CASES:
        fetched, names[name] = run_case(tf, name)
        values.update({f"{name}|{k}": np.asarray(v) for k, v in fetched.items()})
    np.savez(os.path.join(out_dir, "values.npz"), **values)
    with open(os.path.join(out_dir, "names.json"), "w") as f:
        json.dump(names, f)
    if checkpoint:
        with tf.Graph().as_default():
            x, _, logits, _ = trained_lstm(tf)
            with tf.Session() as sess:
                tf.train.Saver().restore(sess, checkpoint)
                restored = sess.run(logits, {x: training_batch()[0]})
        np.savez(os.path.join(out_dir, "restored.npz"), logits=restored)


if __name__ == "__main__":
    main(*sys.argv[1:])
