"""Checkpoint ops: ``SaveV2`` writes tensors to a checkpoint, ``RestoreV2`` reads them back.

These are the kernels of ``tf.train.Saver``'s graph (:mod:`tensorslow.train.saver_builder`). As in
TensorFlow, a checkpoint is written and read by running ops of the graph:

* ``SaveV2(prefix, tensor_names, shape_and_slices, *tensors)`` writes ``tensors`` under
  ``tensor_names`` as the V2 checkpoint ``prefix`` (``<prefix>.index`` + ``<prefix>.data-00000-of-00001``,
  :mod:`tensorslow.checkpoint.bundle`, written atomically). It has no output.
* ``MergeV2Checkpoints(checkpoint_prefixes, destination_prefix)`` joins the checkpoints of a sharded
  save (one per device) into one (:func:`tensorslow.checkpoint.bundle.merge_bundles`);
  ``ShardedFilename``, ``StringJoin`` and ``StaticRegexFullMatch`` make the shards' names.
* ``RestoreV2(prefix, tensor_names, shape_and_slices)`` reads the tensors named ``tensor_names``
  from the checkpoint ``prefix``, one output per tensor (``save/RestoreV2:0``, ``:1``...), each of
  the dtype in its ``dtypes`` attribute; ``Assign`` ops of the graph then put them into variables.

``prefix``, ``tensor_names`` and ``shape_and_slices`` are string tensors (scalars and vectors of
``bytes``, TF's string values). Only whole tensors are saved and restored (every slice spec is
``""``): partitioned variables' slices are not supported.

These ops are not numeric: they move bytes between files and variables, so they have no gradient
and no entry in the gradient registry, hence none in the op catalog's finite-difference and
TensorFlow comparisons (``tensorslow_parity/ops/catalog``). ``tests/test_saver.py`` and
``tests/test_graph_parity_saver.py`` check them against TensorFlow's own checkpoints and graphs.
"""
from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..backend import to_device, to_host
from ..checkpoint.bundle import BundleReader, merge_bundles, write_bundle
from ..checkpoint.strings import text_of, texts_of
from ..dtypes import DType, int32
from ..dtypes import bool as _bool
from ..errors import InvalidArgumentError, NotFoundError, UnimplementedError
from ..graph import NoValueOp, Tensor, constant_node, get_default_graph
from ..summary.ops import string, string_constant
from .core import pack
from .op_outputs import MultiOutputOp, OutputValues, add_outputs

__all__ = ["string", "string_constant", "save_v2", "restore_v2", "merge_v2_checkpoints", "sharded_filename",
           "string_join", "static_regex_full_match", "SaveV2", "RestoreV2", "MergeV2Checkpoints"]


class SaveV2(NoValueOp):
    """``SaveV2``: write the tensor inputs as the V2 checkpoint named by the ``prefix`` input."""

    def compute(self, prefix, tensor_names, shape_and_slices, *tensors):  # type: ignore[override]
        path, names, slices = text_of(prefix), texts_of(tensor_names), texts_of(shape_and_slices)
        if not len(names) == len(slices) == len(tensors):
            raise InvalidArgumentError(self, f"SaveV2 {self.op_name!r}: {len(names)} tensor_names, {len(slices)} "
                                             f"shape_and_slices and {len(tensors)} tensors: they must be as many")
        _no_slices(self, names, slices)
        if len(set(names)) != len(names):
            raise InvalidArgumentError(self, f"SaveV2 {self.op_name!r}: a tensor name is given twice in {names}")
        try:
            _make_directory(os.path.dirname(path))
            write_bundle(path, {name: to_host(value) for name, value in zip(names, tensors)})
        except FileNotFoundError:  # TF's NotFoundError, which Saver.save turns into "Parent directory ..."
            raise NotFoundError(self, f"{os.path.dirname(path) or '.'}; No such file or directory (while "
                                      f"writing the checkpoint {path} in {self.op_name!r})") from None


def _make_directory(directory: str) -> None:
    """Create the checkpoint's directory if its parent exists, as TF's bundle writer does (one level:
    ``run/model`` makes ``run``; a missing ``a/b`` is an error)."""
    if directory and not os.path.isdir(directory):
        try:
            os.mkdir(directory)
        except FileExistsError:
            pass


