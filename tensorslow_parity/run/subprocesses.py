"""Running cells in framework subprocesses: one worker per (framework, device), with timeouts.

Each (framework, device) runs in its own subprocess (:mod:`tensorslow_parity.run.worker`; with
``run --jobs``, several at once: :mod:`.jobs`) with a timeout per cell: a crash, a hang, a missing
package, a line on stdout that is not the protocol, a result for the wrong cell or an unreadable output
file is recorded as ``error`` for that cell with the reason, and the rest of
the matrix goes on (a new subprocess picks up the remaining cells). Every wait
has a timeout. The worker's stdin is a pipe the parent never writes to: when
the parent dies, however it dies, the worker sees end of file and exits.
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

from tensorslow_parity import frameworks
from tensorslow_parity.models import zoo
from tensorslow_parity.schema import REFERENCE

CELL_TIMEOUT_S = 180
STARTUP_TIMEOUT_S = 180
#: seconds a worker whose stdout closed gets to exit before it is killed; and to die after the kill
EXIT_TIMEOUT_S = 10
#: the worker's command line, before the task file's path
WORKER = (sys.executable, "-m", "tensorslow_parity.run.worker")


@dataclass(frozen=True)
class Cell:
    model: str
    optimizer: str
    framework: str
    device: str
    dtype: str
    #: how the cell's initial weights come: "injected" or "same-seed" (see ``run --init``)
    init: str = "injected"
    #: same-seed: the dtype the cell draws in when not its own (the float64 reference of float32 cells)
    draw: str | None = None

    @property
    def id(self):
        key = "/".join((self.model, self.optimizer, self.framework, self.device, self.dtype))
        return key if self.draw is None else f"{key}@draw-{self.draw}"

    @property
    def key(self):
        return dict(model=self.model, optimizer=self.optimizer, framework=self.framework, device=self.device,
                    dtype=self.dtype)

    def reference(self):
        """The cell this one is compared with: tf1, CPU, float64, starting where this cell starts.

        In same-seed mode a float32 cell starts from the float32 draw, which a
        float64 draw does not give (a float64 uniform takes two Philox words per
        value, a float32 one one), so its reference draws in float32 and casts.
        """
        draw = self.dtype if self.init == "same-seed" and self.dtype != REFERENCE["dtype"] else None
        return Cell(self.model, self.optimizer, **REFERENCE, init=self.init, draw=draw)


@dataclass
class Outcome:
    """What running a cell gave: outputs (a dict of arrays) or an error message."""

    outputs: dict = None
    error: str = None


class _LineReader:
    """Lines from a subprocess's stdout, with a timeout (a hung framework must not hang the run)."""

    def __init__(self, stream, stop=None):
        self.fd = stream.fileno()
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.fd, selectors.EVENT_READ)
        self.buffer = b""
        self.stop = stop  # a threading.Event: once set, readline gives up as if it had timed out

    def readline(self, timeout):
        """The next line; ``""`` at end of file; ``None`` after ``timeout`` seconds without one (or once stopped)."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or (self.stop is not None and self.stop.is_set()):
                return None
            wait = left if self.stop is None else min(left, 1.0)  # wake up now and then to look at the stop flag
            if not self.selector.select(wait):
                continue
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


def _start_worker(framework, device, cells, problems, workdir, stem, worker=WORKER):
    """Write the task file of ``cells`` and start a worker on it; return (process, {cell id: out path}, stderr path)."""
    task = {"framework": framework, "device": device, "cells": [
        {"id": c.id, "spec": zoo.spec_to_dict(zoo.get(c.model)), "optimizer": c.optimizer, "dtype": c.dtype,
         "problem": str(problems[c.model]), "draw": c.draw,
         "out": str(workdir / f"{c.id.replace('/', '__')}.npz")}
        for c in cells]}
    task_path = workdir / f"{stem}.json"
    task_path.write_text(json.dumps(task), encoding="utf-8")
    stderr_path = workdir / f"{stem}.stderr"
    # The framework's own settings (KERAS_BACKEND, TENSORSLOW_ARRAY_MODULE, ...) go to this worker only.
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TENSORSLOW_PARITY_PARENT=str(os.getpid()),
               **frameworks.worker_environment(framework, device))
    with open(stderr_path, "wb") as stderr:
        proc = subprocess.Popen([*worker, str(task_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=stderr, env=env)
    return proc, {c["id"]: c["out"] for c in task["cells"]}, stderr_path


def _stop(proc):
    """Kill ``proc`` if it still runs and reap it, waiting at most :data:`EXIT_TIMEOUT_S`."""
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            stream.close()
    if proc.poll() is None:
        proc.kill()
    try:
        proc.wait(timeout=EXIT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pass  # unkillable for now (uninterruptible sleep): nothing more to do from here


def _lost(framework, proc, line, ready, cell_timeout, startup_timeout, stderr_path):
    """Why a worker gave no result: it hung (``line`` is None; it is killed) or closed its stdout."""
    if line is None:
        _stop(proc)
        return (f"timed out: no result within {cell_timeout:g} s" if ready else
                f"timed out: the {framework} subprocess did not start within {startup_timeout + cell_timeout:g} s")
    try:
        rc = proc.wait(timeout=EXIT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _stop(proc)
        return (f"the {framework} subprocess closed its output but did not exit within {EXIT_TIMEOUT_S} s "
                f"(killed): {_stderr_tail(stderr_path)}")
    if rc == 0:
        return f"the {framework} subprocess exited without a result: {_stderr_tail(stderr_path)}"
    return f"the {framework} subprocess crashed (exit status {rc}): {_stderr_tail(stderr_path)}"


def _parse(line):
    """The protocol message on ``line`` (a dict), or None when the line is not one."""
    try:
        message = json.loads(line)
    except ValueError:
        return None
    if not isinstance(message, dict):
        return None
    if message.get("ready") is True or (isinstance(message.get("id"), str) and isinstance(message.get("ok"), bool)):
        return message
    return None


def _load_outputs(path):
    """The arrays of a cell's output file, or an error message when it cannot be read."""
    try:
        with np.load(path, allow_pickle=False) as f:
            return Outcome(outputs={k: np.asarray(f[k]) for k in f.files})
    except Exception as e:  # noqa: BLE001  a bad file is this cell's error, whatever numpy raises
        return Outcome(error=f"the worker's output file {Path(path).name} cannot be read: {type(e).__name__}: {e}")


