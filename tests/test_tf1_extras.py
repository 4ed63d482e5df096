"""TF1 pieces that classic programs use beyond the basics, each against ``tensorflow.compat.v1``:
masks (sequence_mask, boolean_mask), segment sums, LRN's errors, learning-rate schedules, tf.Print and
tf.print output, py_func, tf.metrics, ExponentialMovingAverage and tf.nest.

Values and gradients of the new op types (LRN, UnsortedSegmentSum, SegmentSum, SegmentMean, Print,
PyFunc) are also checked by the op catalog's tests (``tensorslow_parity/ops/catalog/extras.py``).
"""
import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import tensorslow as ts  # noqa: E402

tensorflow = pytest.importorskip("tensorflow")
tf1 = tensorflow.compat.v1


def run_both(build, feeds=None, steps=1):
    """``build(tf)`` -> fetches, in a fresh graph of each framework; the fetched values ``steps`` times."""
    out = []
    for tf in (ts, tf1):
        with tf.Graph().as_default():
            fetches = build(tf)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                sess.run(tf.local_variables_initializer())
                out.append([sess.run(fetches, feeds(tf) if feeds else None) for _ in range(steps)])
    return out


def assert_same(ours, theirs, rtol=1e-6, atol=1e-7):
    if isinstance(ours, (list, tuple)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b, rtol, atol)
        return
    a, b = np.asarray(ours), np.asarray(theirs)
    assert a.shape == b.shape and a.dtype == b.dtype, (a, b)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def error_of(tf, build):
    """(class name, message) of what building and running ``build(tf)`` raises."""
    with tf.Graph().as_default():
        try:
            with tf.Session() as sess:
                sess.run(build(tf))
        except Exception as e:  # noqa: BLE001  (any error: its class is compared)
            return type(e).__name__, str(e)
    return None, None


# -- masks --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [([1, 3, 0], 4), ([[1, 3], [2, 0]], None), ([1.0, 3.0], 4), ([2, 5, 1], 3)])
def test_sequence_mask_matches_tf(args):
    lengths, maxlen = args
    ours, theirs = run_both(lambda tf: [tf.sequence_mask(lengths, maxlen),
                                        tf.sequence_mask(lengths, maxlen, dtype=tf.float32)])
    assert_same(ours, theirs)


def test_sequence_mask_names_and_shape_as_tf():
    for tf in (ts, tf1):
        with tf.Graph().as_default():
            m = tf.sequence_mask(tf.placeholder(tf.int32, [None]), 5, dtype=tf.float32)
            assert m.name == "SequenceMask/Cast_1:0" and m.shape.as_list() == [None, 5]


def test_sequence_mask_rejects_a_non_scalar_maxlen():
    with pytest.raises(ValueError, match="Argument `maxlen` must be scalar for sequence_mask"):
        ts.sequence_mask([1, 3], [4])


@pytest.mark.parametrize("axis", [None, 1])
def test_boolean_mask_values_and_gradient_match_tf(axis):
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7

    def build(tf):
        xt = tf.constant(x)
        mask = [[True, False, True], [False, True, True]] if axis is None else [[True, False, True, True]] * 3
        y = tf.boolean_mask(xt * 2.0, mask, axis=axis)
        return [y, tf.gradients(tf.reduce_sum(tf.square(y)), xt)[0]]
    ours, theirs = run_both(build)
    assert_same(ours, theirs)


def test_boolean_mask_static_shape_and_errors_as_tf():
    for tf in (ts, tf1):
        with tf.Graph().as_default():
            y = tf.boolean_mask(tf.placeholder(tf.float32, [None, 5, 3]), tf.placeholder(tf.bool, [None, 5]))
            assert y.shape.as_list() == [None, 3] and y.name == "boolean_mask/GatherV2:0"
    with pytest.raises(ValueError, match=r"Shapes \(2,\) and \(3,\) are incompatible"):
        ts.boolean_mask([[1, 2], [3, 4]], [True, False, True])
    with pytest.raises(ValueError, match="mask cannot be scalar"):
        ts.boolean_mask([[1, 2], [3, 4]], True)


# -- segment sums -------------------------------------------------------------------------------------

