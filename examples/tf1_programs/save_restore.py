"""Train, save a checkpoint, then restore it into a fresh graph and session and keep going."""
import os
import shutil
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(0)
x_data = rng.rand(100, 3).astype(np.float32)
y_data = x_data @ np.array([[0.1], [0.2], [0.3]], dtype=np.float32) + 0.3


def build():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    W = tf.Variable(tf.zeros([3, 1]), name="W")
    b = tf.Variable(tf.zeros([1]), name="b")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, W) + b - y))
    step = tf.Variable(0, name="global_step", trainable=False)
    train = tf.train.MomentumOptimizer(0.5, 0.9).minimize(loss, global_step=step)
    return x, y, W, b, loss, train, step


ckpt_dir = tempfile.mkdtemp(prefix="save_restore")
try:
    with tf.Graph().as_default():
        x, y, W, b, loss, train, step = build()
        saver = tf.train.Saver(max_to_keep=2)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for i in range(30):
                sess.run(train, {x: x_data, y: y_data})
                if (i + 1) % 10 == 0:
                    path = saver.save(sess, os.path.join(ckpt_dir, "model.ckpt"), global_step=step)
                    print("saved", os.path.basename(path), "loss", sess.run(loss, {x: x_data, y: y_data}))
    print("kept", sorted(f for f in os.listdir(ckpt_dir) if f.endswith(".index")))
    state = tf.train.get_checkpoint_state(ckpt_dir)
    print("state", os.path.basename(state.model_checkpoint_path),
          [os.path.basename(p) for p in state.all_model_checkpoint_paths])

    reader = tf.train.load_checkpoint(ckpt_dir)
    print("checkpoint keys", sorted(reader.get_variable_to_shape_map()))
    print("W in checkpoint", reader.get_tensor("W").ravel())

    with tf.Graph().as_default():
        x, y, W, b, loss, train, step = build()
        saver = tf.train.Saver({"W": W, "b": b, "global_step": step})
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())      # the Momentum slots start again from zero
            saver.restore(sess, tf.train.latest_checkpoint(ckpt_dir))
            print("restored step", sess.run(step), "loss", sess.run(loss, {x: x_data, y: y_data}))
            for _ in range(10):
                sess.run(train, {x: x_data, y: y_data})
            print("after 10 more steps", sess.run(loss, {x: x_data, y: y_data}), sess.run(b))
finally:
    shutil.rmtree(ckpt_dir)
