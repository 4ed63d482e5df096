"""Candidate samplers, nce_loss and sampled_softmax_loss against ``tf.compat.v1``.

The samplers must draw TensorFlow's classes and expected counts bit for bit
(same seeds, several runs in one session); the losses must give TF's values
and gradients (w.r.t. weights, biases and inputs) to float32 rounding, with the
classes either sampled (a graph seed makes both libraries draw the same ones)
or passed in as ``sampled_values``.
"""
import ctypes
import ctypes.util

import numpy as np
import pytest

import tensorslow as ts
from tensorslow import errors
from tensorslow.range_sampler import expm1f, log1pf

EXECUTORS = ("compiled", "reference")


def runs(lib, build, graph_seed=None, n=2, executor="compiled"):
    """``n`` runs of ``build(lib)``'s fetches in one session of a fresh graph."""
    with lib.Graph().as_default():
        if graph_seed is not None:
            lib.set_random_seed(graph_seed)
        fetches = build(lib)
        session = ts.Session(executor=executor) if lib is ts else lib.Session()
        with session as sess:
            if lib is not ts:
                fetches = [lib.convert_to_tensor(f) for f in fetches]  # IndexedSlices gradients made dense
            sess.run(lib.global_variables_initializer())
            return [sess.run(fetches) for _ in range(n)]


# -- the samplers, bit for bit ---------------------------------------------------------------------
SAMPLERS = [  # (name, num_sampled, range_max, unique, graph seed, op seed)
    ("log_uniform_candidate_sampler", 5, 10, True, 1, 2),
    ("log_uniform_candidate_sampler", 64, 1000, True, None, 7),
    ("log_uniform_candidate_sampler", 64, 1000, False, 3, None),
    ("log_uniform_candidate_sampler", 8, 8, True, 5, 9),  # every class: many rejections
    ("log_uniform_candidate_sampler", 30, 40, True, 123456789, 987654321),
    ("log_uniform_candidate_sampler", 16, 100000, True, 2, 4),
    ("log_uniform_candidate_sampler", 1, 1, True, 0, 0),
    ("uniform_candidate_sampler", 5, 10, True, 1, 2),
    ("uniform_candidate_sampler", 20, 30, False, None, 4),
    ("uniform_candidate_sampler", 20, 25, True, 4, 5),
]


@pytest.mark.parametrize("executor", EXECUTORS)
@pytest.mark.parametrize("name, num_sampled, range_max, unique, graph_seed, seed", SAMPLERS)
def test_sampler_draws_tensorflows_classes_and_counts_bitwise(tf1, executor, name, num_sampled, range_max, unique,
                                                              graph_seed, seed):
    true_classes = np.array([[0, 3], [5, 1], [range_max - 1, 2]], np.int64) % range_max

    def build(lib):
        return list(getattr(lib.nn, name)(true_classes, 2, num_sampled, unique, range_max, seed=seed))
    ours, theirs = runs(ts, build, graph_seed, 3, executor), runs(tf1, build, graph_seed, 3)
    for run, (a, b) in enumerate(zip(ours, theirs)):
        for output, x, y in zip(("sampled_candidates", "true_expected_count", "sampled_expected_count"), a, b):
            assert x.dtype == y.dtype and x.shape == y.shape, f"run {run + 1}, {output}"
            assert np.array_equal(x, y), f"run {run + 1}, {output}: {x} vs TF {y}"
    if unique:
        assert all(len(set(r[0].tolist())) == num_sampled for r in ours)


def test_sampler_is_one_op_with_three_outputs_named_as_tensorflow(tf1):
    def build(lib):
        s = lib.nn.log_uniform_candidate_sampler(np.array([[1], [2]], np.int64), 1, 4, True, 10)
        return s, [(op.op_name if lib is ts else op.name, op.type) for op in lib.get_default_graph().get_operations()]
    with ts.Graph().as_default():
        ours, our_ops = build(ts)
    with tf1.Graph().as_default():
        theirs, their_ops = build(tf1)
    assert our_ops == their_ops == [("LogUniformCandidateSampler/true_classes", "Const"),
                                    ("LogUniformCandidateSampler", "LogUniformCandidateSampler")]
    assert [t.name for t in ours] == [t.name for t in theirs] == [f"LogUniformCandidateSampler:{k}" for k in range(3)]
    assert ours._fields == theirs._fields
    assert [t.shape.as_list() for t in ours] == [t.shape.as_list() for t in theirs] == [[4], [2, 1], [4]]
    assert [t.dtype.name for t in ours] == ["int64", "float32", "float32"]
    assert all(t.op is ours[0].op for t in ours) and ours[0].op.outputs == list(ours)


