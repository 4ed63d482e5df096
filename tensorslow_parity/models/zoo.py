"""The model zoo: declarative model specs, and the ``tensorslow-parity models`` command that lists them.

A model is a :class:`ModelSpec` (dataset, architecture, hidden widths, activation,
output and loss, batch size, steps, learning rates, seed); adding a model is adding a
spec to :data:`MODELS` (or :func:`register`). :func:`tensorslow_parity.models.problem.make_problem`
turns a spec into the arrays that make runs identical across frameworks: the
initial weights, drawn once with NumPy from the spec's seed, and the sequence
of training batches.

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

from tensorslow_parity.models import architectures, datasets
from tensorslow_parity.optimizers import OPTIMIZER_NAMES, OptimizerSpec


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
    architecture: str = "mlp"  # "mlp", "cnn" or "lstm" (see tensorslow_parity.models.architectures)
    input_shape: tuple = ()  # cnn: (height, width, channels); lstm: (time steps, features per step)

    def optimizer(self, name):
        if name not in OPTIMIZER_NAMES:
            raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZER_NAMES)}")
        return OptimizerSpec(name, self.learning_rates[name])

    def widths(self, n_features, n_classes):
        """An MLP's layer widths from input to output: (n_features, *hidden, n_outputs)."""
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
    ModelSpec("cnn_digits", "a small CNN on the 8x8 digits: conv3x3(4)-relu-pool-conv3x3(8)-relu-pool-dense(10)",
              "digits", (4, 8), "relu", "softmax", batch_size=32, steps=40,
              learning_rates={"sgd": 0.1, "momentum": 0.05, "adam": 0.005}, seed=7,
              architecture="cnn", input_shape=(8, 8, 1)),
    ModelSpec("lstm_digits", "an LSTM(16) classifier reading the 8x8 digits row by row (8 steps of 8 pixels)",
              "digits", (16,), "tanh", "softmax", batch_size=32, steps=40,
              learning_rates={"sgd": 0.5, "momentum": 0.1, "adam": 0.01}, seed=8,
              architecture="lstm", input_shape=(8, 8)),
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
    architectures.check_spec(spec)
    MODELS[spec.name] = spec
    return spec


def spec_to_dict(spec):
    """A JSON-ready dict of ``spec`` (how a framework subprocess receives it)."""
    return {**spec.__dict__, "hidden": list(spec.hidden), "input_shape": list(spec.input_shape)}


def spec_from_dict(d):
    return ModelSpec(**{**d, "hidden": tuple(d["hidden"]), "input_shape": tuple(d.get("input_shape", ()))})


# -- `tensorslow-parity models` ---------------------------------------------------------------

def configure(parser):
    parser.add_argument("--verbose", "-v", action="store_true", help="also show datasets and learning rates")


def main(args):
    print(f"{'model':22s} {'layers':18s} {'activation':10s} {'output':8s} {'batch':>5s} {'steps':>5s}  description")
    for spec in MODELS.values():
        data = datasets.load(spec.dataset, spec.seed)
        layers = architectures.describe(spec, data.n_features, data.n_classes)
        activation = spec.activation if spec.hidden else "-"
        print(f"{spec.name:22s} {layers:18s} {activation:10s} {spec.output:8s} {spec.batch_size:5d} "
              f"{spec.steps:5d}  {spec.description}")
        if args.verbose:
            print(f"{'':22s} data: {data.description} ({len(data.x_train)} train / {len(data.x_test)} test)")
            print(f"{'':22s} optimizers: " + ", ".join(spec.optimizer(o).describe() for o in OPTIMIZER_NAMES))
    return 0
