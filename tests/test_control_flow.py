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
BOTH = pytest.mark.parametrize("tf", [tf1, ts], ids=["tf1", "tensorslow"])


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


def test_branches_and_bodies_may_return_outside_tensors_as_they_are():
    def build(tf):
        x, y = tf.placeholder(tf.float64, [3, 4]), tf.placeholder(tf.float64, [3, 4])
        p = tf.placeholder(tf.bool, [])
        picked = tf.cond(p, lambda: x, lambda: y)
        _, kept = tf.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, y), (0, x))  # v = y after one pass
        loss = tf.reduce_sum(picked * picked) + tf.reduce_sum(kept * 3.0)
        return [picked, kept, tf.gradients(loss, [x, y])], {x: X, y: X * 2.0, p: False}
    check(build)


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


def test_a_loop_inside_a_loop_body_and_its_gradient():
    def build(tf):
        x = tf.placeholder(tf.float64, [2])

        def outer(i, y):  # the inner loop runs i times: its trip count changes with the outer iteration
            _, z = tf.while_loop(lambda j, z: j < i, lambda j, z: (j + 1, tf.tanh(z * x + 0.1)), (0, y))
            return i + 1, z + y * 0.5

        _, y = tf.while_loop(lambda i, y: i < 4, outer, (0, x))
        return [y, tf.gradients(tf.reduce_sum(y * y), x)], {x: [0.3, -0.8]}
    check(build)


@BOTH
def test_back_prop_false_stops_gradients(tf):
    with tf.Graph().as_default():
        x = tf.constant(1.5, tf.float64)
        _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), (0, x), back_prop=False)
        assert tf.gradients(y, x) == [None]


@BOTH
def test_a_single_loop_var_comes_back_alone_unless_the_same_structure_is_asked_for(tf):
    with tf.Graph().as_default():
        i = tf.constant(0)
        assert isinstance(tf.while_loop(lambda i: i < 3, lambda i: (i + 1,), [i]), tf.Tensor)
        same = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [i], return_same_structure=True)
        assert isinstance(same, list) and len(same) == 1
        listed = tf.while_loop(lambda i, j: i < 3, lambda i, j: [i + 1, j], (i, i))
        assert isinstance(listed, list)  # TF1 returns the body's own top-level type
        assert isinstance(tf.cond(tf.constant(True), lambda: [i], lambda: [i]), tf.Tensor)
        assert isinstance(tf.cond(tf.constant(True), lambda: [i], lambda: [i], strict=True), list)


# -- what runs, names, variables -----------------------------------------------------------------

@pytest.mark.parametrize("executor", ["compiled", "reference"])
def test_only_the_taken_branch_runs_its_side_effects(executor):
    with ts.Graph().as_default():
        counter = ts.Variable(0.0)
        p = ts.placeholder(ts.bool, [])
        out = ts.cond(p, lambda: ts.assign_add(counter, 1.0), lambda: ts.identity(counter))
        with ts.Session(executor=executor) as sess:
            sess.run(ts.global_variables_initializer())
            assert [sess.run(out, {p: v}) for v in (False, False, True, False, True)] == [0.0, 0.0, 1.0, 1.0, 2.0]
            assert sess.run(counter) == 2.0


def test_a_custom_op_in_a_branch_runs_only_when_taken_and_once_per_loop_iteration():
    calls = []

    def counted(x):
        def kernel(v):
            calls.append(1)
            return v
        return ts.Tensor("CountCalls", (x,), compute=kernel, dtype=x.dtype, shape=x.shape)

    with ts.Graph().as_default():
        x = ts.placeholder(ts.float64, [])
        p = ts.placeholder(ts.bool, [])
        y = ts.cond(p, lambda: counted(x) * 2.0, lambda: x)
        loop = ts.while_loop(lambda i, v: i < 4, lambda i, v: (i + 1, counted(v)), (0, x))
        with ts.Session() as sess:
            sess.run(y, {x: 1.0, p: False})
            assert not calls
            sess.run(y, {x: 1.0, p: True})
            assert len(calls) == 1
            sess.run(loop, {x: 1.0})
            assert len(calls) == 5


@BOTH
def test_control_dependencies_inside_a_branch_run_before_its_result(tf):
    with tf.Graph().as_default():
        v = tf.Variable(1.0)
        p = tf.placeholder(tf.bool, [])
        x = tf.constant(3.0)

        def then():
            with tf.control_dependencies([tf.assign(v, 10.0)]):
                return tf.identity(x) * 2.0

        out = tf.cond(p, then, lambda: tf.constant(0.0))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run(out, {p: False}) == 0.0 and sess.run(v) == 1.0
            assert sess.run(out, {p: True}) == 6.0 and sess.run(v) == 10.0


def test_random_ops_in_a_branch_are_drawn_once_for_the_value_and_the_gradient():
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float64, [50])
        y = ts.cond(ts.constant(True), lambda: x * ts.random_uniform([50], dtype=ts.float64), lambda: x)
        (dx,) = ts.gradients(ts.reduce_sum(y), x)
        with ts.Session() as sess:
            value, grad = sess.run([y, dx], {x: np.full(50, 2.0)})
        np.testing.assert_array_equal(value, 2.0 * grad)  # y = x * r, dy/dx = r: the same draw


