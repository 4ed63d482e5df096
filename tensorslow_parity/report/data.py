"""Reading a results directory for the report: every file that exists, checked and typed.

:func:`load` reads whichever of the files of :mod:`tensorslow_parity.schema` a directory
holds. Each CSV must have its schema's columns; its cells are then typed: text
columns become strings (empty string for an empty cell), ``True``/``False``
columns become ``True``/``False``/``None`` and every other column becomes a
float (NaN for an empty cell). A cell that does not fit its column, or an
unknown ``status`` in results.csv, raises :class:`ResultsFileError` naming the
file, the line and the column. The run's files must then be one consistent set,
and pass/fail is recomputed from the numbers (:mod:`.consistency`).
"""
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tensorslow_parity import schema
from tensorslow_parity.files import ResultsFileError, check_set, read_csv, read_json
from tensorslow_parity.report import consistency

COLUMNS = {
    schema.RESULTS: schema.RESULTS_COLUMNS,
    schema.GRADIENTS: schema.GRADIENTS_COLUMNS,
    schema.TRAJECTORIES: schema.TRAJECTORIES_COLUMNS,
    schema.OPS: schema.OPS_COLUMNS,
    schema.BENCH: schema.BENCH_COLUMNS,
}

TEXT_COLUMNS = set(schema.KEY) | {
    "init", "status", "reason", "note", "variable", "shape", "op_type", "case", "tensorslow", "tf_v1", "tf2", "keras",
    "shapes", "sweep", "phase", "machine",
}
BOOL_COLUMNS = {f"{name}_pass" for name in schema.ALL_CHECK_NAMES} | {"pass", "forward_pass", "grad_pass", "noisy"}

#: Columns the report reads where a file has them, filled in where it does not: ``noisy`` (bench.csv, True
#: where the repeats of a point spread too far to trust it) is absent from files written before it existed.
OPTIONAL_COLUMNS = {schema.BENCH: {"noisy": None}}

KNOWN_COLUMNS = {c for columns in COLUMNS.values() for c in columns}

#: The order values are listed in (tables, legends); values not listed follow, sorted.
ORDER = {
    "framework": ("numpy", "tensorslow", "tf1", "tf2", "keras", "keras_fit") + schema.RUN_FRAMEWORKS,
    "device": schema.DEVICES,
    "dtype": schema.DTYPES,
    "init": schema.INIT_VALUES,
    "status": ("failed", "error", "passed", "skipped"),
    "phase": ("train", "forward", "epoch"),
    "sweep": ("batch", "width", "depth", "model"),
}


@dataclass
class ResultsDir:
    """The files of one results directory; a file that is absent is ``None``."""

    directory: Path
    results: pd.DataFrame | None = None
    gradients: pd.DataFrame | None = None
    trajectories: pd.DataFrame | None = None
    ops: pd.DataFrame | None = None
    bench: pd.DataFrame | None = None
    environment: dict | None = None
    #: where the stored pass/fail flags disagreed with the numbers (the numbers win)
    warnings: list = field(default_factory=list)

    @property
    def files(self):
        """The names of the files that were found, in schema order."""
        present = {schema.RESULTS: self.results, schema.GRADIENTS: self.gradients,
                   schema.TRAJECTORIES: self.trajectories, schema.OPS: self.ops, schema.BENCH: self.bench,
                   schema.ENVIRONMENT: self.environment}
        return [name for name, value in present.items() if value is not None]


