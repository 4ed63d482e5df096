"""The devices: their kinds, which are present, and their TensorFlow names.

:data:`DEVICES` is the list of device kinds every command knows;
:func:`tf_device_name` gives a kind's TensorFlow name. Which are present: CPU
always; GPUs that TensorFlow lists; a TPU found by ``TPUClusterResolver``. The
probe runs in a subprocess with a timeout (``python -m tensorslow_parity.devices``
prints JSON), because importing TensorFlow is slow and looking for a TPU can
hang on a machine without one. An absent device comes back with the reason,
which the results carry as ``skipped``.
"""
import json
import os
import platform
import subprocess
import sys

#: the device kinds, in table order
DEVICES = ("cpu", "gpu", "tpu")

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


def probe():
    """{"cpu": {...}, "gpu": {...}, "tpu": {...}}: each {"available": bool, "name" or "reason": str}."""
    found = {"cpu": {"available": True, "name": f"{cpu_name()} ({os.cpu_count()} cores)"}}
    try:
        import tensorflow as tf
    except Exception as e:  # noqa: BLE001 (any import failure means: no TensorFlow devices)
        reason = f"TensorFlow cannot be imported ({type(e).__name__}: {e})"
        return {**found, "gpu": {"available": False, "reason": reason}, "tpu": {"available": False, "reason": reason}}
    gpus = tf.config.list_physical_devices("GPU")
    found["gpu"] = ({"available": True, "name": ", ".join(g.name for g in gpus)} if gpus else
                    {"available": False, "reason": "TensorFlow lists no GPU (tf.config.list_physical_devices('GPU') "
                                                   "is empty)"})
    try:
        strategy = connect_tpu()
        found["tpu"] = {"available": True, "name": f"TPU with {strategy.num_replicas_in_sync} cores"}
    except Exception as e:  # noqa: BLE001 (every way of not finding a TPU is a reason to skip it)
        found["tpu"] = {"available": False, "reason": f"no TPU found by TPUClusterResolver ({type(e).__name__}: "
                                                      f"{str(e).splitlines()[0] if str(e) else 'no message'})"}
    return found


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


def detect(timeout=PROBE_TIMEOUT_S):
    """Run :func:`probe` in a subprocess; a crash or a timeout makes GPU and TPU absent with that reason."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    try:
        proc = subprocess.run([sys.executable, "-m", "tensorslow_parity.devices"], capture_output=True, text=True,
                              timeout=timeout, env=env)
        if proc.returncode == 0:
            return json.loads(proc.stdout.strip().splitlines()[-1])
        reason = f"the device probe failed (exit {proc.returncode}): {proc.stderr.strip()[-300:]}"
    except subprocess.TimeoutExpired:
        reason = f"the device probe did not finish within {timeout} s"
    except (json.JSONDecodeError, IndexError):
        reason = "the device probe printed no result"
    return {"cpu": {"available": True, "name": f"{cpu_name()} ({os.cpu_count()} cores)"},
            "gpu": {"available": False, "reason": reason}, "tpu": {"available": False, "reason": reason}}


if __name__ == "__main__":
    result = probe()
    sys.stdout.flush()
    print(json.dumps(result))
