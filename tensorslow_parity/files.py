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
    atomic_write_text(path, csv_text(rows, columns))


def csv_text(rows, columns):
    """``rows`` (dicts) as CSV text with exactly ``columns``; a key not in ``columns`` is an error."""
    import io
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="raise", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buf.getvalue()


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


def prepare_out_dir(out):
    """Check, before any work, that results can be written to directory ``out`` (created if absent).

    Raises :class:`ResultsFileError` with one line that says why not: ``out`` is
    a file, lies under a file, or cannot be created or written.
    """
    out = Path(out)
    for parent in [out, *out.parents]:
        if parent.exists() and not parent.is_dir():
            what = "is a file" if parent == out else f"lies under {parent}, which is a file"
            raise ResultsFileError(f"{out}: cannot write results there: it {what}")
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise ResultsFileError(f"{out}: cannot write results there: {e.strerror or e}") from None
    return out


def sha256_of(path):
    import hashlib
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_set(out, files, manifest_name, manifest):
    """Write ``files`` ({name: bytes}) and then ``manifest_name`` (a JSON object) into ``out`` as one set.

    Every file is first written and synced in a fresh staging directory inside
    ``out``; the manifest gets ``files``: {name: {"sha256", "bytes"}} of each
    one. Then the files are renamed into place and the manifest last: it is the
    commit record, so a reader that finds a file whose hash differs from the
    manifest's knows the set was cut or mixed (see :func:`check_set`).
    """
    import uuid
    out = Path(out)
    staging = out / f".staging-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        entries = {}
        for name, data in files.items():
            atomic_write_bytes(staging / name, data)
            entries[name] = {"sha256": sha256_of(staging / name), "bytes": len(data)}
        manifest = dict(manifest, files=entries)
        atomic_write_json(staging / manifest_name, manifest)
        for name in [*files, manifest_name]:
            os.replace(staging / name, out / name)
    finally:
        import shutil
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def check_set(directory, manifest_name, manifest):
    """Raise :class:`ResultsFileError` unless every file listed in ``manifest`` is there with its hash."""
    directory = Path(directory)
    entries = manifest.get("files")
    if not isinstance(entries, dict):
        raise ResultsFileError(f"{directory / manifest_name}: no list of the run's files (written by an older or "
                               "interrupted run?); run again")
    run_id = manifest.get("run_id", "?")
    for name, entry in entries.items():
        path = directory / name
        if not path.is_file():
            raise ResultsFileError(f"{path}: missing; run {run_id} ({manifest_name}) wrote it")
        if not isinstance(entry, dict) or sha256_of(path) != entry.get("sha256"):
            raise ResultsFileError(f"{path}: not the file run {run_id} ({manifest_name}) wrote: cut, changed or "
                                   "written by another run; run again")


class DirectoryLock:
    """An exclusive lock on results directory ``out`` for one run (a lock file, ``flock``-ed).

    A second run into the same directory fails at once with :class:`ResultsFileError`.
    The lock goes with the process, even one killed by SIGKILL.
    """

    NAME = ".tensorslow-parity.lock"

    def __init__(self, out):
        self.path = Path(out) / self.NAME
        self.fd = None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            _lock(self.fd)
        except BlockingIOError:
            holder = os.pread(self.fd, 64, 0).decode("ascii", "replace").strip() or "?"
            os.close(self.fd)
            self.fd = None
            raise ResultsFileError(f"{self.path.parent}: another tensorslow-parity run (pid {holder}) is writing "
                                   "results there; wait for it or use another --out") from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, str(os.getpid()).encode(), 0)
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            os.close(self.fd)  # closing releases the lock
            self.fd = None


def _lock(fd):
    """Lock ``fd`` exclusively without waiting; BlockingIOError if another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: msvcrt's byte-range lock
        import msvcrt
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            raise BlockingIOError from None
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
