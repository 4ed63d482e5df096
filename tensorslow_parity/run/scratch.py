"""The run's scratch directory (problems, task files, cell outputs), cleaned up even after a SIGKILL.

Every run works in ``$TMPDIR/tensorslow-parity/run-<pid>-<random>/``, holding an
``flock`` on its ``owner.lock`` for as long as it lives. A run removes its own
directory when it ends (normally, by an exception, SIGINT or SIGTERM); a run
killed by SIGKILL cannot, so each run first removes every directory there whose
lock nobody holds: its owner is gone.
"""
import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from tensorslow_parity.files import _lock

OWNER = "owner.lock"


def scratch_root():
    return Path(tempfile.gettempdir()) / "tensorslow-parity"


def remove_orphans(root, min_age_s=10):
    """Remove the scratch directories under ``root`` whose owner process is gone; return their names."""
    removed = []
    for path in sorted(root.glob("run-*")):
        if not _older_than(path, min_age_s):
            continue  # being created: its owner may not hold the lock yet
        try:
            fd = os.open(path / OWNER, os.O_RDWR)
        except FileNotFoundError:
            shutil.rmtree(path, ignore_errors=True)  # its run died between mkdir and creating the lock
            removed.append(path.name)
            continue
        except OSError:
            continue
        try:
            _lock(fd)
        except BlockingIOError:
            continue  # alive
        finally:
            os.close(fd)
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


def _older_than(path, seconds):
    import time
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


@contextlib.contextmanager
def scratch_dir():
    """A fresh scratch directory, locked for this process and removed at the end."""
    root = scratch_root()
    root.mkdir(parents=True, exist_ok=True)
    remove_orphans(root)
    path = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=root))
    fd = os.open(path / OWNER, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _lock(fd)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(fd)
