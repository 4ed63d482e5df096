"""A TF1-era tutorial program: handwritten digits with softmax regression and an MLP.

It is written against a module parameter ``tf`` so the very same code runs with
``import tensorslow as tf`` and with ``import tensorflow.compat.v1 as tf``
(``tests/test_tutorial_parity.py`` runs it both ways and compares the numbers).

The data are scikit-learn's bundled 8x8 digits (1797 images, no download),
scaled to [0, 1] and split once with a fixed permutation. Mini-batches are
taken in a fixed order (no shuffling) and the initial weights are drawn with
NumPy from a fixed seed and handed to ``tf.Variable``, so both frameworks start
from, and see, exactly the same numbers.
"""
import numpy as np
from sklearn.datasets import load_digits

N_TRAIN = 1500          # the remaining 297 images are the test set
BATCH_SIZE = 100
HIDDEN = (64, 32, 16)   # the MLP: 64 inputs -> 64 -> 32 -> 16 -> 10 classes


def load_data(dtype):
    """((train_x, train_y), (test_x, test_y)): pixels in [0, 1], labels one-hot."""
    digits = load_digits()
    images = (digits.data / 16.0).astype(dtype)
    labels = np.eye(10, dtype=dtype)[digits.target]
    order = np.random.RandomState(0).permutation(len(images))
    train, test = order[:N_TRAIN], order[N_TRAIN:]
    return (images[train], labels[train]), (images[test], labels[test])


def initial_weights(model, dtype, seed=1234):
    """[(W, b), ...] per layer, drawn with NumPy (He-style scaling for the MLP)."""
    rng = np.random.RandomState(seed)
    sizes = [64, 10] if model == "softmax" else [64, *HIDDEN, 10]
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        scale = 0.01 if model == "softmax" else np.sqrt(2.0 / fan_in)
        W = (rng.standard_normal((fan_in, fan_out)) * scale).astype(dtype)
        b = np.zeros(fan_out, dtype=dtype) if model == "softmax" else np.full(fan_out, 0.01, dtype=dtype)
        layers.append((W, b))
    return layers


def make_optimizer(tf, optimizer):
    if optimizer == "sgd":
        return tf.train.GradientDescentOptimizer(learning_rate=0.5)
    if optimizer == "momentum":
        return tf.train.MomentumOptimizer(learning_rate=0.1, momentum=0.9)
    if optimizer == "adam":
        return tf.train.AdamOptimizer(learning_rate=0.01)
    raise ValueError(f"unknown optimizer {optimizer!r}")


def run(tf, model, optimizer, dtype, steps):
    """Train ``model`` ("softmax" or "mlp") with ``optimizer`` ("sgd", "momentum", "adam") for ``steps``.

    Returns a dict: ``losses`` (the training loss of each step, as returned by
    ``sess.run([train_op, loss], ...)``), ``train_accuracy`` and ``test_accuracy``
    after training.
    """
    (train_x, train_y), (test_x, test_y) = load_data(dtype)
    floatX = tf.float32 if dtype == "float32" else tf.float64

    graph = tf.Graph()
    with graph.as_default():
        # Inputs: a batch of flattened 8x8 images and their one-hot labels.
        x = tf.placeholder(floatX, [None, 64])
        y_ = tf.placeholder(floatX, [None, 10])

        # The model.
        layers = initial_weights(model, dtype)
        h = x
        for i, (W0, b0) in enumerate(layers):
            with tf.name_scope(f"layer{i + 1}"):
                W = tf.Variable(W0, name="W")
                b = tf.Variable(b0, name="b")
                h = tf.matmul(h, W) + b
                if i < len(layers) - 1:
                    h = tf.nn.relu(h)
        logits = h
        y = tf.nn.softmax(logits)

        # Loss and training step.
        cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
        train_step = make_optimizer(tf, optimizer).minimize(cross_entropy)

        # Evaluation.
        correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

        init = tf.global_variables_initializer()

        losses = []
        with tf.Session() as sess:
            sess.run(init)
            batches_per_epoch = N_TRAIN // BATCH_SIZE
            for step in range(steps):
                start = (step % batches_per_epoch) * BATCH_SIZE
                batch_xs = train_x[start:start + BATCH_SIZE]
                batch_ys = train_y[start:start + BATCH_SIZE]
                _, loss_value = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
                losses.append(float(loss_value))
            train_accuracy = sess.run(accuracy, feed_dict={x: train_x, y_: train_y})
            test_accuracy = sess.run(accuracy, feed_dict={x: test_x, y_: test_y})

    return {"losses": losses, "train_accuracy": float(train_accuracy), "test_accuracy": float(test_accuracy)}


if __name__ == "__main__":
    import sys

    if len(sys.argv) > 1 and sys.argv[1] == "tensorflow":
        import os
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow.compat.v1 as tf
        tf.disable_eager_execution()
    else:
        import tensorslow as tf
    for model in ("softmax", "mlp"):
        for opt in ("sgd", "momentum", "adam"):
            result = run(tf, model, opt, "float32", 30)
            print(f"{model:8s} {opt:9s} loss {result['losses'][0]:.4f} -> {result['losses'][-1]:.4f}  "
                  f"test accuracy {result['test_accuracy']:.3f}")
