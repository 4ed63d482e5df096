"""``tf.py_func``: a Python function on NumPy arrays as an op of the graph (PyFunc, PyFuncStateless).

When the op runs, ``func`` gets its inputs' values as NumPy arrays and returns one array (or a list or
tuple of them, one per entry of ``Tout``). Each returned value must already have its declared dtype:
as in TensorFlow, nothing is cast (a float64 array for a float32 output is an error), so write
``.astype(np.float32)``. The outputs' shapes are unknown to the graph (``set_shape`` them if a later
op needs one). The op has no gradient; ``stateful=False`` marks a function whose result depends on its
inputs only (TensorFlow may then fold or share it; here both kinds run each time they are needed).

An exception raised by ``func`` comes out of ``Session.run`` as the executor reports any kernel's
failure, an InvalidArgumentError naming the op and the exception (TensorFlow: ``tf.errors.UnknownError``
with the exception's text).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from ..backend import to_device, to_host
from ..errors import InvalidArgumentError
from ..graph import NoValueOp, Tensor, TensorLike, get_default_graph
from ..registry import NotDifferentiable
from ..shapes import TensorShape
from .core import as_nodes
from .op_outputs import MultiOutputOp, OutputValues, add_outputs

_TF_NAMES = {"float32": "float", "float64": "double", "float16": "half", "bool": "bool"}


def _tf_name(dtype_name: str) -> str:
    """The C++ name TensorFlow's message uses: float for float32, double for float64, int32 as is."""
    return _TF_NAMES.get(dtype_name, dtype_name)


def _returned(node, label, result, dtypes):
    """``func``'s result as a list of arrays, checked against ``dtypes`` (count and each dtype)."""
    values = list(result) if isinstance(result, (list, tuple)) else [result]
    if result is None and not dtypes:
        values = []
    if len(values) != len(dtypes):
        raise InvalidArgumentError(node, f"{label} returns {len(values)} values, but expects to see "
                                         f"{len(dtypes)} values.")
    arrays = []
    for k, (value, dtype) in enumerate(zip(values, dtypes)):
        array = np.asarray(value)
        if array.dtype != dtype.as_numpy_dtype:
            got = _dtypes.as_dtype(array.dtype).name if array.dtype.kind in "biuf" else str(array.dtype)
            raise InvalidArgumentError(node, f"{k}-th value returned by {label} is {_tf_name(got)}, but expects "
                                             f"{_tf_name(dtype.name)}")
        arrays.append(to_device(array))
    return arrays


def py_func(func: Callable[..., Any], inp: Sequence[TensorLike], Tout: Any, stateful: bool = True,  # noqa: N803
            name: str | None = None) -> Any:
    """Wrap ``func`` (NumPy arrays in, NumPy arrays out) as an op; returns one tensor if ``Tout`` is one
    dtype, a list of tensors if it is a list or tuple (an op with no output if it is empty)."""
    many = isinstance(Tout, (list, tuple))
    dtypes = [_dtypes.as_dtype(t) for t in (Tout if many else [Tout])]
    nodes = as_nodes(list(inp))
    op_type = "PyFunc" if stateful else "PyFuncStateless"
    graph = nodes[0].graph if nodes else get_default_graph()
    label = f"pyfunc_{graph.__dict__.setdefault('_py_func_count', 0)}"
    graph.__dict__["_py_func_count"] += 1
    node: Tensor

    def compute(*values):
        # As TF hands them over: a 0-d input as a NumPy scalar, arrays the function may change in place.
        args = [h[()] if h.ndim == 0 else np.array(h) for h in map(to_host, values)]
        arrays = _returned(node, label, func(*args), dtypes)
        if not dtypes:
            return None
        return OutputValues(arrays) if many else arrays[0]

    attrs = {"token": label, "Tout": dtypes}
    if not dtypes:
        node = NoValueOp(op_type, tuple(nodes), compute=compute, attrs=attrs, name=name or op_type, graph=graph)
        return node
    if not many:
        node = Tensor(op_type, tuple(nodes), compute=compute, attrs=attrs, dtype=dtypes[0], shape=TensorShape(None),
                      name=name or op_type, graph=graph)
        return node
    node = MultiOutputOp(op_type, tuple(nodes), compute=compute, attrs=attrs, name=name or op_type, graph=graph)
    return list(add_outputs(node, [(d, TensorShape(None)) for d in dtypes]))


numpy_function = py_func

NotDifferentiable("PyFunc")
NotDifferentiable("PyFuncStateless")
