"""The ``checkpoint`` state file: which checkpoints of a directory exist, newest last.

TensorFlow writes it as a text-format ``CheckpointState`` protobuf::

    model_checkpoint_path: "model.ckpt-300"
    all_model_checkpoint_paths: "model.ckpt-200"
    all_model_checkpoint_paths: "model.ckpt-300"

Paths are written as the saver was given them, except that when the directory itself was given
as a relative path they are made relative to it (and with ``save_relative_paths=True`` always);
readers join relative paths onto the directory. Strings are C-escaped (control characters as
``\\ooo`` octal; other characters as UTF-8), as protobuf's text format writes them.
"""
from __future__ import annotations

import glob
import os
import uuid
import warnings
from dataclasses import dataclass, field

_FIELDS = ("model_checkpoint_path", "all_model_checkpoint_paths", "all_model_checkpoint_timestamps",
           "last_preserved_timestamp")
_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"', ord("'"): "\\'", ord("\\"): "\\\\"}
_UNESCAPES = {"n": 10, "r": 13, "t": 9, '"': 34, "'": 39, "\\": 92, "a": 7, "b": 8, "f": 12, "v": 11, "?": 63}


@dataclass
class CheckpointState:
    """``tf.train.get_checkpoint_state``'s answer (fields as in TensorFlow's CheckpointState proto)."""

    model_checkpoint_path: str = ""
    all_model_checkpoint_paths: list[str] = field(default_factory=list)
    all_model_checkpoint_timestamps: list[float] = field(default_factory=list)
    last_preserved_timestamp: float = 0.0

    def __str__(self) -> str:
        lines = []
        if self.model_checkpoint_path:
            lines.append(f'model_checkpoint_path: "{_escape(self.model_checkpoint_path)}"')
        lines += [f'all_model_checkpoint_paths: "{_escape(p)}"' for p in self.all_model_checkpoint_paths]
        lines += [f"all_model_checkpoint_timestamps: {t!r}" for t in self.all_model_checkpoint_timestamps]
        if self.last_preserved_timestamp:
            lines.append(f"last_preserved_timestamp: {self.last_preserved_timestamp!r}")
        return "".join(line + "\n" for line in lines)


def _escape(text: str) -> str:
    """C escapes for quotes, backslashes and control characters; other characters (UTF-8) as they are."""
    return "".join(_ESCAPES.get(ord(c)) or (f"\\{ord(c):03o}" if ord(c) < 0x20 or ord(c) == 0x7F else c)
                   for c in text)


def _unescape(text: str) -> str:
    out, i = bytearray(), 0
    while i < len(text):
        char = text[i]
        if char != "\\":
            out += char.encode("utf-8", "surrogateescape")
            i += 1
        elif text[i + 1:i + 2] in ("x", "X"):
            digits = text[i + 2:i + 4]
            digits = digits if len(digits) == 2 and all(c in "0123456789abcdefABCDEF" for c in digits) else digits[:1]
            out.append(int(digits, 16))
            i += 2 + len(digits)
        elif text[i + 1:i + 2].isdigit():
            j = i + 1
            while j < min(i + 4, len(text)) and text[j] in "01234567":
                j += 1
            out.append(int(text[i + 1:j], 8) & 0xFF)
            i = j
        elif text[i + 1:i + 2] in _UNESCAPES:
            out.append(_UNESCAPES[text[i + 1]])
            i += 2
        else:
            raise ValueError(f"bad escape {text[i:i + 2]!r}")
    return out.decode("utf-8", "surrogateescape")


def parse_state(text: str) -> CheckpointState:
    """Parse the text format; ValueError on anything else (an unknown field, an unquoted string)."""
    state = CheckpointState()
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not sep or name not in _FIELDS:
            raise ValueError(f"line {number}: expected one of {', '.join(_FIELDS)}: {line!r}")
        if name.endswith("paths") or name == "model_checkpoint_path":
            if len(value) < 2 or value[0] not in "\"'" or value[-1] != value[0]:
                raise ValueError(f"line {number}: expected a quoted string: {line!r}")
            path = _unescape(value[1:-1])
            if name == "model_checkpoint_path":
                state.model_checkpoint_path = path
            else:
                state.all_model_checkpoint_paths.append(path)
        elif name == "all_model_checkpoint_timestamps":
            state.all_model_checkpoint_timestamps.append(float(value))
        else:
            state.last_preserved_timestamp = float(value)
    return state


