"""Bad input gives clear errors that name the node at fault, never a bare NumPy traceback.

"Clear" means: the raised type is a TensorSlow error (``tf.errors.*``) or a
TypeError / ValueError / LookupError whose message names the node (and, for
shape and dtype problems, both shapes or dtypes).
"""
import re

import numpy as np
import pytest

import tensorslow as ts


@pytest.fixture(autouse=True)
def fresh_default_graph():
    with ts.Graph().as_default():
        yield


@pytest.fixture
def check_numerics():
    ts.debugging.enable_check_numerics()
    try:
        yield
    finally:
        ts.debugging.disable_check_numerics()


def _assert_clear(error, *needles):
    """``error`` is a TensorSlow error or a Type/Value/LookupError, and its message holds every needle."""
    assert isinstance(error, (ts.errors.OpError, TypeError, ValueError, LookupError)), type(error)
    message = str(error)
    for needle in needles:
        if isinstance(needle, re.Pattern):
            assert needle.search(message), f"{needle.pattern!r} not in error message: {message}"
        else:
            assert needle in message, f"{needle!r} not in error message: {message}"


# -- feeds -----------------------------------------------------------------------------

def test_unfed_placeholder_is_named():
    x = ts.placeholder(ts.float32, [None, 3], name="x")
    y = ts.reduce_sum(x * 2.0)
    with ts.Session() as sess:
        with pytest.raises(ts.errors.InvalidArgumentError) as err:
            sess.run(y)
    _assert_clear(err.value, "You must feed a value for placeholder 'x'")


def test_unfed_placeholder_deep_in_the_graph_is_named_even_when_others_are_fed():
    a = ts.placeholder(ts.float32, name="a")
    b = ts.placeholder(ts.float32, name="labels")
    loss = ts.reduce_mean(ts.square(a - b))
    with ts.Session() as sess:
        with pytest.raises(ts.errors.InvalidArgumentError) as err:
            sess.run(loss, {a: [1.0]})
    _assert_clear(err.value, "You must feed a value for placeholder 'labels'")


@pytest.mark.parametrize("value, shape", [(np.ones((2, 4)), "(2, 4)"), (np.ones(3), "(3,)"),
                                          (np.ones((1, 1, 3)), "(1, 1, 3)")])
def test_fed_shape_that_contradicts_the_placeholder(value, shape):
    x = ts.placeholder(ts.float32, [None, 3], name="x")
    y = ts.reduce_sum(x)
    with ts.Session() as sess:
        with pytest.raises((ValueError, ts.errors.OpError)) as err:
            sess.run(y, {x: value})
    _assert_clear(err.value, "'x", shape, re.compile(r"[(\[](\?|None), 3[)\]]"))


def test_fed_floats_with_fractions_into_an_int32_placeholder():
    i = ts.placeholder(ts.int32, [None], name="counts")
    with ts.Session() as sess:
        with pytest.raises((TypeError, ValueError)) as err:
            sess.run(i * 2, {i: [1.5, 2.5]})
    _assert_clear(err.value, "'counts", "int32")


@pytest.mark.parametrize("value", [[["a", "b", "c"]], "abc"])
def test_fed_strings_into_a_float_placeholder(value):
    x = ts.placeholder(ts.float32, [None, 3], name="pixels")
    with ts.Session() as sess:
        with pytest.raises((TypeError, ValueError)) as err:
            sess.run(ts.reduce_sum(x), {x: value})
    _assert_clear(err.value, "'pixels", "float32")


def test_ragged_nested_list_feed_is_named():
    x = ts.placeholder(ts.float32, name="rows")
    with ts.Session() as sess:
        with pytest.raises((TypeError, ValueError)) as err:
            sess.run(ts.reduce_sum(x), {x: [[1.0, 2.0, 3.0], [1.0, 2.0]]})
    _assert_clear(err.value, "'rows")


def test_feed_key_that_is_not_a_node():
    x = ts.placeholder(ts.float32, name="x")
    with ts.Session() as sess:
        with pytest.raises(TypeError) as err:
            sess.run(x * 2.0, {3: 1.0, x: 1.0})
        _assert_clear(err.value, "3")
        with pytest.raises(KeyError) as err:  # a name that refers to nothing (tf.errors.NotFoundError)
            sess.run(x * 2.0, {"nothing_here:0": 1.0, x: 1.0})
        _assert_clear(err.value, "nothing_here")


