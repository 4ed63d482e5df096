"""Training as TF1 does it, compared with ``tf.compat.v1``: minimize's own forward pass, sessions and
threads, several backward passes, optimizer trajectories (float64, to 1e-10), slots, dropout."""
import threading

import numpy as np
import pytest

import tensorslow as ts


@pytest.fixture(autouse=True)
def fresh_default_graph():
    """Every test starts with an empty default graph, and whatever it makes default is undone."""
    with ts.Graph().as_default():
        yield


# =====================================================================================
# The course's API
# =====================================================================================


def _feed_a_then_train_on_b(m):
    with m.Graph().as_default():
        x = m.placeholder(m.float64, [None, 2])
        t = m.placeholder(m.float64, [None, 1])
        w = m.Variable(np.array([[0.5], [-1.0]]))
        loss = m.reduce_mean(m.square(m.matmul(x, w) - t))
        train = m.train.GradientDescentOptimizer(learning_rate=0.25).minimize(loss)
        A = ({x: [[1.0, 2.0], [3.0, 4.0]], t: [[1.0], [0.0]]})
        B = ({x: [[-1.0, 0.5], [2.0, 1.0], [0.0, 3.0]], t: [[2.0], [1.0], [-1.0]]})
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            loss_a = sess.run(loss, A)
            sess.run(train, B)  # the update must use B, not A's forward values
            return loss_a, sess.run(w)


def test_minimize_runs_its_own_forward_pass_with_the_feed_given_to_it(tf1):
    ours, theirs = _feed_a_then_train_on_b(ts), _feed_a_then_train_on_b(tf1)
    # By hand: grad = 2/n X^T (X w - t) on B.
    XB = np.array([[-1.0, 0.5], [2.0, 1.0], [0.0, 3.0]])
    tB = np.array([[2.0], [1.0], [-1.0]])
    w0 = np.array([[0.5], [-1.0]])
    expected = w0 - 0.25 * 2 / 3 * XB.T @ (XB @ w0 - tB)
    np.testing.assert_allclose(theirs[1], expected, rtol=1e-12)
    np.testing.assert_allclose(ours[1], expected, rtol=1e-12)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)


def test_fetching_train_op_and_loss_together_gives_the_loss_before_the_update():
    x = ts.placeholder(ts.float64, [None])
    w = ts.Variable(np.array(2.0))
    loss = ts.reduce_sum(ts.square(w * x))
    train = ts.train.GradientDescentOptimizer(0.1).minimize(loss)
    with ts.Session() as sess:
        _, loss_value = sess.run([train, loss], {x: [1.0, 1.0]})
        assert loss_value == 8.0  # w = 2 when the loss was computed
        assert sess.run(w) == pytest.approx(2.0 - 0.1 * 8.0)


# =====================================================================================
# Isolation: sessions, graphs, threads
# =====================================================================================

def test_two_sessions_on_one_graph_keep_separate_variable_values():
    v = ts.Variable(np.array([1.0, 2.0]))
    inc = ts.assign_add(v, np.array([1.0, 1.0]))
    s1, s2 = ts.Session(), ts.Session()
    s1.run(ts.global_variables_initializer())
    s2.run(ts.global_variables_initializer())
    for _ in range(3):
        s1.run(inc)
    s2.run(inc)
    np.testing.assert_array_equal(s1.run(v), [4.0, 5.0])
    np.testing.assert_array_equal(s2.run(v), [2.0, 3.0])
    s3 = ts.Session()  # a new session starts from the initial value
    np.testing.assert_array_equal(s3.run(v), [1.0, 2.0])


def test_two_graphs_do_not_interfere():
    g1, g2 = ts.Graph(), ts.Graph()
    with g1.as_default():
        x1 = ts.placeholder(ts.float32, [2], name="x")
        v1 = ts.Variable(np.array([1.0, 1.0], np.float32), name="v")
        y1 = ts.add(x1, v1, name="y")
    with g2.as_default():
        x2 = ts.placeholder(ts.float32, [2], name="x")
        v2 = ts.Variable(np.array([10.0, 10.0], np.float32), name="v")
        y2 = ts.multiply(x2, v2, name="y")
    assert x1.name == x2.name == "x:0" and y1.name == y2.name == "y:0"
    assert len(g1.get_operations()) == len(g2.get_operations())
    s1, s2 = ts.Session(graph=g1), ts.Session(graph=g2)
    s1.run(ts.assign(v1, np.array([5.0, 5.0], np.float32)))
    np.testing.assert_array_equal(s1.run(y1, {x1: [1, 2]}), [6.0, 7.0])
    np.testing.assert_array_equal(s2.run(y2, {x2: [1, 2]}), [10.0, 20.0])
    np.testing.assert_array_equal(s1.run("y:0", {"x:0": [0, 0]}), [5.0, 5.0])
    np.testing.assert_array_equal(s2.run("y:0", {"x:0": [2, 0]}), [20.0, 0.0])


