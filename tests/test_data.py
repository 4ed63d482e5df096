"""``tf.data`` against TF1: the elements a TF1 program reads from its iterators, in TF's order.

Each pipeline is built by one function ``build(tf)`` that runs unchanged with ``tf`` being ``tensorslow``
or ``tensorflow.compat.v1`` (graph mode); both are read through ``tf.data.make_one_shot_iterator(ds)
.get_next()`` in a Session until "End of sequence", and the elements must be equal: same nesting, same
dtypes, same values. Shuffles must give TF's orders for the same seeds. Then: initializable iterators fed
with placeholders (a training loop), one element per run, iterator state per session, and the errors
of bad pipelines (TF's error classes and texts).
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import collections  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import tensorslow as ts  # noqa: E402

tensorflow = pytest.importorskip("tensorflow")
tf1 = tensorflow.compat.v1  # graph mode inside each test's tf1.Graph(); never disable_v2_behavior() here

X = np.arange(12, dtype=np.float32).reshape(6, 2)
Y = np.array([0, 1, 1, 0, 1, 0], dtype=np.int64)
Pair = collections.namedtuple("Pair", ["x", "y"])


def read(tf, build, limit=200, executor=None):
    """Every element of ``build(tf)`` read through a one-shot iterator (at most ``limit``)."""
    graph = tf.Graph()
    with graph.as_default():
        element = tf.data.make_one_shot_iterator(build(tf)).get_next()
        options = {"executor": executor} if executor else {}
        with tf.Session(graph=graph, **options) as sess:
            return read_all(tf, sess, element, limit)


def read_all(tf, sess, element, limit=200, feed=None):
    out = []
    try:
        while len(out) < limit:
            out.append(sess.run(element, feed))
    except tf.errors.OutOfRangeError:
        pass
    return out


def assert_same(mine, theirs, path="element"):
    """Same nesting, same dtypes, same values."""
    assert type(mine) is type(theirs) or (isinstance(mine, (np.ndarray, np.generic))
                                          and isinstance(theirs, (np.ndarray, np.generic))), \
        f"{path}: {type(mine).__name__} vs TF's {type(theirs).__name__}"
    if isinstance(theirs, dict):
        assert sorted(mine) == sorted(theirs), path
        for k in theirs:
            assert_same(mine[k], theirs[k], f"{path}[{k!r}]")
    elif isinstance(theirs, (tuple, list)):
        assert len(mine) == len(theirs), f"{path}: {len(mine)} vs TF's {len(theirs)}"
        for k, (a, b) in enumerate(zip(mine, theirs)):
            assert_same(a, b, f"{path}[{k}]")
    else:
        assert np.asarray(mine).dtype == np.asarray(theirs).dtype, f"{path}: {np.asarray(mine).dtype} vs TF's " \
                                                                   f"{np.asarray(theirs).dtype}"
        np.testing.assert_array_equal(mine, theirs, err_msg=path)


def same_as_tf(build, limit=200):
    mine, theirs = read(ts, build, limit), read(tf1, build, limit)
    assert_same(mine, theirs)
    return mine


def ragged():
    """A generator of elements of different lengths: (i, [i, i, ... i times])."""
    for i in range(5):
        yield i, [float(i)] * i


PIPELINES = {
    "slices": lambda tf: tf.data.Dataset.from_tensor_slices(X),
    "slices_tuple": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)),
    "slices_dict": lambda tf: tf.data.Dataset.from_tensor_slices({"x": X, "y": Y}),
    "slices_nested": lambda tf: tf.data.Dataset.from_tensor_slices(((X, Y), {"w": Y * 2})),
    "slices_namedtuple": lambda tf: tf.data.Dataset.from_tensor_slices(Pair(X, Y)),
    "slices_python_list": lambda tf: tf.data.Dataset.from_tensor_slices([[1.5, 2.0], [3.0, 4.0]]),
    "slices_python_ints": lambda tf: tf.data.Dataset.from_tensor_slices([1, 2, 3]),
    "slices_of_tensor": lambda tf: tf.data.Dataset.from_tensor_slices(tf.constant(X) * 2),
    "from_tensors": lambda tf: tf.data.Dataset.from_tensors({"x": X, "s": 3}).repeat(2),
    "range": lambda tf: tf.data.Dataset.range(5),
    "range_start_stop_step": lambda tf: tf.data.Dataset.range(2, 11, 3),
    "range_down": lambda tf: tf.data.Dataset.range(5, 0, -2),
    "range_int32": lambda tf: tf.data.Dataset.range(3, output_type=tf.int32),
    "batch": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(4),
    "batch_drop": lambda tf: tf.data.Dataset.range(10).batch(3, drop_remainder=True),
    "batch_of_batches": lambda tf: tf.data.Dataset.range(10).batch(2).batch(2, drop_remainder=True),
    "repeat": lambda tf: tf.data.Dataset.range(3).repeat(3),
    "repeat_forever_take": lambda tf: tf.data.Dataset.range(3).repeat().take(8),
    "repeat_then_batch": lambda tf: tf.data.Dataset.range(5).repeat(2).batch(4),
    "take_skip": lambda tf: tf.data.Dataset.range(10).skip(2).take(5),
    "take_all_skip_all": lambda tf: tf.data.Dataset.range(4).take(-1).concatenate(tf.data.Dataset.range(4).skip(-1)),
    "prefetch": lambda tf: tf.data.Dataset.range(4).prefetch(2).batch(2).prefetch(1),
    "map_ops": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).map(
        lambda x, y: (tf.reduce_sum(x * x) / 2.0, tf.one_hot(y, 2), tf.cast(y, tf.float32) + 1)),
    "map_dict": lambda tf: tf.data.Dataset.from_tensor_slices({"x": X, "y": Y}).map(
        lambda d: {"z": d["x"] * 3.0, "y": d["y"]}),
    "map_list_and_constant": lambda tf: tf.data.Dataset.range(4).map(lambda i: [i * 2, 7]),
    "map_after_batch": lambda tf: tf.data.Dataset.from_tensor_slices(X).batch(4).map(
        lambda x: tf.reduce_mean(x, axis=1)),
    "map_namedtuple": lambda tf: tf.data.Dataset.from_tensor_slices(Pair(X, Y)).map(lambda p: p.x[0] + 1.0),
    "filter": lambda tf: tf.data.Dataset.range(10).filter(lambda i: tf.equal(i % 3, 0)),
    "zip": lambda tf: tf.data.Dataset.zip((tf.data.Dataset.range(5), tf.data.Dataset.from_tensor_slices(X))),
    "zip_dict": lambda tf: tf.data.Dataset.zip({"a": tf.data.Dataset.range(3),
                                                 "b": tf.data.Dataset.range(4).map(lambda i: (i, i * 2))}),
    "concatenate": lambda tf: tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(10, 12)),
    "cache_after_shuffle": lambda tf: tf.data.Dataset.range(8).shuffle(8, seed=3).cache().repeat(3),
    "from_generator": lambda tf: tf.data.Dataset.from_generator(
        ragged, (tf.int64, tf.float32), (tf.TensorShape([]), tf.TensorShape([None]))).repeat(2),
    "from_generator_dict_args": lambda tf: tf.data.Dataset.from_generator(
        lambda n: ({"a": i, "b": [i / 2] * 2} for i in range(n)), {"a": tf.int32, "b": tf.float64}, args=(3,)),
    "padded_batch": lambda tf: tf.data.Dataset.from_generator(
        ragged, (tf.int64, tf.float32), (tf.TensorShape([]), tf.TensorShape([None]))).padded_batch(2),
    "padded_batch_shapes_values": lambda tf: tf.data.Dataset.from_generator(
        ragged, (tf.int64, tf.float32), (tf.TensorShape([]), tf.TensorShape([None]))).padded_batch(
        2, padded_shapes=([], [4]), padding_values=(np.int64(-7), -1.0), drop_remainder=True),
    "padded_batch_2d": lambda tf: tf.data.Dataset.range(1, 4).map(lambda i: tf.ones(tf.stack([i, 4 - i]))).padded_batch(
        3, padded_shapes=[None, 5]),
    "training_pipeline": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).shuffle(6, seed=5).map(
        lambda x, y: (x / 10.0, y)).batch(4).repeat(3),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_elements_equal_tf(name):
    assert same_as_tf(PIPELINES[name])


SHUFFLES = [(10, 4, 1, 2), (10, 10, 7, 3), (10, 100, 3, 2), (25, 5, 12345, 3), (7, 1, 5, 2), (16, 3, 2**40, 2),
            (9, 9, 0, 2), (30, 2, 99, 1)]


@pytest.mark.parametrize("n, buffer_size, seed, epochs", SHUFFLES)
def test_shuffle_orders_equal_tf(n, buffer_size, seed, epochs):
    """TF's order for each seed, buffer size and epoch (a new order per epoch)."""
    orders = same_as_tf(lambda tf: tf.data.Dataset.range(n).shuffle(buffer_size, seed=seed).repeat(epochs))
    assert sorted(orders) == sorted(list(range(n)) * epochs)


