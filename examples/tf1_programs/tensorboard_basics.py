"""Name scopes and summaries for TensorBoard: scalars and histograms into an event file, read back."""
import glob
import shutil
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

tf.disable_v2_behavior()

rng = np.random.RandomState(2)
x_data = rng.randn(200, 4).astype(np.float32)
y_data = (x_data.sum(axis=1, keepdims=True) > 0).astype(np.float32)

with tf.name_scope("input"):
    x = tf.placeholder(tf.float32, [None, 4], name="x-input")
    y = tf.placeholder(tf.float32, [None, 1], name="y-input")
with tf.name_scope("layer"):
    with tf.name_scope("weights"):
        W = tf.Variable(tf.constant(0.1, shape=[4, 1]))
        tf.summary.histogram("histogram", W)
    with tf.name_scope("biases"):
        b = tf.Variable(tf.zeros([1]))
    logits = tf.matmul(x, W) + b
with tf.name_scope("loss"):
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
    tf.summary.scalar("cross_entropy", loss)
with tf.name_scope("train"):
    train_step = tf.train.AdamOptimizer(0.05).minimize(loss)
merged = tf.summary.merge_all()

logdir = tempfile.mkdtemp(prefix="tensorboard_basics")
try:
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(logdir, sess.graph)
        sess.run(tf.global_variables_initializer())
        for i in range(20):
            summary, _ = sess.run([merged, train_step], feed_dict={x: x_data, y: y_data})
            writer.add_summary(summary, i)
        writer.close()
    events = EventAccumulator(glob.glob(logdir + "/events.out.tfevents.*")[0])
    events.Reload()
    print("tags", sorted(events.Tags()["scalars"]), sorted(events.Tags()["histograms"]))
    scalars = events.Scalars("loss/cross_entropy")
    print("steps", [s.step for s in scalars][:5], "first", scalars[0].value, "last", scalars[-1].value)
    print("histogram count", events.Histograms("layer/weights/histogram")[-1].histogram_value.num)
    names = [node.name for node in events.Graph().node]
    print("graph has", "layer/MatMul" in names, "loss/Mean" in names)
finally:
    shutil.rmtree(logdir)
