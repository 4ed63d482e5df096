"""The sorted string table (LevelDB's SSTable) that holds a checkpoint's ``.index``.

A table maps byte-string keys, in sorted order, to byte-string values. Layout::

    data block 0 | trailer | data block 1 | trailer | ... | metaindex block | trailer | index block | trailer | footer

* A **block** is a run of entries, each ``varint shared, varint non_shared, varint value_length,
  key[shared:], value``: a key is stored as the length of the prefix it shares with the previous
  key plus the rest (prefix compression). Every ``RESTART_INTERVAL``-th entry stores its key
  whole (``shared = 0``), a *restart point*; the block ends with the restart points' offsets and
  their count, each a little-endian uint32. (They let a reader binary-search; we scan.)
* A **trailer** (5 bytes) follows each block: the compression type (0, none: TensorFlow writes
  checkpoints uncompressed) and the masked CRC32C of block + type byte.
* A data block is closed once its size reaches ``BLOCK_SIZE``; the **index block** then holds,
  per data block, a key ``>=`` its last key and ``<`` the next block's first key (the shortest
  such, as LevelDB chooses it) and the block's *handle*: ``varint offset, varint size``.
* The **metaindex block** (for filters) is empty.
* The 48-byte **footer**: the metaindex and index handles, zero-padded to 40 bytes, then the
  magic number ``0xdb4775248b80fb57`` as a little-endian uint64.

These choices (block size, restart intervals, separator keys) are TensorFlow's, so a table
written here is byte for byte the one TensorFlow writes for the same entries.
"""
from __future__ import annotations

import struct

from ..errors import DataLossError
from .crc32c import crc32c, mask, unmask
from .proto import read_varint, varint

BLOCK_SIZE = 262144  # TensorFlow's table::Options().block_size
RESTART_INTERVAL = 16  # data blocks; the index block restarts at every entry
MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48
TRAILER_SIZE = 5


class _BlockBuilder:
    def __init__(self, restart_interval: int) -> None:
        self.restart_interval = restart_interval
        self.buffer = bytearray()
        self.restarts = [0]
        self.count = 0  # entries since the last restart point
        self.last_key = b""
        self.empty = True

    def add(self, key: bytes, value: bytes) -> None:
        shared = 0
        if self.count < self.restart_interval:
            limit = min(len(key), len(self.last_key))
            while shared < limit and key[shared] == self.last_key[shared]:
                shared += 1
        else:
            self.restarts.append(len(self.buffer))
            self.count = 0
        self.buffer += varint(shared) + varint(len(key) - shared) + varint(len(value)) + key[shared:] + value
        self.last_key, self.count, self.empty = key, self.count + 1, False

    def size_estimate(self) -> int:
        return len(self.buffer) + 4 * len(self.restarts) + 4

    def finish(self) -> bytes:
        return bytes(self.buffer) + struct.pack(f"<{len(self.restarts) + 1}I", *self.restarts, len(self.restarts))


def _shortest_separator(start: bytes, limit: bytes) -> bytes:
    """A short key ``k`` with ``start <= k < limit`` (LevelDB's bytewise FindShortestSeparator)."""
    common = 0
    while common < min(len(start), len(limit)) and start[common] == limit[common]:
        common += 1
    if common < min(len(start), len(limit)):
        byte = start[common]
        if byte < 0xFF and byte + 1 < limit[common]:
            return start[:common] + bytes([byte + 1])
    return start


def _short_successor(key: bytes) -> bytes:
    """A short key ``>= key`` (LevelDB's FindShortSuccessor): the first byte below 0xFF, plus one."""
    for i, byte in enumerate(key):
        if byte != 0xFF:
            return key[:i] + bytes([byte + 1])
    return key