def test_one_session_used_from_two_threads_at_once():
    x = ts.placeholder(ts.float64, [None, 3])
    W = ts.Variable(np.arange(6.0).reshape(3, 2))
    b = ts.Variable(np.array([0.5, -0.5]))
    h = ts.nn.relu(ts.matmul(x, W) + b)
    y = ts.reduce_sum(h, axis=1)
    (gx,) = ts.gradients(ts.reduce_sum(h * h), [x])
    sess = ts.Session()
    W0, b0 = np.arange(6.0).reshape(3, 2), np.array([0.5, -0.5])
    barrier = threading.Barrier(2)
    failures = []

    def worker(k):
        rng = np.random.RandomState(k)
        barrier.wait()
        for i in range(200):
            xv = rng.randn(1 + (i + k) % 4, 3) + k
            hv = np.maximum(xv @ W0 + b0, 0)
            try:
                out, grad = sess.run([y, gx], {x: xv})
            except Exception as error:  # noqa: BLE001  (reported below, from the main thread)
                failures.append((k, i, repr(error)))
                return
            if not (np.allclose(out, hv.sum(axis=1), rtol=1e-12) and
                    np.allclose(grad, (2 * hv * (hv > 0)) @ W0.T, rtol=1e-12)):
                failures.append((k, i, "got another run's values"))
                return

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, f"thread {failures[0][0]}, run {failures[0][1]}: {failures[0][2]}"


# =====================================================================================
# tf.gradients
# =====================================================================================

def _gradient_values(m):
    with m.Graph().as_default():
        x = m.placeholder(m.float64, [None, 3])
        W = m.Variable(np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]]))
        b = m.Variable(np.array([0.1, -0.2]))
        unused = m.Variable(np.array(1.0))
        h = m.tanh(m.matmul(x, W) + b)
        y1 = m.reduce_sum(h * h)               # h is used twice
        y2 = m.reduce_sum(m.sigmoid(h) * m.exp(-h), axis=0)  # shape [2]
        y3 = m.reduce_mean(m.nn.softmax(h) * 3.0 + m.log(m.abs(h) + 1.0))
        grads = m.gradients([y1, y2, y3], [W, b, x], grad_ys=[m.constant(2.0, m.float64),
                                                             m.constant([0.5, -1.5], m.float64), None])
        plain = m.gradients(y1, [W, unused])
        assert plain[1] is None
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            feed = {x: [[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]]}
            return sess.run(grads, feed), sess.run(plain[0], feed)


def _two_backward_passes_in_one_run(m, train_first):
    with m.Graph().as_default():
        x = m.placeholder(m.float64, [None, 2])
        W = m.Variable(np.array([[0.5, -1.0], [2.0, 0.25]]))
        loss = m.reduce_sum(m.square(m.matmul(x, W)))
        train = m.train.GradientDescentOptimizer(0.125).minimize(loss)  # backward pass 1: d loss / d W
        (gx,) = m.gradients(loss, [x])                                 # backward pass 2: d loss / d x
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            fetches = [train, gx] if train_first else [gx, train]
            out = sess.run(fetches, {x: [[1.0, 2.0]]})
            return out[1] if train_first else out[0], sess.run(W)


@pytest.mark.parametrize("train_first", [True, False], ids=["train-then-grad", "grad-then-train"])
def test_two_backward_passes_through_the_same_ops_in_one_run(tf1, train_first):
    """A training step and tf.gradients w.r.t. the input, fetched together: each gets its own gradient."""
    (gx, W), (gx_tf, W_tf) = _two_backward_passes_in_one_run(ts, train_first), \
        _two_backward_passes_in_one_run(tf1, train_first)
    np.testing.assert_allclose(gx_tf, [[5.5, 17.75]])
    np.testing.assert_allclose(gx, gx_tf, rtol=1e-12, err_msg="d loss / d x")
    np.testing.assert_allclose(W, W_tf, rtol=1e-12, err_msg="W after the training step")


def test_gradients_with_grad_ys_match_tensorflow(tf1):
    ours, theirs = _gradient_values(ts), _gradient_values(tf1)
    for k, (a, b) in enumerate(zip(ours[0], theirs[0])):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14, err_msg=f"gradient #{k}")
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10)


# =====================================================================================
# Optimizers: trajectories against TensorFlow
# =====================================================================================

_DATA_X = np.random.RandomState(7).randn(8, 3)
_DATA_Y = np.random.RandomState(8).randn(8, 2)
_W1 = np.random.RandomState(9).randn(3, 4) * 0.5
_W2 = np.random.RandomState(10).randn(4, 2) * 0.5


