"""``tf.gfile`` and ``tf.io.gfile``: TensorFlow's file API, for local files.

TensorFlow's gfile reads and writes local paths and remote ones (``gs://``, ``hdfs://``) through one
interface. TensorSlow keeps the interface for local files, on top of ``open``, ``os`` and ``shutil``,
with TensorFlow's errors: ``tf.errors.NotFoundError`` for a missing file or directory (raised at the
first read, as TF opens lazily), ``AlreadyExistsError`` when ``rename``/``copy`` would overwrite.

Two spellings of each function: TF1's ``tf.gfile.Exists`` and TF2's ``tf.io.gfile.exists``.
"""
from __future__ import annotations

import glob as _glob
import os
import shutil
from collections.abc import Iterator
from typing import Any, NamedTuple

from tensorslow.errors import AlreadyExistsError, InvalidArgumentError, NotFoundError


def _not_found(path: Any) -> NotFoundError:
    return NotFoundError(None, f"{os.fspath(path)}; No such file or directory")


class GFile:
    """A file, as ``open`` returns one: ``read``/``readline``/``write``/iteration/``with``; text for modes
    ``r``/``w``/``a`` (str), bytes with ``b``. A missing file raises ``NotFoundError`` at the first read."""

    def __init__(self, name: Any, mode: str = "r") -> None:
        if mode.replace("b", "") not in ("r", "w", "a", "r+", "w+", "a+"):
            raise InvalidArgumentError(None, "mode is not 'r' or 'w' or 'a' or 'r+' or 'w+' or 'a+'")
        self.name, self.mode = os.fspath(name), mode
        self._file: Any = None
        if mode[0] in "wa":
            self._open()  # writing creates the file now

    def _open(self) -> Any:
        if self._file is None:
            try:
                self._file = open(self.name, self.mode)  # kept open until close()
            except FileNotFoundError:
                raise _not_found(self.name) from None
        return self._file

    def read(self, n: int = -1) -> Any:
        return self._open().read(n)

    def readline(self) -> Any:
        return self._open().readline()

    def readlines(self) -> list[Any]:
        return self._open().readlines()

    def write(self, data: Any) -> None:
        self._open().write(data)

    def seek(self, offset: int, whence: int = 0) -> None:
        self._open().seek(offset, whence)

    def tell(self) -> int:
        return self._open().tell()

    def size(self) -> int:
        return stat(self.name).length

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __iter__(self) -> Iterator[Any]:
        return iter(self._open())

    def __next__(self) -> Any:
        return next(self._open())

    def __enter__(self) -> GFile:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


Open = FastGFile = GFile


class FileStatistics(NamedTuple):
    length: int
    mtime_nsec: int
    is_directory: bool


def exists(path: Any) -> bool:
    return os.path.exists(path)


def isdir(path: Any) -> bool:
    return os.path.isdir(path)


def makedirs(path: Any) -> None:
    """Create ``path`` and its missing parents; nothing to do if it exists."""
    os.makedirs(path, exist_ok=True)


def mkdir(path: Any) -> None:
    """Create the directory ``path`` (its parent must exist)."""
    try:
        os.mkdir(path)
    except FileExistsError:
        pass  # as TensorFlow: creating an existing directory is not an error
    except FileNotFoundError:
        raise _not_found(path) from None


def glob(pattern: Any) -> list[str]:
    """Paths matching ``pattern`` (``*``, ``?``, ``[...]``); a bare file pattern gives ``./name`` as TF does."""
    pattern = os.fspath(pattern)
    matches = sorted(_glob.glob(pattern))
    return [os.path.join(".", m) for m in matches] if not os.path.dirname(pattern) else matches


def listdir(path: Any) -> list[str]:
    """Names of the entries of directory ``path``."""
    if not os.path.isdir(path):
        raise NotFoundError(None, f"Could not find directory {os.fspath(path)}")
    return os.listdir(path)


def remove(path: Any) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        raise _not_found(path) from None


def rmtree(path: Any) -> None:
    """Delete the directory ``path`` with everything in it."""
    if not os.path.exists(path):
        raise NotFoundError(None, f"{os.fspath(path)} not found")
    shutil.rmtree(path)


def _check_target(src: Any, dst: Any, overwrite: bool) -> None:
    if not os.path.exists(src):
        raise _not_found(src)
    if os.path.exists(dst) and not overwrite:
        raise AlreadyExistsError(None, "file already exists")


def rename(src: Any, dst: Any, overwrite: bool = False) -> None:
    """Move ``src`` to ``dst``; an existing ``dst`` is an error unless ``overwrite``."""
    _check_target(src, dst, overwrite)
    os.replace(src, dst)


def copy(src: Any, dst: Any, overwrite: bool = False) -> None:
    """Copy file ``src`` to ``dst``; an existing ``dst`` is an error unless ``overwrite``."""
    _check_target(src, dst, overwrite)
    shutil.copyfile(src, dst)


def stat(path: Any) -> FileStatistics:
    """``length`` in bytes, ``mtime_nsec`` and ``is_directory`` of ``path``."""
    try:
        result = os.stat(path)
    except FileNotFoundError:
        raise _not_found(path) from None
    return FileStatistics(result.st_size, result.st_mtime_ns, os.path.isdir(path))


def walk(top: Any, topdown: bool = True, onerror: Any = None) -> Iterator[tuple[str, list[str], list[str]]]:
    """``(dirpath, dirnames, filenames)`` for each directory under ``top``, as ``os.walk``."""
    return os.walk(top, topdown=topdown, onerror=onerror)


def join(path: Any, *paths: Any) -> str:
    return os.path.join(path, *paths)


# TF1's names (tf.gfile.*)
Exists, IsDirectory, MakeDirs, MkDir, Glob = exists, isdir, makedirs, mkdir, glob
ListDirectory, Remove, DeleteRecursively, Rename, Copy, Stat, Walk = listdir, remove, rmtree, rename, copy, stat, walk

# The public API: what `tensorslow.gfile` offers (imports used to build it are not part of it).
__all__ = ["AlreadyExistsError", "Copy", "DeleteRecursively", "Exists", "FastGFile", "FileStatistics", "GFile",
           "Glob", "IsDirectory", "ListDirectory", "MakeDirs", "MkDir", "Open", "Remove", "Rename", "Stat", "Walk",
           "copy", "exists", "glob", "isdir", "join", "listdir", "makedirs", "mkdir", "remove", "rename", "rmtree",
           "stat", "walk"]
