"""``migrate --check``: run the original and the translated program, compare what they print.

Both run with ``sys.executable`` in a subprocess (with a timeout) whose working
directory is the original script's folder, so relative paths and imports of
sibling modules work alike. Their standard outputs are compared line by line:
the lines must correspond (same count, same text once numbers are taken out)
and the numbers on each line must agree within a tolerance that depends on the
precision the program computes in
(:data:`tensorslow_parity.tolerances.PRINTED_NUMBER_TOLERANCES`). Values are compared as
printed: where a line prints 3 or more decimals, two values may also differ by
one unit in the last printed digit, as two nearly equal numbers can round apart.

When they diverge and the translation is subject to a documented known
difference (Keras's Adam computes beta1^t and beta2^t as float64 powers where
TF1 keeps float32 variables; Keras's losses clip by its epsilon), the check
says which, and compares again with the tolerance the parity harness uses for
it (:data:`tensorslow_parity.tolerances.KNOWN_DIFFERENCES`): agreeing within
it is a pass, named as such.
"""
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from ..quiet_tf import filter_stderr  # TensorFlow's log lines are not the program's output
from ..tolerances import PRINTED_NUMBER_TOLERANCES, model_check_tolerances
from .errors import EXIT_DIVERGE, EXIT_OK, CheckFailed

NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|(?<!\w)[-+]?(?:nan|inf)(?!\w)")
MIN_ROUNDED_DIGITS = 3  # lines printing this many decimals may differ by one unit in the last one


@dataclass
class Run:
    """One finished (or killed) run of a program."""

    label: str
    argv: list
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False

    def stderr_tail(self, lines=20):
        return "\n".join(self.stderr.rstrip().splitlines()[-lines:])


def run_program(label, script, args, cwd, timeout):
    """Run ``script`` with ``args`` (cwd ``cwd``); ``tensorslow`` and ``cwd`` are importable.

    The program gets no standard input (one that reads it sees end of file
    rather than waiting for ever) and runs in a session of its own. The run
    ends when the program exits (not when the last process holding its
    output does), at ``timeout`` or on an interrupt; then its whole process
    group is killed, so nothing it started outlives the check.
    """
    env = dict(os.environ)
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    env["PYTHONIOENCODING"] = "utf-8"  # both programs print in one encoding, whatever the locale
    env.pop("MPLBACKEND", None)
    paths = [str(cwd)]
    spec = find_spec("tensorslow")
    if spec is not None and spec.origin:
        paths.append(str(Path(spec.origin).parent.parent))  # tensorslow from a checkout, not installed
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    argv = [sys.executable, str(script), *args]
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    out, err = [], []
    readers = [threading.Thread(target=_read, args=(pipe, chunks), daemon=True)
               for pipe, chunks in ((process.stdout, out), (process.stderr, err))]
    for reader in readers:
        reader.start()
    try:
        timed_out = not _exited(process, timeout)
    finally:
        # Whatever it left running (or, at the timeout or on an interrupt, the program itself). It is
        # not reaped yet, so its pid, the group's id, cannot have been given to another process.
        _kill_group(process)
        process.wait()
        for reader, pipe in zip(readers, (process.stdout, process.stderr)):
            reader.join(5)  # a grandchild that left the session may hold a pipe: give up on it
            if not reader.is_alive():
                pipe.close()
    return Run(label, argv, -1 if timed_out else process.returncode, _text(out), filter_stderr(_text(err)),
               time.perf_counter() - start, timed_out=timed_out)


def _exited(process, timeout):
    """Wait until the program exits, without reaping it; False when ``timeout`` passes first."""
    deadline = time.monotonic() + timeout
    delay = 0.001
    while os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        if time.monotonic() >= deadline:
            return False
        time.sleep(delay)
        delay = min(2 * delay, 0.05)
    return True


def _read(pipe, chunks):
    for chunk in iter(lambda: pipe.read1(1 << 16), b""):
        chunks.append(chunk)


