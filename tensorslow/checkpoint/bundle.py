"""TensorFlow's tensor bundle (checkpoint format V2): ``<prefix>.index`` + ``<prefix>.data-00000-of-00001``.

The **data file** is the tensors' raw bytes (little-endian, C order), one after another in the
order written (``tf.train.Saver`` writes them in key order), with no padding or header. The
**index** is a sorted table (:mod:`.table`) whose entry for the empty key is a
``BundleHeaderProto`` and whose entry for each tensor name (a variable's op name,
``dense/kernel``) is a ``BundleEntryProto`` (:mod:`.proto`) giving the tensor's dtype, shape,
the byte range in the data file and the masked CRC32C of those bytes.

A sharded save writes one bundle per device and then merges them (:func:`merge_bundles`).

Writing is atomic: both files are written to temporary names in the checkpoint's directory,
flushed to disk, then renamed into place, the index last (the index is what makes a checkpoint
exist), so a failure leaves either the previous checkpoint or none, never a half-written one.
"""
from __future__ import annotations

import dataclasses
import os
import sys
import uuid
from collections.abc import Mapping, Sequence

import numpy as np

from ..errors import DataLossError, InvalidArgumentError, NotFoundError, OutOfRangeError
from . import proto
from .crc32c import crc32c, mask, unmask
from .table import build_table, read_table

DATA_SUFFIX = ".data-00000-of-00001"


def data_path(prefix: str) -> str:
    return prefix + DATA_SUFFIX


def _dtype_enum(name: str, array: np.ndarray) -> int:
    if array.dtype.name not in proto.DTYPES:
        raise TypeError(f"Cannot save tensor {name!r} of dtype {array.dtype}: checkpoints here hold "
                        f"{', '.join(proto.DTYPES)}")
    return proto.DTYPES[array.dtype.name][0]


def write_bundle(prefix: str, tensors: Mapping[str, np.ndarray]) -> None:
    """Write ``tensors`` (name -> array) as the checkpoint ``prefix``, atomically."""
    arrays = {name: np.asarray(value) for name, value in tensors.items()}
    for name, array in arrays.items():
        _dtype_enum(name, array)
    directory = os.path.dirname(prefix) or "."
    tag = f".tempstate{uuid.uuid4().hex}"
    data_tmp, index_tmp = data_path(prefix) + tag, prefix + ".index" + tag
    try:
        items = [(b"", proto.BundleHeader().encode())]
        offset = 0
        with open(data_tmp, "wb") as f:
            for name in arrays:  # the data in the order given (as TensorFlow's bundle writer), the index sorted
                array = arrays[name]
                if sys.byteorder != "little" or not array.flags.c_contiguous:  # (ascontiguousarray makes 0-d 1-d)
                    array = array.astype(array.dtype.newbyteorder("<"), order="C")
                raw = array.reshape(-1).view(np.uint8).data  # the bytes, without a copy
                f.write(raw)
                entry = proto.BundleEntry(_dtype_enum(name, array), array.shape, offset=offset, size=raw.nbytes,
                                          crc32c=mask(crc32c(raw)))
                items.append((name.encode(), entry.encode()))
                offset += raw.nbytes
            _sync(f)
        with open(index_tmp, "wb") as f:
            f.write(build_table(sorted(items)))
            _sync(f)
        os.replace(data_tmp, data_path(prefix))
        os.replace(index_tmp, prefix + ".index")
    except BaseException:
        _remove_if_there(data_tmp, index_tmp)
        raise
    _sync_directory(directory)


def merge_bundles(sources: Sequence[str], destination: str, delete_old_dirs: bool = True) -> None:
    """Join the checkpoints ``sources`` (one per device of a sharded save) into one, ``destination``
    (TF's ``MergeV2Checkpoints``): their data files are renamed to ``destination``'s shards
    (``.data-00000-of-0000N``...), one index lists every tensor with its new shard number, and the
    sources' index files are removed; with ``delete_old_dirs``, so are their directories, if empty.

    The data files move first and the index is written last, atomically (it is what makes the
    checkpoint exist). A tensor name found in two sources is refused before anything moves.
    """
    readers = [BundleReader(prefix) for prefix in sources]
    total = sum(reader.header.num_shards for reader in readers)
    items, moves, first = [(b"", proto.BundleHeader(num_shards=total).encode())], [], 0
    seen: dict[str, str] = {}
    for reader in readers:
        for name in reader.keys():
            if name in seen:
                raise InvalidArgumentError(None, f"Duplicate tensor key {name!r} in the checkpoints {seen[name]} "
                                                 f"and {reader.prefix} being merged into {destination}")
            seen[name] = reader.prefix
            entry = dataclasses.replace(reader.entry(name), shard_id=reader.entry(name).shard_id + first)
            items.append((name.encode("utf-8", "surrogateescape"), entry.encode()))
        moves += [(reader._data_file(k), f"{destination}.data-{first + k:05d}-of-{total:05d}")
                  for k in range(reader.header.num_shards)]
        first += reader.header.num_shards
    for source, target in moves:
        os.replace(source, target)
    index_tmp = f"{destination}.index.tempstate{uuid.uuid4().hex}"
    try:
        with open(index_tmp, "wb") as f:
            f.write(build_table(sorted(items)))
            _sync(f)
        os.replace(index_tmp, destination + ".index")
    except BaseException:
        _remove_if_there(index_tmp)
        raise
    _sync_directory(os.path.dirname(destination) or ".")
    for prefix in sources:
        _remove_if_there(prefix + ".index")
    if delete_old_dirs:
        for directory in dict.fromkeys(os.path.dirname(prefix) for prefix in sources):
            try:
                os.rmdir(directory)  # only if empty, as TF's DeleteDir
            except OSError:
                pass


