"""One engine's worker process for the course benchmark: builds models and times blocks of steps on request.

``python -m tensorslow_parity.bench.worker ENGINE THREADS`` pins the threads
(:func:`tensorslow_parity.bench.engines.pin_threads`), imports the engine and
answers requests, one JSON object per line on stdin, with one JSON object per
line on its original stdout (anything the libraries print goes to stderr):

``{"cmd": "build", "case": KEY, "point": {...}, "dtype": D, "problem": NPZ, "warmup": N, "block_time": S,
"device": DEV, "phases": [...]}``
    build the model of ``point`` in ``dtype`` on ``device`` (default ``cpu``)
    from the arrays in ``NPZ`` (``w0``, ``w1``, ..., ``x``, ``y``, and for the
    ``epoch`` phase ``x_epoch``, ``y_epoch``: drawn once by the parent), take
    one SGD step and answer its loss (the loss of the initial weights: the
    parent checks that every engine computes the same), then warm up each of
    ``phases`` (default ``["train"]``; also ``forward``, one inference call,
    and ``epoch``, Keras ``model.fit`` over the epoch's batches) and answer
    how many calls of each make a block of about ``block_time`` seconds:
    ``{"ok": true, "loss": L, "calls": {PHASE: N}, "errors": {PHASE: why}}`` (a phase that failed
    to warm up is in ``errors``, not in ``calls``).
``{"cmd": "time", "case": KEY, "calls": N, "limit": S, "phase": P}``
    time ``N`` calls of phase ``P`` (default ``train``) back to back (fewer
    if they pass ``S`` seconds): ``{"ok": true, "seconds": per call}``.
``{"cmd": "drop", "case": KEY}``
    close that model (a sweep is done with its point): ``{"ok": true}``.
``{"cmd": "quit"}``
    close the models and exit.

A request that fails is answered ``{"ok": false, "error": "Type: message"}``.
The first line, before any request, says whether the engine loaded:
``{"ok": true, "threads": ..., "versions": ...}`` (NumPy-based engines also ``"blas": {"architecture": CORE,
"coretype": OPENBLAS_CORETYPE}``, :func:`tensorslow_parity.bench.blas.worker_core`) or ``{"ok": false, "error": ...}``.
"""
import importlib
import json
import os
import sys

import numpy as np

from tensorslow_parity import quiet_tf
from tensorslow_parity.bench.blas import NUMPY_ENGINES, worker_core
from tensorslow_parity.bench.engines import model_class, pin_threads, versions
from tensorslow_parity.bench.lenet import LeNetModel, LeNetPoint
from tensorslow_parity.bench.lstm import LSTMModel, LSTMPoint
from tensorslow_parity.bench.points import Point
from tensorslow_parity.bench.timing import calls_per_block, error_message, time_block


def phase_calls(engine, model, x, y, epoch=None):
    """phase -> a function making one call of it: ``train`` (one SGD step fetching the loss), ``forward``
    (one inference call), and for Keras ``epoch`` (``model.fit`` for one epoch of ``epoch``'s batches)."""
    calls = {"train": lambda: model.train_step(x, y), "forward": lambda: model.forward(x)}
    if engine == "keras" and epoch is not None:
        x_epoch, y_epoch = epoch

        def fit():
            with model.tf.device(model.device_name):
                model.model.fit(x_epoch, y_epoch, batch_size=len(x), epochs=1, verbose=0, shuffle=False)
        calls["epoch"] = fit
    return calls


class Worker:
    """The models of one engine, by case key, and the requests that build and time them."""

    def __init__(self, engine, cls=None):
        self.engine = engine
        self.cls = cls or model_class(engine)
        self.models = {}  # case key -> (model, {phase: call})

    def build(self, case, point, dtype, problem, warmup, block_time, device="cpu", phases=("train",)):
        with np.load(problem) as arrays:
            n = sum(name.startswith("w") for name in arrays.files)
            weights = [arrays[f"w{i}"] for i in range(n)]
            x, y = arrays["x"].astype(dtype), arrays["y"].astype(dtype)
            epoch = (arrays["x_epoch"].astype(dtype), arrays["y_epoch"].astype(dtype)) if "x_epoch" in arrays \
                else None
        if point.get("kind") == "lenet":  # the convolutional case (bench/lenet.py)
            model = LeNetModel(self.engine, LeNetPoint(**point), weights, dtype)
        elif point.get("kind") == "lstm":  # the recurrent case (bench/lstm.py)
            model = LSTMModel(self.engine, LSTMPoint(**point), weights, dtype)
        else:
            point = Point(**point)
            model = self.cls(point.spec(), point.optimizer(), weights, dtype, device)
        calls = phase_calls(self.engine, model, x, y, epoch)
        unknown = [p for p in phases if p not in calls]
        if unknown:
            model.close()
            raise ValueError(f"{self.engine} has no phase {unknown[0]!r} (it has {', '.join(calls)})")
        self.models[case] = (model, calls)
        loss = float(model.train_step(x, y))
        per_block, errors = {}, {}
        for phase in phases:  # a phase that fails to warm up is an error of its own; the others go on
            try:
                per_block[phase] = calls_per_block(calls[phase], warmup, block_time)
            except Exception as e:  # noqa: BLE001
                errors[phase] = error_message(e)
        return {"loss": loss, "calls": per_block, "errors": errors}

    def time(self, case, calls, limit, phase="train"):
        return {"seconds": time_block(self.models[case][1][phase], calls, limit)}

    def drop(self, case):
        model, _ = self.models.pop(case)
        model.close()
        return {}

    def close(self):
        for model, _ in self.models.values():
            model.close()
        self.models.clear()

    def answer(self, request):
        """The reply to one request (a dict), with ``ok``."""
        request = dict(request)
        command = request.pop("cmd")
        try:
            if command in ("build", "time", "drop"):
                return {"ok": True, **getattr(self, command)(**request)}
            raise ValueError(f"unknown command {command!r}")
        except Exception as e:  # noqa: BLE001 (the parent records it; this engine's other cases go on)
            return {"ok": False, "error": error_message(e)}


def serve(engine, threads, requests, send):
    """Load ``engine``, then answer each request of the iterable ``requests`` (JSON lines) through ``send``."""
    try:
        described = pin_threads(engine, threads)
        worker = Worker(engine)
        importlib.import_module(worker.cls.__module__)
    except Exception as e:  # noqa: BLE001 (a broken install: the parent shows the engine as an error)
        send({"ok": False, "error": error_message(e)})
        return 1
    hello = {"ok": True, "threads": described, "versions": versions(engine), "pid": os.getpid()}
    if engine in NUMPY_ENGINES:  # the parent checks that an OPENBLAS_CORETYPE it set took (bench/blas.py)
        hello["blas"] = worker_core()
    send(hello)
    try:
        for line in requests:
            request = json.loads(line)
            if request.get("cmd") == "quit":
                break
            send(worker.answer(request))
    finally:
        worker.close()
    return 0


def main(argv=None):
    engine, threads = (argv or sys.argv[1:])[:2]
    quiet_tf.install()  # before an engine imports TensorFlow (or JAX): no log lines reach the user
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # whatever a library prints must not break the protocol

    def send(message):
        channel.write(json.dumps(message) + "\n")
        channel.flush()

    return serve(engine, int(threads), sys.stdin, send)


if __name__ == "__main__":
    raise SystemExit(main())