def _kill_group(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _text(chunks):
    return b"".join(chunks).decode("utf-8", errors="replace")


@dataclass
class Comparison:
    agree: bool
    lines: int
    numbers: int
    message: str


def tolerance_text(precision):
    rtol, atol = PRINTED_NUMBER_TOLERANCES[precision]
    return (f"rtol {rtol:g}, atol {atol:g} ({precision} program), plus one unit in the last digit where a line "
            f"prints {MIN_ROUNDED_DIGITS} or more decimals (values are compared as printed)")


def _numbers(line):
    return [m.group(0) for m in NUMBER.finditer(line)]


def _skeleton(line):
    return re.sub(r"\s+", "", NUMBER.sub("#", line))


def _digits(text):
    """(fractional digits, decimal exponent) of a printed number."""
    mantissa, _, exponent = text.lower().partition("e")
    fraction = mantissa.partition(".")[2] if "." in mantissa else ""
    return len(fraction), int(exponent) if exponent else 0


def compare(original, translated, precision, tolerance=None):
    """Compare two standard outputs line by line; see the module docstring. ``tolerance``: (rtol, atol)
    instead of the precision's."""
    rtol, atol = tolerance or PRINTED_NUMBER_TOLERANCES[precision]
    a_lines, b_lines = original.splitlines(), translated.splitlines()
    count = 0
    for i, (a, b) in enumerate(zip(a_lines, b_lines), start=1):
        a_numbers, b_numbers = _numbers(a), _numbers(b)
        if _skeleton(a) != _skeleton(b) or len(a_numbers) != len(b_numbers):
            return Comparison(False, i - 1, count, f"diverge at line {i}: the text differs\n"
                                                   f"  original:   {a}\n  translated: {b}")
        texts = a_numbers + b_numbers
        digits = max((_digits(t)[0] for t in texts if "nan" not in t.lower() and "inf" not in t.lower()),
                     default=0)
        for k, (x_text, y_text) in enumerate(zip(a_numbers, b_numbers), start=1):
            count += 1
            x, y = float(x_text), float(y_text)
            if math.isnan(x) or math.isnan(y) or math.isinf(x) or math.isinf(y):
                if not (x == y or math.isnan(x) and math.isnan(y)):
                    return Comparison(False, i - 1, count, _diverge(i, k, a, b, x_text, y_text, None, None))
                continue
            exponent = max(_digits(x_text)[1], _digits(y_text)[1])
            # Values printed with few decimals are compared as they are: "0.5" may be NumPy's shortest
            # form of 0.50000000, so a difference of one unit there would be a real one.
            unit = 10.0 ** (exponent - digits) if digits >= MIN_ROUNDED_DIGITS else 0.0
            allowed = atol + rtol * max(abs(x), abs(y)) + unit * (1 + 1e-9)
            if abs(x - y) > allowed:
                return Comparison(False, i - 1, count, _diverge(i, k, a, b, x_text, y_text, abs(x - y), allowed))
    if len(a_lines) != len(b_lines):
        i = min(len(a_lines), len(b_lines)) + 1
        extra = (a_lines if len(a_lines) > len(b_lines) else b_lines)[i - 1]
        who = "original" if len(a_lines) > len(b_lines) else "translated"
        return Comparison(False, i - 1, count,
                          f"diverge at line {i}: the original printed {len(a_lines)} lines, the translated "
                          f"{len(b_lines)}; the {who} goes on with:\n  {extra}")
    return Comparison(True, len(a_lines), count, f"agree: {len(a_lines)} lines, {count} numbers")


def _diverge(i, k, a, b, x, y, difference, allowed):
    detail = f" (difference {difference:.3g}, allowed {allowed:.3g})" if difference is not None else ""
    return (f"diverge at line {i}, number {k}: original {x} vs translated {y}{detail}\n"
            f"  original:   {a}\n  translated: {b}")


def check(source, translation, program_args, timeout, log):
    """Run the original and the translation, compare what they print: :data:`EXIT_OK` or
    :data:`EXIT_DIVERGE`; :class:`CheckFailed` when a program crashes or runs past ``timeout``."""
    script = source.path.resolve()
    folder = script.parent
    runs = []
    with _translated_file(folder, f".{script.stem}_{translation.target}_check_",
                          source.encode(translation.code), log) as translated:
        original = "original (TensorFlow, tf.compat.v1)" if translation.source == "tf1" else "original (TensorSlow)"
        for label, path in ((original, script),
                            (f"translated (TensorFlow {translation.target})", translated)):
            run = run_program(label, path, program_args, folder, timeout)
            runs.append(run)
            print(f"check: {run.label}: exit {run.returncode}, {len(run.stdout.splitlines())} lines, "
                  f"{run.seconds:.1f} s", file=log)
            if run.timed_out or run.returncode != 0:  # the other run could not be compared with anything
                why = f"ran past --timeout {timeout:g} s" if run.timed_out else f"exited with {run.returncode}"
                raise CheckFailed(f"--check: the {run.label} program {why}; the end of its stderr:\n"
                                  f"{run.stderr_tail()}")
    precision = "float32" if translation.float32 else "float64"
    print(f"check: tolerance: {tolerance_text(precision)}", file=log)
    result = compare(runs[0].stdout, runs[1].stdout, precision)
    print(f"check: {result.message}", file=log)
    if result.agree:
        return EXIT_OK
    return EXIT_OK if _known_difference(runs, translation, precision, log) else EXIT_DIVERGE


def known_differences(translation, precision):
    """The documented differences (tolerances.KNOWN_DIFFERENCES) the translation is subject to, with the
    (rtol, atol) the harness holds them to: [(note, rtol, atol)]."""
    code = translation.code or ""
    used = [name for name, pattern in (("adam", r"keras\.optimizers\.Adam\("),
                                       ("momentum", r"keras\.optimizers\.SGD\([^)]*momentum="))
            if re.search(pattern, code)]
    rtol, atol = PRINTED_NUMBER_TOLERANCES[precision]
    found = []
    for optimizer in used:
        # The notes are written for float64, where they matter most; they apply to float32 programs too.
        tolerances, note = model_check_tolerances("tf2", optimizer, precision)
        if not note:
            tolerances, note = model_check_tolerances("tf2", optimizer, "float64")
        if note and "default tolerances hold" not in note:
            found.append((note, max(rtol, tolerances["trajectory_tail"]), max(atol, tolerances["trajectory_head"])))
    if re.search(r"keras\.losses\.|keras\.backend\.epsilon", code):
        found.append((KERAS_EPSILON_NOTE, max(rtol, 1e-6), max(atol, 1e-6)))
    return found


#: Keras's losses clip probabilities to [epsilon, 1 - epsilon] (epsilon 1e-7) before taking their log
KERAS_EPSILON_NOTE = ("Keras's cross-entropy losses clip probabilities to [1e-7, 1 - 1e-7] before the log (Keras's "
                      "epsilon); TF1's ops do not, so losses near a certain prediction differ by up to ~1e-7.")


def _known_difference(runs, translation, precision, log):
    """After a divergence: compare again within each documented difference's tolerance, and say so."""
    for note, rtol, atol in known_differences(translation, precision):
        result = compare(runs[0].stdout, runs[1].stdout, precision, (rtol, atol))
        print(f"check: a documented known difference applies: {note}", file=log)
        verdict = "agree within it" if result.agree else "still diverge"
        print(f"check: with the tolerance the parity harness uses for it (rtol {rtol:g}, atol {atol:g}; "
              f"tensorslow_parity.tolerances.KNOWN_DIFFERENCES), they {verdict}: {result.message}", file=log)
        if result.agree:
            return True
    return False


@contextmanager
def _translated_file(folder, prefix, data, log):
    """The translation in a hidden temporary file in SCRIPT's folder (so that ``__file__``-relative
    paths and sibling imports resolve as they do for the original), removed afterwards; in a
    temporary folder when SCRIPT's folder is not writable."""
    scratch = None
    try:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=".py", dir=folder)
    except OSError as e:
        scratch = tempfile.mkdtemp(prefix="tensorslow-migrate-check-")
        fd, name = tempfile.mkstemp(prefix=prefix.lstrip("."), suffix=".py", dir=scratch)
        print(f"check: cannot write in {folder} ({e.strerror or e}); the translation runs from {scratch} "
              f"(its __file__ points there)", file=log)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
