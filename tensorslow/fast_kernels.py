"""Every speed trick of TensorSlow, in one place, each with the measurement that justifies it.

The op files say *what* an op computes; they call the functions here by names
that say what they do (``sum_along``, ``max_along``, ``sigmoid_into``). Each
gives the same bits as the plain NumPy expression it replaces (tested in
``tests/test_fast_paths.py``). Times: a 2-core x86-64 CPU, NumPy 2.x, float64.

1. **Reductions over a short last axis** (softmax over a few classes): NumPy
   runs its inner loop once per row when reducing the last axis, 28 µs for
   ``max`` over a (1024, 2) array; k - 1 elementwise calls over the column
   views ``x[..., j]`` take 1.5 µs. Sums of at most 4 terms are added left to
   right, the order NumPy uses for so few: the same bits.
2. **Row sums of narrow matrices** (bias gradients, (n, k) with k <= 8): NumPy
   adds row after row, 11 µs for (1024, 2); summing each row of the
   contiguous transpose takes 1.8 µs (and pairwise summation is more accurate).
3. **Sigmoid in one array**: ``1 / (1 + exp(-x))`` makes three temporaries;
   doing it in the output array halves the time of a (1024, 512) layer.
4. **Kernels that write into a dead value's array** (``out_kernel``): every op
   of a run makes a new array; arrays of a few MB are handed back to the
   system when freed and the next step page-faults them in again (a 64-512-10
   step at batch 1024 took 5 ms instead of 1.5 ms that way). The plan gives
   these kernels the array of a value that died (``plan_steps.plan_buffers``),
   so a training step reuses its memory the way TensorFlow's allocator does.
5. **Per-node ``op`` types for gradient functions** (``op_values_type``): an
   attribute read through ``__getattr__`` costs 357 ns, a class attribute
   40 ns; a plan makes one small class per node, once.
6. **Shape arithmetic remembered between runs** (``remembered``, ``shape_blocks``):
   TF1 builds ``softmax_cross_entropy_with_logits`` around its kernel with 14
   small ops on the logits' and labels' shapes (Shape, Sub, Pack, Slice,
   ConcatV2, and 11 Consts they read; Reshape to 2-D and back), which
   TensorSlow builds too, so that its graph is TF's. Run every time, they
   doubled the course MLP's step; their values change only when a shape does.
   Run each through a memo of its own (``remembered``: a Shape, Rank or Size
   op recomputes when its input's shape changed, an op on such values when an
   input is a new array), they still cost about 4 µs of a 60 µs step here
   (the calls, the Consts' assignments, the ``del`` statements). So a plan
   joins them into blocks (``shape_blocks``: remembered ops connected through
   their inputs, and the Consts only they read) and writes each block as one
   check, where its first value is needed (``plan_steps.ShapeBlocks``): if the
   shapes of the arrays its Shape/Rank/Size ops query are those of the last
   run, one tuple gives every value read outside the block; else its ops run,
   each on its own line (so an error names its op). The check takes 0.2 µs.
   The course MLP step (2-2-2, batch 100, float64, one thread; medians of
   interleaved runs, CPU time) went from 58-61 µs to 54-57 µs, 1.5-1.6x to
   1.4-1.5x a hand-written NumPy step; with the bare fused kernel instead of
   the composite it takes 49-52 µs: what is left is the three Reshapes
   (0.35 µs each) and two Reshape gradients (1 µs each). Same values, so
   same bits.
"""
from .backend import freeze, xp
from .registry import OpValues

# -- 1, 2: reductions ---------------------------------------------------------------------

_MAX_TERMS = 4  # sums: bitwise equal to NumPy's up to here
_MAX_EXTREMA = 8  # max/min: equal at any length; beyond 8 columns NumPy's loop is no slower
_MAX_COLUMNS = 8  # sums over rows: beyond 8 columns the transposed copy stops paying for itself


