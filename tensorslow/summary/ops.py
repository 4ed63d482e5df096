"""Summary ops: graph nodes whose value is a serialized ``Summary`` protocol buffer.

``tf.summary.scalar("loss", loss)`` adds a ``ScalarSummary`` node to the graph; running it gives
``bytes`` (a serialized ``Summary``, as TF's string scalar), which ``FileWriter.add_summary`` writes to an
event file for TensorBoard. The ops are built as TF1 builds them: a name scope named after the summary
(numbered if taken), a ``tags``/``tag`` string constant inside it, the op named after the scope, the tag
equal to the scope's name, and the op added to the ``summaries`` collection that ``merge_all`` merges.

The kernels make the protos with the ``tensorboard`` package (imported when a summary first runs).
"""
from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

import numpy as np

from tensorslow import dtypes as _dtypes
from tensorslow.backend import ON_HOST, is_device_array, to_host
from tensorslow.errors import InvalidArgumentError
from tensorslow.graph import Tensor, get_default_graph, name_scope
from tensorslow.ops.core import convert_to_tensor
from tensorslow.summary import histograms as _histogram
from tensorslow.summary import images as _image
from tensorslow.summary.protos import proto

# TF's string dtype; a summary's value is a `bytes` scalar. (tensorslow.dtypes may define it one day.)
string = getattr(_dtypes, "string", None) or _dtypes.DType("string", object)
SUMMARIES = "summaries"  # tf.GraphKeys.SUMMARIES: the collection merge_all() merges
_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w.]")
# SummaryMetadata(plugin_data=PluginData(plugin_name="text")) in protobuf's wire format: field 1, 6 bytes
# long, holding field 1, 4 bytes "text". A constant of the graph, built without importing tensorboard.
TEXT_PLUGIN_METADATA = b"\n\x06\n\x04text"
_REAL_KINDS = "iuf"


def clean_tag(name: str | None) -> str | None:
    """``name`` with characters TensorBoard does not accept in tags replaced by ``_`` (TF logs the change)."""
    if name is None:
        return None
    new_name = _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")
    if new_name != name:
        logging.getLogger("tensorslow").info("Summary name %s is illegal; using %s instead.", name, new_name)
    return new_name


@contextlib.contextmanager
def summary_scope(name: str | None, family: str | None = None,
                  default_name: str | None = None) -> Iterator[tuple[str, str]]:
    """Open the summary's name scope; yield (tag, scope). The tag is the scope's name, so it is unique;
    with a ``family`` the tag is ``family/<scope>`` (TensorBoard groups tags by their first part)."""
    name, family = clean_tag(name), clean_tag(family)
    with name_scope(name if family is None else f"{family}/{name}", default_name) as scope:
        tag = scope.rstrip("/") if family is None else f"{family}/{scope.rstrip('/')}"
        yield tag, scope


def string_constant(value: Any, name: str = "Const") -> Tensor:
    """A ``Const`` node of dtype string: ``bytes`` (or an object array of ``bytes``) when run."""
    array = np.vectorize(lambda v: v.encode() if isinstance(v, str) else bytes(v), otypes=[object])(
        np.asarray(value, dtype=object))
    array.setflags(write=False)
    result = array[()] if array.ndim == 0 else array
    return Tensor("Const", (), compute=lambda: result, attrs={"value": array}, dtype=string,
                  shape=array.shape, name=name, graph=get_default_graph())


def _summary_node(op_type: str, inputs: Sequence[Tensor], kernel: Any, scope: str,
                  attrs: dict[str, Any] | None = None) -> Tensor:
    node = Tensor(op_type, inputs, attrs=attrs, dtype=string, shape=(), name=scope)
    # The kernel names its node in errors; it serializes on the host, so device values come to it as NumPy.
    node.compute = partial(kernel if ON_HOST else partial(_on_host, kernel), node)  # type: ignore[method-assign]
    return node


def _on_host(kernel: Any, node: Tensor, *values: Any) -> bytes:
    """``kernel(node, *values)`` with the device arrays among ``values`` copied to host memory."""
    return kernel(node, *(to_host(v) if is_device_array(v) else v for v in values))


def _collect(node: Tensor, collections: Sequence[str] | None, default: Sequence[str]) -> Tensor:
    for key in default if collections is None else collections:
        node.graph.add_to_collection(key, node)
    return node


def _real_input(value: Any, op_type: str, what: str, name: str) -> Tensor:
    node = convert_to_tensor(value, name=name)
    if node.dtype is not None and node.dtype.as_numpy_dtype.kind not in _REAL_KINDS:
        raise TypeError(f"Value passed to parameter {what!r} of {op_type} has DataType {node.dtype.name}, not a "
                        f"real number type (int or float)")
    return node