@pytest.mark.parametrize("graph_seed, op_seed", [(42, None), (7, 3), (0, 0), (None, 0)])
def test_shuffle_seeds_follow_tf1_rules(graph_seed, op_seed):
    """Graph seed only: the derived op seeds count the graph's seeded ops (a random op drawn before)."""
    def build(tf):
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        tf.random_uniform([2])  # takes derived op seed 0 when only the graph seed is set
        first = tf.data.Dataset.range(12).shuffle(5, seed=op_seed)
        second = tf.data.Dataset.range(12).shuffle(12, seed=op_seed, reshuffle_each_iteration=False)
        return tf.data.Dataset.zip((first, second)).repeat(2)
    same_as_tf(build)


def test_shuffle_after_repeat_and_batches_equal_tf():
    same_as_tf(lambda tf: tf.data.Dataset.range(12).repeat(3).shuffle(7, seed=11).batch(5))


def test_shuffle_without_seed_is_a_permutation():
    orders = read(ts, lambda tf: tf.data.Dataset.range(50).shuffle(50).repeat(2))
    assert sorted(orders[:50]) == list(range(50)) == sorted(orders[50:])
    assert orders[:50] != list(range(50))


def test_output_types_and_shapes_equal_tf():
    def build(tf):
        p = tf.placeholder(tf.float32, [None, 3])
        return [tf.data.Dataset.from_tensor_slices({"a": p, "b": Y}).batch(2),
                tf.data.Dataset.from_tensor_slices((X, Y)).batch(2, drop_remainder=True),
                tf.data.Dataset.from_tensors([[1, 2]]).map(lambda t: (tf.cast(t, tf.float64), t[0])),
                tf.data.Dataset.range(3)]

    def describe(tf, ds):
        types = tf.data.get_output_types(ds)
        shapes = tf.data.get_output_shapes(ds)
        flat = lambda s: [s[k] for k in sorted(s)] if isinstance(s, dict) else list(s) if isinstance(s, tuple) \
            else [s]  # noqa: E731
        # as_list(), not str(): TF prints an unknown dimension as "?" in TF1 mode and "None" in TF2 mode,
        # and this test process keeps TF2 behaviour (other tests run Keras 3 in it)
        return [t.name for t in flat(types)], [s.as_list() if s.rank is not None else None for s in flat(shapes)]
    with ts.Graph().as_default():
        mine = [describe(ts, d) for d in build(ts)]
    with tf1.Graph().as_default():
        theirs = [describe(tf1, d) for d in build(tf1)]
    assert mine == theirs


