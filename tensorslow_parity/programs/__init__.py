"""``tensorslow-parity programs``: real TF1 programs, run with only the import changed, printing TF's numbers?

Each program (by default every ``*.py`` in ``examples/tf1_programs/`` with a
line ``import tensorflow.compat.v1 as tf``) runs twice, each in its own
process (:mod:`.launcher`): as written, under TensorFlow's ``tf.compat.v1``,
and with that one line changed to ``import tensorslow as tf``. What the two
print is compared word for word and number by number (:mod:`.compare`).

Each run also records the graphs the program built (the launcher writes their
``(op name, op type)`` lists to a file in a temporary directory), and the two
runs' graphs are compared pairwise in creation order
(:func:`tensorslow_parity.graph_parity.graph_verdict`): "same graph", or how
many ops differ and the first difference. The graph verdict is separate from
the numbers' verdict: a program can print TF's numbers from another graph.

A program states its tolerance in a comment line ``# parity: rtol=1e-3
atol=1e-6`` when it needs one other than the default (float32 training
trajectories drift apart slowly with the order of floating-point sums).
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tensorslow_parity.graph_parity import graph_verdict
from tensorslow_parity.programs.compare import Difference, first_difference
from tensorslow_parity.programs.launcher import TF1_IMPORT

PROGRAMS_DIR = Path(__file__).resolve().parents[2] / "examples" / "tf1_programs"
DEFAULT_RTOL, DEFAULT_ATOL = 1e-4, 1e-6
_TOLERANCE = re.compile(r"^# parity:(.*)$", re.MULTILINE)
_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b")


@dataclass
class Run:
    """One program under one engine."""
    output: str
    error: str | None       # the last line of the traceback, or why it did not finish
    seconds: float
    graphs: list | None = None  # each graph it built: [op name, op type] pairs (None: not recorded)


@dataclass
class ProgramResult:
    program: str
    status: str             # "same numbers", "differs", "tensorslow error", "tf1 error"
    tensorslow: Run
    tf1: Run
    rtol: float
    atol: float
    worst_relative: float = 0.0
    difference: Difference | None = None
    graph: str = "no graphs"  # "same graph", "N of M ops differ, first: ...", or why not compared
    graph_ops_equal: int = 0
    graph_ops_total: int = 0

    @property
    def passed(self):
        return self.status == "same numbers"

    @property
    def same_graph(self):
        return self.graph == "same graph"


def discover(directory=PROGRAMS_DIR):
    """The programs of ``directory``: its ``*.py`` files with a TF1 import, sorted by name."""
    return sorted(p for p in Path(directory).glob("*.py") if TF1_IMPORT.search(p.read_text()))


def tolerance(source):
    """(rtol, atol) from the program's ``# parity:`` line, else the defaults."""
    values = {"rtol": DEFAULT_RTOL, "atol": DEFAULT_ATOL}
    match = _TOLERANCE.search(source)
    if match:
        for item in match.group(1).split():
            key, _, value = item.partition("=")
            if key not in values:
                raise ValueError(f"unknown tolerance {key!r} in '# parity:' line (known: rtol, atol)")
            values[key] = float(value)
    return values["rtol"], values["atol"]


