"""Seeded random ops: random_normal, truncated_normal, random_uniform, drawn as TensorFlow draws them.

Every op owns a Philox-4x32-10 stream per session (``philox.py``), keyed by
the op's two seeds exactly as ``tf.compat.v1`` keys its CPU kernels, and
turns words into numbers with TensorFlow's recipes (``philox_dists.py``), so
with the same seeds TensorSlow and TensorFlow give the same bits, run after
run.

Seeds (TF1's ``random_seed.get_seed``): graph seed and op seed both set ->
both used; only the graph seed -> the op seed is the number of ops of this
graph that already took a derived seed (0, 1, 2, ...); only the op seed -> the
graph seed is 87654321; neither -> a fresh random key per session. Each seed
is taken mod 2^31 - 1, and (0, 0) becomes (0, 2^31 - 1). The kernel's
generator is ``Philox(seed, seed2)``: ``seed`` is the key, ``seed2`` the high
half of the counter.

The graph is TF's, op for op: ``random_normal([2, 3])`` is the name scope
``random_normal`` holding the constants ``shape``, ``mean`` and ``stddev``,
the kernel ``RandomStandardNormal`` (draws from N(0, 1)), ``mul`` (times
stddev) and the ``AddV2`` named ``random_normal`` (plus mean). A static shape
is also the kernel's attribute: its ``shape`` constant stands beside it, as
TF's shape input, without being read.
"""
from __future__ import annotations

import secrets

import numpy as np

from .. import dtypes as _dtypes
from .. import philox_dists
from ..backend import to_device, to_host
from ..dtypes import DTypeLike
from ..errors import InvalidArgumentError
from ..graph import Graph, Tensor, TensorLike, get_default_graph, name_scope
from ..philox import Philox
from ..registry import NotDifferentiable
from ..shapes import TensorShape
from .core import as_nodes, convert_to_tensor
from .math_ops import add, multiply, subtract

DEFAULT_GRAPH_SEED = 87654321
MAXINT32 = 2**31 - 1



def set_random_seed(seed: int | None) -> None:
    """Set the graph-level seed: random ops without an op seed become reproducible."""
    get_default_graph().seed = None if seed is None else int(seed)


def get_seed(op_seed: int | None, graph: Graph | None = None) -> tuple[int | None, int | None]:
    """TF1's rule for an op's two seeds from the graph seed and ``op_seed`` (see the module docstring)."""
    graph = graph or get_default_graph()
    if graph.seed is not None:
        if op_seed is None:
            with graph._lock:
                op_seed = graph._derived_op_seeds
                graph._derived_op_seeds += 1
        seeds: tuple[int | None, int | None] = (int(graph.seed) % MAXINT32, int(op_seed) % MAXINT32)
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, int(op_seed) % MAXINT32)
    else:
        seeds = (None, None)
    return (0, MAXINT32) if seeds == (0, 0) else seeds


def _new_stream(node) -> Philox:
    """A random op's generator for one session (``SessionState.generator``), from its two seeds."""
    seed, seed2 = node.seeds
    if seed is None:  # no seed anywhere: TF picks a random 64-bit key and counter per kernel
        seed, seed2 = secrets.randbits(64), secrets.randbits(64)
    return Philox(seed, seed2)


def _static_dims(op_type, shape):
    """The shape as a tuple of ints when it is given by value, else None; TF's errors for bad shapes."""
    if isinstance(shape, Tensor):
        if shape.dtype is not None and not shape.dtype.is_integer:
            raise TypeError(f"Value passed to parameter 'shape' has DataType {shape.dtype.name} not in list of "
                            f"allowed values: int32, int64")
        return None
    array = np.asarray(shape)
    if array.ndim > 1:
        raise ValueError(f"Shape must be rank 1 but is rank {array.ndim} for '{op_type}' with input shapes: "
                         f"{list(array.shape)}.")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{op_type}: Value passed to parameter 'shape' has DataType {array.dtype} not in list of "
                        f"allowed values: int32, int64")
    return tuple(int(d) for d in array.ravel())


def _random_op(op_type, kind, shape, dtype, seed, name, params, finish):
    dtype = _dtypes.as_dtype(dtype)
    np_type = dtype.as_numpy_dtype
    graph = get_default_graph()
    static = _static_dims(op_type, shape)
    inputs = () if static is not None else tuple(as_nodes([shape]))
    seeds = get_seed(seed, graph)

    def compute(state, *shape_value):
        dims = static if static is not None else tuple(int(d) for d in to_host(shape_value[0]).ravel())
        for d in dims:
            if d < 0:
                raise InvalidArgumentError(node, f"Dimension {d} must be >= 0\n\t [[{{{{node {node.op_name}}}}}]]")
        size = int(np.prod(dims, dtype=np.int64))
        with state.lock:  # one run reserves its blocks atomically, as GuardedPhiloxRandom does
            values = philox_dists.draw(kind, state.generator(node, _new_stream), size, np_type, **params)
        # Drawn on the host (philox_dists: TF's bits need long-double math), then moved to the device once.
        return to_device(finish(values.reshape(dims)).astype(np_type, copy=False))
    known = static is not None and all(d >= 0 for d in static)
    node = Tensor(op_type, inputs, compute=compute, attrs={"seed": seed, **params}, dtype=dtype,
                  shape=TensorShape(static) if known else _shape_of_shape_tensor(inputs), name=name or op_type,
                  graph=graph if not inputs else None, stateful=True)
    node.seeds = seeds
    return node


for _t in ("RandomStandardNormal", "TruncatedNormal", "RandomUniform", "RandomUniformInt"):
    NotDifferentiable(_t)


