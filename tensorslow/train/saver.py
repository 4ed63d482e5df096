"""``tf.train.Saver``: checkpoints in TensorFlow's own format (V2: ``.index`` + ``.data-00000-of-00001``).

A checkpoint maps names to arrays. By default the names are the variables' op names
(``dense/kernel``, without ``:0``), so a TensorSlow checkpoint restores into the same model built
with TensorFlow and back: train in TensorSlow, continue in TensorFlow. The format lives in
:mod:`tensorslow.checkpoint`, written with NumPy and the standard library only.

As in TensorFlow, a Saver adds ops to the graph when it is built (``save/SaveV2``,
``save/RestoreV2``, ``save/restore_all``...: :mod:`.saver_builder`) and ``save``/``restore`` run
them with the checkpoint prefix fed to ``save/Const``; ``saver.saver_def`` names them.

What differs from TensorFlow: no ``.meta`` file is written (a MetaGraphDef is a TensorFlow
protobuf; ``import_meta_graph`` raises NotImplementedError), ``keep_checkpoint_every_n_hours`` is
ignored, and ``sharded=True`` writes one shard (as TensorFlow does on one device: TensorSlow has one).
"""
from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..checkpoint import state as _state
from ..checkpoint.strings import string_scalar, text_of
from ..errors import InvalidArgumentError, NotFoundError, OpError
from ..graph import Tensor, get_default_graph
from ..variables import GLOBAL_VARIABLES, Variable
from .saver_builder import SaverDef, build_saver_ops

