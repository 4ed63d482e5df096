"""variable_scope and get_variable against tf.compat.v1: names, reuse, defaults, errors, collections."""
import os
import re

import numpy as np
import pytest

import tensorslow as ts
from tensorslow_parity.tf1_behaviour import tf1_behaviour

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="module")
def tf1():
    """tf.compat.v1 with TF1 behaviour (reference variables) for this module's tests only."""
    pytest.importorskip("tensorflow")
    with tf1_behaviour() as tf:
        yield tf


def both(tf1, build):
    """build(m) in a fresh graph of TensorSlow and of TF; returns (ours, theirs)."""
    with ts.Graph().as_default():
        ours = build(ts)
    with tf1.Graph().as_default():
        theirs = build(tf1)
    return ours, theirs


def _names(m):
    out = []
    with m.variable_scope("outer") as outer:
        v = m.get_variable("v", [2])
        out += [v.name, m.constant(1.0).name, outer.name, outer.original_name_scope]
        with m.variable_scope("inner"):
            out += [m.get_variable("w", [2]).name, m.add(v, v).name]
        with m.name_scope("ns"):  # a name scope changes op names, not variable names
            out += [m.get_variable("u", [2]).name, m.constant(1.0).name]
    with m.variable_scope("outer", reuse=True) as again:  # variables: outer/..., ops: outer_1/...
        out += [m.get_variable("v").name, m.constant(1.0).name, again.original_name_scope, again.reuse]
        with m.variable_scope("inner"):
            out += [m.get_variable("w").name, m.get_variable_scope().reuse]
    with m.variable_scope(outer) as from_object:  # re-entering by object opens a new name scope
        out += [from_object.name, from_object.original_name_scope, m.constant(1.0).name]
    with m.name_scope("top"):
        with m.variable_scope(outer, reuse=True):
            out += [m.get_variable("v").name, m.constant(1.0).name]
        with m.variable_scope("side", auxiliary_name_scope=False) as side:
            out += [m.get_variable("s", [1]).name, m.constant(1.0).name, side.original_name_scope]
    for _ in range(3):
        with m.variable_scope(None, default_name="layer") as layer:
            out += [layer.name, m.get_variable("k", [1]).name, m.constant(1.0).name]
    with m.variable_scope("nest"):
        for _ in range(2):
            with m.variable_scope(None, default_name="cell") as cell:
                out += [cell.name, m.get_variable("k", [1]).name]
    out += [m.get_variable_scope().name, m.get_variable_scope().reuse]
    return out


def test_names_of_variables_and_ops_match_tensorflow(tf1):
    ours, theirs = both(tf1, _names)
    assert ours == theirs


def _reuse(m):
    out = []
    with m.variable_scope("a"):
        w = m.get_variable("w", [2, 3])
    with m.variable_scope("a", reuse=True):
        out.append(m.get_variable("w") is w)
        out.append(m.get_variable("w", [2, 3]) is w)
    with m.variable_scope("a") as scope:
        scope.reuse_variables()
        out.append(m.get_variable("w") is w)
        with m.variable_scope("sub"):  # inherits reuse
            out.append(m.get_variable_scope().reuse)
    with m.variable_scope("auto", reuse=m.AUTO_REUSE):
        x1 = m.get_variable("x", [1])
        x2 = m.get_variable("x", [1])
        out.append(x1 is x2)
        with m.variable_scope("sub", reuse=False):  # False inherits too
            out.append(m.get_variable_scope().reuse is m.AUTO_REUSE)
            out.append(m.get_variable("y", [1]) is m.get_variable("y", [1]))
    out.append(sorted(v.name for v in m.global_variables()))
    out.append(sorted(v.name for v in m.trainable_variables(scope="auto")))
    return out


def test_reuse_true_auto_reuse_and_inheritance_match_tensorflow(tf1):
    ours, theirs = both(tf1, _reuse)
    assert ours == theirs
    assert all(x is True for x in ours[:7])


def _error(m, build):
    try:
        build(m)
    except (ValueError, TypeError) as e:
        return type(e).__name__, str(e).split(" Originally defined at")[0]
    return None


