"""``tf.train.Saver``: checkpoints in TensorFlow's own format (V2: ``.index`` + ``.data-00000-of-00001``).

A checkpoint maps names to arrays. By default the names are the variables' op names
(``dense/kernel``, without ``:0``), so a TensorSlow checkpoint restores into the same model built
with TensorFlow and back: train in TensorSlow, continue in TensorFlow. The format lives in
:mod:`tensorslow.checkpoint`, written with NumPy and the standard library only.

What differs from TensorFlow: no ``.meta`` file is written (a MetaGraphDef is a TensorFlow
protobuf; ``import_meta_graph`` raises NotImplementedError), ``keep_checkpoint_every_n_hours`` is
ignored, and ``sharded=True`` writes one shard (as TensorFlow does on one device).
"""
from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..checkpoint import state as _state
from ..checkpoint.bundle import BundleReader, write_bundle
from ..errors import InvalidArgumentError, NotFoundError
from ..graph import get_default_graph
from ..variables import GLOBAL_VARIABLES, Variable

_MISMATCH = ("Restoring from checkpoint failed. This is most likely due to {} from the checkpoint. Please "
             "ensure that you have not altered the graph expected based on the checkpoint. Original error:\n\n")


class SaverDef:
    """Checkpoint format versions (``tf.train.SaverDef.V1``/``V2``); TensorSlow writes V2."""

    LEGACY, V1, V2 = 0, 1, 2


def _names_to_variables(var_list: Any) -> dict[str, Variable]:
    """Checkpoint key -> Variable, as TensorFlow names them: a dict's keys, else each variable's op name."""
    if isinstance(var_list, Mapping):
        items = list(var_list.items())
    elif isinstance(var_list, (list, tuple, set)):
        items = []
        for var in var_list:
            name = getattr(var, "op_name", None)
            if any(name == seen for seen, _ in items):
                raise ValueError(f"At least two variables have the same name: {name}")
            items.append((name, var))
    else:
        raise TypeError(f"Variables to save should be passed in a dict or a list. Got {var_list}")
    seen: set[Variable] = set()
    for name, var in sorted(items, key=lambda item: str(item[0])):
        if not isinstance(var, Variable):
            raise TypeError(f"Variable to save is not a Variable: {var}")
        if not isinstance(name, str):
            raise TypeError(f"A checkpoint key must be a string, got {name!r} for {var}")
        if var in seen:
            raise ValueError(f"The same saveable will be restored with two names: {name}")
        seen.add(var)
    return dict(sorted(items, key=lambda item: item[0]))  # TensorFlow's Saver writes in key order too


