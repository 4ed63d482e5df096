"""A variational autoencoder on the digits: reparameterisation with tf.random_normal, KL term from tf.exp."""
import tensorflow.compat.v1 as tf

from digits_data import read_data_sets

tf.disable_v2_behavior()
tf.set_random_seed(0)

data = read_data_sets()
n_input, n_hidden, n_z = 784, 64, 2
batch_size = 50


def xavier_init(fan_in, fan_out, constant=1):
    low = -constant * (6.0 / (fan_in + fan_out)) ** 0.5
    high = constant * (6.0 / (fan_in + fan_out)) ** 0.5
    return tf.random_uniform((fan_in, fan_out), minval=low, maxval=high, dtype=tf.float32)


x = tf.placeholder(tf.float32, [None, n_input])
weights = {
    "h1": tf.Variable(xavier_init(n_input, n_hidden)),
    "out_mean": tf.Variable(xavier_init(n_hidden, n_z)),
    "out_log_sigma": tf.Variable(xavier_init(n_hidden, n_z)),
    "g_h1": tf.Variable(xavier_init(n_z, n_hidden)),
    "g_out": tf.Variable(xavier_init(n_hidden, n_input)),
}
biases = {name: tf.Variable(tf.zeros([n])) for name, n in
          [("b1", n_hidden), ("out_mean", n_z), ("out_log_sigma", n_z), ("g_b1", n_hidden), ("g_out", n_input)]}

layer_1 = tf.nn.softplus(tf.add(tf.matmul(x, weights["h1"]), biases["b1"]))
z_mean = tf.add(tf.matmul(layer_1, weights["out_mean"]), biases["out_mean"])
z_log_sigma_sq = tf.add(tf.matmul(layer_1, weights["out_log_sigma"]), biases["out_log_sigma"])
eps = tf.random_normal(tf.shape(z_mean), 0, 1, dtype=tf.float32)
z = tf.add(z_mean, tf.multiply(tf.sqrt(tf.exp(z_log_sigma_sq)), eps))
g_1 = tf.nn.softplus(tf.add(tf.matmul(z, weights["g_h1"]), biases["g_b1"]))
x_reconstr_mean = tf.nn.sigmoid(tf.add(tf.matmul(g_1, weights["g_out"]), biases["g_out"]))

reconstr_loss = -tf.reduce_sum(x * tf.log(1e-10 + x_reconstr_mean) + (1 - x) * tf.log(1e-10 + 1 - x_reconstr_mean), 1)
latent_loss = -0.5 * tf.reduce_sum(1 + z_log_sigma_sq - tf.square(z_mean) - tf.exp(z_log_sigma_sq), 1)
cost = tf.reduce_mean(reconstr_loss + latent_loss)
optimizer = tf.train.AdamOptimizer(learning_rate=0.003).minimize(cost)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(3):
        avg_cost = 0.0
        total_batch = 10
        for _i in range(total_batch):
            batch_xs, _ = data.train.next_batch(batch_size)
            _, c = sess.run((optimizer, cost), feed_dict={x: batch_xs})
            avg_cost += c / total_batch
        print("Epoch:", f"{epoch + 1:04d}", "cost=", f"{avg_cost:.5f}")
    z_mu = sess.run(z_mean, feed_dict={x: data.test.images[:5]})
    print("latent means", z_mu.round(4).tolist())
    sample = sess.run(x_reconstr_mean, feed_dict={z: [[0.0, 0.0]]})
    print("decoded origin mean pixel", sample.mean())
