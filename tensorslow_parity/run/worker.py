"""The framework subprocess: runs a list of cells of one framework on one device.

``python -m tensorslow_parity.run.worker TASKS.json`` reads::

    {"framework": "tf1", "device": "cpu",
     "cells": [{"id": ..., "spec": {...}, "optimizer": ..., "dtype": ..., "problem": "x.npz", "out": "y.npz",
                "draw": null}, ...]}

(``spec`` is the model's :class:`tensorslow_parity.models.zoo.ModelSpec` as a dict, so models
registered in the parent process need no registration here; ``draw``, optional, is the dtype a
same-seed cell draws in when it is not its own: the float64 reference of float32 cells)

and talks to the parent on stdout, one JSON object per line: first
``{"ready": true, "versions": {...}}`` once the framework is imported, then per
cell ``{"id": ..., "ok": true}`` after its outputs are written to ``out``
(atomically), or ``{"id": ..., "ok": false, "error": "..."}``. Anything else
the framework prints goes to stderr, so it cannot corrupt the protocol.

A worker started by the parity run (``TENSORSLOW_PARITY_PARENT`` holds the
parent's pid) dies with its parent, however the parent dies: on Linux the
kernel sends it SIGKILL (``prctl(PR_SET_PDEATHSIG)``); everywhere, a thread
waits for end of file on stdin, a pipe only the parent holds open.

The outputs of a cell (float64 arrays unless stated):

* ``init_<i>``: the weights the model starts from, before anything runs;
* ``forward``: logits of the first training batch at the initial weights;
* ``loss0``, ``grad_<i>``: loss and gradients on that batch at the initial weights;
* ``losses``: the loss before each training step's update; ``step_times``: wall time per step;
* ``final_<i>``: the weights after training;
* ``train_accuracy``, ``test_accuracy``: of the final weights on the whole training and test sets.
"""
import dataclasses
import io
import json
import os
import sys
import time
import traceback

import numpy as np


def accuracy(logits, y):
    """Fraction of rows whose predicted class is ``y``: argmax of the logits, or logit > 0 for one output."""
    logits = np.asarray(logits)
    predicted = np.argmax(logits, axis=1) if logits.shape[1] > 1 else (logits[:, 0] > 0).astype(np.int64)
    return float(np.mean(predicted == y))


def run_cell(model_class, spec, optimizer, problem, dtype, device, draw_dtype=None):
    """Run one cell in-process; return its outputs (a dict of arrays, see the module docstring)."""
    dtype = np.dtype(dtype)
    model = model_class(spec, optimizer, initial_weights(model_class, problem, dtype, draw_dtype), dtype, device)
    try:
        out = {f"init_{i}": np.asarray(w) for i, w in enumerate(model.get_weights())}
        x0, y0 = (a.astype(dtype) for a in problem.batch(0))
        out["forward"] = model.forward(x0)
        loss0, grads = model.loss_and_gradients(x0, y0)
        out["loss0"] = np.asarray(loss0)
        out.update({f"grad_{i}": np.asarray(g) for i, g in enumerate(grads)})
        losses, times = [], []
        for step in range(len(problem.batches)):
            x, y = (a.astype(dtype) for a in problem.batch(step))
            start = time.perf_counter()
            losses.append(float(model.train_step(x, y)))
            times.append(time.perf_counter() - start)
        out["losses"], out["step_times"] = np.array(losses), np.array(times)
        out.update({f"final_{i}": np.asarray(w) for i, w in enumerate(model.get_weights())})
        data = problem.data
        out["train_accuracy"] = np.asarray(accuracy(model.forward(data.x_train.astype(dtype)), data.y_train))
        out["test_accuracy"] = np.asarray(accuracy(model.forward(data.x_test.astype(dtype)), data.y_test))
    finally:
        model.close()
    return {k: np.asarray(host(v), dtype=np.float64) for k, v in out.items()}


def host(value):
    """``value`` as something NumPy can read: a device array (CuPy's, a torch tensor) copied to host memory."""
    if isinstance(value, np.ndarray | float | int | np.generic):
        return value
    for method in ("get", "cpu"):  # cupy.ndarray.get(), torch.Tensor.cpu()
        if callable(getattr(value, method, None)):
            value = getattr(value, method)()
            break
    return np.asarray(value)


