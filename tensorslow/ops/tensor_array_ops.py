"""``tf.TensorArray``: a list of tensors that a while loop reads and writes, one element per iteration.

TF1 builds a TensorArray as a resource: ``TensorArrayV3`` makes a *handle* and a *flow* (a float
scalar that orders the reads and writes), and each op takes the flow and returns a new one:
``TensorArrayWriteV3(handle, index, value, flow) -> flow``, ``TensorArrayReadV3(handle, index, flow) ->
value``, ``TensorArrayScatterV3`` (``unstack``) and ``TensorArrayGatherV3`` (``stack``). A while loop
carries a TensorArray as its flow (the handle enters the loop as a constant).

TensorSlow keeps the same ops, inputs and outputs, with value semantics: the flow's value in a run
*is* the array's contents, a :class:`TensorArrayValue` (a tuple, one array per index, None where not
written). A write makes a new tuple, so each iteration's flow is kept for the loop's gradient as any
other value is, and the handle's value is only the array's description (dtype, element shape,
whether it may grow). Gradients follow from that: dL/d(flow) is a :class:`TensorArrayGradient`, one
gradient per index; a read passes its gradient to its index, a write takes its value's gradient from
its index, a gather (``stack``) spreads its gradient over its indices.
"""
from __future__ import annotations

from typing import Any

from .. import dtypes as _dtypes
from ..backend import xp
from ..errors import InvalidArgumentError
from ..graph import Tensor, name_scope
from ..registry import NotDifferentiable, RegisterGradient
from ..shapes import TensorShape
from .array_ops import range_, shape
from .core import convert_to_tensor
from .op_outputs import MultiOutputOp, OutputValues, add_outputs, register_gradient


class TensorArrayValue(tuple):
    """A TensorArray's contents in one run (the value of its flow): one array per index, None if unwritten."""

    shape = None  # not an array: the engine's broadcast checks pass it by

    def zeros_like_gradient(self):
        """dL/d(these contents) when none arrived: no gradient at any index."""
        return TensorArrayGradient((None,) * len(self))


class TensorArrayGradient(tuple):
    """dL/d(a TensorArray's flow): one gradient per index, None where none arrived; summed like arrays."""

    shape = None

    def __add__(self, other):  # type: ignore[override]
        n = max(len(self), len(other))
        a, b = tuple(self) + (None,) * (n - len(self)), tuple(other) + (None,) * (n - len(other))
        return TensorArrayGradient(x if y is None else y if x is None else x + y for x, y in zip(a, b))


#: the dtype of a TensorArray's handle (TF's ``resource``): not a number, so no gradient flows to it
resource = _dtypes.DType("resource", object)


class _Description:
    """The value of a TensorArray's handle: what the array holds and whether it may grow."""

    __slots__ = ("dtype", "element_shape", "dynamic_size")
    shape = None

    def __init__(self, dtype, element_shape, dynamic_size):
        self.dtype, self.element_shape, self.dynamic_size = dtype, element_shape, dynamic_size


def _index(node, value, size, what):
    i = int(value)
    if i < 0 or i >= size:
        raise InvalidArgumentError(node, f"Tried to {what} index {i} but array size is: {size}")
    return i


