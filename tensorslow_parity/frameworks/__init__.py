"""One small module per framework, each behind the interface of :class:`base.FrameworkModel`.

``tensorslow`` and ``tf1`` share one graph-mode builder (:mod:`.graph_mode`:
TensorSlow mirrors ``tf.compat.v1``, so the same code builds both); ``tf2`` is eager TensorFlow
with ``tf.function`` and ``tf.GradientTape``; ``keras`` is a Keras 3
``Sequential`` model trained with ``train_on_batch``. ``keras-jax`` and
``keras-torch`` are the same Keras class on Keras 3's other backends: the
worker that runs them gets ``KERAS_BACKEND`` in its own environment
(:func:`worker_environment`), so one Keras model definition runs on all three.
"""
import importlib
import importlib.util

#: framework name -> "module:class"; modules are imported only in the subprocess that runs them.
MODEL_CLASSES = {
    "tensorslow": "tensorslow_parity.frameworks.tensorslow:TensorSlowModel",
    "tf1": "tensorslow_parity.frameworks.tf1:TF1Model",
    "tf2": "tensorslow_parity.frameworks.tf2:TF2Model",
    "keras": "tensorslow_parity.frameworks.keras:KerasModel",
    "keras-jax": "tensorslow_parity.frameworks.keras_backends:KerasBackendModel",
    "keras-torch": "tensorslow_parity.frameworks.keras_backends:KerasBackendModel",
}

#: what each framework is, for results and reports
DESCRIPTIONS = {
    "tensorslow": "TensorSlow graph + Session (NumPy; CuPy on a GPU)",
    "tf1": "tf.compat.v1 graph + Session, in its own tf.Graph()",
    "tf2": "eager TensorFlow 2: tf.Variable, tf.GradientTape, tf.function, tf.keras.optimizers",
    "keras": "Keras 3 Sequential on the TensorFlow backend, train_on_batch",
    "keras-jax": "Keras 3 Sequential on the JAX backend (KERAS_BACKEND=jax), train_on_batch",
    "keras-torch": "Keras 3 Sequential on the PyTorch backend (KERAS_BACKEND=torch), train_on_batch",
}

#: the Keras frameworks -> the ``KERAS_BACKEND`` their worker runs with
KERAS_BACKENDS = {"keras": "tensorflow", "keras-jax": "jax", "keras-torch": "torch"}

#: framework -> the library whose view of the machine decides whether it can use a GPU or TPU
#: (the probe of :mod:`tensorslow_parity.devices` asks each of them)
DEVICE_BACKENDS = {
    "tensorslow": "cupy",  # TensorSlow on a GPU is TensorSlow on CuPy (TENSORSLOW_ARRAY_MODULE=cupy)
    "tf1": "tensorflow", "tf2": "tensorflow", "keras": "tensorflow",
    "keras-jax": "jax", "keras-torch": "torch",
}

#: framework -> [(importable module, what to install)]: a framework whose packages are missing is ``skipped``
REQUIREMENTS = {
    "tensorslow": [],
    "tf1": [("tensorflow", "pip install tensorflow")],
    "tf2": [("tensorflow", "pip install tensorflow")],
    "keras": [("keras", "pip install keras"), ("tensorflow", "pip install tensorflow")],
    "keras-jax": [("keras", "pip install keras"), ("jax", "pip install jax")],
    "keras-torch": [("keras", "pip install keras"), ("torch", "pip install torch")],
}

#: framework -> {device it cannot run on: why}
UNSUPPORTED_DEVICES = {
    "tensorslow": {"tpu": "TensorSlow computes with NumPy (or CuPy on a GPU), not on a TPU"},
    "tf1": {"tpu": "a tf.compat.v1 Session cannot place a graph on a TPU without TPUEstimator; tf1 runs on CPU "
                   "and GPU"},
    "tf2": {},
    "keras": {},
    "keras-jax": {},
    "keras-torch": {"tpu": "Keras 3's PyTorch backend does not run on TPUs (that would take torch_xla); Keras on "
                           "a TPU is keras-jax"},
}

#: frameworks whose rows are held to another framework's tolerances and known differences: Keras on JAX or
#: PyTorch runs Keras's own optimizers and losses, so Keras's documented differences from TF1 are theirs too
TOLERANCES_AS = {"keras-jax": "keras", "keras-torch": "keras"}

#: the frameworks that draw their own initial weights in same-seed mode (``run --init same-seed``): their
#: builder draws TF1's random streams (its class has ``draws_same_seed``); the others load TensorSlow's draw
DRAWS_SAME_SEED = ("tensorslow", "tf1")


def load(name):
    """The model class of framework ``name``."""
    try:
        path = MODEL_CLASSES[name]
    except KeyError:
        raise ValueError(f"unknown framework {name!r}; known: {', '.join(MODEL_CLASSES)}") from None
    module, cls = path.split(":")
    return getattr(importlib.import_module(module), cls)


def missing_requirement(name):
    """Why framework ``name`` cannot run here (a package it needs is not installed), or None when it can.

    Looks the packages up without importing them (``importlib.util.find_spec``), so the
    parent process stays free of TensorFlow, JAX and PyTorch.
    """
    if name not in MODEL_CLASSES:
        raise ValueError(f"unknown framework {name!r}; known: {', '.join(MODEL_CLASSES)}")
    for module, install in REQUIREMENTS[name]:
        if importlib.util.find_spec(module) is None:
            return f"{name} needs the {module!r} package, which is not installed here ({install})"
    return None


def worker_environment(name, device):
    """The environment variables the worker of framework ``name`` on ``device`` runs with (its own only).

    * Keras frameworks: ``KERAS_BACKEND``; on JAX also ``JAX_ENABLE_X64`` (without it
      JAX silently computes a float64 model in float32) and ``JAX_PLATFORMS`` (the
      device kind, so a CPU cell stays on the CPU of a GPU machine).
    * keras-torch on the CPU: no visible CUDA device, for the same reason.
    * TensorSlow: ``TENSORSLOW_ARRAY_MODULE``, CuPy on a GPU and NumPy elsewhere (an
      inherited setting must not move a CPU cell).
    """
    env = {}
    if name in KERAS_BACKENDS:
        env["KERAS_BACKEND"] = KERAS_BACKENDS[name]
    if name == "keras-jax":
        env.update(JAX_ENABLE_X64="1", JAX_PLATFORMS={"gpu": "cuda"}.get(device, device))
    if name == "keras-torch" and device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    if name == "tensorslow":
        env["TENSORSLOW_ARRAY_MODULE"] = "cupy" if device == "gpu" else "numpy"
    return env
