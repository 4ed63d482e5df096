"""tf.cond, tf.case and smart_cond build TF1's dataflow graph (Switch, Merge...) and run it as TF1 does.

Graph parity: TensorSlow's (op name, op type) list equals TF1's for conds with captured tensors and
variables, nested conds, several outputs, constant branches, branches returning operations, an
assignment in a branch, tf.case (its Assert guards) and piecewise_constant. Semantics: the untaken
branch's ops do not run (an assignment there does not happen), a random op in the taken branch draws
once for the forward and backward pass, fetching a dead tensor raises TF's error, gradients through a
cond agree with finite differences, and a graph without cond compiles without any dead check.
"""
import os

import numpy as np
import pytest

import tensorslow as ts
from tensorslow.control_flow.dead import DEAD
from tensorslow.errors import InvalidArgumentError
from tensorslow_parity.graph_parity import graph_differences

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
pytest.importorskip("tensorflow")

EXECUTORS = ("compiled", "reference")


def captured_and_variable(tf):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    p = tf.placeholder(tf.bool, [], name="p")
    w = tf.get_variable("w", [2], initializer=tf.zeros_initializer())
    return tf.cond(p, lambda: x * 2.0 + w, lambda: tf.identity(x))


def nested(tf):
    x = tf.placeholder(tf.float32, [], name="x")
    p = tf.placeholder(tf.bool, [], name="p")
    q = tf.placeholder(tf.bool, [], name="q")
    return tf.cond(p, lambda: tf.cond(q, lambda: x + 1.0, lambda: x - 1.0), lambda: x * 3.0)


def several_outputs_and_constants(tf):
    x = tf.placeholder(tf.float32, [], name="x")
    pair = tf.cond(x > 0, lambda: (x, x * 2), lambda: (x, x))
    const = tf.cond(x < 1, lambda: tf.constant(1.0), lambda: tf.constant(2.0), name="consts")
    return pair, const


def operations_and_assignment(tf):
    x = tf.placeholder(tf.float32, [], name="x")
    v = tf.Variable(1.0, name="v")
    p = tf.placeholder(tf.bool, [], name="p")

    def assigning():
        a = tf.assign(v, x)
        with tf.control_dependencies([a, tf.assign_add(v, 0.0)]):  # the constant: AssignAdd/value
            return tf.identity(x)
    y = tf.cond(p, assigning, lambda: x)
    op = tf.cond(p, tf.no_op, lambda: tf.assign_add(v, x).op, name="ops")
    return y, op


def case_with_default(tf):
    x = tf.placeholder(tf.float32, [], name="x")
    return tf.case([(x > 0, lambda: tf.constant(1.0)), (x < -1, lambda: tf.constant(2.0))],
                   default=lambda: tf.constant(3.0))


def case_without_default_and_exclusive(tf):
    x = tf.placeholder(tf.float32, [], name="x")
    a = tf.case([(x > 0, lambda: x * 2.0), (x < -1, lambda: x * 3.0)])
    b = tf.case([(x > 0, lambda: x * 2.0), (x < -1, lambda: x * 3.0)], default=lambda: -x, exclusive=True)
    return a, b


def piecewise_constant(tf):
    step = tf.train.get_or_create_global_step()
    return tf.train.piecewise_constant(step, [10, 20], [0.1, 0.01, 0.001])


def cond_with_training_step(tf):
    x = tf.placeholder(tf.float32, [], name="x")
    w = tf.Variable(2.0, name="w")
    y = tf.cond(x > 0, lambda: x * w, lambda: tf.square(w))
    return tf.train.GradientDescentOptimizer(0.1).minimize(y)


def variables_read_in_branches(tf):
    v = tf.Variable(1.0, name="v")
    p = tf.placeholder(tf.bool, [], name="p")
    return tf.cond(p, lambda: v.read_value() * 2.0, lambda: tf.identity(v) + v.value() + v)


def control_dependencies_and_scopes(tf):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    v = tf.Variable(tf.zeros([3]), name="v")
    update = tf.assign_add(v, tf.reduce_mean(x, 0))
    p = tf.placeholder(tf.bool, [], name="p")

    def waiting():
        with tf.control_dependencies([update]):
            return tf.identity(x) * 2.0

    def scoped():
        with tf.name_scope("inner"):
            return tf.nn.relu(x) + v
    with tf.control_dependencies([update]):
        return tf.reduce_sum(tf.cond(p, waiting, scoped))


BUILDS = [variables_read_in_branches, control_dependencies_and_scopes, captured_and_variable, nested,
          several_outputs_and_constants, operations_and_assignment, case_with_default,
          case_without_default_and_exclusive, piecewise_constant, cond_with_training_step]