def max_along(x, axis=None, keepdims=False):
    """max of ``x`` over ``axis`` (None: all)"""
    k = _last_axis_length(x, axis)
    if 2 <= k <= _MAX_EXTREMA:
        return _unrolled(xp.maximum, x, k, keepdims)
    return xp.maximum.reduce(x, axis=axis, keepdims=keepdims)  # what x.max() calls, less a Python layer


def min_along(x, axis=None, keepdims=False):
    """min of ``x`` over ``axis`` (None: all)"""
    k = _last_axis_length(x, axis)
    if 2 <= k <= _MAX_EXTREMA:
        return _unrolled(xp.minimum, x, k, keepdims)
    return xp.minimum.reduce(x, axis=axis, keepdims=keepdims)


def sum_along(x, axis=None, keepdims=False):
    """sum of ``x`` over ``axis`` (None: all), in ``x``'s dtype (integer sums keep their width, as in TF)"""
    k = _last_axis_length(x, axis)
    if 2 <= k <= _MAX_TERMS:
        return _unrolled(xp.add, x, k, keepdims)
    if _rows_of_narrow_matrix(x, axis):
        out = xp.add.reduce(xp.ascontiguousarray(x.T), axis=1)
        return out[None, :] if keepdims else out
    return xp.add.reduce(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


# These run several times per training step: they check as little as they can, as cheaply as they
# can (`__class__ is` instead of isinstance, no helper calls).

def _single_axis(axis):
    """``axis`` as one int when it names one axis (``1`` or ``(1,)``); None (all axes) or a tuple otherwise."""
    return axis[0] if axis.__class__ is tuple and len(axis) == 1 else axis


def _last_axis_length(x, axis):
    """k when ``axis`` is the last axis (of length k) of a float32/float64 array of rank >= 2, else 0."""
    axis = _single_axis(axis)
    shape = x.shape
    n = len(shape)
    if n < 2 or axis.__class__ is not int or (axis != -1 and axis != n - 1) or x.dtype.char not in "fd":
        return 0
    return shape[-1]


def _rows_of_narrow_matrix(x, axis):
    """Is this a sum over axis 0 of a float32/float64 (n, k) matrix, n > 1 and k <= _MAX_COLUMNS?"""
    axis = _single_axis(axis)
    shape = x.shape
    return len(shape) == 2 and axis.__class__ is int and (axis == 0 or axis == -2) and 1 < shape[0] \
        and shape[1] <= _MAX_COLUMNS and x.dtype.char in "fd"


def _unrolled(ufunc, x, k, keepdims):
    out = ufunc(x[..., 0], x[..., 1])
    for j in range(2, k):
        ufunc(out, x[..., j], out=out)  # in place: `out` is this call's own array
    return out[..., None] if keepdims else out


# -- 3: sigmoid ----------------------------------------------------------------------------

def sigmoid_into(x, out=None):
    """1 / (1 + e^-x), computed in ``out`` (a new array if None); for x < -709 (float64) e^-x
    overflows to inf and the result is correctly 0. A division rather than a reciprocal:
    NumPy vectorizes it (twice as fast), with the same bits."""
    if x.ndim == 0:  # a 0-d input: NumPy scalars, nothing to do in place
        return 1 / (1 + xp.exp(-x))
    y = xp.negative(x, out=out)
    xp.exp(y, out=y)
    y += 1
    return xp.divide(1, y, out=y)


# -- 4: kernels with out= --------------------------------------------------------------------

#: Below this many bytes a result is made anew: malloc serves small arrays from its free lists
#: without page faults, and checking a buffer (~0.3 µs) would cost more than it saves.
MIN_BUFFER_BYTES = 64 * 1024


def _fits(buffer, shape, dtype):
    """Can ``buffer`` (a dead value: an array, a NumPy scalar or None) hold a result of ``shape`` and ``dtype``?"""
    return buffer.__class__ is xp.ndarray and buffer.shape == shape and buffer.dtype == dtype


def _matmul_into(a, b, buffer):
    """a @ b (2-D), written into ``buffer`` when it has the result's shape and dtype."""
    if buffer is not None and buffer.nbytes >= MIN_BUFFER_BYTES and a.dtype == b.dtype \
            and _fits(buffer, (a.shape[0], b.shape[1]), a.dtype):
        return xp.dot(a, b, out=buffer)
    return xp.dot(a, b)


def _elementwise_into(ufunc):
    def kernel(a, b, buffer):
        """ufunc(a, b), into ``buffer`` when it is big and b broadcasts into a's shape (a bias) or the reverse."""
        if buffer is not None and buffer.nbytes >= MIN_BUFFER_BYTES and a.dtype == b.dtype:
            if _fits(buffer, a.shape, a.dtype) and _suffix(b.shape, a.shape):
                return ufunc(a, b, out=buffer)
            if _fits(buffer, b.shape, b.dtype) and _suffix(a.shape, b.shape):
                return ufunc(a, b, out=buffer)
        return ufunc(a, b)
    return kernel


def _suffix(small, big):
    """Does shape ``small`` broadcast to ``big`` by adding leading axes only (same shape, or a bias)?"""
    return small == big[len(big) - len(small):]


def _unary_into(fn):
    def kernel(x, buffer):
        if buffer is not None and buffer.nbytes >= MIN_BUFFER_BYTES and x.ndim and _fits(buffer, x.shape, x.dtype):
            return fn(x, out=buffer)
        return fn(x)
    return kernel


_OUT_KERNELS = {
    "AddV2": _elementwise_into(xp.add), "BiasAdd": _elementwise_into(xp.add),
    "Sub": _elementwise_into(xp.subtract), "Mul": _elementwise_into(xp.multiply),
    "Relu": _unary_into(lambda x, out=None: xp.maximum(x, 0, out=out)),
    "Sigmoid": _unary_into(sigmoid_into), "Tanh": _unary_into(xp.tanh),
}


def out_kernel(node):
    """A kernel computing ``node``'s value that also takes a buffer (``kernel(*inputs, buffer)``),
    or None. Only for floating-point results, whose kernels here give the same bits as the op's own."""
    if node.dtype is None or not node.dtype.is_floating or node.stateful:
        return None
    if node.type == "MatMul":
        return _matmul_into if _plain_matrix_product(node) else None
    return _OUT_KERNELS.get(node.type)


def _plain_matrix_product(node):
    """A MatMul of two inputs known to be matrices, without transposes (what the ``out=`` kernels compute)."""
    return not node.attrs.get("transpose_a") and not node.attrs.get("transpose_b") \
        and all(p.shape.ndims == 2 for p in node.inputs)


# -- 4b: gradients with out= -------------------------------------------------------------------
# The same for the big arrays a backward pass makes (dL/dx of a layer): the plan gives each of these
# gradient functions an array of its own, kept from one run to the next.

def _relu_grad_into(op, grad, buffer):
    """grad * (y > 0) (``nn_ops._relu_grad``), into ``buffer`` when it fits"""
    if buffer is not None and buffer.nbytes >= MIN_BUFFER_BYTES and _fits(buffer, grad.shape, grad.dtype):
        return xp.multiply(grad, op.output > 0, out=buffer)
    return grad * (op.output > 0)


def _sigmoid_grad_into(op, grad, buffer):
    """(1 - y) * y * grad (``math_ops._sigmoid_grad``), into ``buffer`` when it fits"""
    y = op.output
    if buffer is None or buffer.nbytes < MIN_BUFFER_BYTES or not _fits(buffer, y.shape, y.dtype):
        buffer = None
    d = xp.subtract(1, y, out=buffer)
    d *= y
    d *= grad
    return d


def _tanh_grad_into(op, grad, buffer):
    """grad * (1 - y * y) (``math_ops._tanh_grad``), into ``buffer`` when it fits"""
    y = op.output
    if buffer is not None and buffer.nbytes >= MIN_BUFFER_BYTES and _fits(buffer, y.shape, grad.dtype):
        xp.multiply(y, y, out=buffer)
        xp.subtract(1, buffer, out=buffer)
        return xp.multiply(grad, buffer, out=buffer)
    return grad * (1 - y * y)


def _matmul_grad_into(op, grad, buffer):
    """For C = A B: dL/dA = G B^T (into ``buffer`` when it fits), dL/dB = A^T G (``linalg_ops._matmul_grad``)"""
    a, b = op.inputs
    need_a, need_b = op.needs
    da = None
    if need_a:
        fits = buffer is not None and buffer.nbytes >= MIN_BUFFER_BYTES and b.dtype == grad.dtype \
            and _fits(buffer, (grad.shape[0], b.shape[0]), grad.dtype)
        da = xp.dot(grad, b.T, out=buffer) if fits else xp.dot(grad, b.T)
    return da, (xp.dot(a.T, grad) if need_b else None)


_GRADIENTS_INTO = {"Relu": _relu_grad_into, "Sigmoid": _sigmoid_grad_into, "Tanh": _tanh_grad_into}


def gradient_into(node):
    """A gradient function for ``node`` that also takes a buffer (``fn(op, grad, buffer)``) and gives the
    same bits as the op's registered one, or None."""
    if node.dtype is None or not node.dtype.is_floating:
        return None
    if node.type == "MatMul":
        return _matmul_grad_into if _plain_matrix_product(node) else None
    return _GRADIENTS_INTO.get(node.type)


def uses_gradients_transiently(node):
    """Does ``node`` only read the gradients it gets, keeping none of their arrays? True for the update
    op of TensorSlow's own optimizers (each makes new arrays for the variables and slots)."""
    optimizer = node.attrs.get("optimizer")
    return node.type == "ApplyGradients" and type(optimizer).__module__.startswith("tensorslow.train.")


#: Op types whose kernels always return a new array: never an input, a view of one, or shared state.
#: A value read only by these (and by TensorSlow's own gradient functions) may have its array reused.
FRESH_OUTPUT_TYPES = frozenset(_OUT_KERNELS) | {
    "MatMul", "BatchMatMulV2", "RealDiv", "Neg", "Exp", "Log", "Square", "Sqrt", "Softmax", "LogSoftmax",
    "SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits", "Mean", "Sum", "Max", "Min",
    "Equal", "Greater", "Less", "ArgMax", "ArgMin", "L2Loss", "SquaredDifference", "Maximum", "Minimum",
}


# -- 5: per-node op types --------------------------------------------------------------------

class _FastOpValues(OpValues):
    __slots__ = ()  # node and needs are class attributes of each per-node subclass

    def __init__(self, inputs, output, extra=()):
        self.inputs = inputs
        self.output = output
        self.extra = extra


def op_values_type(node, needs=None):
    """An :class:`OpValues` class for ``node``: ``op_values_type(node, needs)(inputs, output)``, with the
    node, ``needs`` and the node's attributes as class attributes (``needs[i]``: input i needs a gradient)."""
    namespace = {"__slots__": (), "node": node,
                 "needs": tuple(needs) if needs is not None else (True,) * len(node.inputs)}
    for key, value in node.attrs.items():
        if not hasattr(_FastOpValues, key):
            # staticmethod: a function-valued attribute must come back as itself, not as a bound method.
            namespace[key] = staticmethod(value) if hasattr(type(value), "__get__") else value
    return type(f"OpValues[{node.type}]", (_FastOpValues,), namespace)


def is_builtin(grad_fn):
    """Is ``grad_fn`` one of TensorSlow's own gradient functions (which return one array or None per
    input, and never an input's or the output's own array)?"""
    return (getattr(grad_fn, "__module__", None) or "").startswith("tensorslow.ops.")  # exec'd code: None


# -- 6: shape arithmetic remembered between runs --------------------------------------------

#: ops whose value depends only on their input's shape
SHAPE_QUERY_TYPES = frozenset({"Shape", "Rank", "Size"})
#: pure ops that TF1's composites apply to shapes; remembered when every input is a remembered value or a Const
SHAPE_ARITHMETIC_TYPES = frozenset({"Sub", "Add", "AddV2", "Mul", "Pack", "Slice", "StridedSlice", "ConcatV2",
                                    "Cast", "Prod", "Maximum", "Minimum", "FloorDiv", "Fill"})


def remembered_nodes(order, fetches):
    """The nodes of ``order`` a plan runs through ``remembered``: shape queries, and shape arithmetic on
    them and on constants; never a fetched node (the caller gets a fresh array) nor one with control inputs."""
    found = set()
    for node in order:
        if node in fetches or node.control_inputs or node.stateful or node.n_outputs != 1:
            continue
        if node.type in SHAPE_QUERY_TYPES or node.type in SHAPE_ARITHMETIC_TYPES and node.inputs and all(
                p in found or p.type == "Const" for p in node.inputs):
            found.add(node)
    return found


def remembered(node, kernel):
    """``kernel`` for ``node``, recomputed only when its value may have changed: for a shape query, when
    its input's shape did; otherwise when one of its inputs is not the array it got last time (remembered
    values and constants stay the same arrays from run to run). Values are frozen: read-only, shared.
    The last (key, value) is one tuple, replaced at once, so concurrent runs see a matching pair."""
    last = [(None, None)]
    if node.type in SHAPE_QUERY_TYPES:
        def by_shape(x):
            shape, value = last[0]
            if x.shape != shape or value is None:
                value = freeze(kernel(x))
                last[0] = (x.shape, value)
            return value
        return by_shape

    # One closure per arity: the generic comparison (any() over zip) cost more than the ops it saved.
    def by_one_input(a):
        seen, value = last[0]
        if value is None or seen[0] is not a:
            value = freeze(kernel(a))
            last[0] = ((a,), value)  # holds the inputs, so their ids cannot be reused by new arrays
        return value

    def by_two_inputs(a, b):
        seen, value = last[0]
        if value is None or seen[0] is not a or seen[1] is not b:
            value = freeze(kernel(a, b))
            last[0] = ((a, b), value)
        return value

    def by_inputs(*xs):
        seen, value = last[0]
        if value is None or len(seen) != len(xs) or any(a is not b for a, b in zip(xs, seen)):
            value = freeze(kernel(*xs))
            last[0] = (xs, value)
        return value
    return {1: by_one_input, 2: by_two_inputs}.get(len(node.inputs), by_inputs)


# -- 6b: blocks of remembered shape arithmetic, one check per block ----------------------------

def shape_blocks(order, remembered):
    """The remembered nodes of ``order`` split into blocks: the connected groups of remembered nodes
    (joined by an input of one being another), each a list in ``order``'s order. A group is left out if
    one of its nodes may be dead (in a cond branch): its shape queries' inputs could be DEAD.
    A plan checks each block once per run (``plan_steps.ShapeBlock``), not each of its nodes."""
    group = {node: node for node in order if node in remembered}

    def root(node):
        while group[node] is not node:
            group[node] = group[group[node]]  # path halving
            node = group[node]
        return node
    for node in group:
        for p in node.inputs:
            if p in group:
                group[root(p)] = root(node)
    blocks = {}
    for node in order:
        if node in group:
            blocks.setdefault(root(node), []).append(node)
    return [members for members in blocks.values()
            if not any(n.may_be_dead or any(p.may_be_dead for p in n.inputs) for n in members)]


def frozen(kernel):
    """``kernel`` whose results are read-only: a block's values are shared by the runs that find them."""
    def run(*args):
        return freeze(kernel(*args))
    return run
