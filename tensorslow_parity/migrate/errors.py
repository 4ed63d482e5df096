"""The exit statuses of ``tensorslow-parity migrate`` and the errors that carry them.

Each failure ends the command with one line on stderr naming the file or option
at fault, and the status of its kind, so that a script can tell them apart:

====  ==================================================================================
0     translated (and, with ``--check``, both programs printed the same numbers)
1     ``--check``: the two programs' outputs diverge (parity failed)
2     usage: a bad option (argparse's status), SCRIPT missing or a directory, an ``-o`` or
      ``--report`` path that cannot be written (a directory, a missing folder, not writable,
      SCRIPT itself), or an output that exists without ``--force``; nothing is written
3     translation refused: SCRIPT is not a Python program (binary, undecodable, a syntax
      error), does not import tensorslow, or uses constructs that cannot be translated;
      no program is written
4     ``--check`` could not compare: a program crashed or ran past ``--timeout``
5     an output could not be written although it was checked beforehand (disk full, ...)
70    internal error: a bug of migrate (one line; the traceback with ``--debug`` or
      ``TENSORSLOW_PARITY_DEBUG=1``)
====  ==================================================================================
"""

EXIT_OK = 0
EXIT_DIVERGE = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_CHECK_FAILED = 4
EXIT_WRITE = 5
EXIT_INTERNAL = 70

#: the ``--help`` epilog's lines about exit statuses
EXIT_HELP = (
    "exit status:\n"
    f"  {EXIT_OK}   translated (with --check: both programs agree)\n"
    f"  {EXIT_DIVERGE}   --check: the two programs' outputs diverge\n"
    f"  {EXIT_USAGE}   usage: bad option, SCRIPT missing, -o/--report not writable or SCRIPT itself, or an\n"
    "      output exists without --force; nothing is written\n"
    f"  {EXIT_REFUSED}   translation refused: not a Python program (binary, undecodable, syntax error), no\n"
    "      tensorslow import, or constructs that cannot be translated; no program is written\n"
    f"  {EXIT_CHECK_FAILED}   --check: a program crashed or ran past --timeout\n"
    f"  {EXIT_WRITE}   an output could not be written (disk full, ...)\n"
    f"  {EXIT_INTERNAL}  internal error (traceback with --debug or TENSORSLOW_PARITY_DEBUG=1)")


class MigrateError(Exception):
    """A failure the command reports in one line, with its exit status."""

    status = EXIT_INTERNAL


class UsageError(MigrateError):
    status = EXIT_USAGE


class RefusedError(MigrateError):
    status = EXIT_REFUSED


class WriteError(MigrateError):
    status = EXIT_WRITE


class CheckFailed(MigrateError):
    status = EXIT_CHECK_FAILED