def test_feed_key_from_another_graph():
    x = ts.placeholder(ts.float32, name="x")
    other = ts.Graph()
    with other.as_default():
        z = ts.placeholder(ts.float32, name="z_other")
    with ts.Session() as sess:
        with pytest.raises(ValueError) as err:
            sess.run(x * 2.0, {x: 1.0, z: 1.0})
    _assert_clear(err.value, "z_other")


# -- fetches ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fetch", [3.0, None, object(), [ts.float32]], ids=["float", "None", "object", "dtype"])
def test_fetching_something_that_is_not_a_node(fetch):
    ts.constant(1.0)
    with ts.Session() as sess:
        with pytest.raises(TypeError) as err:
            sess.run(fetch)
    _assert_clear(err.value, "Fetch")


def test_fetching_a_node_of_another_graph():
    other = ts.Graph()
    with other.as_default():
        z = ts.constant(1.0, name="z_other")
    ts.constant(2.0)
    with ts.Session() as sess:
        with pytest.raises(ValueError) as err:
            sess.run(z)
    _assert_clear(err.value, "z_other")


def test_combining_nodes_of_two_graphs_in_one_op():
    a = ts.constant(1.0, name="a_here")
    other = ts.Graph()
    with other.as_default():
        b = ts.constant(2.0, name="b_there")
    with pytest.raises(ValueError) as err:
        ts.add(a, b)
    _assert_clear(err.value, "b_there", "Add")


# -- shapes ---------------------------------------------------------------------------------

def test_matmul_static_shape_mismatch_names_the_op_and_both_shapes():
    a = ts.placeholder(ts.float32, [2, 3], name="a")
    b = ts.placeholder(ts.float32, [4, 5], name="b")
    with pytest.raises(ValueError) as err:
        ts.matmul(a, b, name="scores")
    _assert_clear(err.value, "scores", "(2, 3)", "(4, 5)")
    with pytest.raises(ValueError) as err:
        a @ b
    _assert_clear(err.value, "MatMul", "(2, 3)", "(4, 5)")


def test_matmul_runtime_shape_mismatch_is_an_invalid_argument_error_naming_the_op():
    a = ts.placeholder(ts.float32, name="a")
    b = ts.placeholder(ts.float32, name="b")
    product = ts.matmul(a, b, name="scores")
    total = ts.reduce_sum(product)
    with ts.Session() as sess:
        with pytest.raises(ts.errors.InvalidArgumentError) as err:
            sess.run(total, {a: np.ones((2, 3)), b: np.ones((4, 5))})
    assert isinstance(err.value, ts.InvalidArgumentError)
    assert err.value.op is product
    _assert_clear(err.value, "scores", "(2, 3)", "(4, 5)")


def test_add_broadcast_mismatch_static_and_at_run_time():
    a = ts.placeholder(ts.float32, [2, 3], name="a")
    b = ts.placeholder(ts.float32, [4, 5], name="b")
    with pytest.raises(ValueError) as err:
        ts.add(a, b, name="bias_sum")
    _assert_clear(err.value, "bias_sum", "(2, 3)", "(4, 5)")

    p = ts.placeholder(ts.float32, name="p")
    q = ts.placeholder(ts.float32, name="q")
    s = ts.add(p, q, name="late_sum")
    with ts.Session() as sess:
        with pytest.raises(ts.errors.InvalidArgumentError) as err:
            sess.run(s, {p: np.ones((2, 3)), q: np.ones((4, 5))})
    assert err.value.op is s
    _assert_clear(err.value, "late_sum", "(2, 3)", "(4, 5)")


