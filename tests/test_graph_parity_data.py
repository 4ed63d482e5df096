"""``tf.data`` and ``ExponentialMovingAverage`` build TF's graph: the same ops, names, types and order.

Each build runs with ``tf`` = TensorSlow and ``tf`` = ``tensorflow.compat.v1`` (``graph_differences``); the
lists of (op name, op type) must be equal. Then the dataset and iterator ops are checked to be real:
a dataset op's value is the dataset, ``IteratorGetNext`` is one op whose outputs are the components, a
bad argument fails in the dataset op that holds it, and a map function's ops stay out of the graph.
"""
import os

import numpy as np
import pytest

import tensorslow as ts
from tensorslow_parity.graph_parity import graph_differences, tensorflow_ops, tensorslow_ops

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
pytest.importorskip("tensorflow")

X = np.arange(12, dtype=np.float32).reshape(6, 2)
Y = np.arange(6, dtype=np.int64)

def one_shot_pipeline(tf):
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).shuffle(10).repeat(2).batch(4, drop_remainder=True)
    x, y = tf.data.make_one_shot_iterator(ds.prefetch(1)).get_next()


def initializable_map_take_skip(tf):
    ds = tf.data.Dataset.from_tensors(X[0]).map(lambda x: x * 2.0 + 1).take(3).skip(1)
    it = ds.make_initializable_iterator()
    it.get_next()
    it.get_next(name="second")


def reinitializable_zip_filter(tf):
    z = tf.data.Dataset.zip((tf.data.Dataset.range(5), tf.data.Dataset.range(1, 6, 2))).filter(lambda u, v: u > 1)
    it = tf.data.Iterator.from_structure(tf.data.get_output_types(z), tf.data.get_output_shapes(z))
    it.make_initializer(z)
    it.make_initializer(z.take(1))
    it.get_next()


def generator_padding_parallel(tf):
    def gen(n):
        for i in range(n):
            yield i, [1.0] * i
    ds = tf.data.Dataset.from_generator(gen, (tf.int64, tf.float32), (tf.TensorShape([]), tf.TensorShape([None])),
                                        args=(3,))
    ds = ds.padded_batch(2, padded_shapes=([], [4]), padding_values=(np.int64(-7), -1.0), drop_remainder=True)
    ds2 = tf.data.Dataset.range(5).map(lambda x: x + 1, num_parallel_calls=4).batch(2, num_parallel_calls=2)
    ds2 = ds2.prefetch(tf.data.experimental.AUTOTUNE).shuffle(3, reshuffle_each_iteration=False).cache()
    a = tf.data.make_one_shot_iterator(ds)
    a.get_next()
    b = tf.data.make_initializable_iterator(ds2.concatenate(ds2))
    b.get_next()
    b.string_handle()
    b.string_handle(name="handle")


def sources_and_nesting(tf):
    ints = tf.data.Dataset.range(3, output_type=tf.int32).cache()
    dicts = tf.data.Dataset.from_tensors({"x": X[0], "s": 3}).repeat()
    lists = tf.data.Dataset.from_tensor_slices([[1.5, 2.0], [3.0, 4.0]]).take(-1)
    zipped = tf.data.Dataset.zip({"a": ints, "b": (dicts, lists)}).apply(lambda d: d.batch(2))
    it = tf.data.make_one_shot_iterator(zipped)
    it.get_next()
    it.get_next()


def seeded_shuffles_of_placeholders(tf):
    """The program data_pipeline_ema's input pipeline, with a graph seed and op seeds."""
    tf.set_random_seed(17)
    features = tf.placeholder(tf.float32, X.shape)
    labels = tf.placeholder(tf.int64, Y.shape)
    ds = tf.data.Dataset.from_tensor_slices((features, labels)).shuffle(buffer_size=6, seed=3).batch(4).repeat()
    ds = ds.shuffle(2)  # only the graph seed: the derived op seed
    it = ds.make_initializable_iterator()
    it.get_next()


def moving_averages_of_tensors(tf):
    x = tf.placeholder(tf.float32, [3], name="x")
    loss = tf.reduce_sum(x * x, name="loss")
    step = tf.train.get_or_create_global_step()
    tf.train.ExponentialMovingAverage(0.9, num_updates=step, name="avg").apply([loss])
    tf.train.ExponentialMovingAverage(0.8, zero_debias=True).apply([loss, x])


@pytest.mark.parametrize("build", [one_shot_pipeline, initializable_map_take_skip, reinitializable_zip_filter,
                                   generator_padding_parallel, sources_and_nesting, moving_averages_of_tensors])
def test_builds_tfs_graph(build):
    assert graph_differences(build) == []


def test_seeded_shuffles_build_tfs_seed_ops():
    differences = graph_differences(seeded_shuffles_of_placeholders)
    assert differences == []
    ops = tensorslow_ops(seeded_shuffles_of_placeholders)
    assert [name for name, _ in ops if name.startswith("seed2/")] == [
        "seed2/Const", "seed2/Equal/y", "seed2/Equal", "seed2/Equal_1/y", "seed2/Equal_1", "seed2/LogicalAnd",
        "seed2/Const_1"]


def test_the_pipeline_ops_come_in_tfs_order():
    expected = ["Placeholder", "Placeholder_1", "TensorSliceDataset", "buffer_size", "seed", "seed2/Const"]
    ops = [name for name, _ in tensorslow_ops(seeded_shuffles_of_placeholders)]
    assert ops[:6] == expected == [name for name, _ in tensorflow_ops(seeded_shuffles_of_placeholders)][:6]
    assert ops[-4:] == ["IteratorV2", "MakeIterator", "IteratorToStringHandle", "IteratorGetNext"]


