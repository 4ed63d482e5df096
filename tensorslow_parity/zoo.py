"""The model zoo: declarative model specs, and the problem every framework is given.

A model is a :class:`ModelSpec` (dataset, hidden widths, activation, output and
loss, batch size, steps, learning rates, seed); adding a model is adding a
spec to :data:`MODELS`. :func:`make_problem` turns a spec into the arrays that
make runs identical across frameworks: the initial weights, drawn once with
NumPy from the spec's seed, and the sequence of training batches.

The loss is always the batch *mean* of the cross-entropy computed *from
logits* (softmax cross-entropy for several classes, sigmoid cross-entropy for
one output unit). Two parity traps are neutralized here, by construction:

* the course sums its loss over the batch while Keras averages: every
  framework here averages, so learning rates mean the same thing everywhere;
* Keras clips probabilities to [eps, 1 - eps] (eps = 1e-7) when its loss is
  given probabilities: every framework here computes the loss from logits,
  where no clipping happens.
"""
from dataclasses import dataclass, field

import numpy as np

from tensorslow_parity import datasets


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


OPTIMIZER_NAMES = ("sgd", "momentum", "adam")


@dataclass(frozen=True)
class ModelSpec:
    name: str
    description: str
    dataset: str
    hidden: tuple  # widths of the hidden layers; () for a linear model
    activation: str  # of the hidden layers: "sigmoid", "relu" or "tanh"
    output: str  # "softmax" (one logit per class) or "sigmoid" (one logit, two classes)
    batch_size: int
    steps: int
    learning_rates: dict = field(default_factory=dict)  # optimizer name -> learning rate
    seed: int = 0

    def optimizer(self, name):
        if name not in OPTIMIZER_NAMES:
            raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZER_NAMES)}")
        return OptimizerSpec(name, self.learning_rates[name])

    def widths(self, n_features, n_classes):
        """Layer widths from input to output: (n_features, *hidden, n_outputs)."""
        return (n_features, *self.hidden, n_classes if self.output == "softmax" else 1)


MODELS = {m.name: m for m in [
    ModelSpec("perceptron_blobs", "the course's perceptron: softmax(XW + b) on the red/blue blobs",
              "blobs", (), "sigmoid", "softmax", batch_size=32, steps=60,
              learning_rates={"sgd": 0.1, "momentum": 0.05, "adam": 0.05}, seed=1),
    ModelSpec("mlp_xor", "the course's 2-2-2 sigmoid multi-layer perceptron on four XOR clusters",
              "xor_clusters", (2,), "sigmoid", "softmax", batch_size=32, steps=100,
              learning_rates={"sgd": 1.0, "momentum": 0.3, "adam": 0.05}, seed=2),
    ModelSpec("softmax_digits", "softmax regression (64-10) on scikit-learn's 8x8 digits",
              "digits", (), "sigmoid", "softmax", batch_size=64, steps=100,
              learning_rates={"sgd": 0.5, "momentum": 0.1, "adam": 0.01}, seed=3),
    ModelSpec("mlp_digits", "a 64-128-64-10 ReLU multi-layer perceptron on the digits",
              "digits", (128, 64), "relu", "softmax", batch_size=64, steps=100,
              learning_rates={"sgd": 0.1, "momentum": 0.05, "adam": 0.002}, seed=4),
    ModelSpec("logreg_breast_cancer", "logistic regression (30-1, sigmoid output) on the breast cancer data",
              "breast_cancer", (), "sigmoid", "sigmoid", batch_size=64, steps=100,
              learning_rates={"sgd": 0.1, "momentum": 0.05, "adam": 0.01}, seed=5),
    ModelSpec("mlp_iris", "a 4-16-3 tanh multi-layer perceptron on iris",
              "iris", (16,), "tanh", "softmax", batch_size=30, steps=100,
              learning_rates={"sgd": 0.2, "momentum": 0.05, "adam": 0.01}, seed=6),
]}


def get(name):
    try:
        return MODELS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; known: {', '.join(MODELS)}") from None


