"""A variable whose initial value reads other variables is initialized as TF1 does it, graph and values.

TF1 assigns a guarded copy of such an initial value: every variable it reads is replaced by that variable's
``initialized_value()``, a cond on ``IsVariableInitialized`` (tensorslow/initial_value_guard.py).
``ExponentialMovingAverage.apply`` on variables builds its shadows that way, and ``clip_by_global_norm``
makes its constant where TF does. Checked here: the (op name, op type) lists equal TF's
(``graph_differences``), the values equal TF's whatever order the variables are initialized in, and
``IsVariableInitialized`` tells whether the session holds a value without initializing the variable.
"""
import itertools
import os

import numpy as np
import pytest

import tensorslow as ts
from tensorslow_parity.graph_parity import graph_differences, tensorflow_ops, tensorslow_ops

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
pytest.importorskip("tensorflow")


def ema_of_variables(tf):
    with tf.variable_scope("dense"):
        k = tf.get_variable("kernel", [2, 3], initializer=tf.random_uniform_initializer(seed=1))
        b = tf.get_variable("bias", [3], initializer=tf.zeros_initializer())
    step = tf.train.get_or_create_global_step()
    with tf.name_scope("averages"):
        ema = tf.train.ExponentialMovingAverage(0.9, num_updates=step)
        update = ema.apply([k, b])
    return update, ema.average(k)


def initialized_value_copies(tf):
    w = tf.Variable(tf.random_normal([2], seed=1), name="w")
    u = tf.Variable(w.initialized_value(), name="u")
    return tf.Variable(u.initialized_value() * 2.0 + w, name="x")


def variables_of_variables(tf):
    v = tf.Variable([1.0, 2.0], name="v")
    with tf.name_scope("outer"):
        u = tf.Variable(v * 2, name="u")
    z = tf.Variable(v + u, name="z")  # two variables: z/cond and z/cond_1
    hidden = tf.Variable(3.0, name="hidden", collections=[])  # in no collection: read as it is
    return z, tf.Variable(hidden * v, name="y"), tf.Variable(v, name="copy")


def ops_between_variables(tf):
    # ops with several outputs (Unpack, Split), casts, reshapes, slices and each way to read v
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="v")
    a = tf.Variable(tf.unstack(v)[1], name="a")
    b = tf.Variable(tf.split(v, 2, axis=1)[0] + 1.0, name="b")
    c = tf.Variable(tf.cast(tf.reshape(v, [4]), tf.int32), name="c")
    d = tf.Variable(v.read_value() * v.value(), name="d")
    e = tf.Variable(tf.identity(v)[0, 1], name="e")
    with tf.variable_scope("s"):
        f = tf.get_variable("f", initializer=tf.reduce_sum(v, 0))
    return [v, a, b, c, d, e, f]


def slot_and_local_variables(tf):
    v = tf.get_variable("v", [3], initializer=tf.ones_initializer())
    local = tf.get_variable("local", [3], initializer=tf.zeros_initializer(),
                            collections=[tf.GraphKeys.LOCAL_VARIABLES])
    tf.get_variable("from_both", initializer=v + local)
    return tf.train.MomentumOptimizer(0.1, 0.9).minimize(tf.reduce_sum(v * v))


def clipped_gradients(tf):
    w = tf.Variable([3.0, 4.0], name="w")
    grads = tf.gradients(tf.reduce_sum(w * w), [w])
    return tf.clip_by_global_norm(grads, 1.0)


BUILDS = [ema_of_variables, initialized_value_copies, variables_of_variables, ops_between_variables,
          slot_and_local_variables, clipped_gradients]


@pytest.mark.parametrize("build", BUILDS, ids=[b.__name__ for b in BUILDS])
def test_builds_tensorflows_graph(build):
    assert graph_differences(build) == []


def test_the_guard_is_there_only_when_an_initial_value_reads_a_variable():
    def build(tf):
        v = tf.Variable(tf.zeros([2]), name="v")
        tf.Variable(tf.ones([2]) * 2.0, name="plain")
        tf.Variable(v + 1.0, name="reads_v")
    ours = tensorslow_ops(build)
    assert [name for name, op_type in ours if op_type == "IsVariableInitialized"] == ["reads_v/IsVariableInitialized"]
    assert ours == tensorflow_ops(build)


def test_an_initial_value_computed_by_a_loop_is_not_guarded():
    # TF's while loop is a cycle in its graph, and TF leaves such an initial value as it is
    def build(tf):
        v = tf.Variable(1.0, name="v")
        doubled = tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2.0), [0, v.initialized_value()])[1]
        return tf.Variable(tf.identity(doubled), name="looped")
    for ops in (tensorslow_ops(build), tensorflow_ops(build)):
        assert [name for name, _ in ops if name.startswith("looped")] == ["looped", "looped/Assign", "looped/read"]
    with ts.Graph().as_default():
        looped = build(ts)
        with ts.Session() as sess:
            sess.run(looped.initializer)
            assert sess.run(looped) == 8.0


# -- values -------------------------------------------------------------------------------------------

def _three_variables(tf):
    v = tf.Variable([1.0, 2.0], name="v")
    u = tf.Variable(v * 2.0, name="u")
    w = tf.Variable(v.initialized_value() + tf.ones([2]), name="w")
    return [v, u, w]


def _values(tf, build, initialize, after=None):
    with tf.Graph().as_default():
        variables = build(tf)
        with tf.Session() as sess:
            initialize(tf, sess, variables)
            if after is not None:
                after(tf, sess, variables)
            return sess.run(variables)


