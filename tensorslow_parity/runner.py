"""``tensorslow-parity run``: the model zoo in every framework, compared with the tf1 CPU float64 reference.

The matrix is model x optimizer x framework x device x dtype. The parent
process prepares each model's problem once (data, initial weights, batch
order: :func:`tensorslow_parity.zoo.make_problem`) and saves it; every cell loads the
same arrays. Each (framework, device) runs in its own subprocess
(:mod:`tensorslow_parity.worker`) with a timeout per cell: a crash, a hang or a missing
package is recorded as ``error`` with its message and the rest of the matrix
goes on (a new subprocess picks up the remaining cells). The reference cells
(tf1, CPU, float64) always run, reported or not. Devices that are absent, and
devices a framework cannot use, are ``skipped`` with the reason.

Outputs (atomically written, see :mod:`tensorslow_parity.schema`): results.csv,
gradients.csv, trajectories.csv, environment.json.
"""
import datetime
import json
import os
import selectors
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tensorslow_parity import compare, devices as device_probe, frameworks, schema, zoo
from tensorslow_parity.files import atomic_write_csv, atomic_write_json

DEFAULT_OUT = "reports/latest"
CELL_TIMEOUT_S = 180
STARTUP_TIMEOUT_S = 180


@dataclass(frozen=True)
class Cell:
    model: str
    optimizer: str
    framework: str
    device: str
    dtype: str

    @property
    def id(self):
        return "/".join((self.model, self.optimizer, self.framework, self.device, self.dtype))

    @property
    def key(self):
        return dict(model=self.model, optimizer=self.optimizer, framework=self.framework, device=self.device,
                    dtype=self.dtype)

    def reference(self):
        return Cell(self.model, self.optimizer, **schema.REFERENCE)


@dataclass
class Outcome:
    """What running a cell gave: outputs (a dict of arrays) or an error message."""

    outputs: dict = None
    error: str = None


# -- running cells in framework subprocesses ---------------------------------------------------

