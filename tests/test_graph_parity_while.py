"""tf.while_loop builds TF1's frame (Enter, Merge, LoopCond, Switch, Identity, NextIteration, Exit) and runs it.

Graph parity: TensorSlow's (op name, op type) list equals TF1's for loops with captured tensors, a
variable read in the body, maximum_iterations, nested loops, a cond in a body, a loop in a cond branch
and nested loop vars. Semantics, with both executors: the values TF1 computes, gradients with respect
to the initial values, captured tensors and variables that agree with finite differences (through
nested loops and a cond in the body too), a random op in a body drawn once for the forward and the
backward pass, TF's error for fetching a tensor of the loop, and the frame's plumbing: a GraphDef
shows the Merge's back edge, the frame runner is not an op of the graph, and a graph without a loop
compiles without it.
"""
import os

import numpy as np
import pytest

import tensorslow as ts
from tensorslow.graph_def import node_def
from tensorslow_parity.graph_parity import graph_differences

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
EXECUTORS = ("compiled", "reference")


def captured(tf):
    x = tf.placeholder(tf.float64, [], name="x")
    n = tf.constant(5)
    return tf.while_loop(lambda i, acc: i < n, lambda i, acc: (i + 1, acc * x),
                         [tf.constant(0), tf.constant(1.0, tf.float64)])[1]


def variable_and_maximum(tf):
    x = tf.placeholder(tf.float64, [2], name="x")
    w = tf.Variable(np.array([1.5, 0.5]), name="w")
    return tf.while_loop(lambda y: tf.reduce_sum(y) < 100.0, lambda y: y * w + x, [x], maximum_iterations=3)


def nested_loops(tf):
    x = tf.placeholder(tf.float64, [], name="x")

    def body(i, y):
        return i + 1, tf.while_loop(lambda k, z: k < 2, lambda k, z: (k + 1, tf.sin(z * x)), (0, y))[1]
    return tf.while_loop(lambda i, y: i < 3, body, (0, x))[1]


def cond_in_body(tf):
    x = tf.placeholder(tf.float64, [], name="x")
    return tf.while_loop(lambda i, y: i < 4,
                         lambda i, y: (i + 1, tf.cond(y > 1.0, lambda: y * x, lambda: y + x)), (0, x))[1]


def loop_in_cond(tf):
    x = tf.placeholder(tf.float64, [], name="x")
    p = tf.placeholder(tf.bool, [], name="p")
    return tf.cond(p, lambda: tf.while_loop(lambda i, y: i < 2, lambda i, y: (i + 1, y * x), (0, x))[1],
                   lambda: x)


def structures(tf):
    x = tf.placeholder(tf.float64, [None, 3], name="x")
    _, (h, _) = tf.while_loop(lambda t, s: t < 4, lambda t, s: (t + 1, (tf.tanh(s[0] + s[1]), s[0])),
                              (tf.constant(0), (x, tf.zeros_like(x))))
    count = tf.while_loop(lambda v: v < 10, lambda v: v + 1, [tf.constant(0)], name="count")
    return h, count


BUILDS = (captured, variable_and_maximum, nested_loops, cond_in_body, loop_in_cond, structures)


@pytest.mark.parametrize("build", BUILDS, ids=lambda b: b.__name__)
def test_while_loops_build_tensorflows_graph(build):
    pytest.importorskip("tensorflow")
    assert graph_differences(build) == []


def test_a_loop_is_a_frame_of_tf1_ops_and_its_runner_is_no_op_of_the_graph():
    with ts.Graph().as_default() as graph:
        y = captured(ts)
        ops = {n.op_name: n for n in graph.get_operations()}
    assert [ops[k].type for k in ("while/Enter", "while/Merge", "while/Less", "while/LoopCond", "while/Switch",
                                  "while/Identity", "while/mul", "while/mul/Enter", "while/NextIteration",
                                  "while/Exit_1")] == ["Enter", "Merge", "Less", "LoopCond", "Switch", "Identity",
                                                       "Mul", "Enter", "NextIteration", "Exit"]
    assert ops["while/Enter"].attrs == {"frame_name": "while", "is_constant": False}
    assert ops["while/mul/Enter"].attrs == {"frame_name": "while", "is_constant": True}
    assert node_def(ops["while/Merge_1"])["input"] == ["while/Enter_1", "while/NextIteration_1"]  # the back edge
    assert node_def(y)["input"] == ["while/Switch_1"]
    runner = y.inputs[0]
    assert runner.type == "While" and runner not in graph.get_operations()
    assert [p.op_name for p in runner.inputs] == ["Const_1", "Const_2", "Const", "x"]  # the inits, then n and x