def _shape_text(value: Any) -> str:
    return "[" + ",".join(str(d) for d in np.shape(value)) + "]"


def _tag_text(tag: Any) -> str:
    return tag.decode() if isinstance(tag, bytes) else str(tag)


def _serialize(values: list[Any]) -> bytes:
    return proto("summary_pb2").Summary(value=values).SerializeToString()


# -- scalar ---------------------------------------------------------------------------------------------

def scalar(name: str, tensor: Any, collections: Sequence[str] | None = None, family: str | None = None) -> Tensor:
    """A ``ScalarSummary``: one ``Summary.Value(tag, simple_value=float(tensor))`` (tensor: a real scalar)."""
    with summary_scope(name, family) as (tag, scope):
        tags = string_constant(tag, name="tags")
        values = _real_input(tensor, "ScalarSummary", "values", "values")
        node = _summary_node("ScalarSummary", (tags, values), _scalar_kernel, scope, {"T": values.dtype})
    return _collect(node, collections, [SUMMARIES])


def _scalar_kernel(node: Tensor, tags: Any, values: Any) -> bytes:
    """simple_value = values[i] as a float32, for each tag (the shapes of tags and values must agree)."""
    if np.shape(tags) != np.shape(values):
        raise InvalidArgumentError(node, f"tags and values are not the same shape: {_shape_text(tags)} != "
                                         f"{_shape_text(values)} (tag '{_tag_text(np.ravel(tags)[0])}')")
    summary_pb2 = proto("summary_pb2")
    return _serialize([summary_pb2.Summary.Value(tag=_tag_text(t), simple_value=float(v))
                       for t, v in zip(np.ravel(tags), np.ravel(values))])


# -- histogram ------------------------------------------------------------------------------------------

def histogram(name: str, values: Any, collections: Sequence[str] | None = None,
              family: str | None = None) -> Tensor:
    """A ``HistogramSummary`` of ``values`` (any shape) with TF's fixed exponential buckets."""
    with summary_scope(name, family, default_name="HistogramSummary") as (tag, scope):
        tag_node = string_constant(tag, name="tag")
        values = _real_input(values, "HistogramSummary", "values", "values")
        node = _summary_node("HistogramSummary", (tag_node, values), _histogram_kernel, scope,
                             {"T": values.dtype})
    return _collect(node, collections, [SUMMARIES])


def _histogram_kernel(node: Tensor, tag: Any, values: Any) -> bytes:
    """The histogram of ``values``; NaN or Inf is an error, as in TF (TensorBoard could not draw it)."""
    x = np.asarray(values, dtype=np.float64)
    if not np.isfinite(x).all():
        what = "Nan in summary histogram for" if np.isnan(x).any() else "Infinity in Histogram for"
        raise InvalidArgumentError(node, f"{what}: {_tag_text(tag)}")
    summary_pb2 = proto("summary_pb2")
    histo = summary_pb2.HistogramProto(**_histogram.histogram(x))
    return _serialize([summary_pb2.Summary.Value(tag=_tag_text(tag), histo=histo)])


# -- image ----------------------------------------------------------------------------------------------

_IMAGE_DTYPES = ("uint8", "float16", "float32", "float64")


def image(name: str, tensor: Any, max_outputs: int = 3, collections: Sequence[str] | None = None,
          family: str | None = None) -> Tensor:
    """An ``ImageSummary`` of up to ``max_outputs`` images of ``tensor`` ([batch, height, width, 1|3|4]).

    uint8 pixels are written as they are; float images are scaled one at a time (see ``images.to_uint8``).
    Tags are ``<tag>/image/0``, ``<tag>/image/1``... (``<tag>/image`` when ``max_outputs`` is 1)."""
    with summary_scope(name, family) as (tag, scope):
        tag_node = string_constant(tag, name="tag")
        tensor = convert_to_tensor(tensor, name="tensor")
        if tensor.dtype is not None and tensor.dtype.name not in _IMAGE_DTYPES:
            raise TypeError(f"ImageSummary: tensor must be uint8, float16, float32 or float64, got "
                            f"{tensor.dtype.name} ({tensor.name!r})")
        if tensor.shape.dims is not None and len(tensor.shape.dims) != 4:
            raise ValueError(f"Shape must be rank 4 but is rank {len(tensor.shape.dims)} for ImageSummary "
                             f"{scope.rstrip('/')!r} (input shapes: [], {tensor.shape})")
        node = _summary_node("ImageSummary", (tag_node, tensor), _image_kernel, scope,
                             {"max_images": int(max_outputs), "T": tensor.dtype})
    return _collect(node, collections, [SUMMARIES])