def test_a_derived_seed_is_taken_as_tensorflow_takes_it(tf1):
    """With only a graph seed, the sampler and compute_accidental_hits each take a derived seed: a random op
    built after them draws the same numbers as in TF."""
    def build(lib):
        labels = lib.constant([[1], [3]], lib.int64)
        s = lib.nn.log_uniform_candidate_sampler(labels, 1, 4, True, 10)
        hits = lib.nn.compute_accidental_hits(labels, s.sampled_candidates, 1)
        return [s.sampled_candidates, hits.ids, lib.random_normal([3])]
    for ours, theirs in zip(runs(ts, build, 7), runs(tf1, build, 7)):
        for x, y in zip(ours, theirs):
            assert np.array_equal(x, y)


@pytest.mark.skipif(ctypes.util.find_library("m") is None or "glibc" not in " ".join(__import__("platform").libc_ver()),
                    reason="compares with the GNU C library's log1pf and expm1f")
def test_log1pf_and_expm1f_round_as_the_c_library():
    libm = ctypes.CDLL(ctypes.util.find_library("m"))
    for fn in (libm.log1pf, libm.expm1f):
        fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
    rng = np.random.default_rng(0)
    x = np.concatenate([-(10 ** rng.uniform(-40, 0, 6000)), -rng.uniform(0, 1, 4000),
                        [-1.0, 0.0, -0.2929, -0.5, -2.0 ** -29, -2.0 ** -54]]).astype(np.float32)
    assert np.array_equal(log1pf(x), np.array([libm.log1pf(float(v)) for v in x], np.float32))
    y = np.concatenate([-(10 ** rng.uniform(-45, 2.5, 6000)), -rng.uniform(0, 30, 4000),
                        [0.0, -np.inf, -88.8, -18.7, -0.3466, -1.0397]]).astype(np.float32)
    assert np.array_equal(expm1f(y), np.array([libm.expm1f(float(v)) for v in y], np.float32))


def test_compute_accidental_hits_matches_tensorflow(tf1):
    def build(lib):
        hits = lib.nn.compute_accidental_hits(lib.constant([[1, 2], [3, 1], [0, 4]], lib.int64),
                                              lib.constant([1, 5, 2, 1, 4], lib.int64), 2)
        return list(hits)
    (ours,), (theirs,) = runs(ts, build, n=1), runs(tf1, build, n=1)
    for x, y in zip(ours, theirs):
        assert x.dtype == y.dtype and np.array_equal(x, y)
    assert ours[0].tolist() == [0, 0, 1, 2] and ours[1].tolist() == [3, 2, 3, 4]  # a class sampled twice: last place


# -- the losses: values and gradients ---------------------------------------------------------------
C, D, B = 12, 3, 4
RNG = np.random.default_rng(0)
WEIGHTS = RNG.normal(size=(C, D)).astype(np.float32)
BIASES = RNG.normal(size=C).astype(np.float32)
INPUTS = RNG.normal(size=(B, D)).astype(np.float32)


def loss_and_gradients(loss_fn, num_true=1, shards=1, sampled=None, **kwargs):
    labels = np.random.default_rng(num_true).integers(0, C, (B, num_true)).astype(np.int64)

    def build(lib):
        if shards == 1:
            weights = [lib.Variable(WEIGHTS)]
        else:  # rows of the table split as partition_strategy says
            strategy = kwargs.get("partition_strategy", "mod")
            rows = [np.arange(C)[k::shards] if strategy == "mod" else part
                    for k, part in enumerate(np.array_split(np.arange(C), shards))]
            weights = [lib.Variable(WEIGHTS[r]) for r in rows]
        biases, inputs = lib.Variable(BIASES), lib.Variable(INPUTS)
        sampled_values = None
        if sampled is not None:
            sampled_values = (lib.constant(sampled[0], lib.int64), lib.constant(sampled[1], lib.float32),
                              lib.constant(sampled[2], lib.float32))
        loss = getattr(lib.nn, loss_fn)(weights if shards > 1 else weights[0], biases, labels, inputs, 5, C,
                                        num_true=num_true, sampled_values=sampled_values, **kwargs)
        return [loss] + lib.gradients(lib.reduce_sum(loss * np.arange(1, B + 1, dtype=np.float32)),
                                      weights + [biases, inputs])
    return build