def test_segment_ops_match_tf():
    data = np.arange(12, dtype=np.float32).reshape(6, 2)
    ours, theirs = run_both(lambda tf: [
        tf.unsorted_segment_sum(data, [0, 2, -1, 2, 0, 1], 4),
        tf.unsorted_segment_sum(data.reshape(3, 2, 2), [[0, 1], [1, 1], [2, -1]], 3),
        tf.unsorted_segment_sum([1, 2, 3], [0, 1, 1], 2),
        tf.segment_sum(data, [0, 0, 2, 2, 2, 3]), tf.segment_mean(data, [0, 0, 2, 2, 2, 3])])
    assert_same(ours, theirs)


@pytest.mark.parametrize("build", [
    lambda tf: tf.unsorted_segment_sum([1.0, 2.0, 3.0], [0, 5, 1], 3),
    lambda tf: tf.unsorted_segment_sum(tf.placeholder_with_default([[1.0, 2.0], [3.0, 4.0]], None),
                                       tf.placeholder_with_default([0, 1, 1], None), 3),
    lambda tf: tf.segment_sum(tf.placeholder_with_default([1.0, 2.0, 3.0], None),
                              tf.placeholder_with_default([1, 0, 1], None)),
    lambda tf: tf.segment_sum(tf.placeholder_with_default([1.0, 2.0, 3.0], None),
                              tf.placeholder_with_default([-1, 0, 1], None)),
    lambda tf: tf.segment_sum([1.0, 2.0, 3.0], [0, 0]),
], ids=["id_out_of_range", "shape_prefix", "not_increasing", "negative", "length"])
def test_segment_run_time_errors_match_tf(build):
    ours, theirs = error_of(ts, build), error_of(tf1, build)
    assert ours[0] == theirs[0] == "InvalidArgumentError"
    assert ours[1].split(" [")[0].split(" (")[0] in theirs[1]


def test_unsorted_segment_sum_static_shape_error():
    with pytest.raises(ValueError, match="does not start with segment_ids"):
        ts.unsorted_segment_sum([[1.0, 2.0], [3.0, 4.0]], [0, 1, 1], 3)


# -- LRN ----------------------------------------------------------------------------------------------

def test_lrn_errors_match_tf():
    with pytest.raises(ValueError, match="Shape must be rank 4 but is rank 3"):
        ts.nn.lrn(ts.zeros([2, 3, 4]))
    with pytest.raises(TypeError, match="not in list of allowed values: float16, bfloat16, float32"):
        ts.nn.lrn(ts.zeros([1, 2, 2, 3], ts.int32))
    assert ts.nn.local_response_normalization is ts.nn.lrn
    for tf in (ts, tf1):
        with tf.Graph().as_default():
            assert tf.nn.lrn(tf.zeros([1, 2, 2, 3]), 2, name="norm1").name == "norm1:0"


# -- learning-rate schedules ----------------------------------------------------------------------------

def test_schedules_follow_tf_over_fifty_steps():
    runs = []
    for tf in (ts, tf1):
        with tf.Graph().as_default():
            gs = tf.train.get_or_create_global_step()
            schedules = [
                tf.train.piecewise_constant(gs, [20, 40], [0.1, 0.05, 0.01]),
                tf.train.exponential_decay(tf.train.piecewise_constant(gs, [3], [1.0, 0.5]), gs, 10, 0.9,
                                           staircase=True),
                tf.train.exponential_decay(0.1, gs, 7, 0.96), tf.train.natural_exp_decay(0.1, gs, 5, 0.5, True),
                tf.train.inverse_time_decay(0.1, gs, 5, 0.5), tf.train.inverse_time_decay(0.1, gs, 5, 0.5, True),
                tf.train.polynomial_decay(0.1, gs, 30, 0.001, power=2.0),
                tf.train.polynomial_decay(0.1, gs, 8, cycle=True, power=0.5)]
            step = tf.assign_add(gs, 1)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                runs.append([sess.run(schedules) for _ in range(50) if sess.run(step) is not None])
    # a few ulp apart where TF's graph optimizer turns x / constant into x * (1 / constant)
    assert_same(runs[0], runs[1], rtol=1e-6, atol=0)


def test_piecewise_constant_checks_its_lists():
    with pytest.raises(ValueError, match="The length of boundaries should be 1 less than the length of values"):
        ts.train.piecewise_constant(ts.constant(1), [1, 2], [0.1])
    with pytest.raises(ValueError, match="global_step is required"):
        ts.train.exponential_decay(0.1, None, 10, 0.9)


# -- tf.Print and tf.print ----------------------------------------------------------------------------

