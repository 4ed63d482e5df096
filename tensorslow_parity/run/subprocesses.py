"""Running cells in framework subprocesses: one worker per (framework, device), with timeouts.

Each (framework, device) runs in its own subprocess (:mod:`tensorslow_parity.run.worker`)
with a timeout per cell: a crash, a hang or a missing package is recorded as
``error`` with its message and the rest of the matrix goes on (a new
subprocess picks up the remaining cells).
"""
import json
import os
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tensorslow_parity.models import zoo
from tensorslow_parity.schema import REFERENCE

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
        return Cell(self.model, self.optimizer, **REFERENCE)


@dataclass
class Outcome:
    """What running a cell gave: outputs (a dict of arrays) or an error message."""

    outputs: dict = None
    error: str = None


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


def _start_worker(framework, device, cells, problems, workdir, stem):
    """Write the task file of ``cells`` and start a worker on it; return (process, {cell id: out path}, stderr path)."""
    task = {"framework": framework, "device": device, "cells": [
        {"id": c.id, "spec": zoo.spec_to_dict(zoo.get(c.model)), "optimizer": c.optimizer, "dtype": c.dtype,
         "problem": str(problems[c.model]), "out": str(workdir / f"{c.id.replace('/', '__')}.npz")}
        for c in cells]}
    task_path = workdir / f"{stem}.json"
    task_path.write_text(json.dumps(task), encoding="utf-8")
    stderr_path = workdir / f"{stem}.stderr"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    with open(stderr_path, "wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "tensorslow_parity.run.worker", str(task_path)],
                                stdout=subprocess.PIPE, stderr=stderr, env=env)
    return proc, {c["id"]: c["out"] for c in task["cells"]}, stderr_path


def _lost(framework, proc, line, ready, cell_timeout, startup_timeout, stderr_path):
    """Why a worker gave no result: it hung (``line`` is None; it is killed) or it exited."""
    if line is None:
        proc.kill()
    rc = proc.wait()
    if line is None:
        return (f"timed out: no result within {cell_timeout} s" if ready else
                f"timed out: the {framework} subprocess did not start within {startup_timeout + cell_timeout} s")
    return f"the {framework} subprocess crashed (exit status {rc}): {_stderr_tail(stderr_path)}"


def run_group(framework, device, cells, problems, workdir, cell_timeout=CELL_TIMEOUT_S,
              startup_timeout=STARTUP_TIMEOUT_S, on_done=None, versions=None):
    """Run ``cells`` (all of one framework and device) in worker subprocesses; return {cell id: Outcome}.

    A worker that crashes or hangs costs the cell it was running (recorded as
    an error); a fresh worker takes the rest. A worker that dies before it has
    imported its framework fails every remaining cell with the same message.
    """
    outcomes, remaining, attempt = {}, list(cells), 0

    def finish(cell, outcome):
        outcomes[cell.id] = outcome
        if on_done:
            on_done(cell, outcome)

    while remaining:
        attempt += 1
        proc, out_paths, stderr_path = _start_worker(framework, device, remaining, problems, workdir,
                                                     f"{framework}-{device}-{attempt}")
        reader, ready = _LineReader(proc.stdout), False
        try:
            while remaining:
                line = reader.readline(cell_timeout if ready else startup_timeout + cell_timeout)
                if line is None or line == "":
                    what = _lost(framework, proc, line, ready, cell_timeout, startup_timeout, stderr_path)
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
