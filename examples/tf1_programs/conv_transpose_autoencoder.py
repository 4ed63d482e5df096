"""A convolutional autoencoder: strided conv2d down, conv2d_transpose up, dropout with rate, a denoising input."""
import numpy as np
import tensorflow.compat.v1 as tf

from digits_data import read_data_sets

tf.disable_v2_behavior()
tf.set_random_seed(21)

data = read_data_sets()
noise = np.random.RandomState(4).rand(64, 784).astype(np.float32)

inputs_ = tf.placeholder(tf.float32, (None, 28, 28, 1), name="inputs")
targets_ = tf.placeholder(tf.float32, (None, 28, 28, 1), name="targets")
training = tf.placeholder_with_default(False, [], name="training")

conv1 = tf.layers.conv2d(inputs_, 8, (3, 3), strides=(2, 2), padding="same", activation=tf.nn.relu)
conv2 = tf.layers.conv2d(conv1, 8, (3, 3), strides=(2, 2), padding="same", activation=tf.nn.relu)
encoded = tf.layers.dropout(conv2, rate=0.1, training=training)
deconv1 = tf.layers.conv2d_transpose(encoded, 8, (3, 3), strides=(2, 2), padding="same", activation=tf.nn.relu)
logits = tf.layers.conv2d_transpose(deconv1, 1, (3, 3), strides=(2, 2), padding="same")
decoded = tf.nn.sigmoid(logits, name="decoded")

loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=targets_, logits=logits)
cost = tf.reduce_mean(loss)
opt = tf.train.AdamOptimizer(0.01).minimize(cost)

w = tf.get_variable("manual_up", [3, 3, 2, 8], initializer=tf.glorot_uniform_initializer(seed=1))
manual = tf.nn.conv2d_transpose(conv2, w, output_shape=tf.stack([tf.shape(conv2)[0], 14, 14, 2]),
                                strides=[1, 2, 2, 1], padding="SAME")
dropped = tf.nn.dropout(tf.ones([4, 6]), rate=0.5, seed=9)

print("trainable", [v.name for v in tf.trainable_variables()])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for e in range(25):
        batch_x, _ = data.train.next_batch(64)
        imgs = batch_x.reshape((-1, 28, 28, 1))
        noisy = np.clip(imgs + 0.3 * noise.reshape((-1, 28, 28, 1)), 0.0, 1.0)
        batch_cost, _ = sess.run([cost, opt], feed_dict={inputs_: noisy, targets_: imgs, training: True})
        if e % 5 == 0:
            print(f"Iteration: {e}", f"Training loss: {batch_cost:.4f}")
    test = data.test.images[:10].reshape((-1, 28, 28, 1))
    print("test loss", sess.run(cost, {inputs_: test, targets_: test}))
    print("manual transpose shape", sess.run(tf.shape(manual), {inputs_: test}))
    print("dropout mask", sess.run(dropped))
