"""``tensorslow-parity diverge``: where do TensorSlow and tf1 part ways in a program's run?

``tensorslow-parity diverge PROGRAM.py`` runs a TF1 program (one that imports
``tensorflow.compat.v1 as tf``) twice, each in its own process: under
TensorFlow, and with that import swapped for TensorSlow's (as
``tensorslow-parity programs`` runs it, :mod:`tensorslow_parity.programs.launcher`).
``--model NAME`` does the same for a zoo model, built by the harness's
graph-mode builder in both and trained on the problem's batches.

In each process a probe (:mod:`.probe`) counts the ``Session.run`` calls and,
at the chosen one (``--run N``, by default the first that computes gradients:
the first training step), captures the value of every tensor that run
computes, with the program's own fetches and feeds (TensorSlow: fetched with
them, :mod:`.engine_tensorslow`; TensorFlow: dumped by its debugger as each op
computes it, :mod:`.engine_tf1`), then stops the program. :mod:`.compare` walks
tf1's tensors in topological order, matched by name with TensorSlow's, and
reports the first whose values differ beyond the tolerance (:mod:`.summary`):
both values, and the op's inputs with theirs. Tensors that only one side
computes (TF's ``gradients/...`` ops, TensorSlow's ``Gradients`` nodes, the
graph differences of :mod:`tensorslow_parity.graph_parity`) are listed, not
compared.

Exit status: 0 if every tensor both computed agrees, 1 if they diverge, 2 if
the command line is wrong or a side could not run up to the chosen run.
"""
from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tensorslow_parity.divergence import compare
from tensorslow_parity.divergence.worker import read

ENGINES = ("tensorslow", "tf1")
_WORKER = "import sys; from tensorslow_parity.divergence.worker import main; main(sys.argv[1:])"


class SideFailed(Exception):
    """A side could not capture the run: ``engine`` and why (its error, or its traceback's last line)."""

    def __init__(self, engine, why):
        super().__init__(f"{engine}: {why}")
        self.engine, self.why = engine, why


@dataclass
class Job:
    """What both sides run: a program, or a zoo model in a dtype with an optimizer; the run to capture."""
    program: Path | None = None
    model: str | None = None
    dtype: str = "float32"
    optimizer: str = "sgd"
    run: int | None = None

    def describe(self):
        return str(self.program) if self.program else f"model {self.model} ({self.dtype}, {self.optimizer})"


