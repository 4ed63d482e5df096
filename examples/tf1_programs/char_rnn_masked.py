"""A character model on padded sequences: embeddings, a stacked GRU/LSTM, a masked per-step loss."""
import numpy as np
import tensorflow.compat.v1 as tf

# parity: rtol=1e-3 atol=1e-6
# (RMSProp amplifies the last-bit differences of the first steps: 1 ulp at step 0, 1e-4 after 100 steps)

tf.disable_v2_behavior()
tf.set_random_seed(5)

text = ("the quick brown fox jumps over the lazy dog. pack my box with five dozen liquor jugs. "
        "how vexingly quick daft zebras jump. sphinx of black quartz judge my vow. ")
vocab = sorted(set(text))
char_to_id = {c: i for i, c in enumerate(vocab)}
ids = np.array([char_to_id[c] for c in text], dtype=np.int32)
rng = np.random.RandomState(11)
BATCH, MAX_LEN, VOCAB, EMBED, HIDDEN = 8, 12, len(vocab), 10, 24


def make_batch():
    lengths = rng.randint(4, MAX_LEN + 1, size=BATCH)
    inputs = np.zeros((BATCH, MAX_LEN), np.int32)
    targets = np.zeros((BATCH, MAX_LEN), np.int32)
    for row, length in enumerate(lengths):
        start = rng.randint(0, len(ids) - length - 1)
        inputs[row, :length] = ids[start:start + length]
        targets[row, :length] = ids[start + 1:start + length + 1]
    return inputs, targets, lengths.astype(np.int32)


batches = [make_batch() for _ in range(40)]

inputs = tf.placeholder(tf.int32, [None, MAX_LEN], name="inputs")
targets = tf.placeholder(tf.int32, [None, MAX_LEN], name="targets")
lengths = tf.placeholder(tf.int32, [None], name="lengths")

embedding = tf.get_variable("embedding", [VOCAB, EMBED])
embedded = tf.nn.embedding_lookup(embedding, inputs)
cells = [tf.nn.rnn_cell.GRUCell(HIDDEN), tf.nn.rnn_cell.LSTMCell(HIDDEN)]
cell = tf.nn.rnn_cell.MultiRNNCell(cells)
outputs, state = tf.nn.dynamic_rnn(cell, embedded, sequence_length=lengths, dtype=tf.float32)
logits = tf.layers.dense(outputs, VOCAB, name="proj")

mask = tf.sequence_mask(lengths, MAX_LEN, dtype=tf.float32)
step_loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits)
loss = tf.reduce_sum(step_loss * mask) / tf.reduce_sum(mask)

bool_mask = tf.sequence_mask(lengths, maxlen=MAX_LEN)
real_logits = tf.boolean_mask(logits, bool_mask)
real_targets = tf.boolean_mask(targets, bool_mask)
correct = tf.equal(tf.argmax(real_logits, axis=1, output_type=tf.int32), real_targets)
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

train_op = tf.train.RMSPropOptimizer(0.01).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(3):
        for step, (bi, bt, bl) in enumerate(batches):
            feed = {inputs: bi, targets: bt, lengths: bl}
            _, loss_value = sess.run([train_op, loss], feed)
            if step % 20 == 0:
                print("epoch", epoch, "step", step, f"loss {loss_value:.5f}")
    bi, bt, bl = batches[0]
    feed = {inputs: bi, targets: bt, lengths: bl}
    acc, n_real, m = sess.run([accuracy, tf.shape(real_targets)[0], mask], feed)
    print("accuracy", acc, "real steps", n_real, "mask sum", m.sum())
    print("final state shapes", [s.shape for s in sess.run(tf.nest.flatten(state), feed)])
