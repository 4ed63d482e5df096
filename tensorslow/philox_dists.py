"""TensorFlow's recipes from Philox words to numbers, and the order they fill a tensor in.

Words to numbers (``u`` is one 32-bit word):

* **uniform float32**: put 23 bits of ``u`` under the exponent of 1.0, giving
  a float in [1, 2), and subtract 1: ``(u & 0x7FFFFF | 0x3F800000) as float - 1``.
  float16 does the same with 10 bits, float64 with 52 bits of two words
  (20 from the first, 32 from the second).
* **normal**: Box-Muller on two uniforms ``u1`` (raised to at least 1e-7) and
  ``u2``: ``sqrt(-2 log u1) * (sin 2 pi u2, cos 2 pi u2)``, two normals per pair
  (float64: two uniforms of two words each).
* **truncated normal**: normals from consecutive Box-Muller pairs, keeping
  those with ``|x| < 2`` until the group is full.
* **integers in [lo, hi)**: ``lo + u % (hi - lo)`` (int64: ``u`` of two words).

Order: the output is cut into *groups* of 4 values (2 for 64-bit types), each
drawn from one block; group ``g`` uses the block at ``counter + g``. Truncated
normals consume a variable number of words, so group ``g`` instead starts at
``counter + g * 256 * group / 4`` (256 reserved samples per value) and reads
blocks from there. Either way the numbers do not depend on how TensorFlow
splits the work among threads. A run then moves the op's generator on by
``256 * size`` blocks, so the next run draws new numbers.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import philox_math
from .philox import Philox

RESERVED_SAMPLES_PER_OUTPUT = 256  # TensorFlow's over-reservation per output value, per run
BOX_MULLER_EPSILON = 1.0e-7
TRUNCATE_AT = 2.0


def draw(kind: str, gen: Philox, size: int, dtype, **params) -> np.ndarray:
    """``size`` values of distribution ``kind`` from ``gen``, which then moves on as TF's kernel does."""
    np_dtype = np.dtype(dtype)
    recipe: Any = _KINDS[kind]
    values = recipe(gen.copy(), size, np_dtype, **params)
    gen.skip(size * RESERVED_SAMPLES_PER_OUTPUT)
    return values


def _group_size(dtype: np.dtype) -> int:
    return 2 if dtype.itemsize == 8 else 4


CHUNK_BLOCKS = 8192  # blocks converted at a time: the temporaries stay in the CPU cache (3x faster)


