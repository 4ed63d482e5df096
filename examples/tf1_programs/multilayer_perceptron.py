"""A two-hidden-layer perceptron with weights drawn by tf.random_normal under a graph seed, trained with Adam."""
import tensorflow.compat.v1 as tf

from digits_data import read_data_sets

tf.disable_v2_behavior()
tf.set_random_seed(2024)

data = read_data_sets(one_hot=True)
learning_rate = 0.001
n_hidden_1, n_hidden_2, n_input, n_classes = 128, 64, 784, 10

x = tf.placeholder("float", [None, n_input])
y = tf.placeholder("float", [None, n_classes])

weights = {
    "h1": tf.Variable(tf.random_normal([n_input, n_hidden_1], stddev=0.1)),
    "h2": tf.Variable(tf.random_normal([n_hidden_1, n_hidden_2], stddev=0.1)),
    "out": tf.Variable(tf.random_normal([n_hidden_2, n_classes], stddev=0.1)),
}
biases = {
    "b1": tf.Variable(tf.random_normal([n_hidden_1], stddev=0.1)),
    "b2": tf.Variable(tf.random_normal([n_hidden_2], stddev=0.1)),
    "out": tf.Variable(tf.random_normal([n_classes], stddev=0.1)),
}


def multilayer_perceptron(x, weights, biases):
    layer_1 = tf.nn.relu(tf.add(tf.matmul(x, weights["h1"]), biases["b1"]))
    layer_2 = tf.nn.relu(tf.add(tf.matmul(layer_1, weights["h2"]), biases["b2"]))
    return tf.matmul(layer_2, weights["out"]) + biases["out"]


pred = multilayer_perceptron(x, weights, biases)
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=pred, labels=y))
optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)

init = tf.global_variables_initializer()
with tf.Session() as sess:
    sess.run(init)
    print("first weights", sess.run(weights["h1"])[0, :4])
    for epoch in range(3):
        avg_cost = 0.0
        total_batch = data.train.num_examples // 100
        for _ in range(total_batch):
            batch_x, batch_y = data.train.next_batch(100)
            _, c = sess.run([optimizer, cost], feed_dict={x: batch_x, y: batch_y})
            avg_cost += c / total_batch
        print("epoch", epoch + 1, "cost", avg_cost)
    correct = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, "float"))
    print("accuracy", accuracy.eval({x: data.test.images, y: data.test.labels}))