class TensorArray:
    """TF1's ``tf.TensorArray(dtype, size, dynamic_size=False, element_shape=None, name=None)``."""

    def __init__(self, dtype: Any, size: Any = None, dynamic_size: Any = None, clear_after_read: Any = None,
                 tensor_array_name: Any = None, handle: Any = None, flow: Any = None, infer_shape: bool = True,
                 element_shape: Any = None, colocate_with_first_write_call: bool = True,
                 name: str | None = None) -> None:
        self.dtype = _dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._element_shape = TensorShape(element_shape)
        if handle is not None:
            self._handle, self._flow, self._size = handle, flow, size
            return
        if size is None:
            raise ValueError("Size must be provided if handle is not provided")
        with name_scope(name, "TensorArray") as scope:
            size_node = size if isinstance(size, Tensor) else convert_to_tensor(size, dtype="int32", name="size")
            description = _Description(self.dtype, self._element_shape, self._dynamic_size)

            def create(n):
                """handle = the array's description; flow = n unwritten elements"""
                return OutputValues((description, TensorArrayValue((None,) * int(n))))
            op = MultiOutputOp("TensorArrayV3", (size_node,), compute=create, name=scope,
                               attrs={"dtype": self.dtype, "dynamic_size": self._dynamic_size})
            # TF's flow is a float scalar; here its value is the contents, of no static shape
            self._handle, self._flow = add_outputs(op, [(resource, [2]), (_dtypes.float32, None)])
        self._size = size

    @property
    def handle(self) -> Tensor:
        return self._handle

    @property
    def flow(self) -> Tensor:
        return self._flow

    @property
    def element_shape(self) -> TensorShape:
        return self._element_shape

    def _with_flow(self, flow: Tensor) -> TensorArray:
        """The same array after the op that made ``flow`` (TF's build_ta_with_new_flow)."""
        return TensorArray(self.dtype, size=self._size, handle=self._handle, flow=flow,
                           dynamic_size=self._dynamic_size, element_shape=self._element_shape)

    def read(self, index: Any, name: str | None = None) -> Tensor:
        """The element at ``index``."""
        index = convert_to_tensor(index, dtype="int32")

        element, np_dtype = self._element_shape, self.dtype.as_numpy_dtype

        def read(handle, i, flow):
            """y = array[i]"""
            value = flow[_index(node, i, len(flow), "read from")]
            return _unwritten(node, flow, element, np_dtype, int(i)) if value is None else value
        node = Tensor("TensorArrayReadV3", (self._handle, index, self._flow), compute=read, dtype=self.dtype,
                      shape=self._element_shape, name=name or "TensorArrayReadV3")
        return node

    def write(self, index: Any, value: Any, name: str | None = None) -> TensorArray:
        """The array with ``value`` at ``index`` (a TensorArray of the new flow)."""
        with name_scope(name, "TensorArrayWrite"):
            index = convert_to_tensor(index, dtype="int32")
            value = convert_to_tensor(value, dtype=self.dtype)
            if self._element_shape.dims is None:
                self._element_shape = value.shape
            dynamic = self._dynamic_size

            def write(handle, i, v, flow):
                """array[i] = v"""
                i = int(i)
                if dynamic and i >= len(flow):
                    flow = TensorArrayValue(tuple(flow) + (None,) * (i + 1 - len(flow)))
                i = _index(node, i, len(flow), "write to")
                if flow[i] is not None:
                    raise InvalidArgumentError(node, f"Could not write to TensorArray index {i} because it has "
                                                     f"already been written to.")
                return TensorArrayValue(flow[:i] + (v,) + flow[i + 1:])
            node = Tensor("TensorArrayWriteV3", (self._handle, index, value, self._flow), compute=write,
                          dtype=_dtypes.float32, name="TensorArrayWriteV3")
        return self._with_flow(node)

    def unstack(self, value: Any, name: str | None = None) -> TensorArray:
        """The array holding ``value[0], value[1], ...`` (TF's TensorArrayUnstack: a scatter to 0..n-1)."""
        with name_scope(name, "TensorArrayUnstack"):
            value = convert_to_tensor(value, dtype=self.dtype)
            n = shape(value)[0]
            return self.scatter(range_(0, n), value, name="TensorArrayScatter")

    def scatter(self, indices: Any, value: Any, name: str | None = None) -> TensorArray:
        """The array with ``value[k]`` at ``indices[k]``."""
        with name_scope(name, "TensorArrayScatter"):
            indices = convert_to_tensor(indices, dtype="int32")
            value = convert_to_tensor(value, dtype=self.dtype)
            if self._element_shape.dims is None and value.shape.dims is not None:
                self._element_shape = TensorShape(value.shape.dims[1:])
            dynamic = self._dynamic_size

            def scatter(handle, where, v, flow):
                """array[where[k]] = v[k]"""
                items = list(flow)
                for k, i in enumerate(xp.ravel(where)):
                    i = int(i)
                    if dynamic and i >= len(items):
                        items += [None] * (i + 1 - len(items))
                    items[_index(node, i, len(items), "write to")] = v[k]
                return TensorArrayValue(items)
            node = Tensor("TensorArrayScatterV3", (self._handle, indices, value, self._flow), compute=scatter,
                          dtype=_dtypes.float32, name="TensorArrayScatterV3")
        return self._with_flow(node)

    def gather(self, indices: Any, name: str | None = None) -> Tensor:
        """``stack([array[i] for i in indices])``."""
        indices = convert_to_tensor(indices, dtype="int32")
        element = self._element_shape
        np_dtype = self.dtype.as_numpy_dtype

        def gather(handle, where, flow):
            """y = stack(array[where])"""
            where = [int(i) for i in xp.ravel(where)]
            items = [flow[_index(node, i, len(flow), "read from")] for i in where]
            if not items:
                return xp.zeros((0, *[d or 0 for d in (element.dims or [])]), dtype=np_dtype)
            return xp.stack([_unwritten(node, flow, element, np_dtype, i) if v is None else v
                             for i, v in zip(where, items)])
        dims = None if element.dims is None else [indices.shape.dims[0] if indices.shape.dims else None,
                                                  *element.dims]
        node = Tensor("TensorArrayGatherV3", (self._handle, indices, self._flow), compute=gather, dtype=self.dtype,
                      shape=dims, name=name or "TensorArrayGatherV3", attrs={"element_shape": element})
        return node

    def stack(self, name: str | None = None) -> Tensor:
        """All the elements, stacked: ``gather(range(size()))``."""
        with name_scope(name, "TensorArrayStack"):
            return self.gather(range_(0, self.size()), name=name)

    def size(self, name: str | None = None) -> Tensor:
        """The number of elements: the size given, if the array cannot grow (a number becomes a Const, as
        in TF1); else a ``TensorArraySizeV3`` op."""
        if not self._dynamic_size and self._size is not None:  # the size given: a number becomes a Const
            return convert_to_tensor(self._size, dtype="int32")
        return Tensor("TensorArraySizeV3", (self._handle, self._flow), compute=_size, dtype=_dtypes.int32, shape=[],
                      name=name or "TensorArraySizeV3")


