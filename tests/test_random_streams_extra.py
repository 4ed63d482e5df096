"""Same seeds, same numbers for random_shuffle, multinomial / random.categorical and random_gamma.

Each case builds the same ops in TensorSlow and in ``tf.compat.v1``, runs them
several times in one session (each run draws new numbers) and compares with
``np.array_equal``; the graphs are compared op for op (names and types), and
bad input must raise TF's error class with TF's wording.
"""
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from test_random_streams import FLOATS, assert_same, draws

import tensorslow as ts
from tensorslow import errors, philox_dists

SEEDS = [(None, 3), (7, None), (7, 11), (0, 0)]  # (graph seed, op seed): op only, graph only, both, the (0, 0) rule


def graph_ops(lib, build):
    with lib.Graph().as_default() as graph:
        lib.set_random_seed(1)
        build(lib)
        return [(getattr(op, "op_name", op.name), op.type) for op in graph.get_operations()]  # TF: op.name


# -- random_shuffle --------------------------------------------------------------------

@pytest.mark.parametrize("shape", [[2], [5], [1001], [6, 3], [4, 2, 3], [1, 4], [0, 3], []])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_shuffle_bitwise(tf1, shape, dtype):
    value = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)
    ours = assert_same(tf1, lambda tf: [tf.random_shuffle(value, seed=5), tf.random_shuffle(value + 1, seed=6)])
    assert np.array_equal(np.sort(ours[0][0], axis=0), value) if shape else ours[0][0] == value


@pytest.mark.parametrize("graph_seed, op_seed", SEEDS)
def test_shuffle_seeds(tf1, graph_seed, op_seed):
    assert_same(tf1, lambda tf: [tf.random_shuffle(tf.range(33), seed=op_seed),
                                 tf.random_shuffle(tf.reshape(tf.range(40.0), [10, 4]), seed=op_seed)], graph_seed)


def test_shuffle_fed_value(tf1):
    """A placeholder of unknown shape: the kernel shuffles whatever rows come (a scalar comes back)."""
    def run(lib, fed):
        with lib.Graph().as_default():
            x = lib.placeholder(lib.float32, None)
            y = lib.random_shuffle(x, seed=2)
            assert y.shape.ndims is None
            with lib.Session() as sess:
                return [sess.run(y, {x: v}) for v in fed]
    fed = [np.arange(7.0), 3.0, np.arange(12.0).reshape(6, 2)]
    for a, b in zip(run(ts, fed), run(tf1, fed)):
        assert np.array_equal(a, b)


# -- multinomial / categorical ---------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("batch, classes, samples", [(1, 2, 5), (3, 4, 7), (5, 10, 1), (2, 1000, 100), (4, 1, 3)])
def test_multinomial_bitwise(tf1, dtype, batch, classes, samples):
    logits = np.random.default_rng(batch * classes).standard_normal((batch, classes)).astype(dtype)
    assert_same(tf1, lambda tf: [tf.multinomial(logits, samples, seed=3),
                                 tf.multinomial(logits * 3, samples + 2, seed=4, output_dtype=tf.int32)])


