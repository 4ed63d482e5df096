"""How the time of a call grows along a benchmark sweep: fixed overhead and growth slope.

A sweep of bench.csv times one call (a training step, an inference call) at
several values x of one variable (:data:`SWEEP_VARIABLE`: batch size, hidden
width, depth, parameter count) with everything else held fixed. The time is
modelled as

    t(x) = c + d * x**k

where c is the fixed overhead of a call (Python, graph walk, session dispatch:
what is paid however little work there is) and d * x**k the cost of the work.
Both the report and the bench command print :func:`fit_scaling`'s table.
"""
import numpy as np
import pandas as pd

#: The bench.csv column each sweep varies.
SWEEP_VARIABLE = {"batch": "batch_size", "width": "width", "depth": "depth", "model": "n_params"}

#: Axis labels, with units, for the swept variables.
SWEEP_LABEL = {
    "batch": "batch size (examples)",
    "width": "hidden width (units)",
    "depth": "depth (hidden layers)",
    "model": "model size (parameters)",
}

#: One fit per group of bench rows.
GROUP = ["sweep", "framework", "phase", "dtype", "device"]

#: The columns that identify one point of a sweep (the same point in every framework).
POINT = ["sweep", "phase", "dtype", "device", "batch_size", "width", "depth", "n_params"]

FIT_COLUMNS = GROUP + ["variable", "n_points", "n_noisy", "x_min", "x_max", "fixed_overhead_s", "cost_per_unit_s",
                       "slope"]


def measured(bench_df):
    """The rows of ``bench_df`` that hold a time: status not skipped/error, a positive median time
    and a known sweep whose variable is positive; with the swept value in a column ``x``."""
    df = bench_df.copy()
    df["time_median_s"] = pd.to_numeric(df["time_median_s"], errors="coerce")
    df["x"] = np.nan
    for sweep in df["sweep"].unique():
        if sweep in SWEEP_VARIABLE:
            rows = df["sweep"] == sweep
            df.loc[rows, "x"] = pd.to_numeric(df.loc[rows, SWEEP_VARIABLE[sweep]], errors="coerce")
    ok = (~df["status"].isin(["skipped", "error"]) & (df["time_median_s"] > 0) & (df["x"] > 0)
          & np.isfinite(df["time_median_s"]) & np.isfinite(df["x"]))
    return df[ok].reset_index(drop=True)


def fit_scaling(bench_df):
    """Fit t(x) = c + d * x**k to each sweep/framework/phase/dtype/device group of ``bench_df``.

    ``bench_df`` has the columns of bench.csv (:data:`tensorslow_parity.schema.BENCH_COLUMNS`);
    only :func:`measured` rows count, and several rows at one x count as their
    median. Returns one row per group with at least one point, columns
    :data:`FIT_COLUMNS`:

    * ``variable``, ``n_points``, ``x_min``, ``x_max``: the swept column, the
      number of distinct x and their range.
    * ``n_noisy``: the points left out because bench.csv flags them ``noisy``
      (their repeats spread too far to trust); the fit uses the others only.
    * ``fixed_overhead_s`` (c): the intercept of the least-squares line
      t = c + d * x through all points, capped at min t because an overhead
      cannot be more than the fastest call. With one point, that point's time.
      NaN (unmeasurable) when the intercept comes out negative: the points are
      too noisy, or the growth too far from linear, to tell an overhead apart.
    * ``cost_per_unit_s`` (d at k = 1): the least-squares slope of t - c against x
      with c fixed (c = 0 where c is unmeasurable): seconds per extra example /
      unit of width / layer, averaged over the sweep. NaN with one point, and
      NaN (unmeasurable) when it comes out negative (times that fall as x grows).
    * ``slope`` (k): the least-squares slope of log(t - c) against log x over the
      upper half of the sweep (the ceil(n/2) largest x, at least 2) where t > c:
      how the cost of the work grows once the overhead is taken off. 1 is linear
      growth, 2 quadratic. NaN with fewer than two such points, and NaN
      (unmeasurable) when it comes out negative.

    Times that fall as x grows (a least-squares line of negative slope) give
    NaN for all three. A negative figure is never returned: it would be printed as a cost that
    shrinks as the work grows, which no machine measures; NaN says "unmeasurable".
    """
    rows = []
    df = measured(bench_df)
    df = df.assign(_noisy=noisy_mask(df))
    for key, group in df.groupby(GROUP, sort=False):
        steady = group[~group["_noisy"]]
        n_noisy = int(group.loc[group["_noisy"], "x"].nunique())
        if not len(steady):
            rows.append(dict(zip(GROUP, key), variable=SWEEP_VARIABLE[key[0]], n_points=0, n_noisy=n_noisy,
                             x_min=np.nan, x_max=np.nan, fixed_overhead_s=np.nan, cost_per_unit_s=np.nan,
                             slope=np.nan))
            continue
        points = steady.groupby("x")["time_median_s"].median().sort_index()
        x, t = points.index.to_numpy(float), points.to_numpy(float)
        c, d, k = _fit(x, t)
        rows.append(dict(zip(GROUP, key), variable=SWEEP_VARIABLE[key[0]], n_points=len(x), n_noisy=n_noisy,
                         x_min=x[0], x_max=x[-1], fixed_overhead_s=c, cost_per_unit_s=d, slope=k))
    return pd.DataFrame(rows, columns=FIT_COLUMNS)


def _fit(x, t):
    if len(x) < 2:
        return t[0], np.nan, np.nan
    line_slope, intercept = np.polyfit(x, t, 1)
    if line_slope < 0:
        return np.nan, np.nan, np.nan  # times that fall as the work grows: noise, nothing to measure
    c = float(min(intercept, t.min())) if intercept >= 0 else np.nan
    base = 0.0 if np.isnan(c) else c
    d = float(np.dot(t - base, x) / np.dot(x, x))
    upper = max(2, -(-len(x) // 2))
    x, work = x[-upper:], t[-upper:] - base
    x, work = x[work > 0], work[work > 0]
    k = float(np.polyfit(np.log(x), np.log(work), 1)[0]) if len(x) >= 2 else np.nan
    return c, (d if d >= 0 else np.nan), (k if k >= 0 else np.nan)


def noisy_mask(df):
    """Boolean array: the rows of ``df`` whose ``noisy`` flag is set (True, "True" or 1). A file without
    the column (written before it existed) or an empty cell counts as not noisy."""
    if "noisy" not in df.columns:
        return np.zeros(len(df), bool)
    return np.array([str(flag) in ("True", "1", "1.0") for flag in df["noisy"]], bool)


def ratios(bench_df, baseline):
    """Each :func:`measured` row's median time divided by ``baseline``'s at the same point
    (:data:`POINT`); NaN where ``baseline`` has no time there. Returns the measured rows with a
    column ``ratio_<baseline>``."""
    df = measured(bench_df)
    # NaN never equals NaN in a merge key, and unused columns (width in a batch sweep) may be empty.
    keys = df[POINT].fillna(-1)
    base = keys[df["framework"] == baseline].assign(base=df.loc[df["framework"] == baseline, "time_median_s"])
    base = base.groupby(POINT, as_index=False)["base"].median()
    merged = keys.merge(base, on=POINT, how="left")
    df[f"ratio_{baseline}"] = df["time_median_s"].to_numpy() / merged["base"].to_numpy()
    return df