class Saver:
    """Saves and restores variables (``tf.train.Saver``).

    ``var_list``: None (all global variables, looked up when the saver is built), a list of
    Variables (keys: their op names) or a dict ``{key: Variable}``. ``max_to_keep``: how many
    recent checkpoints to keep; older ones are deleted as new ones are saved (None or 0 keeps all,
    but the state file then lists only the latest).
    """

    def __init__(self, var_list: Any = None, reshape: bool = False, sharded: bool = False, max_to_keep: int | None = 5,
                 keep_checkpoint_every_n_hours: float = 10000.0, name: str | None = None,
                 restore_sequentially: bool = False, saver_def: Any = None, builder: Any = None,
                 defer_build: bool = False, allow_empty: bool = False, write_version: int = SaverDef.V2,
                 pad_step_number: bool = False, save_relative_paths: bool = False, filename: str | None = None) -> None:
        if defer_build and var_list:
            raise ValueError("If `var_list` is provided then build cannot be deferred. Either set defer_build=False "
                             "or var_list=None.")
        if saver_def is not None or builder is not None:
            raise NotImplementedError("Saver(saver_def=..., builder=...) is not supported by TensorSlow: it has no "
                                      "SaverDef protobuf or saver builders")
        if write_version != SaverDef.V2:
            raise NotImplementedError("TensorSlow writes checkpoints in format V2 only (write_version=SaverDef.V2)")
        self._var_list = var_list
        self._max_to_keep = max_to_keep
        self._allow_empty = allow_empty
        self._pad_step_number = pad_step_number
        self._save_relative_paths = save_relative_paths
        self._sharded = sharded
        self._graph = get_default_graph()
        self._last_checkpoints: list[tuple[str, float]] = []
        self._variables: dict[str, Variable] | None = None
        self._pending_deletion: str | None = None
        if not defer_build:
            self.build()

    def build(self) -> None:
        """Resolve the variables to save (done by the constructor unless ``defer_build=True``)."""
        if self._variables is not None:
            return
        var_list = self._var_list if self._var_list is not None else self._graph.get_collection(GLOBAL_VARIABLES)
        if not var_list and not self._allow_empty:
            raise ValueError("No variables to save")
        self._variables = _names_to_variables(var_list)

    # -- saving ------------------------------------------------------------------------------
    def save(self, sess: Any, save_path: str | os.PathLike, global_step: Any = None,
             latest_filename: str | None = None, meta_graph_suffix: str = "meta", write_meta_graph: bool = True,
             write_state: bool = True, strip_default_attrs: bool = False, save_debug_info: bool = False) -> str | None:
        """Write the variables' values in ``sess`` to ``save_path`` (``-<global_step>`` appended if given)
        and return that prefix. ``write_meta_graph`` is accepted; no ``.meta`` file is written."""
        from ..session import Session
        if self._variables is None:
            raise RuntimeError("`build()` should be called before save if defer_build==True")
        latest_filename = latest_filename or "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = os.fspath(save_path)
        if global_step is not None:
            if not isinstance(global_step, (int, np.integer)):
                global_step = sess.run(global_step)
            step = int(global_step)
            checkpoint_file = f"{save_path}-{step:08d}" if self._pad_step_number else f"{save_path}-{step}"
        else:
            checkpoint_file = save_path
            if os.path.basename(save_path) == latest_filename and not self._sharded:
                raise ValueError(f"'latest_filename' collides with 'save_path': '{latest_filename}' and '{save_path}'")
        if not isinstance(sess, Session):
            raise TypeError(f"'sess' must be a Session; {sess}")
        save_dir = os.path.dirname(save_path)
        if save_dir and not os.path.isdir(save_dir):
            raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")
        if not self._variables:
            return None
        write_bundle(checkpoint_file, self._snapshot(sess))
        if write_state:
            self._record(checkpoint_file)
            _state.update_checkpoint_state(save_dir, checkpoint_file, self.last_checkpoints, latest_filename,
                                           self._save_relative_paths)
            self._delete_old(meta_graph_suffix)
        return checkpoint_file

    def _snapshot(self, sess: Any) -> dict[str, np.ndarray]:
        """The variables' values, all read at one moment (under the session state's lock, which every
        update takes; values are never changed in place, so the arrays stay valid after it)."""
        self._check_graph(sess)
        state = sess._state
        with state.lock:
            return {name: state.variables[var] for name, var in (self._variables or {}).items()}

    def _check_graph(self, sess: Any) -> None:
        for var in (self._variables or {}).values():
            if var.graph is not sess.graph:
                raise ValueError(f"Variable {var.op_name!r} is not an element of this session's graph")

    def _record(self, path: str) -> None:
        """Append ``path`` to the recent checkpoints; mark the oldest for deletion beyond max_to_keep."""
        self._pending_deletion = None
        if not self._max_to_keep:
            return
        self._last_checkpoints = [p for p in self._last_checkpoints if p[0] != path] + [(path, time.time())]
        if len(self._last_checkpoints) > self._max_to_keep:
            self._pending_deletion = self._last_checkpoints.pop(0)[0]

    def _delete_old(self, meta_graph_suffix: str) -> None:
        if self._pending_deletion is not None:
            _state.remove_checkpoint(self._pending_deletion, meta_graph_suffix=meta_graph_suffix)

    # -- restoring ---------------------------------------------------------------------------
    def restore(self, sess: Any, save_path: str | os.PathLike | None) -> None:
        """Set the variables in ``sess`` to the values saved at ``save_path``. All or nothing: if any
        variable is missing from the checkpoint or does not fit, or the files are corrupt, an error
        names it and no variable changes."""
        if not self._variables:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        prefix = os.fspath(save_path)
        if not _state.checkpoint_exists(prefix):
            raise ValueError("The passed save_path is not a valid checkpoint: " + prefix)
        self._check_graph(sess)
        reader = BundleReader(prefix)
        values = [(var, _read_for(reader, name, var)) for name, var in self._variables.items()]
        state = sess._state
        with state.lock:  # one update, as other threads see it
            for var, value in values:
                state.write(var, value)

    # -- the list of recent checkpoints ------------------------------------------------------
    @property
    def last_checkpoints(self) -> list[str]:
        """The not yet deleted checkpoints this saver wrote, oldest first."""
        return [path for path, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints: list[str]) -> None:
        assert isinstance(last_checkpoints, list)
        self._last_checkpoints = [(path, np.inf) for path in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time: list[tuple[str, float]]) -> None:
        assert isinstance(last_checkpoints_with_time, list)
        self._last_checkpoints = list(last_checkpoints_with_time)

    def recover_last_checkpoints(self, checkpoint_paths: list[str]) -> None:
        """Take up the list after a restart: those of ``checkpoint_paths`` that exist, with their mtimes."""
        self._last_checkpoints = [(p, mtime) for p in checkpoint_paths for mtime in _state.get_checkpoint_mtimes([p])]

    def export_meta_graph(self, *args: Any, **kwargs: Any) -> None:
        export_meta_graph()

    def as_saver_def(self) -> None:
        raise NotImplementedError("Saver.as_saver_def: TensorSlow has no SaverDef protobuf")


