"""Random draws inside the unrolled ``dynamic_rnn`` loop, as TensorFlow's while loop makes them.

TF builds the loop body once: a ``DropoutWrapper`` in it is *one* ``RandomUniform`` op, which takes one
seed (one derived seed from the graph seed, if it has no seed of its own) and, run at every iteration,
draws the next numbers of its Philox stream. TensorSlow builds the body once per time step, so it builds
that op T times. To draw the same numbers, the op of step 0 is built as usual and the ops of the later
steps *replay its stream*: they take no seed of their own (so the graph's later random ops get the seeds
TF gives them) and run the first op's kernel, which draws from the first op's generator.

The ops of a site draw one after the other in time order (each waits for the previous step's, by a
control dependency): TF's order when its loop runs one iteration at a time (``parallel_iterations=1``).
With parallel iterations (TF's default, 32) TF's executor starts many iterations at once and its
schedule decides which draws first (often the last iteration first, with no data flowing between
them), so the same elements are dropped, but at other time steps.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..graph import Tensor, get_default_graph

_current = threading.local()


class UnrolledLoop:
    """The random ops of one unrolled loop, by draw site (``key``), in the order of the time steps."""

    def __init__(self) -> None:
        self._sites: dict[Any, list[Tensor]] = {}

    def random(self, key: Any, build: Callable[[int | None], Any], seed: int | None) -> Any:
        """``build(seed)`` at draw site ``key`` (it must make one random op): at the site's first step as
        it is; at later steps with the op replaying the first one's stream (see the module docstring)."""
        graph = get_default_graph()
        before = len(graph.get_operations())
        site = self._sites.setdefault(key, [])
        out = build(seed if not site or seed is not None else 0)  # an op seed: no derived seed taken
        made = [n for n in graph.get_operations()[before:] if n.stateful and getattr(n, "seeds", None) is not None]
        if len(made) != 1:
            raise RuntimeError(f"expected one random op at {key!r}, got {[n.op_name for n in made]}")
        (node,) = made
        if site:
            node.compute = site[0].compute  # type: ignore[method-assign]  # draws from the first op's stream
            node.seeds = site[0].seeds  # type: ignore[attr-defined]  # random ops carry their seeds
        site.append(node)
        return out

    def order_draws(self) -> None:
        """Chain each site's ops by control dependencies, so that they draw in time order."""
        for site in self._sites.values():
            for earlier, later in zip(site, site[1:]):
                later.control_inputs += (earlier,)


@contextmanager
def unrolled_loop() -> Iterator[UnrolledLoop]:
    """The block builds the steps of one loop (nested loops: the innermost counts); on exit the loop's
    random ops are ordered."""
    outer = getattr(_current, "loop", None)
    _current.loop = loop = UnrolledLoop()
    try:
        yield loop
        loop.order_draws()
    finally:
        _current.loop = outer


def current_loop() -> UnrolledLoop | None:
    """The unrolled loop being built in this thread, if any."""
    return getattr(_current, "loop", None)
