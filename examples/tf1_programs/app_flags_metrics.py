"""An old-style script: tf.app.run with flags, tf.logging, tf.metrics with local variables, results via tf.gfile."""
import os
import shutil
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf

from digits_data import read_data_sets

tf.disable_v2_behavior()

flags = tf.app.flags
flags.DEFINE_float("learning_rate", 0.5, "Initial learning rate.")
flags.DEFINE_integer("max_steps", 40, "Number of steps to run trainer.")
flags.DEFINE_integer("batch_size", 100, "Batch size.")
flags.DEFINE_string("output_dir", "", "Where results go (a temporary directory if empty).")
FLAGS = flags.FLAGS


def build_model(images, num_classes=10):
    with tf.name_scope("softmax_linear"):
        weights = tf.Variable(tf.zeros([784, num_classes]), name="weights")
        biases = tf.Variable(tf.zeros([num_classes]), name="biases")
        return tf.matmul(images, weights) + biases


def main(_):
    tf.logging.set_verbosity(tf.logging.INFO)
    data = read_data_sets()
    images = tf.placeholder(tf.float32, [None, 784])
    labels = tf.placeholder(tf.int32, [None])
    logits = build_model(images)
    one_hot = tf.one_hot(labels, depth=10, on_value=1.0, off_value=0.0)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=one_hot, logits=logits))
    train_op = tf.train.GradientDescentOptimizer(FLAGS.learning_rate).minimize(loss)
    predictions = tf.argmax(logits, 1)
    accuracy, accuracy_update = tf.metrics.accuracy(labels=labels, predictions=predictions)
    mean_loss, mean_loss_update = tf.metrics.mean(loss)
    top_values, top_indices = tf.nn.top_k(tf.nn.softmax(logits), k=3)
    print("local variables", sorted(v.name for v in tf.local_variables()))

    output_dir = FLAGS.output_dir or tempfile.mkdtemp()
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        for step in range(FLAGS.max_steps):
            bx, by = data.train.next_batch(FLAGS.batch_size)
            _, loss_value = sess.run([train_op, loss], {images: bx, labels: by})
            if step % 10 == 0:
                tf.logging.info("step %d: loss = %.4f", step, loss_value)
                print("step", step, "loss", loss_value)
        for i in range(3):
            feed = {images: data.test.images[i * 100:(i + 1) * 100], labels: data.test.labels[i * 100:(i + 1) * 100]}
            sess.run([accuracy_update, mean_loss_update], feed)
            print("streaming accuracy after batch", i, sess.run(accuracy), "mean loss", sess.run(mean_loss))
        sess.run(tf.local_variables_initializer())
        print("accuracy after reset", sess.run(accuracy))
        values, indices = sess.run([top_values, top_indices], {images: data.test.images[:3]})
        print("top 3 classes", indices.tolist(), "probabilities", np.round(values, 4).tolist())

    path = os.path.join(output_dir, "results.txt")
    if not tf.gfile.Exists(output_dir):
        tf.gfile.MakeDirs(output_dir)
    with tf.gfile.GFile(path, "w") as f:
        f.write(f"final loss {loss_value:.4f}\n")
    with tf.gfile.GFile(path) as f:
        print("written:", f.read().strip())
    if not FLAGS.output_dir:
        shutil.rmtree(output_dir)


if __name__ == "__main__":
    tf.app.run(main=main)
