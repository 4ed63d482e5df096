"""``tensorslow-parity migrate``: translate a TensorSlow program into a TensorFlow program.

::

    tensorslow-parity migrate SCRIPT [--to tf1|tf2] [-o OUT | --inplace] [--report PATH]
                                     [--check [--args "PROGRAM ARGS"] [--timeout S]]

Like ``tf_upgrade_v2``, it rewrites the program's syntax tree (libcst), so
comments and formatting survive, and writes a report of every change with its
line and of everything it could not translate, with the reason.

Output
    ``SCRIPT_tf1.py`` (or ``SCRIPT_tf2.py``) beside SCRIPT by default; ``-o OUT``
    elsewhere; ``-o -`` prints the program to stdout. SCRIPT itself is only
    overwritten with ``--inplace``. Files are written atomically.
Report
    ``OUT.report.txt`` by default (``SCRIPT.report.txt`` with ``--inplace``; on
    stderr with ``-o -``); ``--report PATH`` puts it elsewhere, ``--report -``
    prints it to stderr. It is written even when the translation fails.
Failure
    anything the translator does not know or TensorFlow cannot do (an unknown
    ``tensorslow`` attribute, the course's custom ops with ``RegisterGradient``,
    a structure ``--to tf2`` cannot restructure) is an error: listed on stderr
    and in the report, no program is written, exit status 2. So is input that
    is not Python or does not import tensorslow.
``--check``
    translates, then runs the original (TensorSlow) and the translation
    (TensorFlow), each in a subprocess from SCRIPT's folder with ``--args``, and
    compares what they print line by line (numbers within rtol 1e-5 / atol 1e-6
    when the program mentions float32, rtol 1e-7 / atol 1e-12 otherwise, plus
    one unit in the last digit on lines printing 3 or more decimals). Exit 0
    when they agree, 1 when they
    diverge (the first diverging line is shown), 2 when either crashes (its
    stderr is shown). Without ``-o``/``--inplace`` it writes no program file.

Targets
    ``tf1`` (default): ``import tensorflow.compat.v1 as tf`` and
    ``tf.disable_eager_execution()``; ``sess.run(tf.global_variables_initializer())``
    after each Session is created; untyped placeholders get ``tf.float64``;
    a bare ``ts.Graph().as_default()`` becomes ``tf.reset_default_graph()``.
    ``tf2``: eager TF2 for the course's simple pattern (see :mod:`.tf2`).
"""
import argparse
import shlex
import sys
import traceback
from pathlib import Path

from ..files import atomic_write_text
from .translator import InputError, translate

EXIT_OK, EXIT_DIVERGE, EXIT_ERROR = 0, 1, 2


def configure(parser):
    parser.description = ("Translate a TensorSlow program into a TensorFlow program (tf.compat.v1 graph mode, or "
                          "eager TF2), keeping comments and formatting, with a report of every change.")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = (
        "output: SCRIPT_tf1.py / SCRIPT_tf2.py beside SCRIPT unless -o (-o - prints it); SCRIPT is overwritten\n"
        "only with --inplace. report: OUT.report.txt (stderr with -o -) unless --report.\n"
        "exit status: 0 translated (and, with --check, both runs agree), 1 the runs diverge, 2 error: not\n"
        "Python, no tensorslow import, something not translatable (listed with line and reason; no program\n"
        "is written), or a program crashed under --check.")
    parser.add_argument("script", type=Path, metavar="SCRIPT", help="the TensorSlow program")
    parser.add_argument("--to", choices=("tf1", "tf2"), default="tf1", dest="target",
                        help="tf1 (default): tensorflow.compat.v1 in graph mode; tf2: eager TF2 with "
                             "tf.GradientTape and tf.keras.optimizers (simple session loops only)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="OUT",
                       help="where to write the program (default: SCRIPT_tf1.py or SCRIPT_tf2.py beside SCRIPT; "
                            "'-': stdout)")
    where.add_argument("--inplace", action="store_true", help="overwrite SCRIPT with the translation")
    parser.add_argument("--report", metavar="PATH",
                        help="where to write the report (default: OUT.report.txt; '-': stderr)")
    parser.add_argument("--check", action="store_true",
                        help="run the original and the translation and compare the numbers they print; writes "
                             "no program unless -o or --inplace is given")
    parser.add_argument("--args", default="", metavar="ARGS", dest="program_args",
                        help='arguments for both programs under --check, one shell-quoted string: '
                             '--args "--steps 5 --out /tmp/o" (a single option: --args=--verbose)')
    parser.add_argument("--timeout", type=float, default=300.0, metavar="S",
                        help="seconds each program may run under --check (default: 300)")


