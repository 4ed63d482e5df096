"""Deciding a speed target on a noisy machine: the interval of a ratio, and whether it is clearly on one side.

A target compares two engines timed in the same rounds (their blocks
interleaved, so a busy moment of the machine hits both alike). Round ``i``
gives one *paired ratio* ``r_i = ours_i / theirs_i``; the figure is their
median, and its distribution-free confidence interval comes from the order
statistics of the ``r_i`` (:func:`median_interval`): with ``n`` rounds sorted,
``[r_(k), r_(n+1-k)]`` holds the true median with probability
``1 - 2 P(B < k)``, ``B ~ Binomial(n, 1/2)``, whatever the distribution of the
noise, and ``k`` is the largest index that keeps that at least ``confidence``.

:func:`decide` then says ``PASS`` when the whole interval meets the target,
``FAIL`` when the whole interval misses it, and ``UNDECIDED`` when the target
lies inside the interval: on that run the machine was too noisy to tell, and
saying so is what keeps two runs in a row from giving opposite verdicts
(each decided verdict is wrong with probability below ``1 - confidence``,
and then only on one side).
"""
import math
import statistics
from dataclasses import dataclass

#: the probability that a ratio's interval holds its true median (a verdict needs the whole interval)
CONFIDENCE = 0.9


@dataclass(frozen=True)
class Interval:
    """The median of paired ratios and its confidence interval ``[low, high]`` (``coverage``: the
    probability that it holds the true median, from ``rounds`` rounds)."""

    median: float
    low: float
    high: float
    rounds: int
    coverage: float

    def describe(self):
        return f"{self.median:.2f}x [{self.low:.2f}, {self.high:.2f}] ({self.coverage:.0%}, {self.rounds} rounds)"


def _below(n, k):
    """P(B < k) for B ~ Binomial(n, 1/2)."""
    return sum(math.comb(n, i) for i in range(k)) / 2 ** n


def median_interval(values, confidence=CONFIDENCE):
    """:class:`Interval` of the median of ``values``: the widest order-statistic pair ``[x_(k), x_(n+1-k)]``
    narrowed as far as its coverage stays at least ``confidence`` (``[min, max]`` when even that falls short:
    too few rounds)."""
    xs = sorted(v for v in values if math.isfinite(v))
    n = len(xs)
    if not n:
        raise ValueError("no finite values: no interval")
    k = 1
    while k + 1 <= (n + 1) // 2 and 1 - 2 * _below(n, k + 1) >= confidence:
        k += 1
    coverage = 1 - 2 * _below(n, k) if 2 * k <= n else 0.0
    return Interval(statistics.median(xs), xs[k - 1], xs[n - k], n, coverage)


def paired_ratios(ours, theirs):
    """``ours[i] / theirs[i]`` round by round (the rounds both engines have)."""
    return [a / b for a, b in zip(ours, theirs) if b > 0]


def decide(interval, max_ratio, strict=False):
    """``PASS`` when all of ``interval`` meets "ratio <= max_ratio" (``<`` when ``strict``), ``FAIL`` when
    all of it misses, ``UNDECIDED`` when ``max_ratio`` lies inside it."""
    if interval.high < max_ratio or (not strict and interval.high == max_ratio):
        return "PASS"
    if interval.low > max_ratio or (strict and interval.low == max_ratio):
        return "FAIL"
    return "UNDECIDED"