def _unwritten(node, flow, element, np_dtype, i):
    """An element never written reads as zeros, as TF's: of the written elements' shape, else of the
    array's element shape if it is fully known; else it is an error."""
    written = next((v for v in flow if v is not None), None)
    if written is not None:
        return xp.zeros_like(written)
    if element.is_fully_defined():
        return xp.zeros(element.as_list(), dtype=np_dtype)
    raise InvalidArgumentError(node, f"Could not read from TensorArray index {i} because it has not yet been "
                                     f"written to.")


def _size(handle, flow):
    """y = len(array)"""
    return xp.asarray(len(flow), dtype="int32")


def _grad_at(grads, i):
    return None if grads is None or i >= len(grads) else grads[i]


@RegisterGradient("TensorArrayReadV3")
def _read_grad(op, grad):
    """d array = grad at index i, none elsewhere"""
    flow, i = op.inputs[2], int(op.inputs[1])
    return [None, None, TensorArrayGradient(grad if k == i else None for k in range(len(flow)))]


@RegisterGradient("TensorArrayWriteV3")
def _write_grad(op, grad):
    """d value = d array[i]; d array before = d array after, without index i (it was overwritten)"""
    i, value = int(op.inputs[1]), op.inputs[2]
    g = _grad_at(grad, i)
    before = TensorArrayGradient(None if k == i else x for k, x in enumerate(grad))
    return [None, None, xp.zeros_like(value) if g is None else g, before]


@RegisterGradient("TensorArrayScatterV3")
def _scatter_grad(op, grad):
    """d value[k] = d array[indices[k]]; d array before = d array after, without the indices written"""
    indices, value = [int(i) for i in xp.ravel(op.inputs[1])], op.inputs[2]
    d_value = xp.stack([_grad_at(grad, i) if _grad_at(grad, i) is not None else xp.zeros_like(value[k])
                        for k, i in enumerate(indices)]) if indices else xp.zeros_like(value)
    written = set(indices)
    before = TensorArrayGradient(None if k in written else x for k, x in enumerate(grad))
    return [None, None, d_value, before]


@RegisterGradient("TensorArrayGatherV3")
def _gather_grad(op, grad):
    """d array[indices[k]] += grad[k]"""
    flow, indices = op.inputs[2], [int(i) for i in xp.ravel(op.inputs[1])]
    spread: list[Any] = [None] * len(flow)
    for k, i in enumerate(indices):
        spread[i] = grad[k] if spread[i] is None else spread[i] + grad[k]
    return [None, None, TensorArrayGradient(spread)]


@register_gradient("TensorArrayV3")
def _create_grad(op, grads):
    """the size gets no gradient"""
    return [None]


NotDifferentiable("TensorArraySizeV3")
