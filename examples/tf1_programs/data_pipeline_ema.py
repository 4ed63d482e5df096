"""tf.data feeding a model, clipped gradients by hand, and an exponential moving average of the weights."""
import numpy as np
import tensorflow.compat.v1 as tf
from sklearn.datasets import load_iris

tf.disable_v2_behavior()
tf.set_random_seed(17)

iris = load_iris()
features = ((iris.data - iris.data.mean(0)) / iris.data.std(0)).astype(np.float32)
labels = iris.target.astype(np.int64)

features_placeholder = tf.placeholder(features.dtype, features.shape)
labels_placeholder = tf.placeholder(labels.dtype, labels.shape)
dataset = tf.data.Dataset.from_tensor_slices((features_placeholder, labels_placeholder))
dataset = dataset.shuffle(buffer_size=150, seed=3).batch(32).repeat()
iterator = dataset.make_initializable_iterator()
next_features, next_labels = iterator.get_next()

hidden = tf.layers.dense(next_features, 16, activation=tf.nn.relu, name="hidden")
logits = tf.layers.dense(hidden, 3, name="logits")
loss = tf.losses.sparse_softmax_cross_entropy(labels=next_labels, logits=logits)

global_step = tf.train.get_or_create_global_step()
optimizer = tf.train.MomentumOptimizer(learning_rate=0.1, momentum=0.9)
grads_and_vars = optimizer.compute_gradients(loss)
gradients, variables = zip(*grads_and_vars)
clipped, global_norm = tf.clip_by_global_norm(gradients, 1.0)
apply_op = optimizer.apply_gradients(zip(clipped, variables), global_step=global_step)

ema = tf.train.ExponentialMovingAverage(decay=0.9, num_updates=global_step)
ema_op = ema.apply(tf.trainable_variables())
loss_ema = tf.train.ExponentialMovingAverage(decay=0.8, name="avg")
loss_ema_op = loss_ema.apply([loss])
kernel = tf.trainable_variables()[0]
averaged_kernel = ema.average(kernel)
print("average name", ema.average_name(kernel), averaged_kernel.name)
print("moving average variables", [v.name for v in tf.moving_average_variables()])
print("all variables", [v.name for v in tf.global_variables()])

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(iterator.initializer, feed_dict={features_placeholder: features, labels_placeholder: labels})
    for step in range(60):
        _, loss_value, norm, _ = sess.run([apply_op, loss, global_norm, loss_ema_op])
        sess.run(ema_op)
        if step % 15 == 0:
            print("step", step, f"loss {loss_value:.5f}", f"global norm {norm:.5f}",
                  f"smoothed {sess.run(loss_ema.average(loss)):.5f}")
    k, ak = sess.run([kernel, averaged_kernel])
    print("kernel[0,:4]", k[0, :4], "average", ak[0, :4])
    print("global step", sess.run(global_step))
