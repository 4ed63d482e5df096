"""The devices: their kinds, which are present, and for which library; their TensorFlow names.

:data:`DEVICES` is the list of device kinds every command knows;
:func:`tf_device_name` gives a kind's TensorFlow name. Which are present is a
question for each library that would use them (:data:`BACKENDS`), since a GPU
TensorFlow cannot use may still serve JAX, PyTorch or CuPy (the GPU machine this
project is sometimes lent has those three and no TensorFlow):

* ``tensorflow``: GPUs in ``tf.config.list_physical_devices``, a TPU found by ``TPUClusterResolver``;
* ``jax``: ``jax.devices("gpu")`` and ``jax.devices("tpu")``;
* ``torch``: ``torch.cuda.is_available()`` (no TPU: Keras on a TPU is Keras on JAX);
* ``cupy``: ``cupy.cuda.runtime.getDeviceCount()`` (TensorSlow on the GPU).

Each library is probed in a subprocess of its own, all at once, with a timeout
(``python -m tensorslow_parity.devices BACKEND`` prints JSON): importing
TensorFlow is slow, looking for a TPU can hang on a machine without one, and a
broken CUDA install can crash the importer. :func:`detect` combines them: a kind
is ``available`` when some library can use it, and ``backends`` keeps each
library's answer, so a framework whose library sees no device is skipped with
that library's reason (see :func:`tensorslow_parity.run.matrix.plan`).
"""
import concurrent.futures
import json
import os
import platform
import subprocess
import sys

#: the device kinds, in table order
DEVICES = ("cpu", "gpu", "tpu")

#: the libraries asked which devices they can use
BACKENDS = ("tensorflow", "jax", "torch", "cupy")

#: the TensorFlow name of the first device of a kind (a TPU's comes from :func:`connect_tpu`)
TF_DEVICE_NAMES = {"cpu": "/CPU:0", "gpu": "/GPU:0"}

PROBE_TIMEOUT_S = 120


def cpu_name():
    """A readable CPU description: the model name from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_entry():
    return {"available": True, "name": f"{cpu_name()} ({os.cpu_count()} cores)"}


def _absent(reason):
    return {"available": False, "reason": reason}


def _first_line(e):
    text = str(e).strip()
    return f"{type(e).__name__}: {text.splitlines()[0] if text else 'no message'}"


def _probe_tensorflow(tf):
    gpus = tf.config.list_physical_devices("GPU")
    gpu = ({"available": True, "name": ", ".join(g.name for g in gpus)} if gpus else
           _absent("TensorFlow lists no GPU (tf.config.list_physical_devices('GPU') is empty)"))
    try:
        strategy = connect_tpu()
        tpu = {"available": True, "name": f"TPU with {strategy.num_replicas_in_sync} cores"}
    except Exception as e:  # noqa: BLE001 (every way of not finding a TPU is a reason to skip it)
        tpu = _absent(f"no TPU found by TPUClusterResolver ({_first_line(e)})")
    return {"gpu": gpu, "tpu": tpu}


def _probe_jax(jax):
    found = {}
    for kind in ("gpu", "tpu"):
        try:
            listed = jax.devices(kind)
        except RuntimeError as e:  # jax raises RuntimeError for a platform it has no backend for
            found[kind] = _absent(f"JAX lists no {kind.upper()} ({_first_line(e)})")
            continue
        found[kind] = ({"available": True, "name": ", ".join(str(d) for d in listed)} if listed else
                       _absent(f"JAX lists no {kind.upper()}"))
    return found


def _probe_torch(torch):
    if torch.cuda.is_available():
        names = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
        gpu = {"available": True, "name": ", ".join(names)}
    else:
        gpu = _absent("PyTorch sees no CUDA GPU (torch.cuda.is_available() is False)")
    return {"gpu": gpu, "tpu": _absent("PyTorch (as Keras uses it) does not run on TPUs")}


def _probe_cupy(cupy):
    try:
        n = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:  # noqa: BLE001 (no driver, no device: CuPy raises its own CUDA errors)
        gpu = _absent(f"CuPy finds no CUDA GPU ({_first_line(e)})")
    else:
        names = [cupy.cuda.runtime.getDeviceProperties(i)["name"].decode() for i in range(n)]
        gpu = {"available": True, "name": ", ".join(names)} if n else _absent("CuPy finds no CUDA GPU")
    return {"gpu": gpu, "tpu": _absent("CuPy runs on CUDA GPUs only")}


_PROBES = {"tensorflow": _probe_tensorflow, "jax": _probe_jax, "torch": _probe_torch, "cupy": _probe_cupy}
_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch", "cupy": "CuPy"}


def probe(backend="tensorflow"):
    """{"gpu": {...}, "tpu": {...}} as ``backend`` sees them: each {"available": bool, "name" or "reason": str}."""
    if backend not in _PROBES:
        raise ValueError(f"unknown backend {backend!r}; known: {', '.join(BACKENDS)}")
    import importlib
    try:
        module = importlib.import_module(backend)
    except Exception as e:  # noqa: BLE001 (any import failure means: no devices through this library)
        reason = f"{_NAMES[backend]} cannot be imported ({_first_line(e)})"
        return {"gpu": _absent(reason), "tpu": _absent(reason)}
    return _PROBES[backend](module)


def tf_device_name(device):
    """The TensorFlow name of the first device of a kind: ``"cpu"`` -> ``"/CPU:0"``, ``"gpu"`` -> ``"/GPU:0"``;
    ``"tpu"`` connects to the TPU (:func:`connect_tpu`) and names its first core."""
    if device == "tpu":
        return connect_tpu().extended.worker_devices[0]
    try:
        return TF_DEVICE_NAMES[device]
    except KeyError:
        raise ValueError(f"unknown device {device!r}; known: {', '.join(DEVICES)}") from None


_tpu_strategy = None


def connect_tpu():
    """Find a TPU with ``TPUClusterResolver``, initialize it and return its ``tf.distribute.TPUStrategy``.

    Raises whatever TensorFlow raises when there is none. Once per process.
    """
    global _tpu_strategy
    if _tpu_strategy is None:
        import tensorflow as tf
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        _tpu_strategy = tf.distribute.TPUStrategy(resolver)
    return _tpu_strategy


def _probe_in_subprocess(backend, timeout):
    """:func:`probe` of ``backend`` in a subprocess; a crash or a timeout is the reason for both kinds."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    try:
        proc = subprocess.run([sys.executable, "-m", "tensorslow_parity.devices", backend], capture_output=True,
                              text=True, timeout=timeout, env=env)
        if proc.returncode == 0:
            found = json.loads(proc.stdout.strip().splitlines()[-1])
            if isinstance(found, dict) and all(isinstance(found.get(k), dict) for k in ("gpu", "tpu")):
                return found
            reason = f"the {_NAMES[backend]} device probe printed no result"
        else:
            reason = f"the {_NAMES[backend]} device probe failed (exit {proc.returncode}): {proc.stderr.strip()[-300:]}"
    except subprocess.TimeoutExpired:
        reason = f"the {_NAMES[backend]} device probe did not finish within {timeout} s"
    except (json.JSONDecodeError, IndexError):
        reason = f"the {_NAMES[backend]} device probe printed no result"
    return {"gpu": _absent(reason), "tpu": _absent(reason)}