def assert_close_to_tensorflow(tf1, build, graph_seed=5, executor="compiled"):
    for ours, theirs in zip(runs(ts, build, graph_seed, 2, executor), runs(tf1, build, graph_seed, 2)):
        assert len(ours) == len(theirs)
        for k, (x, y) in enumerate(zip(ours, theirs)):
            assert x.shape == y.shape and x.dtype == y.dtype, f"fetch {k}"
            np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-5, err_msg=f"fetch {k} (0: loss, then gradients)")


LOSS_CASES = [
    ("nce_loss", {}),
    ("nce_loss", {"remove_accidental_hits": True}),
    ("nce_loss", {"num_true": 2}),
    ("sampled_softmax_loss", {}),
    ("sampled_softmax_loss", {"remove_accidental_hits": False}),
    ("sampled_softmax_loss", {"num_true": 3}),
    ("sampled_softmax_loss", {"seed": 11}),
    ("nce_loss", {"shards": 3}),
    ("sampled_softmax_loss", {"shards": 3, "partition_strategy": "div"}),
]


@pytest.mark.parametrize("loss_fn, kwargs", LOSS_CASES)
def test_loss_and_gradients_match_tensorflow_with_sampled_classes(tf1, loss_fn, kwargs):
    assert_close_to_tensorflow(tf1, loss_and_gradients(loss_fn, **kwargs))


@pytest.mark.parametrize("loss_fn, kwargs", [LOSS_CASES[1], LOSS_CASES[5]])
def test_loss_and_gradients_match_tensorflow_in_the_reference_executor(tf1, loss_fn, kwargs):
    assert_close_to_tensorflow(tf1, loss_and_gradients(loss_fn, **kwargs), executor="reference")


@pytest.mark.parametrize("loss_fn", ["nce_loss", "sampled_softmax_loss"])
@pytest.mark.parametrize("num_true", [1, 2])
def test_loss_and_gradients_match_tensorflow_with_sampled_values_given(tf1, loss_fn, num_true):
    """Classes passed in (with repeats and accidental hits), no graph seed: nothing random."""
    sampled = ([3, 0, 3, 7, 1], np.full((B, num_true), 0.3), [0.5, 0.25, 0.5, 0.125, 0.75])
    for hits in (True, False):
        build = loss_and_gradients(loss_fn, num_true, sampled=sampled, remove_accidental_hits=hits)
        assert_close_to_tensorflow(tf1, build, graph_seed=None)


def test_accidental_hits_take_the_sampled_class_out_of_the_softmax():
    labels = np.array([[2], [4]], np.int64)
    sampled = (ts.constant([2, 5, 6], ts.int64), ts.constant([[1.0], [1.0]]), ts.constant([1.0, 1.0, 1.0]))
    w, b, x = np.eye(7, 2, dtype=np.float32), np.zeros(7, np.float32), np.ones((2, 2), np.float32)
    with_hits = ts.nn.sampled_softmax_loss(w, b, labels, x, 3, 7, sampled_values=sampled)
    without = ts.nn.sampled_softmax_loss(w, b, labels, x, 3, 7, sampled_values=sampled,
                                         remove_accidental_hits=False)
    with ts.Session() as sess:
        a, b_ = sess.run([with_hits, without])
    logits = x @ w.T  # row 0's true class 2 is also sampled class 0: only row 0 changes
    expected_row0 = -logits[0, 2] + np.log(np.exp(logits[0, 2]) + np.exp(logits[0, 5]) + np.exp(logits[0, 6]))
    np.testing.assert_allclose(a[0], expected_row0, rtol=1e-6)
    assert a[0] < b_[0] and a[1] == b_[1]


