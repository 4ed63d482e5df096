"""``tensorslow-parity migrate``: translate a TensorSlow program into a TensorFlow program.

::

    tensorslow-parity migrate SCRIPT [--to tf1|tf2] [-o OUT | --inplace] [--report PATH] [--force]
                                     [--check [--args "PROGRAM ARGS"] [--timeout S]] [--debug]

Like ``tf_upgrade_v2``, it rewrites the program's syntax tree (libcst), so
comments and formatting survive, and writes a report of every change with its
line and of everything it could not translate, with the reason.

Input
    SCRIPT is read as Python reads it: a UTF-8 BOM or a PEP 263 coding line
    give its encoding, and the translation is written in the same encoding.
Output
    ``SCRIPT_tf1.py`` (or ``SCRIPT_tf2.py``) beside SCRIPT by default; ``-o OUT``
    elsewhere; ``-o -`` prints the program to stdout. SCRIPT itself is only
    overwritten with ``--inplace``; any other existing file only with
    ``--force``. Every path is checked before anything is written (see
    :mod:`.outputs`); files are written atomically, and an existing file that is
    not a regular file (``/dev/null``, a pipe) is written as it is.
Report
    ``OUT.report.txt`` when the program goes to a regular file
    (``SCRIPT.report.txt`` with ``--inplace``), on stderr when it goes to stdout
    or to a device or pipe; ``--report PATH`` puts it elsewhere, ``--report -``
    prints it to stderr. It is written after the program (it names it), and
    also when the translation is refused.
Failure
    anything the translator does not know or TensorFlow cannot do (an unknown
    ``tensorslow`` attribute, the course's custom ops with ``RegisterGradient``,
    a structure ``--to tf2`` cannot restructure) is an error: listed on stderr
    and in the report, no program is written, exit status 3. So is input that
    is not Python or does not import tensorslow. Each exit status is listed in
    :mod:`.errors`.
``--check``
    translates, then runs the original (TensorSlow) and the translation
    (TensorFlow), each in a subprocess from SCRIPT's folder with ``--args``, and
    compares what they print line by line (numbers within rtol 1e-5 / atol 1e-6
    when the program mentions float32, rtol 1e-7 / atol 1e-12 otherwise, plus
    one unit in the last digit on lines printing 3 or more decimals). Exit 0
    when they agree, 1 when they diverge (the first diverging line is shown),
    4 when either crashes or runs past ``--timeout`` (its stderr is shown; it is
    killed with everything it started). Without ``-o``/``--inplace`` it writes
    no program file. When they diverge and a documented known difference
    applies (Keras's Adam and its beta powers, Keras's epsilon clipping), it is
    named and the outputs compared again with the tolerance the parity harness
    uses for it (exit 0 when they agree within it).

Targets
    ``tf1`` (default): ``import tensorflow.compat.v1 as tf`` and
    ``tf.disable_v2_behavior()``; ``sess.run(tf.global_variables_initializer())``
    after each Session is created; untyped placeholders get ``tf.float64``;
    a bare ``ts.Graph().as_default()`` becomes ``tf.reset_default_graph()``.
    ``tf2``: eager TF2 (see :mod:`.tf2`): each graph node becomes a function of
    the placeholders it reads, each minimize op a ``tf.GradientTape`` step with
    the ``tf.keras.optimizers`` equivalent, ``session.run(p, feed)`` a call and
    ``.numpy()``; graphs built in functions, several graphs and sessions,
    prediction fetches and a helper of the program's folder that receives the
    session (copied in and translated) are followed. ``--to tf2`` also reads
    TF1 programs (``import tensorflow.compat.v1 as tf``); ``--check`` then runs
    the original under TensorFlow, in its own process.
"""
import argparse
import math
import os
import shlex
import sys
import traceback
from pathlib import Path

from tensorslow_parity.cli import seconds

from .errors import EXIT_HELP, EXIT_INTERNAL, EXIT_OK, MigrateError, RefusedError, UsageError, WriteError
from .outputs import plan, write
from .source import read_source
from .translator import InputError, translate

#: set (to anything but "" or "0") for the full traceback of an internal error, as --debug does
DEBUG_VARIABLE = "TENSORSLOW_PARITY_DEBUG"