def test_get_next_is_nested_like_the_element_with_static_shapes():
    with ts.Graph().as_default():
        it = ts.data.Dataset.from_tensor_slices({"x": X, "y": (Y, Y)}).batch(2).make_one_shot_iterator()
        element = it.get_next()
        assert set(element) == {"x", "y"} and isinstance(element["y"], tuple)
        assert element["x"].shape.as_list() == [None, 2] and element["x"].dtype == ts.float32
        assert element["y"][0].dtype == ts.int64
        assert it.output_shapes["x"].as_list() == [None, 2]
        single = ts.data.Dataset.range(3).make_one_shot_iterator().get_next()
        assert single.op_name == "IteratorGetNext_1" and single.shape.as_list() == []


@pytest.mark.filterwarnings("ignore:Seed 3 from outer graph")  # TF's note that the map function inherits it
def test_random_ops_in_map_draw_tfs_numbers_and_restart_with_the_iterator():
    """Seeded random ops in a map function: TF's numbers, continuing across repeat's epochs, starting over
    when the iterator is initialized again."""
    def run(tf):
        with tf.Graph().as_default():
            tf.set_random_seed(3)
            ds = tf.data.Dataset.range(3).map(
                lambda i: (tf.cast(i, tf.float32) + tf.random_uniform([2], seed=5), tf.random_normal([]))).repeat(2)
            it = tf.data.make_initializable_iterator(ds)
            x = it.get_next()
            with tf.Session() as sess:
                out = []
                for _ in range(2):
                    sess.run(it.initializer)
                    out.append(read_all(tf, sess, x))
                return out
    mine = run(ts)
    assert_same(mine, run(tf1))
    assert_same(mine[0], mine[1])


