"""Philox-4x32-10, the counter-based generator behind TensorFlow's random ops, in vectorized NumPy.

A *counter-based* generator has no hidden state that evolves sample by sample.
Its output is a pure function of a 64-bit **key** (the seed) and a 128-bit
**counter** (the position in the stream)::

    block(key, counter) = four 32-bit words

so the i-th block of the stream is ``block(key, start + i)``: any block can be
computed without computing the ones before it, which is what lets TensorFlow
fill a tensor from many threads at once, and what lets NumPy compute all of
them at once here (one array operation per round, for every block together).

One block is ten *rounds*. Writing the counter as four words ``c0 c1 c2 c3``
and the key as ``k0 k1``, a round is::

    hi0:lo0 = 0xD2511F53 * c0        (64-bit product split into two 32-bit words)
    hi1:lo1 = 0xCD9E8D57 * c2
    c0, c1, c2, c3 = hi1 ^ c1 ^ k0,  lo1,  hi0 ^ c3 ^ k1,  lo0

and between rounds the key is *bumped*: ``k0 += 0x9E3779B9, k1 += 0xBB67AE85``
(mod 2^32; the constants are the golden ratio and sqrt(3) - 1 as 32-bit
fractions). After ten rounds the four words are the output.

The distributions that turn words into numbers are in ``philox_dists.py``.
"""
from __future__ import annotations

import numpy as np

MASK32 = 0xFFFFFFFF
ROUND_MULTIPLIERS = (0xD2511F53, 0xCD9E8D57)
KEY_BUMPS = (0x9E3779B9, 0xBB67AE85)
ROUNDS = 10
WORDS_PER_BLOCK = 4


class Philox:
    """A position in the stream of key ``key`` (two 32-bit words): the next block is ``counter``.

    ``Philox(seed, seed2)`` is TensorFlow's ``PhiloxRandom(seed, seed2)``: the
    64-bit ``seed`` is the key (low word first) and the 64-bit ``seed2`` fills
    the high half of the 128-bit counter, whose low half starts at zero.
    """

    def __init__(self, seed: int = 0, seed2: int = 0) -> None:
        seed, seed2 = int(seed) & (2**64 - 1), int(seed2) & (2**64 - 1)
        self.key = (seed & MASK32, seed >> 32)
        self.counter = seed2 << 64  # the 128-bit counter as one Python int

    def copy(self) -> Philox:
        other = Philox()
        other.key, other.counter = self.key, self.counter
        return other

    def skip(self, blocks: int) -> None:
        """Advance the counter by ``blocks`` (mod 2^128), as ``PhiloxRandom::Skip``."""
        self.counter = (self.counter + int(blocks)) % 2**128

    def blocks(self, n: int) -> np.ndarray:
        """The next ``n`` blocks (counters ``counter + i``) as an ``(n, 4)`` uint32 array.

        The generator itself does not move (a counter-based generator is a
        function of the counter): callers ``skip`` past what they used.
        """
        return self.at(np.arange(n, dtype=np.uint64))

    def at(self, offsets: np.ndarray) -> np.ndarray:
        """The blocks at counters ``counter + offsets`` (uint64 offsets), as an ``(n, 4)`` uint32 array."""
        lo, hi = self.counter & (2**64 - 1), self.counter >> 64
        offsets = np.asarray(offsets, dtype=np.uint64).ravel()
        low = offsets + np.uint64(lo)  # wraps mod 2^64 ...
        high = np.uint64(hi) + (low < offsets).astype(np.uint64)  # ... and the carry goes up
        mask, shift = np.uint64(MASK32), np.uint64(32)
        return philox_rounds([low & mask, low >> shift, high & mask, high >> shift], self.key)


def philox_rounds(counter: list[np.ndarray], key: tuple[int, int]) -> np.ndarray:
    """Ten Philox rounds over counters given as four uint64 arrays holding 32-bit words."""
    c0, c1, c2, c3 = (np.array(word, dtype=np.uint64) for word in counter)  # updated in place
    k0, k1 = key
    m0, m1 = np.uint64(ROUND_MULTIPLIERS[0]), np.uint64(ROUND_MULTIPLIERS[1])
    mask, shift = np.uint64(MASK32), np.uint64(32)
    p0, p1 = np.empty_like(c0), np.empty_like(c0)
    for r in range(ROUNDS):
        if r:
            k0, k1 = (k0 + KEY_BUMPS[0]) & MASK32, (k1 + KEY_BUMPS[1]) & MASK32
        np.multiply(c0, m0, out=p0)  # < 2^64: an exact 32x32 -> 64-bit product
        np.multiply(c2, m1, out=p1)
        # new c0 = hi(p1) ^ c1 ^ k0, c1 = lo(p1), c2 = hi(p0) ^ c3 ^ k1, c3 = lo(p0); reuse the arrays
        np.right_shift(p1, shift, out=c0)
        c0 ^= c1
        c0 ^= np.uint64(k0)
        np.right_shift(p0, shift, out=c2)
        c2 ^= c3
        c2 ^= np.uint64(k1)
        np.bitwise_and(p1, mask, out=c1)
        np.bitwise_and(p0, mask, out=c3)
    out = np.empty((len(c0), WORDS_PER_BLOCK), dtype=np.uint32)
    for i, word in enumerate((c0, c1, c2, c3)):
        out[:, i] = word
    return out
