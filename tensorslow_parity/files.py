"""Reading and writing a results directory: atomic writes, clear errors on bad files.

A file is written to a temporary name in the same directory and renamed into
place (``os.replace`` is atomic on POSIX), so a run killed half-way never
leaves a half-written file that a later step would read.
"""
import csv
import json
import os
import tempfile
from pathlib import Path


class ResultsFileError(Exception):
    """A results file is missing, unreadable or malformed; the message names the file."""


def atomic_write_bytes(path, data):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp creates the file private (0600); give it the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path, text):
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path, obj):
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


def atomic_write_csv(path, rows, columns):
    """Write ``rows`` (dicts) with exactly ``columns``; a key not in ``columns`` is an error."""
    import io
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="raise", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    atomic_write_text(path, buf.getvalue())


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)  # full precision: errors of 1e-16 must survive the round trip
    return v


def read_csv(path, columns=None):
    """Read a results CSV into a pandas DataFrame, checking that ``columns`` are present.

    Raises :class:`ResultsFileError` naming the file when it is missing, empty,
    not a CSV or lacks required columns.
    """
    import pandas as pd
    path = Path(path)
    if not path.is_file():
        raise ResultsFileError(f"{path}: no such file")
    try:
        df = pd.read_csv(path, keep_default_na=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise ResultsFileError(f"{path}: not a readable CSV file ({e})") from None
    if columns is not None:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise ResultsFileError(f"{path}: missing column(s) {', '.join(missing)}")
    return df


def read_json(path):
    path = Path(path)
    if not path.is_file():
        raise ResultsFileError(f"{path}: no such file")
    try:
        with open(path, encoding="utf-8") as f:
            obj = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ResultsFileError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(obj, dict):
        raise ResultsFileError(f"{path}: expected a JSON object, got {type(obj).__name__}")
    return obj