def test_both_executors_read_the_same_elements():
    build = PIPELINES["training_pipeline"]
    assert_same(read(ts, build, executor="reference"), read(ts, build, executor="compiled"))


# -- iterators in sessions -------------------------------------------------------------------------

def test_outputs_of_one_get_next_see_one_element_per_run():
    """x and y of one get_next fetched together are one element; two get_next ops take two elements."""
    def build(tf):
        ds = tf.data.Dataset.from_tensor_slices((X, Y)).shuffle(6, seed=2)
        it = tf.data.make_one_shot_iterator(ds)
        x, y = it.get_next()
        x2, _ = it.get_next()
        return x, y, x2

    def run(tf):
        with tf.Graph().as_default():
            x, y, x2 = build(tf)
            with tf.Session() as sess:
                return [sess.run([x, y]), sess.run(x), sess.run(y), sess.run([x, x2])]
    mine, theirs = run(ts), run(tf1)
    assert_same(mine[:3], theirs[:3])
    # two get_next ops in one run: two elements (TF runs the two ops in either order)
    assert sorted(map(tuple, mine[3])) == sorted(map(tuple, theirs[3]))
    assert not np.array_equal(*mine[3])


def test_end_of_sequence_raises_out_of_range_each_time():
    with ts.Graph().as_default():
        x = ts.data.make_one_shot_iterator(ts.data.Dataset.range(2)).get_next()
        with ts.Session() as sess:
            assert [sess.run(x), sess.run(x)] == [0, 1]
            for _ in range(2):
                with pytest.raises(ts.errors.OutOfRangeError, match="End of sequence"):
                    sess.run(x)


def test_iterator_state_lives_per_session():
    with ts.Graph().as_default():
        x = ts.data.Dataset.range(5).make_one_shot_iterator().get_next()
        with ts.Session() as a, ts.Session() as b:
            assert [a.run(x), a.run(x), b.run(x), a.run(x), b.run(x)] == [0, 1, 0, 2, 1]


def linear_regression(tf, epochs=3):
    """A TF1 training loop over an initializable iterator fed with placeholders, re-initialized per epoch."""
    rng = np.random.RandomState(0)
    data_x = rng.randn(20, 3)
    data_y = data_x @ np.array([[1.0], [-2.0], [0.5]]) + 0.25
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        px, py = tf.placeholder(tf.float64, [None, 3]), tf.placeholder(tf.float64, [None, 1])
        batch_size = tf.placeholder(tf.int64, [])
        ds = tf.data.Dataset.from_tensor_slices((px, py)).shuffle(20).batch(batch_size)
        it = ds.make_initializable_iterator()
        xb, yb = it.get_next()
        w = tf.Variable(np.zeros((3, 1)))
        b = tf.Variable(np.zeros(1))
        loss = tf.reduce_mean(tf.square(tf.matmul(xb, w) + b - yb))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        losses = []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(epochs):
                sess.run(it.initializer, feed_dict={px: data_x, py: data_y, batch_size: 6})
                while True:
                    try:
                        losses.append(sess.run([train, loss])[1])
                    except tf.errors.OutOfRangeError:
                        break
            return np.array(losses), sess.run(w), sess.run(b)


