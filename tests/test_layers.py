"""``tf.layers`` against TF1's ``tf.compat.v1.layers``: values, gradients, training steps, graphs, names, errors.

TF1's results come from tests/layers_reference.py, run once per module in its own process (TF1's layers
need ``TF_USE_LEGACY_KERAS=1`` before TensorFlow is imported; this process keeps Keras 3). The checks of
names, collections, reuse and errors need no TensorFlow and run fast.
"""
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from layers_reference import CASES, GRAPHS, run_case

import tensorslow as ts
from tensorslow_parity.graph_parity import op_list_differences, tensorslow_ops

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """TF1's values of every case (``<case>/<run>/<name>``) and TF1's op lists of every graph builder."""
    out = tmp_path_factory.mktemp("layers_reference")
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, os.path.join(HERE, "layers_reference.py"), str(out)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(out / "values.npz") as values, open(out / "graphs.json") as f:
        return dict(values), json.load(f)


def _has_cond():
    try:
        from tensorslow.ops.control_flow_ops import cond  # noqa: F401
    except ImportError:
        return False
    return True


NEEDS_COND = {"batch_norm_by_tensor", "dropout", "g_dropout_tensor", "g_batch_norm_tensor"}


# -- values and gradients ---------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_values_and_gradients_match_tf1(reference, case):
    if case in NEEDS_COND and not _has_cond():
        pytest.skip("tf.cond is not available")
    values, _ = reference
    theirs = {k[len(case) + 1:]: v for k, v in values.items() if k.startswith(case + "/")}
    ours = run_case(ts, CASES[case])
    assert sorted(ours) == sorted(theirs)  # the same fetches, variable names included
    for key, expected in theirs.items():
        if case == "dropout":  # TF's Philox streams, seeded alike: the same elements dropped, bit for bit
            np.testing.assert_array_equal(ours[key], expected, err_msg=key)
        else:  # float32: kernels sum in other orders (TF's conv and fused batch norm)
            np.testing.assert_allclose(ours[key], expected, rtol=1e-5, atol=2e-6, err_msg=key)


# -- graphs, op for op -----------------------------------------------------------------------------

# Differences that come from TensorSlow's primitives, not from the layers: each pattern names its cause.
PRIMITIVE_DIFFERENCES = {
    r"\+ tensorflow only: .*/ExpandDims(_\d+)?/dim \(Const\)": "ExpandDims takes its axis as an attribute",
    r"\+ tensorflow only: .*/strided_slice(_\d+)?/stack(_\d+)? \(Const\)":
        "StridedSlice takes its index as an attribute",
    r"\+ tensorflow only: .*/GatherV2(_\d+)?/axis \(Const\)": "GatherV2 takes its axis as an attribute",
    r"\+ tensorflow only: .*/(mean|variance)/reduction_indices \(Const\)": "reductions take axes as attributes",
    r"\+ tensorflow only: .*/Tensordot/(Const|Const_1|concat/axis|concat_1/axis) \(Const\)":
        "Prod and ConcatV2 take their axes as attributes",
    r"[-+] \w+ only: .*/Tensordot/(concat \(ConcatV2\)|transpose \(Transpose\))":
        "Transpose takes its permutation as an attribute, so TF's ConcatV2 computing it is not built",
    r"~ order .*/Tensordot/transpose \(Transpose\)": "(the same)",
    r"- tensorslow only: .*/batchnorm/Const \(Const\)": "tf.nn.batch_normalization names its epsilon Const",
    r"\+ tensorflow only: .*/batchnorm/add/y \(Const\)": "(the same)",
    r"- tensorslow only: .*/dropout/RandomUniform \(RandomUniform\)": "tf.nn.dropout's uniform op is named so",
    r"\+ tensorflow only: .*/dropout/random_uniform/RandomUniform \(RandomUniform\)": "(the same)",
    r"- tensorslow only: .*/dropout/Select \(Select\)": "tf.nn.dropout uses Select where TF uses SelectV2",
    r"\+ tensorflow only: .*/dropout/SelectV2 \(SelectV2\)": "(the same)",
}
# Ops left out of the comparison: tf.cond is an If op over a sub-graph (TF1: Switch and Merge ops), and
# TF1's fused batch norm is one FusedBatchNormV3 op where TensorSlow has primitives in a scope of that name.
NOT_COMPARED = re.compile(r"/cond(_\d+)?/|/FusedBatchNormV3(/|$)")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_graph_matches_tf1_op_for_op(reference, name):
    if name in NEEDS_COND and not _has_cond():
        pytest.skip("tf.cond is not available")
    _, graphs = reference
    ours = [op for op in tensorslow_ops(GRAPHS[name]) if not NOT_COMPARED.search(op[0])]
    theirs = [tuple(op) for op in graphs[name] if not NOT_COMPARED.search(op[0])]
    differences = op_list_differences(ours, theirs, same_types={"Add": "AddV2"})
    unexplained = [d for d in differences if not any(re.fullmatch(p, d) for p in PRIMITIVE_DIFFERENCES)]
    assert unexplained == []


