"""Initializers against tf.compat.v1: the same bits under set_random_seed, the same ops, TF's errors."""
import os

import numpy as np
import pytest

import tensorslow as ts
from tensorslow_parity.graph_parity import graph_differences
from tensorslow_parity.tf1_behaviour import tf1_behaviour

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="module")
def tf1():
    """tf.compat.v1 with TF1 behaviour (reference variables) for this module's tests only."""
    pytest.importorskip("tensorflow")
    with tf1_behaviour() as tf:
        yield tf


# name -> (initializer factory, shape, dtype name)
CASES = {
    "glorot_uniform default": (lambda m: None, [4, 3], "float32"),
    "glorot_uniform": (lambda m: m.glorot_uniform_initializer(), [5, 7], "float32"),
    "glorot_normal": (lambda m: m.glorot_normal_initializer(), [5, 7], "float32"),
    "truncated_normal": (lambda m: m.truncated_normal_initializer(stddev=0.1), [6, 5], "float32"),
    "truncated_normal mean": (lambda m: m.truncated_normal_initializer(1.0, 0.5), [40], "float64"),
    "random_normal": (lambda m: m.random_normal_initializer(0.5, 2.0), [3, 4], "float32"),
    "random_uniform": (lambda m: m.random_uniform_initializer(-1.0, 1.0), [3, 4], "float32"),
    "random_uniform default": (lambda m: m.random_uniform_initializer(), [7], "float32"),
    "random_uniform int bounds": (lambda m: m.random_uniform_initializer(0, 3), [7], "float32"),
    "random_uniform [0, 1) ints": (lambda m: m.random_uniform_initializer(0, 1), [7], "float64"),
    "random_uniform int32": (lambda m: m.random_uniform_initializer(-5, 5), [9], "int32"),
    "variance_scaling": (lambda m: m.variance_scaling_initializer(), [3, 3, 4, 8], "float32"),
    "variance_scaling fan_out uniform": (
        lambda m: m.variance_scaling_initializer(2.0, "fan_out", "uniform"), [5, 6], "float32"),
    "variance_scaling fan_avg untruncated": (
        lambda m: m.variance_scaling_initializer(0.5, "fan_avg", "untruncated_normal"), [2, 5, 6], "float64"),
    "variance_scaling normal alias": (lambda m: m.variance_scaling_initializer(distribution="normal"), [4], "float32"),
    "he_normal": (lambda m: m.initializers.he_normal(), [8, 4], "float32"),
    "he_uniform": (lambda m: m.initializers.he_uniform(), [8, 4], "float32"),
    "lecun_normal": (lambda m: m.initializers.lecun_normal(), [8, 4], "float32"),
    "lecun_uniform": (lambda m: m.initializers.lecun_uniform(), [8, 4], "float32"),
    "uniform_unit_scaling": (lambda m: m.uniform_unit_scaling_initializer(1.5), [6, 2], "float32"),
    "zeros": (lambda m: m.zeros_initializer(), [3, 2], "float32"),
    "zeros large": (lambda m: m.zeros_initializer(), [50, 40], "float32"),
    "ones": (lambda m: m.ones_initializer(), [2, 2], "int64"),
    "ones large": (lambda m: m.initializers.ones(), [1000], "float64"),
    "constant": (lambda m: m.constant_initializer(2.5), [2, 3], "float32"),
    "constant list padded": (lambda m: m.constant_initializer([1, 2]), [2, 2], "float32"),
    "identity": (lambda m: m.initializers.identity(gain=2.0), [3, 3], "float32"),
    "identity wide": (lambda m: m.initializers.identity(), [3, 4], "float64"),
    "identity tall large": (lambda m: m.initializers.identity(), [40, 30], "float32"),
}


def _draw(m, init, shape, dtype, graph_seed=None, op_seed=None):
    """Three variables in a row from ``init`` (op seed if given), and the values they start with."""
    if graph_seed is not None:
        m.set_random_seed(graph_seed)
    variables = []
    for k in range(3):
        initializer = init(m)
        if initializer is not None and op_seed is not None and hasattr(initializer, "seed"):
            initializer.seed = op_seed + k
        variables.append(m.get_variable(f"v{k}", shape, dtype=getattr(m, dtype), initializer=initializer))
    with m.Session() as sess:
        sess.run(m.global_variables_initializer())
        return [sess.run(v) for v in variables]


def _both(tf1, fn):
    with ts.Graph().as_default():
        ours = fn(ts)
    with tf1.Graph().as_default():
        theirs = fn(tf1)
    return ours, theirs


def _assert_bitwise(ours, theirs):
    for a, b in zip(ours, theirs, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a.view(np.uint8), b.view(np.uint8))


@pytest.mark.parametrize("name", list(CASES))
def test_values_are_tensorflows_bits_under_a_graph_seed(tf1, name):
    init, shape, dtype = CASES[name]
    _assert_bitwise(*_both(tf1, lambda m: _draw(m, init, shape, dtype, graph_seed=42)))


@pytest.mark.parametrize("name", ["glorot_uniform", "truncated_normal", "variance_scaling", "random_uniform"])
def test_values_are_tensorflows_bits_with_op_seeds(tf1, name):
    init, shape, dtype = CASES[name]
    _assert_bitwise(*_both(tf1, lambda m: _draw(m, init, shape, dtype, graph_seed=3, op_seed=11)))
    _assert_bitwise(*_both(tf1, lambda m: _draw(m, init, shape, dtype, op_seed=5)))  # no graph seed


@pytest.mark.parametrize("name", list(CASES))
def test_ops_are_tensorflows(name):
    init, shape, dtype = CASES[name]

    def build(m):
        m.get_variable("v", shape, dtype=getattr(m, dtype), initializer=init(m))
    assert graph_differences(build, {"Add": "AddV2"}) == []


