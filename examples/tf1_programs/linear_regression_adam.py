"""Getting started: fit y = 3x + 2 with Adam, Python lists as feeds, tf.Print for debugging, a summary file."""
import os
import shutil
import tempfile

import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

train_X = [3.3, 4.4, 5.5, 6.71, 6.93, 4.168, 9.779, 6.182, 7.59, 2.167, 7.042, 10.791, 5.313, 7.997, 5.654]
train_Y = [3 * x + 2 + 0.1 * ((i * 7) % 5 - 2) for i, x in enumerate(train_X)]
n_samples = len(train_X)

X = tf.placeholder("float")
Y = tf.placeholder("float")
W = tf.Variable(0.5, name="weight")
b = tf.Variable(0.0, name="bias")
pred = tf.add(tf.multiply(X, W), b)
cost = tf.reduce_sum(tf.pow(pred - Y, 2)) / (2 * n_samples)
cost = tf.Print(cost, [cost, W, b], message="cost, W, b: ", first_n=3)
tf.summary.scalar("cost", cost)
tf.summary.scalar("weight", W)
merged = tf.summary.merge_all()
optimizer = tf.train.AdamOptimizer(learning_rate=0.3).minimize(cost)
print_op = tf.print("W =", W, "b =", b)

logs_path = tempfile.mkdtemp()
init = tf.global_variables_initializer()
try:
    with tf.Session() as sess:
        sess.run(init)
        writer = tf.summary.FileWriter(logs_path, graph=tf.get_default_graph())
        for epoch in range(200):
            _, c, summary = sess.run([optimizer, cost, merged], feed_dict={X: train_X, Y: train_Y})
            writer.add_summary(summary, epoch)
            if (epoch + 1) % 50 == 0:
                print("Epoch:", f"{epoch + 1:04d}", "cost=", f"{c:.9f}", "W=", sess.run(W),
                      "b=", sess.run(b))
        sess.run(print_op)
        writer.close()
        print("Optimization Finished!")
        training_cost = sess.run(cost, feed_dict={X: train_X, Y: train_Y})
        print("Training cost=", training_cost, "W=", sess.run(W), "b=", sess.run(b))
        test_X = [6.83, 4.668, 8.9, 7.91, 5.7, 8.7, 3.1, 2.1]
        print("Predictions", sess.run(pred, feed_dict={X: test_X}))
        print("event files", len([f for f in os.listdir(logs_path) if f.startswith("events.out")]))
finally:
    shutil.rmtree(logs_path)