def test_word2vec_style_training_step_matches_tensorflow(tf1):
    """An nce_loss training step (SGD on weights, biases and an embedding lookup) takes TF's steps."""
    labels = np.array([[1], [5], [7], [0]], np.int64)
    ids = np.array([2, 3, 2, 9], np.int32)

    def build(lib):
        emb, w, b = lib.Variable(WEIGHTS), lib.Variable(WEIGHTS[::-1].copy()), lib.Variable(BIASES)
        loss = lib.reduce_mean(lib.nn.nce_loss(w, b, labels, lib.nn.embedding_lookup(emb, ids), 4, C))
        step = lib.train.GradientDescentOptimizer(0.5).minimize(loss)
        with lib.control_dependencies([step]):
            return [lib.identity(loss), emb.read_value() if lib is not ts else lib.identity(emb)]
    ours, theirs = runs(ts, build, 0, 4), runs(tf1, build, 0, 4)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a[0], b[0], rtol=1e-5)


# -- bad input: TF's errors ------------------------------------------------------------------------
TRUE = np.array([[1], [2]], np.int64)


@pytest.mark.parametrize("call, error, text", [
    (lambda tf: tf.nn.log_uniform_candidate_sampler(np.array([1, 2], np.int64), 1, 2, True, 10), ValueError,
     "Shape must be rank 2 but is rank 1 for 'LogUniformCandidateSampler' with input shapes: [2]."),
    (lambda tf: tf.nn.log_uniform_candidate_sampler(tf.constant([[1]], tf.int32), 1, 2, True, 10), TypeError,
     "Input 'true_classes' of 'LogUniformCandidateSampler' Op has type int32 that does not match expected type of "
     "int64."),
    (lambda tf: tf.nn.log_uniform_candidate_sampler(TRUE, 1, 0, True, 10), ValueError,
     "Attr 'num_sampled' of 'LogUniformCandidateSampler' Op passed 0 less than minimum 1."),
    (lambda tf: tf.nn.uniform_candidate_sampler(TRUE, 1, 2, True, 0), ValueError,
     "Attr 'range_max' of 'UniformCandidateSampler' Op passed 0 less than minimum 1."),
    (lambda tf: tf.nn.log_uniform_candidate_sampler([[1.5]], 1, 2, True, 10), TypeError,
     "Expected int64 passed to parameter 'true_classes' of op 'LogUniformCandidateSampler', got [[1.5]] of type "
     "'list' instead."),
    (lambda tf: tf.nn.compute_accidental_hits(tf.constant([1, 2], tf.int64), tf.constant([1], tf.int64), 1),
     ValueError, "Shape must be rank 2 but is rank 1 for 'ComputeAccidentalHits' with input shapes: [2], [1]."),
    (lambda tf: tf.nn.compute_accidental_hits(tf.constant([[1, 2]], tf.int64), tf.constant([[1]], tf.int64), 2),
     ValueError, "Shape must be rank 1 but is rank 2 for 'ComputeAccidentalHits' with input shapes: [1,2], [1,1]."),
])
def test_bad_arguments_raise_tensorflows_error_when_building(tf1, call, error, text):
    for lib in (ts, tf1):
        with lib.Graph().as_default(), pytest.raises(error) as info:
            call(lib)
        message = str(info.value).replace("'{{node LogUniformCandidateSampler}} = LogUniformCandidateSampler"
                                          "[num_sampled=2, num_true=1, range_max=10, seed=0, seed2=0, unique=true]"
                                          "(LogUniformCandidateSampler/true_classes)'", "'LogUniformCandidateSampler'")
        message = message.replace("'{{node ComputeAccidentalHits}} = ComputeAccidentalHits[num_true=1, seed=0, "
                                  "seed2=0](Const, Const_1)'", "'ComputeAccidentalHits'")
        message = message.replace("'{{node ComputeAccidentalHits}} = ComputeAccidentalHits[num_true=2, seed=0, "
                                  "seed2=0](Const, Const_1)'", "'ComputeAccidentalHits'")
        assert text in message, f"{lib.__name__}: {message}"


