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

Three kernels read the stream their own way (``shuffle_permutation``,
``multinomial_samples``, ``gamma_samples``, below): a Fisher-Yates shuffle
from consecutive words, categorical samples from one uniform double per
sample, and Marsaglia-Tsang gamma variates with a reserved range per value.
"""
from __future__ import annotations

import math
import os
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


# -- shuffle ---------------------------------------------------------------------------
def shuffle_permutation(gen: Philox, n: int) -> np.ndarray:
    """TF's RandomShuffle order of ``n`` rows: a Fisher-Yates shuffle from consecutive words.

    Word ``i`` of the stream (blocks read in order, four words each) picks the
    row swapped into place ``i``: ``j = i + word_i % (n - i)``, for
    ``i = 0 .. n-2``. The run reserves ``ceil((n - 1) / 4)`` blocks and moves on
    by that much. (TF switches to 64-bit draws from two words for n >= 2^32 - 1
    rows, far beyond what fits in memory here.)
    """
    if n <= 1:
        return np.arange(n)
    blocks = -(-(n - 1) // 4)
    words = gen.blocks(blocks).ravel()[:n - 1]
    picks = (np.arange(n - 1, dtype=np.int64) + words.astype(np.int64) % np.arange(n, 1, -1)).tolist()
    gen.skip(blocks)
    perm = list(range(n))
    for i, j in enumerate(picks):  # each swap depends on the ones before: a plain loop
        perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, dtype=np.int64)


# -- multinomial -----------------------------------------------------------------------
def tf_cpu_threads() -> int:
    """The size of TensorFlow's intra-op thread pool by default: ``TF_NUM_INTRAOP_THREADS``, else the CPUs
    this process may run on."""
    env = os.environ.get("TF_NUM_INTRAOP_THREADS", "")
    if env.strip().isdigit() and int(env) > 0:
        return int(env)
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else (os.cpu_count() or 1)


def eigen_shards(n: int, cost: float, threads: int) -> list[int]:
    """First rows of the blocks Eigen's ``ThreadPoolDevice::parallelFor`` cuts ``n`` rows into.

    ``cost`` is the cycles per row. Small jobs (under about 10^5 cycles) run as
    one block; larger ones get blocks of at least 40000 cycles, at least
    ``n / (4 * threads)`` rows, grown while the load per thread stays as even.
    Multinomial's numbers depend on it (below), so on the thread count.
    """
    total = n * cost
    if n <= 1 or threads <= 1 or min(threads, max(1, int((total - 100000) / 100000 + 0.9))) == 1:
        return [0]

    def divup(a, b):
        return -(-a // b)

    def efficiency(blocks):
        return blocks / (divup(blocks, threads) * threads)
    size = min(n, max(divup(n, 4 * threads), int(40000 / cost)))
    largest, count = min(n, 2 * size), divup(n, size)
    best, previous = efficiency(count), count
    while best < 1.0 and previous > 1:
        coarser = divup(n, previous - 1)
        if coarser > largest:
            break
        previous = divup(n, coarser)
        if efficiency(previous) + 0.01 >= best:
            size, count, best = coarser, previous, max(best, efficiency(previous))
    return list(range(0, n, size))


def multinomial_samples(gen: Philox, logits: np.ndarray, num_samples: int, threads: int) -> np.ndarray:
    """TF's Multinomial: ``num_samples`` class indices per row of ``logits`` (batch, classes), as int64.

    Per row: ``cdf = cumsum(exp(logits - max))`` in float64 over the finite
    logits (not normalized), and each sample is the first class whose ``cdf``
    exceeds ``u * cdf[-1]`` for a uniform double ``u`` (two words). TF splits the
    rows into blocks among its threads (``eigen_shards``): a block starting at
    row ``s`` reads words from block ``s * (num_samples + 3) // 4`` on, two per
    sample, row after row. The run reserves ``256 * 2 * batch * ceil4(num_samples)``
    blocks.
    """
    batch, classes = logits.shape
    out = np.empty((batch, num_samples), dtype=np.int64)
    if out.size == 0:
        return out
    finite = np.isfinite(logits)
    top = np.where(finite, logits, np.finfo(logits.dtype).min).max(axis=1)  # the max in the logits' dtype
    cdf = np.cumsum(np.where(finite, np.exp(logits.astype(np.float64) - top.astype(np.float64)[:, None]), 0.0),
                    axis=1)  # sequential sums, as TF's running total
    cost = int(50 * (num_samples * math.log(classes) / math.log(2) + classes))  # TF's estimate per row
    starts = eigen_shards(batch, cost, threads)
    for start, stop in zip(starts, starts[1:] + [batch]):
        first = start * (num_samples + 3) // 4
        n_words = 2 * num_samples * (stop - start)
        words = gen.at(np.arange(first, first + -(-n_words // 4), dtype=np.uint64)).ravel()[:n_words]
        uniforms = float64_from_words(words[0::2], words[1::2]).reshape(stop - start, num_samples)
        for row in range(start, stop):
            out[row] = np.searchsorted(cdf[row], uniforms[row - start] * cdf[row, -1], side="right")
    gen.skip(RESERVED_SAMPLES_PER_OUTPUT * batch * 2 * ((num_samples + 3) // 4 * 4))
    return out


# -- gamma -----------------------------------------------------------------------------
class _GammaStreams:
    """One stream per output value for ``gamma_samples``: value ``k`` reads blocks from ``256 * k`` on.

    A block is either two normals (Box-Muller, float64) or two uniform doubles, drawn when the
    previous pair is used up; TF takes the *second* value of a pair first.
    """

    def __init__(self, gen: Philox, n: int) -> None:
        self.gen = gen
        self.block = np.arange(n, dtype=np.uint64) * np.uint64(RESERVED_SAMPLES_PER_OUTPUT)
        self.pairs = {"normal": np.zeros((n, 2)), "uniform": np.zeros((n, 2))}
        self.left = {"normal": np.zeros(n, np.int64), "uniform": np.zeros(n, np.int64)}

    def next(self, kind: str, rows: np.ndarray) -> np.ndarray:
        """The next ``kind`` value of the streams ``rows``."""
        pairs, left = self.pairs[kind], self.left[kind]
        empty = rows[left[rows] == 0]
        if len(empty):
            w = self.gen.at(self.block[empty])
            if kind == "normal":
                pairs[empty, 0], pairs[empty, 1] = box_muller_float64(w[:, 0], w[:, 1], w[:, 2], w[:, 3])
            else:
                pairs[empty, 0] = float64_from_words(w[:, 0], w[:, 1])
                pairs[empty, 1] = float64_from_words(w[:, 2], w[:, 3])
            self.block[empty] += np.uint64(1)
            left[empty] = 2
        left[rows] -= 1
        return pairs[rows, left[rows]]


def gamma_samples(gen: Philox, alphas: np.ndarray, samples_per_alpha: int) -> np.ndarray:
    """TF's RandomGamma: ``samples_per_alpha`` Gamma(alpha, 1) variates per alpha, float64, shape (samples, alphas).

    Marsaglia and Tsang: with ``d = alpha - 1/3``, ``c = 1 / (3 sqrt d)``, draw a
    normal ``x`` until ``v = (1 + c x)^3 > 0``, then a uniform ``u``; accept ``d v``
    if ``u < 1 - 0.0331 x^4`` or ``log u < x^2 / 2 + d (1 - v + log v)``, else
    start again. For alpha < 1, ``d = alpha + 2/3`` and the result is multiplied
    by ``b^(1/alpha)`` for one more uniform ``b``. alpha == 1 is ``-log1p(-u)``.
    Value (sample s, alpha a) reads its own range of blocks (``_GammaStreams``,
    index ``a * samples_per_alpha + s``); the run reserves 256 blocks per value.
    ``log`` is ``philox_math.log``; ``log1p`` and ``pow`` are the C library's (``math``).
    """
    alpha = np.repeat(alphas.astype(np.float64).ravel(), samples_per_alpha)  # value k has alpha k // samples
    n = alpha.size
    streams, out = _GammaStreams(gen, n), np.empty(n)
    below_one = alpha < 1
    d = alpha + np.where(below_one, 2.0 / 3, -1.0 / 3)
    c = 1.0 / 3 / np.sqrt(d)
    exponential = np.flatnonzero(alpha == 1.0)
    if len(exponential):
        out[exponential] = [-math.log1p(-u) for u in streams.next("uniform", exponential).tolist()]
    pending = np.flatnonzero(alpha != 1.0)
    while len(pending):
        x = streams.next("normal", pending)
        v = 1 + c[pending] * x
        go_on = ~(v <= 0)  # the others draw another normal (NaN goes on, as in TF's `if (v <= 0) continue`)
        rows, x, v = pending[go_on], x[go_on], v[go_on]
        v = v * v * v
        u = streams.next("uniform", rows)
        accept = (u < 1 - 0.0331 * (x * x) * (x * x)) | \
            (philox_math.log(u) < 0.5 * x * x + d[rows] * (1 - v + philox_math.log(v)))
        done = rows[accept]
        out[done] = d[done] * v[accept]
        boost = done[below_one[done]]
        if len(boost):
            b = streams.next("uniform", boost)
            with np.errstate(divide="ignore"):
                out[boost] *= [_c_pow(bb, e) for bb, e in zip(b.tolist(), (1 / alpha[boost]).tolist())]
        pending = np.setdiff1d(pending, done, assume_unique=True)
    gen.skip(RESERVED_SAMPLES_PER_OUTPUT * n)
    return out.reshape(alphas.size, samples_per_alpha).T


def _c_pow(x: float, y: float) -> float:
    """The C library's ``pow`` (Python's ``math.pow`` calls it), with C's inf where Python raises instead."""
    try:
        return math.pow(x, y)
    except (OverflowError, ValueError):
        with np.errstate(all="ignore"):
            return float(np.power(x, y))