def _fail(message):
    print(f"tensorslow-parity migrate: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def main(args):
    script = args.script
    if not script.is_file():
        return _fail(f"{script}: no such file")
    try:
        source = script.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        return _fail(f"{script}: not a text file in UTF-8 ({e.reason} at byte {e.start})")
    write_program = not args.check or args.output is not None or args.inplace
    if args.inplace:
        output = script
    elif args.output == "-":
        output = None
    elif args.output is not None:
        output = Path(args.output)
        if output.resolve() == script.resolve():
            return _fail(f"-o {args.output} is SCRIPT itself: use --inplace to overwrite it")
    else:
        output = script.with_name(f"{script.stem}_{args.target}.py")
    report = args.report
    if report is None:
        report = None if not write_program else "-" if output is None else f"{output}.report.txt"

    try:
        translation = translate(source, args.target, script)
    except InputError as e:
        return _fail(str(e))
    except Exception:  # noqa: BLE001  a bug of the translator: exit 2 (not 1, which means "diverge") with the traceback
        traceback.print_exc()
        return _fail(f"{script}: the translator failed (an internal error, see the traceback above)")
    shown = output if write_program and output is not None else "stdout" if write_program else "not written"
    text = translation.report(script, shown)
    if report == "-":
        print(text, file=sys.stderr)
    elif report is not None:
        atomic_write_text(report, text)
    if not translation.ok:
        for m in sorted(translation.errors, key=lambda m: m.line):
            print(f"{script}:{m.line}: error: {m.text}", file=sys.stderr)
        where = f"; report: {report}" if report not in (None, "-") else ""
        return _fail(f"{script}: {len(translation.errors)} construct(s) cannot be translated --to {args.target}; "
                     f"no program written{where}")
    if write_program:
        if output is None:
            sys.stdout.write(translation.code)
        else:
            atomic_write_text(output, translation.code)
            where = f", report: {report}" if report not in (None, "-") else ""
            print(f"wrote {output} ({len(translation.changes)} changes{where})", file=sys.stderr)
    if not args.check:
        return EXIT_OK
    return _check(script, translation, args)


def _check(script, translation, args):
    from .check import compare, run_program, tolerance_text
    try:
        program_args = shlex.split(args.program_args)
    except ValueError as e:
        return _fail(f"--args: {e}")
    folder = script.resolve().parent
    # The translation runs from SCRIPT's folder, so that __file__-relative paths and sibling imports
    # resolve as they do for the original; a hidden temporary name, removed afterwards.
    temporary = folder / f".{script.stem}_{args.target}_check.py"
    atomic_write_text(temporary, translation.code)
    runs = []
    try:
        for label, path in (("original (TensorSlow)", script.resolve()),
                            (f"translated (TensorFlow {args.target})", temporary)):
            run = run_program(label, path, program_args, folder, args.timeout)
            runs.append(run)
            print(f"check: {run.label}: exit {run.returncode}, {len(run.stdout.splitlines())} lines, "
                  f"{run.seconds:.1f} s")
            if run.timed_out or run.returncode != 0:  # the other run could not be compared with anything
                why = f"ran past --timeout {args.timeout:g} s" if run.timed_out else f"exited with {run.returncode}"
                return _fail(f"--check: the {run.label} program {why}; the end of its stderr:\n"
                             f"{run.stderr_tail()}")
    finally:
        temporary.unlink(missing_ok=True)
    precision = "float32" if translation.float32 else "float64"
    print(f"check: tolerance: {tolerance_text(precision)}")
    result = compare(runs[0].stdout, runs[1].stdout, precision)
    print(f"check: {result.message}")
    return EXIT_OK if result.agree else EXIT_DIVERGE
