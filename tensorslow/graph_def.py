"""A TensorSlow graph as TensorFlow's ``GraphDef``: what TensorBoard's graph view and other tools read.

A ``GraphDef`` is a list of ``NodeDef`` records: the node's ``name`` (its scoped name, ``layer1/MatMul``),
its ``op`` type, its ``input`` names (``"^name"`` for a control input, which TensorBoard draws dotted),
its ``device`` and a map of ``attr`` values: the element type (``T`` for computations, ``dtype`` for
sources such as ``Const`` and ``Placeholder``), ``_output_shapes`` (the static shape, ``-1`` for an unknown
dimension), a constant's ``value`` and the op's own attributes (``transpose_a``, ``keepdims``...).

Two layers: :func:`node_defs` describes the nodes with plain Python values (no dependency, for anyone
drawing or inspecting graphs), and :func:`as_graph_def` turns that into the protocol buffer with the
``tensorboard`` package's ``graph_pb2`` (the optional ``summary`` extra).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tensorslow.dtypes import DType
from tensorslow.graph import Graph, Tensor, get_default_graph
from tensorslow.shapes import TensorShape

CONST_VALUE_LIMIT = 1024  # larger constants (a dataset baked into the graph) are left out of the GraphDef
_SOURCE_OPS = {"Const", "Placeholder", "PlaceholderWithDefault", "VariableV2", "RandomStandardNormal",
               "RandomUniform", "TruncatedNormal"}  # TF names their element type `dtype`, not `T`
_DT_NAMES = {"float32": "DT_FLOAT", "float64": "DT_DOUBLE", "float16": "DT_HALF"}


def node_defs(graph: Graph | None = None) -> list[dict[str, Any]]:
    """Each node of ``graph`` (default: the default graph) as ``{"name", "op", "input", "device", "attr"}``.

    ``attr`` maps names to Python values (DType, TensorShape, list of TensorShape, bool, int, float, str,
    bytes, NumPy array, lists of those); attributes that are not data (an optimizer object) are left out."""
    graph = graph if graph is not None else get_default_graph()
    return [node_def(node) for node in graph.get_operations()]


def node_def(node: Tensor) -> dict[str, Any]:
    """One node as ``node_defs`` describes it."""
    inputs = [node.ref.op_name] if isinstance(getattr(node, "ref", None), Tensor) else []  # Assign(ref, value)
    # A loop's Merge and Exit (control_flow/frame.py) show TF's inputs: the Merge's back edge, the Switch.
    inputs += [i.op_name for i in node.__dict__.get("tf_inputs", node.inputs)]
    inputs += ["^" + c.op_name for c in node.control_inputs]
    attr: dict[str, Any] = {}
    for key, value in node.attrs.items():
        if _is_data(value) and not (key == "value" and np.size(value) > CONST_VALUE_LIMIT):
            attr[key] = value
    if node.dtype is not None:
        attr.setdefault("dtype" if node.type in _SOURCE_OPS else "T", node.dtype)
    if node.type in ("Placeholder", "VariableV2"):
        attr["shape"] = node.shape
    if node.has_value:
        attr["_output_shapes"] = [node.shape]
    return {"name": node.op_name, "op": node.type, "input": inputs, "device": node.device, "attr": attr}


def _is_data(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_is_data(v) for v in value)
    return isinstance(value, (bool, int, float, str, bytes, np.ndarray, np.generic, DType, TensorShape))


# -- the protocol buffer --------------------------------------------------------------------------------

def as_graph_def(graph: Graph | None = None) -> Any:
    """``graph`` (default: the default graph) as a ``GraphDef`` proto (needs the ``tensorboard`` package)."""
    from tensorslow.summary.protos import proto
    graph_pb2, node_def_pb2 = proto("graph_pb2"), proto("node_def_pb2")
    result = graph_pb2.GraphDef()
    for info in node_defs(graph):
        node = node_def_pb2.NodeDef(name=info["name"], op=info["op"], input=info["input"], device=info["device"])
        for key, value in info["attr"].items():
            node.attr[key].CopyFrom(attr_value(value))
        result.node.append(node)
    return result


def attr_value(value: Any) -> Any:
    """A Python attribute value as TF's ``AttrValue`` proto."""
    from tensorslow.summary.protos import proto
    attr_value_pb2 = proto("attr_value_pb2")
    if isinstance(value, DType):
        return attr_value_pb2.AttrValue(type=data_type(value))
    if isinstance(value, TensorShape):
        return attr_value_pb2.AttrValue(shape=shape_proto(value))
    if isinstance(value, (bool, np.bool_)):
        return attr_value_pb2.AttrValue(b=bool(value))
    if isinstance(value, (int, np.integer)):
        return attr_value_pb2.AttrValue(i=int(value))
    if isinstance(value, (float, np.floating)):
        return attr_value_pb2.AttrValue(f=float(value))
    if isinstance(value, (str, bytes)):
        return attr_value_pb2.AttrValue(s=value.encode() if isinstance(value, str) else value)
    if isinstance(value, np.ndarray):
        return attr_value_pb2.AttrValue(tensor=tensor_proto(value))
    return attr_value_pb2.AttrValue(list=_list_value(attr_value_pb2, list(value)))


def _list_value(attr_value_pb2: Any, items: list[Any]) -> Any:
    if all(isinstance(v, TensorShape) for v in items):
        return attr_value_pb2.AttrValue.ListValue(shape=[shape_proto(v) for v in items])
    if all(isinstance(v, DType) for v in items):
        return attr_value_pb2.AttrValue.ListValue(type=[data_type(v) for v in items])
    if all(isinstance(v, (bool, np.bool_)) for v in items):
        return attr_value_pb2.AttrValue.ListValue(b=items)
    if all(isinstance(v, (int, np.integer)) for v in items):
        return attr_value_pb2.AttrValue.ListValue(i=[int(v) for v in items])
    if all(isinstance(v, (int, float, np.number)) for v in items):
        return attr_value_pb2.AttrValue.ListValue(f=[float(v) for v in items])
    return attr_value_pb2.AttrValue.ListValue(s=[str(v).encode() for v in items])


def data_type(dtype: DType) -> int:
    """TF's ``DataType`` enum value of ``dtype`` (``DT_FLOAT`` for float32; ``DT_STRING`` for strings)."""
    from tensorslow.summary.protos import proto
    return proto("types_pb2").DataType.Value(_DT_NAMES.get(dtype.name, f"DT_{dtype.name.upper()}"))


def shape_proto(shape: TensorShape) -> Any:
    """``TensorShapeProto``: one ``dim`` per dimension, ``size: -1`` if unknown; ``unknown_rank`` if no rank."""
    from tensorslow.summary.protos import proto
    tensor_shape_pb2 = proto("tensor_shape_pb2")
    if shape.dims is None:
        return tensor_shape_pb2.TensorShapeProto(unknown_rank=True)
    return tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else d) for d in shape.dims])


def tensor_proto(array: np.ndarray) -> Any:
    """``TensorProto`` of a NumPy array (numbers, or an object array of ``bytes`` for strings)."""
    from tensorboard.util import tensor_util
    return tensor_util.make_tensor_proto(array)
