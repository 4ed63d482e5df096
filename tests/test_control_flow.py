"""Control flow against TF1: ``cond``, ``case`` and ``while_loop``, their values and gradients.

Each program is built by one function ``build(tf)`` that runs unchanged with ``tf`` being ``tensorslow`` or
``tensorflow.compat.v1`` (graph mode, TF1's Switch/Merge control flow), in float64; TensorSlow's values and
gradients must match TF's to 1e-10, and TensorSlow's two executors must agree bit for bit. Then: only the
taken branch runs, names, structures, and the errors of bad programs.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import tensorslow as ts  # noqa: E402
from tensorslow.control_flow import nest  # noqa: E402

tensorflow = pytest.importorskip("tensorflow")
tf1 = tensorflow.compat.v1


@pytest.fixture(scope="module", autouse=True)
def tf1_control_flow():
    """TF1's own control flow (Switch/Merge, Enter/Exit) for this module's TF programs, restored after."""
    was_v2 = tf1.control_flow_v2_enabled()
    tf1.disable_control_flow_v2()
    yield
    if was_v2:
        tf1.enable_control_flow_v2()


def run(tf, build, executor=None):
    """``sess.run(*build(tf))`` in a fresh graph, after initializing its variables."""
    graph = tf.Graph()
    with graph.as_default():
        fetches, feed = build(tf)
        with tf.Session(graph=graph, **({"executor": executor} if executor else {})) as sess:
            sess.run(tf.global_variables_initializer())
            return sess.run(fetches, feed)


def check(build):
    """TensorSlow's results (both executors, bitwise equal) match TF1's to 1e-10; returns them."""
    expected = nest.flatten(run(tf1, build))
    compiled, reference = (nest.flatten(run(ts, build, e)) for e in ("compiled", "reference"))
    assert len(compiled) == len(expected)
    for k, (c, r, e) in enumerate(zip(compiled, reference, expected)):
        c, r, e = np.asarray(c), np.asarray(r), np.asarray(e)
        assert c.dtype == r.dtype and np.array_equal(c, r), f"fetch {k}: executors differ: {c!r} vs {r!r}"
        assert c.shape == e.shape and c.dtype == e.dtype, f"fetch {k}: {c.shape} {c.dtype} vs TF {e.shape} {e.dtype}"
        np.testing.assert_allclose(c, e, rtol=1e-10, atol=1e-12, err_msg=f"fetch {k}")
    return compiled


def dense(tf, grads):
    """Gradients as arrays (TF's gradient of gather is IndexedSlices; TensorSlow's is already dense)."""
    return [tf.convert_to_tensor(g) for g in grads]


RNG = np.random.default_rng(7)
X = RNG.standard_normal((3, 4))
W0 = RNG.standard_normal((4, 2))


# -- tf.cond ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("taken", [True, False])
def test_cond_runs_the_taken_branch_and_differentiates_through_it(taken):
    def build(tf):
        x = tf.placeholder(tf.float64, [3, 4])
        p = tf.placeholder(tf.bool, [])
        w = tf.Variable(W0)
        y = tf.cond(p, lambda: tf.tanh(tf.matmul(x, w)), lambda: tf.matmul(x * x, w) - 1.0)
        loss = tf.reduce_sum(y * y)
        return [y, *tf.gradients(loss, [x, w])], {x: X, p: taken}
    check(build)


def test_nested_conds_and_branches_returning_nested_structures():
    def build(tf):
        x = tf.placeholder(tf.float64, [3, 4])
        a, b = tf.placeholder(tf.bool, []), tf.placeholder(tf.bool, [])

        def outer_true():
            inner = tf.cond(b, lambda: (x * 2.0, {"k": tf.exp(x)}), lambda: (x - 1.0, {"k": x * x}))
            return inner[0] * inner[1]["k"], [tf.reduce_sum(x)]

        pair = tf.cond(a, outer_true, lambda: (tf.tanh(x), [tf.reduce_sum(x * 3.0)]))
        loss = tf.reduce_sum(pair[0]) + pair[1][0]
        return [pair, tf.gradients(loss, x)], {x: X, a: True, b: False}
    check(build)


def test_cond_chooses_the_loss_of_each_training_step():
    """Gradient descent on a loss chosen by cond at each step (even steps squared, odd steps absolute error)."""
    def build(tf):
        x = tf.placeholder(tf.float64, [3, 4])
        even = tf.placeholder(tf.bool, [])
        w = tf.Variable(W0)
        err = tf.matmul(x, w) - 0.5
        loss = tf.cond(even, lambda: tf.reduce_mean(err * err), lambda: tf.reduce_mean(tf.abs(err)))
        step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        return (loss, step, w), {x: X, even: True}

    for tf, executors in ((tf1, [None]), (ts, ["compiled", "reference"])):
        for executor in executors:
            graph = tf.Graph()
            with graph.as_default():
                (loss, step, w), feed = build(tf)
                x, even = list(feed)
                with tf.Session(graph=graph, **({"executor": executor} if executor else {})) as sess:
                    sess.run(tf.global_variables_initializer())
                    losses = [sess.run([loss, step], {x: X, even: k % 2 == 0})[0] for k in range(6)]
                    final = sess.run(w)
            if tf is tf1:
                expected_losses, expected_w = losses, final
            else:
                np.testing.assert_allclose(losses, expected_losses, rtol=1e-10)
                np.testing.assert_allclose(final, expected_w, rtol=1e-10)


def test_case_with_default_and_with_the_last_pair_as_default():
    def build(tf):
        v = tf.placeholder(tf.float64, [])
        x = tf.placeholder(tf.float64, [3, 4])
        pairs = [(v < 0.0, lambda: x * 2.0), (v < 1.0, lambda: x * x)]
        with_default = tf.case(pairs, default=lambda: tf.exp(x))
        last_is_default = tf.case(pairs)
        total = tf.reduce_sum(with_default) + tf.reduce_sum(last_is_default)
        return [with_default, last_is_default, tf.gradients(total, x)], {x: X, v: 0.5}
    check(build)

    def build_dict(tf):
        v = tf.placeholder(tf.float64, [], name="v")
        x = tf.constant(X)
        out = tf.case({tf.less(v, 0.0, name="a"): lambda: x * 2.0, tf.greater_equal(v, 0.0, name="b"): lambda: x},
                      exclusive=True)
        return out, {v: -1.0}
    check(build_dict)


# -- tf.while_loop ---------------------------------------------------------------------------------

def test_while_loop_counts_to_ten():
    def build(tf):
        i = tf.constant(0)
        counted = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [i])
        pair = tf.while_loop(lambda i, s: i < 10, lambda i, s: (i + 1, s + i), (i, tf.constant(0)))
        return [counted, pair], None
    assert [int(v) for v in check(build)] == [10, 10, 45]


def test_while_loop_power_and_its_gradient():
    def build(tf):
        x = tf.placeholder(tf.float64, [2])
        n = tf.placeholder(tf.int32, [])
        _, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * x), (tf.constant(0), tf.ones_like(x)))
        return [y, tf.gradients(y, x)], {x: [1.5, -0.7], n: 5}
    y, dy = check(build)
    np.testing.assert_allclose(dy, 5 * np.array([1.5, -0.7]) ** 4)


def _rnn(tf, nested=False):
    """h_t = tanh(h_{t-1} W + x_t U) over x of shape [T, B, D], x_t read with gather; the gradients of a
    loss on the last state w.r.t. W, U, x and h_0. ``nested``: the state as (h, (h, c)) with c a running sum."""
    T, B, D, H = 5, 3, 4, 2  # noqa: N806
    rng = np.random.default_rng(3)
    x = tf.placeholder(tf.float64, [T, B, D])
    h0 = tf.placeholder(tf.float64, [B, H])
    w = tf.Variable(rng.standard_normal((H, H)) * 0.5)
    u = tf.Variable(rng.standard_normal((D, H)) * 0.5)

    def step(h):
        return lambda t: tf.tanh(tf.matmul(h, w) + tf.matmul(tf.gather(x, t), u))

    if nested:
        def body(t, state):
            h, c = state
            new = step(h)(t)
            return t + 1, (new, c + new)
        _, (h, c) = tf.while_loop(lambda t, s: t < T, body, (tf.constant(0), (h0, tf.zeros_like(h0))))
        loss = tf.reduce_sum(h * h) + tf.reduce_sum(c * 0.5)
    else:
        _, h = tf.while_loop(lambda t, h: t < T, lambda t, h: (t + 1, step(h)(t)), (tf.constant(0), h0))
        loss = tf.reduce_sum(h * h)
    feed = {x: rng.standard_normal((T, B, D)), h0: rng.standard_normal((B, H))}
    return [h, loss, *dense(tf, tf.gradients(loss, [w, u, x, h0]))], feed


@pytest.mark.parametrize("nested", [False, True], ids=["h", "(i, (h, c))"])
def test_while_loop_rnn_gradients_match_tensorflow(nested):
    check(lambda tf: _rnn(tf, nested))


def test_maximum_iterations_stops_the_loop():
    def build(tf):
        x = tf.placeholder(tf.float64, [])
        y = tf.while_loop(lambda y: y < 100.0, lambda y: y * x, [x], maximum_iterations=3)
        zero = tf.while_loop(lambda y: y < 100.0, lambda y: y * x, [x], maximum_iterations=0)
        return [y, zero, tf.gradients(y, x)], {x: 1.5}
    check(build)


def test_cond_inside_a_loop_body_and_a_loop_inside_a_branch():
    def build(tf):
        x = tf.placeholder(tf.float64, [3, 4])
        p = tf.placeholder(tf.bool, [])

        def body(i, y):
            return i + 1, tf.cond(tf.equal(i % 2, 0), lambda: y * x, lambda: y + x)

        looped = tf.while_loop(lambda i, y: i < 4, body, (tf.constant(0), x))[1]
        branch = tf.cond(p, lambda: tf.while_loop(lambda i, y: i < 2, lambda i, y: (i + 1, tf.tanh(y)), (0, x))[1],
                         lambda: x)
        loss = tf.reduce_sum(looped) + tf.reduce_sum(branch)
        return [looped, branch, tf.gradients(loss, x)], {x: X, p: True}
    check(build)


@pytest.mark.parametrize("tf", [tf1, ts], ids=["tf1", "tensorslow"])
def test_back_prop_false_stops_gradients(tf):
    with tf.Graph().as_default():
        x = tf.constant(1.5, tf.float64)
        _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), (0, x), back_prop=False)
        assert tf.gradients(y, x) == [None]
