"""The problem every framework is given: data, initial weights and batch order, made once from a spec.

:func:`make_problem` turns a :class:`tensorslow_parity.models.zoo.ModelSpec`
into a :class:`Problem`: the dataset, the initial weights drawn once with
NumPy from the spec's seed (:func:`tensorslow_parity.models.architectures.draw_weights`)
and the sequence of training batches. Every framework loads the same arrays.

In same-seed mode (:func:`same_seed_problem`) the problem carries the spec's
seed instead: TensorSlow and tf1 draw their own weights from it with TF1's
initializers, and the problem keeps TensorSlow's draw in float32 and in
float64 for the frameworks that cannot draw TF1's streams and for the check of
every row's starting weights. The batches are the same in both modes.
"""
from dataclasses import dataclass, field, replace

import numpy as np

from tensorslow_parity.initializers import INJECTED, SAME_SEED, SameSeed, same_seed_weights
from tensorslow_parity.models import architectures, datasets
from tensorslow_parity.models.zoo import ModelSpec


@dataclass
class Problem:
    """Everything that makes runs identical: data, initial weights, batch order (all float64/int64)."""

    spec: ModelSpec
    data: datasets.Dataset
    weights: list  # in the spec's layout (architectures.layout); an MLP's [W0, b0, W1, b1, ...], W (fan_in, fan_out)
    batches: np.ndarray  # (steps, batch_size) indices into the training set, in training order
    init: str = INJECTED  # or SAME_SEED: then ``weights`` is TensorSlow's float64 draw, ``draws`` both
    draws: dict = field(default_factory=dict)  # same-seed: {"float32": [...], "float64": [...]} drawn by TensorSlow

    @property
    def variable_names(self):
        """The variables' names in the order of ``weights``: dense_0/kernel, dense_0/bias, ... (an MLP)."""
        return [name for name, _ in architectures.layout(self.spec, self.data.n_features, self.data.n_classes)]

    @property
    def widths(self):
        """An MLP's layer widths from input to output."""
        if self.spec.architecture != "mlp":
            raise ValueError(f"model {self.spec.name!r} is a {self.spec.architecture}, not an MLP: it has no widths")
        return (self.weights[0].shape[0], *(w.shape[0] for w in self.weights[1::2]))

    def same_seed(self, draw_dtype=None):
        """What a self-drawing framework is given in same-seed mode: a
        :class:`tensorslow_parity.initializers.SameSeed` for an MLP, else an
        :class:`tensorslow_parity.models.architectures.SameSeedLayout`; ``draw_dtype`` as there."""
        if self.spec.architecture == "mlp":
            return SameSeed(self.spec.seed, self.widths, draw_dtype)
        variables = architectures.layout(self.spec, self.data.n_features, self.data.n_classes)
        return architectures.SameSeedLayout(self.spec.seed, tuple(variables), draw_dtype)

    def start(self, dtype):
        """The weights a run in ``dtype`` starts from: the injected ones, or TensorSlow's same-seed draw in it."""
        return self.draws[np.dtype(dtype).name] if self.init == SAME_SEED else self.weights

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
        if self.init == SAME_SEED:
            arrays = {f"draw_{dtype}_{i}": w for dtype, ws in self.draws.items() for i, w in enumerate(ws)}
            arrays["init_seed"] = np.array(self.spec.seed)
        else:
            arrays = {f"weight_{i}": w for i, w in enumerate(self.weights)}
        arrays.update(x_train=self.data.x_train, y_train=self.data.y_train, x_test=self.data.x_test,
                      y_test=self.data.y_test, batches=self.batches)
        return arrays


def make_problem(spec, steps=None):
    """Data, Glorot-uniform kernels and small uniform biases from the spec's seed
    (:func:`tensorslow_parity.models.architectures.draw_weights`), and the batch order.

    Batches walk through the training set in a seeded permutation, redrawn each
    epoch; no shuffling happens inside any framework.
    """
    data = datasets.load(spec.dataset, spec.seed)
    rng = np.random.default_rng(spec.seed)
    weights = architectures.draw_weights(rng, architectures.layout(spec, data.n_features, data.n_classes))
    steps = spec.steps if steps is None else steps
    n, b = len(data.x_train), min(spec.batch_size, len(data.x_train))
    order, batches = np.empty(0, dtype=np.int64), []
    for _ in range(steps):
        if len(order) < b:
            order = np.concatenate([order, rng.permutation(n)])
        batches.append(order[:b])
        order = order[b:]
    return Problem(spec, data, weights, np.array(batches, dtype=np.int64).reshape(steps, b))


def same_seed_problem(problem):
    """``problem`` in same-seed mode: the same data and batches, and TensorSlow's draws from the spec's seed.

    Raises what the draw raises (e.g. a width TensorSlow cannot build); the run
    turns that into error rows naming the model.
    """
    if problem.spec.architecture == "mlp":
        widths = problem.widths
        draws = {dtype: same_seed_weights(problem.spec.seed, widths, dtype) for dtype in ("float32", "float64")}
    else:
        import tensorslow
        variables = architectures.layout(problem.spec, problem.data.n_features, problem.data.n_classes)
        draws = {dtype: architectures.tf1_draw(tensorslow, problem.spec.seed, variables, dtype)
                 for dtype in ("float32", "float64")}
    return replace(problem, weights=draws["float64"], init=SAME_SEED, draws=draws)
