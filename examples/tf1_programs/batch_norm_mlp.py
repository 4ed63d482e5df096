"""Batch normalization with tf.layers: moving averages updated through UPDATE_OPS, a training switch."""
import tensorflow.compat.v1 as tf

from digits_data import read_data_sets

tf.disable_v2_behavior()
tf.set_random_seed(3)

data = read_data_sets()
x = tf.placeholder(tf.float32, [None, 784])
y = tf.placeholder(tf.int64, [None])
is_training = tf.placeholder(tf.bool, [])

h = tf.layers.dense(x, 64, use_bias=False)
h = tf.layers.batch_normalization(h, training=is_training, momentum=0.9)
h = tf.nn.relu(h)
logits = tf.layers.dense(h, 10)
loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
with tf.control_dependencies(update_ops):
    train_op = tf.train.MomentumOptimizer(0.05, 0.9).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))

print("global variables", [v.name for v in tf.global_variables()])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(30):
        bx, by = data.train.next_batch(64)
        _, loss_value = sess.run([train_op, loss], {x: bx, y: by, is_training: True})
        if step % 10 == 0:
            print("step", step, "loss", loss_value)
    mean, var = sess.run(["batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"])
    print("moving mean", mean[:3], "moving variance", var[:3])
    print("test accuracy", sess.run(accuracy, {x: data.test.images, y: data.test.labels, is_training: False}))
