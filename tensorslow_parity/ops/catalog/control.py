"""Control flow: ``cond`` (TF1's ``Switch`` and ``Merge`` ops) and ``while_loop`` (TF1's ``Enter``, ``Merge``,
``LoopCond``, ``Switch``, ``Identity``, ``NextIteration`` and ``Exit`` ops, run by a frame runner of type
``While``), and ``TensorArray``'s ops. One :class:`OpEntry` per op type; each builds a small cond, loop or
TensorArray that TF1 builds too.
"""
import contextlib

from tensorslow_parity.ops.catalog.inputs import SAME2, UNARY
from tensorslow_parity.ops.catalog.records import OpEntry, Variant


@contextlib.contextmanager
def _differentiable_after_running(tf):
    """Under TF2's behaviour a TF1 graph builds cond and while_loop as If/While functions, which can be
    differentiated after a session ran them (as the catalog's runs do) only if they output all their
    intermediates: TF's own advice in that error. The switch is process-wide, so it is on only while the
    op is built and back to TF's default (None: decide per graph) after, so that later TF2 code (a
    tf.function in the same test process) builds as it would have. A no-op for TensorSlow."""
    switch = getattr(getattr(tf, "experimental", None), "output_all_intermediates", None)
    if switch is None:
        yield
        return
    _BUILDING[0] += 1  # a cond nested in a branch is built while the outer one is: only the outer resets
    switch(True)
    try:
        yield
    finally:
        _BUILDING[0] -= 1
        if not _BUILDING[0]:
            switch(None)


_BUILDING = [0]  # how many TF conds and loops are being built, one inside the other


def _cond(tf, pred, true_fn, false_fn):
    with _differentiable_after_running(tf):
        return tf.cond(tf.constant(pred), true_fn, false_fn)


def _while(tf, *args, **kwargs):
    with _differentiable_after_running(tf):
        return tf.while_loop(*args, **kwargs)


def _power_loop(tf, x, times=3):
    """y = x^(times + 1): a loop carrying a counter and a float, reading x (captured) in its body"""
    return _while(tf, lambda i, y: i < times, lambda i, y: (i + 1, y * x), (tf.constant(0), x))[1]


def _count_while(tf, s):
    """Count n up while sum(s^2) > n (at most 8 times): s reaches the loop only through its condition."""
    return _while(tf, lambda n: tf.reduce_sum(s ** 2) > n, lambda n: n + 1.0, [tf.constant(0.0, s.dtype)],
                  maximum_iterations=8)


