"""Classify digits by reading their 28 rows in order with an LSTM (rnn_cell + static_rnn)."""
import tensorflow.compat.v1 as tf

from digits_data import read_data_sets

tf.disable_v2_behavior()
tf.set_random_seed(5)

data = read_data_sets(one_hot=True)
timesteps, num_input, num_hidden, num_classes = 28, 28, 32, 10

X = tf.placeholder("float", [None, timesteps, num_input])
Y = tf.placeholder("float", [None, num_classes])
weights = tf.Variable(tf.random_normal([num_hidden, num_classes]))
biases = tf.Variable(tf.random_normal([num_classes]))


def RNN(x, weights, biases):
    x = tf.unstack(x, timesteps, 1)
    lstm_cell = tf.nn.rnn_cell.BasicLSTMCell(num_hidden, forget_bias=1.0)
    outputs, states = tf.nn.static_rnn(lstm_cell, x, dtype=tf.float32)
    return tf.matmul(outputs[-1], weights) + biases


logits = RNN(X, weights, biases)
prediction = tf.nn.softmax(logits)
loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
train_op = tf.train.GradientDescentOptimizer(learning_rate=0.5).minimize(loss_op)
correct_pred = tf.equal(tf.argmax(prediction, 1), tf.argmax(Y, 1))
accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

print("variables", [v.name for v in tf.global_variables()])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1, 21):
        batch_x, batch_y = data.train.next_batch(32)
        batch_x = batch_x.reshape((32, timesteps, num_input))
        _, loss = sess.run([train_op, loss_op], feed_dict={X: batch_x, Y: batch_y})
        if step % 5 == 0 or step == 1:
            print("step", step, "minibatch loss", loss)
    test_x = data.test.images.reshape((-1, timesteps, num_input))
    print("testing accuracy", sess.run(accuracy, feed_dict={X: test_x, Y: data.test.labels}))