class _LineReader:
    """Lines from a subprocess's stdout, with a timeout (a hung framework must not hang the run)."""

    def __init__(self, stream):
        self.fd = stream.fileno()
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.fd, selectors.EVENT_READ)
        self.buffer = b""

    def readline(self, timeout):
        """The next line; ``""`` at end of file; ``None`` after ``timeout`` seconds without one."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self.selector.select(left):
                return None
            chunk = os.read(self.fd, 65536)
            if not chunk:
                line, self.buffer = self.buffer, b""
                return line.decode("utf-8", "replace")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode("utf-8", "replace") + "\n"

    def close(self):
        self.selector.close()


def _stderr_tail(path, limit=600):
    text = Path(path).read_text(encoding="utf-8", errors="replace").strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    tail = "\n".join(lines[-6:])
    return tail[-limit:] if tail else "no message on stderr"


def run_group(framework, device, cells, problems, workdir, cell_timeout=CELL_TIMEOUT_S,
              startup_timeout=STARTUP_TIMEOUT_S, on_done=None, versions=None):
    """Run ``cells`` (all of one framework and device) in worker subprocesses; return {cell id: Outcome}.

    A worker that crashes or hangs costs the cell it was running (recorded as
    an error); a fresh worker takes the rest. A worker that dies before it has
    imported its framework fails every remaining cell with the same message.
    """
    outcomes, remaining, attempt = {}, list(cells), 0
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")

    def finish(cell, outcome):
        outcomes[cell.id] = outcome
        if on_done:
            on_done(cell, outcome)

    while remaining:
        attempt += 1
        stem = f"{framework}-{device}-{attempt}"
        task = {"framework": framework, "device": device, "cells": [
            {"id": c.id, "spec": zoo.spec_to_dict(zoo.get(c.model)), "optimizer": c.optimizer, "dtype": c.dtype,
             "problem": str(problems[c.model]), "out": str(workdir / f"{c.id.replace('/', '__')}.npz")}
            for c in remaining]}
        out_paths = {c["id"]: c["out"] for c in task["cells"]}
        task_path = workdir / f"{stem}.json"
        task_path.write_text(json.dumps(task), encoding="utf-8")
        stderr_path = workdir / f"{stem}.stderr"
        with open(stderr_path, "wb") as stderr:
            proc = subprocess.Popen([sys.executable, "-m", "tensorslow_parity.worker", str(task_path)], stdout=subprocess.PIPE,
                                    stderr=stderr, env=env)
        reader, ready = _LineReader(proc.stdout), False
        try:
            while remaining:
                line = reader.readline(cell_timeout if ready else startup_timeout + cell_timeout)
                if line is None or line == "":
                    if line is None:
                        proc.kill()
                    rc = proc.wait()
                    if line is None:
                        what = (f"timed out: no result within {cell_timeout} s" if ready else
                                f"timed out: the {framework} subprocess did not start within "
                                f"{startup_timeout + cell_timeout} s")
                    else:
                        what = f"the {framework} subprocess crashed (exit status {rc}): {_stderr_tail(stderr_path)}"
                    if not ready:
                        # It never got as far as importing the framework: every cell would fail the same way.
                        for cell in remaining:
                            finish(cell, Outcome(error=what))
                        remaining = []
                    else:
                        finish(remaining.pop(0), Outcome(error=what))
                    break
                try:
                    message = json.loads(line)
                except json.JSONDecodeError:
                    continue  # not the protocol (the worker reserves stdout, but be lenient)
                if message.get("ready"):
                    ready = True
                    if versions is not None:
                        versions.update(message.get("versions", {}))
                    continue
                cell = remaining.pop(0)
                if message.get("id") != cell.id:
                    raise RuntimeError(f"worker protocol: expected {cell.id}, got {message.get('id')}")
                if message.get("ok"):
                    with np.load(out_paths[cell.id]) as f:
                        finish(cell, Outcome(outputs={k: f[k] for k in f.files}))
                else:
                    finish(cell, Outcome(error=message.get("error", "unknown error")))
        finally:
            reader.close()
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()
    return outcomes


# -- the matrix ----------------------------------------------------------------------------------

def plan(models, optimizers, framework_names, device_names, dtypes, found):
    """Split the matrix into cells to run and skipped rows; add the reference cells.

    Returns ``(to_run, skipped, reported)``: cells to run (reference cells
    included), {cell: reason} for skipped ones, and the cells that appear in
    results.csv, in matrix order.
    """
    reported, skipped = [], {}
    for m in models:
        for o in optimizers:
            for f in framework_names:
                for d in device_names:
                    for t in dtypes:
                        cell = Cell(m, o, f, d, t)
                        reported.append(cell)
                        if not found.get(d, {}).get("available"):
                            skipped[cell] = found.get(d, {}).get("reason", f"device {d} not probed")
                        elif d in frameworks.UNSUPPORTED_DEVICES.get(f, {}):
                            skipped[cell] = frameworks.UNSUPPORTED_DEVICES[f][d]
    to_run = [c for c in reported if c not in skipped]
    references = [c.reference() for c in to_run]
    to_run += [r for r in dict.fromkeys(references) if r not in to_run]
    return to_run, skipped, reported


def build_rows(reported, skipped, outcomes, problems_meta):
    """results.csv, gradients.csv and trajectories.csv rows for the reported cells."""
    results, gradients, trajectories = [], [], []
    for cell in reported:
        meta = problems_meta[cell.model]
        tol, note = compare.tolerances(cell.framework, cell.optimizer, cell.dtype)
        row = dict(cell.key, steps=meta["steps"], batch_size=meta["batch_size"], n_params=meta["n_params"],
                   note=note, reason="")
        if cell in skipped:
            results.append(dict(row, status="skipped", reason=skipped[cell]))
            continue
        outcome, ref = outcomes[cell.id], outcomes[cell.reference().id]
        if outcome.error:
            results.append(dict(row, status="error", reason=outcome.error))
            continue
        if ref.error:
            results.append(dict(row, status="error",
                                reason=f"the reference (tf1, cpu, float64) failed, nothing to compare with: "
                                       f"{ref.error}"))
            continue
        try:
            figures, grad_rows = compare.compare(outcome.outputs, ref.outputs, meta["variables"], tol)
        except (ValueError, KeyError) as e:
            results.append(dict(row, status="error", reason=f"outputs not comparable with the reference: {e}"))
            continue
        failed = compare.failed_checks(figures)
        reason = "; ".join(f"{c}: {figures[c + '_err']:.3g} > tolerance {figures[c + '_tol']:g}" for c in failed)
        results.append(dict(row, **figures, status="failed" if failed else "passed", reason=reason))
        gradients += [dict(cell.key, **g) for g in grad_rows]
        ref_losses = ref.outputs["losses"]
        trajectories += [dict(cell.key, step=i, loss=float(a), loss_ref=float(b), abs_diff=float(abs(a - b)))
                         for i, (a, b) in enumerate(zip(outcome.outputs["losses"], ref_losses))]
    return results, gradients, trajectories


def run_matrix(models, optimizers, framework_names, device_names, dtypes, steps=None, out=DEFAULT_OUT,
               cell_timeout=CELL_TIMEOUT_S, progress=True, found=None, command=None):
    """Run the matrix and write the results directory ``out``; return the results rows."""
    started, t0 = datetime.datetime.now(datetime.timezone.utc), time.monotonic()
    out = Path(out)
    found = device_probe.detect() if found is None else found
    to_run, skipped, reported = plan(models, optimizers, framework_names, device_names, dtypes, found)
    versions = {}
    with tempfile.TemporaryDirectory(prefix="parity-") as tmp:
        workdir = Path(tmp)
        problems, meta = {}, {}
        for name in dict.fromkeys(c.model for c in reported):
            problem = zoo.make_problem(zoo.get(name), steps)
            problems[name] = workdir / f"{name}.npz"
            np.savez(problems[name], **problem.to_arrays())
            meta[name] = dict(steps=len(problem.batches), batch_size=problem.batches.shape[1],
                              variables=problem.variable_names, n_params=int(sum(w.size for w in problem.weights)))
        bar = _progress(len(to_run), progress)
        outcomes = {}
        groups = {}
        for cell in to_run:
            groups.setdefault((cell.framework, cell.device), []).append(cell)
        for (framework, device), cells in groups.items():
            bar.set_description(f"{framework} on {device}")
            outcomes.update(run_group(framework, device, cells, problems, workdir, cell_timeout=cell_timeout,
                                      on_done=lambda cell, outcome: bar.update(1), versions=versions))
        bar.close()
        results, gradients, trajectories = build_rows(reported, skipped, outcomes, meta)
    environment = environment_info(found, versions, started, time.monotonic() - t0, command)
    atomic_write_csv(out / schema.RESULTS, results, schema.RESULTS_COLUMNS)
    atomic_write_csv(out / schema.GRADIENTS, gradients, schema.GRADIENTS_COLUMNS)
    atomic_write_csv(out / schema.TRAJECTORIES, trajectories, schema.TRAJECTORIES_COLUMNS)
    atomic_write_json(out / schema.ENVIRONMENT, environment)
    return results


def environment_info(found, versions, started, duration, command):
    import platform
    env = {"created": started.isoformat(timespec="seconds"), "command": command or "", "duration_s": round(duration, 1),
           "python": platform.python_version(), "numpy": np.__version__, "tensorflow": None, "keras": None,
           "platform": platform.platform(), "cpu": device_probe.cpu_name(), "cpu_count": os.cpu_count(),
           "devices": found}
    env.update({k: v for k, v in versions.items() if k in ("tensorflow", "keras")})
    return env


class _NoBar:
    def update(self, n):
        pass

    def set_description(self, text):
        print(text, file=sys.stderr, flush=True)

    def close(self):
        pass


def _progress(total, enabled):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm
    return tqdm(total=total, unit="cell", file=sys.stderr, dynamic_ncols=True)


# -- summary ---------------------------------------------------------------------------------------

def summary_table(results):
    """A text table: per framework, device and dtype, the row counts by status and the worst error per check."""
    import pandas as pd
    df = pd.DataFrame(results)
    keys = ["framework", "device", "dtype"]
    counts = df.groupby(keys)["status"].value_counts().unstack(fill_value=0)
    for status in schema.STATUSES:
        if status not in counts:
            counts[status] = 0
    table = counts[list(schema.STATUSES)]
    ran = df[df["status"].isin(["passed", "failed"])]
    for check in ("forward", "gradients", "trajectory_head", "trajectory_tail"):
        col = f"{check}_err"
        if col in ran and len(ran):
            worst = ran.groupby(keys)[col].max()
            table[f"worst {check}"] = worst.map(lambda v: f"{v:.1e}" if pd.notna(v) else "")
    return table.fillna("").to_string()


# -- command line ------------------------------------------------------------------------------------

def parse_choices(value, known, what):
    """A comma-separated command-line list checked against ``known``; None or "all" means all of them."""
    if value in (None, "all"):
        return list(known)
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in chosen if v not in known]
    if unknown:
        raise SystemExit(f"error: unknown {what} {', '.join(unknown)}; known: {', '.join(known)}")
    return chosen


def configure(parser):
    parser.add_argument("--models", help=f"comma-separated (default: all): {', '.join(zoo.MODELS)}")
    parser.add_argument("--optimizers", help=f"comma-separated (default: all): {', '.join(zoo.OPTIMIZER_NAMES)}")
    parser.add_argument("--frameworks", help=f"comma-separated (default: all): {', '.join(schema.FRAMEWORKS)}")
    parser.add_argument("--devices", default="auto",
                        help="comma-separated from cpu,gpu,tpu, or auto (default): all three, absent ones skipped "
                             "with the reason")
    parser.add_argument("--dtypes", help="comma-separated (default: all): float32,float64")
    parser.add_argument("--steps", type=int, help="training steps per model (default: each model's own)")
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"results directory (default: {DEFAULT_OUT})")
    parser.add_argument("--timeout", type=float, default=CELL_TIMEOUT_S,
                        help=f"seconds one cell may take before it is recorded as an error (default: {CELL_TIMEOUT_S})")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def main(args):
    models = parse_choices(args.models, list(zoo.MODELS), "model")
    optimizers = parse_choices(args.optimizers, zoo.OPTIMIZER_NAMES, "optimizer")
    framework_names = parse_choices(args.frameworks, schema.FRAMEWORKS, "framework")
    device_names = parse_choices(None if args.devices == "auto" else args.devices, schema.DEVICES, "device")
    dtypes = parse_choices(args.dtypes, schema.DTYPES, "dtype")
    if args.steps is not None and args.steps < 1:
        raise SystemExit("error: --steps must be at least 1")
    command = "tensorslow-parity run " + " ".join(shlex.quote(a) for a in sys.argv[2:])
    t0 = time.monotonic()
    results = run_matrix(models, optimizers, framework_names, device_names, dtypes, steps=args.steps, out=args.out,
                         cell_timeout=args.timeout, progress=not args.no_progress and sys.stderr.isatty(),
                         command=command)
    print(summary_table(results))
    bad = [r for r in results if r["status"] in ("failed", "error")]
    for r in bad:
        print(f"{r['status'].upper()}: {r['model']}/{r['optimizer']}/{r['framework']}/{r['device']}/{r['dtype']}: "
              f"{r['reason']}")
    print(f"{len(results)} rows ({sum(r['status'] == 'passed' for r in results)} passed, "
          f"{sum(r['status'] == 'failed' for r in results)} failed, "
          f"{sum(r['status'] == 'skipped' for r in results)} skipped, "
          f"{sum(r['status'] == 'error' for r in results)} errors) in {time.monotonic() - t0:.0f} s; "
          f"results in {args.out}/")
    return 1 if bad else 0
