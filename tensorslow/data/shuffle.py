"""``Dataset.shuffle``: TensorFlow's shuffle buffer, drawing TensorFlow's random numbers.

With the same seeds, TensorSlow shuffles into the same order as ``tf.compat.v1``, epoch after epoch:

* **Seeds.** ``shuffle(buffer_size, seed)`` takes its two seeds with TF1's rule (``get_seed`` in
  ``ops/random_ops.py``: graph seed and op seed; only a graph seed -> the next derived op seed),
  when the graph is built, and makes them the op's int64 inputs ``seed`` and ``seed2`` as
  ``tf.data``'s own ``get_seed`` does: no seed anywhere gives two constants 0; otherwise ``seed2``
  is computed in the graph (``seed2/SelectV2``), ``2**31 - 1`` where both seeds are 0, so that a
  seeded pair is never (0, 0). The op reads (0, 0) as "no seed": each iterator then draws a fresh
  random pair.
* **One order per pass.** With ``reshuffle_each_iteration=True`` (the default) the bound dataset
  owns a *seed generator*: a Philox stream keyed by the two seeds. Each pass (each epoch of a
  ``repeat``) takes the next two 32-bit words of that stream as the seeds of its own Philox
  stream, so every epoch has a new order and the sequence of orders is fixed by the seeds.
  Re-running an initializable iterator's initializer instantiates the dataset again: the orders start
  over, as in TF. With ``reshuffle_each_iteration=False`` every pass uses the two seeds themselves.
* **The buffer.** A ring of ``buffer_size`` slots holds the window of upcoming elements. Before
  each output the window is refilled from the input, up to ``buffer_size`` elements; then a 32-bit
  word ``r`` picks ``window_start + r mod window_size``: that element is produced and the element
  at the window's start is moved into its slot (the window then starts one further). So
  ``buffer_size=1`` keeps the input order, and ``buffer_size >= len(dataset)`` is a uniform shuffle.

The words come from Philox one at a time, four per block, as TF's ``SingleSampleAdapter`` hands
them out. (Worked out against TensorFlow's orders; ``tests/test_data.py`` compares them.)
"""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

from .. import dtypes as _dtypes
from ..graph import get_default_graph
from ..ops.random_ops import get_seed
from ..philox import Philox
from .stages import Context, Element, Epoch, Stage, param

_BLOCKS_AT_ONCE = 64  # Philox blocks computed per NumPy call; words are then handed out one by one


class Words:
    """A Philox stream read one 32-bit word at a time (TF's ``SingleSampleAdapter<PhiloxRandom>``)."""

    def __init__(self, seed: int, seed2: int) -> None:
        self._philox = Philox(seed, seed2)
        self._words: list[int] = []
        self._next = 0

    def __call__(self) -> int:
        if self._next == len(self._words):
            self._words = self._philox.blocks(_BLOCKS_AT_ONCE).ravel().tolist()  # block by block, word by word
            self._philox.skip(_BLOCKS_AT_ONCE)
            self._next = 0
        word = self._words[self._next]
        self._next += 1
        return word


class SeedGenerator:
    """The seeds of each pass: the next two words of a stream keyed by the dataset's two seeds
    (``reshuffle``), or the two seeds themselves."""

    def __init__(self, seeds: tuple[int, int], reshuffle: bool) -> None:
        seed, seed2 = seeds
        if seed == seed2 == 0:  # no seed anywhere: TF draws a random 64-bit pair per iterator
            seed, seed2 = secrets.randbits(64), secrets.randbits(64)
        self.seeds = (seed, seed2)
        self._words = Words(*self.seeds) if reshuffle else None

    def next_pass(self) -> tuple[int, int]:
        if self._words is None:
            return self.seeds
        return self._words(), self._words()


def shuffled(elements: Iterator[Element], buffer_size: int, words: Words) -> Iterator[Element]:
    """``elements`` through a shuffle buffer of ``buffer_size`` slots (see the module docstring)."""
    ring: list[Element] = []  # slot i holds the element whose position is i mod buffer_size
    start = end = 0  # the window: positions start..end-1
    exhausted = False
    while True:
        while not exhausted and end - start < buffer_size:
            element = next(elements, None)
            if element is None:
                exhausted = True
            else:
                if len(ring) < buffer_size:
                    ring.append(element)  # the ring grows until it is full (end == len(ring) until then)
                else:
                    ring[end % buffer_size] = element
                end += 1
        if start == end:
            return
        slot = (start + words() % (end - start)) % buffer_size
        element = ring[slot]
        ring[slot] = ring[start % buffer_size]  # the window's first element takes the freed slot
        start += 1
        yield element


class Shuffle(Stage):
    """``shuffle(buffer_size, seed, reshuffle_each_iteration)`` (see the module docstring)."""

    op_type = "ShuffleDataset"

    def __init__(self, source: Stage, buffer_size: Any, seed: int | None, reshuffle: bool) -> None:
        self.inputs, self.spec = (source,), source.spec
        self.tensors = (param(buffer_size, "buffer_size"), *seed_tensors(seed))
        self.reshuffle = bool(reshuffle)

    def check(self, ctx: Context) -> None:
        buffer_size = int(ctx.value(self.tensors[0]))
        if buffer_size <= 0:
            raise ctx.error(f"buffer_size must be greater than zero or UNKNOWN_CARDINALITY (shuffle got "
                            f"buffer_size = {buffer_size})")

    def make(self, ctx: Context) -> Epoch:
        buffer_size, seed, seed2 = (int(ctx.value(t)) for t in self.tensors)
        source, seeds = ctx.input(), SeedGenerator((seed, seed2), self.reshuffle)

        def epoch():
            return shuffled(iter(source()), buffer_size, Words(*seeds.next_pass()))
        return epoch


def seed_tensors(op_seed: int | None) -> tuple[Any, Any]:
    """The int64 tensors ``seed`` and ``seed2`` of a dataset op, as ``tf.data``'s ``get_seed`` makes them
    (see the module docstring)."""
    from ..ops.core import convert_to_tensor
    from ..ops.indexing_ops import where_v2
    from ..ops.math_ops import equal, logical_and
    from ..variables import constant
    seed, seed2 = get_seed(op_seed, get_default_graph())
    if seed is None:
        seed_t = constant(0, dtype=_dtypes.int64, name="seed")
    else:
        seed_t = convert_to_tensor(seed, dtype=_dtypes.int64, name="seed")
    if seed2 is None:
        return seed_t, constant(0, dtype=_dtypes.int64, name="seed2")
    with get_default_graph().name_scope("seed2") as scope:
        seed2_t = convert_to_tensor(seed2, dtype=_dtypes.int64)
        both_zero = logical_and(equal(seed_t, 0), equal(seed2_t, 0))
        return seed_t, where_v2(both_zero, constant(2**31 - 1, dtype=_dtypes.int64), seed2_t, name=scope)