def _run(build, executor, feeds):
    graph = ts.Graph()
    with graph.as_default():
        out = build(ts)
        placeholders = {n.op_name: n for n in graph.get_operations() if n.type == "Placeholder"}
        sess = ts.Session(graph=graph, executor=executor)
        sess.run(ts.global_variables_initializer())
        return sess.run(out, {placeholders[k]: v for k, v in feeds.items()})


def _run_tf(tf1, build, feeds):
    out = build(tf1)
    graph = tf1.get_default_graph()
    placeholders = {op.name: op.outputs[0] for op in graph.get_operations() if op.type == "Placeholder"}
    with tf1.Session() as sess:
        sess.run(tf1.global_variables_initializer())
        return sess.run(out, {placeholders[k]: v for k, v in feeds.items()})


CASES = [(captured, {"x": 1.3}), (variable_and_maximum, {"x": np.array([0.5, -2.0])}),
         (nested_loops, {"x": 0.7}), (cond_in_body, {"x": 0.4}), (cond_in_body, {"x": 1.6}),
         (loop_in_cond, {"x": 1.5, "p": True}), (loop_in_cond, {"x": 1.5, "p": False}),
         (structures, {"x": np.linspace(-1, 1, 6).reshape(2, 3)})]


@pytest.mark.parametrize("executor", EXECUTORS)
@pytest.mark.parametrize("build, feeds", CASES, ids=lambda c: getattr(c, "__name__", "") or str(c))
def test_loops_compute_tensorflows_values(tf1, executor, build, feeds):
    ours, theirs = _run(build, executor, feeds), _run_tf(tf1, build, feeds)
    for a, b in zip(ours if isinstance(ours, tuple) else [ours], theirs if isinstance(theirs, tuple) else [theirs]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def _numeric_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += eps
        down[index] -= eps
        grad[index] = (np.sum(f(up)) - np.sum(f(down))) / (2 * eps)
    return grad


@pytest.mark.parametrize("executor", EXECUTORS)
@pytest.mark.parametrize("build, x", [(captured, 1.3), (variable_and_maximum, [0.5, -2.0]), (nested_loops, 0.7),
                                      (cond_in_body, 0.4), (cond_in_body, 1.6)],
                         ids=["captured", "variable_and_maximum", "nested", "cond_taken", "cond_not_taken"])
def test_gradients_through_loops_match_finite_differences(executor, build, x):
    """dL/dx sums what reaches x as the initial value and as a captured tensor (backpropagation through
    time); for variable_and_maximum also dL/dw, w read in the body through its snapshot's Enter."""
    graph = ts.Graph()
    with graph.as_default():
        y = build(ts)
        xp = next(n for n in graph.get_operations() if n.type == "Placeholder")
        variables = ts.global_variables()
        grads = ts.gradients(y, [xp, *variables])
        sess = ts.Session(graph=graph, executor=executor)
        sess.run(ts.global_variables_initializer())
        got = sess.run(grads, {xp: x})
        np.testing.assert_allclose(got[0], _numeric_gradient(lambda v: sess.run(y, {xp: v}), x), rtol=1e-6)
        for variable, g in zip(variables, got[1:]):
            w0 = sess.run(variable)

            def with_w(w, variable=variable):
                variable.load(w, sess)
                return sess.run(y, {xp: x})
            np.testing.assert_allclose(g, _numeric_gradient(with_w, w0), rtol=1e-6)


@pytest.mark.parametrize("executor", EXECUTORS)
def test_a_random_op_in_a_body_draws_once_for_the_forward_and_backward_pass(executor):
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float64, [3])
        _, y = ts.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * ts.random_uniform([3], 1.0, 2.0, ts.float64)),
                             (0, x))
        sess = ts.Session(executor=executor)
        value, grad = sess.run([y, ts.gradients(y, x)[0]], {x: np.ones(3)})
    np.testing.assert_allclose(grad, value)  # y = x * (product of the draws): dy/dx = that product


def test_fetching_a_tensor_of_the_loop_raises_tensorflows_error():
    with ts.Graph().as_default() as graph:
        captured(ts)
        sess = ts.Session()
        for name in ("while/mul", "while/Merge", "while/Identity"):
            with pytest.raises(ValueError, match=f"'{name}' has been marked as not fetchable.*while loop 'while'"):
                sess.run(graph.get_tensor_by_name(name), {graph.get_tensor_by_name("x"): 1.0})


