"""A training step is all or nothing, and threads sharing a session or building their own graphs
do not disturb each other (as in ``tf.compat.v1``)."""
import sys
import threading

import numpy as np
import pytest

import tensorslow as ts


@pytest.fixture(autouse=True)
def fresh_default_graph():
    with ts.Graph().as_default():
        yield


OPTIMIZERS = {
    "sgd": lambda: ts.train.GradientDescentOptimizer(0.1),
    "momentum": lambda: ts.train.MomentumOptimizer(0.1, 0.9),
    "adam": lambda: ts.train.AdamOptimizer(0.1),
    "adagrad": lambda: ts.train.AdagradOptimizer(0.1),
    "rmsprop": lambda: ts.train.RMSPropOptimizer(0.1),
}


BAD_GRADIENTS = {  # a gradient for the second variable that makes the step fail, and the error's words
    "shape": ([[1.0, 1.0], [1.0, 1.0]], "same shape.*'b'"),
    "kernel": (np.array(["x", "y"]), "ApplyGradients"),
}


@pytest.mark.parametrize("executor", ["compiled", "reference"])
@pytest.mark.parametrize("bad", sorted(BAD_GRADIENTS))
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_failed_step_changes_no_variable(name, bad, executor):
    """The second variable's update fails: the first variable, its slots, Adam's beta powers and
    global_step must all keep their values."""
    a, b = ts.Variable([1.0, 2.0], name="a"), ts.Variable([3.0, 4.0], name="b")
    ga, gb = ts.placeholder(ts.float32), ts.placeholder()  # gb: any dtype
    step = ts.Variable(np.int64(0), trainable=False, name="global_step")
    train = OPTIMIZERS[name]().apply_gradients([(ga, a), (gb, b)], global_step=step)
    with ts.Session(executor=executor) as sess:
        sess.run(train, {ga: [1.0, 1.0], gb: [1.0, 1.0]})
        before = {v.name: sess.run(v) for v in ts.global_variables()}
        value, words = BAD_GRADIENTS[bad]
        with pytest.raises(ts.errors.InvalidArgumentError, match=words):
            sess.run(train, {ga: [1.0, 1.0], gb: value})
        after = {v.name: sess.run(v) for v in ts.global_variables()}
    assert len(before) > 3 or name == "sgd"
    for key, value in before.items():
        np.testing.assert_array_equal(after[key], value, err_msg=key)


def test_a_gradient_that_would_broadcast_is_refused_not_applied():
    """A [2, 2] gradient for a [2] variable would broadcast into a [2, 2] variable: TF refuses it."""
    v = ts.Variable([1.0, 2.0], name="v")
    g = ts.placeholder(ts.float32)
    train = ts.train.GradientDescentOptimizer(0.1).apply_gradients([(g, v)])
    with ts.Session() as sess:
        with pytest.raises(ts.errors.InvalidArgumentError, match="'v'"):
            sess.run(train, {g: np.ones((2, 2), np.float32)})
        assert sess.run(v).shape == (2,)


@pytest.fixture
def frequent_thread_switches():
    """Switch threads every microsecond, so a read-modify-write that is not atomic loses updates."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def _run_in_threads(n, fn):
    errors = []

    def guarded():
        try:
            fn()
        except Exception as error:  # noqa: BLE001  (any error, reported by the assertion below)
            errors.append(error)
    threads = [threading.Thread(target=guarded) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


@pytest.mark.parametrize("executor", ["compiled", "reference"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_threads_training_one_session_lose_no_update(optimizer, executor, frequent_thread_switches):
    """4 threads x 500 steps of d(-w)/dw = -1 with rate 1: w ends at exactly 2000 (SGD)."""
    w = ts.Variable(0.0)
    make = {"sgd": lambda: ts.train.GradientDescentOptimizer(1.0), "adam": lambda: ts.train.AdamOptimizer(0.1)}
    step = ts.Variable(np.int64(0), trainable=False)
    train = make[optimizer]().minimize(-w, global_step=step)
    with ts.Session(executor=executor) as sess:  # every thread's first run initializes the variables
        _run_in_threads(4, lambda: [sess.run(train) for _ in range(500)])
        assert sess.run(step) == 2000
        if optimizer == "sgd":
            assert sess.run(w) == 2000.0


def test_threads_incrementing_one_variable_lose_no_update(frequent_thread_switches):
    counter = ts.Variable(0)
    inc = ts.assign_add(counter, 1)
    with ts.Session() as sess:
        _run_in_threads(4, lambda: [sess.run(inc) for _ in range(500)])
        assert sess.run(counter) == 2000


def test_each_thread_has_its_own_default_graph():
    """Two threads, each in its own ``Graph().as_default()``, build into their own graphs."""
    barrier = threading.Barrier(2)
    graphs, names = {}, {}

    def build(key):
        with ts.Graph().as_default() as g:
            barrier.wait()
            nodes = [ts.constant(float(i), name="c") for i in range(50)]
            barrier.wait()
            graphs[key], names[key] = g, [n.name for n in nodes]
            assert ts.get_default_graph() is g
            assert all(n.graph is g for n in nodes)
    threads = [threading.Thread(target=build, args=(k,)) for k in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert graphs["a"] is not graphs["b"]
    for key in "ab":
        assert len(graphs[key].get_operations()) == 50
        assert names[key][:2] == ["c:0", "c_1:0"]


def test_a_plain_as_default_statement_stays_in_effect_in_its_thread_only():
    outer = ts.get_default_graph()
    seen = {}

    def worker():
        g = ts.Graph()
        g.as_default()  # the course's plain statement
        seen["worker"] = ts.get_default_graph() is g
        seen["node"] = ts.constant(1.0).graph is g
    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen == {"worker": True, "node": True}
    assert ts.get_default_graph() is outer
    g = ts.Graph()
    g.as_default()
    assert ts.get_default_graph() is g
    ts.reset_default_graph()
    fresh = ts.get_default_graph()
    assert fresh is not g and not fresh.get_operations()


def test_a_new_thread_builds_into_the_process_default_graph():
    """A thread that made no graph its default uses the process's default graph."""
    ts.reset_default_graph()
    main = ts.get_default_graph()
    seen = {}
    t = threading.Thread(target=lambda: seen.setdefault("graph", ts.get_default_graph()))
    t.start()
    t.join()
    assert seen["graph"] is main
