"""Timing blocks of calls, and what the rounds of blocks say: median, min, max, spread.

A *block* is ``calls`` back-to-back calls of one function (one training step,
one inference call) timed with ``time.perf_counter``; its figure is the time
per call. A run times one block of every engine in turn, round after round,
so that machine noise hits all of them alike; the figure of an engine is the
median over the rounds, with the min and max beside it. The *spread*, the
upper quartile of the rounds over their lower quartile, says how steady the
machine was while the rounds ran (one disturbed round barely moves it, as it
barely moves the median): a point whose spread exceeds a threshold is *noisy*
(re-measured, or marked as such).
"""
import math
import statistics
import time
from dataclasses import dataclass

#: warm-up calls of each phase before timing
WARMUP = 3

#: the most calls one timed block makes, however fast a call is
MAX_CALLS = 10_000

#: a timed block stops once it has taken this many times its planned time (see :func:`time_block`)
BLOCK_LIMIT = 4

#: upper / lower quartile of the rounds above which a measurement is noisy
NOISE_THRESHOLD = 1.25


def time_block(fn, calls, limit):
    """Seconds per call of ``calls`` calls of ``fn``, or of fewer: the block ends after the call that passes
    ``limit`` seconds, so a machine that slows down mid-run (a busy neighbour) does not stretch the run."""
    clock = time.perf_counter
    t0 = clock()
    deadline = t0 + limit
    for n in range(1, calls + 1):  # noqa: B007  (n, the calls made, is read after the loop)
        fn()
        t = clock()
        if t > deadline:
            break
    return (t - t0) / n


def calls_per_block(fn, warmup, block_time):
    """Make ``warmup`` calls of ``fn``; return how many calls take about ``block_time`` seconds, estimated from
    the fastest of them (the first includes a session's first run or a ``tf.function`` trace)."""
    fastest = math.inf
    for _ in range(max(1, warmup)):
        t0 = time.perf_counter()
        fn()
        fastest = min(fastest, time.perf_counter() - t0)
    return max(1, min(MAX_CALLS, round(block_time / max(fastest, 1e-9))))


@dataclass(frozen=True)
class Spread:
    """The per-call times of the rounds of one measurement, summarized."""

    median: float
    min: float
    max: float
    rounds: int
    lower_quartile: float
    upper_quartile: float

    @classmethod
    def of(cls, times):
        if not times:
            raise ValueError("no times to summarize")
        q1, _, q3 = statistics.quantiles(times, n=4, method="inclusive") if len(times) > 1 else times * 3
        return cls(statistics.median(times), min(times), max(times), len(times), q1, q3)

    @property
    def ratio(self):
        """Upper / lower quartile over the rounds: 1 on a perfectly steady machine."""
        return self.upper_quartile / self.lower_quartile if self.lower_quartile > 0 else math.inf

    def noisy(self, threshold=NOISE_THRESHOLD):
        return self.ratio > threshold


def error_message(e):
    """What a measurement records of a failure: ``Type: message`` on one line, at most 400 characters."""
    text = " ".join(str(e).split()) or "no message"
    return f"{type(e).__name__}: {text[:400]}"


def rotated(items, shift):
    """``items`` starting at index ``shift`` (modulo its length), so that no item always runs first or always
    follows the same neighbour (TensorFlow's thread pools spin for a while after they finish)."""
    items = list(items)
    if not items:
        return items
    shift %= len(items)
    return items[shift:] + items[:shift]


def fmt_seconds(seconds):
    """``52.1 µs``, ``2.41 ms``, ``1.20 s``: three significant figures in a readable unit."""
    if seconds is None or not math.isfinite(seconds):
        return "-"
    unit, scale = next((u, s) for u, s in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)) if seconds >= s or u == "µs")
    value = seconds / scale
    digits = 0 if value >= 100 else 1 if value >= 10 else 2
    return f"{value:.{digits}f} {unit}"
