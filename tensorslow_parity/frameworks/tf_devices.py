"""TensorFlow device names for the harness's device kinds."""


def tf_device_name(device):
    """The TensorFlow name of the first device of a kind: ``"cpu"`` -> ``"/CPU:0"``, ``"gpu"`` -> ``"/GPU:0"``;
    ``"tpu"`` connects to the TPU (:func:`connect_tpu`) and names its first core."""
    if device == "tpu":
        return connect_tpu().extended.worker_devices[0]
    names = {"cpu": "/CPU:0", "gpu": "/GPU:0"}
    try:
        return names[device]
    except KeyError:
        raise ValueError(f"unknown device {device!r}; known: cpu, gpu, tpu") from None


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
