"""Is a results directory one consistent set, and what do its numbers say? Checked before any report is made.

* The files ``tensorslow-parity run`` writes (results.csv, gradients.csv,
  trajectories.csv) are one set with environment.json, which lists each with
  its SHA-256 and the run's id (:func:`tensorslow_parity.files.write_set`): a
  file missing, cut, changed or written by another run is an error naming it.
* Every key of gradients.csv and trajectories.csv is a row of results.csv that ran.
* Pass and fail are recomputed from the numbers: a check passes when
  ``0 <= err <= tol`` (NaN, inf or a missing tolerance fail); a negative error
  is an error naming the file, line and column. The ``*_pass`` columns and a
  row's ``status`` are replaced by what the numbers say; each disagreement is
  returned as a warning.
"""
import numpy as np

from tensorslow_parity import schema
from tensorslow_parity.files import ResultsFileError, check_set
from tensorslow_parity.normwise import passes

RUN_FILES = (schema.RESULTS, schema.GRADIENTS, schema.TRAJECTORIES)
RAN = ("passed", "failed")


def check(directory, found, environment):
    """Check the loaded files (``found``: {name: DataFrame}); fix their flags in place; return the warnings."""
    present = [name for name in RUN_FILES if name in found]
    if not present:
        return []
    if environment is None:
        raise ResultsFileError(f"{directory / schema.ENVIRONMENT}: missing, so {', '.join(present)} cannot be "
                               "checked as one run's results; run again")
    check_set(directory, schema.ENVIRONMENT, environment)
    missing = [name for name in RUN_FILES if name not in found and name in environment.get("files", {})]
    if missing:
        raise ResultsFileError(f"{directory / missing[0]}: missing")
    for name, expected in (environment.get("rows") or {}).items():
        if name in found and len(found[name]) != expected:
            raise ResultsFileError(f"{directory / name}: {len(found[name])} rows, run "
                                   f"{environment.get('run_id', '?')} wrote {expected}")
    warnings = []
    results = found.get(schema.RESULTS)
    if results is not None:
        warnings += _recheck_results(results, directory / schema.RESULTS)
        ran = {tuple(k) for k in results.loc[results["status"].isin(RAN), schema.KEY].itertuples(index=False)}
        for name in (schema.GRADIENTS, schema.TRAJECTORIES):
            if name in found:
                _keys_ran(found[name], ran, directory / name)
    if schema.GRADIENTS in found:
        warnings += _recheck_gradients(found[schema.GRADIENTS], directory / schema.GRADIENTS)
    return warnings


def _recheck_results(df, path):
    warnings = []
    for i in df.index[df["status"].isin(RAN)]:
        line = i + 2  # line 1 is the header
        failed = []
        for name in schema.ALL_CHECK_NAMES:
            err, tol, flag = df.at[i, f"{name}_err"], df.at[i, f"{name}_tol"], df.at[i, f"{name}_pass"]
            if err < 0:
                raise ResultsFileError(f"{path}: line {line}, column {name}_err: {float(err)!r} is negative; "
                                       "an error is at least 0")
            if np.isnan(err) and flag is None:
                if name in ("forward", "loss", "gradients"):
                    raise ResultsFileError(f"{path}: line {line}, column {name}_err: empty in a row that ran")
                continue  # not run (a trajectory shorter than its head)
            ok = passes(err, tol)
            if flag is not ok:
                warnings.append(f"{path}: line {line}: {name}_pass says {flag} but the error {float(err)!r} against "
                                f"tolerance {float(tol)!r} {'passes' if ok else 'fails'}; counted as "
                                f"{'passed' if ok else 'failed'}")
            df.at[i, f"{name}_pass"] = ok
            if not ok:
                failed.append(name)
        status = "failed" if failed else "passed"
        if df.at[i, "status"] != status:
            warnings.append(f"{path}: line {line}: status {df.at[i, 'status']} but the checks say {status}")
            df.at[i, "status"] = status
            if failed and not df.at[i, "reason"]:
                df.at[i, "reason"] = "; ".join(f"{c}: {df.at[i, c + '_err']:.3g} > tolerance "
                                               f"{df.at[i, c + '_tol']:g}" for c in failed)
    return warnings


def _recheck_gradients(df, path):
    warnings = []
    for i in df.index:
        err, tol, flag = df.at[i, "max_rel"], df.at[i, "tol"], df.at[i, "pass"]
        if err < 0:
            raise ResultsFileError(f"{path}: line {i + 2}, column max_rel: {float(err)!r} is negative; "
                                   "an error is at least 0")
        ok = passes(err, tol)
        if flag is not ok:
            warnings.append(f"{path}: line {i + 2}: pass says {flag} but max_rel {float(err)!r} against "
                            f"tolerance {float(tol)!r} {'passes' if ok else 'fails'}")
        df.at[i, "pass"] = ok
    return warnings


def _keys_ran(df, ran, path):
    for i, key in enumerate(df[schema.KEY].itertuples(index=False)):
        if tuple(key) not in ran:
            raise ResultsFileError(f"{path}: line {i + 2}: {'/'.join(map(str, key))} is not a row of "
                                   f"{schema.RESULTS} that ran")