@pytest.mark.parametrize("executor", EXECUTORS)
@pytest.mark.parametrize("num_sampled, unique, fed, text", [
    (2, True, [[1, 2, 3]], "true_classes must have num_true columns, expected: 3 was: 2"),
    (2, True, [[1, 12]], "`true_candidate` out of range [0, 10), received 12"),
    (2, False, [[-1, 2]], "`true_candidate` out of range [0, 10), received -1"),
    (12, True, [[1, 2]], "Sampler's range is too small."),
])
def test_bad_true_classes_fail_at_run_time_with_tensorflows_message(tf1, executor, num_sampled, unique, fed, text):
    for lib in (ts, tf1):
        with lib.Graph().as_default():
            true_classes = lib.placeholder(lib.int64, [None, None])
            s = lib.nn.log_uniform_candidate_sampler(true_classes, 2, num_sampled, unique, 10)
            with (ts.Session(executor=executor) if lib is ts else lib.Session()) as sess:
                with pytest.raises(errors.InvalidArgumentError if lib is ts else tf1.errors.InvalidArgumentError,
                                   match=None) as info:
                    sess.run(s.sampled_candidates, {true_classes: fed})
        assert text in str(info.value), f"{lib.__name__}: {info.value}"


@pytest.mark.parametrize("fed, text", [
    ([[1, 2, 3]], "true_candidates must be a batch_size * num_true matrix"),
])
def test_accidental_hits_of_a_wrong_matrix_fail_as_in_tensorflow(tf1, fed, text):
    for lib in (ts, tf1):
        with lib.Graph().as_default():
            true_classes = lib.placeholder(lib.int64, None)
            hits = lib.nn.compute_accidental_hits(true_classes, lib.constant([1], lib.int64), 2)
            with lib.Session() as sess:
                with pytest.raises(Exception) as info:
                    sess.run(hits.ids, {true_classes: fed})
        assert text in str(info.value), f"{lib.__name__}: {info.value}"


@pytest.mark.parametrize("begin, size, text", [
    ([1, 1], [4, 1], "Expected size[0] in [0, 3], but got 4"),
    ([5, 1], [-1, 1], "Expected begin[0] in [0, 4], but got 5"),
    ([1, 1], [-2, 1], "Expected size[0] in [0, 3], but got -2"),
])
def test_slice_out_of_bounds_fails_at_run_time_as_in_tensorflow(tf1, begin, size, text):
    for lib in (ts, tf1):
        with lib.Graph().as_default():
            b, s = lib.placeholder(lib.int32, [2]), lib.placeholder(lib.int32, [2])
            y = lib.slice(lib.constant(np.arange(12.0).reshape(4, 3)), b, s)
            with lib.Session() as sess:
                with pytest.raises(Exception) as info:
                    sess.run(y, {b: begin, s: size})
        assert text in str(info.value), f"{lib.__name__}: {info.value}"


def test_slice_positions_given_as_lists_holding_tensors_are_packed_as_in_tensorflow(tf1):
    graphs = []
    for lib in (ts, tf1):
        with lib.Graph().as_default() as graph:
            x = lib.placeholder(lib.float64, [None, 3], name="x")
            last = lib.subtract(lib.rank(x), 1)
            y = lib.slice(x, [0, last], [-1, 1])
            with lib.Session() as sess:
                graphs.append((sess.run(y, {x: np.arange(12.0).reshape(4, 3)}),
                               [(op.name.split(":")[0], op.type) for op in graph.get_operations()]))
    (ts_value, ts_ops), (tf_value, tf_ops) = graphs
    np.testing.assert_array_equal(ts_value, tf_value)
    assert ts_ops == tf_ops and ("Slice/begin", "Pack") in tf_ops


@pytest.mark.parametrize("validate, indices, text", [
    (True, [[0, 1], [5, 2]], "indices[1] = [5,2] is out of bounds: need 0 <= index < [4,3]"),
    (True, [[2, 1], [0, 2]], "indices[1] = [0,2] is out of order. Many sparse ops require sorted indices."),
    (True, [[0, 1], [0, 1]], "indices[1] = [0,1] is repeated"),
    (False, [[0, 1], [5, 2]], "Indices are not valid (out of bounds).  Shape: [4,3]"),
])
def test_sparse_to_dense_bad_indices_fail_as_in_tensorflow(tf1, validate, indices, text):
    for lib in (ts, tf1):
        with lib.Graph().as_default():
            i = lib.placeholder(lib.int32, None)
            y = lib.sparse_to_dense(i, [4, 3], 7.0, 0.5, validate_indices=validate)
            with lib.Session() as sess:
                with pytest.raises(Exception) as info:
                    sess.run(y, {i: indices})
        assert text in str(info.value), f"{lib.__name__}: {info.value}"