@pytest.mark.parametrize("graph_seed, op_seed", SEEDS)
def test_multinomial_and_categorical_seeds(tf1, graph_seed, op_seed):
    logits = np.log([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    assert_same(tf1, lambda tf: [tf.multinomial(logits, 9, seed=op_seed),
                                 tf.random.categorical(logits, 4, dtype=tf.int32, seed=op_seed)], graph_seed)


def test_multinomial_odd_logits_and_zero_samples(tf1):
    """-inf (never drawn), nan and +inf logits (left out of the running total), an all -inf row, no samples;
    a run drawing nothing leaves the stream where it was."""
    logits = np.array([[-np.inf, 0.0, 1.0], [np.nan, 2.0, 0.5], [-np.inf, -np.inf, -np.inf], [np.inf, 1.0, 1.0]])
    assert_same(tf1, lambda tf: [tf.multinomial(logits, 6, seed=1), tf.multinomial(logits, 0, seed=2),
                                 tf.multinomial(np.zeros((0, 3)), 4, seed=3)])


def test_multinomial_fed_logits_and_count(tf1):
    def run(lib):
        with lib.Graph().as_default():
            x = lib.placeholder(lib.float64, [None, None])
            n = lib.placeholder(lib.int32, [])
            y = lib.multinomial(x, n, seed=8)
            assert y.shape.as_list() == [None, None]
            with lib.Session() as sess:
                return [sess.run(y, {x: np.eye(3) * k, n: k}) for k in (1, 5, 2)]
    for a, b in zip(run(ts), run(tf1)):
        assert np.array_equal(a, b)


def _tf_intra_op_threads(tensorflow):
    return tensorflow.config.threading.get_intra_op_parallelism_threads() or len(os.sched_getaffinity(0))


def test_multinomial_large_batches_follow_tf_thread_blocks(tf1, tensorflow, monkeypatch):
    """Big jobs are cut into blocks of rows among TF's threads, and each block starts its own words."""
    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", str(_tf_intra_op_threads(tensorflow)))
    logits = np.random.default_rng(0).standard_normal((1000, 100)).astype(np.float32)
    assert_same(tf1, lambda tf: [tf.multinomial(logits, 10, seed=1), tf.multinomial(logits[:77], 20, seed=5)], runs=2)


def test_eigen_shards():
    """Blocks as measured against TensorFlow with 1, 2, 3 and 16 threads (1000 rows of 8321 cycles)."""
    assert philox_dists.eigen_shards(1000, 8321, 1) == [0]
    assert philox_dists.eigen_shards(1000, 8321, 2) == list(range(0, 1000, 125))
    assert philox_dists.eigen_shards(1000, 8321, 3) == list(range(0, 1000, 84))
    assert philox_dists.eigen_shards(10, 5000, 16) == [0]  # small jobs run in one block


TF_WITH_THREADS = """
import os, sys
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
logits = np.random.default_rng(0).standard_normal((300, 50)).astype(np.float32)
samples = tf.multinomial(logits, 3, seed=5)
with tf.Session() as sess:
    np.save(sys.argv[1], np.stack([sess.run(samples) for _ in range(2)]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("threads", [1, 3])
def test_multinomial_with_other_thread_counts(tmp_path, monkeypatch, threads):
    path = tmp_path / "theirs.npy"
    env = dict(os.environ, TF_NUM_INTRAOP_THREADS=str(threads), TF_CPP_MIN_LOG_LEVEL="3")
    subprocess.run([sys.executable, "-c", TF_WITH_THREADS, str(path)], env=env, check=True, timeout=300)
    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", str(threads))
    logits = np.random.default_rng(0).standard_normal((300, 50)).astype(np.float32)
    ours = np.stack(draws(ts, lambda tf: tf.multinomial(logits, 3, seed=5), runs=2))
    assert np.array_equal(ours, np.load(path))


# -- random_gamma ----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape, alpha, beta", [
    ([5], [1.0, 2.0, 0.5], None),
    ([100], [0.1, 0.9, 1.0, 3.3, 50.0], [2.0, 1.0, 0.5, 3.0, 1.0]),
    ([7, 3], [[0.3], [7.0]], [1.0, 2.0]),
    ([4], 2.5, None),
    ([0], [1.0, 2.0], None),
    ([], [0.2, 4.0], 3.0),
])
def test_gamma_bitwise(tf1, dtype, shape, alpha, beta):
    assert_same(tf1, lambda tf: tf.random_gamma(shape, alpha, beta=beta, dtype=dtype, seed=4))


@pytest.mark.parametrize("graph_seed, op_seed", SEEDS)
def test_gamma_seeds(tf1, graph_seed, op_seed):
    assert_same(tf1, lambda tf: [tf.random_gamma([6], [0.5, 1.0, 5.0], seed=op_seed),
                                 tf.random.gamma([3, 2], 0.8, beta=[1.0, 4.0], dtype=tf.float64, seed=op_seed)],
                graph_seed)


def test_gamma_many_samples_and_odd_alphas(tf1):
    """Enough samples to use every branch (squeeze, logs, rejections, boost); alpha 0, negative, inf."""
    assert_same(tf1, lambda tf: [tf.random_gamma([20000], [0.05, 0.7, 1.0, 1.5, 30.0], seed=9),
                                 tf.random_gamma([5000], [0.3, 2.0], dtype=tf.float64, seed=10),
                                 tf.random_gamma([4], [0.0, -0.5, -1.0, np.inf, 1e-30], seed=11)], runs=2)


# -- graphs, gradients, errors ---------------------------------------------------------

def _all_ops(tf):
    x = tf.placeholder(tf.float32, [None, 3])
    tf.random_shuffle([[1, 2], [3, 4]])
    tf.random_shuffle(x, name="mix")
    tf.multinomial([[1.0, 2.0]], 5)
    tf.random.categorical(x, 2, seed=1)
    tf.random_gamma([3], [1.0, 2.0])
    tf.random_gamma([3], x, beta=[[2.0], [1.0]], seed=2)


def test_graphs_are_tfs_op_for_op(tf1):
    assert graph_ops(ts, _all_ops) == graph_ops(tf1, _all_ops)


def test_static_shapes(tf1):
    def shapes(lib):
        with lib.Graph().as_default():
            x = lib.placeholder(lib.float32, [None, 3])
            n = lib.placeholder(lib.int32, [])
            ops = [lib.random_shuffle(x), lib.multinomial(x, 4), lib.multinomial([[1.0, 2.0]], n),
                   lib.random_gamma([2, 5], [[1.0, 2.0]]), lib.random_gamma([3], x)]
            return [(op.shape.as_list() if op.shape.ndims is not None else None, op.dtype.name) for op in ops]
    assert shapes(ts) == shapes(tf1)


def test_not_differentiable(tf1):
    def grads(lib):
        with lib.Graph().as_default():
            x = lib.placeholder(lib.float32, [2, 3])
            return [lib.gradients(lib.reduce_sum(lib.cast(lib.multinomial(x, 3), lib.float32)), x)[0],
                    lib.gradients(lib.reduce_sum(lib.random_shuffle(x)), x)[0]]
    assert grads(ts) == grads(tf1) == [None, None]
    with ts.Graph().as_default():
        alpha = ts.placeholder(ts.float32, [2])
        with pytest.raises(LookupError, match="RandomGamma"):  # TF's alpha gradient is not implemented here
            ts.gradients(ts.reduce_sum(ts.random_gamma([3], alpha)), alpha)


BUILD_ERRORS = [
    (ValueError, "Shape must be rank 2 but is rank 1 for '{{node multinomial/Multinomial}}",
     lambda tf: tf.multinomial([1.0, 2.0], 3)),
    (ValueError, "Shape must be rank 0 but is rank 1", lambda tf: tf.multinomial([[1.0, 2.0]], [3])),
    (ValueError, "Dimension size, given by scalar input 1, must be non-negative but is -1",
     lambda tf: tf.multinomial([[1.0, 2.0]], -1)),
    (ValueError, "Argument `dtype` got invalid value", lambda tf: tf.multinomial([[1.0]], 3, output_dtype=tf.int16)),
    (TypeError, "Expected int32 passed to parameter 'num_samples' of op 'Multinomial'",
     lambda tf: tf.multinomial([[1.0, 2.0]], 3.0)),
    (ValueError, "Invalid value in tensor used for shape: -2", lambda tf: tf.random_gamma([-2], [1.0])),
    (ValueError, "Shape must be rank 1 but is rank 2 for '{{node random_gamma/RandomGamma}}",
     lambda tf: tf.random_gamma([[2]], [1.0])),
    (TypeError, "Expected int32, but got 2.5", lambda tf: tf.random_gamma([2.5], [1.0])),
    (ValueError, "", lambda tf: tf.random_gamma([2], [1.0, 2.0], beta=[1.0, 2.0, 3.0])),
    (ValueError, "", lambda tf: tf.random_gamma([2], [1, 2], dtype=tf.int32)),
]


@pytest.mark.parametrize("error, message, build", BUILD_ERRORS)
def test_build_errors(tf1, error, message, build):
    for lib in (ts, tf1):
        with lib.Graph().as_default(), pytest.raises(error, match=re.escape(message) or None):
            build(lib)


RUN_ERRORS = [  # (message, node named, placeholder dtype, build(tf, placeholder), value fed)
    ("logits should be a matrix, got shape [2]", "multinomial/Multinomial", "float32",
     lambda tf, p: tf.multinomial(p, 3), [1.0, 2.0]),
    ("num_classes should be positive, got 0", "multinomial/Multinomial", "float32",
     lambda tf, p: tf.multinomial(p, 3), np.zeros((2, 0))),
    ("num_samples should be non-negative, got -2", "multinomial/Multinomial", "int32",
     lambda tf, p: tf.multinomial([[1.0, 2.0]], p), -2),
    ("num_samples should be a scalar, got shape [1]", "multinomial/Multinomial", "int32",
     lambda tf, p: tf.multinomial([[1.0, 2.0]], p), [2]),
    ("Dimension -1 must be >= 0", "random_gamma/RandomGamma", "int32", lambda tf, p: tf.random_gamma(p, [1.0]), [-1]),
    ("shape must be a vector of {int32,int64}", "random_gamma/RandomGamma", "int32",
     lambda tf, p: tf.random_gamma(p, [1.0]), [[1]]),
    ("Incompatible shapes: [2] vs. [3]", "random_gamma/BroadcastArgs", "float32",
     lambda tf, p: tf.random_gamma([2], p, beta=[1.0, 2.0, 3.0]), [1.0, 2.0]),
]


@pytest.mark.parametrize("message, node, dtype, build, fed", RUN_ERRORS)
def test_run_errors(tf1, message, node, dtype, build, fed):
    for lib in (ts, tf1):
        with lib.Graph().as_default():
            p = lib.placeholder(dtype, None)
            out = build(lib, p)
            with lib.Session() as sess, pytest.raises(lib.errors.InvalidArgumentError) as info:
                sess.run(out, {p: fed})
            assert message in str(info.value) and node in str(info.value)
    assert issubclass(errors.InvalidArgumentError, ValueError)
