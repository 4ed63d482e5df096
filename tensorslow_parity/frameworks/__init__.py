"""One small module per framework, each behind the interface of :class:`base.FrameworkModel`.

``tensorslow`` and ``tf1`` share one graph-mode builder (:mod:`.graph_mode`:
TensorSlow mirrors ``tf.compat.v1``, so the same code builds both); ``tf2`` is eager TensorFlow
with ``tf.function`` and ``tf.GradientTape``; ``keras`` is a Keras 3
``Sequential`` model trained with ``train_on_batch``.
"""
import importlib

#: framework name -> "module:class"; modules are imported only in the subprocess that runs them.
MODEL_CLASSES = {
    "tensorslow": "tensorslow_parity.frameworks.tensorslow:TensorSlowModel",
    "tf1": "tensorslow_parity.frameworks.tf1:TF1Model",
    "tf2": "tensorslow_parity.frameworks.tf2:TF2Model",
    "keras": "tensorslow_parity.frameworks.keras:KerasModel",
}

#: what each framework is, for results and reports
DESCRIPTIONS = {
    "tensorslow": "TensorSlow graph + Session (NumPy)",
    "tf1": "tf.compat.v1 graph + Session, in its own tf.Graph()",
    "tf2": "eager TensorFlow 2: tf.Variable, tf.GradientTape, tf.function, tf.keras.optimizers",
    "keras": "Keras 3 Sequential on the TensorFlow backend, train_on_batch",
}


#: framework -> {device it cannot run on: why}
UNSUPPORTED_DEVICES = {
    "tensorslow": {"gpu": "TensorSlow computes with NumPy, on the CPU only",
                   "tpu": "TensorSlow computes with NumPy, on the CPU only"},
    "tf1": {"tpu": "a tf.compat.v1 Session cannot place a graph on a TPU without TPUEstimator; tf1 runs on CPU "
                   "and GPU"},
    "tf2": {},
    "keras": {},
}

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
