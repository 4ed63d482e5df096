"""ts.step_through: a run op by op, forward then backward, with the values of sess.run bit for bit."""
import numpy as np
import pytest

import tensorslow as ts
from tensorslow.gradients import GradientNode

RNG = np.random.default_rng(0)
X = RNG.normal(size=(5, 3))
LABELS = np.eye(2)[[0, 1, 1, 0, 1]]
W1, W2 = RNG.normal(size=(3, 4)), RNG.normal(size=(4, 2))


def mlp():
    """A two-layer perceptron with softmax cross-entropy (an op with an output kept for its gradient)."""
    graph = ts.Graph()
    with graph.as_default():
        x = ts.placeholder(ts.float64, [None, 3], name="x")
        c = ts.placeholder(ts.float64, [None, 2], name="c")
        w1, w2 = ts.Variable(W1, name="W1"), ts.Variable(W2, name="W2")
        b1 = ts.Variable(np.zeros(4), name="b1")
        hidden = ts.sigmoid(ts.matmul(x, w1) + b1)
        logits = ts.matmul(hidden, w2)
        loss = ts.reduce_mean(ts.nn.softmax_cross_entropy_with_logits_v2(labels=c, logits=logits))
        grads = ts.gradients(loss, [w1, b1, w2])
        train = ts.train.GradientDescentOptimizer(0.5).minimize(loss)
    return graph, x, c, loss, grads, train, [w1, b1, w2]


