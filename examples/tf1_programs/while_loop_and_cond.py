"""Graph control flow: tf.while_loop computes a power and a running sum, tf.cond picks a branch, with gradients."""
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

x = tf.placeholder(tf.float64, [], name="x")
n = tf.constant(5)


def body(i, acc):
    return i + 1, acc * x


_, power = tf.while_loop(lambda i, acc: i < n, body, [tf.constant(0), tf.constant(1.0, tf.float64)])
d_power = tf.gradients(power, x)[0]

i0 = tf.constant(0)
total = tf.while_loop(lambda i, s: i < 10, lambda i, s: (i + 1, s + tf.cast(i, tf.float64) * x), [i0, x * 0])[1]

y = tf.cond(x > 1.0, lambda: tf.square(x), lambda: -x)
dy = tf.gradients(y, x)[0]
z = tf.case([(x < 0, lambda: x * 10), (x < 2, lambda: x * 20)], default=lambda: x * 30)

with tf.Session() as sess:
    for value in (1.5, 0.5, -2.0, 3.0):
        feed = {x: value}
        print("x", value, "x^5", sess.run(power, feed), "d/dx", sess.run(d_power, feed),
              "sum", sess.run(total, feed), "cond", sess.run(y, feed), "d cond", sess.run(dy, feed),
              "case", sess.run(z, feed))
