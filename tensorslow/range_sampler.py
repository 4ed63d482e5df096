"""TensorFlow's candidate samplers (``range_sampler.cc``) in NumPy: the same classes from the same Philox words.

A candidate sampler picks ``num_sampled`` classes out of ``[0, range_max)`` for
a whole batch (``nce_loss`` and ``sampled_softmax_loss`` score only those) and
says how often each class is *expected* to be picked, which the losses use to
correct for the sampling.

The stream. One run of the op reads its words in order from a copy of the op's
Philox generator (``philox.py``): block after block, four 32-bit words each,
one word at a time (TF's ``SimplePhilox``). The op's generator itself moves on
by ``2048 * num_sampled`` words (``512 * num_sampled`` blocks) per run, so the
next run starts on fresh words.

Drawing one class:

* **log-uniform** (Zipf-like, for classes sorted by decreasing frequency): a
  uniform double ``u`` in [0, 1) from two words (``philox_dists.float64_from_words``),
  then ``floor(exp(u * log(range_max + 1))) - 1``. Class ``k`` comes out when
  ``exp(...)`` lands in ``[k + 1, k + 2)``, so ``P(k) = log((k + 2) / (k + 1)) / log(range_max + 1)``.
* **uniform**: a 64-bit integer from two words (the first is the low half), modulo ``range_max``;
  ``P(k) = 1 / range_max``.

With ``unique=True`` a draw equal to an earlier one is rejected and drawn again;
``num_tries`` counts all the draws.

Expected counts, in float32 as TF computes them: ``P(k) * num_sampled`` when
nothing was rejected (always, for ``unique=False``), else the chance that ``k``
shows up in ``num_tries`` draws, ``1 - (1 - P(k))^num_tries``, computed as
``-expm1(num_tries * log1p(-P(k)))`` with the C library's float32 ``log1pf``
and ``expm1f``. NumPy's ``log1p``/``expm1`` round differently in about one case
in fifty, so those two are reproduced here (``log1pf``, ``expm1f``): the C
library's algorithms (glibc, from Sun's fdlibm) step by step in float32.
"""
from __future__ import annotations

import math

import numpy as np

from . import philox_math
from .philox import Philox
from .philox_dists import float64_from_words

WORDS_RESERVED_PER_SAMPLE = 2048  # TF's "conservative estimate" of the words one sampled class needs
DRAWS_PER_CHUNK = 64  # unique sampling draws this many at a time, then keeps what it needs


