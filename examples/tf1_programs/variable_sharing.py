"""Sharing variables: one filter bank applied to two images through variable_scope and get_variable."""
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()


def conv_relu(inputs, kernel_shape, bias_shape):
    weights = tf.get_variable("weights", kernel_shape, initializer=tf.random_normal_initializer(seed=11))
    biases = tf.get_variable("biases", bias_shape, initializer=tf.constant_initializer(0.1))
    conv = tf.nn.conv2d(inputs, weights, strides=[1, 1, 1, 1], padding="SAME")
    return tf.nn.relu(conv + biases)


def my_image_filter(input_images):
    with tf.variable_scope("conv1"):
        relu1 = conv_relu(input_images, [3, 3, 1, 4], [4])
    with tf.variable_scope("conv2"):
        return conv_relu(relu1, [3, 3, 4, 2], [2])


rng = np.random.RandomState(3)
image1 = tf.constant(rng.rand(1, 8, 8, 1).astype(np.float32))
image2 = tf.constant(rng.rand(1, 8, 8, 1).astype(np.float32))

with tf.variable_scope("image_filters") as scope:
    result1 = my_image_filter(image1)
    scope.reuse_variables()
    result2 = my_image_filter(image2)

with tf.variable_scope("counter", reuse=tf.AUTO_REUSE):
    v1 = tf.get_variable("v", [], initializer=tf.zeros_initializer())
with tf.variable_scope("counter", reuse=tf.AUTO_REUSE):
    v2 = tf.get_variable("v", [])
print("same variable", v1 is v2, v1.name)

try:
    with tf.variable_scope("image_filters"):
        my_image_filter(image1)
except ValueError as e:
    print("reuse error:", str(e).split(",")[0].split(".")[0])

print("variables", [v.name for v in tf.global_variables()])
print("trainable in conv1", [v.name for v in tf.trainable_variables(scope="image_filters/conv1")])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    r1, r2 = sess.run([result1, result2])
    print("result1 sum", r1.sum(), "result2 sum", r2.sum())
    print("weights", sess.run("image_filters/conv1/weights:0")[0, 0, 0])