def load_problem(spec, path):
    """The :class:`tensorslow_parity.models.problem.Problem` saved by the parent at ``path``."""
    from tensorslow_parity.initializers import SAME_SEED
    from tensorslow_parity.models import datasets
    from tensorslow_parity.models.problem import Problem
    with np.load(path) as f:
        a = {k: f[k] for k in f.files}
    n_classes = int(max(a["y_train"].max(), a["y_test"].max())) + 1
    data = datasets.Dataset(spec.dataset, "", a["x_train"], a["y_train"], a["x_test"], a["y_test"], n_classes)
    if "init_seed" not in a:
        n_weights = sum(1 for k in a if k.startswith("weight_"))
        return Problem(spec, data, [a[f"weight_{i}"] for i in range(n_weights)], a["batches"])
    draws = {}
    for dtype in ("float32", "float64"):
        n_weights = sum(1 for k in a if k.startswith(f"draw_{dtype}_"))
        draws[dtype] = [a[f"draw_{dtype}_{i}"] for i in range(n_weights)]
    return Problem(dataclasses.replace(spec, seed=int(a["init_seed"])), data, draws["float64"], a["batches"],
                   init=SAME_SEED, draws=draws)


def initial_weights(model_class, problem, dtype, draw_dtype=None):
    """What the model is built from: the injected weights; in same-seed mode the seed for a class that draws
    TF1's streams itself (in ``draw_dtype`` when given), else TensorSlow's draw in that dtype."""
    from tensorslow_parity.initializers import SAME_SEED
    if problem.init != SAME_SEED:
        return problem.weights
    if model_class.draws_same_seed:
        return problem.same_seed(draw_dtype)
    return problem.start(draw_dtype or dtype)


def save_outputs(path, outputs):
    from tensorslow_parity.files import atomic_write_bytes
    buf = io.BytesIO()
    np.savez(buf, **outputs)
    atomic_write_bytes(path, buf.getvalue())


def _versions(framework):
    """The versions of what computes ``framework``'s cells, for environment.json (imported already by then)."""
    import platform

    from tensorslow_parity.frameworks import KERAS_BACKENDS
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    modules = {"tensorslow": (), "tf1": ("tensorflow",), "tf2": ("tensorflow",)}.get(framework, ())
    if framework in KERAS_BACKENDS:
        modules = ("keras", KERAS_BACKENDS[framework])
    for name in modules:
        versions[name] = getattr(sys.modules.get(name) or __import__(name), "__version__", "?")
    return versions


def check_placement(framework, device):
    """Raise when the worker would not compute where its cells say: Keras on another backend than
    ``KERAS_BACKEND`` asked for (a keras.json or an earlier import can override it), or TensorSlow on a
    GPU without CuPy behind its array-module seam."""
    from tensorslow_parity.frameworks import KERAS_BACKENDS
    if framework in KERAS_BACKENDS:
        import keras
        if keras.backend.backend() != KERAS_BACKENDS[framework]:
            raise RuntimeError(f"{framework} needs Keras on the {KERAS_BACKENDS[framework]} backend, but Keras "
                               f"runs on {keras.backend.backend()!r} (KERAS_BACKEND="
                               f"{os.environ.get('KERAS_BACKEND')!r})")
    if framework == "tensorslow" and device == "gpu":
        from tensorslow import backend
        if backend.array_module_name() != "cupy":
            raise RuntimeError(f"TensorSlow on the GPU needs TENSORSLOW_ARRAY_MODULE=cupy; it runs on "
                               f"{backend.array_module_name()!r}")


def die_with_parent():
    """Exit when the parent run exits (see the module docstring); nothing when not started by a run."""
    parent = os.environ.get("TENSORSLOW_PARITY_PARENT")
    if not parent:
        return
    if sys.platform.startswith("linux"):
        import ctypes
        import signal
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if str(os.getppid()) != parent:
        os._exit(3)  # the parent died before the line above took effect

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        os._exit(3)

    import threading
    threading.Thread(target=watch_stdin, name="parent-watch", daemon=True).start()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    die_with_parent()
    with open(argv[0], encoding="utf-8") as f:
        task = json.load(f)
    # The protocol owns stdout; whatever the frameworks print goes to stderr.
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def say(**message):
        protocol.write(json.dumps(message) + "\n")
        protocol.flush()

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from tensorslow_parity import quiet_tf
    quiet_tf.install()  # before a framework imports TensorFlow: no log lines on the user's screen
    from tensorslow_parity import frameworks
    from tensorslow_parity.models import zoo
    model_class = frameworks.load(task["framework"])
    check_placement(task["framework"], task["device"])
    say(ready=True, versions=_versions(task["framework"]))
    for cell in task["cells"]:
        try:
            spec = zoo.spec_from_dict(cell["spec"])
            problem = load_problem(spec, cell["problem"])
            outputs = run_cell(model_class, spec, spec.optimizer(cell["optimizer"]), problem, cell["dtype"],
                               task["device"], cell.get("draw"))
            save_outputs(cell["out"], outputs)
            say(id=cell["id"], ok=True)
        except Exception as e:  # noqa: BLE001  one cell's failure is recorded; the others still run
            tail = "".join(traceback.format_exception(e)[-3:]).strip()
            say(id=cell["id"], ok=False, error=f"{type(e).__name__}: {e}\n{tail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