def bitwise_equal(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_forward_backward_and_gradients_match_session_run_bitwise():
    graph, x, c, loss, grads, _, _ = mlp()
    feed = {x: X, c: LABELS}
    with ts.Session(graph=graph) as sess:
        expected = sess.run([loss, grads], feed)
        run = ts.step_through(sess, [loss, grads], feed)
        steps = list(run)
    assert bitwise_equal(run.results[0], expected[0])
    assert all(bitwise_equal(a, b) for a, b in zip(run.results[1], expected[1]))
    kinds = [s.kind for s in steps]
    # every forward op first, then the chain rule from the loss back, then one total per x
    assert kinds == sorted(kinds, key=["forward", "backward", "gradient"].index)
    assert kinds.count("gradient") == 3
    by_node = {s.node: s for s in steps if s.kind != "backward"}
    assert bitwise_equal(by_node[loss].value, expected[0])
    for g, value in zip(grads, expected[1]):
        assert bitwise_equal(by_node[g].value, value)
    assert [s.index for s in steps] == list(range(len(steps))) and run.steps == steps


def test_each_step_matches_the_reference_executor():
    graph, x, c, loss, grads, _, _ = mlp()
    seen = []
    with ts.Session(graph=graph, executor="reference", watch=lambda *event: seen.append(event)) as sess:
        sess.run(grads, {x: X, c: LABELS})  # reads (so initializes) the variables first
        seen.clear()
        sess.run(grads, {x: X, c: LABELS})
        steps = list(ts.step_through(sess, grads, {x: X, c: LABELS}))
    forward = [(node, value) for event, node, value in seen if event == "forward"]
    stepped = [(s.node, s.value) for s in steps if s.kind == "forward"]
    assert len(stepped) == len(forward)
    assert all(a[0] is b[0] and bitwise_equal(a[1], b[1]) for a, b in zip(stepped, forward))
    backward = [(node, value) for event, node, value in seen if event == "backward"]
    passed = [(s.node, g) for s in steps if s.kind == "backward" for _, g in s.grads]
    assert len(passed) == len(backward)
    assert all(a[0] is b[0] and bitwise_equal(a[1], b[1]) for a, b in zip(passed, backward))


def test_backward_steps_follow_the_chain_rule():
    graph, x, c, loss, grads, _, _ = mlp()
    with ts.Session(graph=graph) as sess:
        steps = list(ts.step_through(sess, grads, {x: X, c: LABELS}))
    backward = [s for s in steps if s.kind == "backward"]
    assert backward[0].node is loss  # the seed: dL/dL = 1
    (node, seed), = backward[0].inputs
    assert node is loss and seed == 1.0
    values = {s.node: s.value for s in steps if s.kind == "forward"} | {x: X, c: LABELS}
    arrived = {s.node: s.inputs[0][1] for s in backward}
    for step in backward:
        assert step.inputs[0][1].shape == np.shape(values[step.node])  # dL/dy has y's shape
        for parent, g in step.grads:
            assert g.shape == np.shape(values[parent])  # dL/dx has x's shape (summed over broadcasting)
            if parent in arrived:  # one consumer each here: what an op passes back is what its input receives
                assert bitwise_equal(arrived[parent], g)
    assert {parent for s in backward for parent, _ in s.grads} >= {graph.get_tensor_by_name(n) for n in
                                                                    ("W1:0", "b1:0", "W2:0")}


def test_a_training_step_updates_variables_as_session_run_does():
    graph, x, c, loss, _, train, variables = mlp()
    feed = {x: X, c: LABELS}
    with ts.Session(graph=graph) as by_run, ts.Session(graph=graph) as by_steps:
        for _ in range(2):
            loss_run, _ = by_run.run([loss, train], feed)
            run = ts.step_through(by_steps, [loss, train], feed)
            for _ in run:
                pass
            assert bitwise_equal(run.results[0], loss_run) and run.results[1] is None
        for a, b in zip(by_run.run(variables), by_steps.run(variables)):
            assert bitwise_equal(a, b)
        assert not np.array_equal(by_run.run(variables[0]), W1)  # the steps did train


def test_stopping_early_leaves_the_rest_undone():
    graph, x, c, loss, _, train, variables = mlp()
    with ts.Session(graph=graph) as sess:
        for step in ts.step_through(sess, train, {x: X, c: LABELS}):
            if step.kind == "backward":
                break
        assert np.array_equal(sess.run(variables[0]), W1)


def test_fetch_structure_and_readable_steps():
    graph, x, c, loss, grads, _, _ = mlp()
    with ts.Session(graph=graph) as sess:
        run = ts.step_through(sess, {"loss": loss, "dW2": grads[2]}, {"x:0": X, c: LABELS.tolist()})
        text = "\n".join(str(s) for s in run)
    assert set(run.results) == {"loss", "dW2"} and run.results["dW2"].shape == (4, 2)
    assert "forward  MatMul 'MatMul': x (5, 3) float64, W1 (3, 4) float64 -> (5, 4) float64" in text
    assert "backward MatMul 'MatMul_1': dL/d MatMul_1 (5, 2) float64 -> dL/d Sigmoid (5, 4) float64, " \
           "dL/d W2 (4, 2) float64" in text
    assert "gradient Gradients 'gradients/W2_grad': dL/d W2 (4, 2) float64" in text
    assert any(isinstance(s.node, GradientNode) for s in run.steps)


def test_a_no_value_op_step_says_so():
    graph = ts.Graph()
    with graph.as_default():
        v = ts.Variable(1.0, name="v")
        update = ts.group(ts.assign_add(v, 2.0), name="update")
    with ts.Session(graph=graph) as sess:
        steps = list(ts.step_through(sess, update))
        assert sess.run(v) == 3.0
    assert steps[-1].node is update and steps[-1].value is None
    assert str(steps[-1]) == "[2] forward  NoOp 'update': no inputs -> no value"
    assert str(steps[1]) == "[1] forward  AssignAdd 'AssignAdd': AssignAdd/value () float32 -> () float32\n    3."


def test_bad_use_is_refused_clearly():
    graph, x, c, loss, _, _, _ = mlp()
    sess = ts.Session(graph=graph)
    run = ts.step_through(sess, loss, {x: X, c: LABELS})
    list(run)
    with pytest.raises(RuntimeError, match="once"):
        list(run)
    with pytest.raises(TypeError, match="session"):
        ts.step_through(graph, loss)
    with pytest.raises(ValueError, match="Cannot feed value of shape"):
        ts.step_through(sess, loss, {x: X[:, :2], c: LABELS})
    with pytest.raises(ValueError, match="not an element of this session's graph"):
        with ts.Graph().as_default():
            ts.step_through(sess, ts.constant(1.0))
    sess.close()
    with pytest.raises(ts.FailedPreconditionError, match="closed"):
        ts.step_through(sess, loss, {x: X, c: LABELS})


def test_an_op_that_fails_is_named():
    graph = ts.Graph()
    with graph.as_default():
        a = ts.placeholder(ts.float64, name="a")
        b = ts.placeholder(ts.float64, name="b")
        total = ts.matmul(a, b, name="product")
    with ts.Session(graph=graph) as sess:
        with pytest.raises(ts.InvalidArgumentError, match="product"):
            list(ts.step_through(sess, total, {a: np.ones((2, 3)), b: np.ones((2, 3))}))


def test_control_flow_steps_match_session_run():
    graph = ts.Graph()
    with graph.as_default():
        x = ts.placeholder(ts.float64, [3], name="x")
        y = ts.cond(ts.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0)
        _, s = ts.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 1.5), [ts.constant(0), y])
        loss = ts.reduce_sum(s)
        (dx,) = ts.gradients(loss, [x])
    with ts.Session(graph=graph) as sess:
        for value in ([1.0, 2.0, 3.0], [-1.0, -2.0, 0.5]):  # each branch of the cond
            expected = sess.run([loss, dx], {x: value})
            run = ts.step_through(sess, [loss, dx], {x: value})
            types = [(s.kind, s.node.type) for s in run]
            assert all(bitwise_equal(a, b) for a, b in zip(run.results, expected))
            assert ("forward", "While") in types and ("forward", "Switch") in types and ("backward", "Merge") in types