# -- names, collections, reuse (no TensorFlow needed) ---------------------------------------------

@pytest.fixture
def graph():
    with ts.Graph().as_default() as g:
        yield g


def _names(variables):
    return [v.op_name for v in variables]


def test_variable_names_and_collections(graph):
    x = ts.placeholder(ts.float32, [None, 8, 8, 1])
    h = ts.layers.conv2d(x, 2, 3, name=None)
    h = ts.layers.flatten(ts.layers.max_pooling2d(h, 2, 2))
    h = ts.layers.batch_normalization(ts.layers.dense(h, 4), training=True)
    ts.layers.dense(h, 3)
    assert _names(ts.global_variables()) == [
        "conv2d/kernel", "conv2d/bias", "dense/kernel", "dense/bias", "batch_normalization/gamma",
        "batch_normalization/beta", "batch_normalization/moving_mean", "batch_normalization/moving_variance",
        "dense_1/kernel", "dense_1/bias"]
    assert "batch_normalization/moving_mean" not in _names(ts.trainable_variables())
    assert len(ts.trainable_variables()) == 8
    assert _names(ts.get_collection(ts.GraphKeys.UPDATE_OPS)) == [
        "batch_normalization/AssignMovingAvg", "batch_normalization/AssignMovingAvg_1"]


def test_layer_ops_live_in_the_layer_name_scope(graph):
    x = ts.placeholder(ts.float32, [None, 8])
    y = ts.layers.dense(x, 4, activation=ts.nn.relu)
    assert y.op_name == "dense/Relu"
    assert [op.op_name for op in graph.get_operations()][-3:] == ["dense/MatMul", "dense/BiasAdd", "dense/Relu"]


def test_layer_object_shares_its_variables_across_calls(graph):
    layer = ts.layers.Dense(3)
    y1 = layer(ts.placeholder(ts.float32, [None, 4]))
    y2 = layer(ts.placeholder(ts.float32, [None, 4]))
    assert layer.kernel.op_name == "dense/kernel" and layer.bias.op_name == "dense/bias"
    assert layer.trainable_variables == [layer.kernel, layer.bias] == layer.variables
    assert (y1.op_name, y2.op_name) == ("dense/BiasAdd", "dense/BiasAdd_1")
    assert layer.name == "dense_1" and layer.scope_name == "dense"  # Keras numbers objects from 1
    assert len(ts.global_variables()) == 2


def test_reuse_by_name_in_a_reusing_variable_scope(graph):
    x = ts.placeholder(ts.float32, [None, 4])
    with ts.variable_scope("net"):
        ts.layers.dense(x, 3, name="fc")
    with ts.variable_scope("net", reuse=True):
        y = ts.layers.dense(x, 3, name="fc")
    ts.layers.dense(x, 3, name="fc2")
    ts.layers.dense(x, 3, name="fc2", reuse=True)
    assert _names(ts.global_variables()) == ["net/fc/kernel", "net/fc/bias", "fc2/kernel", "fc2/bias"]
    assert y.op_name == "net_1/fc/BiasAdd"


def test_trainable_false_and_regularizer(graph):
    x = ts.placeholder(ts.float32, [None, 4])
    ts.layers.dense(x, 3, trainable=False)
    ts.layers.dense(x, 3, kernel_regularizer=ts.nn.l2_loss)
    assert _names(ts.trainable_variables()) == ["dense_1/kernel", "dense_1/bias"]
    assert _names(ts.get_collection(ts.GraphKeys.REGULARIZATION_LOSSES)) == ["dense_1/kernel/Regularizer/L2Loss"]


def test_dropout_off_is_identity_and_batch_norm_inference_adds_no_updates(graph):
    x = ts.placeholder(ts.float32, [None, 4])
    assert ts.layers.dropout(x, 0.5).type == "Identity"
    ts.layers.batch_normalization(x)
    assert ts.get_collection(ts.GraphKeys.UPDATE_OPS) == []
    value = np.arange(8, dtype=np.float32).reshape(2, 4)
    with ts.Session() as sess:
        np.testing.assert_array_equal(sess.run(ts.layers.dropout(x, 0.9, training=False), {x: value}), value)


