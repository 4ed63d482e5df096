"""Logistic regression: is a digit a seven? Sigmoid cross-entropy, a learning-rate decay, full-batch steps."""
import numpy as np
import tensorflow.compat.v1 as tf

from digits_data import read_data_sets

tf.disable_v2_behavior()

data = read_data_sets()
train_x = data.train.images
train_y = (data.train.labels == 7).astype(np.float32).reshape(-1, 1)

X = tf.placeholder("float", [None, 784], name="X")
Y = tf.placeholder("float", [None, 1], name="Y")
w = tf.Variable(tf.zeros([784, 1]), name="weights")
b = tf.Variable(0.0, name="bias")
logits = tf.matmul(X, w) + b
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=Y, logits=logits))

global_step = tf.Variable(0, trainable=False)
learning_rate = tf.train.exponential_decay(1.0, global_step, 10, 0.9, staircase=True)
train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss, global_step=global_step)
predicted = tf.cast(tf.sigmoid(logits) > 0.5, tf.float32)
accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(40):
        _, cost, lr = sess.run([train_op, loss, learning_rate], feed_dict={X: train_x, Y: train_y})
        if epoch % 8 == 0:
            print("epoch", epoch, "cost", cost, "learning rate", lr)
    print("bias", sess.run(b))
    print("train accuracy", accuracy.eval({X: train_x, Y: train_y}))
