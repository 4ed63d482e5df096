"""A CNN written with tf.layers, tf.losses and a global step, with dropout switched by a training flag."""
import tensorflow.compat.v1 as tf

from digits_data import read_data_sets

tf.disable_v2_behavior()
tf.set_random_seed(42)

data = read_data_sets()


def cnn_model(features, training):
    input_layer = tf.reshape(features, [-1, 28, 28, 1])
    conv1 = tf.layers.conv2d(inputs=input_layer, filters=8, kernel_size=[5, 5], padding="same",
                             activation=tf.nn.relu)
    pool1 = tf.layers.max_pooling2d(inputs=conv1, pool_size=[2, 2], strides=2)
    conv2 = tf.layers.conv2d(inputs=pool1, filters=16, kernel_size=[5, 5], padding="same", activation=tf.nn.relu)
    pool2 = tf.layers.max_pooling2d(inputs=conv2, pool_size=[2, 2], strides=2)
    pool2_flat = tf.reshape(pool2, [-1, 7 * 7 * 16])
    dense = tf.layers.dense(inputs=pool2_flat, units=64, activation=tf.nn.relu)
    dropout = tf.layers.dropout(inputs=dense, rate=0.4, training=training)
    return tf.layers.dense(inputs=dropout, units=10)


features = tf.placeholder(tf.float32, [None, 784])
labels = tf.placeholder(tf.int32, [None])
training = tf.placeholder_with_default(False, shape=())
logits = cnn_model(features, training)
loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
global_step = tf.train.get_or_create_global_step()
train_op = tf.train.GradientDescentOptimizer(learning_rate=0.05).minimize(loss=loss, global_step=global_step)
predictions = tf.argmax(input=logits, axis=1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.cast(predictions, tf.int32), labels), tf.float32))

print("variables", [(v.name, v.shape.as_list()) for v in tf.trainable_variables()])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(25):
        images, targets = data.train.next_batch(64)
        _, step, loss_value = sess.run([train_op, global_step, loss],
                                       feed_dict={features: images, labels: targets, training: True})
        if step % 5 == 0:
            print("step", step, "loss", loss_value)
    print("eval accuracy", sess.run(accuracy, feed_dict={features: data.test.images, labels: data.test.labels}))