def state_filename(save_dir: str, latest_filename: str | None = None) -> str:
    return os.path.join(save_dir, latest_filename or "checkpoint")


def update_checkpoint_state(save_dir: str, model_checkpoint_path: str,
                            all_model_checkpoint_paths: list[str] | None = None, latest_filename: str | None = None,
                            save_relative_paths: bool = False) -> None:
    """Write the state file of ``save_dir`` (atomically), with TensorFlow's choice of relative paths."""
    paths = list(all_model_checkpoint_paths or [])
    if save_relative_paths:
        model_checkpoint_path = _relative(model_checkpoint_path, save_dir)
        paths = [_relative(p, save_dir) for p in paths]
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    if not os.path.isabs(save_dir):  # a relative directory: every relative path relative to it
        model_checkpoint_path = model_checkpoint_path if os.path.isabs(model_checkpoint_path) \
            else os.path.relpath(model_checkpoint_path, save_dir)
        paths = [p if os.path.isabs(p) else os.path.relpath(p, save_dir) for p in paths]
    filename = state_filename(save_dir, latest_filename)
    if filename == model_checkpoint_path:
        raise RuntimeError(f"Save path '{model_checkpoint_path}' conflicts with path used for checkpoint state.  "
                           f"Please use a different save path.")
    atomic_write(filename, str(CheckpointState(model_checkpoint_path, paths)).encode("utf-8", "surrogateescape"))


def _relative(path: str, save_dir: str) -> str:
    return os.path.relpath(path, save_dir) if os.path.isabs(path) else path


def atomic_write(filename: str, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``filename``, flush it to disk, rename it over."""
    tmp = f"{filename}.tmp{uuid.uuid4().hex}"
    try:
        with open(tmp, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filename)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def get_checkpoint_state(checkpoint_dir: str | os.PathLike, latest_filename: str | None = None) \
        -> CheckpointState | None:
    """The directory's CheckpointState, relative paths joined onto ``checkpoint_dir``; None if there is
    no state file or it cannot be parsed (with a warning); ValueError if it names no checkpoint."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    filename = state_filename(checkpoint_dir, latest_filename)
    if not os.path.isfile(filename):
        return None
    try:
        with open(filename, encoding="utf-8", errors="surrogateescape") as f:
            state = parse_state(f.read())
    except (OSError, ValueError) as e:
        warnings.warn(f"{filename}: {e}: Checkpoint ignored", stacklevel=2)
        return None
    if not state.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    join = lambda p: p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)  # noqa: E731
    state.model_checkpoint_path = join(state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [join(p) for p in state.all_model_checkpoint_paths]
    return state


def latest_checkpoint(checkpoint_dir: str | os.PathLike, latest_filename: str | None = None) -> str | None:
    """The newest checkpoint's prefix per the directory's state file, or None if there is none
    (or the one it names no longer exists)."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is not None and checkpoint_exists(state.model_checkpoint_path):
        return state.model_checkpoint_path
    return None


def checkpoint_exists(checkpoint_prefix: str) -> bool:
    """Whether a checkpoint exists at this prefix: its ``.index`` (V2) or the prefix itself (a V1 file)."""
    prefix = os.fspath(checkpoint_prefix)
    return bool(glob.glob(prefix + ".index") or glob.glob(prefix))


def get_checkpoint_mtimes(checkpoint_prefixes: list[str]) -> list[float]:
    """Modification times (seconds) of the checkpoints that exist, in order."""
    mtimes = []
    for prefix in checkpoint_prefixes:
        for pattern in (prefix + ".index", prefix):
            found = glob.glob(pattern)
            if found:
                mtimes.append(os.stat(found[0]).st_mtime_ns / 1e9)
                break
    return mtimes


def remove_checkpoint(checkpoint_prefix: str, checkpoint_format_version: int = 2,
                      meta_graph_suffix: str = "meta") -> None:
    """Delete a checkpoint's files (index, data shards and ``.meta`` if any)."""
    patterns = [f"{checkpoint_prefix}.{meta_graph_suffix}"]
    patterns += [checkpoint_prefix + ".index", checkpoint_prefix + ".data-?????-of-?????"] \
        if checkpoint_format_version == 2 else [checkpoint_prefix]
    for pattern in patterns:
        for path in glob.glob(pattern):
            try:
                os.remove(path)
            except FileNotFoundError:  # another process deleting it too
                pass