@pytest.mark.parametrize("case", [
    lambda m: [m.get_variable("w", [2]), m.get_variable("w", [2])],
    lambda m: m.get_variable("missing", [2]) if m.variable_scope("s", reuse=True).__enter__() else None,
    lambda m: [m.get_variable("w", [2]), m.get_variable_scope().reuse_variables(), m.get_variable("w", [3])],
    lambda m: [m.get_variable("w", [2]), m.get_variable_scope().reuse_variables(),
               m.get_variable("w", [2], dtype=m.float64)],
    lambda m: m.get_variable("w", [2], initializer=np.ones(2, np.float32)),
    lambda m: m.get_variable("w"),
    lambda m: m.get_variable("w", initializer=np.ones(2, np.float32), dtype=m.float64),
    lambda m: m.variable_scope(None),
    lambda m: m.variable_scope(None, default_name="d", reuse=True).__enter__(),
    lambda m: m.variable_scope("x", reuse="yes"),
], ids=["duplicate", "missing under reuse", "shape mismatch", "dtype mismatch", "value and shape",
        "no initializer and no shape", "initializer dtype", "no name", "reuse without name", "bad reuse"])
def test_errors_match_tensorflow(tf1, case):
    ours, theirs = both(tf1, lambda m: _error(m, case))
    assert theirs is not None
    assert ours == theirs


def test_duplicate_error_says_where_the_variable_was_made():
    with ts.Graph().as_default():
        ts.get_variable("w", [2])
        with pytest.raises(ValueError, match=r"Variable w already exists, disallowed\. Did you mean to set "
                                             r"reuse=True or reuse=tf\.AUTO_REUSE in VarScope\? Originally "
                                             r"defined at:\n\n.*test_variable_scope\.py"):
            ts.get_variable("w", [2])


def _defaults(m):
    out = []
    m.set_random_seed(7)  # the glorot_uniform defaults draw TF's bits
    with m.variable_scope("d", initializer=m.constant_initializer(0.5), dtype=m.float64):
        a = m.get_variable("a", [2])
        with m.variable_scope("inner"):  # inherited
            b = m.get_variable("b", [2])
            c = m.get_variable("c", [2], initializer=m.ones_initializer())
        i = m.get_variable("i", [2], dtype=m.int32, initializer=m.zeros_initializer())
    n = m.get_variable("n", [2], dtype=m.int64)  # integers default to zeros
    f = m.get_variable("f", initializer=np.arange(3.0))  # a value: its own dtype and shape
    t = m.get_variable("t", initializer=m.constant([[1, 2]]))
    lam = m.get_variable("lam", initializer=lambda: m.ones([2]) * 3.0)
    frozen = m.get_variable("frozen", [1], trainable=False)
    mine = m.get_variable("mine", [1], collections=["mine"])
    local = m.get_local_variable("local", [1])
    variables = [a, b, c, i, n, f, t, lam, frozen]
    out += [(v.name, v.dtype.name.replace("_ref", ""), tuple(v.shape.as_list())) for v in variables]
    out.append([v.name for v in m.trainable_variables()])
    out.append([v.name for v in m.global_variables()])
    out.append([v.name for v in m.get_collection("mine")])
    out.append([v.name for v in m.local_variables()])
    out.append([v.name for v in m.get_collection(m.GraphKeys.TRAINABLE_VARIABLES, "d/inn")])
    out.append([v.name for v in m.get_collection(m.GraphKeys.GLOBAL_VARIABLES, ".*/b")])
    with m.Session() as sess:
        sess.run([m.global_variables_initializer(), m.local_variables_initializer(), mine.initializer])
        out.append([sess.run(v).tolist() for v in variables + [mine, local]])
    return out


def test_defaults_dtypes_collections_and_values_match_tensorflow(tf1):
    ours, theirs = both(tf1, _defaults)
    assert ours == theirs


def test_variable_graph_is_tensorflows(tf1):
    def build(m):
        x = m.placeholder(m.float32, [None, 2], name="x")
        with m.variable_scope("dense"):
            k = m.get_variable("kernel", [2, 3])
            b = m.get_variable("bias", [3], initializer=m.zeros_initializer())
        m.Variable(np.ones(2, np.float32), name="w")
        m.Variable(lambda: m.zeros([2]), name="lam")
        return [k.name, k.value().name, k.initializer.name, b.initial_value.name, x.name]
    ours, theirs = both(tf1, build)
    assert ours == theirs
    from tensorslow_parity.graph_parity import graph_differences
    assert graph_differences(build, {"Add": "AddV2"}) == []