def _trajectory(m, make_optimizer, steps=20, dtype=np.float64):
    """Values of every variable after each of ``steps`` steps on a small tanh MLP."""
    with m.Graph().as_default():
        x = m.placeholder(dtype, [None, 3])
        t = m.placeholder(dtype, [None, 2])
        W1 = m.Variable(_W1.astype(dtype))
        b1 = m.Variable(np.full(4, 0.1, dtype))
        W2 = m.Variable(_W2.astype(dtype))
        b2 = m.Variable(np.zeros(2, dtype))
        y = m.matmul(m.tanh(m.matmul(x, W1) + b1), W2) + b2
        loss = m.reduce_mean(m.square(y - t))
        train = make_optimizer(m).minimize(loss)
        variables = [W1, b1, W2, b2]
        out = []
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            for step in range(steps):
                feed = {x: _DATA_X[step % 2::2].astype(dtype), t: _DATA_Y[step % 2::2].astype(dtype)}
                _, loss_value = sess.run([train, loss], feed)
                out.append((loss_value, sess.run(variables)))
        return out


def _compare_trajectories(ours, theirs, tol):
    for step, ((la, va), (lb, vb)) in enumerate(zip(ours, theirs)):
        assert abs(la - lb) <= tol * max(1.0, abs(lb)), f"step {step}: loss {la!r} vs tensorflow {lb!r}"
        for name, a, b in zip(["W1", "b1", "W2", "b2"], va, vb):
            err = np.max(np.abs(a - b))
            assert err <= tol, (f"step {step}: {name} differs from tensorflow by {err:.3g} (tolerance {tol:g})\n"
                                f"tensorslow {a.ravel()[:4]}\ntensorflow {b.ravel()[:4]}")


# Hyperparameters that float32 represents exactly (TF1 turns Python floats into float32 tensors),
# so these check the update formulas alone.
EXACT_OPTIMIZERS = {
    "sgd": lambda m: m.train.GradientDescentOptimizer(0.25),
    "momentum": lambda m: m.train.MomentumOptimizer(0.125, 0.875),
    "nesterov": lambda m: m.train.MomentumOptimizer(0.125, 0.875, use_nesterov=True),
    "adam": lambda m: m.train.AdamOptimizer(0.125, beta1=0.5, beta2=0.25, epsilon=2.0 ** -10),
    "rmsprop": lambda m: m.train.RMSPropOptimizer(0.125, decay=0.75, epsilon=2.0 ** -10),
    "rmsprop-momentum": lambda m: m.train.RMSPropOptimizer(0.0625, decay=0.75, momentum=0.5, epsilon=2.0 ** -10),
    "rmsprop-centered": lambda m: m.train.RMSPropOptimizer(0.0625, decay=0.75, momentum=0.5, epsilon=2.0 ** -10,
                                                           centered=True),
    "adagrad": lambda m: m.train.AdagradOptimizer(0.25, initial_accumulator_value=0.125),
}

# The hyperparameters tutorials use: TF1 rounds them to float32 and Adam keeps its beta powers in
# float32, even for float64 variables; "the same numbers" includes that.
TYPICAL_OPTIMIZERS = {
    "momentum": lambda m: m.train.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda m: m.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "adam": lambda m: m.train.AdamOptimizer(0.01),
    "rmsprop-centered": lambda m: m.train.RMSPropOptimizer(0.01, momentum=0.9, centered=True),
    "adagrad": lambda m: m.train.AdagradOptimizer(0.1),
}


@pytest.mark.parametrize("name", list(EXACT_OPTIMIZERS))
def test_optimizer_update_formulas_match_tensorflow(tf1, name):
    make = EXACT_OPTIMIZERS[name]
    _compare_trajectories(_trajectory(ts, make), _trajectory(tf1, make), tol=1e-10)


@pytest.mark.parametrize("name", list(TYPICAL_OPTIMIZERS))
def test_optimizer_with_typical_hyperparameters_matches_tensorflow_in_float64(tf1, name):
    make = TYPICAL_OPTIMIZERS[name]
    _compare_trajectories(_trajectory(ts, make), _trajectory(tf1, make), tol=1e-10)


def _gradients_applied_by_hand(m):
    with m.Graph().as_default():
        x = m.placeholder(m.float64, [None, 3])
        t = m.placeholder(m.float64, [None, 2])
        W = m.Variable(_W1[:, :2].copy())
        b = m.Variable(np.zeros(2))
        loss = m.reduce_mean(m.square(m.matmul(x, W) + b - t))
        global_step = m.train.get_or_create_global_step()
        opt = m.train.MomentumOptimizer(learning_rate=0.125, momentum=0.5)
        grads_and_vars = opt.compute_gradients(loss)
        assert [v for _, v in grads_and_vars] == [W, b]
        clipped = [(m.clip_by_value(g, -0.25, 0.25), v) for g, v in grads_and_vars]
        train = opt.apply_gradients(clipped, global_step=global_step)
        out = []
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            for step in range(5):
                feed = {x: _DATA_X[step:step + 4], t: _DATA_Y[step:step + 4]}
                grads = sess.run([g for g, _ in grads_and_vars], feed)
                sess.run(train, feed)
                out.append((grads, sess.run([W, b]), sess.run(global_step)))
        return out


