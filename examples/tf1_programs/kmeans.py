"""K-means clustering in the graph: distances by broadcasting, argmin, per-cluster sums, assign."""
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(0)
centres_true = np.array([[0.0, 0.0], [3.0, 3.0], [-3.0, 3.0], [0.0, -4.0]], np.float32)
points = np.concatenate([c + rng.randn(100, 2).astype(np.float32) * 0.7 for c in centres_true])
points = points[rng.permutation(len(points))]
K = 4

vectors = tf.constant(points)
centroids = tf.Variable(tf.slice(vectors, [0, 0], [K, -1]), name="centroids")
expanded_vectors = tf.expand_dims(vectors, 0)
expanded_centroids = tf.expand_dims(centroids, 1)
distances = tf.reduce_sum(tf.square(tf.subtract(expanded_vectors, expanded_centroids)), 2)
assignments = tf.argmin(distances, 0)
sums = tf.unsorted_segment_sum(vectors, assignments, K)
counts = tf.unsorted_segment_sum(tf.ones_like(vectors[:, :1]), assignments, K)
means = sums / tf.maximum(counts, 1.0)
update_centroids = tf.assign(centroids, means)
inertia = tf.reduce_sum(tf.reduce_min(distances, axis=0))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(8):
        _, centroid_values, assignment_values, inertia_value = sess.run(
            [update_centroids, centroids, assignments, inertia])
        print("step", step, f"inertia {inertia_value:.4f}", "cluster sizes", np.bincount(assignment_values))
    print("centroids", np.round(sess.run(centroids), 4).tolist())
    seg = tf.segment_sum(tf.constant([1.0, 2.0, 3.0, 4.0]), tf.constant([0, 0, 1, 1]))
    print("segment_sum", sess.run(seg))
    nn_index = tf.argmin(tf.reduce_sum(tf.abs(vectors - tf.constant([[2.5, 2.5]])), axis=1), 0)
    print("nearest neighbour", sess.run(nn_index), points[sess.run(nn_index)])
