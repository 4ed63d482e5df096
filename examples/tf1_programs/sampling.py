"""Sampling ops: shuffled mini-batches with tf.random_shuffle, categorical draws with tf.multinomial."""
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
tf.set_random_seed(99)

rng = np.random.RandomState(8)
x_data = rng.randn(256, 3).astype(np.float32)
y_data = (x_data @ np.array([[1.5], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)

data = tf.constant(np.concatenate([x_data, y_data], axis=1))
shuffled = tf.random_shuffle(data, seed=1)
batch = shuffled[:32]
bx, by = batch[:, :3], batch[:, 3:]
W = tf.Variable(tf.zeros([3, 1]))
b = tf.Variable(0.0)
loss = tf.reduce_mean(tf.squared_difference(tf.matmul(bx, W) + b, by))
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)

logits = tf.log([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
samples = tf.multinomial(logits, num_samples=2000, seed=4)
one_draw = tf.squeeze(tf.multinomial(tf.zeros([1, 5]), 1), axis=[0, 1])
perm = tf.random_shuffle(tf.range(10))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(100):
        _, loss_value = sess.run([train, loss])
        if step % 25 == 0:
            print("step", step, f"loss {loss_value:.6f}")
    print("W", sess.run(W).ravel(), "b", sess.run(b))
    s = sess.run(samples)
    print("sample frequencies", [np.bincount(row, minlength=3) / 2000.0 for row in s])
    print("draws", [int(sess.run(one_draw)) for _ in range(5)])
    print("permutation", sess.run(perm))