@pytest.mark.parametrize("build", BUILDS, ids=[b.__name__ for b in BUILDS])
def test_cond_and_case_build_tensorflows_graph(build):
    # TF names the logical and of piecewise_constant after the `&` operator; not a control-flow op
    others = {"- tensorslow only: PiecewiseConstant/LogicalAnd (LogicalAnd)",
              "+ tensorflow only: PiecewiseConstant/and (LogicalAnd)"}
    assert [d for d in graph_differences(build) if d not in others] == []


def test_a_cond_is_built_from_switch_and_merge():
    with ts.Graph().as_default() as graph:
        captured_and_variable(ts)
        ops = [(op.op_name, op.type) for op in graph.get_operations()]
    assert ops[6:] == [("cond/Switch", "Switch"), ("cond/switch_t", "Identity"), ("cond/switch_f", "Identity"),
                       ("cond/pred_id", "Identity"), ("cond/mul/y", "Const"), ("cond/mul", "Mul"),
                       ("cond/mul/Switch", "Switch"), ("cond/add", "AddV2"), ("cond/add/Switch", "Switch"),
                       ("cond/Identity", "Identity"), ("cond/Identity/Switch", "Switch"), ("cond/Merge", "Merge")]
    mul_y = graph.get_tensor_by_name("cond/mul/y:0")
    assert [c.op_name for c in mul_y.control_inputs] == ["cond/switch_t"]  # dead with its branch


# -- running ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("executor", EXECUTORS)
def test_the_untaken_branch_does_not_run_its_side_effects(executor):
    with ts.Graph().as_default():
        y, op = operations_and_assignment(ts)
        x, p = ts.get_default_graph().get_tensor_by_name("x:0"), ts.get_default_graph().get_tensor_by_name("p:0")
        v = ts.global_variables()[0]
        with ts.Session(executor=executor) as sess:
            sess.run(ts.global_variables_initializer())
            assert sess.run(y, {x: 7.0, p: False}) == 7.0 and sess.run(v) == 1.0  # no assign
            assert sess.run(y, {x: 7.0, p: True}) == 7.0 and sess.run(v) == 7.0  # the assign ran
            # branches returning operations: the cond's value is its pivot's, the predicate (TF's)
            assert sess.run(op, {x: 2.0, p: True}) and sess.run(v) == 7.0  # the NoOp branch
            assert not sess.run(op, {x: 2.0, p: False})
            assert sess.run(v) == 9.0  # assign_add ran once


@pytest.mark.parametrize("executor", EXECUTORS)
def test_a_random_op_in_the_taken_branch_draws_once(executor):
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float64, [50])
        p = ts.placeholder(ts.bool, [])
        y = ts.cond(p, lambda: x * ts.random_uniform([50], dtype=ts.float64), lambda: x)
        (dx,) = ts.gradients(ts.reduce_sum(y), x)
        with ts.Session(executor=executor) as sess:
            value, grad = sess.run([y, dx], {x: np.full(50, 2.0), p: True})
            np.testing.assert_array_equal(value, 2.0 * grad)  # y = x * r, dy/dx = r: the same draw
            value, grad = sess.run([y, dx], {x: np.full(50, 2.0), p: False})
            np.testing.assert_array_equal(grad, np.ones(50))


@pytest.mark.parametrize("executor", EXECUTORS)
def test_fetching_a_dead_tensor_raises_tensorflows_error(executor):
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float32, [])
        p = ts.placeholder(ts.bool, [])
        inside = []
        y = ts.cond(p, lambda: inside.append(x * 2.0) or inside[0], lambda: x)
        with ts.Session(executor=executor) as sess:
            assert sess.run([y, inside[0]], {x: 1.0, p: True}) == [2.0, 2.0]
            with pytest.raises(InvalidArgumentError, match=r"Retval\[1\] does not have value"):
                sess.run([y, inside[0]], {x: 1.0, p: False})


@pytest.mark.parametrize("executor", EXECUTORS)
def test_nested_conds_pick_the_right_value_and_gradient(executor):
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float64, [])
        p, q = ts.placeholder(ts.bool, []), ts.placeholder(ts.bool, [])
        y = ts.cond(p, lambda: ts.cond(q, lambda: x * x, lambda: ts.sin(x)), lambda: x * 3.0)
        (dx,) = ts.gradients(y, x)
        with ts.Session(executor=executor) as sess:
            for pv, qv, value, grad in ((True, True, 4.0, 4.0), (True, False, np.sin(2.0), np.cos(2.0)),
                                        (False, True, 6.0, 3.0), (False, False, 6.0, 3.0)):
                got = sess.run([y, dx], {x: 2.0, p: pv, q: qv})
                np.testing.assert_allclose(got, [value, grad], rtol=1e-15)


