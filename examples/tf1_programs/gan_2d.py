"""A GAN on 2-D points: a shared discriminator through variable_scope reuse, one optimizer per network."""
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
tf.set_random_seed(42)

rng = np.random.RandomState(7)
real_points = (rng.randn(2000, 2) * [0.5, 0.2] + [2.0, -1.0]).astype(np.float32)
noise_batches = rng.uniform(-1.0, 1.0, size=(300, 64, 4)).astype(np.float32)


def generator(z):
    with tf.variable_scope("generator"):
        h = tf.layers.dense(z, 16, activation=tf.nn.leaky_relu, name="hidden")
        return tf.layers.dense(h, 2, name="out")


def discriminator(x, reuse=False):
    with tf.variable_scope("discriminator", reuse=reuse):
        w1 = tf.get_variable("w1", [2, 16], initializer=tf.truncated_normal_initializer(stddev=0.3))
        b1 = tf.get_variable("b1", [16], initializer=tf.zeros_initializer())
        h = tf.tanh(tf.matmul(x, w1) + b1)
        w2 = tf.get_variable("w2", [16, 1], initializer=tf.truncated_normal_initializer(stddev=0.3))
        b2 = tf.get_variable("b2", [1], initializer=tf.zeros_initializer())
        return tf.matmul(h, w2) + b2


X = tf.placeholder(tf.float32, [None, 2], name="X")
Z = tf.placeholder(tf.float32, [None, 4], name="Z")
G_sample = generator(Z)
D_real = discriminator(X)
D_fake = discriminator(G_sample, reuse=True)

D_loss_real = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=D_real, labels=tf.ones_like(D_real)))
D_loss_fake = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=D_fake, labels=tf.zeros_like(D_fake)))
D_loss = D_loss_real + D_loss_fake
G_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=D_fake, labels=tf.ones_like(D_fake)))

D_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="discriminator")
G_vars = tf.trainable_variables(scope="generator")
print("D vars", [v.name for v in D_vars])
print("G vars", [v.name for v in G_vars])

D_solver = tf.train.AdamOptimizer(learning_rate=0.01, beta1=0.5).minimize(D_loss, var_list=D_vars)
G_solver = tf.train.AdamOptimizer(learning_rate=0.01, beta1=0.5).minimize(G_loss, var_list=G_vars)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for it in range(300):
        start = (it * 64) % len(real_points)
        X_mb = real_points[start:start + 64]
        Z_mb = noise_batches[it]
        _, D_loss_curr = sess.run([D_solver, D_loss], feed_dict={X: X_mb, Z: Z_mb})
        _, G_loss_curr = sess.run([G_solver, G_loss], feed_dict={Z: Z_mb})
        if it % 60 == 0:
            print(f"Iter: {it}; D loss: {D_loss_curr:.4f}; G_loss: {G_loss_curr:.4f}")
    samples = sess.run(G_sample, feed_dict={Z: noise_batches[0]})
    print("generated mean", samples.mean(axis=0), "std", samples.std(axis=0))