def test_seed_tensors_compute_tfs_seeds(tf1):
    """``seed`` and ``seed2`` are computed in the graph, as TF's: the values TF's shuffle op gets."""
    def seeds(tf, graph_seed, op_seed):
        with tf.Graph().as_default() as graph:
            if graph_seed is not None:
                tf.set_random_seed(graph_seed)
            tf.data.Dataset.range(3).shuffle(3, seed=op_seed)
            with tf.Session(graph=graph) as sess:
                return [int(v) for v in sess.run(["seed:0", "seed2:0"])]
    for graph_seed, op_seed in [(17, 3), (0, 0), (None, 5), (None, None)]:
        mine = seeds(ts, graph_seed, op_seed)
        assert mine == seeds(tf1, graph_seed, op_seed), (graph_seed, op_seed)
    assert seeds(ts, None, None) == [0, 0] and seeds(ts, 0, 0) == [0, 2**31 - 1]


def test_a_dataset_ops_value_is_the_dataset():
    with ts.Graph().as_default():
        ds = ts.data.Dataset.from_tensor_slices(X).batch(4)
        assert ds._variant_tensor.type == "BatchDatasetV2" and ds._variant_tensor.op_name == "BatchDatasetV2"
        with ts.Session() as sess:
            value = sess.run(ds._variant_tensor)
        elements = list(value.iterate(None)())
        assert [e[0].shape for e in elements] == [(4, 2), (2, 2)]
        np.testing.assert_array_equal(elements[1][0], X[4:])


def test_get_next_is_one_op_with_an_output_per_component():
    with ts.Graph().as_default() as graph:
        it = ts.data.make_one_shot_iterator(ts.data.Dataset.from_tensor_slices((X, Y)))
        x, y = it.get_next()
        assert (x.name, y.name) == ("IteratorGetNext:0", "IteratorGetNext:1") and x.op.name == y.op.name
        assert [op.type for op in graph.get_operations()].count("IteratorGetNext") == 1
        assert x.shape.as_list() == [2] and y.dtype == ts.int64
        with ts.Session() as sess:
            for k in range(3):
                a, b = sess.run([x, y])
                np.testing.assert_array_equal(a, X[k])
                assert b == Y[k]


def test_a_bad_argument_fails_in_its_dataset_op():
    with ts.Graph().as_default():
        it = ts.data.make_initializable_iterator(ts.data.Dataset.range(5).batch(0))
        with ts.Session() as sess, pytest.raises(ts.errors.InvalidArgumentError,
                                                 match=r"Batch size must be greater than zero(.|\n)*BatchDatasetV2"):
            sess.run(it.initializer)


def test_map_functions_stay_out_of_the_graph():
    with ts.Graph().as_default() as graph:
        ds = ts.data.Dataset.range(4)
        before = len(graph.get_operations())
        ds = ds.map(lambda i: ts.cast(i, ts.float32) * 2.0 + ts.ones([2]))
        assert [op.type for op in graph.get_operations()[before:]] == ["MapDataset"]
        nxt = ts.data.make_one_shot_iterator(ds).get_next()
        with ts.Session() as sess:
            np.testing.assert_array_equal(sess.run(nxt), [1.0, 1.0])
            np.testing.assert_array_equal(sess.run(nxt), [3.0, 3.0])


def test_string_handles_name_each_iterator():
    with ts.Graph().as_default():
        a = ts.data.make_one_shot_iterator(ts.data.Dataset.range(2))
        b = ts.data.make_initializable_iterator(ts.data.Dataset.range(2), shared_name="shared")
        assert a.string_handle() is a.string_handle() and a.string_handle().type == "IteratorToStringHandle"
        with ts.Session() as sess:
            handles = sess.run([a.string_handle(), b.string_handle(), b.string_handle(name="again")])
        assert handles == [b"OneShotIterator", b"shared", b"shared"]


def test_prefetch_and_cache_are_ops_that_keep_the_elements():
    with ts.Graph().as_default() as graph:
        ds = ts.data.Dataset.range(5).prefetch(2).cache().prefetch(ts.data.AUTOTUNE)
        assert [op.type for op in graph.get_operations()] == [
            "Const", "Const", "Const", "RangeDataset", "Const", "PrefetchDataset", "Const", "CacheDataset", "Const",
            "PrefetchDataset"]
        nxt = ts.data.make_one_shot_iterator(ds.repeat(2)).get_next()
        with ts.Session() as sess:
            assert [int(sess.run(nxt)) for _ in range(10)] == [0, 1, 2, 3, 4] * 2


def test_a_map_functions_graph_is_not_one_of_the_programs_graphs():
    """As TF's FuncGraph, the graph a map function is traced into is left out of a program's graphs."""
    from tensorslow_parity.programs.launcher import GraphRecorder
    with ts.Graph().as_default():  # the recorder starts from the default graph: this empty one, as a program's
        recorder = GraphRecorder("tensorslow")
        try:
            ts.data.Dataset.range(3).map(lambda i: i * 2)
        finally:
            recorder.uninstall()
    lists = recorder.op_lists()
    assert len(lists) == 1
    assert lists[-1] == [["start", "Const"], ["stop", "Const"], ["step", "Const"], ["RangeDataset", "RangeDataset"],
                         ["MapDataset", "MapDataset"]]
    assert not any(op_type == "Mul" for ops in lists for _, op_type in ops)