def test_ops_in_branches_and_bodies_carry_tf1_scope_names():
    with ts.Graph().as_default() as graph:
        x = ts.constant(1.0)
        with ts.name_scope("layer"):
            y = ts.cond(ts.constant(True), lambda: x * 2.0, lambda: x + 1.0)
        pair = ts.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x), (0, x), name="loop")
        names = {n.op_name for n in graph.get_operations()}
    assert y.op_name == "layer/cond/Merge" and {"layer/cond/mul", "layer/cond/add", "layer/cond/Switch",
                                                "layer/cond/mul/Switch", "layer/cond/pred_id"} <= names
    assert [t.op_name for t in pair] == ["loop/Exit", "loop/Exit_1"]
    assert {"loop/Enter", "loop/Merge", "loop/LoopCond", "loop/Switch", "loop/Identity", "loop/Identity_1",
            "loop/Less", "loop/add", "loop/mul", "loop/mul/Enter", "loop/NextIteration", "loop/Exit"} <= names
    assert "loop/While" not in names  # the frame runner is not an op of the graph


def test_a_variable_made_in_a_loop_body_belongs_to_the_graph_and_gets_gradients():
    with ts.Graph().as_default():
        x = ts.placeholder(ts.float64, [])
        made = []

        def body(i, h):
            if not made:  # built once, as a cell's weights are when dynamic_rnn first calls it
                made.append(ts.Variable(np.float64(0.5), name="w"))
            return i + 1, h * made[0] + x

        _, h = ts.while_loop(lambda i, h: i < 3, body, (0, x))
        (dw,) = ts.gradients(h, made)
        with ts.Session() as sess:
            sess.run(ts.global_variables_initializer())
            assert made[0] in ts.trainable_variables()
            # h3 = ((x w + x) w + x) w + x; dh3/dw = 3 x w^2 + 2 x w + x
            np.testing.assert_allclose(sess.run([h, dw], {x: 2.0}), [2 * (0.125 + 0.25 + 0.5 + 1), 2 * 2.75])


# -- errors ----------------------------------------------------------------------------------------

def _error(tf, build):
    """The exception ``build(tf)`` raises, building or running its program."""
    with tf.Graph().as_default():
        try:
            fetch, feed = build(tf)
            with tf.Session() as sess:
                sess.run(fetch, feed)
        except Exception as error:  # noqa: BLE001  (the test compares which)
            return error
    raise AssertionError("no error")


def _pair(tf, p):
    x = tf.constant(1.0)
    return tf.cond(p, lambda: x, lambda: x * 2.0), None


BAD_PROGRAMS = {
    "python bool pred": (lambda tf: _pair(tf, True), TypeError, "'pred' must not be a Python bool."),
    "int pred": (lambda tf: _pair(tf, tf.constant(1)), TypeError,
                 "Input 'pred' of 'Switch' Op has type int32 that does not match expected type of bool."),
    "vector pred": (lambda tf: _pair(tf, tf.constant([True, False])), ValueError, "Shape must be rank 0 but is rank 1"),
    "vector pred when run": (lambda tf: (lambda p: (_pair(tf, p)[0], {p: [True, False]}))(tf.placeholder(tf.bool)),
                             "InvalidArgumentError", "must be a scalar, but it has shape [2]"),
    "no true_fn": (lambda tf: tf.cond(tf.constant(True), None, lambda: 1.0), TypeError,
                   "cond(): 'true_fn' argument required"),
    "branch not callable": (lambda tf: tf.cond(tf.constant(True), 3, lambda: 1.0), TypeError,
                            "'true_fn' must be callable."),
    "branch returns None": (lambda tf: tf.cond(tf.constant(True), lambda: None, lambda: 1.0), ValueError,
                            "'true_fn' must have a return value."),
    "tuple vs tensor": (lambda tf: tf.cond(tf.constant(True), lambda: (1.0, 2.0), lambda: 1.0), ValueError,
                        "The two structures don't have the same nested structure."),
    "list vs tuple": (lambda tf: tf.cond(tf.constant(True), lambda: [1.0, 2.0], lambda: (1.0, 2.0)), TypeError,
                      "don't have the same sequence type"),
    "dict keys": (lambda tf: tf.cond(tf.constant(True), lambda: {"a": 1.0}, lambda: {"b": 1.0}), ValueError,
                  "The two dictionaries don't have the same set of keys."),
    "branch dtypes": (lambda tf: tf.cond(tf.constant(True), lambda: 1.0, lambda: 1), ValueError,
                      "Received float32 from 'true_fn' and int32 from 'false_fn'."),
    "loop cond not callable": (lambda tf: tf.while_loop(3, lambda i: i + 1, [0]), TypeError,
                               "'cond' must be callable."),
    "no loop vars": (lambda tf: tf.while_loop(lambda i: i < 3, lambda i: i + 1, []), ValueError,
                     "'loop_vars' must be provided."),
    "int loop cond": (lambda tf: tf.while_loop(lambda i: i + 1, lambda i: i + 1, [0]), TypeError,
                      "that does not match expected type of bool."),
    "vector loop cond": (lambda tf: tf.while_loop(lambda i: tf.stack([i < 3, i < 4]), lambda i: i + 1, [0]),
                         ValueError, "Shape must be rank 0 but is rank 1"),
    "body drops a loop var": (lambda tf: tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1,), (0, 1.0)),
                              ValueError, "The two structures don't have the same number of elements."),
    "body nests differently": (lambda tf: tf.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, [s[0], s[1]]),
                                                        (0, (1.0, 2.0))),
                               TypeError, "don't have the same sequence type"),
    "loop var changes shape": (lambda tf: tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, tf.stack([x, x])),
                                                        (0, tf.constant(1.0))),
                               ValueError, "enters the loop with shape (), but has shape (2,) after one iteration."),
    "case with no true pred": (lambda tf: (tf.case([(tf.constant(False), lambda: tf.constant(1.0) * 2.0)]), None),
                               "InvalidArgumentError", "Input error: None of conditions evaluated as True:"),
    "case, exclusive, two true": (lambda tf: (tf.case([(tf.constant(True), lambda: tf.constant(1.0)),
                                                      (tf.constant(True), lambda: tf.constant(2.0))],
                                                     default=lambda: tf.constant(3.0), exclusive=True), None),
                                  "InvalidArgumentError", "Input error: exclusive=True: more than 1 conditions"),
    "case pair not a tuple": (lambda tf: tf.case([[tf.constant(True), lambda: 1.0]]), TypeError,
                              "Each entry in 'pred_fn_pairs' must be a 2-tuple."),
}