class RestoreV2(MultiOutputOp):
    """``RestoreV2``: read the tensors ``tensor_names`` from the checkpoint ``prefix``, one output each.

    Every tensor is read (and its checksum, dtype and shape checked) before the op gives any output,
    so an error leaves whatever the outputs were to be assigned to unchanged. ``targets`` (TensorSlow's
    own attribute, not one of TF's ``attrs``, set by the Saver) gives, per output, the variable it is
    for, its shape and whether it is reshaped into it (``Saver(reshape=True)``), so that a checkpoint
    tensor of another shape (or, to be reshaped, of another element count) is refused here, naming the
    variable, rather than half-way through the ``Assign`` ops that follow.
    """

    targets: list[Any] | None = None

    def compute(self, prefix, tensor_names, shape_and_slices):  # type: ignore[override]
        path, names, slices = text_of(prefix), texts_of(tensor_names), texts_of(shape_and_slices)
        dtypes, targets = self.attrs["dtypes"], self.targets or [None] * len(names)
        if not len(names) == len(slices) == len(dtypes):
            raise InvalidArgumentError(self, f"RestoreV2 {self.op_name!r}: {len(names)} tensor_names and "
                                             f"{len(slices)} shape_and_slices for {len(dtypes)} dtypes")
        _no_slices(self, names, slices)
        reader = BundleReader(path)
        values = [self._read(reader, name, dtype, target) for name, dtype, target in zip(names, dtypes, targets)]
        return OutputValues(to_device(value) for value in values)  # read on the host, then sent to the device

    def _read(self, reader: BundleReader, key: str, dtype: DType, target: Any) -> np.ndarray:
        """Checkpoint tensor ``key``, checked against ``dtype`` and the target (variable name, shape, reshaped?)."""
        wanted = f" (wanted for variable {target[0]!r})" if target is not None else ""
        try:
            reader.entry(key)
        except NotFoundError as e:
            raise NotFoundError(self, f"{e.message} {reader.prefix}{wanted}") from None
        saved_dtype = reader.dtype_name(key)
        if saved_dtype != dtype.name:
            raise InvalidArgumentError(self, f"tensor_name = {key}; expected dtype {_tf_name(dtype.name)} does not "
                                             f"equal original dtype {_tf_name(saved_dtype)}"
                                             + (f" (variable {target[0]!r}, " if target else " (")
                                             + f"checkpoint {reader.prefix})")
        value = reader.read(key)
        if target is not None and target[2]:  # Saver(reshape=True): any shape of as many elements
            if target[1].is_fully_defined() and target[1].num_elements() != value.size:
                raise InvalidArgumentError(self, f"Input to reshape is a tensor with {value.size} values, but the "
                                                 f"requested shape has {target[1].num_elements()} (variable "
                                                 f"{target[0]!r}, checkpoint key {key!r} in {reader.prefix})")
        elif target is not None and not target[1].is_compatible_with(value.shape):
            raise InvalidArgumentError(self, f"Assign requires shapes of both tensors to match. lhs shape= "
                                             f"{_dims(target[1].as_list())} rhs shape= {_dims(value.shape)} "
                                             f"(variable {target[0]!r}, checkpoint key {key!r} in {reader.prefix})")
        return value


def _no_slices(node: Tensor, names: list[str], slices: list[str]) -> None:
    for name, spec in zip(names, slices):
        if spec:
            raise UnimplementedError(node, f"{node.type} {node.op_name!r}: tensor {name!r} has the slice spec "
                                           f"{spec!r}; TensorSlow saves and restores whole tensors only")


def _tf_name(dtype_name: str) -> str:
    """TF's name of a dtype in its messages (``float``, ``double``)."""
    from ..checkpoint.proto import DTYPES
    return DTYPES[dtype_name][1] if dtype_name in DTYPES else dtype_name


def _dims(shape: Any) -> str:
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def save_v2(prefix: Tensor, tensor_names: Sequence[str], shape_and_slices: Sequence[str],
            tensors: Sequence[Tensor], name: str | None = None) -> Tensor:
    """The ``SaveV2`` op, as TF builds it: in its own name scope, the two string lists as Consts
    ``tensor_names`` and ``shape_and_slices``, then the op, named as the scope."""
    graph = get_default_graph()
    with graph.name_scope(name or "SaveV2") as scope:
        names = string_constant(list(tensor_names), name="tensor_names")
        slices = string_constant(list(shape_and_slices), name="shape_and_slices")
    return SaveV2("SaveV2", (prefix, names, slices, *tensors), attrs={"dtypes": [t.dtype for t in tensors]},
                  name=scope, graph=graph, stateful=False)


