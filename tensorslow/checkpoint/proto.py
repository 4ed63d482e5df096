"""The two protocol buffer messages of a checkpoint's index, encoded and decoded by hand.

A protobuf message is a sequence of fields, each a *tag* ``(field_number << 3) | wire_type``
(a varint) followed by the value: wire type 0 a varint, 2 a length-prefixed byte string (also
used for nested messages), 5 four little-endian bytes, 1 eight. A varint stores 7 bits per byte,
least significant first, the high bit set on all but the last byte. Fields equal to their
default (0, empty) are left out, as proto3 writes them.

The messages (``tensorflow/core/protobuf/tensor_bundle.proto``)::

    BundleHeaderProto { int32 num_shards = 1; Endianness endianness = 2;  // LITTLE = 0
                        VersionDef version = 3; }      // VersionDef { producer = 1; min_consumer = 2; }
    BundleEntryProto  { DataType dtype = 1; TensorShapeProto shape = 2; int32 shard_id = 3;
                        int64 offset = 4; int64 size = 5; fixed32 crc32c = 6;
                        repeated TensorSliceProto slices = 7; }
    TensorShapeProto  { repeated Dim dim = 2; bool unknown_rank = 3; }   // Dim { int64 size = 1; }
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from ..errors import DataLossError

# TensorFlow's DataType enum (tensorflow/core/framework/types.proto) for the dtypes TensorSlow has,
# with the name TensorFlow's kernels print in messages.
DTYPES = {
    "float32": (1, "float"), "float64": (2, "double"), "int32": (3, "int32"), "uint8": (4, "uint8"),
    "int16": (5, "int16"), "int8": (6, "int8"), "int64": (9, "int64"), "bool": (10, "bool"),
    "float16": (19, "half"),
}
ENUM_TO_NAME = {enum: name for name, (enum, _) in DTYPES.items()}
TF_TYPE_NAMES = {0: "invalid", 7: "string", 8: "complex64", 14: "bfloat16", 17: "uint16", 18: "complex128",
                 20: "resource", 21: "variant", 22: "uint32", 23: "uint64",
                 **{enum: tf_name for enum, tf_name in DTYPES.values()}}


# -- wire format -------------------------------------------------------------------------------

def varint(value: int) -> bytes:
    """``value`` (non-negative, or a negative int64 as its two's complement) as a varint."""
    value &= (1 << 64) - 1
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """(value, position after it); DataLossError if the data ends inside it."""
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise DataLossError(None, "bad varint: the data ends inside it (or it is longer than 10 bytes)")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def varint_field(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value) if value else b""


def bytes_field(number: int, value: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(value)) + value


def fixed32_field(number: int, value: int) -> bytes:
    return varint(number << 3 | 5) + struct.pack("<I", value) if value else b""


def parse_fields(data: bytes) -> dict[int, list]:
    """Field number -> its values in order (ints for varints and fixed, bytes for length-delimited)."""
    fields: dict[int, list] = {}
    pos = 0
    while pos < len(data):
        tag, pos = read_varint(data, pos)
        number, wire = tag >> 3, tag & 7
        value: int | bytes
        if wire == 0:
            value, pos = read_varint(data, pos)
        elif wire == 2:
            length, pos = read_varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            value, pos = int.from_bytes(data[pos:pos + width], "little"), pos + width
        else:
            raise DataLossError(None, f"bad protobuf: wire type {wire} of field {number}")
        if pos > len(data):
            raise DataLossError(None, f"bad protobuf: field {number} runs past the end of the message")
        fields.setdefault(number, []).append(value)
    return fields


def _int64(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


# -- the messages ------------------------------------------------------------------------------

@dataclass
class BundleHeader:
    num_shards: int = 1
    endianness: int = 0  # 0: little-endian
    producer: int = 1
    min_consumer: int = 0

    def encode(self) -> bytes:
        version = varint_field(1, self.producer) + varint_field(2, self.min_consumer)
        return varint_field(1, self.num_shards) + varint_field(2, self.endianness) + bytes_field(3, version)

    @classmethod
    def decode(cls, data: bytes) -> BundleHeader:
        fields = parse_fields(data)
        version = parse_fields(fields.get(3, [b""])[-1])
        return cls(fields.get(1, [0])[-1], fields.get(2, [0])[-1], version.get(1, [0])[-1], version.get(2, [0])[-1])


@dataclass
class BundleEntry:
    """Where one tensor's bytes are: ``size`` bytes at ``offset`` of data shard ``shard_id``."""

    dtype: int
    shape: tuple[int, ...]
    shard_id: int = 0
    offset: int = 0
    size: int = 0
    crc32c: int = 0  # masked
    slices: list = field(default_factory=list)

    def encode(self) -> bytes:
        shape = b"".join(bytes_field(2, varint_field(1, d)) for d in self.shape)
        return (varint_field(1, self.dtype) + bytes_field(2, shape) + varint_field(3, self.shard_id)
                + varint_field(4, self.offset) + varint_field(5, self.size) + fixed32_field(6, self.crc32c))

    @classmethod
    def decode(cls, data: bytes) -> BundleEntry:
        fields = parse_fields(data)
        shape_fields = parse_fields(fields.get(2, [b""])[-1])
        if shape_fields.get(3, [0])[-1]:
            raise DataLossError(None, "a checkpoint entry has a shape of unknown rank")
        shape = tuple(_int64(parse_fields(dim).get(1, [0])[-1]) for dim in shape_fields.get(2, []))
        get = lambda number: fields.get(number, [0])[-1]  # noqa: E731
        return cls(get(1), shape, get(3), _int64(get(4)), _int64(get(5)), get(6), fields.get(7, []))