def test_compute_gradients_apply_gradients_and_global_step_match_tensorflow(tf1):
    ours, theirs = _gradients_applied_by_hand(ts), _gradients_applied_by_hand(tf1)
    assert [s for _, _, s in theirs] == [1, 2, 3, 4, 5]
    assert [int(s) for _, _, s in ours] == [1, 2, 3, 4, 5]
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for k in range(2):
            np.testing.assert_allclose(a[0][k], b[0][k], rtol=1e-10, atol=1e-14, err_msg=f"step {step} grad {k}")
            np.testing.assert_allclose(a[1][k], b[1][k], rtol=1e-10, atol=1e-14, err_msg=f"step {step} var {k}")


def test_minimize_with_global_step_increments_it():
    w = ts.Variable(np.array(3.0))
    step = ts.train.get_or_create_global_step()
    assert ts.train.get_global_step() is step
    assert ts.train.get_or_create_global_step() is step  # the second call finds it
    train = ts.train.GradientDescentOptimizer(0.5).minimize(ts.square(w), global_step=step)
    with ts.Session() as sess:
        sess.run(ts.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert sess.run(step) == 3
        assert sess.run(w) == pytest.approx(0.0)  # w <- w - 0.5 * 2w = 0 after the first step


def test_optimizer_slots_are_non_trainable_variables():
    w = ts.Variable(np.ones(3))
    opt = ts.train.AdamOptimizer(0.1)
    opt.minimize(ts.reduce_sum(w * w))
    slots = [opt.get_slot(w, "m"), opt.get_slot(w, "v")]
    assert all(s is not None for s in slots)
    assert set(ts.trainable_variables()) == {w}
    assert set(slots) <= set(ts.global_variables())


# =====================================================================================
# Dropout
# =====================================================================================

def test_dropout_is_seeded_reproducible_and_scales_the_kept_values():
    ts.set_random_seed(1234)
    x = ts.ones([200, 500], dtype=ts.float32)
    keep_prob = 0.75
    d = ts.nn.dropout(x, keep_prob=keep_prob, seed=5)
    (gx,) = ts.gradients(ts.reduce_sum(d), [x])
    with ts.Session() as s1:
        first, grad = s1.run([d, gx])
        second = s1.run(d)
    with ts.Session() as s2:
        again = s2.run(d)

    assert first.dtype == np.float32 and first.shape == (200, 500)
    np.testing.assert_allclose(np.unique(first), [0.0, 1 / keep_prob], rtol=1e-6)
    assert abs(np.mean(first != 0) - keep_prob) < 0.01
    np.testing.assert_array_equal(again, first)   # a new session replays the same draws
    assert not np.array_equal(second, first)      # each run draws a fresh mask
    assert abs(np.mean(second != 0) - keep_prob) < 0.01
    np.testing.assert_array_equal(grad, first)    # d(sum dropout(x))/dx = mask / keep_prob, same run's mask


def test_dropout_same_seeds_in_a_rebuilt_graph_give_the_same_mask_and_rate_is_one_minus_keep_prob():
    def build(**kwargs):
        with ts.Graph().as_default():
            ts.set_random_seed(99)
            d = ts.nn.dropout(ts.ones([100, 100]), seed=3, **kwargs)
            return ts.Session().run(d)
    a, b = build(keep_prob=0.6), build(keep_prob=0.6)
    np.testing.assert_array_equal(a, b)
    c = build(rate=0.4)
    np.testing.assert_allclose(np.unique(c), [0.0, 1 / 0.6], rtol=1e-6)
    assert abs(np.mean(c != 0) - 0.6) < 0.02


def test_dropout_with_fed_keep_prob_one_is_the_identity():
    """The TF1 tutorial pattern: keep_prob is a placeholder, fed 0.5 in training and 1.0 at test time."""
    x = ts.placeholder(ts.float32, [None, 4])
    keep_prob = ts.placeholder(ts.float32)
    d = ts.nn.dropout(x, keep_prob)
    xv = np.arange(12, dtype=np.float32).reshape(3, 4) + 1
    with ts.Session() as sess:
        np.testing.assert_array_equal(sess.run(d, {x: xv, keep_prob: 1.0}), xv)
        half = sess.run(d, {x: xv, keep_prob: 0.5})
    assert set(np.unique(half / xv)) <= {0.0, 2.0}
