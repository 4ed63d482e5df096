"""Skip-gram word vectors with embedding_lookup and nce_loss on a small generated corpus."""
import collections
import math

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
tf.set_random_seed(0)

# A corpus from a tiny grammar, so nearby words really are related.
rng = np.random.RandomState(0)
subjects, verbs, objects = ["cat", "dog", "bird", "fish"], ["eats", "sees", "likes"], ["food", "water", "toys"]
words = []
for _ in range(400):
    words += [rng.choice(subjects), rng.choice(verbs), rng.choice(objects), "."]
count = collections.Counter(words).most_common()
dictionary = {word: i for i, (word, _) in enumerate(count)}
data = [dictionary[w] for w in words]
vocabulary_size = len(dictionary)

batch_size, embedding_size, skip_window, num_sampled = 32, 8, 1, 4


def generate_batch(start):
    """Each word predicts its left and right neighbours."""
    batch, labels = [], []
    for i in range(start, start + batch_size // 2):
        center = 1 + i % (len(data) - 2)
        for neighbour in (center - skip_window, center + skip_window):
            batch.append(data[center])
            labels.append([data[neighbour]])
    return np.array(batch, dtype=np.int32), np.array(labels, dtype=np.int64)


train_inputs = tf.placeholder(tf.int32, shape=[batch_size])
train_labels = tf.placeholder(tf.int64, shape=[batch_size, 1])
embeddings = tf.Variable(tf.random_uniform([vocabulary_size, embedding_size], -1.0, 1.0))
embed = tf.nn.embedding_lookup(embeddings, train_inputs)
nce_weights = tf.Variable(tf.truncated_normal([vocabulary_size, embedding_size],
                                              stddev=1.0 / math.sqrt(embedding_size)))
nce_biases = tf.Variable(tf.zeros([vocabulary_size]))
loss = tf.reduce_mean(tf.nn.nce_loss(weights=nce_weights, biases=nce_biases, labels=train_labels, inputs=embed,
                                     num_sampled=num_sampled, num_classes=vocabulary_size))
optimizer = tf.train.GradientDescentOptimizer(1.0).minimize(loss)
norm = tf.sqrt(tf.reduce_sum(tf.square(embeddings), 1, keepdims=True))
normalized_embeddings = embeddings / norm

with tf.Session() as sess:
    tf.global_variables_initializer().run()
    average_loss = 0
    for step in range(100):
        batch_inputs, batch_labels = generate_batch(step * batch_size // 2)
        _, loss_val = sess.run([optimizer, loss], feed_dict={train_inputs: batch_inputs, train_labels: batch_labels})
        average_loss += loss_val
        if (step + 1) % 25 == 0:
            print("average loss at step", step + 1, average_loss / 25)
            average_loss = 0
    final = normalized_embeddings.eval()
    print("cat-dog similarity", final[dictionary["cat"]] @ final[dictionary["dog"]])