def _read_for(reader: BundleReader, key: str, var: Variable) -> np.ndarray:
    """Checkpoint value ``key`` for ``var``, checked against its dtype and shape."""
    try:
        reader.entry(key)
    except NotFoundError as e:
        raise NotFoundError(var, _MISMATCH.format("a Variable name or other graph key that is missing") + e.message
                            + f" {reader.prefix} (wanted for variable {var.op_name!r})") from None
    saved_dtype = reader.dtype_name(key)
    if var.dtype is not None and saved_dtype != var.dtype.name:
        raise InvalidArgumentError(var, _MISMATCH.format("a mismatch between the current graph and the graph")
                                   + f"tensor_name = {key}; expected dtype {_tf_name(var.dtype.name)} does not equal "
                                     f"original dtype {_tf_name(saved_dtype)} (variable {var.op_name!r}, "
                                     f"checkpoint {reader.prefix})")
    value = reader.read(key)
    if not var.shape.is_compatible_with(value.shape):
        raise InvalidArgumentError(var, _MISMATCH.format("a mismatch between the current graph and the graph")
                                   + f"Assign requires shapes of both tensors to match. lhs shape= "
                                     f"{_dims(var.shape.as_list())} rhs shape= {_dims(value.shape)} (variable "
                                     f"{var.op_name!r}, checkpoint key {key!r} in {reader.prefix})")
    return value


def _tf_name(dtype_name: str) -> str:
    from ..checkpoint.proto import DTYPES
    return DTYPES[dtype_name][1] if dtype_name in DTYPES else dtype_name


def _dims(shape: Any) -> str:
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def import_meta_graph(meta_graph_or_file: Any = None, *args: Any, **kwargs: Any) -> None:
    """Not supported: a ``.meta`` file is TensorFlow's MetaGraphDef protobuf."""
    raise NotImplementedError(
        "tf.train.import_meta_graph is not supported by TensorSlow: a .meta file is TensorFlow's MetaGraphDef "
        "protobuf, which TensorSlow neither writes nor reads. Build the model in Python again and restore its "
        "variables with tf.train.Saver().restore(sess, checkpoint_prefix).")


def export_meta_graph(*args: Any, **kwargs: Any) -> None:
    """Not supported: see :func:`import_meta_graph`."""
    raise NotImplementedError(
        "tf.train.export_meta_graph is not supported by TensorSlow: a MetaGraphDef is a TensorFlow protobuf. "
        "Saver.save writes the variables' checkpoint (.index and .data files) without a .meta file.")