def test_training_loop_over_initializable_iterator_equals_tf():
    (losses, w, b), (tf_losses, tf_w, tf_b) = linear_regression(ts), linear_regression(tf1)
    assert len(losses) == len(tf_losses) == 12  # 4 batches (6, 6, 6, 2) per epoch
    np.testing.assert_allclose(losses, tf_losses, rtol=1e-12)
    np.testing.assert_allclose(w, tf_w, rtol=1e-12)
    np.testing.assert_allclose(b, tf_b, rtol=1e-12)


def test_reinitializing_restarts_the_shuffle_orders_as_tf():
    def run(tf):
        with tf.Graph().as_default():
            p = tf.placeholder(tf.int64, [None])
            it = tf.data.make_initializable_iterator(tf.data.Dataset.from_tensor_slices(p).shuffle(4, seed=9).repeat(2))
            x = it.get_next()
            with tf.Session() as sess:
                out = []
                for values in ([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6], [7, 8]):
                    sess.run(it.initializer, {p: values})
                    out.append(read_all(tf, sess, x))
                return out
    mine = run(ts)
    assert_same(mine, run(tf1))
    assert mine[0] == mine[1]


def test_reinitializable_iterator_switches_datasets_as_tf():
    def run(tf):
        with tf.Graph().as_default():
            train = tf.data.Dataset.from_tensor_slices((X, Y)).batch(4)
            test = tf.data.Dataset.from_tensor_slices((X[:3] + 100, Y[:3])).batch(2)
            it = tf.data.Iterator.from_structure(tf.data.get_output_types(train), tf.data.get_output_shapes(train))
            x, y = it.get_next()
            init_train, init_test = it.make_initializer(train), it.make_initializer(test)
            with tf.Session() as sess:
                sess.run(init_train)
                first = sess.run(x)
                sess.run(init_test)
                return [first, read_all(tf, sess, (x, y))]
    assert_same(run(ts), run(tf1))


# -- errors ----------------------------------------------------------------------------------------

def error_of(tf, build, feed=None):
    """(class name, message) of what building and reading ``build(tf)`` raises."""
    try:
        with tf.Graph().as_default():
            ds = build(tf)
            it = tf.data.make_initializable_iterator(ds)
            x = it.get_next()
            with tf.Session() as sess:
                sess.run(it.initializer, feed_dict=feed(tf) if feed else None)
                sess.run(x)
    except Exception as error:  # noqa: BLE001  (the test compares what each raises)
        return type(error).__name__, str(error)
    return None, None


@pytest.mark.parametrize("build, cls, text", [
    (lambda tf: tf.data.Dataset.range(5).batch(0), "InvalidArgumentError", "Batch size must be greater than zero."),
    (lambda tf: tf.data.Dataset.range(5).batch(-2), "InvalidArgumentError", "Batch size must be greater than zero."),
    (lambda tf: tf.data.Dataset.from_tensor_slices((np.zeros(3), np.zeros(4))), "ValueError",
     "Dimensions 3 and 4 are not compatible"),
    (lambda tf: tf.data.Dataset.from_tensor_slices({"a": np.zeros(3), "b": np.zeros((4, 2))}), "ValueError",
     "Dimensions 3 and 4 are not compatible"),
    (lambda tf: tf.data.Dataset.from_tensor_slices(np.float32(3)), "ValueError",
     "Unbatching a tensor is only supported for rank >= 1"),
    (lambda tf: tf.data.Dataset.range(3).shuffle(0), "InvalidArgumentError",
     "buffer_size must be greater than zero or UNKNOWN_CARDINALITY"),
    (lambda tf: tf.data.Dataset.range(0, 5, 0), "InvalidArgumentError", "step must be a non-zero integer."),
    (lambda tf: tf.data.Dataset.range(), "ValueError", "Invalid `args`. The length of `args` should be between 1"),
    (lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).map(lambda x: x), "TypeError", "positional argument"),
    (lambda tf: tf.data.Dataset.from_generator(lambda: iter([[1, 2]]), (tf.int32, tf.int32)),
     "InvalidArgumentError", "TypeError: `generator` yielded an element that did not match the expected structure."),
    (lambda tf: tf.data.Dataset.from_generator(lambda: iter([1.5]), tf.int64), "InvalidArgumentError",
     "TypeError: `generator` yielded an element that did not match the expected structure."),
    (lambda tf: tf.data.Dataset.from_generator(lambda: iter([[1, 2]]), tf.int32, tf.TensorShape([3])),
     "InvalidArgumentError", "TypeError: `generator` yielded an element of shape (2,) where an element of shape"),
    (lambda tf: tf.data.Dataset.from_generator([1, 2], tf.int64), "TypeError",
     "`generator` must be a Python callable."),
    (lambda tf: tf.data.Dataset.from_generator(ragged, (tf.int64, tf.float32)).padded_batch(2, padded_shapes=([], [0])),
     "DataLossError", "Attempted to pad to a smaller size than the input element."),
])
def test_errors_of_bad_pipelines_are_tfs(build, cls, text):
    mine, theirs = error_of(ts, build), error_of(tf1, build)
    assert mine[0] == theirs[0] == cls
    assert text in theirs[1] and text in mine[1], (mine, theirs[1][:300])


