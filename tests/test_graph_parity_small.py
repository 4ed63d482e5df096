"""Graph parity of small TF1 pieces: learning-rate schedules, reductions over every axis of a rank known
only at run time, and tf.print (StringFormat, then PrintV2). Each build runs under TensorSlow and under
tf.compat.v1: the graphs must hold the same ops (names, types, order) and compute the same values."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorslow as ts  # noqa: E402
from tensorslow_parity.graph_parity import graph_differences, tensorslow_ops  # noqa: E402
from tensorslow_parity.tf1_behaviour import tf1_behaviour  # noqa: E402

pytest.importorskip("tensorflow")


def run_both(build, feeds=(), steps=(0,)):
    """``build(tf)`` -> (fetch, step variable or None, feed placeholders); the fetch's value at each global
    step of ``steps`` (the step assigned before each run), under TensorSlow and under TF."""
    results = []
    for engine in ("tensorslow", "tf"):
        with tf1_behaviour() if engine == "tf" else _plain(ts) as tf, tf.Graph().as_default():
            fetch, step, placeholders = build(tf)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                values = []
                for k in steps:
                    if step is not None:
                        sess.run(step.assign(k))
                    values.append(sess.run(fetch, dict(zip(placeholders, feeds))))
        results.append(values)
    return results


class _plain:
    def __init__(self, module):
        self.module = module

    def __enter__(self):
        return self.module

    def __exit__(self, *exc):
        return False


# -- learning-rate schedules -----------------------------------------------------------------------

def _schedule(make):
    def build(tf):
        step = tf.train.get_or_create_global_step()
        return make(tf, step), step, ()
    return build


SCHEDULES = {
    "exponential": lambda tf, t: tf.train.exponential_decay(0.1, t, 10, 0.96),
    "exponential_staircase": lambda tf, t: tf.train.exponential_decay(0.1, t, 10, 0.5, staircase=True),
    "exponential_float64_tensors": lambda tf, t: tf.train.exponential_decay(
        tf.constant(0.1, tf.float64), t, tf.constant(10), tf.constant(0.5, tf.float64), name="decay"),
    "natural_exp": lambda tf, t: tf.train.natural_exp_decay(0.1, t, 10, 0.5, staircase=True),
    "natural_exp_float64": lambda tf, t: tf.train.natural_exp_decay(tf.constant(0.1, tf.float64), t, 10, 0.5),
    "inverse_time": lambda tf, t: tf.train.inverse_time_decay(0.1, t, 10, 0.5),
    "inverse_time_staircase_float64": lambda tf, t: tf.train.inverse_time_decay(
        tf.constant(0.1, tf.float64), t, 10.0, 0.5, staircase=True),
    "polynomial": lambda tf, t: tf.train.polynomial_decay(0.1, t, 10, 0.01, power=0.5),
    "polynomial_int_power": lambda tf, t: tf.train.polynomial_decay(0.1, t, 10, power=2),
    "cosine": lambda tf, t: tf.train.cosine_decay(0.1, t, 10, alpha=0.1),
    "linear_cosine": lambda tf, t: tf.train.linear_cosine_decay(0.1, t, 10),
}


@pytest.mark.parametrize("label", sorted(SCHEDULES))
def test_schedule_builds_tfs_ops_and_values(label):
    build = _schedule(SCHEDULES[label])
    assert graph_differences(lambda tf: build(tf)) == []
    ours, theirs = run_both(build, steps=(0, 3, 10, 25))
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert [np.asarray(v).dtype for v in ours] == [np.asarray(v).dtype for v in theirs]


def test_exponential_decay_casts_as_tf_casts():
    """A Python int is the constant Cast/x then a Cast; a Python float already of the rate's dtype is only
    the constant Cast_1/x; the global step (int64) is cast with no constant."""
    ops = tensorslow_ops(lambda tf: tf.train.exponential_decay(0.1, tf.train.get_or_create_global_step(), 10, 0.9))
    decay = [op for op in ops if op[0].startswith("ExponentialDecay")]
    assert decay == [("ExponentialDecay/initial_learning_rate", "Const"), ("ExponentialDecay/Cast/x", "Const"),
                     ("ExponentialDecay/Cast", "Cast"), ("ExponentialDecay/Cast_1/x", "Const"),
                     ("ExponentialDecay/Cast_2", "Cast"), ("ExponentialDecay/truediv", "RealDiv"),
                     ("ExponentialDecay/Pow", "Pow"), ("ExponentialDecay", "Mul")]


def test_piecewise_constant_names_its_and_as_tf():
    """(x > low) & (x <= high): TF's & operator names the LogicalAnd "and"; the ops before the tf.case
    match (the case itself is control flow, compared elsewhere)."""
    def build(tf):
        step = tf.placeholder(tf.int64, [], name="step")
        return tf.train.piecewise_constant(step, [10, 20, 30], [1.0, 0.5, 0.2, 0.1], name="lr")
    before_case = [d for d in graph_differences(build) if "/case/" not in d]
    assert before_case == []
    names = [name for name, op_type in tensorslow_ops(build) if op_type == "LogicalAnd"]
    assert names == ["lr/and", "lr/and_1"]


def test_piecewise_constant_values_and_boundary_dtypes():
    def build(tf):
        step = tf.train.get_or_create_global_step()
        return tf.train.piecewise_constant(step, [3, 6], [1.0, 0.5, 0.1]), step, ()
    ours, theirs = run_both(build, steps=(0, 3, 4, 6, 7))
    np.testing.assert_allclose(ours, theirs)
    with ts.Graph().as_default():
        with pytest.raises(ValueError, match=r"Boundaries .* must have the same dtype as x"):
            ts.train.piecewise_constant(ts.placeholder(ts.int32, []), [1.5, 2.5], [1.0, 0.5, 0.1])


def test_schedules_still_need_a_global_step():
    with ts.Graph().as_default():
        for schedule in (ts.train.exponential_decay, ts.train.inverse_time_decay, ts.train.natural_exp_decay):
            with pytest.raises(ValueError, match="global_step is required"):
                schedule(0.1, None, 10, 0.5)
        with pytest.raises(ValueError, match="global_step is required"):
            ts.train.polynomial_decay(0.1, None, 10)


# -- reductions over every axis of a rank known only at run time -------------------------------------------

REDUCTIONS = ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod")


def test_unknown_rank_reductions_build_rank_and_range():
    def build(tf):
        x = tf.placeholder(tf.float32, name="x")
        flags = tf.placeholder(tf.bool, name="flags")
        [getattr(tf, r)(x) for r in REDUCTIONS]
        tf.reduce_all(flags), tf.reduce_any(flags)
        tf.reduce_sum(x, keepdims=True), tf.reduce_sum(x, 0)  # TF's Rank/range too; an axis given: a constant
    assert graph_differences(build) == []
    ops = tensorslow_ops(build)
    assert ops[2:6] == [("Rank", "Rank"), ("range/start", "Const"), ("range/delta", "Const"), ("range", "Range")]


def test_scalar_reductions_build_a_rank_constant_and_range():
    """TF's fast path tests the rank for truth: a scalar gets Rank (a Const, the rank being known) and a Range."""
    def build(tf):
        x = tf.placeholder(tf.float32, [], name="x")
        tf.reduce_sum(x) + tf.reduce_mean(x, keepdims=True)
    assert graph_differences(build) == []
    assert ("Rank", "Const") in tensorslow_ops(build)