def test_a_loop_condition_must_be_a_scalar_bool():
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float32, [2])
        with pytest.raises(TypeError, match="type float32 that does not match expected type of bool"):
            ts.while_loop(lambda y: y, lambda y: y, [x])
        with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
            ts.while_loop(lambda y: y > 0, lambda y: y, [x])


def test_a_graph_without_a_loop_compiles_without_frames():
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float32, [None, 2])
        w = ts.Variable(np.ones((2, 1), np.float32))
        loss = ts.reduce_mean(ts.square(ts.matmul(x, w)))
        train = ts.train.GradientDescentOptimizer(0.1).minimize(loss)
        sess = ts.Session()
        sess.run(ts.global_variables_initializer())
        source = str(sess.plan([train, loss], {x: np.ones((3, 2), np.float32)}))
    assert "While" not in source and "frame" not in source and "DEAD" not in source


def variable_as_loop_var(tf):
    w = tf.Variable(2.0, name="w")
    return tf.while_loop(lambda y: y < 10.0, lambda y: y * w, [w])


def test_a_variable_as_a_loop_var_enters_as_its_snapshot():
    pytest.importorskip("tensorflow")
    assert graph_differences(variable_as_loop_var) == []
    with ts.Graph().as_default():
        y = variable_as_loop_var(ts)
        sess = ts.Session()
        sess.run(ts.global_variables_initializer())
        assert sess.run([y, ts.gradients(y, ts.global_variables())[0]]) == [16.0, 32.0]  # w^4, 4 w^3


@pytest.mark.parametrize("executor", EXECUTORS)
def test_a_body_assigns_once_per_iteration_after_its_outside_control_inputs(executor):
    with ts.Graph().as_default() as graph:
        x = ts.placeholder(ts.float32, [], name="x")
        v = ts.Variable(0.0, name="v")
        outside = ts.assign(v, 10.0)

        def body(i, y):
            with ts.control_dependencies([outside]):  # from outside the loop: the loop waits on it, once
                counted = ts.assign_add(v, 1.0)
            with ts.control_dependencies([counted]):
                return i + 1, ts.identity(y * 2.0)
        y = ts.while_loop(lambda i, y: i < 3, body, (0, x))[1]
        assert outside in y.inputs[0].control_inputs and "while/AssignAdd" in {n.op_name for n in
                                                                                 graph.get_operations()}
        sess = ts.Session(executor=executor)
        sess.run(ts.global_variables_initializer())
        assert sess.run(y, {x: 1.5}) == 12.0 and sess.run(v) == 13.0


@pytest.mark.parametrize("executor", EXECUTORS)
def test_a_condition_of_unknown_rank_must_be_a_scalar_when_run(executor):
    with ts.Graph().as_default():
        p = ts.placeholder(ts.bool)
        y = ts.while_loop(lambda v: ts.logical_and(p, v < 3.0), lambda v: v + 1.0, [ts.constant(0.0)])
        sess = ts.Session(executor=executor)
        assert sess.run(y, {p: True}) == 3.0
        with pytest.raises(ts.errors.InvalidArgumentError, match="condition of while loop 'while' must be a scalar"):
            sess.run(y, {p: [True, False]})


def tensor_arrays_in_a_loop(tf):
    x = tf.placeholder(tf.float64, [5, 3], name="x")
    out = tf.TensorArray(tf.float64, size=5)
    inputs = tf.TensorArray(tf.float64, size=5).unstack(x)

    def body(t, acc, out):
        acc = tf.tanh(acc + inputs.read(t))
        return t + 1, acc, out.write(t, acc)
    _, _, out = tf.while_loop(lambda t, *_: t < 5, body, (0, tf.zeros([3], tf.float64), out))
    return out.stack()


def test_tensor_arrays_in_a_loop_build_tensorflows_graph():
    pytest.importorskip("tensorflow")
    assert graph_differences(tensor_arrays_in_a_loop) == []