_MISMATCH = ("Restoring from checkpoint failed. This is most likely due to {} from the checkpoint. Please "
             "ensure that you have not altered the graph expected based on the checkpoint. Original error:\n\n")


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
    """Saves and restores variables (``tf.train.Saver``) by running the save and restore ops it adds
    to the graph (see :mod:`.saver_builder`).

    ``var_list``: None (all global variables, looked up when the saver is built), a list of
    Variables (keys: their op names) or a dict ``{key: Variable}``. ``max_to_keep``: how many
    recent checkpoints to keep; older ones are deleted as new ones are saved (None or 0 keeps all,
    but the state file then lists only the latest). ``name``: the name scope of its ops (``save``).
    ``saver_def``: run the ops another Saver of this graph built (its ``saver_def``) instead of building.
    """

    def __init__(self, var_list: Any = None, reshape: bool = False, sharded: bool = False, max_to_keep: int | None = 5,
                 keep_checkpoint_every_n_hours: float = 10000.0, name: str | None = None,
                 restore_sequentially: bool = False, saver_def: Any = None, builder: Any = None,
                 defer_build: bool = False, allow_empty: bool = False, write_version: int = SaverDef.V2,
                 pad_step_number: bool = False, save_relative_paths: bool = False, filename: str | None = None) -> None:
        if defer_build and var_list:
            raise ValueError("If `var_list` is provided then build cannot be deferred. Either set defer_build=False "
                             "or var_list=None.")
        if builder is not None:
            raise NotImplementedError("Saver(builder=...) is not supported by TensorSlow: it builds TF's "
                                      "BulkSaverBuilder graph only")
        if saver_def is not None and not isinstance(saver_def, SaverDef):
            raise ValueError(f"saver_def must be a saver_pb2.SaverDef: {saver_def}")
        if write_version != SaverDef.V2:
            raise NotImplementedError("TensorSlow writes checkpoints in format V2 only (write_version=SaverDef.V2)")
        self._var_list = var_list
        self._reshape = reshape
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._name = name
        self._filename = filename
        self._allow_empty = allow_empty
        self._pad_step_number = pad_step_number
        self._save_relative_paths = save_relative_paths
        self._sharded = sharded
        self._graph = get_default_graph()
        self._last_checkpoints: list[tuple[str, float]] = []
        self._variables: dict[str, Variable] | None = None
        self._pending_deletion: str | None = None
        self._is_built = False
        self.saver_def: SaverDef | None = saver_def
        if saver_def is not None:
            self._is_built = True
            self._max_to_keep = saver_def.max_to_keep
        elif not defer_build:
            self.build()

    def build(self) -> None:
        """Resolve the variables to save and add the save and restore ops to the graph (done by the
        constructor unless ``defer_build=True``)."""
        if self._is_built:
            return
        var_list = self._var_list if self._var_list is not None else self._graph.get_collection(GLOBAL_VARIABLES)
        if not var_list and not self._allow_empty:
            raise ValueError("No variables to save")
        self._variables = _names_to_variables(var_list)
        if self._variables:
            self.saver_def = build_saver_ops(self._variables, self._name, self._filename, self._max_to_keep,
                                             self._keep_checkpoint_every_n_hours, self._sharded, self._reshape)
        self._is_built = True

    @property
    def _is_empty(self) -> bool:
        return self.saver_def is None

    def _run(self, sess: Any, what: str, prefix: str) -> Any:
        """Run the saver_def's save tensor or restore op (``what``: "save", "restore") with the filename
        tensor fed ``prefix``, as one update of the session's variables for other threads (under the
        state's lock, which updates take)."""
        saver_def, graph = self.saver_def, sess.graph
        assert saver_def is not None
        fetch = saver_def.save_tensor_name if what == "save" else saver_def.restore_op_name
        node, filename = graph.get_tensor_by_name(fetch), graph.get_tensor_by_name(saver_def.filename_tensor_name)
        feed = {filename: string_scalar(prefix)}  # a string scalar: bytes, as TF's
        with sess._state.lock:
            try:
                return sess.run(node, feed)
            except OpError as error:
                cause = error.__cause__  # a kernel's own error (OSError of a write...), wrapped by the executor
                if cause is not None and not isinstance(cause, OpError) and isinstance(error.node, Tensor) \
                        and error.node.type in ("SaveV2", "RestoreV2", "MergeV2Checkpoints"):
                    raise cause from None
                raise

    # -- saving ------------------------------------------------------------------------------
    def save(self, sess: Any, save_path: str | os.PathLike, global_step: Any = None,
             latest_filename: str | None = None, meta_graph_suffix: str = "meta", write_meta_graph: bool = True,
             write_state: bool = True, strip_default_attrs: bool = False, save_debug_info: bool = False) -> str | None:
        """Run the save ops: write the variables' values in ``sess`` to ``save_path`` (``-<global_step>``
        appended if given) and return that prefix. ``write_meta_graph`` is accepted; no ``.meta`` file is
        written."""
        from ..session import Session
        if not self._is_built:
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
        if self._is_empty:
            return None
        self._check_graph(sess)
        save_dir = os.path.dirname(save_path)
        try:
            model_checkpoint_path = text_of(self._run(sess, "save", checkpoint_file))
        except NotFoundError:
            if save_dir and not os.path.isdir(save_dir):
                raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.") from None
            raise
        if write_state:
            self._record(model_checkpoint_path)
            _state.update_checkpoint_state(save_dir, model_checkpoint_path, self.last_checkpoints, latest_filename,
                                           self._save_relative_paths)
            self._delete_old(meta_graph_suffix)
        return model_checkpoint_path

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
        """Run the restore ops: set the variables in ``sess`` to the values saved at ``save_path``. All or
        nothing: if any variable is missing from the checkpoint or does not fit, or the files are corrupt,
        an error names it and no variable changes (RestoreV2 reads and checks every tensor before the
        Assigns run)."""
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        prefix = os.fspath(save_path)
        if not _state.checkpoint_exists(prefix):
            raise ValueError("The passed save_path is not a valid checkpoint: " + prefix)
        self._check_graph(sess)
        try:
            self._run(sess, "restore", prefix)
        except NotFoundError as err:
            raise NotFoundError(err.node, _MISMATCH.format("a Variable name or other graph key that is missing")
                                + err.message) from None
        except InvalidArgumentError as err:
            raise InvalidArgumentError(err.node, _MISMATCH.format("a mismatch between the current graph and the "
                                                                  "graph") + err.message) from None

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

    def as_saver_def(self) -> SaverDef | None:
        """The :class:`SaverDef`: the names of the ops ``save`` and ``restore`` run."""
        return self.saver_def


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