def test_known_rank_reductions_keep_their_constant():
    def build(tf):
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        tf.reduce_mean(x), tf.reduce_sum(x, 1)
    assert graph_differences(build) == []
    assert [t for _, t in tensorslow_ops(build)] == ["Placeholder", "Const", "Mean", "Const", "Sum"]


@pytest.mark.parametrize("value", [np.float32(2.5), np.arange(1.0, 7.0, dtype=np.float32).reshape(2, 3),
                                   np.linspace(0.5, 2.0, 24, dtype=np.float32).reshape(2, 3, 4)])
def test_unknown_rank_reductions_compute_tfs_values_and_gradients(value):
    def build(tf):
        x = tf.placeholder(tf.float32, name="x")
        outs = [getattr(tf, r)(x) for r in REDUCTIONS] + [tf.reduce_sum(x, keepdims=True),
                                                          tf.reduce_logsumexp(x), tf.math.reduce_euclidean_norm(x)]
        grads = tf.gradients(tf.add_n([tf.reduce_sum(o) for o in outs]), x)
        return outs + grads, None, (x,)
    (ours,), (theirs,) = run_both(build, feeds=(value,))
    for a, b in zip(ours, theirs):
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_unknown_rank_reduction_is_a_scalar_and_reads_its_range():
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float32)
        total = ts.reduce_sum(x)
        assert total.shape.ndims == 0 and ts.reduce_sum(x, keepdims=True).shape.ndims is None
        assert [i.op_name for i in total.op.inputs] == ["Placeholder", "range"]
        with ts.Session() as sess:
            assert sess.run(ts.get_default_graph().get_tensor_by_name("range:0"), {x: np.ones((2, 3, 4))}) \
                .tolist() == [0, 1, 2]