def register(spec):
    """Add a model of your own to the zoo (in this process); the framework subprocesses receive its spec."""
    if not isinstance(spec, ModelSpec):
        raise TypeError(f"expected a ModelSpec, got {type(spec).__name__}")
    missing = [o for o in OPTIMIZER_NAMES if o not in spec.learning_rates]
    if missing:
        raise ValueError(f"model {spec.name!r}: no learning rate for optimizer(s) {', '.join(missing)}")
    if spec.output not in ("softmax", "sigmoid"):
        raise ValueError(f"model {spec.name!r}: output must be 'softmax' or 'sigmoid', not {spec.output!r}")
    MODELS[spec.name] = spec
    return spec


def spec_to_dict(spec):
    """A JSON-ready dict of ``spec`` (how a framework subprocess receives it)."""
    return {**spec.__dict__, "hidden": list(spec.hidden)}


def spec_from_dict(d):
    return ModelSpec(**{**d, "hidden": tuple(d["hidden"])})


@dataclass
class Problem:
    """Everything that makes runs identical: data, initial weights, batch order (all float64/int64)."""

    spec: ModelSpec
    data: datasets.Dataset
    weights: list  # [W0, b0, W1, b1, ...]: W (fan_in, fan_out), b (fan_out,)
    batches: np.ndarray  # (steps, batch_size) indices into the training set, in training order

    @property
    def variable_names(self):
        return variable_names(len(self.weights) // 2)

    def targets(self, y):
        """The loss's labels for class indices ``y``: one-hot rows (softmax) or a (n, 1) column of 0/1 (sigmoid)."""
        if self.spec.output == "softmax":
            return np.eye(self.data.n_classes)[y]
        return y.reshape(-1, 1).astype(np.float64)

    def batch(self, step):
        idx = self.batches[step]
        return self.data.x_train[idx], self.targets(self.data.y_train[idx])

    def to_arrays(self):
        """The problem as a flat dict of arrays (what a framework subprocess loads)."""
        arrays = {f"weight_{i}": w for i, w in enumerate(self.weights)}
        arrays.update(x_train=self.data.x_train, y_train=self.data.y_train, x_test=self.data.x_test,
                      y_test=self.data.y_test, batches=self.batches)
        return arrays


def variable_names(n_layers):
    return [f"dense_{i}/{part}" for i in range(n_layers) for part in ("kernel", "bias")]


def make_problem(spec, steps=None):
    """Data, Glorot-uniform kernels and small uniform biases from the spec's seed, and the batch order.

    Batches walk through the training set in a seeded permutation, redrawn each
    epoch; no shuffling happens inside any framework.
    """
    data = datasets.load(spec.dataset, spec.seed)
    rng = np.random.default_rng(spec.seed)
    widths = spec.widths(data.n_features, data.n_classes)
    weights = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        weights.append(rng.uniform(-limit, limit, size=(fan_in, fan_out)))
        # Nonzero biases, so a framework that ignored its bias would show in the forward check.
        weights.append(rng.uniform(-0.1, 0.1, size=(fan_out,)))
    steps = spec.steps if steps is None else steps
    n, b = len(data.x_train), min(spec.batch_size, len(data.x_train))
    order, batches = np.empty(0, dtype=np.int64), []
    for _ in range(steps):
        if len(order) < b:
            order = np.concatenate([order, rng.permutation(n)])
        batches.append(order[:b])
        order = order[b:]
    return Problem(spec, data, weights, np.array(batches, dtype=np.int64).reshape(steps, b))


# -- `tensorslow-parity models` ---------------------------------------------------------------

def configure(parser):
    parser.add_argument("--verbose", "-v", action="store_true", help="also show datasets and learning rates")


def main(args):
    print(f"{'model':22s} {'layers':18s} {'activation':10s} {'output':8s} {'batch':>5s} {'steps':>5s}  description")
    for spec in MODELS.values():
        data = datasets.load(spec.dataset, spec.seed)
        layers = "-".join(str(w) for w in spec.widths(data.n_features, data.n_classes))
        activation = spec.activation if spec.hidden else "-"
        print(f"{spec.name:22s} {layers:18s} {activation:10s} {spec.output:8s} {spec.batch_size:5d} "
              f"{spec.steps:5d}  {spec.description}")
        if args.verbose:
            print(f"{'':22s} data: {data.description} ({len(data.x_train)} train / {len(data.x_test)} test)")
            print(f"{'':22s} optimizers: " + ", ".join(spec.optimizer(o).describe() for o in OPTIMIZER_NAMES))
    return 0