def build_table(items: list[tuple[bytes, bytes]]) -> bytes:
    """The table file holding ``items`` (key, value), which must be sorted by key with no repeats."""
    out = bytearray()

    def write_block(contents: bytes) -> bytes:
        handle = varint(len(out)) + varint(len(contents))
        trailer_crc = mask(crc32c(b"\0", crc32c(contents)))
        out.extend(contents + b"\0" + struct.pack("<I", trailer_crc))
        return handle

    data, index = _BlockBuilder(RESTART_INTERVAL), _BlockBuilder(1)
    pending = None  # the handle of the last data block written, awaiting its index key
    last_key = b""
    for number, (key, value) in enumerate(items):
        if number and key <= last_key:
            raise ValueError(f"table keys must be added in strictly increasing order: {key!r} after {last_key!r}")
        if pending is not None:
            index.add(_shortest_separator(last_key, key), pending)
            pending = None
        data.add(key, value)
        last_key = key
        if data.size_estimate() >= BLOCK_SIZE:
            pending, data = write_block(data.finish()), _BlockBuilder(RESTART_INTERVAL)
    if not data.empty:
        pending = write_block(data.finish())
    if pending is not None:
        index.add(_short_successor(last_key), pending)
    metaindex_handle = write_block(_BlockBuilder(RESTART_INTERVAL).finish())
    index_handle = write_block(index.finish())
    footer = (metaindex_handle + index_handle).ljust(FOOTER_SIZE - 8, b"\0") + struct.pack("<Q", MAGIC)
    return bytes(out + footer)


# -- reading -----------------------------------------------------------------------------------

def read_table(data: bytes, path: str) -> list[tuple[bytes, bytes]]:
    """All (key, value) entries of the table file ``data`` (read from ``path``, for messages), with
    every block's checksum verified. DataLossError naming ``path`` if the file is not a sound table."""
    try:
        if len(data) < FOOTER_SIZE:
            raise DataLossError(None, "file is too short to be an sstable")
        if struct.unpack_from("<Q", data, len(data) - 8)[0] != MAGIC:
            raise DataLossError(None, "not an sstable (bad magic number)")
        footer = data[len(data) - FOOTER_SIZE:]
        _, pos = _read_handle(footer, 0)  # the metaindex block: no filters to read
        index_handle, _ = _read_handle(footer, pos)
        entries = []
        for _, handle in _block_entries(_read_block(data, index_handle)):
            entries.extend(_block_entries(_read_block(data, _read_handle(handle, 0)[0])))
    except DataLossError as e:
        raise DataLossError(None, f"Unable to read file ({path}). Perhaps the file is corrupt or was produced "
                                  f"by a newer version of TensorFlow with format changes: {e.message}") from None
    return entries


def _read_handle(data: bytes, pos: int) -> tuple[tuple[int, int], int]:
    offset, pos = read_varint(data, pos)
    size, pos = read_varint(data, pos)
    return (offset, size), pos


def _read_block(data: bytes, handle: tuple[int, int]) -> bytes:
    offset, size = handle
    end = offset + size
    if end + TRAILER_SIZE > len(data) - FOOTER_SIZE:
        raise DataLossError(None, "truncated block read")
    contents, kind = data[offset:end], data[end]
    stored = struct.unpack_from("<I", data, end + 1)[0]
    if crc32c(data[offset:end + 1]) != unmask(stored):
        raise DataLossError(None, "block checksum mismatch")
    if kind != 0:
        raise DataLossError(None, f"block compressed with type {kind} (only uncompressed tables are supported)")
    return contents


def _block_entries(block: bytes) -> list[tuple[bytes, bytes]]:
    if len(block) < 4:
        raise DataLossError(None, "bad block contents")
    num_restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    end = len(block) - 4 * (num_restarts + 1)
    if end < 0:
        raise DataLossError(None, "bad block contents")
    entries, key, pos = [], b"", 0
    while pos < end:
        shared, pos = read_varint(block, pos)
        non_shared, pos = read_varint(block, pos)
        length, pos = read_varint(block, pos)
        if shared > len(key) or pos + non_shared + length > end:
            raise DataLossError(None, "bad entry in block")
        key = key[:shared] + block[pos:pos + non_shared]
        pos += non_shared
        entries.append((key, block[pos:pos + length]))
        pos += length
    return entries