def test_logsumexp_reshapes_by_a_shape_op():
    def build(tf):
        tf.reduce_logsumexp(tf.placeholder(tf.float32, [2, 3], name="x"), 1)
        tf.reduce_logsumexp(tf.placeholder(tf.float32, name="y"))
    assert [d for d in graph_differences(build) if "SelectV2" not in d] == []
    assert ("ReduceLogSumExp/Shape", "Shape") in tensorslow_ops(build)


# -- tf.print ---------------------------------------------------------------------------------------------

def _printing(tf):
    x = tf.constant([1.5, 2.0, 3.0, 4.0, 5.0])
    i = tf.constant([[1, 2], [3, 4]])
    return [tf.print("marker W =", x, {"b": i, "a": 2.5}, [3, x], 3),
            tf.print("marker", tf.zeros([10, 10]), summarize=2, name="grid"),
            tf.print("marker", "b", "{}", sep="-", end="!\n"),
            tf.print("marker none", tf.constant(np.arange(10)), summarize=None),
            tf.print("marker all", tf.constant(np.arange(10)), summarize=-1)]


def test_print_builds_string_format_then_print_v2():
    assert graph_differences(_printing) == []
    ops = tensorslow_ops(_printing)
    assert ("grid_format", "StringFormat") in ops and ("grid", "PrintV2") in ops
    assert ops[-2:] == [("StringFormat_3", "StringFormat"), ("PrintV2_3", "PrintV2")]


def test_print_writes_what_tf_writes(capfd):
    texts = []
    for engine in ("tensorslow", "tf"):
        with tf1_behaviour() if engine == "tf" else _plain(ts) as tf, tf.Graph().as_default():
            ops = _printing(tf)
            capfd.readouterr()
            with tf.Session() as sess:
                assert [sess.run(op) for op in ops] == [None] * len(ops)
        texts.append([line for line in capfd.readouterr().err.splitlines() if line.startswith(("marker", " "))])
    assert texts[0] == texts[1]
    assert "marker-b-{}!" in texts[0]


def test_string_format_value_and_errors():
    with ts.Graph().as_default():
        text = ts.ops.logging_ops.string_format("x = {} and {}", [ts.constant([1, 2]), ts.constant(0.5)])
        with ts.Session() as sess:
            assert sess.run(text) == b"x = [1 2] and 0.5"
        with pytest.raises(ValueError, match="The template expects 1 tensors, but the inputs only has 2"):
            ts.ops.logging_ops.string_format("{}", [ts.constant(1), ts.constant(2)])
