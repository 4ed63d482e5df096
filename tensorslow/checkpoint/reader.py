"""Reading checkpoints without a graph: ``tf.train.load_checkpoint``, ``list_variables``, ``load_variable``."""
from __future__ import annotations

import os

import numpy as np

from .. import dtypes
from . import proto
from .bundle import BundleReader
from .state import latest_checkpoint


class CheckpointReader:
    """The tensors of one checkpoint by name (``tf.train.NewCheckpointReader``)."""

    def __init__(self, prefix: str) -> None:
        self._bundle = BundleReader(prefix)

    def has_tensor(self, name: str) -> bool:
        return name in self._bundle.keys()

    def get_tensor(self, name: str) -> np.ndarray:
        """The saved value of ``name`` (a new array); NotFoundError if the checkpoint has no such key."""
        value = self._bundle.read(name)
        return value[()] if value.ndim == 0 else value  # TensorFlow's reader returns scalars as NumPy scalars

    def get_variable_to_shape_map(self) -> dict[str, list[int]]:
        return {name: list(self._bundle.shape(name)) for name in self._bundle.keys()}

    def get_variable_to_dtype_map(self) -> dict[str, dtypes.DType | str]:
        """Name -> DType (the TensorFlow type name, a string, for dtypes TensorSlow does not have)."""
        result: dict[str, dtypes.DType | str] = {}
        for name in self._bundle.keys():
            enum = self._bundle.entry(name).dtype
            result[name] = dtypes.as_dtype(proto.ENUM_TO_NAME[enum]) if enum in proto.ENUM_TO_NAME \
                else proto.TF_TYPE_NAMES.get(enum, str(enum))
        return result

    def debug_string(self) -> bytes:
        """One line per tensor: ``name (DT_FLOAT) [2,3]``."""
        lines = []
        for name in sorted(self._bundle.keys()):
            enum = self._bundle.entry(name).dtype
            shape = ",".join(str(d) for d in self._bundle.shape(name))
            lines.append(f"{name} (DT_{proto.TF_TYPE_NAMES.get(enum, str(enum)).upper()}) [{shape}]\n")
        return "".join(lines).encode()


def NewCheckpointReader(filepattern: str) -> CheckpointReader:  # noqa: N802  (TensorFlow's name)
    return CheckpointReader(os.fspath(filepattern))


def _checkpoint_prefix(ckpt_dir_or_file: str | os.PathLike) -> str:
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        prefix = latest_checkpoint(path)
        if prefix is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given directory {path}")
        return prefix
    return path


def load_checkpoint(ckpt_dir_or_file: str | os.PathLike) -> CheckpointReader:
    """A reader for a checkpoint prefix, or for the latest checkpoint of a directory."""
    return CheckpointReader(_checkpoint_prefix(ckpt_dir_or_file))


def load_variable(ckpt_dir_or_file: str | os.PathLike, name: str) -> np.ndarray:
    """One saved tensor; a trailing ``:0`` in ``name`` is ignored."""
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def list_variables(ckpt_dir_or_file: str | os.PathLike) -> list[tuple[str, list[int]]]:
    """``[(name, shape), ...]`` of a checkpoint, sorted by name."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(name, shapes[name]) for name in sorted(shapes)]