def test_output_shapes(graph):
    x = ts.placeholder(ts.float32, [None, 7, 7, 2])
    assert ts.layers.conv2d(x, 3, 3, strides=2, padding="same").shape.as_list() == [None, 4, 4, 3]
    assert ts.layers.conv2d(x, 3, (3, 2)).shape.as_list() == [None, 5, 6, 3]
    assert ts.layers.max_pooling2d(x, 2, 2).shape.as_list() == [None, 3, 3, 2]
    assert ts.layers.flatten(x).shape.as_list() == [None, 98]
    assert ts.layers.conv2d_transpose(x, 1, 3, strides=2, padding="same").shape.as_list() == [None, 14, 14, 1]
    assert ts.layers.dense(ts.placeholder(ts.float32, [None, 5, 8]), 4).shape.as_list() == [None, 5, 4]


# -- errors: TF's classes and words ---------------------------------------------------------------

def _raises(error, pattern, fn):
    with ts.Graph().as_default(), pytest.raises(error, match=pattern):
        fn()


def _x(*shape):
    return ts.placeholder(ts.float32, list(shape))


def test_errors():
    _raises(ValueError, r"The `padding` argument must be .* Received: full",
            lambda: ts.layers.conv2d(_x(None, 8, 8, 1), 2, 3, padding="full"))
    _raises(ValueError, r'Input 0 of layer "conv2d_1" is incompatible with the layer: expected min_ndim=4, found ndim=3'
                        r"\. Full shape received: \(None, 8, 1\)",
            lambda: ts.layers.conv2d(_x(None, 8, 1), 2, 3))
    _raises(ValueError, r"expected ndim=4, found ndim=3",
            lambda: ts.layers.max_pooling2d(_x(None, 8, 8), 2, 2))
    _raises(ValueError, r"invalid literal for int\(\)", lambda: ts.layers.dense(_x(None, 4), "a"))
    _raises(ValueError, r"The last dimension of the inputs to a Dense layer should be defined. Found None",
            lambda: ts.layers.dense(_x(None, None), 2))
    _raises(TypeError, r"A Dense layer can only be built with a floating-point dtype. Received: dtype=<dtype: 'int32'>",
            lambda: ts.layers.dense(ts.placeholder(ts.int32, [None, 3]), 2))
    _raises(ValueError, r"The `kernel_size` argument must be a tuple of 2 integers. Received: \(3, 3, 3\)",
            lambda: ts.layers.conv2d(_x(None, 8, 8, 1), 2, (3, 3, 3)))
    _raises(ValueError, r"One of the dimensions in the output is <= 0 due to downsampling in conv2d_1",
            lambda: ts.layers.conv2d(_x(None, 2, 2, 1), 2, 3))
    _raises(ValueError, r"The channel dimension of the inputs should be defined",
            lambda: ts.layers.conv2d(_x(None, 8, 8, None), 2, 3))
    _raises(ValueError, r"Invalid value 1.5 received for `rate`", lambda: ts.layers.dropout(_x(None, 4), 1.5))
    _raises(ValueError, r"Invalid value for `axis` argument. Expected 0 <= axis < inputs.rank \(with inputs.rank=2\)",
            lambda: ts.layers.batch_normalization(_x(None, 4), axis=3))
    _raises(ValueError, r'The `data_format` argument must be one of "channels_first", "channels_last". Received: nchw',
            lambda: ts.layers.conv2d(_x(None, 8, 8, 1), 2, 3, data_format="nchw"))
    _raises(NotImplementedError, r"channels_first",
            lambda: ts.layers.conv2d(_x(None, 1, 8, 8), 2, 3, data_format="channels_first"))
    _raises(TypeError, r"`pred` must be a Tensor, or a Python bool, or 1 or 0",
            lambda: ts.layers.dropout(_x(None, 4), 0.5, training="yes"))


def test_reuse_errors():
    def other_input_size():
        layer = ts.layers.Dense(3)
        layer(_x(None, 4))
        layer(_x(None, 5))
    _raises(ValueError, r'Input 0 of layer "dense_1" is incompatible with the layer: expected axis -1 of input shape '
                        r"to have value 4, but received input with shape \(None, 5\)", other_input_size)

    def shared_with_other_shape():
        with ts.variable_scope("a"):
            ts.layers.dense(_x(None, 4), 3, name="d")
        with ts.variable_scope("a", reuse=True):
            ts.layers.dense(_x(None, 5), 3, name="d")
    _raises(ValueError, r"Trying to share variable a/d/kernel, but specified shape \(5, 3\) and found shape \(4, 3\)",
            shared_with_other_shape)
    _raises(ValueError, r"Variable d/kernel does not exist, or was not created with tf.get_variable\(\)",
            lambda: ts.layers.dense(_x(None, 4), 3, name="d", reuse=True))

    def twice_without_reuse():
        ts.layers.dense(_x(None, 4), 3, name="d")
        ts.layers.dense(_x(None, 4), 3, name="d")
    _raises(ValueError, r"Variable d/kernel already exists, disallowed", twice_without_reuse)
