"""Convolutions and pooling against tf.compat.v1: the graphs TF builds, static shapes with an unknown batch, the
errors for bad arguments, max-pool ties, and a small LeNet trained for a few steps in both. (Values and gradients
of every variant: the op catalog's tests, ``-k Conv2D`` / ``-k Pool``.)"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import tensorslow as ts  # noqa: E402

tensorflow = pytest.importorskip("tensorflow")
tf1 = tensorflow.compat.v1
RNG = np.random.default_rng(0)


def _graph(lib, build):
    """(output, [(name, type) of the ops that are not constants]) of ``build(lib)`` in a fresh graph."""
    graph = lib.Graph()
    with graph.as_default():
        out = build(lib)
        return out, [(op.name.split(":")[0], op.type) for op in graph.get_operations() if op.type != "Const"]


def _x(lib, shape=(None, 28, 28, 3)):
    return lib.placeholder(lib.float32, shape, name="x")


def _w(lib, shape=(5, 5, 3, 8)):
    return lib.placeholder(lib.float32, shape, name="w")


BUILDS = {
    "conv2d_same_strided": lambda tf: tf.nn.conv2d(_x(tf), _w(tf), strides=[1, 2, 2, 1], padding="SAME"),
    "conv2d_int_strides_valid": lambda tf: tf.nn.conv2d(_x(tf), _w(tf), strides=2, padding="VALID"),
    "conv2d_explicit": lambda tf: tf.nn.conv2d(_x(tf), _w(tf), 1, [[0, 0], [1, 2], [3, 4], [0, 0]]),
    "conv2d_dilated": lambda tf: tf.nn.conv2d(_x(tf), _w(tf), strides=1, padding="SAME", dilations=2),
    "conv2d_filters_named": lambda tf: tf.nn.conv2d(_x(tf), filters=_w(tf), strides=1, padding="SAME", name="c"),
    "conv1d": lambda tf: tf.nn.conv1d(_x(tf, (None, 20, 3)), _w(tf, (5, 3, 8)), stride=2, padding="SAME"),
    "conv2d_transpose": lambda tf: tf.nn.conv2d_transpose(_x(tf, (4, 14, 14, 8)), _w(tf), output_shape=[4, 28, 28, 3],
                                                          strides=[1, 2, 2, 1], padding="SAME"),
    "conv2d_transpose_stacked_shape": lambda tf: tf.nn.conv2d_transpose(
        _x(tf, (None, 14, 14, 8)), _w(tf), output_shape=tf.stack([tf.shape(_x(tf))[0], 28, 28, 3]), strides=2),
    "max_pool": lambda tf: tf.nn.max_pool(_x(tf), ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME"),
    "max_pool_ints_valid": lambda tf: tf.nn.max_pool(_x(tf, (None, 7, 9, 3)), ksize=3, strides=2, padding="VALID"),
    "max_pool2d": lambda tf: tf.nn.max_pool2d(_x(tf), ksize=2, strides=2, padding="VALID"),
    "max_pool1d": lambda tf: tf.nn.max_pool1d(_x(tf, (None, 20, 3)), ksize=2, strides=2, padding="SAME"),
    "avg_pool": lambda tf: tf.nn.avg_pool(_x(tf, (None, 7, 9, 3)), ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1],
                                          padding="SAME"),
    "avg_pool2d": lambda tf: tf.nn.avg_pool2d(_x(tf), ksize=3, strides=2, padding="SAME"),
    "avg_pool1d": lambda tf: tf.nn.avg_pool1d(_x(tf, (None, 20, 3)), ksize=2, strides=2, padding="SAME"),
    "convolution": lambda tf: tf.nn.convolution(_x(tf), _w(tf), padding="SAME"),
}


@pytest.mark.parametrize("name", BUILDS)
def test_graph_names_types_and_static_shape_are_tensorflows(name):
    ts_out, ts_ops = _graph(ts, BUILDS[name])
    tf_out, tf_ops = _graph(tf1, BUILDS[name])
    assert ts_out.name == tf_out.name
    assert ts_out.shape.as_list() == tf_out.shape.as_list()
    if name != "conv2d_transpose_stacked_shape":  # TF slices tf.shape with a StridedSlice, TensorSlow otherwise
        assert ts_ops == tf_ops


def _attrs(lib):
    with lib.Graph().as_default():
        node = lib.nn.conv2d(_x(lib), _w(lib), strides=2, padding=[[0, 0], [1, 2], [3, 4], [0, 0]], dilations=1)
        attrs = {k: node.op.get_attr(k) for k in ("strides", "dilations", "explicit_paddings", "padding",
                                                  "data_format", "use_cudnn_on_gpu")}
    return {k: v.decode() if isinstance(v, bytes) else list(v) if isinstance(v, list) else v for k, v in attrs.items()}


def test_conv_attributes_are_tensorflows():
    assert _attrs(ts) == _attrs(tf1)


BAD = {  # builder -> (error class, words of TF's message)
    "input rank 3": (lambda tf: tf.nn.conv2d(_x(tf, (28, 28, 3)), _w(tf), 1, "SAME"), ValueError,
                     "Shape must be rank 4 but is rank 3"),
    "filter rank 3": (lambda tf: tf.nn.conv2d(_x(tf), _w(tf, (5, 3, 8)), 1, "SAME"), ValueError,
                      "Shape must be rank 4 but is rank 3"),
    "channels": (lambda tf: tf.nn.conv2d(_x(tf), _w(tf, (5, 5, 4, 8)), 1, "SAME"), ValueError, "Depth of input (3)"),
    "lower-case padding": (lambda tf: tf.nn.conv2d(_x(tf), _w(tf), 1, "same"), ValueError,
                           "Attr 'padding' of 'Conv2D' Op passed string 'same' not in"),
    "3 strides": (lambda tf: tf.nn.conv2d(_x(tf), _w(tf), [1, 1, 1], "SAME"), ValueError,
                  "strides should be of length 1, 2 or 4"),
    "zero stride": (lambda tf: tf.nn.conv2d(_x(tf), _w(tf), [1, 0, 0, 1], "SAME"), ValueError, "Stride must be > 0"),
    "too small for VALID": (lambda tf: tf.nn.conv2d(_x(tf, (None, 3, 3, 3)), _w(tf), 1, "VALID"), ValueError,
                            "Negative dimension size caused by subtracting 5 from 3"),
    "dtypes differ": (lambda tf: tf.nn.conv2d(_x(tf), tf.placeholder(tf.float64, (5, 5, 3, 8)), 1, "SAME"),
                      TypeError, "Input 'filter' of 'Conv2D' Op has type float64 that does not match"),
    "padding list of 2": (lambda tf: tf.nn.conv2d(_x(tf), _w(tf), 1, [[1, 1], [1, 1]]), ValueError,
                          "When padding is a list, it must be of size 4"),
    "padding on the batch": (lambda tf: tf.nn.conv2d(_x(tf), _w(tf), 1, [[1, 1], [1, 1], [1, 1], [0, 0]]),
                             ValueError, "Nonzero explicit padding in the batch or depth dimensions"),
    "no padding": (lambda tf: tf.nn.conv2d(_x(tf), _w(tf), 1), TypeError, "Expected string for argument 'padding'"),
    "pool rank 3": (lambda tf: tf.nn.max_pool(_x(tf, (28, 28, 3)), 2, 2, "SAME"), ValueError,
                    "Shape must be rank 4 but is rank 3"),
    "pool padding": (lambda tf: tf.nn.max_pool(_x(tf), 2, 2, "valid"), ValueError,
                     "Attr 'padding' of 'MaxPool' Op passed string 'valid' not in"),
    "avg pool explicit padding": (lambda tf: tf.nn.avg_pool(_x(tf), 2, 2, "EXPLICIT"), ValueError,
                                  "Attr 'padding' of 'AvgPool' Op passed string 'EXPLICIT' not in"),
    "avg pool of ints": (lambda tf: tf.nn.avg_pool(tf.placeholder(tf.int32, (1, 4, 4, 1)), 2, 2, "VALID"), TypeError,
                         "has DataType int32 not in list of allowed values"),
    "pool window too big": (lambda tf: tf.nn.max_pool(_x(tf, (None, 3, 3, 3)), 4, 1, "VALID"), ValueError,
                            "Negative dimension size caused by subtracting 4 from 3"),
    "ksize 0": (lambda tf: tf.nn.max_pool(_x(tf), 0, 2, "VALID"), ValueError, "`ksize` cannot be zero"),
    "transpose channels": (lambda tf: tf.nn.conv2d_transpose(_x(tf, (4, 14, 14, 7)), _w(tf), [4, 28, 28, 3], 2),
                           ValueError, "Dimensions must be equal, but are 7 and 8"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_arguments_raise_tensorflows_error_at_graph_build_time(case):
    build, error, words = BAD[case]
    for lib in (ts, tf1):
        with lib.Graph().as_default(), pytest.raises(error) as caught:
            build(lib)
        assert words in str(caught.value), f"{lib.__name__}: {caught.value}"


@pytest.mark.parametrize("build, words", [
    (lambda tf: tf.nn.conv2d(_x(tf), _w(tf), [2, 1, 1, 1], "SAME"), "strides in the batch and depth dimensions"),
    (lambda tf: tf.nn.conv2d(_x(tf), _w(tf), 1, "SAME", dilations=[1, 1, 1, 2]), "dilations in the batch and depth"),
    (lambda tf: tf.nn.max_pool(_x(tf), [2, 2, 2, 1], 2, "VALID"), "Pooling is not yet supported on the batch"),
    (lambda tf: tf.nn.conv2d(_x(tf, (None, 8, 8, 4)), _w(tf, (3, 3, 2, 4)), 1, "SAME"), "Grouped convolutions"),
])
def test_what_tensorflow_refuses_only_when_it_runs_is_refused_when_built_naming_the_op(build, words):
    with ts.Graph().as_default(), pytest.raises(ValueError, match=words) as caught:
        build(ts)
    assert "(op: '" in str(caught.value)


@pytest.mark.parametrize("executor", ["compiled", "reference"])
def test_a_transpose_whose_output_shape_does_not_fit_its_value_names_the_op(executor):
    with ts.Graph().as_default() as graph:
        value = ts.placeholder(ts.float32, (2, 8, 8, 4))
        out = ts.nn.conv2d_transpose(value, ts.ones((3, 3, 3, 4)), output_shape=[2, 20, 20, 3], strides=2)
        with pytest.raises(ts.errors.InvalidArgumentError, match="conv2d_transpose.*doesn't match computed"):
            ts.Session(graph=graph, executor=executor).run(out, {value: np.ones((2, 8, 8, 4), np.float32)})


def _value_and_gradient(lib, build, x, dtype=np.float64):
    with lib.Graph().as_default():
        xs = lib.placeholder(dtype, x.shape)
        y = build(lib, xs)
        g = lib.gradients(y, xs, grad_ys=lib.ones_like(y))[0]
        return lib.Session().run([y, g], {xs: x})


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pool_sends_a_tied_window_gradient_to_its_first_maximum(dtype):
    x = np.zeros((1, 4, 4, 1), dtype)  # every window is a tie
    build = lambda tf, v: tf.nn.max_pool(v, 2, 1, "VALID")  # noqa: E731  (overlapping windows)
    _, grad = _value_and_gradient(ts, build, x, dtype)
    expected = np.zeros((4, 4))
    expected[:3, :3] = 1  # each window's top-left position
    np.testing.assert_array_equal(grad[0, :, :, 0], expected)
    np.testing.assert_array_equal(grad, _value_and_gradient(tf1, build, x, dtype)[1])


@pytest.mark.parametrize("fill", ["random", "ties", "nan"])
def test_tiling_max_pool_gradient_is_the_one_the_taps_give_and_tensorflows(monkeypatch, fill):
    """2x2 windows at stride 2 tile the input: the gradient is one comparison with the spread-out maxima, unless
    a window is tied or NaN; either way it is what the tap-by-tap loop and TensorFlow give."""
    from tensorslow.ops import pool_ops
    x = RNG.standard_normal((2, 6, 4, 3)).astype(np.float32)
    if fill == "ties":
        x[0, :2, :2, 0] = 1.5  # a tied window
        x[1, 2:4] = x[1, 2:4].max()  # whole rows of tied windows
    elif fill == "nan":
        x[0, 1, 1, 2] = np.nan
    build = lambda tf, v: tf.nn.max_pool(v, 2, 2, "SAME") * np.arange(1, 4, dtype=np.float32)  # noqa: E731
    fast = _value_and_gradient(ts, build, x, np.float32)
    monkeypatch.setattr(pool_ops, "_tiles", lambda *args: False)
    taps = _value_and_gradient(ts, build, x, np.float32)
    np.testing.assert_array_equal(fast[1], taps[1])
    if fill != "nan":  # TF's MaxPool passes over a NaN (its maximum is the window's other values'): not here
        np.testing.assert_array_equal(fast[1], _value_and_gradient(tf1, build, x, np.float32)[1])


def test_avg_pool_same_divides_by_the_real_positions_of_each_window():
    x = np.ones((1, 3, 3, 1))
    y, _ = _value_and_gradient(ts, lambda tf, v: tf.nn.avg_pool(v, 2, 2, "SAME") * 0 + tf.nn.avg_pool(v * 4, 2, 2,
                                                                                                        "SAME"), x)
    np.testing.assert_array_equal(y, np.full((1, 2, 2, 1), 4.0))  # windows of 4, 2, 2 and 1 real positions


def test_dilated_filter_gradient_matches_finite_differences():
    # TF's CPU kernels have no gradients for dilated convolutions to compare with.
    x, w = RNG.standard_normal((1, 6, 5, 2)), RNG.standard_normal((2, 2, 2, 2))
    weights = RNG.standard_normal((1, 6, 3, 2))
    with ts.Graph().as_default():
        xs, ws = ts.placeholder(ts.float64, x.shape), ts.placeholder(ts.float64, w.shape)
        loss = ts.reduce_sum(ts.nn.conv2d(xs, ws, strides=[1, 2], padding="SAME", dilations=[2, 3]) * weights)
        sess = ts.Session()
        grads = sess.run(ts.gradients(loss, [xs, ws]), {xs: x, ws: w})
        for k, value in enumerate((x, w)):
            numeric = np.zeros_like(value)
            for i in np.ndindex(value.shape):
                step = np.zeros_like(value)
                step[i] = 1e-6
                feeds = [{xs: x, ws: w} for _ in range(2)]
                feeds[0][[xs, ws][k]], feeds[1][[xs, ws][k]] = value + step, value - step
                numeric[i] = (sess.run(loss, feeds[0]) - sess.run(loss, feeds[1])) / 2e-6
            np.testing.assert_allclose(grads[k], numeric, rtol=1e-6, atol=1e-8)


def test_integer_convolution_and_max_pool_keep_their_dtype():
    x = RNG.integers(-3, 4, (1, 5, 5, 2)).astype(np.int32)
    w = RNG.integers(-2, 3, (2, 2, 2, 3)).astype(np.int32)
    results = []
    for lib in (ts, tf1):
        with lib.Graph().as_default():
            y = lib.nn.conv2d(lib.constant(x), lib.constant(w), 1, "SAME")
            results.append(lib.Session().run([y, lib.nn.max_pool(y, 2, 2, "SAME")]))
    for ours, theirs in zip(*results):
        assert ours.dtype == theirs.dtype == np.int32
        np.testing.assert_array_equal(ours, theirs)


def lenet_losses(tf, x, y, weights, steps=3):
    """A small LeNet (conv 5x5 SAME, relu, max pool 2, twice; dense; softmax cross-entropy; SGD) trained
    ``steps`` steps: the losses."""
    with tf.Graph().as_default():
        xs, ys = tf.placeholder(tf.float64, (None, *x.shape[1:])), tf.placeholder(tf.float64, (None, y.shape[1]))
        w1, b1, w2, b2, w3, b3 = (tf.Variable(w) for w in weights)
        h = tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(xs, w1, [1, 1, 1, 1], "SAME") + b1), [1, 2, 2, 1], [1, 2, 2, 1],
                           "SAME")
        h = tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(h, w2, 1, "SAME") + b2), 2, 2, "SAME")
        logits = tf.matmul(tf.reshape(h, [-1, int(np.prod(h.shape.as_list()[1:]))]), w3) + b3
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=ys, logits=logits))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return [sess.run([train, loss], {xs: x, ys: y})[1] for _ in range(steps)]


def test_a_small_lenet_trains_as_in_tensorflow():
    x, y = RNG.standard_normal((6, 12, 12, 1)), np.eye(4)[RNG.integers(0, 4, 6)]
    weights = [RNG.standard_normal((5, 5, 1, 4)) * 0.3, np.zeros(4), RNG.standard_normal((5, 5, 4, 6)) * 0.2,
               np.zeros(6), RNG.standard_normal((3 * 3 * 6, 4)) * 0.2, np.zeros(4)]
    np.testing.assert_allclose(lenet_losses(ts, x, y, weights), lenet_losses(tf1, x, y, weights), rtol=1e-10)


def test_the_benchmarks_lenet_step_is_the_same_in_tensorslow_and_tf1():
    from tensorslow_parity.bench import course
    from tensorslow_parity.bench.lenet import LeNetModel, LeNetPoint
    point = LeNetPoint(batch_size=4, size=8, filters=(2, 3), hidden=5, classes=3)
    weights, x, y, _, _ = point.problem(seed=1)
    losses = []
    for engine in ("tensorslow", "tf1"):
        model = LeNetModel(engine, point, weights, np.float64)
        losses.append([model.train_step(x, y) for _ in range(3)])
        model.close()
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-10)
    assert losses[0][2] < losses[0][0]
    with pytest.raises(ValueError, match="no LeNet model in engine 'numpy'"):
        LeNetModel("numpy", point, weights, np.float64)
    # make bench times it and checks the target
    assert course.LENET in course.CourseConfig().cases
    assert any(t.case is course.LENET and (t.engine, t.baseline, t.max_ratio) == ("tensorslow", "tf1", 2.0)
               for t in course.TARGETS)


CONV_CASES = {  # (input shape, filter shape, strides, padding, dilations)
    "same": ((3, 7, 6, 2), (3, 3, 2, 4), 1, "SAME", 1),
    "valid": ((2, 6, 7, 3), (2, 3, 3, 2), 1, "VALID", 1),
    "explicit": ((2, 6, 6, 2), (3, 2, 2, 3), 1, [[0, 0], [1, 2], [0, 1], [0, 0]], 1),
    "explicit_wider_than_the_window": ((2, 5, 5, 2), (2, 2, 2, 3), 1, [[0, 0], [3, 0], [0, 2], [0, 0]], 1),
    "strides": ((2, 9, 8, 2), (3, 3, 2, 3), [1, 2, 3, 1], "SAME", 1),
    "dilations": ((2, 8, 9, 2), (2, 3, 2, 3), 1, "SAME", [1, 2, 2, 1]),
    "one_channel": ((3, 7, 6, 1), (3, 3, 1, 4), 1, "SAME", 1),  # im2col made tap by tap
    "one_channel_strided": ((2, 9, 8, 1), (3, 2, 1, 3), [1, 2, 3, 1], "SAME", 1),
}


# (bytes of im2col rows in a block: a row, some rows or an image, the whole batch; TRIM_BELOW: 0 keeps every
# window whole, 1 skips the padding of every window that has some)
@pytest.mark.parametrize("block_bytes, trim_below", [(1, 1.0), (5000, 0.0), (5000, 1.0), (1 << 20, 0.0),
                                                     (1 << 20, 1.0)])
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_value_and_gradients_in_blocks_are_tensorflows(monkeypatch, case, block_bytes, trim_below):
    from tensorslow import conv_kernels
    monkeypatch.setattr(conv_kernels, "BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(conv_kernels, "TRIM_BELOW", trim_below)
    x_shape, w_shape, strides, padding, dilations = CONV_CASES[case]
    x, w = RNG.standard_normal(x_shape), RNG.standard_normal(w_shape)
    results = []
    for lib in (ts, tf1):
        with lib.Graph().as_default():
            xs, ws = lib.constant(x), lib.constant(w)
            y = lib.nn.conv2d(xs, ws, strides, padding, dilations=dilations) if case != "dilations" else \
                lib.nn.convolution(xs, ws, padding=padding, dilation_rate=dilations[1:3])  # TF: no dilated gradient
            weights = np.linspace(-1, 1, int(np.prod(y.shape.as_list()))).reshape(y.shape.as_list())
            results.append(lib.Session().run([y, *lib.gradients(lib.reduce_sum(y * weights), [xs, ws])]))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("block_bytes, trim_below", [(1, 1.0), (1 << 20, 0.0)])
def test_conv2d_transpose_and_its_gradients_in_blocks_are_tensorflows(monkeypatch, block_bytes, trim_below):
    from tensorslow import conv_kernels
    monkeypatch.setattr(conv_kernels, "BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(conv_kernels, "TRIM_BELOW", trim_below)
    value, w = RNG.standard_normal((2, 3, 4, 3)), RNG.standard_normal((3, 3, 2, 3))
    results = []
    for lib in (ts, tf1):
        with lib.Graph().as_default():
            vs, ws = lib.constant(value), lib.constant(w)
            y = lib.nn.conv2d_transpose(vs, ws, [2, 6, 8, 2], strides=2, padding="SAME")
            weights = np.linspace(-1, 1, 2 * 6 * 8 * 2).reshape(2, 6, 8, 2)
            results.append(lib.Session().run([y, *lib.gradients(lib.reduce_sum(y * weights), [vs, ws])]))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_the_windows_of_lenets_second_layer_skip_their_padding_and_its_first_layers_stay_whole():
    """14x14 outputs of 5x5 SAME windows: 5 runs of rows (taps 2-4, 1-4, all, 0-3, 0-2) times 5 of columns,
    (64/70)^2 of the products of whole windows; 28x28x1 (134/140)^2 is above TRIM_BELOW: one group."""
    from tensorslow import conv_kernels
    ones = [1, 1, 1, 1]
    assert conv_kernels.tap_runs(14, 14, 5, 1, 1, 2) == [[0, 1, 2, 5], [1, 2, 1, 5], [2, 12, 0, 5], [12, 13, 0, 4],
                                                          [13, 14, 0, 3]]
    groups = conv_kernels.window_groups((64, 14, 14, 32), (5, 5), (2, 2, 2, 2), (14, 14), ones, ones)
    assert len(groups) == 25 and (slice(2, 12), slice(2, 12), slice(0, 5), slice(0, 5)) in groups
    products = sum((r.stop - r.start) * (c.stop - c.start) * (a.stop - a.start) * (b.stop - b.start)
                   for r, c, a, b in groups)
    assert products == 64 * 64  # of 70 * 70 (14 * 14 windows of 25 taps): 84%
    assert conv_kernels.window_groups((64, 28, 28, 1), (5, 5), (2, 2, 2, 2), (28, 28), ones, ones) == [
        (slice(0, 28), slice(0, 28), slice(0, 5), slice(0, 5))]
    # 2 real rows after 3 of padding, 2-tap windows: the first two windows are wholly in the padding (no taps),
    # in no group (their outputs are 0)
    assert conv_kernels.tap_runs(2, 4, 2, 1, 1, 3) == [[0, 1, 3, 2], [1, 2, 2, 2], [2, 3, 1, 2], [3, 4, 0, 2]]
    assert conv_kernels.window_groups((1, 2, 1, 1), (2, 1), (3, 0, 0, 0), (4, 1), ones, ones) == [
        (slice(2, 3), slice(0, 1), slice(1, 2), slice(0, 1)), (slice(3, 4), slice(0, 1), slice(0, 2), slice(0, 1))]

