"""A CIFAR-10-tutorial-style CNN: conv, pool, local response normalization, weight decay, a decayed rate."""
import numpy as np
import tensorflow.compat.v1 as tf

from digits_data import read_data_sets

tf.disable_v2_behavior()
tf.set_random_seed(1234)

data = read_data_sets()
BATCH_SIZE = 32


def _variable_with_weight_decay(name, shape, stddev, wd):
    var = tf.get_variable(name, shape, initializer=tf.truncated_normal_initializer(stddev=stddev, dtype=tf.float32))
    if wd is not None:
        weight_decay = tf.multiply(tf.nn.l2_loss(var), wd, name="weight_loss")
        tf.add_to_collection("losses", weight_decay)
    return var


def inference(images):
    with tf.variable_scope("conv1") as scope:
        kernel = _variable_with_weight_decay("weights", shape=[5, 5, 1, 16], stddev=5e-2, wd=None)
        conv = tf.nn.conv2d(images, kernel, [1, 1, 1, 1], padding="SAME")
        biases = tf.get_variable("biases", [16], initializer=tf.constant_initializer(0.0))
        conv1 = tf.nn.relu(tf.nn.bias_add(conv, biases), name=scope.name)
    pool1 = tf.nn.max_pool(conv1, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], padding="SAME", name="pool1")
    norm1 = tf.nn.lrn(pool1, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75, name="norm1")
    with tf.variable_scope("conv2") as scope:
        kernel = _variable_with_weight_decay("weights", shape=[5, 5, 16, 16], stddev=5e-2, wd=None)
        conv = tf.nn.conv2d(norm1, kernel, [1, 1, 1, 1], padding="SAME")
        biases = tf.get_variable("biases", [16], initializer=tf.constant_initializer(0.1))
        conv2 = tf.nn.relu(tf.nn.bias_add(conv, biases), name=scope.name)
    norm2 = tf.nn.lrn(conv2, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75, name="norm2")
    pool2 = tf.nn.max_pool(norm2, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], padding="SAME", name="pool2")
    with tf.variable_scope("local3") as scope:
        reshape = tf.reshape(pool2, [-1, 7 * 7 * 16])
        weights = _variable_with_weight_decay("weights", shape=[7 * 7 * 16, 64], stddev=0.04, wd=0.004)
        biases = tf.get_variable("biases", [64], initializer=tf.constant_initializer(0.1))
        local3 = tf.nn.relu(tf.matmul(reshape, weights) + biases, name=scope.name)
    with tf.variable_scope("softmax_linear") as scope:
        weights = _variable_with_weight_decay("weights", [64, 10], stddev=1 / 64.0, wd=None)
        biases = tf.get_variable("biases", [10], initializer=tf.constant_initializer(0.0))
        softmax_linear = tf.add(tf.matmul(local3, weights), biases, name=scope.name)
    return softmax_linear


def loss(logits, labels):
    labels = tf.cast(labels, tf.int64)
    cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=logits, name="cross_entropy_per_example")
    cross_entropy_mean = tf.reduce_mean(cross_entropy, name="cross_entropy")
    tf.add_to_collection("losses", cross_entropy_mean)
    return tf.add_n(tf.get_collection("losses"), name="total_loss")


images = tf.placeholder(tf.float32, [BATCH_SIZE, 784])
labels = tf.placeholder(tf.int32, [BATCH_SIZE])
logits = inference(tf.reshape(images, [-1, 28, 28, 1]))
total_loss = loss(logits, labels)

global_step = tf.train.get_or_create_global_step()
boundaries = [20, 40]
values = [0.1, 0.05, 0.01]
piecewise_lr = tf.train.piecewise_constant(global_step, boundaries, values)
lr = tf.train.exponential_decay(piecewise_lr, global_step, 10, 0.9, staircase=True)
tf.summary.scalar("learning_rate", lr)
opt = tf.train.GradientDescentOptimizer(lr)
grads = opt.compute_gradients(total_loss)
apply_gradient_op = opt.apply_gradients(grads, global_step=global_step)
top_k_op = tf.nn.in_top_k(logits, labels, 1)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(50):
        bx, by = data.train.next_batch(BATCH_SIZE)
        _, loss_value, lr_value = sess.run([apply_gradient_op, total_loss, lr], {images: bx, labels: by})
        if step % 10 == 0 or step in (19, 20, 21, 40):
            print(f"step {step}, loss = {loss_value:.5f}, lr = {lr_value:.6f}")
    true_count = 0
    for i in range(len(data.test.images) // BATCH_SIZE):
        bx = data.test.images[i * BATCH_SIZE:(i + 1) * BATCH_SIZE]
        by = data.test.labels[i * BATCH_SIZE:(i + 1) * BATCH_SIZE]
        true_count += np.sum(sess.run(top_k_op, {images: bx, labels: by}))
    print("precision @ 1 = %.3f" % (true_count / (BATCH_SIZE * (len(data.test.images) // BATCH_SIZE))))
    print("global step", sess.run(global_step))