def _printing(tf):
    x = tf.constant([1.5, 2.0, 3.0, 4.0, 5.0])
    i = tf.constant([[1, 2], [3, 4]])
    cube = tf.constant(np.arange(24).reshape(2, 3, 4))
    passed = tf.Print(x, [x, 3.0, i, tf.constant([True, False]), tf.zeros([0]), tf.constant(1e-8),
                          tf.constant(123456789.0), tf.constant(np.float64(1 / 3)), cube, tf.constant(np.inf)],
                      message="marker Print: ", first_n=2)
    everything = tf.Print(x, [cube], message="marker all: ", summarize=-1)
    some = tf.Print(x, [cube], message="marker seven: ", summarize=7)
    prints = [tf.print("marker W =", x, {"b": i, "a": 2.5}, [3, x], 3),
              tf.print("marker", tf.zeros([10, 10]), summarize=2),
              tf.print("marker", "b", sep="-", end="!\n"),
              tf.print("marker", tf.constant(np.arange(60).reshape(3, 4, 5)), summarize=1),
              tf.print("marker", tf.constant(np.arange(7.0) / 3)),
              tf.print("marker", tf.zeros([2, 0]))]
    return [passed, passed, passed, everything, some, *prints]


def test_print_ops_write_what_tf_writes(capfd):
    texts, values = [], []
    for tf in (ts, tf1):
        capfd.readouterr()
        with tf.Graph().as_default():
            ops = _printing(tf)
            with tf.Session() as sess:
                values.append([sess.run(op) for op in ops])
        err = capfd.readouterr().err
        texts.append([line for line in err.splitlines() if line.startswith(("marker", " ", "["))])
    assert texts[0] == texts[1]
    assert len([t for t in texts[0] if t.startswith("marker Print")]) == 2  # first_n=2 of three runs
    assert_same(values[0][:5], values[1][:5])
    assert values[0][5:] == [None] * 6


def test_print_passes_its_gradient_through():
    def build(tf):
        x = tf.constant([1.0, 2.0])
        return tf.gradients(tf.reduce_sum(tf.Print(x * x, [x], first_n=0) * 3.0), x)[0]
    ours, theirs = run_both(build)
    assert_same(ours, theirs)


def test_print_v2_rejects_an_unknown_stream():
    with pytest.raises(ValueError, match="Unsupported output stream, logging level, or file"):
        ts.print("x", output_stream="stderr")


# -- py_func ------------------------------------------------------------------------------------------

def test_py_func_values_match_tf():
    def build(tf):
        x = tf.constant([1.0, 2.0])
        single = tf.py_func(lambda a: a * 2, [x], tf.float32)
        pair = tf.py_func(lambda a, b: (a + b, np.float32(a.sum())), [x, 2.0], [tf.float32, tf.float32])
        kinds = tf.py_func(lambda a: np.int64(isinstance(a, np.float32)), [tf.constant(2.0)], tf.int64)
        stateless = tf.py_func(np.square, [x], tf.float32, stateful=False)
        return [single, pair, kinds, stateless]
    ours, theirs = run_both(build)
    assert_same(ours, theirs)
    for tf in (ts, tf1):
        with tf.Graph().as_default():
            x = tf.constant([1.0])
            assert tf.gradients(tf.py_func(lambda a: a, [x], tf.float32), x) == [None]
            assert tf.py_func(lambda a: a, [x], tf.float32).shape.ndims is None


@pytest.mark.parametrize("func, tout", [
    (lambda a: a.astype(np.float64), "float32"), (lambda a: [1.0, 2.0], "float32"), (lambda a: a, "pair"),
    (lambda a: np.array([1, 2]), "float32"), (lambda a: np.array([1.5]), "int32")],
    ids=["double_for_float", "list_is_two_values", "one_for_two", "int64_for_float", "double_for_int"])
def test_py_func_result_errors_match_tf(func, tout):
    def build(tf):
        out = [tf.float32, tf.float32] if tout == "pair" else tf.as_dtype(tout)
        return tf.py_func(func, [tf.constant([1.0, 2.0])], out)
    ours, theirs = error_of(ts, build), error_of(tf1, build)
    assert ours[0] == theirs[0] == "InvalidArgumentError"
    assert re.sub(r"pyfunc_\d+", "pyfunc_N", ours[1]) in re.sub(r"pyfunc_\d+", "pyfunc_N", theirs[1])


# -- tf.metrics ---------------------------------------------------------------------------------------

