"""Where ``migrate`` writes the program and the report: every path is checked before anything is written.

A destination is one of

* ``file``: a regular file, new (in an existing folder it can write in) or, with
  ``--force``, existing; written atomically (a temporary file renamed into
  place), through a symbolic link, keeping the mode of the file it replaces;
* ``stream``: an existing file that is not a regular file (``/dev/null``, a
  named pipe), or any existing path under ``/dev/`` or ``/proc/``
  (``/dev/stdout`` names whatever stdout is, a redirected regular file
  included): opened for appending and written as it is, never replaced;
* ``stdout`` (``-o -``) or ``stderr`` (``--report -``).

The report's default path, ``OUT.report.txt``, is derived only when the program
goes to a regular file; a program written to stdout or to a stream has its
report on stderr unless ``--report`` says otherwise.
"""
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..files import atomic_write_bytes
from .errors import UsageError, WriteError


@dataclass(frozen=True)
class Destination:
    kind: str                 # "file", "stream", "stdout" or "stderr"
    path: Path | None = None  # as given on the command line (or derived)
    real: Path | None = None  # a file's path with symbolic links resolved: where it is written

    def __str__(self):
        return str(self.path) if self.path is not None else self.kind

    @property
    def is_file(self):
        return self.kind == "file"


def plan(args, script):
    """(program, report) destinations for the parsed ``args``; either may be None (not written).

    Raises :class:`UsageError` naming the path when one cannot be written.
    """
    if args.inplace:
        program = _file(Path(script))
        _check_folder(program, "--inplace", str(script))
    elif args.output == "-":
        program = Destination("stdout")
    elif args.output is not None:
        program = classify(args.output, "-o", script, args.force)
    elif not args.check:
        program = classify(script.with_name(f"{script.stem}_{args.target}.py"), "output", script, args.force)
    else:
        program = None  # --check alone writes no program
    if args.report == "-":
        report = Destination("stderr")
    elif args.report is not None:
        report = classify(args.report, "--report", script, args.force)
    elif program is None:
        report = None
    elif program.is_file:  # the report follows its program: replaced when the program may be
        report = classify(f"{program.path}.report.txt", "report", script, force=True)
    else:
        report = Destination("stderr")
    if program is not None and report is not None and program.is_file and report.is_file \
            and program.real == report.real:
        raise UsageError(f"--report {args.report}: the same file as the program's output")
    return program, report


def classify(given, what, script, force):
    """The destination ``given`` (a path) names, checked; ``what`` names the option in messages."""
    path = Path(given)
    try:
        info = os.stat(path)  # follows symbolic links, /dev/stdout's too
    except FileNotFoundError:
        info = None
    except OSError as e:
        raise UsageError(f"{what} {given}: cannot use it ({e.strerror or e})") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{what} {given}: is a directory")
        if not stat.S_ISREG(info.st_mode) or _special(path):
            if not os.access(path, os.W_OK):
                raise UsageError(f"{what} {given}: not writable")
            return Destination("stream", path)
        if _same_file(info, script):
            hint = ": use --inplace to overwrite it" if what == "-o" else ""
            raise UsageError(f"{what} {given}: is SCRIPT itself{hint}")
        if not force:
            raise UsageError(f"{what} {given}: already exists (--force overwrites it)")
    destination = _file(path)
    _check_folder(destination, what, given)
    return destination


def _special(path):
    """``/dev/stdout``, ``/proc/self/fd/1``: names of an open file, which may be a regular one (a redirection)."""
    return os.path.abspath(path).startswith(("/dev/", "/proc/"))


def _file(path):
    return Destination("file", path, Path(os.path.realpath(path)))


def _same_file(info, script):
    try:
        other = os.stat(script)
    except OSError:
        return False
    return (info.st_dev, info.st_ino) == (other.st_dev, other.st_ino)


def _check_folder(destination, what, given):
    """A file can be created in the destination's folder (tried: created and removed at once)."""
    folder = destination.real.parent
    if not folder.is_dir():
        raise UsageError(f"{what} {given}: no such folder {folder}")
    try:
        fd, probe = tempfile.mkstemp(prefix=".migrate-probe-", dir=folder)
    except OSError as e:
        raise UsageError(f"{what} {given}: cannot write in {folder} ({e.strerror or e})") from None
    os.close(fd)
    os.unlink(probe)


def write(destination, text, encoding="utf-8"):
    """Write ``text`` (in ``encoding``) to ``destination``; :class:`WriteError` when that fails."""
    if destination.kind == "stdout":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if destination.kind == "stderr":
        print(text, file=sys.stderr)
        return
    data = text.encode(encoding)
    try:
        if destination.kind == "stream":
            sys.stdout.flush()
            with open(destination.path, "ab") as f:  # appends: /dev/stdout may be a file opened with >>
                f.write(data)
            return
        try:
            mode = stat.S_IMODE(os.stat(destination.real).st_mode)
        except FileNotFoundError:
            mode = None
        atomic_write_bytes(destination.real, data)
        if mode is not None:
            os.chmod(destination.real, mode)
    except OSError as e:
        raise WriteError(f"{destination}: cannot write it ({e.strerror or e})") from None
