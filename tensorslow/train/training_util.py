"""The global step: the int64 variable ``global_step`` that counts training steps.

TF1 builds it with ``get_variable("global_step", shape=[], dtype=int64, initializer=zeros_initializer(),
trainable=False, collections=[GLOBAL_VARIABLES, GLOBAL_STEP])`` outside any name scope, so its ops are
``global_step/Initializer/zeros``, ``global_step``, ``global_step/Assign``, ``global_step/read``;
``minimize(loss, global_step=step)`` adds one to it after each update.
"""
from __future__ import annotations

from typing import Any

from .. import dtypes
from ..errors import NotFoundError
from ..graph import Graph, Tensor, get_default_graph
from ..variables import GLOBAL_VARIABLES, GraphKeys, Variable


def assert_global_step(global_step_tensor: Any) -> None:
    """TypeError unless ``global_step_tensor`` is an integer scalar variable or tensor."""
    if not isinstance(global_step_tensor, Tensor):
        raise TypeError(f"Existing \"global_step\" must be a Variable or Tensor: {global_step_tensor}.")
    dtype = global_step_tensor.dtype
    if dtype is None or not dtype.is_integer:
        raise TypeError(f"Existing \"global_step\" does not have integer type: {dtype}")
    if global_step_tensor.shape.ndims != 0 and global_step_tensor.shape.is_fully_defined():
        raise TypeError(f"Existing \"global_step\" is not scalar: {global_step_tensor.shape}")


def get_global_step(graph: Graph | None = None) -> Variable | None:
    """The global step of ``graph`` (default: the default graph): the one variable in the GLOBAL_STEP
    collection, else the node named ``global_step:0``; None if there is none (or several)."""
    graph = graph or get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) > 1:
        return None  # TF logs "Multiple tensors in global_step collection." and returns None
    if found:
        step = found[0]
    else:
        try:
            step = graph.get_tensor_by_name("global_step:0")
        except NotFoundError:
            return None
    assert_global_step(step)
    return step


def create_global_step(graph: Graph | None = None) -> Variable:
    """Make the global step of ``graph``; ValueError if it already has one."""
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    from ..init_ops import zeros_initializer
    from ..variable_scope import get_variable
    with graph.as_default(), graph.name_scope(None):
        return get_variable(GraphKeys.GLOBAL_STEP, shape=[], dtype=dtypes.int64, initializer=zeros_initializer(),
                            trainable=False, collections=[GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph: Graph | None = None) -> Variable:
    """The global step of ``graph``, made first if it has none."""
    step = get_global_step(graph)  # not `or`: a node has no truth value
    return step if step is not None else create_global_step(graph)


def global_step(sess: Any, global_step_tensor: Tensor) -> int:
    """The global step's value in session ``sess``, as a Python int."""
    return int(sess.run(global_step_tensor))