def test_mismatched_fed_components_raise_tfs_error():
    def build(tf):
        build.a, build.b = tf.placeholder(tf.float32, [None]), tf.placeholder(tf.float32, [None])
        return tf.data.Dataset.from_tensor_slices((build.a, build.b))
    feed = lambda tf: {build.a: np.zeros(3), build.b: np.zeros(4)}  # noqa: E731
    mine, theirs = error_of(ts, build, feed=feed), error_of(tf1, build, feed=feed)
    assert mine[0] == theirs[0] == "InvalidArgumentError"
    text = "All components must have the same size in the 0th dimension"
    assert text in mine[1] and text in theirs[1]


def test_errors_name_the_argument():
    with ts.Graph().as_default():
        with pytest.raises(ValueError, match=r"component 1 \('normalize_element/component_1:0'\) has 4"):
            ts.data.Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))
        x = ts.data.make_one_shot_iterator(ts.data.Dataset.range(3).batch(0)).get_next()
        with ts.Session() as sess, pytest.raises(ts.errors.InvalidArgumentError, match=r"batch_size = 0"):
            sess.run(x)


def test_reading_before_initializing_raises_failed_precondition():
    for tf in (ts, tf1):
        with tf.Graph().as_default():
            x = tf.data.make_initializable_iterator(tf.data.Dataset.range(3)).get_next()
            with tf.Session() as sess, pytest.raises(tf.errors.FailedPreconditionError,
                                                     match="iterator has not been initialized"):
                sess.run(x)


def test_one_shot_iterator_refuses_placeholders_and_has_no_initializer():
    for tf in (ts, tf1):
        with tf.Graph().as_default():
            p = tf.placeholder(tf.float32, [None])
            with pytest.raises(ValueError, match=r"Cannot capture a placeholder \(name:Placeholder"):
                tf.data.make_one_shot_iterator(tf.data.Dataset.from_tensor_slices(p * 2))
            it = tf.data.make_one_shot_iterator(tf.data.Dataset.range(2))
            with pytest.raises(ValueError, match="does not have an initializer"):
                it.initializer  # noqa: B018


def test_bad_functions_and_structures():
    with ts.Graph().as_default():
        outside = ts.constant(2.0)
        with pytest.raises(ValueError, match="make them inside the function"):
            ts.data.Dataset.from_tensor_slices(X).map(lambda x: x * outside)
        with pytest.raises(ValueError, match="must return a `tf.bool` scalar"):
            ts.data.Dataset.range(3).filter(lambda i: i + 1)
        with pytest.raises(ValueError, match="must return a tensor"):
            ts.data.Dataset.range(3).map(lambda i: None)
        it = ts.data.Iterator.from_structure(ts.int64, ts.TensorShape([]))
        with pytest.raises(TypeError, match="Expected output types"):
            it.make_initializer(ts.data.Dataset.from_tensor_slices(X))
        with pytest.raises(RuntimeError, match="only supports Python-style iteration in eager mode"):
            iter(ts.data.Dataset.range(3))
