"""One side of ``tensorslow-parity diverge``: run a program (or a zoo model) in one engine, capture one run.

``python -c "from tensorslow_parity.divergence.worker import main; main()" JOB`` where ``JOB`` is JSON:
``{"engine": "tensorslow"|"tf1", "out": DIR, "run": N|null}`` plus either ``"program": PATH`` or
``"model": NAME, "dtype": ..., "optimizer": ...``.

A program runs as :mod:`tensorslow_parity.programs.launcher` runs it (as ``__main__``, its TF1
import swapped for TensorSlow's); a zoo model is built by the harness's own graph-mode builder
(:mod:`tensorslow_parity.frameworks.graph_mode`) from the problem's weights and trained batch by
batch, so its runs are the initializer's (run 1) and one per training step. Either way the
:class:`~.probe.Probe` captures the chosen run and the worker writes ``capture.json`` (the run,
its fetches and its tensors) and ``values.npz`` (their values) into ``DIR``, or ``error.txt``
(why not) and exits with status 3.
"""
from __future__ import annotations

import contextlib
import json
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np

from tensorslow_parity.divergence.probe import Capture, CaptureDone, DivergenceError, Probe, Tensor


def engine_named(name, scratch=None):
    if name == "tensorslow":
        from tensorslow_parity.divergence.engine_tensorslow import TensorSlowEngine
        return TensorSlowEngine()
    if name == "tf1":
        from tensorslow_parity.divergence.engine_tf1 import TF1Engine
        return TF1Engine(scratch)
    raise ValueError(f"unknown engine {name!r}; known: tensorslow, tf1")


def run_program(engine, path):
    from tensorslow_parity.programs.launcher import run
    run(engine, path)


def run_model(engine, name, dtype, optimizer):
    """Train zoo model ``name`` in ``engine`` on the problem's batches (the probe stops it at its run)."""
    from tensorslow_parity.frameworks import load
    from tensorslow_parity.models.problem import make_problem
    from tensorslow_parity.models.zoo import get
    spec = get(name)
    problem = make_problem(spec)
    if engine == "tf1":  # as a TF1 program runs: reference variables, whose names TensorSlow's match
        from tensorslow_parity.tf1_behaviour import tf1_behaviour
        context = tf1_behaviour()
    else:
        context = contextlib.nullcontext()
    with context:
        model = load(engine)(spec, spec.optimizer(optimizer), problem.start(dtype), dtype, "cpu")
        try:
            for step in range(len(problem.batches)):
                x, y = (a.astype(dtype) for a in problem.batch(step))
                model.train_step(x, y)
        finally:
            model.close()


def write(capture, out):
    """``capture.json`` and ``values.npz`` in ``out``."""
    names = list(capture.values)
    np.savez(out / "values.npz", **{f"t{k}": capture.values[name] for k, name in enumerate(names)})
    meta = asdict(capture)
    meta["values"] = names  # value k of values.npz is "t<k>"
    (out / "capture.json").write_text(json.dumps(meta))


def read(out):
    """The :class:`~.probe.Capture` a worker wrote into ``out``."""
    meta = json.loads((Path(out) / "capture.json").read_text())
    with np.load(Path(out) / "values.npz") as arrays:
        values = {name: arrays[f"t{k}"] for k, name in enumerate(meta.pop("values"))}
    meta["tensors"] = [Tensor(**t) for t in meta["tensors"]]
    return Capture(**meta, values=values)


def work(job):
    engine = engine_named(job["engine"], job["out"])
    probe = Probe(engine, job.get("run"))
    try:
        if job.get("program"):
            run_program(job["engine"], job["program"])
        else:
            run_model(job["engine"], job["model"], job["dtype"], job["optimizer"])
    except CaptureDone:
        pass
    except SystemExit as e:  # the program's own sys.exit(): fine if the run was captured before it
        if probe.capture is None and e.code not in (None, 0):
            raise
    finally:
        probe.uninstall()
    if probe.capture is None:
        raise probe.missed()
    return probe.capture


def main(argv=None):
    job = json.loads((argv or sys.argv[1:])[0])
    out = Path(job["out"])
    try:
        write(work(job), out)
    except DivergenceError as e:
        (out / "error.txt").write_text(str(e))
        sys.exit(3)