@pytest.mark.parametrize("case", ["reshape", "gather", "softmax_xent", "sparse_labels", "concat"])
def test_runtime_failures_in_kernels_name_the_op(case):
    p = ts.placeholder(ts.float32, name="p")
    q = ts.placeholder(ts.float32, name="q")
    k = ts.placeholder(ts.int32, name="k")
    node, feed = {
        "reshape": lambda: (ts.reshape(p, [2, 2], name="the_op"), {p: np.ones(5)}),
        "gather": lambda: (ts.gather(p, [0, 7], name="the_op"), {p: np.ones(5)}),
        "softmax_xent": lambda: (ts.nn.softmax_cross_entropy_with_logits_v2(labels=q, logits=p, name="the_op"),
                                 {p: np.ones((2, 3)), q: np.ones((2, 4))}),
        "sparse_labels": lambda: (ts.nn.sparse_softmax_cross_entropy_with_logits(labels=k, logits=p, name="the_op"),
                                  {p: np.ones((2, 3)), k: [0, 5]}),
        "concat": lambda: (ts.concat([p, q], 0, name="the_op"), {p: np.ones((2, 3)), q: np.ones((2, 4))}),
    }[case]()
    with ts.Session() as sess:
        with pytest.raises(ts.errors.InvalidArgumentError) as err:
            sess.run(node, feed)
    _assert_clear(err.value, "the_op")


# -- dtypes ----------------------------------------------------------------------------------

def test_binary_op_dtype_mismatch_names_both_inputs_and_dtypes():
    a = ts.constant([[1.0]], ts.float32, name="single")
    b = ts.constant([[1.0]], ts.float64, name="double")
    for build in (lambda: ts.add(a, b), lambda: a + b, lambda: a * b, lambda: ts.matmul(a, b), lambda: a @ b,
                  lambda: ts.maximum(a, b)):
        with pytest.raises(TypeError) as err:
            build()
        _assert_clear(err.value, "single", "double", "float32", "float64")


# -- gradients -------------------------------------------------------------------------------

def test_op_type_without_a_registered_gradient_is_a_lookup_error_naming_the_type():
    class Squash(ts.Operation):
        def __init__(self, x):
            super().__init__([x])

        def compute(self, x_value):
            return np.tanh(x_value)

    w = ts.Variable(np.array([1.0, 2.0]))
    loss = ts.reduce_sum(Squash(w))
    with pytest.raises(LookupError) as err:
        ts.gradients(loss, [w])
    _assert_clear(err.value, "Squash")
    with pytest.raises(LookupError) as err:
        ts.train.GradientDescentOptimizer(0.1).minimize(loss)
    _assert_clear(err.value, "Squash")


# -- NaN and Inf -----------------------------------------------------------------------------

def test_enable_check_numerics_names_the_first_op_that_produced_nan(check_numerics):
    x = ts.placeholder(ts.float32, [None], name="x")
    logged = ts.log(x, name="log_of_x")
    doubled = ts.exp(logged * 2.0, name="later_op")  # also NaN, but later
    total = ts.reduce_sum(doubled)
    with ts.Session() as sess:
        assert sess.run(total, {x: [1.0, 2.0]}) == pytest.approx(5.0)
        with pytest.raises(ts.errors.InvalidArgumentError) as err:
            sess.run(total, {x: [-1.0, 2.0]})
        _assert_clear(err.value, "log_of_x", "NaN")
        assert "later_op" not in str(err.value)
        with pytest.raises(ts.errors.InvalidArgumentError) as err:
            sess.run(total, {x: [0.0, 2.0]})
        _assert_clear(err.value, "log_of_x", "Inf")


def test_without_check_numerics_nan_propagates_silently():
    x = ts.placeholder(ts.float32, [None], name="x")
    with ts.Session() as sess:
        assert np.isnan(sess.run(ts.reduce_sum(ts.log(x)), {x: [-1.0, 2.0]}))


def test_check_numerics_op_names_its_message_and_tensor():
    x = ts.placeholder(ts.float32, [None], name="x")
    checked = ts.check_numerics(ts.log(x, name="log_of_x"), "log went bad")
    total = ts.reduce_sum(checked)
    with ts.Session() as sess:
        assert sess.run(total, {x: [1.0, 1.0]}) == 0.0
        with pytest.raises(ts.errors.InvalidArgumentError) as err:
            sess.run(total, {x: [-1.0, 2.0]})
    _assert_clear(err.value, "log went bad", "log_of_x")