@pytest.mark.parametrize("executor", EXECUTORS)
def test_tensor_arrays_in_a_loop_compute_tensorflows_values_and_exact_gradients(tf1, executor):
    x = np.linspace(-1.0, 1.2, 15).reshape(5, 3)
    np.testing.assert_allclose(_run(tensor_arrays_in_a_loop, executor, {"x": x}),
                               _run_tf(tf1, tensor_arrays_in_a_loop, {"x": x}), rtol=1e-12)
    with ts.Graph().as_default() as graph:
        y = tensor_arrays_in_a_loop(ts)
        xp = graph.get_tensor_by_name("x")
        loss = ts.reduce_sum(y * ts.constant(np.arange(15.0).reshape(5, 3)))
        sess = ts.Session(executor=executor)
        grad = sess.run(ts.gradients(loss, xp)[0], {xp: x})
        np.testing.assert_allclose(grad, _numeric_gradient(lambda v: sess.run(loss, {xp: v}), x), rtol=1e-6)


def test_tensor_array_errors_and_growth():
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float32, [2])
        ta = ts.TensorArray(ts.float32, size=3)
        sess = ts.Session()
        with pytest.raises(ts.errors.InvalidArgumentError, match="index 1 because it has not yet been written"):
            sess.run(ta.read(1))  # nothing written, no element shape: nothing to make zeros of
        assert sess.run(ta.write(0, x).read(1), {x: [1, 2]}).tolist() == [0, 0]  # zeros of a written one's shape
        with pytest.raises(ts.errors.InvalidArgumentError, match="index 0 because it has already been written"):
            sess.run(ta.write(0, x).write(0, x).stack(), {x: [1, 2]})
        with pytest.raises(ts.errors.InvalidArgumentError, match="Tried to write to index 3 but array size is: 3"):
            sess.run(ta.write(3, x).stack(), {x: [1, 2]})
        grown = ts.TensorArray(ts.float32, size=0, dynamic_size=True).write(0, x).write(1, x * 2)
        size, stacked = sess.run([grown.size(), grown.stack()], {x: [1, 2]})
    assert size == 2 and stacked.tolist() == [[1, 2], [2, 4]]


def test_dynamic_rnn_runs_a_while_loop_over_a_time_dimension_known_only_when_run():
    with ts.Graph().as_default() as graph:
        x = ts.placeholder(ts.float32, [2, None, 4])
        outputs, state = ts.nn.dynamic_rnn(ts.nn.rnn_cell.BasicLSTMCell(3), x, dtype=ts.float32)
        assert {"rnn/while/Enter", "rnn/while/TensorArrayReadV3", "rnn/TensorArrayStack/TensorArrayGatherV3"} <= {
            n.op_name for n in graph.get_operations()}
        sess = ts.Session()
        sess.run(ts.global_variables_initializer())
        long = np.random.default_rng(0).normal(size=(2, 5, 4)).astype(np.float32)
        out5, out3 = sess.run(outputs, {x: long}), sess.run(outputs, {x: long[:, :3]})
    assert out5.shape == (2, 5, 3) and out3.shape == (2, 3, 3)
    np.testing.assert_allclose(out5[:, :3], out3, rtol=1e-6)  # a step sees only the steps before it


# -- dynamic_rnn's loop against TF1's own cells (tf_keras' legacy cells: a subprocess with TF_USE_LEGACY_KERAS=1) --

RNN_LOOPS = '''
import sys
from tensorslow_parity.graph_parity import graph_differences

def gru_with_lengths(tf):
    x = tf.placeholder(tf.float32, [None, 6, 3], name="x")
    lengths = tf.placeholder(tf.int32, [None], name="lengths")
    tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, sequence_length=lengths, dtype=tf.float32)

def lstm_stack_time_major(tf):
    x = tf.placeholder(tf.float32, [5, 2, 3], name="x")
    cells = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(4), tf.nn.rnn_cell.GRUCell(2)])
    tf.nn.dynamic_rnn(cells, x, dtype=tf.float32, time_major=True)

def bidirectional_with_dropout(tf):
    x = tf.placeholder(tf.float32, [None, 6, 3], name="x")
    lengths = tf.placeholder(tf.int32, [None], name="lengths")
    fw = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(4), output_keep_prob=0.8, seed=3)
    tf.nn.bidirectional_dynamic_rnn(fw, tf.nn.rnn_cell.GRUCell(4), x, sequence_length=lengths, dtype=tf.float32)

found = [f"{build.__name__}: {line}" for build in (gru_with_lengths, lstm_stack_time_major,
                                                    bidirectional_with_dropout) for line in graph_differences(build)]
print("\\n".join(found))
sys.exit(1 if found else 0)
'''


@pytest.mark.slow
def test_dynamic_rnn_builds_tf1s_while_loop_and_tensor_arrays():
    import subprocess
    import sys
    pytest.importorskip("tensorflow")
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", RNN_LOOPS], env=env, capture_output=True, text=True, timeout=300,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
