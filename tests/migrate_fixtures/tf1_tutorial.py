"""A TF1 tutorial program run on TensorSlow: only its import differs from the TF1 original.

A migration fixture in the style of the TF1 tutorials: typed float32
placeholders with a batch dimension, softmax_cross_entropy_with_logits_v2,
AdamOptimizer, `with tf.Session() as sess:` and `sess.run([train_op, loss])`.
"""
import numpy as np
import tensorslow as tf

rng = np.random.RandomState(1)
data_x = rng.rand(16, 4).astype(np.float32)
data_y = np.eye(3, dtype=np.float32)[rng.randint(0, 3, size=16)]

x = tf.placeholder(tf.float32, [None, 4], name="x")
y = tf.placeholder(tf.float32, [None, 3], name="y")
w = tf.Variable((0.1 * rng.randn(4, 3)).astype(np.float32), name="w")
bias = tf.Variable(np.zeros(3, dtype=np.float32), name="bias")
logits = tf.matmul(x, w) + bias
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
train_op = tf.train.AdamOptimizer(0.05).minimize(loss)

feed = {x: data_x, y: data_y}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(20):
        _, l = sess.run([train_op, loss], feed)  # noqa: E741  (the TF1 tutorials' spelling)
        if step % 4 == 0:
            print("step", step, "loss", l)
    print("final loss", sess.run(loss, feed))
