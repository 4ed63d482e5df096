"""The full-featured training loop: flags, name scopes, summaries, a Saver, evaluation with in_top_k."""
import math
import os
import shutil
import tempfile

import tensorflow.compat.v1 as tf

from digits_data import read_data_sets

tf.disable_v2_behavior()

flags = tf.app.flags
flags.DEFINE_float("learning_rate", 0.1, "Initial learning rate.")
flags.DEFINE_integer("max_steps", 60, "Number of steps to run trainer.")
flags.DEFINE_integer("hidden1", 32, "Number of units in hidden layer 1.")
flags.DEFINE_integer("hidden2", 16, "Number of units in hidden layer 2.")
flags.DEFINE_integer("batch_size", 50, "Batch size.")
flags.DEFINE_string("train_dir", "", "Directory for summaries and checkpoints (a temporary one if empty).")
FLAGS = flags.FLAGS

NUM_CLASSES = 10
IMAGE_PIXELS = 784


def inference(images, hidden1_units, hidden2_units):
    with tf.name_scope("hidden1"):
        weights = tf.Variable(tf.truncated_normal([IMAGE_PIXELS, hidden1_units],
                                                  stddev=1.0 / math.sqrt(float(IMAGE_PIXELS)), seed=1),
                              name="weights")
        biases = tf.Variable(tf.zeros([hidden1_units]), name="biases")
        hidden1 = tf.nn.relu(tf.matmul(images, weights) + biases)
    with tf.name_scope("hidden2"):
        weights = tf.Variable(tf.truncated_normal([hidden1_units, hidden2_units],
                                                  stddev=1.0 / math.sqrt(float(hidden1_units)), seed=2),
                              name="weights")
        biases = tf.Variable(tf.zeros([hidden2_units]), name="biases")
        hidden2 = tf.nn.relu(tf.matmul(hidden1, weights) + biases)
    with tf.name_scope("softmax_linear"):
        weights = tf.Variable(tf.truncated_normal([hidden2_units, NUM_CLASSES],
                                                  stddev=1.0 / math.sqrt(float(hidden2_units)), seed=3),
                              name="weights")
        biases = tf.Variable(tf.zeros([NUM_CLASSES]), name="biases")
        logits = tf.matmul(hidden2, weights) + biases
    return logits


def loss(logits, labels):
    labels = tf.to_int64(labels)
    return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)


def training(loss, learning_rate):
    tf.summary.scalar("loss", loss)
    optimizer = tf.train.GradientDescentOptimizer(learning_rate)
    global_step = tf.Variable(0, name="global_step", trainable=False)
    return optimizer.minimize(loss, global_step=global_step)


def evaluation(logits, labels):
    correct = tf.nn.in_top_k(logits, labels, 1)
    return tf.reduce_sum(tf.cast(correct, tf.int32))


def do_eval(sess, eval_correct, images_placeholder, labels_placeholder, data_set):
    true_count = 0
    steps_per_epoch = data_set.num_examples // FLAGS.batch_size
    num_examples = steps_per_epoch * FLAGS.batch_size
    for _ in range(steps_per_epoch):
        images, labels = data_set.next_batch(FLAGS.batch_size)
        true_count += sess.run(eval_correct, feed_dict={images_placeholder: images, labels_placeholder: labels})
    print("num examples", num_examples, "num correct", true_count, "precision", float(true_count) / num_examples)


def run_training(log_dir):
    data_sets = read_data_sets()
    with tf.Graph().as_default():
        images_placeholder = tf.placeholder(tf.float32, shape=(FLAGS.batch_size, IMAGE_PIXELS))
        labels_placeholder = tf.placeholder(tf.int32, shape=(FLAGS.batch_size))
        logits = inference(images_placeholder, FLAGS.hidden1, FLAGS.hidden2)
        loss_op = loss(logits, labels_placeholder)
        train_op = training(loss_op, FLAGS.learning_rate)
        eval_correct = evaluation(logits, labels_placeholder)
        summary = tf.summary.merge_all()
        init = tf.global_variables_initializer()
        saver = tf.train.Saver()
        sess = tf.Session()
        summary_writer = tf.summary.FileWriter(log_dir, sess.graph)
        sess.run(init)
        for step in range(FLAGS.max_steps):
            images, labels = data_sets.train.next_batch(FLAGS.batch_size)
            feed_dict = {images_placeholder: images, labels_placeholder: labels}
            _, loss_value = sess.run([train_op, loss_op], feed_dict=feed_dict)
            if step % 20 == 0:
                print("step", step, "loss", loss_value)
                summary_writer.add_summary(sess.run(summary, feed_dict=feed_dict), step)
                summary_writer.flush()
            if (step + 1) == FLAGS.max_steps:
                checkpoint_file = os.path.join(log_dir, "model.ckpt")
                saver.save(sess, checkpoint_file, global_step=step)
                print("Training data eval:")
                do_eval(sess, eval_correct, images_placeholder, labels_placeholder, data_sets.train)
                print("Test data eval:")
                do_eval(sess, eval_correct, images_placeholder, labels_placeholder, data_sets.test)
        summary_writer.close()
        print("checkpoint", os.path.basename(tf.train.latest_checkpoint(log_dir)))


def main(_):
    log_dir = FLAGS.train_dir or tempfile.mkdtemp(prefix="fully_connected_feed")
    try:
        run_training(log_dir)
    finally:
        if not FLAGS.train_dir:
            shutil.rmtree(log_dir)


if __name__ == "__main__":
    tf.app.run(main=main)
