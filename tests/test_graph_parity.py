"""The graph-parity helper: TensorSlow's and TF's (op name, op type) lists for the same program."""
import os

import numpy as np
import pytest

from tensorslow_parity.graph_parity import graph_differences, op_list_differences, tensorslow_ops

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
pytest.importorskip("tensorflow")



def variables_and_matmul(tf):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    w = tf.Variable(np.ones((2, 3), np.float32), name="w")
    b = tf.Variable(tf.zeros([3]), name="b")
    y = tf.matmul(x, w, name="y")
    tf.nn.relu(tf.add(y, b, name="logits"), name="out")


def get_variable_with_initializers(tf):
    tf.set_random_seed(1)
    with tf.variable_scope("dense"):
        tf.get_variable("kernel", [3, 4])
        tf.get_variable("bias", [4], initializer=tf.zeros_initializer())
    with tf.variable_scope("conv"):
        tf.get_variable("kernel", [3, 3, 1, 8], initializer=tf.truncated_normal_initializer(stddev=0.1))
        tf.get_variable("bias", [8], initializer=tf.constant_initializer(0.1))
        tf.get_variable("scale", [8, 8], initializer=tf.variance_scaling_initializer(distribution="uniform"))
    tf.train.get_or_create_global_step()


def nested_scopes(tf):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    for _ in range(2):
        with tf.variable_scope(None, default_name="layer"):
            with tf.variable_scope("inner"):
                w = tf.get_variable("w", [2, 2])
                x = tf.matmul(x, w)
    with tf.variable_scope("layer", reuse=True):
        with tf.variable_scope("inner"):
            x = tf.matmul(x, tf.get_variable("w"))
        with tf.name_scope("extra"):
            tf.identity(x, name="copy")


def additions(tf):
    x = tf.placeholder(tf.float32, [2], name="x")
    tf.add(x, x)
    x + x
    tf.add(x, x, name="named")


def literal_operands(tf):
    """A Python or NumPy operand becomes a constant in the op's name scope, named after its argument."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    i = tf.placeholder(tf.int32, [None], name="i")
    x * 2.0, 2.0 * x, x + 1.0, 1.0 - x, x - 1, x / 2.0, 2.0 / x, x ** 2, i // 2, i % 2, x > 0.5
    tf.multiply(x, 2.0), tf.add(x, 1.0), tf.subtract(x, 1.0), tf.divide(x, 3.0), tf.div(x, 3.0)
    tf.maximum(x, 0.0), tf.minimum(x, 1.0, name="clip"), tf.pow(x, 2.0), tf.equal(x, 1.0), tf.greater(x, 0.5)
    tf.add(x, np.ones(3, np.float32)), tf.truediv(x, 2.0), tf.floordiv(i, 2), tf.less(x, 1.0)
    tf.not_equal(i, 0), tf.squared_difference(x, 1.0), tf.sigmoid(1.0), tf.cast(i, tf.float32), tf.cast(1, tf.float32)
    i / 2, tf.truediv(i, i, name="ratio")
    with tf.name_scope("layer"):
        tf.multiply(x, 3.0, name="scaled")
        x * 3.0


def random_ops(tf):
    """TF's random composites: shape, mean and stddev constants, the kernel, then mul and add."""
    n = tf.placeholder(tf.int32, [2], name="n")
    tf.random_normal([2, 3]), tf.random_normal([2, 3], mean=1.0, stddev=0.1, seed=1, name="w")
    tf.truncated_normal([4], stddev=0.1), tf.random_uniform([3]), tf.random_uniform([3], -1, 1)
    tf.random_uniform([3], 0, 10, dtype=tf.int32), tf.random_normal(n), tf.random_uniform((2,), maxval=3.0)
    tf.random_normal([2], dtype=tf.float64)
    z = tf.placeholder(tf.float32, [None, 3], name="z")  # the draw has z's static shape: its mean's axes are a Const
    tf.reduce_mean(tf.random_normal(tf.shape(z))), tf.reduce_sum(tf.random_uniform(n))


