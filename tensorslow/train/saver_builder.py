"""The ops a ``tf.train.Saver`` adds to the graph, built as TF1's ``BulkSaverBuilder`` builds them.

A Saver does its work by running ops of the graph, as TensorFlow's does. For variables ``W`` and ``b``
(checkpoint keys sorted), the first Saver of a graph builds, in its name scope ``save`` (``save_1``
for a second one, or the ``name`` given)::

    save/filename/input               Const                   the default prefix, b"model"
    save/filename                     PlaceholderWithDefault  ... which a run may feed
    save/Const                        PlaceholderWithDefault  the prefix: what Saver.save/restore feed
    save/SaveV2/tensor_names          Const                   [b"W", b"b"]
    save/SaveV2/shape_and_slices      Const                   [b"", b""] (whole tensors)
    save/SaveV2                       SaveV2                  writes W and b as the checkpoint <prefix>
    save/control_dependency           Identity                the prefix, after SaveV2 ran: Saver.save's fetch
    save/RestoreV2/tensor_names       Const
    save/RestoreV2/shape_and_slices   Const
    save/RestoreV2                    RestoreV2               reads both tensors: outputs :0 and :1
    save/Assign, save/Assign_1        Assign                  W = RestoreV2:0, b = RestoreV2:1
    save/restore_all                  NoOp                    runs the Assigns: Saver.restore's op

``Saver.save(sess, path)`` runs ``save/control_dependency`` with ``save/Const`` fed ``path``;
``Saver.restore(sess, path)`` runs ``save/restore_all`` fed the same way. Both are built even for a
Saver only used to save, as in TensorFlow. The names of these three are the :class:`SaverDef`.

With ``sharded=True`` TF saves each device's variables to a temporary checkpoint
``<prefix>_temp/part-0000k-of-0000n`` and merges them into ``<prefix>`` (``MergeV2Checkpoints``), and
restores each device's variables with its own ``RestoreV2`` (a ``restore_shard`` NoOp per device).
TensorSlow runs on one device: one shard, built op for op as TF builds it on one device::

    save/StaticRegexFullMatch, save/Const_1, save/Const_2, save/Select    "_temp/part" (".part" on s3://)
    save/StringJoin                      <prefix>_temp/part
    save/num_shards, save/ShardedFilename/shard, save/ShardedFilename    <prefix>_temp/part-00000-of-00001
    save/SaveV2..., save/control_dependency                              the shard written
    save/MergeV2Checkpoints/checkpoint_prefixes, save/MergeV2Checkpoints  merged into <prefix>
    save/Identity                        <prefix>: Saver.save's fetch
    save/RestoreV2..., save/Assign..., save/restore_shard, save/restore_all
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..dtypes import int32
from ..graph import Tensor, constant_node, control_dependencies
from ..ops import array_ops
from ..ops.indexing_ops import where
from ..ops.io_ops import (
    merge_v2_checkpoints,
    restore_v2,
    save_v2,
    sharded_filename,
    static_regex_full_match,
    string,
    string_constant,
    string_join,
)
from ..variables import Variable, assign, group, placeholder_with_default


@dataclass
class SaverDef:
    """What a Saver runs, by name (``tf.train.SaverDef``; ``Saver.saver_def``).

    ``filename_tensor_name``: the string tensor fed the checkpoint prefix (``save/Const:0``);
    ``save_tensor_name``: the tensor whose run saves and returns the prefix (``save/control_dependency:0``);
    ``restore_op_name``: the op whose run restores (``save/restore_all``). ``version`` is the checkpoint
    format; the class attributes ``LEGACY``, ``V1`` and ``V2`` name its values (TensorSlow writes V2).
    """

    filename_tensor_name: str = ""
    save_tensor_name: str = ""
    restore_op_name: str = ""
    max_to_keep: int = 0
    sharded: bool = False
    keep_checkpoint_every_n_hours: float = 0.0
    version: int = 0

    LEGACY, V1, V2 = 0, 1, 2

    def __str__(self) -> str:
        """The fields that differ from their defaults, in protobuf's text format (as ``print(saver_def)``)."""
        lines = []
        for field, default in (("filename_tensor_name", ""), ("save_tensor_name", ""), ("restore_op_name", ""),
                               ("max_to_keep", 0), ("sharded", False), ("keep_checkpoint_every_n_hours", 0.0),
                               ("version", 0)):
            value = getattr(self, field)
            if value == default:
                continue
            if isinstance(value, str):
                text = f'"{value}"'
            elif field == "version":
                text = ("LEGACY", "V1", "V2")[value]
            elif isinstance(value, bool):
                text = "true" if value else "false"
            else:
                text = f"{value:g}"
            lines.append(f"{field}: {text}\n")
        return "".join(lines)