def _image_kernel(node: Tensor, tag: Any, tensor: Any) -> bytes:
    tensor = np.asarray(tensor)
    if tensor.ndim != 4 or tensor.shape[3] not in (1, 3, 4):
        raise InvalidArgumentError(node, f"Tensor must be 4-D with last dim 1, 3, or 4, not {_shape_text(tensor)}")
    max_images, base = node.attrs["max_images"], _tag_text(tag)
    summary_pb2 = proto("summary_pb2")
    values = []
    for i in range(min(max_images, tensor.shape[0])):
        pixels = tensor[i] if tensor.dtype == np.uint8 else _image.to_uint8(tensor[i])
        height, width, depth = pixels.shape
        encoded = summary_pb2.Summary.Image(height=height, width=width, colorspace=depth,
                                            encoded_image_string=_image.encode_png(pixels))
        # The tag depends on how many images were asked for, not how many the batch has.
        values.append(summary_pb2.Summary.Value(tag=f"{base}/image/{i}" if max_images > 1 else f"{base}/image",
                                                image=encoded))
    return _serialize(values)


# -- text -----------------------------------------------------------------------------------------------

def text(name: str, tensor: Any, collections: Sequence[str] | None = None) -> Tensor:
    """A ``TensorSummaryV2`` of a string tensor, marked for TensorBoard's text plugin (markdown shown as is).

    TensorSlow has no string ops, so besides a string node ``tensor`` may be a Python ``str``/``bytes`` or a
    (nested) list of them, made into a string constant as ``tf.constant`` would."""
    if not isinstance(tensor, Tensor):
        tensor = string_constant(tensor)
    if tensor.dtype != string:
        raise ValueError(f"Expected tensor {tensor.name} to have dtype string, got {tensor.dtype!r}")
    with summary_scope(name, None) as (tag, scope):
        tag_node = string_constant(tag, name="tag")
        metadata = string_constant(TEXT_PLUGIN_METADATA, name="serialized_summary_metadata")
        node = _summary_node("TensorSummaryV2", (tag_node, tensor, metadata), _tensor_summary_kernel, scope,
                             {"T": string})
    return _collect(node, collections, [SUMMARIES])


def _tensor_summary_kernel(node: Tensor, tag: Any, tensor: Any, metadata: Any) -> bytes:
    summary_pb2 = proto("summary_pb2")  # first: without tensorboard, the error that names the extra
    from tensorboard.util import tensor_util
    value = summary_pb2.Summary.Value(tag=_tag_text(tag), metadata=summary_pb2.SummaryMetadata.FromString(metadata),
                                      tensor=tensor_util.make_tensor_proto(np.asarray(tensor, dtype=object)))
    return _serialize([value])


# -- merging --------------------------------------------------------------------------------------------

def merge(inputs: Sequence[Tensor], collections: Sequence[str] | None = None, name: str | None = None) -> Tensor:
    """A ``MergeSummary``: the values of all ``inputs`` (serialized Summaries) in one Summary."""
    inputs = list(inputs)
    for node in inputs:
        if not isinstance(node, Tensor) or node.dtype != string:
            raise TypeError(f"merge: inputs must be summary (string) nodes, got {node!r}")
    name = clean_tag(name)
    with name_scope(name, "Merge"):
        node = _summary_node("MergeSummary", inputs, _merge_kernel, name or "MergeSummary", {"N": len(inputs)})
    return _collect(node, collections, [])


def _merge_kernel(node: Tensor, *summaries: Any) -> bytes:
    """The inputs' values in order; a tag found twice is an error (TensorBoard would mix the two series)."""
    summary_pb2 = proto("summary_pb2")
    merged, seen = summary_pb2.Summary(), set()
    for serialized in (s for value in summaries for s in np.ravel(np.asarray(value, dtype=object))):
        try:
            summary = summary_pb2.Summary.FromString(serialized)
        except Exception as error:  # noqa: BLE001  (protobuf's DecodeError, whose class varies by backend)
            raise InvalidArgumentError(node, f"Could not parse one of the summary inputs ({error})") from None
        for value in summary.value:
            if value.tag and value.tag in seen:
                raise InvalidArgumentError(node, f"Duplicate tag {value.tag} found in summary inputs ")
            seen.add(value.tag)
            merged.value.add().CopyFrom(value)
    return merged.SerializeToString()


def merge_all(key: str = SUMMARIES, scope: str | None = None, name: str | None = None) -> Tensor | None:
    """``merge`` of every summary in collection ``key`` (default: all summaries), or None if there is none."""
    summary_ops = get_default_graph().get_collection(key, scope)
    return merge(summary_ops, name=name) if summary_ops else None