def test_a_tf1_program_starts_with_tensorflows_weights(tf1):
    """A small TF1 model, seeded once: every weight and the first outputs are TF's bits."""
    def program(m):
        m.set_random_seed(1234)
        x = m.placeholder(m.float32, [None, 4], name="x")
        with m.variable_scope("hidden"):
            w1 = m.get_variable("kernel", [4, 8])
            b1 = m.get_variable("bias", [8], initializer=m.zeros_initializer())
        with m.variable_scope("out"):
            w2 = m.get_variable("kernel", [8, 3], initializer=m.truncated_normal_initializer(stddev=0.1))
            b2 = m.get_variable("bias", [3], initializer=m.constant_initializer(0.1))
        w3 = m.get_variable("extra", [3, 3], initializer=m.variance_scaling_initializer(seed=7))
        logits = m.matmul(m.nn.relu(m.matmul(x, w1) + b1), w2) + b2
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            feed = {x: np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)}
            return sess.run([w1, b1, w2, b2, w3]), sess.run(logits, feed)
    (ours, ours_out), (theirs, theirs_out) = _both(tf1, program)
    _assert_bitwise(ours, theirs)
    np.testing.assert_allclose(ours_out, theirs_out, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("shape", [[4, 4], [6, 3], [3, 6], [2, 3, 4]])
def test_orthogonal_is_tensorflows_up_to_rounding(tf1, shape):
    """Same normal draws and recipe (QR, sign of R's diagonal); LAPACK's QR rounds unlike Eigen's."""
    def draw(m):
        m.set_random_seed(5)
        v = m.get_variable("q", shape, initializer=m.orthogonal_initializer(gain=1.5))
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            return sess.run(v)
    ours, theirs = _both(tf1, draw)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
    flat = ours.reshape(-1, shape[-1]) / 1.5
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(gram, np.eye(len(gram)), atol=1e-5)
    assert graph_differences(lambda m: m.get_variable("q", shape, initializer=m.orthogonal_initializer()),
                             {"Add": "AddV2"}) == []


def test_calling_an_initializer_directly(tf1):
    def build(m):
        m.set_random_seed(9)
        a = m.glorot_uniform_initializer()([3, 2])
        b = m.random_normal_initializer(seed=3)([2], dtype=m.float64)
        c = m.zeros_initializer(dtype=m.int32)([2])
        with m.Session() as sess:
            return [sess.run(a), sess.run(b), sess.run(c)], [a.name, b.name, c.name]
    (ours, ours_names), (theirs, theirs_names) = _both(tf1, build)
    _assert_bitwise(ours, theirs)
    assert ours_names == theirs_names


def test_fans_and_config(tf1):
    from tensorslow.init_ops import compute_fans
    assert compute_fans([]) == (1, 1) and compute_fans([5]) == (5, 5) and compute_fans([3, 4]) == (3, 4)
    assert compute_fans([3, 3, 4, 8]) == (36, 72)
    for name in ("zeros", "ones", "constant", "random_normal", "random_uniform", "truncated_normal",
                 "variance_scaling", "glorot_uniform", "glorot_normal", "orthogonal", "identity",
                 "uniform_unit_scaling", "he_normal", "he_uniform", "lecun_normal", "lecun_uniform",
                 "global_variables", "local_variables", "variables"):
        assert callable(getattr(ts.initializers, name)), name
    assert ts.initializers.glorot_uniform is ts.glorot_uniform_initializer
    init = ts.variance_scaling_initializer(2.0, "fan_out", "uniform", seed=4)
    assert init.get_config() == tf1.variance_scaling_initializer(2.0, "fan_out", "uniform", seed=4).get_config()
    assert type(init).from_config(init.get_config()).get_config() == init.get_config()


def _error(m, build):
    try:
        build(m)
    except (ValueError, TypeError) as e:
        return type(e).__name__, str(e).replace("<dtype: 'int32'>", "int32").replace("tf.int32", "int32")
    return None


@pytest.mark.parametrize("case", [
    lambda m: m.orthogonal_initializer()([3]),
    lambda m: m.variance_scaling_initializer(scale=0.0),
    lambda m: m.variance_scaling_initializer(mode="fan_sum"),
    lambda m: m.variance_scaling_initializer(distribution="cauchy"),
    lambda m: m.truncated_normal_initializer(dtype=m.int32),
    lambda m: m.constant_initializer([1, 2, 3])([2]),
    lambda m: m.constant_initializer(object()),
    lambda m: m.initializers.identity()([2, 2, 2]),
], ids=["orthogonal 1-D", "scale 0", "bad mode", "bad distribution", "int dtype", "too many values",
        "bad value", "identity 3-D"])
def test_errors_match_tensorflow(tf1, case):
    ours, theirs = _both(tf1, lambda m: _error(m, case))
    assert theirs is not None
    assert ours[0] == theirs[0]
    assert ours[1].split(" at 0x")[0] == theirs[1].split(" at 0x")[0]


def test_both_executors_give_the_same_bits():
    def values(executor):
        with ts.Graph().as_default():
            ts.set_random_seed(8)
            variables = [ts.get_variable(name, [5, 4], initializer=CASES[name][0](ts))
                         for name in ("glorot_uniform", "truncated_normal", "random_uniform", "identity wide",
                                      "zeros large")]
            variables.append(ts.get_variable("o", [4, 4], initializer=ts.orthogonal_initializer()))
            with ts.Session(executor=executor) as sess:
                sess.run(ts.global_variables_initializer())
                return sess.run(variables)
    _assert_bitwise(values("reference"), values("compiled"))