def _in_order(order, together):
    def initialize(tf, sess, variables):
        if together:  # one run: TF runs the initializers in any order
            sess.run(tf.variables_initializer([variables[k] for k in order]))
        else:
            for k in order:
                sess.run(variables[k].initializer)
    return initialize


def _assert_same(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("together", [False, True], ids=["one_run_each", "one_run"])
def test_initializing_in_any_order_gives_tensorflows_values(together):
    from tensorslow_parity.tf1_behaviour import tf1_behaviour
    with tf1_behaviour() as tf1:
        for order in itertools.permutations(range(3)):
            ours = _values(ts, _three_variables, _in_order(order, together))
            _assert_same(ours, _values(tf1, _three_variables, _in_order(order, together)))
            _assert_same(ours, [[1.0, 2.0], [2.0, 4.0], [2.0, 3.0]])


def test_copied_ops_compute_tensorflows_values_initialized_last_first():
    from tensorslow_parity.tf1_behaviour import tf1_behaviour
    order = list(range(7))[::-1]  # every variable before v, the one they read
    ours = _values(ts, ops_between_variables, _in_order(order, False))
    with tf1_behaviour() as tf1:
        _assert_same(ours, _values(tf1, ops_between_variables, _in_order(order, False)))
    assert ours[3].tolist() == [1, 2, 3, 4] and ours[6].tolist() == [4.0, 6.0]


def test_the_guard_reads_the_variables_current_value():
    # v is initialized, then changed: u's initializer reads v's value now (the cond's true branch)
    def after(tf, sess, variables):
        sess.run(tf.assign(variables[0], [5.0, 6.0]))
        sess.run([variables[1].initializer, variables[2].initializer])
    from tensorslow_parity.tf1_behaviour import tf1_behaviour
    ours = _values(ts, _three_variables, _in_order([0, 1, 2], False), after)
    with tf1_behaviour() as tf1:
        _assert_same(ours, _values(tf1, _three_variables, _in_order([0, 1, 2], False), after))
    _assert_same(ours, [[5.0, 6.0], [10.0, 12.0], [6.0, 7.0]])


def _random_ema(tf):
    tf.set_random_seed(5)
    w = tf.Variable(tf.random_normal([3], seed=1), name="w")
    u = tf.Variable(w * 2.0, name="u")
    ema = tf.train.ExponentialMovingAverage(0.5)
    update = ema.apply([w])
    with tf.control_dependencies([update]):
        tf.add_to_collection("step", tf.assign_add(w, tf.ones([3])))
    return [w, u, ema.average(w)]


@pytest.mark.parametrize("order", [None, (0, 1, 2), (0, 2, 1)], ids=["global_initializer", "w_u_shadow", "w_shadow_u"])
def test_random_initial_values_and_moving_averages_are_tensorflows(order):
    def initialize(tf, sess, variables):
        if order is None:
            sess.run(tf.global_variables_initializer())
        else:
            _in_order(order, False)(tf, sess, variables)
        sess.run(tf.get_collection("step"))  # shadow = w, then w += 1
    from tensorslow_parity.tf1_behaviour import tf1_behaviour
    ours = _values(ts, _random_ema, initialize)
    with tf1_behaviour() as tf1:
        _assert_same(ours, _values(tf1, _random_ema, initialize))
    w, u, shadow = ours
    np.testing.assert_allclose(u, 2 * (w - 1.0), atol=1e-6)  # w - 1 rounds
    np.testing.assert_allclose(shadow, w - 1.0, atol=1e-6)


# -- IsVariableInitialized ------------------------------------------------------------------------------

@pytest.mark.parametrize("executor", ["compiled", "reference"])
def test_is_variable_initialized_asks_without_initializing(executor):
    with ts.Graph().as_default():
        v = ts.Variable([1.0, 2.0], name="v")
        asked = ts.is_variable_initialized(v)
        assert (asked.op_name, asked.type, asked.dtype, asked.shape.as_list()) == \
            ("IsVariableInitialized", "IsVariableInitialized", ts.bool, [])
        with ts.Session(executor=executor) as sess:
            assert not sess.run(asked)
            assert not sess.run(asked)  # asking did not initialize it
            sess.run(v)  # a read does (TensorSlow initializes a variable at its first read)
            assert sess.run(asked)
        with ts.Session(executor=executor) as sess:  # each session holds its own values
            assert not sess.run(asked)
            sess.run(v.initializer)
            assert sess.run(asked)


def test_is_variable_initialized_wants_a_variable():
    with ts.Graph().as_default():
        with pytest.raises(TypeError, match="is_variable_initialized: expected a Variable"):
            ts.is_variable_initialized(ts.constant(1.0))


def test_initialized_value_builds_a_new_cond_each_time():
    with ts.Graph().as_default() as graph:
        v = ts.Variable(2.0, name="v")
        with ts.control_dependencies([ts.no_op(name="first")]):
            a, b = v.initialized_value(), v.initialized_value()
        assert (a.op_name, b.op_name) == ("cond/Merge", "cond_1/Merge")
        names = [n.op_name for n in graph.get_operations()]
        assert "IsVariableInitialized_1" in names and "cond_1/read/Switch" in names
        assert not a.control_inputs  # built outside control dependencies, as TF's init_scope does
        with ts.Session() as sess:
            assert sess.run([a, b]) == [2.0, 2.0]
