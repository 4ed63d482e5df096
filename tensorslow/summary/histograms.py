"""The histogram TensorFlow's ``HistogramSummary`` writes, computed with NumPy.

TensorFlow does not choose buckets from the data: every histogram uses one fixed, exponential set of
bucket limits (``tensorflow/core/lib/histogram/histogram.cc``), symmetric around 0::

    -DBL_MAX, -v_n, ..., -v_1, -v_0, 0, v_0, v_1, ..., v_n, DBL_MAX     v_0 = 1e-12, v_k+1 = 1.1 v_k < 1e20

A value x goes into the first bucket whose limit is greater than x (bucket k holds
``limits[k-1] <= x < limits[k]``), so each bucket is 10% wider than the one before it: fine near 0,
coarse far from it. The proto lists (limit, count) for non-empty buckets; a run of empty buckets is
written as one bucket with the run's last limit and count 0, which keeps the proto small and still lets
TensorBoard know where the data starts and stops.
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np

DBL_MAX = sys.float_info.max


def _default_limits() -> np.ndarray:
    positive = []
    v = 1.0e-12
    while v < 1.0e20:  # the same float64 products as TF's loop, so the limits are bit-equal
        positive.append(v)
        v *= 1.1
    positive.append(DBL_MAX)
    negative = [-p for p in reversed(positive)]
    return np.array(negative + [0.0] + positive, dtype=np.float64)


BUCKET_LIMITS = _default_limits()  # 1549 limits: 774 negative, 0, 774 positive
BUCKET_LIMITS.setflags(write=False)


def histogram(values: Any) -> dict[str, Any]:
    """The fields of TF's ``HistogramProto`` for ``values`` (any shape, finite), as Python floats/lists.

    ``min``/``max``/``num``/``sum``/``sum_squares`` are taken over the values as float64, summed in
    order as TF's loop sums them (``cumsum`` adds sequentially; ``sum`` would add pairwise and differ in
    the last bits). An empty input keeps TF's initial min = DBL_MAX, max = -DBL_MAX.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    # np.searchsorted(side="right") is C++'s upper_bound: the index of the first limit > x.
    index = np.minimum(np.searchsorted(BUCKET_LIMITS, x, side="right"), len(BUCKET_LIMITS) - 1)
    counts = np.bincount(index, minlength=len(BUCKET_LIMITS)).astype(np.float64)
    limits, kept = _collapse_empty_runs(counts)
    return {
        "min": float(x.min()) if x.size else DBL_MAX,
        "max": float(x.max()) if x.size else -DBL_MAX,
        "num": float(x.size),
        "sum": float(np.cumsum(x)[-1]) if x.size else 0.0,
        "sum_squares": float(np.cumsum(x * x)[-1]) if x.size else 0.0,
        "bucket_limit": limits,
        "bucket": kept,
    }


def _collapse_empty_runs(counts: np.ndarray) -> tuple[list[float], list[float]]:
    """(limits, counts) with each run of empty buckets written as one: its last limit, count 0."""
    limits: list[float] = []
    kept: list[float] = []
    for k, count in enumerate(counts):
        if count == 0 and k + 1 < len(counts) and counts[k + 1] == 0:
            continue  # inside a run of empty buckets: the run's last bucket stands for it
        limits.append(float(BUCKET_LIMITS[k]))
        kept.append(float(count))
    return limits, kept