def combine(per_backend):
    """{"cpu", "gpu", "tpu"} from {backend: {"gpu": ..., "tpu": ...}}: a kind is available when some backend can
    use it; ``backends`` keeps each backend's answer, ``reason`` joins theirs when none can."""
    found = {"cpu": cpu_entry()}
    for kind in ("gpu", "tpu"):
        answers = {b: per_backend[b][kind] for b in per_backend}
        present = {b: a for b, a in answers.items() if a.get("available")}
        if present:
            names = dict.fromkeys(a.get("name", "?") for a in present.values())
            entry = {"available": True, "name": "; ".join(names)}
        else:
            entry = _absent("; ".join(a.get("reason", "?") for a in answers.values()) or f"no {kind} probed")
        found[kind] = dict(entry, backends=answers)
    return found


def detect(timeout=PROBE_TIMEOUT_S, backends=("tensorflow",)):
    """Probe ``backends`` (each in its own subprocess, all at once) and :func:`combine` their answers.

    The default asks TensorFlow only, as callers that run TensorFlow engines need; ``run`` asks the
    libraries of its frameworks (any of :data:`BACKENDS`)."""
    unknown = [b for b in backends if b not in _PROBES]
    if unknown:
        raise ValueError(f"unknown backend {unknown[0]!r}; known: {', '.join(BACKENDS)}")
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(backends))) as pool:
        answers = dict(zip(backends, pool.map(lambda b: _probe_in_subprocess(b, timeout), backends), strict=True))
    return combine(answers)


def cpu_only(reason="not probed: only the CPU was asked for"):
    """What :func:`detect` would say if no library saw a GPU or TPU; for runs that ask for the CPU only."""
    return {"cpu": cpu_entry(), "gpu": _absent(reason), "tpu": _absent(reason)}


if __name__ == "__main__":
    from tensorslow_parity import quiet_tf
    quiet_tf.install()  # the probe imports TensorFlow: its log lines are not the answer
    result = probe(sys.argv[1] if len(sys.argv) > 1 else "tensorflow")
    sys.stdout.flush()
    print(json.dumps(result))