@pytest.mark.parametrize("taken", [True, False])
def test_gradients_through_a_cond_match_finite_differences(taken):
    rng = np.random.default_rng(3)
    x0, w0 = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float64, [3, 4])
        w = ts.Variable(w0)
        p = ts.placeholder(ts.bool, [])
        y = ts.cond(p, lambda: ts.tanh(ts.matmul(x, w)), lambda: ts.matmul(x * x, w) * 0.5)
        loss = ts.reduce_sum(y * y)
        dx, dw = ts.gradients(loss, [x, w])
        with ts.Session() as sess:
            sess.run(ts.global_variables_initializer())
            feed = {x: x0, p: taken}
            gx, gw = sess.run([dx, dw], feed)

            def f(xv, wv):
                w.load(wv, sess)
                return sess.run(loss, {x: xv, p: taken})
            eps = 1e-6
            for k in range(x0.size):
                e = np.zeros_like(x0)
                e.flat[k] = eps
                num = (f(x0 + e, w0) - f(x0 - e, w0)) / (2 * eps)
                assert abs(num - gx.flat[k]) < 1e-6
            for k in range(w0.size):
                e = np.zeros_like(w0)
                e.flat[k] = eps
                num = (f(x0, w0 + e) - f(x0, w0 - e)) / (2 * eps)
                assert abs(num - gw.flat[k]) < 1e-6


def test_case_asserts_raise_tensorflows_messages():
    with ts.Graph().as_default() as graph:
        a, b = case_without_default_and_exclusive(ts)
        x = graph.get_tensor_by_name("x:0")
        with ts.Session() as sess:
            assert sess.run(a, {x: 1.0}) == 2.0 and sess.run(a, {x: -2.0}) == -6.0
            with pytest.raises(InvalidArgumentError, match="None of conditions evaluated as True"):
                sess.run(a, {x: -0.5})
            assert sess.run(b, {x: -0.5}) == 0.5


def test_only_nodes_a_switch_reaches_check_for_dead_inputs():
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float32, [None, 3])
        w = ts.Variable(np.ones((3, 2), np.float32))
        plain = ts.reduce_sum(ts.nn.relu(ts.matmul(x, w)))
        step = ts.train.GradientDescentOptimizer(0.1).minimize(plain)
        p = ts.placeholder(ts.bool, [])
        y = ts.cond(p, lambda: plain * 2.0, lambda: plain)
        after = y + 1.0
        assert not any(n.may_be_dead for n in (x, w, plain, y, after))
        branch = y.inputs[1]  # cond/mul
        assert branch.may_be_dead and branch.inputs[0].may_be_dead  # the Switch output
        with ts.Session() as sess:
            sess.run(ts.global_variables_initializer())
            assert "DEAD" not in str(sess.plan([plain, step], {x: np.ones((2, 3))}))
            source = str(sess.plan(after, {x: np.ones((2, 3)), p: True}))
            assert "cond_mul is DEAD" in source or "cond_mul_Switch is DEAD" in source
            assert sess.run(after, {x: np.ones((2, 3)), p: True}) == pytest.approx(2 * 12 + 1)


def test_dead_is_a_single_marker():
    import pickle
    assert pickle.loads(pickle.dumps(DEAD)) is DEAD and repr(DEAD) == "DEAD"


@pytest.mark.parametrize("executor", EXECUTORS)
def test_the_gradient_with_respect_to_a_dead_tensor_is_dead(executor):
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float64, [])
        p = ts.placeholder(ts.bool, [])
        inside = []
        y = ts.cond(p, lambda: inside.append(x * 2.0) or ts.square(inside[0]), lambda: x)
        (d_inside,) = ts.gradients(y, inside)
        with ts.Session(executor=executor) as sess:
            assert sess.run(d_inside, {x: 1.5, p: True}) == 6.0
            with pytest.raises(InvalidArgumentError, match=r"Retval\[0\] does not have value"):
                sess.run(d_inside, {x: 1.5, p: False})


LAYERS_SCRIPT = """
import json
from tensorslow_parity.graph_parity import graph_differences

def dropout(tf):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    training = tf.placeholder(tf.bool, [], name="training")
    return tf.layers.dropout(x, 0.3, training=training)

def batch_normalization(tf):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    training = tf.placeholder(tf.bool, [], name="training")
    return tf.layers.batch_normalization(x, training=training)

print(json.dumps({b.__name__: graph_differences(b) for b in (dropout, batch_normalization)}))
"""


@pytest.mark.slow
def test_layers_with_a_training_tensor_build_tensorflows_conds():
    """tf.layers' smart_cond with a bool tensor is a cond (TF1's layers need TF_USE_LEGACY_KERAS=1 before
    TensorFlow is imported: a process of its own)."""
    import json
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # this checkout's tensorslow
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3",
           "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", LAYERS_SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    # dropout's select is TF's SelectV2, TensorSlow's Select: the dropout op's, not the cond's
    select = {"- tensorslow only: dropout/cond/dropout/Select (Select)",
              "+ tensorflow only: dropout/cond/dropout/SelectV2 (SelectV2)"}
    assert [d for d in found["dropout"] if d not in select] == []
    assert found["batch_normalization"] == []
