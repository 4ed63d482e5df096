"""CRC32C (Castagnoli), the checksum of every block and tensor in a TensorFlow checkpoint.

The CRC of a byte string is the remainder of its bits, read as a polynomial over GF(2),
divided by the Castagnoli polynomial ``0x1EDC6F41`` (``0x82F63B78`` bit-reversed, since the
bytes are processed least significant bit first), with the register started at and finally
XORed with ``0xFFFFFFFF``. Byte by byte, with a 256-entry table ``T``::

    reg = T[(reg ^ byte) & 0xFF] ^ (reg >> 8)

That loop runs at about a microsecond per byte in Python: too slow for MB-sized tensors. Two
facts make it fast with NumPy:

* **Lanes.** Feeding bytes is affine in the register: ``feed(A + B, r) = zeros_|B|(feed(A, r)) ^
  feed(B, 0)``, where ``zeros_n`` (feeding ``n`` zero bytes) is linear. So we cut the data into
  ``L`` lanes of ``m`` bytes, run the table loop on all lanes at once (one NumPy step per byte
  column: ``m`` steps instead of ``L * m``), and fold the lanes' results together with ``zeros_m``.
* **Linear maps as tables.** ``zeros_m`` is a 32x32 matrix over GF(2), found by repeated squaring
  of ``zeros_1``; applying it is four lookups in tables of 256 entries, one per byte of its input.

TensorFlow stores CRCs *masked* (rotated and offset) so that the CRC of data which itself holds
CRCs is not degenerate: :func:`mask` and :func:`unmask`.
"""
from __future__ import annotations

import functools

import numpy as np

POLY = 0x82F63B78  # Castagnoli's polynomial, bit-reversed
MASK_DELTA = 0xA282EAD8
_M32 = 0xFFFFFFFF


def _make_table() -> list[int]:
    table = []
    for byte in range(256):
        reg = byte
        for _ in range(8):
            reg = (reg >> 1) ^ (POLY if reg & 1 else 0)
        table.append(reg)
    return table


TABLE = _make_table()
_TABLE_NP = np.array(TABLE, dtype=np.uint32)

_LANES = 8192  # lanes run side by side; fewer for small data (each lane at least _MIN_LANE bytes)
_MIN_LANE = 64
_SMALL = 2048  # below this many bytes the plain loop is faster than NumPy's per-call overhead


def _feed_loop(reg: int, data: bytes | memoryview) -> int:
    table = TABLE
    for byte in bytes(data):
        reg = table[(reg ^ byte) & 0xFF] ^ (reg >> 8)
    return reg


# -- GF(2) linear maps on 32-bit registers, stored as the images of the 32 unit vectors --------

def _apply(matrix: list[int], vector: int) -> int:
    result, bit = 0, 0
    while vector:
        if vector & 1:
            result ^= matrix[bit]
        vector >>= 1
        bit += 1
    return result


def _compose(outer: list[int], inner: list[int]) -> list[int]:
    return [_apply(outer, column) for column in inner]


@functools.lru_cache(maxsize=64)
def _zeros_tables(n: int) -> tuple[np.ndarray, ...]:
    """Four 256-entry tables whose XOR of lookups (one per byte of ``reg``) is ``zeros_n(reg)``."""
    one_zero = [_feed_loop(1 << bit, b"\0") for bit in range(32)]  # zeros_1 applied to each unit vector
    power, result = one_zero, list(1 << bit for bit in range(32))  # identity
    while n:  # zeros_n = zeros_1 ** n by repeated squaring
        if n & 1:
            result = _compose(power, result)
        power = _compose(power, power)
        n >>= 1
    tables = []
    for k in range(4):  # a table entry is the XOR of the images of its set bits: build by lowest bit
        table = [0] * 256
        for b in range(1, 256):
            low = (b & -b).bit_length() - 1
            table[b] = table[b & (b - 1)] ^ result[8 * k + low]
        tables.append(np.array(table, dtype=np.uint32))
    return tuple(tables)


def _feed_lanes(reg: int, data: np.ndarray) -> tuple[int, int]:
    """Feed as much of ``data`` (uint8) as fills whole lanes; return (register, bytes consumed)."""
    lanes = min(_LANES, data.size // _MIN_LANE)
    m = data.size // lanes
    columns = np.ascontiguousarray(data[:lanes * m].reshape(lanes, m).T)  # row j: byte j of every lane
    state = np.zeros(lanes, dtype=np.uint32)
    table = _TABLE_NP
    for column in columns:
        state = table[(state ^ column) & 0xFF] ^ (state >> 8)
    t0, t1, t2, t3 = (t.tolist() for t in _zeros_tables(m))
    for lane in state.tolist():  # reg <- zeros_m(reg) ^ lane
        reg = t0[reg & 0xFF] ^ t1[(reg >> 8) & 0xFF] ^ t2[(reg >> 16) & 0xFF] ^ t3[reg >> 24] ^ lane
    return reg, lanes * m


def crc32c(data: bytes | bytearray | memoryview | np.ndarray, crc: int = 0) -> int:
    """CRC32C of ``data`` (any buffer; an array's bytes in memory order); ``crc`` extends a previous one."""
    if isinstance(data, np.ndarray):
        data = np.ascontiguousarray(data).reshape(-1).view(np.uint8).data
    view = memoryview(data).cast("B")
    reg = crc ^ _M32
    done = 0
    if view.nbytes >= _SMALL:
        reg, done = _feed_lanes(reg, np.frombuffer(view, dtype=np.uint8))
    return _feed_loop(reg, view[done:]) ^ _M32


def mask(crc: int) -> int:
    """TensorFlow's masked CRC: rotate right by 15 bits, add a constant."""
    return ((((crc >> 15) | (crc << 17)) & _M32) + MASK_DELTA) & _M32


def unmask(masked: int) -> int:
    rot = (masked - MASK_DELTA) & _M32
    return ((rot >> 17) | (rot << 15)) & _M32
