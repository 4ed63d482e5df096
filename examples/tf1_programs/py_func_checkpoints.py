"""NumPy inside the graph with tf.py_func, and a Saver keeping the last two checkpoints of a training run."""
import os
import shutil
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
tf.set_random_seed(8)


def numpy_standardize(batch):
    """Per-row standardization done in NumPy, as people did before tf.nn.moments was everywhere."""
    centred = batch - batch.mean(axis=1, keepdims=True)
    return (centred / (centred.std(axis=1, keepdims=True) + 1e-6)).astype(np.float32)


def numpy_label_noise(labels, step):
    flip = (np.arange(len(labels)) + step) % 13 == 0
    return np.where(flip, 1 - labels, labels).astype(np.int64)


rng = np.random.RandomState(12)
x_data = rng.randn(400, 6).astype(np.float32) * 3 + 1
y_data = (x_data[:, 0] - x_data[:, 1] > 0).astype(np.int64)

x = tf.placeholder(tf.float32, [None, 6])
y = tf.placeholder(tf.int64, [None])
step_in = tf.placeholder(tf.int64, [])
x_std = tf.py_func(numpy_standardize, [x], tf.float32, stateful=False)
x_std.set_shape([None, 6])
y_noisy = tf.py_func(numpy_label_noise, [y, step_in], tf.int64)
y_noisy = tf.reshape(y_noisy, [-1])
logits = tf.layers.dense(tf.layers.dense(x_std, 8, tf.nn.tanh), 2)
loss = tf.losses.sparse_softmax_cross_entropy(y_noisy, logits)
global_step = tf.train.get_or_create_global_step()
train_op = tf.train.AdagradOptimizer(0.3).minimize(loss, global_step=global_step)
saver = tf.train.Saver(max_to_keep=2)

ckpt_dir = tempfile.mkdtemp()
try:
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(40):
            i = (step * 50) % 400
            _, loss_value = sess.run([train_op, loss], {x: x_data[i:i + 50], y: y_data[i:i + 50], step_in: step})
            if step % 10 == 9:
                path = saver.save(sess, os.path.join(ckpt_dir, "model.ckpt"), global_step=global_step)
                print("step", step, f"loss {loss_value:.5f}", "saved", os.path.basename(path))
        kept = sorted(f for f in os.listdir(ckpt_dir) if f.endswith(".index"))
        print("kept", kept)
        print("latest", os.path.basename(tf.train.latest_checkpoint(ckpt_dir)))
        print("all", [os.path.basename(p) for p in tf.train.get_checkpoint_state(ckpt_dir).all_model_checkpoint_paths])
        final = sess.run(tf.trainable_variables()[0])
    with tf.Session() as sess:
        saver.restore(sess, os.path.join(ckpt_dir, "model.ckpt-30"))
        restored = sess.run(tf.trainable_variables()[0])
        print("restored step", sess.run(global_step), "changed since", float(np.abs(final - restored).max()) > 0)
        print("accuracy", np.mean(np.argmax(sess.run(logits, {x: x_data}), 1) == y_data))
finally:
    shutil.rmtree(ckpt_dir)