def start(job, engine, out):
    """Start one side in its own process (its stderr goes to ``out/stderr.txt``, the program's output nowhere)."""
    from tensorslow_parity.programs import engine_environment
    spec = {"engine": engine, "out": str(out), "run": job.run, "program": str(job.program) if job.program else None,
            "model": job.model, "dtype": job.dtype, "optimizer": job.optimizer}
    with open(out / "stderr.txt", "w") as stderr:
        return subprocess.Popen([sys.executable, "-c", _WORKER, json.dumps(spec)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=stderr, env=engine_environment(engine),
                                cwd=job.program.parent if job.program else Path.cwd())


def finish(process, engine, out, deadline):
    """Wait for one side until ``deadline`` (``time.monotonic()``); its :class:`~.probe.Capture`, or
    :class:`SideFailed` saying why not."""
    from tensorslow_parity.programs import last_exception_line
    try:
        process.wait(max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return SideFailed(engine, "did not reach the run within the timeout")
    if process.returncode != 0:
        error = out / "error.txt"
        why = error.read_text() if error.exists() else last_exception_line((out / "stderr.txt").read_text())
        return SideFailed(engine, why or f"exit status {process.returncode}")
    return read(out)


def diverge(job, rtol=None, atol=None, timeout=600.0) -> compare.Comparison:
    """Capture the job's run in both engines side by side and compare them (:func:`.compare.compare`). Both
    processes are killed if they outlive the timeout or the command (Ctrl-C, SIGTERM)."""
    with tempfile.TemporaryDirectory(prefix="diverge-") as tmp:
        outs = [Path(tmp) / engine for engine in ENGINES]
        processes = []
        try:
            for engine, out in zip(ENGINES, outs):
                out.mkdir()
                processes.append(start(job, engine, out))
            deadline = time.monotonic() + timeout
            results = [finish(p, engine, out, deadline) for p, engine, out in zip(processes, ENGINES, outs)]
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    failures = [r for r in results if isinstance(r, SideFailed)]
    if len(failures) == 2 and failures[0].why == failures[1].why:
        raise SideFailed("both", failures[0].why)
    if failures:
        raise failures[0] if len(failures) == 1 else SideFailed(
            "both", "; ".join(f"{e.engine}: {e.why}" for e in failures))
    ours, theirs = results
    if ours.run != theirs.run:
        raise SideFailed("both", f"tensorslow's first training run is run {ours.run}, tf1's run {theirs.run}: "
                                 f"choose the run to compare with --run N")
    return compare.compare(ours, theirs, rtol, atol)


def tolerance_value(text):
    """argparse type: a finite number of at least 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a finite number of at least 0")
    return value


def configure(parser):
    from tensorslow_parity.cli import positive_int, seconds
    parser.add_argument("program", nargs="?", type=Path, help="a TF1 program (import tensorflow.compat.v1 as tf)")
    parser.add_argument("--model", help="a zoo model instead of a program (tensorslow-parity models lists them)")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32", help="with --model")
    parser.add_argument("--optimizer", default="sgd", help="with --model: sgd, momentum or adam")
    parser.add_argument("--run", type=positive_int, help="the session run to compare, counted from 1 "
                        "(default: the first that computes gradients, the first training step)")
    parser.add_argument("--rtol", type=tolerance_value, help="relative tolerance for floating-point tensors "
                        "(default: 1e-4 for float32, 1e-7 for float64)")
    parser.add_argument("--atol", type=tolerance_value, help="absolute tolerance (default: 1e-5 for float32, "
                        "1e-10 for float64)")
    parser.add_argument("--timeout", type=seconds, default=600.0, help="seconds per engine")
    parser.add_argument("--list-all", action="store_true", help="list every tensor only one side computes")


def job_of(args):
    """The :class:`Job` the command line asks for; :class:`~tensorslow_parity.cli.UsageError` if it is wrong."""
    from tensorslow_parity.cli import UsageError
    from tensorslow_parity.programs.launcher import TF1_IMPORT
    if (args.program is None) == (args.model is None):
        raise UsageError("error: give either a PROGRAM or --model NAME")
    if args.model is not None:
        from tensorslow_parity.models.zoo import MODELS
        from tensorslow_parity.optimizers import OPTIMIZER_NAMES
        if args.model not in MODELS:
            raise UsageError(f"error: unknown model {args.model!r}; known: {', '.join(MODELS)}")
        if args.optimizer not in OPTIMIZER_NAMES:
            raise UsageError(f"error: unknown optimizer {args.optimizer!r}; known: {', '.join(OPTIMIZER_NAMES)}")
        return Job(model=args.model, dtype=args.dtype, optimizer=args.optimizer, run=args.run)
    if not args.program.is_file():
        raise UsageError(f"error: no such program: {args.program}")
    if len(TF1_IMPORT.findall(args.program.read_text(errors="replace"))) != 1:
        raise UsageError(f"error: {args.program} is not a TF1 program: it needs exactly one line "
                         f"'import tensorflow.compat.v1 as tf' (the line swapped for TensorSlow's import)")
    return Job(program=args.program.resolve(), run=args.run)


def main(args):
    from tensorslow_parity.divergence.summary import report
    job = job_of(args)
    try:
        result = diverge(job, args.rtol, args.atol, args.timeout)
    except SideFailed as e:
        print(f"{job.describe()}: cannot compare: {e}", file=sys.stderr)
        return 2
    print(report(result, job.describe(), None if args.list_all else 10))
    return 1 if result.diverges else 0