def engine_environment(engine):
    """The subprocess environment: one thread per engine, quiet TensorFlow, Keras 2 for tf.compat.v1.layers."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1", TF_CPP_MIN_LOG_LEVEL="3",
               PYTHONWARNINGS="ignore")
    if engine == "tf1":
        env["TF_USE_LEGACY_KERAS"] = "1"   # tf.compat.v1.layers and rnn_cell need tf-keras under TF 2.21
    return env


def run_one(path, engine, timeout, graphs_path=None):
    """Run ``path`` under ``engine`` in a fresh process; its stdout, if it failed why, and with
    ``graphs_path`` (a file for the launcher to write) the graphs it built."""
    start = time.perf_counter()
    path = Path(path).resolve()
    # -c rather than -m: this package has already imported the launcher module, which runpy warns about.
    command = [sys.executable, "-c", "import sys; from tensorslow_parity.programs.launcher import run; "
               "run(*sys.argv[1:])", engine, str(path)] + ([str(graphs_path)] if graphs_path else [])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              env=engine_environment(engine), cwd=path.parent)
    except subprocess.TimeoutExpired as e:
        output = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return Run(output, f"did not finish within {timeout:g} s", time.perf_counter() - start)
    error = None
    if done.returncode != 0:
        error = last_exception_line(done.stderr) or f"exit status {done.returncode}"
    return Run(done.stdout, error, time.perf_counter() - start, read_graphs(graphs_path))


def read_graphs(graphs_path):
    """The op lists the launcher wrote to ``graphs_path``, or None if it wrote none (killed, crashed)."""
    try:
        return json.loads(Path(graphs_path).read_text()) if graphs_path else None
    except (OSError, ValueError):
        return None


def last_exception_line(stderr):
    """The line of a traceback that names the exception (TensorFlow appends the op's creation stack after it)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    named = [line for line in lines if _EXCEPTION.match(line)]
    return (named or lines or [None])[-1]


def check(path, timeout=300.0):
    """Run one program under both engines and compare: a :class:`ProgramResult`."""
    path = Path(path)
    rtol, atol = tolerance(path.read_text())
    with tempfile.TemporaryDirectory(prefix="graphs-") as tmp, ThreadPoolExecutor(2) as pool:
        ours, theirs = pool.map(lambda engine: run_one(path, engine, timeout, Path(tmp) / f"{engine}.json"),
                                ["tensorslow", "tf1"])
    result = ProgramResult(path.stem, "same numbers", ours, theirs, rtol, atol)
    if ours.graphs is not None and theirs.graphs is not None:
        result.graph, result.graph_ops_equal, result.graph_ops_total = graph_verdict(ours.graphs, theirs.graphs)
    else:
        result.graph = "graphs not recorded by " + " and ".join(
            engine for engine, run in (("tensorslow", ours), ("tf1", theirs)) if run.graphs is None)
    if theirs.error:
        result.status = "tf1 error"
    elif ours.error:
        result.status = "tensorslow error"
    else:
        result.difference, result.worst_relative = first_difference(ours.output, theirs.output, rtol, atol)
        if result.difference:
            result.status = "differs"
    return result


def configure(parser):
    from tensorslow_parity.cli import positive_int, seconds
    parser.add_argument("programs", nargs="*", type=Path,
                        help=f"TF1 programs to run (default: every program in {PROGRAMS_DIR.name}/)")
    parser.add_argument("--timeout", type=seconds, default=300.0, help="seconds per program and engine")
    parser.add_argument("--jobs", type=positive_int, default=1, help="programs checked at once (each runs "
                        "its two engines side by side)")
    parser.add_argument("--show-output", action="store_true", help="print both outputs of a program that differs")


def main(args):
    paths = args.programs or discover()
    for path in paths:
        if not path.is_file():
            from tensorslow_parity.cli import UsageError
            raise UsageError(f"error: no such program: {path}")
    failed = 0
    same_graphs = 0
    print(f"{'program':28} {'verdict':18} {'worst rel. diff':>15} {'tensorslow':>11} {'tf1':>8}  "
          f"{'graph (ops equal / total)':>25}")
    with ThreadPoolExecutor(args.jobs) as pool:
        for result in pool.map(lambda p: check(p, args.timeout), paths):
            failed += not result.passed
            same_graphs += result.same_graph
            print(f"{result.program:28} {result.status:18} {result.worst_relative:15.2g} "
                  f"{result.tensorslow.seconds:10.1f}s {result.tf1.seconds:7.1f}s  "
                  f"{result.graph_ops_equal:>11} / {result.graph_ops_total:<11}", flush=True)
            if not result.same_graph:
                print(f"    graph: {result.graph}")
            for engine, run in (("tensorslow", result.tensorslow), ("tf1", result.tf1)):
                if run.error:
                    print(f"    {engine}: {run.error}")
            if result.difference:
                print("    " + str(result.difference).replace("\n", "\n    "))
                if args.show_output:
                    print("--- tensorslow\n" + result.tensorslow.output + "--- tf1\n" + result.tf1.output)
    print(f"\n{len(paths) - failed} of {len(paths)} programs print TensorFlow's numbers under TensorSlow")
    print(f"{same_graphs} of {len(paths)} programs build TensorFlow's graph op for op (backward pass and "
          f"optimizer updates aside)")
    return 1 if failed else 0