@pytest.mark.parametrize("name", list(BAD_PROGRAMS))
def test_bad_programs_raise_tensorflows_errors(name):
    build, error_type, text = BAD_PROGRAMS[name]
    for tf in (tf1, ts):
        error = _error(tf, build)
        expected = getattr(tf.errors, error_type) if isinstance(error_type, str) else error_type
        assert isinstance(error, expected), f"{tf.__name__}: {type(error).__name__}: {error}"
        assert text in str(error), f"{tf.__name__}: {error}"


def test_a_loop_var_changing_dtype_is_refused_naming_the_loop_and_the_var():
    with ts.Graph().as_default():
        x = ts.constant(1.0, name="x")
        with pytest.raises(TypeError, match=r"Loop var x:0 enters the loop with type float32 but has type float64 "
                                            r"after 1 iteration.*while_loop 'while', loop var loop_vars\[1\]\[0\]"):
            ts.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, (ts.cast(s[0], ts.float64),)), (0, (x,)))


def test_structure_errors_name_the_loop_or_the_cond():
    with ts.Graph().as_default():
        with pytest.raises(ValueError, match=r"same number of elements(.|\n)*while_loop 'rnn': the body's result"):
            ts.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1,), (0, 1.0), name="rnn")
        with pytest.raises(TypeError, match=r"sequence type(.|\n)*cond 'pick': 'true_fn' and 'false_fn'"):
            ts.cond(ts.constant(True), lambda: [1.0, 2.0], lambda: (1.0, 2.0), name="pick")
        with pytest.raises(ValueError, match=r"enters the loop with shape \(\), but has shape \(2,\) after one "
                                             r"iteration(.|\n)*while_loop 'while', loop var loop_vars\[1\]"):
            ts.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, ts.stack([x, x])), (0, ts.constant(1.0)))


def test_shape_invariants_let_a_loop_var_grow():
    def build(tf):
        x = tf.placeholder(tf.float64, [1, 4])
        _, grown = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, tf.concat([v, v * 2.0], 0)), (0, x),
                                 shape_invariants=(tf.TensorShape([]), tf.TensorShape([None, 4])))
        return [grown, tf.gradients(tf.reduce_sum(grown), x)], {x: X[:1]}
    grown = check(build)[0]
    assert grown.shape == (8, 4)
    with ts.Graph().as_default():
        with pytest.raises(ValueError, match="The shape invariant specified for"):
            ts.while_loop(lambda v: v[0] < 3.0, lambda v: v, [ts.constant([1.0, 2.0])],
                          shape_invariants=[ts.TensorShape([3])])


@pytest.mark.parametrize("executor", ["compiled", "reference"])
def test_an_op_failing_in_a_branch_or_body_is_named_by_both_executors(executor):
    with ts.Graph().as_default():
        a, b = ts.placeholder(ts.float64), ts.placeholder(ts.float64)
        picked = ts.cond(ts.constant(True), lambda: ts.matmul(a, b), lambda: a)
        _, looped = ts.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, ts.matmul(v, b)), (0, a))
        with ts.Session(executor=executor) as sess:
            for fetch, name in ((picked, "cond/MatMul"), (looped, "while/MatMul")):
                with pytest.raises(ts.errors.InvalidArgumentError, match=f"MatMul op '{name}' failed on inputs"):
                    sess.run(fetch, {a: np.ones((2, 3)), b: np.ones((2, 3))})
