"""The optimizers: TF1's hyperparameters, and their exact mapping onto ``keras.optimizers``.

One table, :data:`TF1_TO_KERAS`, says for each ``tf.compat.v1.train``
optimizer the harness uses which Keras optimizer takes its place and how each
argument maps. Everything that needs the mapping reads it from here: the
framework runners build TF1 (and TensorSlow) optimizers with
:func:`tf1_optimizer` and TF2/Keras ones with :func:`keras_optimizer`, and
``tensorslow-parity migrate --to tf2`` writes the Keras call from
:data:`KERAS_OPTIMIZERS`.

* GradientDescent(lr) -> SGD(lr): the same update, w -= lr * g.
* Momentum(lr, m) -> SGD(lr, momentum=m). TF1 keeps an accumulator
  a = m a + g and steps w -= lr a; Keras keeps a velocity v = m v - lr g and
  steps w += v. With a constant learning rate v = -lr a, so the two are equal
  in exact arithmetic and differ only in rounding (a documented difference).
* Adam(lr, b1, b2, eps) -> Adam(lr, b1, b2, epsilon=eps). Both use the
  "epsilon hat" form w -= lr_t m / (sqrt(v) + eps) with
  lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), but Keras's default epsilon is 1e-7
  and TF1's 1e-8, so epsilon is always passed. TF1 keeps b1^t and b2^t as
  float32 variables multiplied once per step; Keras computes them as powers in
  the variable's dtype: in float64 the step sizes differ by ~1e-7 relative, a
  difference no hyperparameter can remove (documented in the results).

The harness's Keras optimizers get every hyperparameter through
:func:`tf1_hyperparameter` (float32 rounding, as TF1 does).
"""
from dataclasses import dataclass, fields

import numpy as np

#: the default of a TF1 argument that has none (it must be given)
REQUIRED = object()


@dataclass(frozen=True)
class OptimizerMapping:
    """One ``tf.compat.v1.train`` optimizer and the Keras optimizer that takes its place."""

    name: str    # the harness's name for it: "sgd", "momentum", "adam"
    tf1: str     # its class under tf.compat.v1.train
    keras: str   # the class under keras.optimizers
    params: tuple  # (TF1 argument, TF1 default or REQUIRED, Keras argument or None: dropped), in TF1's order


TF1_TO_KERAS = (
    OptimizerMapping("sgd", "GradientDescentOptimizer", "SGD", (
        ("learning_rate", REQUIRED, "learning_rate"), ("use_locking", False, None), ("name", None, None))),
    OptimizerMapping("momentum", "MomentumOptimizer", "SGD", (
        ("learning_rate", REQUIRED, "learning_rate"), ("momentum", REQUIRED, "momentum"),
        ("use_locking", False, None), ("name", None, None), ("use_nesterov", False, "nesterov"))),
    # Keras's default epsilon is 1e-7, TF1's 1e-8: every hyperparameter is passed explicitly.
    OptimizerMapping("adam", "AdamOptimizer", "Adam", (
        ("learning_rate", 0.001, "learning_rate"), ("beta1", 0.9, "beta_1"), ("beta2", 0.999, "beta_2"),
        ("epsilon", 1e-08, "epsilon"), ("use_locking", False, None), ("name", None, None))),
)

#: the harness's optimizer names, in table order
OPTIMIZER_NAMES = tuple(m.name for m in TF1_TO_KERAS)

#: TensorSlow path of a TF1 optimizer -> (Keras optimizer, [(TF1 argument, default or REQUIRED, Keras argument
#: or None: dropped)]): what ``migrate --to tf2`` writes for a TF1 optimizer call
KERAS_OPTIMIZERS = {f"train.{m.tf1}": (m.keras, list(m.params)) for m in TF1_TO_KERAS}


@dataclass(frozen=True)
class OptimizerSpec:
    """An optimizer with TF1's hyperparameters (``tf.compat.v1.train`` names and defaults)."""

    name: str  # "sgd", "momentum" or "adam"
    learning_rate: float
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8

    def describe(self):
        if self.name == "sgd":
            return f"GradientDescent(lr={self.learning_rate})"
        if self.name == "momentum":
            return f"Momentum(lr={self.learning_rate}, momentum={self.momentum})"
        return f"Adam(lr={self.learning_rate}, beta1={self.beta1}, beta2={self.beta2}, epsilon={self.epsilon})"


def mapping(name):
    """The :class:`OptimizerMapping` of optimizer ``name`` ("sgd", "momentum", "adam")."""
    for m in TF1_TO_KERAS:
        if m.name == name:
            return m
    raise ValueError(f"unknown optimizer {name!r}")


def _hyperparameters(spec):
    """(TF1 argument, Keras argument, value) for each hyperparameter ``spec`` sets, in TF1's order."""
    held = {f.name for f in fields(spec)} - {"name"}  # the spec's name is the optimizer's, not TF1's name=
    return [(tf1_arg, keras_arg, getattr(spec, tf1_arg)) for tf1_arg, _, keras_arg in mapping(spec.name).params
            if tf1_arg in held]


def tf1_hyperparameter(value):
    """``value`` as ``tf.compat.v1.train`` optimizers use it: rounded to float32.

    TF1 optimizers turn Python-float hyperparameters into float32 constant
    tensors and cast them to the variable's dtype, so a float64 model trains
    with learning rate float32(0.1) = 0.10000000149011612. Keras keeps them in
    its float type. To run the same math, TF2 and Keras are given the rounded
    values (a parity trap, neutralized here).
    """
    return float(np.float32(value))


def tf1_optimizer(tf, spec):
    """The ``tf.train`` optimizer of ``spec`` in ``tf`` (``tensorflow.compat.v1`` or ``tensorslow``)."""
    return getattr(tf.train, mapping(spec.name).tf1)(*(value for _, _, value in _hyperparameters(spec)))


def keras_optimizer(spec):
    """The ``keras.optimizers`` optimizer that runs ``spec``'s TF1 optimizer (hyperparameters rounded as TF1's)."""
    import keras
    kwargs = {keras_arg: tf1_hyperparameter(value) for _, keras_arg, value in _hyperparameters(spec)}
    return getattr(keras.optimizers, mapping(spec.name).keras)(**kwargs)