def restore_v2(prefix: Tensor, tensor_names: Sequence[str], shape_and_slices: Sequence[str],
               dtypes: Sequence[DType], name: str | None = None, targets: Sequence[Any] | None = None) -> list[Tensor]:
    """The ``RestoreV2`` op, built as TF builds it (see :func:`save_v2`); returns its outputs, one per
    tensor, of unknown shape. ``targets``: (variable name, TensorShape, reshaped?) per tensor, checked on restore."""
    graph = get_default_graph()
    with graph.name_scope(name or "RestoreV2") as scope:
        names = string_constant(list(tensor_names), name="tensor_names")
        slices = string_constant(list(shape_and_slices), name="shape_and_slices")
    op = RestoreV2("RestoreV2", (prefix, names, slices), attrs={"dtypes": list(dtypes)}, name=scope, graph=graph)
    op.targets = list(targets) if targets is not None else None  # not a TF attribute: kept out of ``attrs``
    return add_outputs(op, [(dtype, None) for dtype in dtypes])


# -- the string ops of a sharded save -----------------------------------------------------------------

def static_regex_full_match(value: Tensor, pattern: str, name: str | None = None) -> Tensor:
    """``StaticRegexFullMatch``: whether the whole string ``value`` matches ``pattern`` (a bool scalar)."""
    regex = re.compile(pattern)

    def compute(text):
        """y = (text matches pattern, from its start to its end)"""
        return np.bool_(regex.fullmatch(text_of(text)) is not None)
    return Tensor("StaticRegexFullMatch", (value,), compute=compute, attrs={"pattern": pattern}, dtype=_bool,
                  shape=value.shape, name=name or "StaticRegexFullMatch")


def string_join(inputs: Sequence[Tensor], separator: str = "", name: str | None = None) -> Tensor:
    """``StringJoin``: the scalar strings ``inputs`` joined, ``separator`` between them."""
    def compute(*texts):
        """y = texts[0] + separator + texts[1] + ..."""
        return os.fsencode(separator.join(text_of(t) for t in texts))
    return Tensor("StringJoin", tuple(inputs), compute=compute, attrs={"separator": separator, "N": len(inputs)},
                  dtype=string, shape=(), name=name or "StringJoin")


def sharded_filename(basename: Tensor, shard: int, num_shards: Tensor, name: str | None = None) -> Tensor:
    """``ShardedFilename``: ``<basename>-<shard, 5 digits>-of-<num_shards, 5 digits>``; the shard number
    becomes a Const ``shard`` in the op's name scope, as TF converts it."""
    graph = get_default_graph()
    with graph.name_scope(name or "ShardedFilename") as scope:
        shard_node = constant_node(shard, dtype=int32, name="shard")

    def compute(base, k, n):
        """y = f"{base}-{k:05d}-of-{n:05d}" """
        return os.fsencode(f"{text_of(base)}-{int(k):05d}-of-{int(n):05d}")
    return Tensor("ShardedFilename", (basename, shard_node, num_shards), compute=compute, dtype=string, shape=(),
                  name=scope, graph=graph)


class MergeV2Checkpoints(NoValueOp):
    """``MergeV2Checkpoints``: merge the checkpoints ``checkpoint_prefixes`` into ``destination_prefix``."""

    def compute(self, checkpoint_prefixes, destination_prefix):  # type: ignore[override]
        destination = text_of(destination_prefix)
        try:
            merge_bundles(texts_of(checkpoint_prefixes), destination, self.attrs["delete_old_dirs"])
        except FileNotFoundError as e:
            raise NotFoundError(self, f"{e.filename}; No such file or directory (while merging into the checkpoint "
                                      f"{destination} in {self.op_name!r})") from None


def merge_v2_checkpoints(checkpoint_prefixes: Sequence[Tensor], destination_prefix: Tensor,
                         delete_old_dirs: bool = True, name: str | None = None) -> Tensor:
    """The ``MergeV2Checkpoints`` op, its list of prefixes packed into ``checkpoint_prefixes`` in its name
    scope (as TF converts a list of tensors)."""
    graph = get_default_graph()
    with graph.name_scope(name or "MergeV2Checkpoints") as scope:
        prefixes = pack(list(checkpoint_prefixes), name="checkpoint_prefixes")
    return MergeV2Checkpoints("MergeV2Checkpoints", (prefixes, destination_prefix),
                              attrs={"delete_old_dirs": delete_old_dirs, "allow_missing_files": False},
                              name=scope, graph=graph)
