"""The error every comparison of the harness reports: normwise, ``max|x - ref| / max|ref|`` over an array.

Normwise rather than elementwise, so an entry of the reference near zero does
not blow the figure up.
"""
import numpy as np


def normwise(x, ref):
    """(max|x - ref|, max|x - ref| / max|ref|) for arrays of the same shape."""
    x, ref = np.asarray(x, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    if x.shape != ref.shape:
        raise ValueError(f"shape {x.shape} differs from the reference's {ref.shape}")
    if x.size == 0:
        return 0.0, 0.0
    abs_err = float(np.max(np.abs(x - ref)))
    scale = float(np.max(np.abs(ref)))
    return abs_err, abs_err / scale if scale > 0 else (0.0 if abs_err == 0 else float("inf"))


def worst(errors):
    """The largest of ``errors``: NaN if any is NaN (Python's ``max`` skips NaN), 0.0 for none.

    A NaN error means the value or the reference held a NaN; it must fail every
    check it reaches (``nan <= tol`` is False), never vanish into a maximum.
    """
    values = [float(e) for e in errors]
    if any(np.isnan(v) for v in values):
        return float("nan")
    return max(values, default=0.0)


def passes(err, tol):
    """``err <= tol`` for a measured error: NaN, a negative error or a missing tolerance never passes."""
    try:
        err, tol = float(err), float(tol)
    except (TypeError, ValueError):
        return False
    return bool(err >= 0 and err <= tol)