def _pass_through(value: Any) -> Any:
    """y = x (a PlaceholderWithDefault not fed, an Identity)"""
    return value


def build_saver_ops(variables: Mapping[str, Variable], name: str | None, filename: str | None,
                    max_to_keep: int | None, keep_checkpoint_every_n_hours: float, sharded: bool,
                    reshape: bool = False) -> SaverDef:
    """Add the save and restore ops for ``variables`` (checkpoint key -> Variable, in key order) to their
    graph, in the name scope ``name`` (default ``save``, made unique); return their :class:`SaverDef`."""
    graph = next(iter(variables.values())).graph
    with graph.as_default(), graph.name_scope(name or "save"):
        with graph.name_scope("filename") as scope:  # as tf.placeholder_with_default("model", shape=())
            default = string_constant(filename or "model", name="input")
        prefix = Tensor("PlaceholderWithDefault", (default,), compute=_pass_through, dtype=string, shape=(),
                        name=scope, graph=graph)
        prefix = placeholder_with_default(prefix, shape=(), name="Const")  # the name TF keeps for compatibility
        if sharded:
            save_tensor = _add_sharded_save_ops(prefix, variables)
            restore_op = group(_add_restore_ops(prefix, variables, "restore_shard", reshape), name="restore_all")
        else:
            save_tensor = _add_save_ops(prefix, variables)
            restore_op = _add_restore_ops(prefix, variables, "restore_all", reshape)
    return SaverDef(filename_tensor_name=prefix.name, save_tensor_name=save_tensor.name,
                    restore_op_name=restore_op.op_name, max_to_keep=max_to_keep or 0, sharded=sharded,
                    keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours, version=SaverDef.V2)


def _add_save_ops(prefix: Tensor, variables: Mapping[str, Variable]) -> Tensor:
    """SaveV2 of every variable, then the prefix again as an Identity that runs after it (TF's
    ``control_flow_ops.with_dependencies``): fetching it saves and gives back the prefix."""
    save = save_v2(prefix, list(variables), [""] * len(variables), list(variables.values()))
    graph = prefix.graph
    with graph.name_scope("control_dependency") as scope, control_dependencies([save]):
        return Tensor("Identity", (prefix,), compute=_pass_through, dtype=string, shape=(), name=scope, graph=graph)


def _add_sharded_save_ops(prefix: Tensor, variables: Mapping[str, Variable]) -> Tensor:
    """Save to the one device's temporary checkpoint, merge it into ``prefix``, give back ``prefix``."""
    graph = prefix.graph
    on_s3 = static_regex_full_match(prefix, "^s3://.*")
    suffix = where(on_s3, string_constant(".part"), string_constant(os.path.normpath("_temp/part")))
    temporary_prefix = string_join([prefix, suffix])
    num_shards = constant_node(1, dtype=int32, name="num_shards", graph=graph)
    shard_prefix = sharded_filename(temporary_prefix, 0, num_shards)
    saved = _add_save_ops(shard_prefix, variables)
    with control_dependencies([saved]):
        merge = merge_v2_checkpoints([shard_prefix], prefix, delete_old_dirs=True)
        with control_dependencies([merge]):
            return Tensor("Identity", (prefix,), compute=_pass_through, dtype=string, shape=(), name="Identity",
                          graph=graph)


def _add_restore_ops(prefix: Tensor, variables: Mapping[str, Variable], name: str, reshape: bool) -> Tensor:
    """One RestoreV2 reading every variable's tensor, an Assign per variable (after a Reshape to the
    variable's shape with ``reshape``), and the NoOp ``name`` that runs them all."""
    dtypes = [v.dtype for v in variables.values() if v.dtype is not None]  # (a Variable always has a dtype)
    restored = restore_v2(prefix, list(variables), [""] * len(variables), dtypes,
                          targets=[(v.op_name, v.shape, reshape) for v in variables.values()])
    assigns = []
    for var, value in zip(variables.values(), restored):
        if reshape:  # the saved tensor may have another shape with as many elements: reshaped to the variable's
            new_shape = var.shape.as_list() if var.shape.is_fully_defined() else array_ops.shape(var)
            value = array_ops.reshape(value, new_shape)
        assigns.append(assign(var, value))
    return group(*assigns, name=name)
