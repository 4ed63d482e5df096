"""Variable-length sequences: a GRU over padded sequences with dynamic_rnn and sequence_length.

The task: sequences of random lengths 3..10, labelled by whether their (unpadded) sum is positive.
"""
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
tf.set_random_seed(9)

rng = np.random.RandomState(1)
max_len, n_seq = 10, 256
lengths = rng.randint(3, max_len + 1, size=n_seq).astype(np.int32)
seqs = rng.randn(n_seq, max_len, 1).astype(np.float32) * (np.arange(max_len) < lengths[:, None])[..., None]
labels = (seqs.sum(axis=(1, 2)) > 0).astype(np.int64)

inputs = tf.placeholder(tf.float32, [None, max_len, 1])
seq_len = tf.placeholder(tf.int32, [None])
targets = tf.placeholder(tf.int64, [None])
cell = tf.nn.rnn_cell.GRUCell(16)
outputs, last_state = tf.nn.dynamic_rnn(cell, inputs, sequence_length=seq_len, dtype=tf.float32)
logits = tf.layers.dense(last_state, 2)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits))
train = tf.train.AdamOptimizer(0.01).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), targets), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(30):
        idx = np.arange(step * 32, step * 32 + 32) % n_seq
        _, loss_value = sess.run([train, loss], {inputs: seqs[idx], seq_len: lengths[idx], targets: labels[idx]})
        if step % 10 == 0:
            print("step", step, "loss", loss_value)
    out = sess.run(outputs, {inputs: seqs[:2], seq_len: lengths[:2]})
    print("padded outputs are zero", bool(np.all(out[0, lengths[0]:] == 0)), "lengths", lengths[:2])
    print("accuracy", sess.run(accuracy, {inputs: seqs, seq_len: lengths, targets: labels}))