def test_variables_made_inside_control_dependencies_have_no_control_inputs():
    with ts.Graph().as_default():
        counter = ts.Variable(0.0)
        bump = ts.assign_add(counter, 1.0)
        with ts.control_dependencies([bump]):
            v = ts.get_variable("v", [2])
            w = ts.Variable(1.0, name="w")
        assert v.control_inputs == () and w.control_inputs == () and v.initializer.control_inputs == ()
        with ts.Session() as sess:
            sess.run(ts.global_variables_initializer())
            sess.run([v, w])
            assert sess.run(counter) == 0.0


def test_regularizer_losses_collection(tf1):
    def build(m):
        with m.variable_scope("r", regularizer=lambda w: m.reduce_sum(m.square(w))):
            w = m.get_variable("w", initializer=np.array([1.0, 2.0], np.float32))
        losses = m.get_collection(m.GraphKeys.REGULARIZATION_LOSSES)
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            return len(losses), float(sess.run(losses[0])), w.name
    ours, theirs = both(tf1, build)
    assert ours == theirs == (1, 5.0, "r/w:0")


def test_custom_getter_wraps_get_variable(tf1):
    def build(m):
        seen = []

        def getter(getter, name, *args, **kwargs):
            seen.append(name)
            return getter(name, *args, **kwargs)
        with m.variable_scope("c", custom_getter=getter):
            v = m.get_variable("v", [1])
        return seen, v.name
    ours, theirs = both(tf1, build)
    assert ours == theirs


def test_variable_scope_improper_nesting_is_an_error():
    with ts.Graph().as_default():
        a = ts.variable_scope("a")
        a.__enter__()
        b = ts.variable_scope("b")
        b.__enter__()
        with pytest.raises(RuntimeError, match=re.escape("Improper nesting of variable_scope.")):
            a.__exit__(None, None, None)


def test_global_step_is_tensorflows(tf1):
    def build(m):
        step = m.train.get_or_create_global_step()
        same = m.train.get_or_create_global_step() is step and m.train.get_global_step() is step
        try:
            m.train.create_global_step()
            error = None
        except ValueError as e:
            error = str(e)
        return step.name, step.dtype.name.replace("_ref", ""), step.shape.as_list(), same, error, \
            [v.name for v in m.get_collection(m.GraphKeys.GLOBAL_STEP)], [v.name for v in m.trainable_variables()]
    ours, theirs = both(tf1, build)
    assert ours == theirs
    from tensorslow_parity.graph_parity import graph_differences
    assert graph_differences(lambda m: m.train.get_or_create_global_step()) == []


def test_int_shape_and_variable_shape_argument(tf1):
    def build(m):
        x = m.placeholder(m.float32, shape=(5), name="x")
        v = m.Variable(np.zeros(3, np.float32), shape=[3], name="v")
        return x.shape.as_list(), v.shape.as_list()
    ours, theirs = both(tf1, build)
    assert ours == theirs == ([5], [3])


def test_get_collection_scope_is_a_regex_on_names_like_tensorflows(tf1):
    def build(m):
        with m.variable_scope("enc"):
            m.get_variable("w", [1])
            with m.variable_scope("sub"):
                m.get_variable("w", [1])
        with m.variable_scope("encoder"):
            m.get_variable("w", [1])
        m.add_to_collection("mixed", "not a node")
        m.add_to_collection("mixed", m.constant(1.0, name="enc_c"))
        g = m.GraphKeys.GLOBAL_VARIABLES
        scopes = (None, "", "enc", "enc/", ".*/w", "enc/.*b", "w:0$")
        return [[v.name for v in m.get_collection(g, s)] for s in scopes] \
            + [[getattr(v, "name", v) for v in m.get_collection("mixed", s)] for s in (None, "enc")] \
            + [[v.name for v in m.get_variable_scope().global_variables()]]
    ours, theirs = both(tf1, build)
    assert ours == theirs


def test_graph_keys_are_tensorflows(tf1):
    keys = {k: v for k, v in vars(tf1.GraphKeys).items() if k[0].isupper() and isinstance(v, str)}
    assert {k: getattr(ts.GraphKeys, k, None) for k in keys} == keys
