"""The reference executor and the compiled plans compute the same bits.

Every case of the op catalog (forward value and the gradient of a weighted sum
of it) and every model of the zoo with every optimizer (gradients, then a few
training steps) is run twice in float64: once by ``executor.py`` one op at a
time, once by a compiled plan. The results must be bitwise equal. Also: the
plan a session shows, the executor's ``watch`` steps, and errors named the
same way by both.
"""
import numpy as np
import pytest

import tensorslow as ts
from tensorslow import fast_kernels
from tensorslow.registry import _gradient_registry, registered_op_types
from tensorslow_parity.frameworks.tensorslow import TensorSlowModel
from tensorslow_parity.models import zoo
from tensorslow_parity.models.problem import make_problem
from tensorslow_parity.ops.catalog import all_cases, make_inputs
from tensorslow_parity.optimizers import OPTIMIZER_NAMES

EXECUTORS = ("compiled", "reference")


def _equal(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")


def _catalog_case_results(case, executor, seed=0):
    shapes = case.examples[0] if case.examples else None
    rng = np.random.default_rng(seed)
    floats, extras = make_inputs(case, shapes, np.float64, rng)
    graph = ts.Graph()
    with graph.as_default():
        ts.set_random_seed(seed)
        xs = [ts.placeholder(ts.float64, np.shape(f), name=f"x{i}") for i, f in enumerate(floats)]
        out = case.build(ts, *xs, *[ts.constant(e) for e in extras])
        fetches = [out]
        if case.entry.differentiable and out.dtype.is_floating and out.shape.is_fully_defined():
            weights = ts.constant(np.random.default_rng(seed + 1).standard_normal(out.shape.as_list()))
            fetches += [g for g in ts.gradients(ts.reduce_sum(out * weights), xs) if g is not None]
        sess = ts.Session(graph=graph, executor=executor)
        feed = dict(zip(xs, floats))
        if len(fetches) == 1 and case.entry.differentiable and out.dtype.is_floating:  # shape known at run time
            weights = ts.constant(np.random.default_rng(seed + 1).standard_normal(np.shape(sess.run(out, feed))))
            fetches += [g for g in ts.gradients(ts.reduce_sum(out * weights), xs) if g is not None]
        return sess.run(fetches, feed)


CASES = [c for c in all_cases() if c.examples]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_catalog_case_is_bitwise_equal_in_both_executors(case):
    compiled, reference = (_catalog_case_results(case, e) for e in EXECUTORS)
    assert len(compiled) == len(reference)
    for k, (a, b) in enumerate(zip(compiled, reference)):
        assert _equal(a, b), f"{case.id}: fetch {k} differs: compiled {a!r} vs reference {b!r}"


def test_every_op_type_of_tensorslow_is_in_the_equality_test():
    tested = {c.entry.op_type for c in CASES}
    own = {t for t in registered_op_types() if getattr(_gradient_registry[t], "__module__", "tensorslow.")
           .startswith("tensorslow.")}  # not the op types tests register for themselves
    missing = own - tested
    assert not missing, f"op types with no catalog example, so untested by both executors: {sorted(missing)}"


MODELS = [(name, opt) for name in zoo.MODELS for opt in OPTIMIZER_NAMES]


@pytest.mark.parametrize("name, optimizer", MODELS, ids=[f"{m}-{o}" for m, o in MODELS])
def test_zoo_model_trains_bitwise_equally_in_both_executors(name, optimizer):
    spec = zoo.get(name)
    problem = make_problem(spec, steps=3)
    runs = []
    for executor in EXECUTORS:
        model = TensorSlowModel(spec, spec.optimizer(optimizer), problem.weights, np.float64, "cpu")
        model.session = ts.Session(graph=model.graph, executor=executor)
        model.session.run(model.tf.variables_initializer(model.variables + _slots(model.graph)))
        record = [model.loss_and_gradients(*problem.batch(0))]
        record += [model.train_step(*problem.batch(step)) for step in range(3)]
        runs.append((record, model.get_weights()))
    (rec_c, w_c), (rec_r, w_r) = runs
    loss_c, grads_c = rec_c[0]
    loss_r, grads_r = rec_r[0]
    assert _equal(loss_c, loss_r)
    assert all(_equal(a, b) for a, b in zip(grads_c, grads_r)), "gradients differ"
    assert all(_equal(a, b) for a, b in zip(rec_c[1:], rec_r[1:])), "training losses differ"
    assert all(_equal(a, b) for a, b in zip(w_c, w_r)), "trained weights differ"


def _slots(graph):
    with graph.as_default():
        return [v for v in ts.global_variables() if v.trainable is False]


def _course_mlp():
    ts.Graph().as_default()
    x = ts.placeholder(ts.float64, [None, 2], name="x")
    y = ts.placeholder(ts.float64, [None, 2], name="y")
    w = ts.Variable(np.array([[0.5, -1.0], [1.5, 0.25]]), name="W")
    b = ts.Variable(np.zeros(2), name="b")
    logits = ts.matmul(x, w) + b
    loss = ts.reduce_mean(ts.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train = ts.train.GradientDescentOptimizer(0.5).minimize(loss)
    feed = {x: [[1.0, 2.0], [-1.0, 0.5]], y: [[1.0, 0.0], [0.0, 1.0]]}
    return x, w, logits, loss, train, feed


def test_session_shows_its_plan_with_steps_naming_their_ops():
    x, w, logits, loss, train, feed = _course_mlp()
    sess = ts.Session()
    plan = sess.plan([train, loss], feed)
    source = str(plan)
    assert source.startswith("def run(fed_values, buffers):")
    assert "MatMul = kernel_MatMul(x, W" in source
    assert "# backward pass: d(Mean)" in source
    ops = {s.node.op_name for s in plan.steps if s.node is not None}
    assert {"MatMul", "add", "Mean", "GradientDescent"} <= ops
    assert "SoftmaxCrossEntropyWithLogits" in {s.node.type for s in plan.steps if s.node is not None}
    matmul = next(s for s in plan.steps if s.node is not None and s.node.op_name == "MatMul" and not s.backward)
    assert matmul.reads == ("x", "W") and matmul.writes == ("MatMul",)
    assert sess.plan([train, loss], feed) is plan  # the one run() uses, built once
    sess.run([train, loss], feed)
    assert sess.plan([train, loss], feed) is plan


def test_reference_executor_watch_sees_every_forward_op_and_gradient():
    x, w, logits, loss, train, feed = _course_mlp()
    seen = []
    sess = ts.Session(executor="reference", watch=lambda event, node, value: seen.append((event, node.op_name)))
    sess.run(train, feed)
    forward = [n for e, n in seen if e == "forward"]
    backward = [n for e, n in seen if e == "backward"]
    assert forward.index("MatMul") < forward.index("add") < forward.index("Mean") < forward.index("GradientDescent")
    assert backward[0] == "Mean" and backward[-1] == "MatMul"


def test_session_rejects_an_unknown_executor_and_watch_without_the_reference_executor():
    with pytest.raises(ValueError, match="executor must be one of 'compiled', 'reference'"):
        ts.Session(executor="fast")
    with pytest.raises(ValueError, match="watch=... needs executor='reference'"):
        ts.Session(watch=print)


@pytest.mark.parametrize("executor", EXECUTORS)
def test_both_executors_name_the_failing_op_and_its_input_shapes(executor):
    ts.Graph().as_default()
    a = ts.placeholder(ts.float64, [None, None], name="a")
    b = ts.placeholder(ts.float64, [None, None], name="b")
    product = ts.matmul(a, b, name="product")
    with pytest.raises(ts.InvalidArgumentError, match=r"MatMul op 'product' failed on inputs 'a:0': \(2, 3\), "
                                                      r"'b:0': \(2, 3\)") as info:
        ts.Session(executor=executor).run(product, {a: np.ones((2, 3)), b: np.ones((2, 3))})
    assert info.value.node is product


@pytest.mark.parametrize("executor", EXECUTORS)
def test_both_executors_name_a_failing_gradient(executor, register_gradient):
    ts.Graph().as_default()

    @register_gradient("BrokenSquare")
    def _broken(op, grad):
        raise RuntimeError("no derivative today")

    x = ts.placeholder(ts.float64, [2], name="x")
    y = ts.Tensor("BrokenSquare", (x,), compute=lambda v: v * v, dtype=ts.float64, shape=[2], name="sq")
    (g,) = ts.gradients(ts.reduce_sum(y), [x])
    with pytest.raises(ts.InvalidArgumentError, match="gradient of BrokenSquare op 'sq' failed.*no derivative today"):
        ts.Session(executor=executor).run(g, {x: [1.0, 2.0]})


def test_buffers_are_reused_between_runs_without_changing_fetched_values():
    x, w, logits, loss, train, feed = _course_mlp()
    sess = ts.Session()
    first = [sess.run([train, loss, logits], feed) for _ in range(3)]
    reference = ts.Session(executor="reference")
    again = [reference.run([train, loss, logits], feed) for _ in range(3)]
    for (_, l1, z1), (_, l2, z2) in zip(first, again):
        assert _equal(l1, l2) and _equal(z1, z2)
    plan = sess.plan([train, loss], feed)
    sess.run([train, loss], feed)
    assert any(b is not None for b in plan._buffers), "the plan kept no array for the next run"
    sess.close()
    assert not sess._plans, "a closed session still holds its plans and their arrays"


@pytest.mark.parametrize("executor", EXECUTORS)
def test_gradient_through_a_fed_cross_entropy_recomputes_what_its_kernel_would_have_kept(executor):
    ts.Graph().as_default()
    z = ts.placeholder(ts.float64, [None, 3], name="z")
    y = ts.placeholder(ts.float64, [None, 3], name="y")
    loss = ts.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=z)
    (g,) = ts.gradients(ts.reduce_sum(loss * 2.0), [z])
    logits, labels = np.array([[1.0, 2.0, 3.0]]), np.array([[0.0, 1.0, 0.0]])
    softmax = np.exp(logits) / np.exp(logits).sum()
    got = ts.Session(executor=executor).run(g, {z: logits, y: labels, loss: np.array([5.0])})
    np.testing.assert_allclose(got, 2.0 * (softmax - labels), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_big_layers_reuse_arrays_and_train_bitwise_equally_in_both_executors(dtype):
    """Arrays of 64 KiB and more go through the kernels and gradients that write into kept arrays."""
    rng = np.random.default_rng(3)
    x_value = rng.standard_normal((512, 32)).astype(dtype)
    y_value = np.eye(4, dtype=dtype)[rng.integers(0, 4, 512)]
    weights = [rng.standard_normal(shape).astype(dtype) * 0.2 for shape in [(32, 64), (64,), (64, 64), (64,),
                                                                             (64, 64), (64,), (64, 4), (4,)]]
    runs = []
    for executor in EXECUTORS:
        ts.Graph().as_default()
        x = ts.placeholder(dtype, [None, 32])
        y = ts.placeholder(dtype, [None, 4])
        w = [ts.Variable(v) for v in weights]
        h = ts.nn.relu(ts.matmul(x, w[0]) + w[1])
        h = ts.sigmoid(ts.matmul(h, w[2]) + w[3])
        h = ts.tanh(ts.matmul(h, w[4]) + w[5])
        logits = ts.matmul(h, w[6]) + w[7]
        loss = ts.reduce_mean(ts.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
        train = ts.train.GradientDescentOptimizer(0.5).minimize(loss)
        sess = ts.Session(executor=executor)
        feed = {x: x_value, y: y_value}
        losses = [sess.run([train, loss], feed)[1] for _ in range(4)]
        runs.append((losses, sess.run(w)))
        if executor == "compiled":
            kept = [b for b in sess.plan([train, loss], feed)._buffers
                    if isinstance(b, np.ndarray) and b.nbytes >= fast_kernels.MIN_BUFFER_BYTES]
            assert len(kept) >= 6, "the plan kept fewer big arrays between runs than it has big layers and gradients"
    (losses_c, w_c), (losses_r, w_r) = runs
    assert all(_equal(a, b) for a, b in zip(losses_c, losses_r)), f"losses differ: {losses_c} vs {losses_r}"
    assert all(_equal(a, b) for a, b in zip(w_c, w_r)), "trained weights differ"


def test_gradients_that_are_fetched_get_no_kept_arrays():
    """A fetched gradient must stay as it was after later runs: only gradients that nothing outside the
    run sees (an optimizer's) are written into arrays kept between runs."""
    rng = np.random.default_rng(4)
    ts.Graph().as_default()
    x = ts.placeholder(ts.float64, [None, 64])
    w = ts.Variable(rng.standard_normal((64, 64)))
    h = ts.nn.relu(ts.matmul(x, w))
    loss = ts.reduce_sum(ts.matmul(h, w))
    (g,) = ts.gradients(loss, [h])  # fetched: an array the user keeps
    sess = ts.Session()
    first = sess.run(g, {x: rng.standard_normal((512, 64))})
    copy = first.copy()
    sess.run(g, {x: rng.standard_normal((512, 64))})
    np.testing.assert_array_equal(first, copy)