def _words(gen: Philox, size: int, dtype: np.dtype) -> np.ndarray:
    """The words of the first ceil(size / group) blocks, one block per group."""
    return gen.blocks(-(-size // _group_size(dtype))).ravel()


def _by_chunks(gen: Philox, size: int, dtype: np.dtype, convert) -> np.ndarray:
    """``convert(words)`` over the first ceil(size / group) blocks, a cache-sized chunk at a time."""
    n_blocks = -(-size // _group_size(dtype))
    parts = [convert(gen.at(np.arange(start, min(start + CHUNK_BLOCKS, n_blocks), dtype=np.uint64)).ravel())
             for start in range(0, n_blocks, CHUNK_BLOCKS)]
    return np.concatenate(parts)[:size] if parts else convert(np.empty(0, np.uint32))


# -- words to uniforms -----------------------------------------------------------------
def float32_from_words(u: np.ndarray) -> np.ndarray:
    """[0, 1): 23 random mantissa bits under 1.0's exponent, minus 1."""
    return ((u & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)).view(np.float32) - np.float32(1.0)


def float16_from_words(u: np.ndarray) -> np.ndarray:
    """[0, 1): the low 10 bits of each word as a float16 mantissa under 1.0's exponent, minus 1."""
    half = ((u & np.uint32(0x3FF)) | np.uint32(0x3C00)).astype(np.uint16)
    return half.view(np.float16) - np.float16(1.0)


def float64_from_words(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """[0, 1): 20 bits of ``hi`` and 32 of ``lo`` as a float64 mantissa under 1.0's exponent, minus 1."""
    mantissa = ((hi.astype(np.uint64) & np.uint64(0xFFFFF)) << np.uint64(32)) | lo.astype(np.uint64)
    return (mantissa | np.uint64(0x3FF0000000000000)).view(np.float64) - 1.0


def _uniform(gen, size, dtype):
    words = _words(gen, size, dtype)
    if dtype == np.float64:
        return float64_from_words(words[0::2], words[1::2])[:size]
    convert = float16_from_words if dtype == np.float16 else float32_from_words
    return convert(words)[:size]


def _uniform_int(gen, size, dtype, minval, maxval):
    span = int(maxval) - int(minval)
    words = _words(gen, size, dtype)
    if dtype.itemsize == 8:
        bits = words[0::2].astype(np.uint64) | (words[1::2].astype(np.uint64) << np.uint64(32))
        offset = (bits % np.uint64(span)).view(np.int64)
    else:
        offset = (words % np.uint32(span)).view(np.int32)
    return (offset[:size] + dtype.type(minval)).astype(dtype)


# -- Box-Muller ------------------------------------------------------------------------
def box_muller_float32(x0: np.ndarray, x1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two float32 normals per pair of words: ``sqrt(-2 log u1) * (sin v, cos v)``, ``v = 2 pi u2``.

    ``2 pi u2`` is formed in float64 (pi is a double in the C source) and rounded
    to float32; log, sqrt, sin and cos are float32 as in the C library.
    """
    u1 = np.maximum(float32_from_words(x0), np.float32(BOX_MULLER_EPSILON))
    v = (2.0 * np.pi * float32_from_words(x1).astype(np.float64)).astype(np.float32)
    radius = np.sqrt(np.float32(-2.0) * philox_math.logf(u1))
    sin, cos = philox_math.sincosf(v)
    return sin * radius, cos * radius


def box_muller_float64(x0, x1, x2, x3) -> tuple[np.ndarray, np.ndarray]:
    """Two float64 normals per four words (two 52-bit uniforms)."""
    u1 = np.maximum(float64_from_words(x0, x1), BOX_MULLER_EPSILON)
    v = 2.0 * np.pi * float64_from_words(x2, x3)
    radius = np.sqrt(-2.0 * philox_math.log(u1))
    return np.sin(v) * radius, np.cos(v) * radius


def _normal_pairs(words: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Normals from consecutive words, in draw order: (sin, cos) of each Box-Muller pair."""
    if dtype == np.float64:
        s, c = box_muller_float64(words[0::4], words[1::4], words[2::4], words[3::4])
    else:
        s, c = box_muller_float32(words[0::2], words[1::2])
    out = np.empty(2 * len(s), dtype=s.dtype)
    out[0::2], out[1::2] = s, c
    return out


def _normal(gen, size, dtype):
    values = _by_chunks(gen, size, dtype, lambda words: _normal_pairs(words, dtype))
    return values.astype(dtype) if dtype == np.float16 else values


# -- truncated normal ------------------------------------------------------------------
def _truncated(gen, size, dtype):
    """Each group reads blocks from its own reserved region and keeps the first values with |x| < 2."""
    group = _group_size(dtype)
    groups = -(-size // group)
    stride = group * RESERVED_SAMPLES_PER_OUTPUT // 4  # blocks reserved per group
    out = np.empty((groups, group), dtype=np.float64 if dtype == np.float64 else np.float32)
    filled = np.zeros(groups, dtype=np.int64)
    pending = np.arange(groups, dtype=np.uint64)
    block = 0
    while len(pending):
        blocks_now = 2 if block == 0 else 1  # two blocks fill almost every group at once
        offsets = pending[:, None] * np.uint64(stride) + np.arange(block, block + blocks_now, dtype=np.uint64)
        candidates = _normal_pairs(gen.at(offsets).ravel(), dtype).reshape(len(pending), -1)
        keep = np.abs(candidates) < TRUNCATE_AT
        rows = pending.astype(np.int64)
        slot = filled[rows, None] + np.cumsum(keep, axis=1) - 1
        take = keep & (slot < group)
        r, c = np.nonzero(take)
        out[rows[r], slot[r, c]] = candidates[r, c]
        filled[rows] = np.minimum(filled[rows] + keep.sum(axis=1), group)
        pending = pending[filled[rows] < group]
        block += blocks_now
    values = out.ravel()[:size]
    return values.astype(dtype) if dtype == np.float16 else values


_KINDS = {"uniform": _uniform, "uniform_int": _uniform_int, "normal": _normal, "truncated_normal": _truncated}