def sample_candidates(gen: Philox, kind: str, num_sampled: int, range_max: int, unique: bool,
                      true_classes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One run of TF's ``LogUniformCandidateSampler`` (``kind="log_uniform"``) or ``UniformCandidateSampler``
    (``kind="uniform"``): (sampled_candidates int64, true_expected_count float32 like ``true_classes``,
    sampled_expected_count float32). ``gen`` then moves on as the op's generator does."""
    draw = _log_uniform_draws if kind == "log_uniform" else _uniform_draws
    if unique:
        sampled, num_tries = _unique_draws(gen, draw, num_sampled, range_max)
    else:
        sampled, num_tries = draw(gen, 0, num_sampled, range_max), num_sampled
    gen.skip(WORDS_RESERVED_PER_SAMPLE * num_sampled // 4)
    probability = log_uniform_probability if kind == "log_uniform" else uniform_probability
    true_expected = expected_count(probability(np.asarray(true_classes, np.int64), range_max), num_sampled, num_tries)
    return sampled, true_expected, expected_count(probability(sampled, range_max), num_sampled, num_tries)


def _words(gen: Philox, first: int, n: int) -> np.ndarray:
    """Words ``first .. first + n - 1`` of the stream (word ``i`` is word ``i % 4`` of block ``i // 4``)."""
    start, stop = first // 4, -(-(first + n) // 4)
    words = gen.at(np.arange(start, stop, dtype=np.uint64)).ravel()
    return words[first - 4 * start:first - 4 * start + n]


def _log_uniform_draws(gen: Philox, first: int, n: int, range_max: int) -> np.ndarray:
    """``n`` log-uniform classes from two words each, starting at draw number ``first``.

    ``exp`` is NumPy's: where it differs from the C library's in the last bit, the
    floor differs only if ``exp(...)`` is within that bit of an integer (odds ~1e-12).
    """
    words = _words(gen, 2 * first, 2 * n)
    u = float64_from_words(words[0::2], words[1::2])  # the first word gives the high mantissa bits
    return (np.exp(u * math.log1p(range_max)).astype(np.int64) - 1) % range_max


def _uniform_draws(gen: Philox, first: int, n: int, range_max: int) -> np.ndarray:
    """``n`` uniform classes: a 64-bit integer from two words each (low word first), modulo ``range_max``."""
    words = _words(gen, 2 * first, 2 * n).astype(np.uint64)
    return ((words[0::2] | (words[1::2] << np.uint64(32))) % np.uint64(range_max)).astype(np.int64)


def _unique_draws(gen: Philox, draw, num_sampled: int, range_max: int) -> tuple[np.ndarray, int]:
    """Draw until ``num_sampled`` distinct classes came out, in the order they first appeared; and the
    number of draws that took (``num_tries``)."""
    picked: list[int] = []
    seen: set[int] = set()
    tries = 0
    while len(picked) < num_sampled:
        for value in draw(gen, tries, DRAWS_PER_CHUNK, range_max).tolist():
            tries += 1
            if value not in seen:
                seen.add(value)
                picked.append(value)
                if len(picked) == num_sampled:
                    break
    return np.array(picked, dtype=np.int64), tries


def log_uniform_probability(classes: np.ndarray, range_max: int) -> np.ndarray:
    """P(k) = log((k + 2) / (k + 1)) / log(range_max + 1), in float64 rounded to float32 (as TF)."""
    ratio = (classes + 2.0) / (classes + 1.0)
    return (philox_math.log(ratio.ravel()).reshape(ratio.shape) / math.log1p(range_max)).astype(np.float32)


def uniform_probability(classes: np.ndarray, range_max: int) -> np.ndarray:
    """P(k) = 1 / range_max, rounded to float32."""
    return np.full(classes.shape, np.float32(1.0 / range_max), dtype=np.float32)


def expected_count(p: np.ndarray, num_sampled: int, num_tries: int) -> np.ndarray:
    """How often each class of probability ``p`` (float32) is expected among the sampled ones (TF's
    ``ExpectedCountHelper``): ``p * num_sampled``, or after rejections ``1 - (1 - p)^num_tries``."""
    if num_tries == num_sampled:
        return p * np.float32(num_sampled)
    return -expm1f(np.float32(num_tries) * log1pf(-p))


# -- the C library's log1pf and expm1f, in float32 -----------------------------------------------
def _bits(x: np.ndarray) -> np.ndarray:
    return x.view(np.int32)


def _float(bits) -> np.ndarray:
    array = np.asarray(bits)
    return (array if array.dtype == np.int32 else array.astype(np.uint32)).view(np.float32)[()]


F32 = np.float32
LN2_HI, LN2_LO = _float(0x3F317180), _float(0x3717F7D1)  # ln 2 = LN2_HI + LN2_LO, LN2_HI with 12 zero low bits
LOG1P_POLY = [_float(b) for b in (0x3F2AAAAB, 0x3ECCCCCD, 0x3E924925, 0x3E638E29, 0x3E3A3325, 0x3E1CD04F,
                                  0x3E178897)]  # ~ 2/3, 2/5, 2/7, ...: log((1+s)/(1-s)) = 2s + s^3 R(s^2)
INV_LN2 = _float(0x3FB8AA3B)
EXPM1_POLY = [_float(b) for b in (0xBD088889, 0x3AD00D01, 0xB8A670CD, 0x36867E54, 0xB457EDBB)]


def log1pf(x: np.ndarray) -> np.ndarray:
    """log(1 + x) for float32 ``x`` in [-1, 0], rounded as the C library's ``log1pf``.

    Below -0.2929, ``1 + x`` is written ``2^k u`` with ``u`` in [sqrt(2)/2, sqrt(2))
    and ``c`` the rounding error of ``1 + x``; above, ``k = 0`` and ``f = x``. Then
    with ``f = u - 1`` and ``s = f / (2 + f)``: ``log(1 + f) = f - (f^2/2 - s (f^2/2 + R(s^2)))``,
    plus ``k ln2 + c / u`` (each step rounded to float32, in the C source's order).
    """
    x = np.asarray(x, np.float32)
    with np.errstate(all="ignore"):
        ax = _bits(x) & 0x7FFFFFFF
        reduced = ax > 0x3E95F61F  # x < -0.2929
        u = F32(1) + x
        hu = _bits(u)
        k = (hu >> 23) - 127
        c = (x - (u - F32(1))) / u
        hu = hu & 0x7FFFFF
        high = hu >= 0x3504F7  # u's mantissa above sqrt(2): use u / 2
        k = np.where(high, k + 1, k)
        u = _float(np.where(high, hu | 0x3F000000, hu | 0x3F800000))
        f = np.where(reduced, u - F32(1), x)
        k = np.where(reduced, k, 0).astype(np.float32)
        c = np.where(reduced, c, F32(0))
        hu = np.where(reduced, np.where(high, (0x800000 - hu) >> 2, hu), 1)
        hfsq = F32(0.5) * f * f
        s = f / (F32(2) + f)
        z = s * s
        poly = LOG1P_POLY[-1]
        for a in LOG1P_POLY[-2::-1]:
            poly = a + z * poly
        r = z * poly
        y = np.where(k == 0, f - (hfsq - s * (hfsq + r)),
                     k * LN2_HI - ((hfsq - (s * (hfsq + r) + (k * LN2_LO + c))) - f))
        # f within 2^-20 of 0 after the reduction: a shorter series
        r0 = hfsq * (F32(1) - F32(2.0 / 3) * f)
        near_power_of_two = np.where(f == 0, k * LN2_HI + (c + k * LN2_LO),
                                     k * LN2_HI - ((r0 - (k * LN2_LO + c)) - f))
        y = np.where(hu == 0, near_power_of_two, y)
        y = np.where(ax < 0x31000000, np.where(ax < 0x24800000, x, x - x * x * F32(0.5)), y)  # |x| < 2^-29
        return np.where(x == F32(-1), F32(-np.inf), y)


def expm1f(x: np.ndarray) -> np.ndarray:
    """exp(x) - 1 for float32 ``x <= 0``, rounded as the C library's ``expm1f``.

    ``x = k ln2 + r`` with ``|r| <= ln2 / 2`` (``r`` kept as ``hi - lo`` plus a
    correction ``c``); ``expm1(r)`` from a rational approximation in ``r^2/2``
    (coefficients ``EXPM1_POLY``), then ``exp(x) - 1 = 2^k (expm1(r) + 1) - 1``.
    """
    x = np.asarray(x, np.float32)
    with np.errstate(all="ignore"):
        hx = _bits(x) & 0x7FFFFFFF
        one_step = (hx > 0x3EB17218) & (hx < 0x3F851592)  # ln2/2 < |x| < 1.5 ln2: k = -1
        k = np.where(one_step, -1, (INV_LN2 * x - F32(0.5)).astype(np.int32))
        t = k.astype(np.float32)
        hi = np.where(one_step, x + LN2_HI, x - t * LN2_HI)
        lo = np.where(one_step, -LN2_LO, t * LN2_LO)
        reduce = hx > 0x3EB17218
        r = np.where(reduce, hi - lo, x)
        c = np.where(reduce, (hi - r) - lo, F32(0))
        k = np.where(reduce, k, 0)
        hfx = F32(0.5) * r
        hxs = r * hfx
        poly = EXPM1_POLY[-1]
        for q in EXPM1_POLY[-2::-1]:
            poly = q + hxs * poly
        r1 = F32(1) + hxs * poly
        t = F32(3) - r1 * hfx
        e = hxs * ((r1 - t) / (F32(6) - r * t))
        no_reduction = r - (r * e - hxs)
        e = (r * (e - c) - c) - hxs
        minus_one = F32(0.5) * (r - e) - F32(0.5)
        scaled = _float(_bits(F32(1) - (e - r)) + (k << 23)) - F32(1)  # 2^k (1 + expm1(r)) - 1
        y = np.where(k == 0, no_reduction, np.where(k == -1, minus_one, scaled))
        y = np.where(hx < 0x33000000, x, y)  # |x| < 2^-25: x itself
        return np.where(hx >= 0x4195B844, F32(-1), y)  # x < -27 ln2: -1