def reductions(tf):
    """The axes are TF's constants: Sum/reduction_indices, or Const for all axes; ArgMax/dimension."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    tf.reduce_sum(x), tf.reduce_sum(x, 1), tf.reduce_mean(x, axis=[0, 1]), tf.reduce_max(x, 1, keepdims=True)
    tf.reduce_sum(x, reduction_indices=[1]), tf.reduce_min(x, 0), tf.reduce_prod(x, 1), tf.reduce_mean(x)
    tf.argmax(x, 1), tf.argmin(x, 0), tf.argmax(x, axis=1, name="best")
    with tf.name_scope("loss"):
        tf.reduce_mean(x, name="average")


def shapes_and_indexing(tf):
    """TF's constant inputs: Reshape/shape, ExpandDims/dim, transpose/perm, GatherV2/axis, concat/axis, and
    strided_slice/stack, stack_1, stack_2 (begin, end, strides) for each x[...]."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    i = tf.placeholder(tf.int32, [None], name="i")
    tf.reshape(x, [-1, 1, 3]), tf.expand_dims(x, 1), tf.transpose(x), tf.transpose(x, [1, 0], name="t")
    tf.gather(x, i), tf.concat([x, x], 1), tf.squeeze(tf.expand_dims(x, 1), [1])
    x[0], x[:, 1], x[1:3], x[:, :2], x[-1], x[..., 0], x[:, None]


def zeros_and_ones(tf):
    """Small zeros/ones are one constant; from 1000 elements TF builds shape_as_tensor, Const and a Fill."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    tf.zeros([10]), tf.zeros([784, 10]), tf.ones([3000]), tf.ones([2, 3], tf.int32), tf.zeros([784, 10])
    tf.zeros_like(x), tf.fill([2, 3], 5.0)
    tf.Variable(tf.zeros([784, 10]), name="W"), tf.Variable(tf.zeros([10]), name="b")


def placeholders_with_defaults(tf):
    """A literal default is a Const named ``input`` in the op's scope; a tensor default is used as it is."""
    training = tf.placeholder_with_default(False, (), name="training")
    x = tf.placeholder_with_default(np.ones((2, 3), np.float32), (None, 3))
    tf.placeholder_with_default(x, (None, 3), name="again"), tf.placeholder_with_default(x, (None, 3), name="again")
    tf.logical_not(training)


BUILDS = [placeholders_with_defaults, shapes_and_indexing, reductions, random_ops, literal_operands, additions,
          variables_and_matmul, get_variable_with_initializers, nested_scopes, zeros_and_ones]


@pytest.mark.parametrize("build", BUILDS)
def test_programs_build_tensorflows_graph(build):
    assert graph_differences(build) == []


def test_a_shape_tensor_gives_a_random_op_its_static_shape():
    import tensorslow as tf
    with tf.Graph().as_default():
        z = tf.placeholder(tf.float32, [None, 3])
        assert tf.random_normal(tf.shape(z)).shape.as_list() == [None, 3]
        assert tf.random_uniform(tf.placeholder(tf.int32, [2])).shape.as_list() == [None, None]
        assert tf.random_uniform(tf.placeholder(tf.int32, None)).shape.dims is None


def test_the_op_list_is_tensorslows_names_without_output_index():
    ops = tensorslow_ops(variables_and_matmul)
    assert ops[:5] == [("x", "Placeholder"), ("w/initial_value", "Const"), ("w", "VariableV2"),
                       ("w/Assign", "Assign"), ("w/read", "Identity")]
    assert ("y", "MatMul") in ops and ("logits", "AddV2") in ops


def test_differences_are_reported_op_by_op():
    def build(tf):
        x = tf.placeholder(tf.float32, [2], name="x")
        if tf.__name__ == "tensorslow":
            tf.identity(x, name="only_ours")
        else:
            tf.square(x, name="only_theirs")
        tf.add(x, x, name="sum")
        (tf.negative if tf.__name__ == "tensorslow" else tf.abs)(x, name="other")
    assert graph_differences(build) == ["- tensorslow only: only_ours (Identity)",
                                        "+ tensorflow only: only_theirs (Square)",
                                        "~ type other: tensorslow Neg, tensorflow Abs"]
    assert graph_differences(build, {"Neg": "Abs"}) == ["- tensorslow only: only_ours (Identity)",
                                                        "+ tensorflow only: only_theirs (Square)"]


def test_op_list_differences_on_lists():
    ours = [("a", "Const"), ("b", "Mul"), ("c", "AddV2")]
    assert op_list_differences(ours, ours) == []
    assert op_list_differences(ours, [("a", "Const"), ("c", "AddV2"), ("b", "Mul")]) == [
        "~ order c (AddV2): made at another point by tensorflow"]
    assert op_list_differences(ours, [("a", "Const"), ("b", "Mul")]) == ["- tensorslow only: c (AddV2)"]
