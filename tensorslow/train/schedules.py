"""Global step and learning-rate schedules."""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..graph import Graph, Tensor, TensorLike, get_default_graph
from ..variables import GraphKeys, Variable


def get_global_step(graph: Graph | None = None) -> Variable | None:
    items = (graph or get_default_graph()).get_collection(GraphKeys.GLOBAL_STEP)
    return items[0] if items else None


def create_global_step(graph: Graph | None = None) -> Variable:
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError("global_step already exists")
    with graph.as_default():
        step = Variable(np.asarray(0, np.int64), trainable=False, name="global_step", dtype=dtypes.int64)
    graph.add_to_collection(GraphKeys.GLOBAL_STEP, step)
    return step


def get_or_create_global_step(graph: Graph | None = None) -> Variable:
    step = get_global_step(graph)  # not `or`: a node has no truth value
    return step if step is not None else create_global_step(graph)


def exponential_decay(learning_rate: float, global_step: TensorLike, decay_steps: float, decay_rate: float,
                      staircase: bool = False, name: str | None = None) -> Tensor:
    """lr * decay_rate ^ (global_step / decay_steps), floored if ``staircase``."""
    from ..ops import math_ops
    step = math_ops.cast(global_step, dtypes.float32)
    p = math_ops.divide(step, float(decay_steps))
    if staircase:
        p = math_ops.floor(p)
    return math_ops.multiply(float(learning_rate), math_ops.pow(float(decay_rate), p), name=name)
