"""The operators &, |, ^ and ~: logical on bools, bitwise on integers, named and valued as in TF1."""
import os

import numpy as np
import pytest

import tensorslow as ts
from tensorslow_parity.graph_parity import graph_differences

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def operators(tf):
    x = tf.placeholder(tf.bool, [None], name="x")
    y = tf.placeholder(tf.bool, [None], name="y")
    i = tf.placeholder(tf.int32, [None], name="i")
    j = tf.placeholder(tf.int32, [None], name="j")
    out = {"and": x & y, "or": x | y, "xor": x ^ y, "not": ~x, "and_literal": x & True, "or_reversed": True | x,
           "i_and": i & 6, "i_or": i | j, "i_xor": i ^ j, "i_not": ~i, "i_and_reversed": 3 & i,
           "logical_xor": tf.logical_xor(x, y, name="lx"), "math_xor": tf.math.logical_xor(x, True),
           "bitwise_and": tf.bitwise.bitwise_and(i, j), "bitwise_or": tf.bitwise.bitwise_or(i, j),
           "bitwise_xor": tf.bitwise.bitwise_xor(i, j), "invert": tf.bitwise.invert(i)}
    feed = {x: [True, True, False, False], y: [True, False, True, False], i: [0, 5, -3, 12], j: [7, 1, 2, -1]}
    return out, feed


def test_the_operators_build_tensorflows_graph():
    pytest.importorskip("tensorflow")
    assert graph_differences(lambda tf: operators(tf)) == []


def test_the_operators_give_tensorflows_values(tf1):
    theirs_out, theirs_feed = operators(tf1)
    with tf1.Session() as sess:
        theirs = sess.run(theirs_out, theirs_feed)
    with ts.Graph().as_default():
        ours_out, ours_feed = operators(ts)
        with ts.Session() as sess:
            ours = sess.run(ours_out, ours_feed)
    for key, value in theirs.items():
        assert ours[key].dtype == value.dtype, key
        np.testing.assert_array_equal(ours[key], value, err_msg=key)


def test_integers_and_bools_keep_their_meaning():
    with ts.Graph().as_default():
        i = ts.constant([0b1100, 0b1010])
        b = ts.constant([True, False])
        with ts.Session() as sess:
            assert sess.run(i & 0b1010).tolist() == [0b1000, 0b1010]  # bits, not truth values
            assert sess.run(~i).tolist() == [-13, -11]
            assert sess.run(~b).tolist() == [False, True]


def test_bitwise_ops_refuse_floats_naming_the_op():
    with ts.Graph().as_default():
        f = ts.constant([1.0, 2.0], name="f")
        with pytest.raises(TypeError, match="BitwiseAnd: .*float32.*'f'"):
            ts.bitwise.bitwise_and(f, f)
        with pytest.raises(TypeError, match="Invert: .*float32"):
            ts.bitwise.invert(f)
        with pytest.raises(TypeError, match="BitwiseOr"):
            f | f