ENTRIES = (
    OpEntry(
        op_type="Switch", tensorslow="cond", tf_v1="tf.compat.v1.cond", tf2="tf.cond", keras_op="keras.ops.cond",
        keras_layer=None, build=lambda tf, x, y: _cond(tf, True, lambda: x * y, lambda: x + y),
        n_float=2, family="same", examples=SAME2,
        variants=(Variant("false_branch", lambda tf, x, y: _cond(tf, False, lambda: x * y, lambda: x + y)),
                  Variant("nested", lambda tf, x, y: _cond(
                      tf, True, lambda: _cond(tf, False, lambda: x, lambda: x * y) * x, lambda: y))),
        notes="the Switch ops that bring x and y into each branch, as TF1's; the untaken branch's are dead"),
    OpEntry(
        op_type="Merge", tensorslow="cond", tf_v1="tf.compat.v1.cond", tf2="tf.cond", keras_op="keras.ops.cond",
        keras_layer=None, build=lambda tf, x: _cond(tf, False, lambda: x, lambda: x * x), n_float=1,
        family="any", examples=UNARY,
        variants=(Variant("pair", lambda tf, x: tf.add(*_cond(tf, True, lambda: (x * 3.0, x), lambda: (x, x)))),),
        notes="cond/Merge: the value of the branch taken, as TF1's"),
    OpEntry(
        op_type="While", tensorslow="while_loop", tf_v1="tf.compat.v1.while_loop", tf2="tf.while_loop",
        keras_op="keras.ops.while_loop", keras_layer=None, build=_power_loop, n_float=1, family="any",
        examples=UNARY,
        variants=(Variant("maximum_iterations", lambda tf, x: _while(tf,
                      lambda y: tf.constant(True), lambda y: y * x, [x], maximum_iterations=2)),),
        notes="the frame runner (not an op of the graph) that runs TF1's Enter/Merge/Switch/NextIteration/Exit"),
    OpEntry(
        op_type="WhileWithoutGradient", tensorslow="while_loop", tf_v1="tf.compat.v1.while_loop", tf2="tf.while_loop",
        keras_op="keras.ops.while_loop", keras_layer=None,
        build=lambda tf, x: _while(tf, lambda i, y: i < 2, lambda i, y: (i + 1, y * x), (0, x), back_prop=False)[1],
        n_float=1, family="any", examples=UNARY, differentiable=False,
        notes="a loop with back_prop=False: no gradient flows through it"),
    OpEntry(
        op_type="Enter", tensorslow="while_loop", tf_v1="tf.compat.v1.while_loop", tf2="tf.while_loop",
        keras_op="keras.ops.while_loop", keras_layer=None,
        build=lambda tf, x, y: _while(tf, lambda i, a: i < 2, lambda i, a: (i + 1, a * x + y), (0, x))[1],
        n_float=2, family="same", examples=SAME2, notes="x and y enter the loop through Enter ops (while/mul/Enter)"),
    OpEntry(
        op_type="NextIteration", tensorslow="while_loop", tf_v1="tf.compat.v1.while_loop", tf2="tf.while_loop",
        keras_op="keras.ops.while_loop", keras_layer=None,
        build=lambda tf, x: _while(tf, lambda i, a: i < 3, lambda i, a: (i + 1, tf.sin(a)), (0, x))[1],
        n_float=1, family="any", examples=UNARY, notes="the body's result becomes the next iteration's loop var"),
    OpEntry(
        op_type="LoopCond", tensorslow="while_loop", tf_v1="tf.compat.v1.while_loop", tf2="tf.while_loop",
        keras_op="keras.ops.while_loop", keras_layer=None,
        build=lambda tf, x: _count_while(tf, tf.stop_gradient(x)),
        n_float=1, family="any", examples=UNARY, differentiable=False,
        notes="the loop counts while a test on x holds (x behind stop_gradient: the count has no gradient)"),
    OpEntry(
        op_type="Exit", tensorslow="while_loop", tf_v1="tf.compat.v1.while_loop", tf2="tf.while_loop",
        keras_op="keras.ops.while_loop", keras_layer=None,
        build=lambda tf, x, y: tf.add(*_while(tf, lambda i, a, b: i < 2, lambda i, a, b: (i + 1, a * b, b + a),
                                                (tf.constant(0), x, y))[1:]),
        n_float=2, family="same", examples=SAME2, notes="the loop vars' final values, while/Exit as TF1's"),
    OpEntry(
        op_type="TensorArrayV3", tensorslow="TensorArray", tf_v1="tf.compat.v1.TensorArray",
        tf2="tf.TensorArray",
        keras_op=None, keras_layer=None,
        build=lambda tf, x: tf.TensorArray(x.dtype, size=2).write(0, x).write(1, x * x).stack(),
        n_float=1, family="any", examples=UNARY, notes="an array of two elements, written one by one, stacked"),
    OpEntry(
        op_type="TensorArrayWriteV3", tensorslow="TensorArray", tf_v1="tf.compat.v1.TensorArray",
        tf2="tf.TensorArray",
        keras_op=None, keras_layer=None,
        build=lambda tf, x, y: tf.TensorArray(x.dtype, size=2).write(1, x * y).write(0, tf.sin(y)).stack(),
        n_float=2, family="same", examples=SAME2, notes="two writes, out of order: their values' gradients"),
    OpEntry(
        op_type="TensorArrayScatterV3", tensorslow="TensorArray", tf_v1="tf.compat.v1.TensorArray",
        tf2="tf.TensorArray",
        keras_op=None, keras_layer=None,
        build=lambda tf, x: tf.TensorArray(x.dtype, size=tf.shape(x)[0]).unstack(x * 2.0).stack() * x,
        n_float=1, family="rank1+", examples=((((2, 3),), ((4,),))), notes="unstack (a scatter), then stack"),
    OpEntry(
        op_type="TensorArrayGatherV3", tensorslow="TensorArray", tf_v1="tf.compat.v1.TensorArray",
        tf2="tf.TensorArray",
        keras_op=None, keras_layer=None,
        build=lambda tf, x: tf.TensorArray(x.dtype, size=tf.shape(x)[0]).unstack(x).gather([0]) * 3.0,
        n_float=1, family="rank1+", examples=((((2, 3),), ((4,),))),
        notes="the first element gathered: the others get no gradient"),
    OpEntry(
        op_type="TensorArrayReadV3", tensorslow="TensorArray", tf_v1="tf.compat.v1.TensorArray",
        tf2="tf.TensorArray",
        keras_op=None, keras_layer=None,
        build=lambda tf, x: tf.TensorArray(x.dtype, size=tf.shape(x)[0]).unstack(x).read(tf.shape(x)[0] - 1) ** 2,
        n_float=1, family="rank1+", examples=((((2, 3),), ((4,),))), notes="the last element, read"),
    OpEntry(
        op_type="TensorArraySizeV3", tensorslow="TensorArray", tf_v1="tf.compat.v1.TensorArray",
        tf2="tf.TensorArray",
        keras_op=None, keras_layer=None,
        build=lambda tf, x: tf.TensorArray(x.dtype, size=0, dynamic_size=True).write(0, x).write(2, x).size(),
        n_float=1, family="any", examples=UNARY, differentiable=False,
        notes="a growing array's size: 3 after writes at 0 and 2"),
)
