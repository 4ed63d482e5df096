"""Seeded random ops: random_normal, truncated_normal, random_uniform.

Each op draws from its own NumPy generator, seeded from the graph seed
(``set_random_seed``) and the op seed as in TensorFlow's rules. The generator
lives in the session, so two sessions replay the same sequence and a run
draws fresh numbers each time. TensorFlow's own random streams are not
reproduced: parity runs load identical initial values into every framework.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes as _dtypes
from ..dtypes import DTypeLike
from ..graph import Tensor, TensorLike, get_default_graph
from ..registry import NotDifferentiable
from ..shapes import TensorShape
from .core import as_nodes

DEFAULT_GRAPH_SEED = 87654321


def set_random_seed(seed: int | None) -> None:
    """Set the graph-level seed: random ops without an op seed become reproducible."""
    get_default_graph().seed = None if seed is None else int(seed)


def _random_op(op_type, draw, shape, dtype, seed, name, params):
    dtype = _dtypes.as_dtype(dtype)
    np_type = dtype.as_numpy_dtype
    graph = get_default_graph()
    static = None if isinstance(shape, Tensor) else tuple(int(d) for d in np.ravel(shape))
    inputs = () if static is not None else tuple(as_nodes([shape]))

    def compute(state, *shape_value):
        dims = static if static is not None else tuple(int(d) for d in shape_value[0])
        return np.asarray(draw(state.rng(node), dims, **params), dtype=np_type)
    node = Tensor(op_type, inputs, compute=compute, attrs={"seed": seed, **params}, dtype=dtype,
                  shape=TensorShape(static) if static is not None else TensorShape(None), name=name or op_type,
                  graph=graph if not inputs else None, stateful=True)
    node.seeds = _seeds(graph, seed, node)
    return node


for _t in ("RandomStandardNormal", "TruncatedNormal", "RandomUniform", "RandomUniformInt"):
    NotDifferentiable(_t)


def _seeds(graph, op_seed, node):
    """TensorFlow's rule: no seed at all -> nondeterministic; otherwise (graph seed, op seed)."""
    if graph.seed is None and op_seed is None:
        return None
    graph_seed = DEFAULT_GRAPH_SEED if graph.seed is None else graph.seed
    return (graph_seed, int(op_seed) if op_seed is not None else node._id)


def _normal(rng, dims, mean, stddev):
    return rng.standard_normal(dims) * stddev + mean


def _truncated(rng, dims, mean, stddev):
    # Redraw every value beyond two standard deviations, as TensorFlow does.
    values = rng.standard_normal(dims)
    bad = np.abs(values) > 2
    while bad.any():
        values[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(values) > 2
    return values * stddev + mean


def _uniform(rng, dims, minval, maxval):
    if isinstance(minval, int) and isinstance(maxval, int):
        return rng.integers(minval, maxval, size=dims)
    return rng.uniform(minval, maxval, size=dims)


def random_normal(shape: TensorLike, mean: float = 0.0, stddev: float = 1.0, dtype: DTypeLike = _dtypes.float32,
                  seed: int | None = None, name: str | None = None) -> Tensor:
    """Samples from N(mean, stddev^2)."""
    return _random_op("RandomStandardNormal", _normal, shape, dtype, seed, name,
                      {"mean": float(mean), "stddev": float(stddev)})


def truncated_normal(shape: TensorLike, mean: float = 0.0, stddev: float = 1.0, dtype: DTypeLike = _dtypes.float32,
                     seed: int | None = None, name: str | None = None) -> Tensor:
    """Samples from N(mean, stddev^2), redrawn when more than 2 stddev from the mean."""
    return _random_op("TruncatedNormal", _truncated, shape, dtype, seed, name,
                      {"mean": float(mean), "stddev": float(stddev)})


def random_uniform(shape: TensorLike, minval: float = 0, maxval: float | None = None,
                   dtype: DTypeLike = _dtypes.float32, seed: int | None = None, name: str | None = None) -> Tensor:
    """Samples from U[minval, maxval) (integers for integer dtypes)."""
    dtype = _dtypes.as_dtype(dtype)
    if dtype.is_integer:
        if maxval is None:
            raise ValueError("random_uniform: maxval is required for integer dtypes")
        minval, maxval = int(minval), int(maxval)
    else:
        minval, maxval = float(minval), float(1.0 if maxval is None else maxval)
    return _random_op("RandomUniform" if not dtype.is_integer else "RandomUniformInt", _uniform, shape, dtype,
                      seed, name, {"minval": minval, "maxval": maxval})