def _shape_of_shape_tensor(inputs):
    """The static shape a random op's shape tensor gives its output, as TF infers it (its
    ``constant_value_as_shape``): the input's own static shape when the shape tensor is a ``Shape`` op
    (``tf.random_normal(tf.shape(z))`` has z's shape), a constant's values, else as many unknown dims as the
    vector's length,
    else unknown. Later ops build from it: a reduction over all axes of a known rank is one Const."""
    if not inputs:
        return TensorShape(None)
    (shape,) = inputs
    if shape.type == "Shape" and shape.inputs:
        return TensorShape(shape.inputs[0].shape.dims)
    if shape.type == "Const" and shape.attrs["value"].ndim == 1:
        return TensorShape([int(d) for d in shape.attrs["value"]])
    length = shape.shape.dims[0] if shape.shape.dims is not None and len(shape.shape.dims) == 1 else None
    return TensorShape([None] * length) if length is not None else TensorShape(None)


def _shape_node(op_type, shape):
    """TF's shape input of a random op, made in its name scope: the constant ``shape`` for a shape given by
    value (the kernel takes the dims themselves: the constant is not read), the node for a shape node, or
    the ``shape`` Pack of a list holding nodes; the shape to give the kernel."""
    if isinstance(shape, Tensor):
        return shape
    if isinstance(shape, (list, tuple)) and any(isinstance(d, Tensor) for d in shape):
        return convert_to_tensor(shape, name="shape")
    dims = _static_dims(op_type, shape)
    convert_to_tensor(np.asarray(dims, np.int32), name="shape")
    return dims


def _normal(op_type, kind, default_name, shape, mean, stddev, dtype, seed, name):
    """TF's normal composite: ``kernel * stddev + mean``, the kernel drawing from N(0, 1) (or its truncation)."""
    dtype = _dtypes.as_dtype(dtype)
    with name_scope(name, default_name, [shape, mean, stddev]) as scope:
        shape = _shape_node(op_type, shape)
        mean_node = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev_node = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        rnd = _random_op(op_type, kind, shape, dtype, seed, None, {}, lambda x: x)
        return add(multiply(rnd, stddev_node, name="mul"), mean_node, name=scope)


def random_normal(shape: TensorLike, mean: float = 0.0, stddev: float = 1.0, dtype: DTypeLike = _dtypes.float32,
                  seed: int | None = None, name: str | None = None) -> Tensor:
    """Samples from N(mean, stddev^2): ``RandomStandardNormal * stddev + mean``."""
    return _normal("RandomStandardNormal", "normal", "random_normal", shape, mean, stddev, dtype, seed, name)


def truncated_normal(shape: TensorLike, mean: float = 0.0, stddev: float = 1.0, dtype: DTypeLike = _dtypes.float32,
                     seed: int | None = None, name: str | None = None) -> Tensor:
    """Samples from N(mean, stddev^2), redrawn when more than 2 stddev from the mean:
    ``TruncatedNormal * stddev + mean``."""
    return _normal("TruncatedNormal", "truncated_normal", "truncated_normal", shape, mean, stddev, dtype, seed,
                   name)


def random_uniform(shape: TensorLike, minval: float = 0, maxval: float | None = None,
                   dtype: DTypeLike = _dtypes.float32, seed: int | None = None, name: str | None = None) -> Tensor:
    """Samples from U[minval, maxval) (integers for integer dtypes): ``RandomUniform * (max - min) + min``,
    as TF builds it: only ``* max`` when minval is the int 0, the kernel alone for the int bounds 0 and 1
    (the default); one ``RandomUniformInt`` op for integers."""
    dtype = _dtypes.as_dtype(dtype)
    if dtype.is_integer:
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        lo, hi = int(minval), int(maxval)  # type: ignore[arg-type]
        if hi <= lo:
            raise InvalidArgumentError(None, f"RandomUniformInt: Need minval < maxval: {lo} >= {hi}")
    maxval = 1 if maxval is None else maxval
    min_is_zero = isinstance(minval, int) and minval == 0
    max_is_one = isinstance(maxval, int) and maxval == 1
    with name_scope(name, "random_uniform", [shape, minval, maxval]) as scope:
        shape = _shape_node("RandomUniformInt" if dtype.is_integer else "RandomUniform", shape)
        if dtype.is_integer or not (min_is_zero and max_is_one):
            low = convert_to_tensor(minval, dtype=dtype, name="min")
            high = convert_to_tensor(maxval, dtype=dtype, name="max")
        if dtype.is_integer:
            return _random_op("RandomUniformInt", "uniform_int", shape, dtype, seed, scope,
                              {"minval": lo, "maxval": hi}, lambda x: x)
        rnd = _random_op("RandomUniform", "uniform", shape, dtype, seed, None, {}, lambda x: x)
        if min_is_zero:
            return rnd if max_is_one else multiply(rnd, high)
        # TF subtracts the two constants in the op's dtype, then scales and shifts
        return add(multiply(rnd, subtract(high, low, name="sub"), name="mul"), low, name=scope)


_KERNEL_KINDS = {"RandomUniform": "uniform", "RandomStandardNormal": "normal", "TruncatedNormal": "truncated_normal"}


def random_kernel(op_type: str, shape: TensorLike, dtype: DTypeLike = _dtypes.float32, seed: int | None = None,
                  name: str | None = None) -> Tensor:
    """The bare kernel of one of TF's random composites (RandomUniform in [0, 1), RandomStandardNormal,
    TruncatedNormal: no scaling), its seeds taken now; ``init_ops`` builds TF's ops around it (shape,
    mean and stddev constants, then mul and add)."""
    return _random_op(op_type, _KERNEL_KINDS[op_type], shape, dtype, seed, name, {}, lambda x: x)