def configure(parser):
    parser.description = ("Translate a TensorSlow program into a TensorFlow program (tf.compat.v1 graph mode, or "
                          "eager TF2), or a TF1 program into TF2, keeping comments and formatting, with a report "
                          "of every change.")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = (
        "output: SCRIPT_tf1.py / SCRIPT_tf2.py beside SCRIPT unless -o (-o - prints it); SCRIPT is overwritten\n"
        "only with --inplace, another existing file only with --force. A device or pipe (-o /dev/null) is\n"
        "written as it is. Paths are checked before anything is written.\n"
        "report: OUT.report.txt when OUT is a regular file; stderr with -o - or a device; or --report PATH.\n"
        "input: read as Python does (a BOM or a PEP 263 coding line); the translation keeps the encoding.\n\n"
        + EXIT_HELP)
    parser.add_argument("script", type=Path, metavar="SCRIPT",
                        help="the TensorSlow program (or, --to tf2, a TF1 program)")
    parser.add_argument("--to", choices=("tf1", "tf2"), default="tf1", dest="target",
                        help="tf1 (default): tensorflow.compat.v1 in graph mode; tf2: eager TF2, graph nodes as "
                             "functions, minimize ops as tf.GradientTape steps with tf.keras.optimizers (also "
                             "reads TF1 programs: import tensorflow.compat.v1 as tf)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="OUT",
                       help="where to write the program (default: SCRIPT_tf1.py or SCRIPT_tf2.py beside SCRIPT; "
                            "'-': stdout)")
    where.add_argument("--inplace", action="store_true", help="overwrite SCRIPT with the translation")
    parser.add_argument("--report", metavar="PATH",
                        help="where to write the report (default: OUT.report.txt, or stderr when the program "
                             "goes to stdout or a device; '-': stderr)")
    parser.add_argument("--force", action="store_true",
                        help="overwrite an existing output or --report file (refused otherwise)")
    parser.add_argument("--check", action="store_true",
                        help="run the original and the translation and compare the numbers they print; writes "
                             "no program unless -o or --inplace is given")
    parser.add_argument("--args", default="", metavar="ARGS", dest="program_args",
                        help='arguments for both programs under --check, one shell-quoted string: '
                             '--args "--steps 5 --out /tmp/o" (a single option: --args=--verbose)')
    parser.add_argument("--timeout", type=seconds, default=300.0, metavar="S",
                        help="seconds each program may run under --check (default: 300); past it, the "
                             "program and everything it started are killed")
    parser.add_argument("--debug", action="store_true",
                        help=f"show the full traceback of an internal error (also: {DEBUG_VARIABLE}=1)")


def _fail(message, status):
    print(f"tensorslow-parity migrate: error: {message}", file=sys.stderr)
    return status


def main(args):
    """Run the command: its exit status (see :mod:`.errors`). Never a traceback, unless asked for."""
    try:
        return _migrate(args)
    except MigrateError as e:
        return _fail(str(e), e.status)
    except Exception as e:  # noqa: BLE001  a bug of migrate: one line and its own status
        if getattr(args, "debug", False) or os.environ.get(DEBUG_VARIABLE, "") not in ("", "0"):
            traceback.print_exc()
            where = "see the traceback above"
        else:
            where = f"--debug or {DEBUG_VARIABLE}=1 shows the traceback"
        return _fail(f"{args.script}: internal error ({type(e).__name__}: {e}); {where}", EXIT_INTERNAL)


def _migrate(args):
    try:
        program_args = shlex.split(args.program_args)
    except ValueError as e:
        raise UsageError(f"--args: {e}") from None
    source = read_source(args.script)   # first: a missing SCRIPT is named before anything else
    program, report = plan(args, args.script)
    translation = _translate(source, args.target)
    shown = str(program) if program is not None else "not written"
    text = translation.report(args.script, shown)
    if not translation.ok:
        if report is not None:
            write(report, text)
        for m in sorted(translation.errors, key=lambda m: m.line):
            print(f"{args.script}:{m.line}: error: {m.text}", file=sys.stderr)
        where = f"; report: {report}" if report is not None and report.kind != "stderr" else ""
        raise RefusedError(f"{args.script}: {len(translation.errors)} construct(s) cannot be translated "
                           f"--to {args.target}; no program written{where}")
    if program is not None:
        write(program, translation.code, source.encoding)
    if report is not None:  # after the program: the report says where it is
        try:
            write(report, text)
        except WriteError as e:
            raise WriteError(f"wrote {program}, but the report {e}" if program is not None else str(e)) from None
    if program is not None and program.kind != "stdout":
        where = f", report: {report}" if report is not None and report.kind != "stderr" else ""
        print(f"wrote {program} ({len(translation.changes)} changes{where})", file=sys.stderr)
    if not args.check:
        return EXIT_OK
    from .check import check
    log = sys.stderr if program is not None and program.kind == "stdout" else sys.stdout
    return check(source, translation, program_args, args.timeout, log)


def _translate(source, target):
    try:
        return translate(source.text, target, source.path)
    except InputError as e:
        raise RefusedError(str(e)) from None