def run_group(framework, device, cells, problems, workdir, cell_timeout=CELL_TIMEOUT_S,
              startup_timeout=STARTUP_TIMEOUT_S, on_done=None, versions=None, worker=WORKER, part=None,
              stop=None):
    """Run ``cells`` (all of one framework and device) in worker subprocesses; return {cell id: Outcome}.

    A worker that crashes, hangs or breaks the protocol costs the cell it was
    running (recorded as an error); a fresh worker takes the rest. A worker
    that dies or hangs before it has imported its framework fails every
    remaining cell with the same message.

    ``part`` names one of several groups of the same framework and device that
    run at once (``run --jobs``: their files must not collide). ``stop``, a
    :class:`threading.Event`, set by another thread, kills the running worker
    (checked every second) and starts no new one: the cells left get no outcome.
    """
    outcomes, remaining, attempt = {}, list(cells), 0

    def finish(cell, outcome):
        outcomes[cell.id] = outcome
        if on_done:
            on_done(cell, outcome)

    stem = f"{framework}-{device}" if part is None else f"{framework}-{device}-part{part}"
    while remaining and not (stop is not None and stop.is_set()):
        attempt += 1
        proc, out_paths, stderr_path = _start_worker(framework, device, remaining, problems, workdir,
                                                     f"{stem}-{attempt}", worker)
        reader = _LineReader(proc.stdout, stop)
        try:
            remaining = _drive(framework, proc, reader, remaining, out_paths, stderr_path, finish,
                               cell_timeout, startup_timeout, versions)
        finally:
            reader.close()
            _stop(proc)
    return outcomes


def _drive(framework, proc, reader, remaining, out_paths, stderr_path, finish, cell_timeout, startup_timeout,
           versions):
    """Read one worker's messages until it is done or lost; return the cells it left to run."""
    remaining, ready = list(remaining), False
    while remaining:
        line = reader.readline(cell_timeout if ready else startup_timeout + cell_timeout)
        if line is None or line == "":
            what = _lost(framework, proc, line, ready, cell_timeout, startup_timeout, stderr_path)
            if not ready:
                # It never got as far as importing the framework: every cell would fail the same way.
                for cell in remaining:
                    finish(cell, Outcome(error=what))
                return []
            finish(remaining.pop(0), Outcome(error=what))
            return remaining
        message = _parse(line)
        cell = remaining[0]
        if message is None:
            finish(remaining.pop(0), Outcome(error=f"the {framework} subprocess broke the protocol: it printed "
                                                   f"{line.strip()[:200]!r} on its result channel"))
            return remaining  # what it says next cannot be trusted: a fresh worker takes the rest
        if message.get("ready") is True:
            ready = True
            if versions is not None and isinstance(message.get("versions"), dict):
                versions.update(message["versions"])
            continue
        if message["id"] != cell.id:
            finish(remaining.pop(0), Outcome(error=f"the {framework} subprocess broke the protocol: expected the "
                                                   f"result of {cell.id}, got {message['id'][:200]!r}"))
            return remaining
        remaining.pop(0)
        if message["ok"]:
            finish(cell, _load_outputs(out_paths[cell.id]))
        else:
            finish(cell, Outcome(error=str(message.get("error") or "unknown error")))
    return remaining
