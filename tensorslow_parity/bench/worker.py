"""One engine's worker process for the course benchmark: builds models and times blocks of steps on request.

``python -m tensorslow_parity.bench.worker ENGINE THREADS`` pins the threads
(:func:`tensorslow_parity.bench.engines.pin_threads`), imports the engine and
answers requests, one JSON object per line on stdin, with one JSON object per
line on its original stdout (anything the libraries print goes to stderr):

``{"cmd": "build", "case": KEY, "point": {...}, "dtype": D, "problem": NPZ, "warmup": N, "block_time": S}``
    build the model of ``point`` in ``dtype`` from the arrays in ``NPZ``
    (``w0``, ``w1``, ..., ``x``, ``y``: drawn once by the parent), take one
    SGD step and answer its loss (the loss of the initial weights: the parent
    checks that every engine computes the same), then warm up and answer how
    many steps make a block of about ``block_time`` seconds:
    ``{"ok": true, "loss": L, "calls": N}``.
``{"cmd": "time", "case": KEY, "calls": N, "limit": S}``
    time ``N`` steps back to back (fewer if they pass ``S`` seconds):
    ``{"ok": true, "seconds": per step}``.
``{"cmd": "quit"}``
    close the models and exit.

A request that fails is answered ``{"ok": false, "error": "Type: message"}``.
The first line, before any request, says whether the engine loaded:
``{"ok": true, "threads": ..., "versions": ...}`` or ``{"ok": false, "error": ...}``.
"""
import importlib
import json
import os
import sys

import numpy as np

from tensorslow_parity.bench.engines import model_class, pin_threads, versions
from tensorslow_parity.bench.lenet import LeNetModel, LeNetPoint
from tensorslow_parity.bench.lstm import LSTMModel, LSTMPoint
from tensorslow_parity.bench.points import Point
from tensorslow_parity.bench.timing import calls_per_block, error_message, time_block


class Worker:
    """The models of one engine, by case key, and the requests that build and time them."""

    def __init__(self, engine):
        self.engine = engine
        self.cls = model_class(engine)
        self.models = {}  # case key -> (model, x, y)

    def build(self, case, point, dtype, problem, warmup, block_time):
        with np.load(problem) as arrays:
            n = sum(name.startswith("w") for name in arrays.files)
            weights = [arrays[f"w{i}"] for i in range(n)]
            x, y = arrays["x"].astype(dtype), arrays["y"].astype(dtype)
        if point.get("kind") == "lenet":  # the convolutional case (bench/lenet.py)
            model = LeNetModel(self.engine, LeNetPoint(**point), weights, dtype)
        elif point.get("kind") == "lstm":  # the recurrent case (bench/lstm.py)
            model = LSTMModel(self.engine, LSTMPoint(**point), weights, dtype)
        else:
            point = Point(**point)
            model = self.cls(point.spec(), point.optimizer(), weights, dtype, "cpu")
        self.models[case] = (model, x, y)
        loss = float(model.train_step(x, y))
        calls = calls_per_block(lambda: model.train_step(x, y), warmup, block_time)
        return {"loss": loss, "calls": calls}

    def time(self, case, calls, limit):
        model, x, y = self.models[case]
        return {"seconds": time_block(lambda: model.train_step(x, y), calls, limit)}

    def close(self):
        for model, _, _ in self.models.values():
            model.close()
        self.models.clear()

    def answer(self, request):
        """The reply to one request (a dict), with ``ok``."""
        command = request.pop("cmd")
        try:
            if command == "build":
                return {"ok": True, **self.build(**request)}
            if command == "time":
                return {"ok": True, **self.time(**request)}
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
    send({"ok": True, "threads": described, "versions": versions(engine), "pid": os.getpid()})
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
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # whatever a library prints must not break the protocol

    def send(message):
        channel.write(json.dumps(message) + "\n")
        channel.flush()

    return serve(engine, int(threads), sys.stdin, send)


if __name__ == "__main__":
    raise SystemExit(main())