BATCHES = [([1, 0, 1, 1], [1, 1, 0, 1]), ([0, 0, 1], [0, 1, 1]), ([1, 1], [1, 1])]


def _metric_graph(tf):
    labels, predictions = tf.placeholder(tf.int32, [None]), tf.placeholder(tf.int64, [None])
    weights = tf.placeholder(tf.float32, [None])
    y, p = tf.cast(labels, tf.float32), tf.cast(predictions, tf.float32)
    metrics = [tf.metrics.accuracy(labels, predictions), tf.metrics.accuracy(labels, predictions, weights),
               tf.metrics.mean(y * 3.0, weights=weights), tf.metrics.precision(labels, predictions),
               tf.metrics.recall(labels, predictions), tf.metrics.mean_squared_error(y, p * 0.5),
               tf.metrics.root_mean_squared_error(y, p * 0.5), tf.metrics.mean_absolute_error(y, p * 0.5),
               tf.metrics.true_positives(labels, predictions), tf.metrics.false_negatives(labels, predictions)]
    return (labels, predictions, weights), [m[0] for m in metrics], [m[1] for m in metrics]


def test_streaming_metrics_match_tf():
    results, names = [], []
    for tf in (ts, tf1):
        with tf.Graph().as_default():
            (labels, predictions, weights), values, updates = _metric_graph(tf)
            names.append(([v.name for v in values], sorted(v.name for v in tf.local_variables()),
                          tf.global_variables()))
            with tf.Session() as sess:
                sess.run(tf.local_variables_initializer())
                run = [sess.run(values)]
                for y, p in BATCHES:
                    feed = {labels: y, predictions: p, weights: np.linspace(0.5, 1.0, len(y))}
                    run += [sess.run(updates, feed), sess.run(values)]
                sess.run(tf.local_variables_initializer())
                run.append(sess.run(values))
            results.append(run)
    assert_same(results[0], results[1])
    assert names[0][:2] == names[1][:2] and names[0][2] == names[1][2] == []


def test_metrics_check_shapes():
    with pytest.raises(ValueError, match="incompatible"):
        ts.metrics.accuracy(ts.constant([1, 2, 3]), ts.constant([1, 2]))


# -- ExponentialMovingAverage -------------------------------------------------------------------------

def test_exponential_moving_average_matches_tf():
    def build(tf):
        w = tf.Variable([1.0, -2.0], name="w")
        step = tf.train.get_or_create_global_step()
        loss = tf.reduce_sum(tf.square(w - 3.0))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
        ema = tf.train.ExponentialMovingAverage(0.9, num_updates=step)
        debiased = tf.train.ExponentialMovingAverage(0.8, zero_debias=True, name="avg")
        plain = tf.train.ExponentialMovingAverage(0.7, name="plain")
        ops = [train, ema.apply([w]), debiased.apply([loss]), plain.apply([loss])]
        names = [v.name for v in tf.global_variables()], ema.average_name(w), sorted(ema.variables_to_restore())
        return ops, [ema.average(w), debiased.average(loss), plain.average(loss)], names
    runs = []
    for tf in (ts, tf1):
        with tf.Graph().as_default():
            ops, averages, names = build(tf)
            assert [v.name for v in tf.moving_average_variables()] == ["w:0"]
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                values = [sess.run(averages)]
                for _ in range(5):
                    for op in ops:
                        sess.run(op)
                    values.append(sess.run(averages))
            runs.append((values, names))
    assert_same(runs[0][0], runs[1][0])
    assert runs[0][1] == runs[1][1]


def test_exponential_moving_average_rejects_integers():
    with pytest.raises(TypeError, match="The variables must be half, float, or double"):
        ts.train.ExponentialMovingAverage(0.9).apply([ts.Variable(1, name="count")])


# -- tf.nest ------------------------------------------------------------------------------------------

def test_nest_matches_tf():
    structure = {"b": (1, [2, 3]), "a": 4}
    assert ts.nest.flatten(structure) == tf1.nest.flatten(structure) == [4, 1, 2, 3]
    assert ts.nest.map_structure(lambda x, y: x + y, structure, structure) == \
        tf1.nest.map_structure(lambda x, y: x + y, structure, structure)
    assert ts.nest.pack_sequence_as(structure, [5, 6, 7, 8]) == tf1.nest.pack_sequence_as(structure, [5, 6, 7, 8])
    with pytest.raises(ValueError):
        ts.nest.map_structure(lambda x, y: x, (1, 2), (1, 2, 3))
