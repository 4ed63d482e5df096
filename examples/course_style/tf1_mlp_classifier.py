"""A TF1 tutorial-style multi-layer perceptron classifier (``import tensorflow.compat.v1 as tf``).

The classic TF1 program: dicts of weights and biases, a function that builds
the network on a placeholder, softmax cross-entropy, Adam, a session loop with
feed dicts, and ``accuracy.eval(feed)``. Weights start from NumPy draws, so the
TF2 translation (``tensorslow-parity migrate --to tf2``) starts from the same
numbers and ``--check`` compares the two runs line by line:

    python examples/course_style/tf1_mlp_classifier.py
"""
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(0)
# Three classes of points in 4 dimensions, around three centres.
centres = rng.randn(3, 4) * 2
labels = rng.randint(0, 3, size=150)
inputs = (centres[labels] + rng.randn(150, 4)).astype(np.float32)
one_hot = np.eye(3, dtype=np.float32)[labels]

x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, 3])
weights = {
    "h1": tf.Variable(rng.randn(4, 16).astype(np.float32) * 0.5),
    "out": tf.Variable(rng.randn(16, 3).astype(np.float32) * 0.5),
}
biases = {
    "b1": tf.Variable(np.zeros(16, np.float32)),
    "out": tf.Variable(np.zeros(3, np.float32)),
}


def multilayer_perceptron(x, weights, biases):
    layer_1 = tf.nn.relu(tf.add(tf.matmul(x, weights["h1"]), biases["b1"]))
    return tf.matmul(layer_1, weights["out"]) + biases["out"]


logits = multilayer_perceptron(x, weights, biases)
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=y))
optimizer = tf.train.AdamOptimizer(learning_rate=0.01).minimize(cost)
correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
init = tf.global_variables_initializer()

with tf.Session() as sess:
    sess.run(init)
    for epoch in range(5):
        for start in range(0, 150, 50):
            batch = {x: inputs[start:start + 50], y: one_hot[start:start + 50]}
            _, c = sess.run([optimizer, cost], feed_dict=batch)
        print("epoch", epoch + 1, "cost", round(float(c), 5))
    print("first output weights", np.round(sess.run(weights["out"])[0, :3], 4))
    print("accuracy", accuracy.eval({x: inputs, y: one_hot}))