def load(directory):
    """Read every results file in ``directory``; raise :class:`ResultsFileError` if there is none."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ResultsFileError(f"{directory}: no such directory")
    environment = None
    if (directory / schema.ENVIRONMENT).exists():
        environment = read_json(directory / schema.ENVIRONMENT)
        if "files" in environment:
            # First: a cut or mixed set is named as such, not by the first odd cell it holds.
            check_set(directory, schema.ENVIRONMENT, environment)
    found = {}
    for name, columns in COLUMNS.items():
        path = directory / name
        if path.exists():
            found[name] = _typed(_read(path, name, columns), path)
    if not found and environment is None:
        names = ", ".join(list(COLUMNS) + [schema.ENVIRONMENT])
        raise ResultsFileError(f"{directory}: no results files (expected any of {names})")
    results = found.get(schema.RESULTS)
    if results is not None:
        _check_status(results, directory / schema.RESULTS)
    warnings = consistency.check(directory, found, environment)
    if environment is not None:
        # Checked: the hashes and counts have done their job and are no reading matter for the report.
        environment = {k: v for k, v in environment.items() if k not in ("files", "rows")}
    return ResultsDir(directory, results, found.get(schema.GRADIENTS), found.get(schema.TRAJECTORIES),
                      found.get(schema.OPS), found.get(schema.BENCH), environment, warnings)


def _read(path, name, columns):
    """The CSV file ``name`` at ``path``; columns added to the schema after it was written (a results.csv
    before ``run --init``) are filled with their :data:`tensorslow_parity.schema.ADDED_COLUMNS` values."""
    added = {**schema.ADDED_COLUMNS.get(name, {}), **OPTIONAL_COLUMNS.get(name, {})}
    df = read_csv(path, [c for c in columns if c not in added])
    for column, value in added.items():
        if column not in df.columns:
            df[column] = value
    return df


def _typed(df, path):
    df = df.copy()
    for column in df.columns:
        if column in TEXT_COLUMNS:
            df[column] = pd.Series([_text(v) for v in df[column]], index=df.index, dtype=object)
        elif column in BOOL_COLUMNS:
            df[column] = _column(df[column], _flag, path, column, "True, False or empty")
        elif column not in KNOWN_COLUMNS and not pd.api.types.is_numeric_dtype(df[column]):
            # A column newer than this reader that holds text: kept as text, never an error.
            df[column] = pd.Series([_text(v) for v in df[column]], index=df.index, dtype=object)
        else:
            df[column] = _column(df[column], _number, path, column, "a number")
    return df


def _column(series, convert, path, column, expected):
    out = []
    for row, value in enumerate(series):
        try:
            out.append(convert(value))
        except ValueError:
            # Line 1 is the header, so data row 0 is line 2.
            raise ResultsFileError(f"{path}: line {row + 2}, column {column}: {value!r} is not {expected}") from None
    return pd.Series(out, index=series.index, dtype=object if convert is _flag else float)


def _text(value):
    if isinstance(value, float):
        # pandas reads a text column whose cells all look numeric as numbers: give back "3", not "3.0".
        return "" if np.isnan(value) else (str(int(value)) if value.is_integer() else repr(value))
    return str(value)


def _flag(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if value in ("True", "False"):
        return value == "True"
    raise ValueError(value)


def _number(value):
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(value)
    return float(value)  # float("nan") for an empty cell; ValueError for text


def _check_status(df, path):
    for row, status in enumerate(df["status"]):
        if status not in schema.STATUSES:
            raise ResultsFileError(f"{path}: line {row + 2}, column status: {status!r} is not one of "
                                   f"{', '.join(schema.STATUSES)}")


def ordered(values, column):
    """The distinct ``values`` of ``column`` in report order (:data:`ORDER`, then sorted)."""
    known = ORDER.get(column, ())
    distinct = list(dict.fromkeys(v for v in values if not (isinstance(v, float) and np.isnan(v))))
    rest = sorted((v for v in distinct if v not in known), key=lambda v: (isinstance(v, str), v))
    return list(dict.fromkeys(v for v in known if v in distinct)) + rest


def sort_rows(df, columns):
    """``df`` sorted by ``columns``, each in report order."""
    def rank(series):
        position = {v: i for i, v in enumerate(ordered(series, series.name))}
        return series.map(position)
    return df.sort_values(list(columns), key=rank, kind="stable").reset_index(drop=True)


def measured_checks(results):
    """The checks of ``results`` to show: every one of :data:`tensorslow_parity.schema.CHECKS`, and those of
    :data:`~tensorslow_parity.schema.MODE_CHECKS` that some row measured (``initial_weights``: same-seed runs)."""
    return [c for c in schema.ALL_CHECKS
            if c in schema.CHECKS or any(f is not None for f in results[f"{c.name}_pass"])]


def is_reference(df):
    """Boolean mask: the rows of the reference (tf1, CPU, float64), the baseline every row is compared with."""
    mask = pd.Series(True, index=df.index)
    for column, value in schema.REFERENCE.items():
        mask &= df[column] == value
    return mask