def test_check_numerics_covers_the_backward_pass_and_the_update_is_not_applied(check_numerics):
    """sqrt(w) at w = 0 is fine; its gradient is Inf: the training step must fail, naming that op."""
    w = ts.Variable(np.array([0.0, 4.0]), name="w")
    loss = ts.reduce_sum(ts.sqrt(w, name="root"))
    train = ts.train.GradientDescentOptimizer(0.5).minimize(loss)
    with ts.Session() as sess:
        assert sess.run(loss) == 2.0
        with pytest.raises(ts.errors.InvalidArgumentError) as err:
            sess.run(train)
        _assert_clear(err.value, "root", "Inf")
        ts.debugging.disable_check_numerics()
        np.testing.assert_array_equal(sess.run(w), [0.0, 4.0])


# -- a failing run changes nothing -------------------------------------------------------------

@pytest.mark.parametrize("optimizer", [
    lambda: ts.train.GradientDescentOptimizer(0.1),
    lambda: ts.train.MomentumOptimizer(0.1, 0.9),
    lambda: ts.train.AdamOptimizer(0.1),
], ids=["sgd", "momentum", "adam"])
def test_a_failing_training_step_leaves_every_variable_unchanged(optimizer):
    x = ts.placeholder(ts.float64, name="x")  # unknown shape: the mismatch shows only at run time
    W = ts.Variable(np.array([[1.0, 2.0], [3.0, 4.0]]), name="W")
    b = ts.Variable(np.array([0.5, -0.5]), name="b")
    loss = ts.reduce_sum(ts.square(ts.matmul(x, W) + b))
    step = ts.train.get_or_create_global_step()
    train = optimizer().minimize(loss, global_step=step)
    good = {x: [[1.0, 0.0]]}
    with ts.Session() as sess:
        sess.run(ts.global_variables_initializer())
        sess.run(train, good)
        before = sess.run(ts.global_variables())
        with pytest.raises(ts.errors.InvalidArgumentError) as err:
            sess.run(train, {x: [[1.0, 0.0, 2.0]]})
        _assert_clear(err.value, "MatMul", "(1, 3)", "(2, 2)")
        after = sess.run(ts.global_variables())
        for var, old, new in zip(ts.global_variables(), before, after):
            np.testing.assert_array_equal(new, old, err_msg=f"{var.name} changed in a failed run")
        assert sess.run(step) == 1
        sess.run(train, good)  # and the session still works
        assert sess.run(step) == 2


def test_a_training_step_with_nan_in_the_forward_pass_changes_nothing_under_check_numerics(check_numerics):
    x = ts.placeholder(ts.float64, [None], name="x")
    w = ts.Variable(np.array(1.5), name="w")
    loss = ts.reduce_sum(ts.log(x * w, name="log_xw"))
    train = ts.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    with ts.Session() as sess:
        with pytest.raises(ts.errors.InvalidArgumentError) as err:
            sess.run(train, {x: [-1.0, 2.0]})
        _assert_clear(err.value, "log_xw")
        assert sess.run(w) == 1.5


def test_a_failing_gradient_function_is_named_as_the_gradient_of_its_op(register_gradient):
    @register_gradient("FailsInGradientForTest")
    def _grad(op, grad):
        raise ValueError("this gradient is broken")

    x = ts.placeholder(ts.float64, [None], name="x")
    y = ts.Tensor("FailsInGradientForTest", (x,), compute=lambda v: v * 2.0 if v.size else v.reshape(3),
                  dtype=ts.float64, shape=[None], name="doubler")
    (dx,) = ts.gradients(ts.reduce_sum(y), [x])
    with ts.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0]}), [2.0, 4.0])  # the forward pass is fine
        with pytest.raises(ts.errors.InvalidArgumentError) as err:
            sess.run(dx, {x: [1.0, 2.0]})
    assert err.value.op is y
    _assert_clear(err.value, "gradient of FailsInGradientForTest op 'doubler'", "'x:0': (2,)",
                  "this gradient is broken")

    with ts.Session() as sess:  # the same op failing in its forward pass is not called its gradient
        with pytest.raises(ts.errors.InvalidArgumentError) as err:
            sess.run(dx, {x: np.zeros(0)})
    assert err.value.op is y
    _assert_clear(err.value, "FailsInGradientForTest op 'doubler' failed", "'x:0': (0,)")
    assert "gradient of" not in str(err.value)
