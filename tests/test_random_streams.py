"""Same seeds, same numbers: TensorSlow's random ops against ``tf.compat.v1``'s CPU kernels, bit for bit.

Each case builds the same random ops in both libraries, runs them several
times in one session (each run draws new numbers) and compares with
``np.array_equal``. The speed of the generator is measured by
``python tests/test_random_streams.py`` (a benchmark, not a test).
"""
import time

import numpy as np
import pytest

import tensorslow as ts
from tensorslow import errors
from tensorslow.philox import Philox

SHAPES = ([3, 5], [1001], [0], [7, 0, 2], [], [2, 3, 11])
FLOATS = ("float16", "float32", "float64")


def draws(lib, build, graph_seed=None, runs=3):
    with lib.Graph().as_default():
        if graph_seed is not None:
            lib.set_random_seed(graph_seed)
        fetches = build(lib)
        with lib.Session() as sess:
            return [sess.run(fetches) for _ in range(runs)]


def assert_same(tf1, build, graph_seed=None, runs=3):
    """``build``'s random draws are bitwise equal in TensorSlow and TF (NaN equal to NaN), run after run."""
    ours, theirs = draws(ts, build, graph_seed, runs), draws(tf1, build, graph_seed, runs)
    for run, (a, b) in enumerate(zip(ours, theirs)):
        for x, y in zip(a if isinstance(a, list) else [a], b if isinstance(b, list) else [b]):
            assert x.dtype == y.dtype and x.shape == y.shape, f"run {run + 1}: {x.dtype}{x.shape} vs {y.dtype}{y.shape}"
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), \
                f"run {run + 1}: {np.sum(x != y)} of {x.size} values differ"
    return ours


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", SHAPES)
def test_normal_uniform_truncated_bitwise(tf1, shape, dtype):
    assert_same(tf1, lambda tf: [tf.random_normal(shape, dtype=dtype, seed=3),
                                 tf.random_uniform(shape, dtype=dtype, seed=4),
                                 tf.truncated_normal(shape, dtype=dtype, seed=5)])


@pytest.mark.parametrize("dtype", FLOATS)
def test_means_stddevs_and_bounds(tf1, dtype):
    assert_same(tf1, lambda tf: [tf.random_normal([4, 9], mean=1.5, stddev=2.5, dtype=dtype, seed=7),
                                 tf.truncated_normal([13], mean=-0.3, stddev=0.1, dtype=dtype, seed=8),
                                 tf.random_uniform([6, 5], minval=-2.0, maxval=3.5, dtype=dtype, seed=9),
                                 tf.random_uniform([7], maxval=10, dtype=dtype, seed=10)])


@pytest.mark.parametrize("dtype", ("int32", "int64"))
def test_uniform_integers(tf1, dtype):
    assert_same(tf1, lambda tf: [tf.random_uniform([1003], -7, 1000, dtype=dtype, seed=6),
                                 tf.random_uniform([3, 3], 0, 2, dtype=dtype, seed=1)])


def test_large_draws_and_many_runs(tf1):
    """Many Box-Muller pairs (every branch of log and sincos) and truncated groups that need a third block."""
    assert_same(tf1, lambda tf: [tf.random_normal([20001], seed=11),
                                 tf.random_normal([5001], dtype="float64", seed=12),
                                 tf.truncated_normal([20003], seed=13),
                                 tf.truncated_normal([5003], dtype="float64", seed=14)], runs=4)


@pytest.mark.parametrize("graph_seed, op_seed", [(11, None), (None, 5), (0, 0), (None, 0), (2**31 + 4, 2**33)])
def test_seed_combinations(tf1, graph_seed, op_seed):
    """Graph seed + op seed; graph seed only (op seeds 0, 1, 2 ... per graph); op seed only (87654321)."""
    assert_same(tf1, lambda tf: [tf.random_normal([9], seed=op_seed), tf.random_uniform([5], seed=op_seed),
                                 tf.truncated_normal([6], seed=2), tf.random_normal([7], seed=op_seed)],
                graph_seed=graph_seed)


def test_derived_seed_after_other_ops(tf1):
    """Only the graph seed: the op seed counts random ops given a derived seed, not other ops."""
    def build(tf):
        x = tf.placeholder(tf.float32, [None])
        y = tf.random_uniform(tf.shape(x))  # a shape fed at run time
        return [y, tf.random_normal([3]) + 1.0, tf.random_normal([3])]

    def run(lib):
        with lib.Graph().as_default():
            lib.set_random_seed(42)
            fetches = build(lib)
            with lib.Session() as sess:
                return sess.run(fetches, {lib.get_default_graph().get_tensor_by_name("Placeholder:0"): [1.0] * 5})
    for a, b in zip(run(ts), run(tf1)):
        assert np.array_equal(a, b)


def test_no_seed_is_nondeterministic_per_session():
    with ts.Graph().as_default():
        t = ts.random_normal([8])
        a, b = ts.Session().run(t), ts.Session().run(t)
    assert not np.array_equal(a, b)


def test_sessions_replay_the_same_stream():
    with ts.Graph().as_default():
        t = ts.random_uniform([5], seed=1)
        s1, s2 = ts.Session(), ts.Session()
        assert np.array_equal(s1.run(t), s2.run(t)) and not np.array_equal(s1.run(t), s2.run(ts.random_uniform([5])))


def test_philox_reference_vector():
    """Philox4x32-10 of the published known-answer test (counter and key all ones bits)."""
    gen = Philox(2**64 - 1, 2**64 - 1)
    gen.counter = 2**128 - 1
    assert [hex(w) for w in gen.blocks(1)[0]] == ["0x408f276d", "0x41c83b0e", "0xa20bc7c6", "0x6d5451fd"]


def test_bad_input(tf1):
    with ts.Graph().as_default():
        with pytest.raises(ValueError, match="Must specify maxval for integer dtype"):
            ts.random_uniform([2], dtype=ts.int32)
        with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 2 for 'RandomStandardNormal'"):
            ts.random_normal([[2, 2]])
        with pytest.raises(TypeError, match="shape"):
            ts.truncated_normal([2.5])
        t = ts.random_normal([-1, 2])
        with pytest.raises(errors.InvalidArgumentError, match="Dimension -1 must be >= 0") as info:
            ts.Session().run(t)
        assert "RandomStandardNormal" in str(info.value)


def benchmark(n=1_000_000, repeats=10):
    """Seconds per draw of ``n`` float32 normals: TensorSlow's Philox stream and NumPy's own generator."""
    with ts.Graph().as_default():
        t = ts.random_normal([n])
        sess = ts.Session()
        sess.run(t)
        start = time.perf_counter()
        for _ in range(repeats):
            sess.run(t)
        ours = (time.perf_counter() - start) / repeats
    rng = np.random.default_rng(0)
    rng.standard_normal(n, dtype=np.float32)
    start = time.perf_counter()
    for _ in range(repeats):
        rng.standard_normal(n, dtype=np.float32)
    numpy = (time.perf_counter() - start) / repeats
    return ours, numpy


if __name__ == "__main__":
    ours, numpy = benchmark()
    print(f"1M float32 normals: TensorSlow {ours * 1e3:.1f} ms, NumPy standard_normal {numpy * 1e3:.1f} ms, "
          f"ratio {ours / numpy:.1f}x (target <= 5x)")