def _remove_if_there(*paths: str) -> None:
    for path in paths:
        if os.path.exists(path):
            os.remove(path)


def _sync(f) -> None:
    f.flush()
    os.fsync(f.fileno())


def _sync_directory(directory: str) -> None:
    """Make the renames durable (POSIX: fsync the directory); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class BundleReader:
    """Reads a checkpoint written by TensorFlow or by :func:`write_bundle`.

    The index is read (and its checksums verified) on construction; each tensor is read from the
    data file when asked for, and its checksum verified then.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        index_path = prefix + ".index"
        try:
            with open(index_path, "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            raise NotFoundError(None, f"Unsuccessful TensorSliceReader constructor: Failed to find any matching "
                                      f"files for {prefix}") from None
        table = read_table(raw, index_path)
        if not table or table[0][0] != b"":
            raise DataLossError(None, f"Unable to read file ({index_path}): it has no bundle header entry")
        self.header = proto.BundleHeader.decode(table[0][1])
        if self.header.endianness != 0:
            raise NotImplementedError(f"{index_path}: reading a big-endian checkpoint is not supported")
        if self.header.min_consumer > 1:
            raise DataLossError(None, f"{index_path}: checkpoint format version {self.header.min_consumer} is "
                                      f"newer than this reader (1)")
        self._entries: dict[str, proto.BundleEntry] = {}
        for key, value in table[1:]:
            self._entries[key.decode("utf-8", "surrogateescape")] = proto.BundleEntry.decode(value)

    def keys(self) -> list[str]:
        return list(self._entries)

    def entry(self, name: str) -> proto.BundleEntry:
        entry = self._entries.get(name)
        if entry is None:
            raise NotFoundError(None, f"Key {name} not found in checkpoint")
        return entry

    def dtype_name(self, name: str) -> str:
        """The entry's dtype as a NumPy/TensorSlow name (``float32``); TypeError for one TensorSlow lacks."""
        enum = self.entry(name).dtype
        if enum not in proto.ENUM_TO_NAME:
            raise TypeError(f"Checkpoint {self.prefix}: tensor {name!r} has dtype "
                            f"{proto.TF_TYPE_NAMES.get(enum, enum)}, which TensorSlow does not support")
        return proto.ENUM_TO_NAME[enum]

    def shape(self, name: str) -> tuple[int, ...]:
        return self.entry(name).shape

    def read(self, name: str) -> np.ndarray:
        """The tensor ``name`` as a new array; DataLossError/OutOfRangeError naming the data file if it is bad."""
        entry = self.entry(name)
        if entry.slices:
            raise NotImplementedError(f"Checkpoint {self.prefix}: tensor {name!r} is saved in slices (a "
                                      f"partitioned variable), which TensorSlow does not read")
        dtype = np.dtype(self.dtype_name(name)).newbyteorder("<")
        count = int(np.prod(entry.shape, dtype=np.int64))
        if count * dtype.itemsize != entry.size:
            raise DataLossError(None, f"Checkpoint {self.prefix}: tensor {name!r} of shape {list(entry.shape)} "
                                      f"has {entry.size} bytes, not {count * dtype.itemsize}")
        path = self._data_file(entry.shard_id)
        try:
            with open(path, "rb") as f:
                f.seek(entry.offset)
                raw = f.read(entry.size)
        except FileNotFoundError:
            raise NotFoundError(None, f"{path}; No such file or directory") from None
        if len(raw) < entry.size:
            raise OutOfRangeError(None, f"Read less bytes than requested: tensor {name!r} needs bytes "
                                        f"{entry.offset}..{entry.offset + entry.size} of {path}, which has "
                                        f"{os.path.getsize(path)}")
        computed = crc32c(raw)
        if computed != unmask(entry.crc32c):
            raise DataLossError(None, f"TensorBundle at {self.prefix} shard {entry.shard_id} ({entry.size} bytes): "
                                      f"Checksum does not match: stored {unmask(entry.crc32c)} vs. calculated "
                                      f"on the restored bytes {computed} (tensor {name!r} in {path})")
        return np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="), copy=True).reshape(entry.shape)

    def _data_file(self, shard: int) -> str:
        shards = self.header.num_shards
        if not 0 <= shard < shards:
            raise DataLossError(None, f"Checkpoint {self.prefix}: shard {shard} out of range (num_shards={shards})")
        return f"{self.prefix}.data-{shard:05d}-of-{shards:05d}"
