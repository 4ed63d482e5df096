"""Candidate samplers and accidental hits: the sampling half of ``nce_loss`` and ``sampled_softmax_loss``.

``log_uniform_candidate_sampler`` (op ``LogUniformCandidateSampler``) and
``uniform_candidate_sampler`` (``UniformCandidateSampler``) pick ``num_sampled``
classes of ``[0, range_max)`` for the whole batch and say how often each true
and each sampled class is expected to be picked. One op, three outputs
(``op:0`` sampled_candidates, ``op:1`` true_expected_count, ``op:2``
sampled_expected_count, see ``op_outputs.py``), all from one draw of the op's
Philox stream, keyed by its seeds as TF1 keys a random op's (``random_ops.py``):
with the same seeds, the same classes and counts as TensorFlow, bit for bit,
run after run (the recipes are in ``range_sampler.py``).

``compute_accidental_hits`` (op ``ComputeAccidentalHits``) finds the sampled
classes that are also true classes of a row, so a loss can mask them out.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .. import dtypes as _dtypes
from ..backend import to_device, to_host, xp
from ..errors import InvalidArgumentError
from ..graph import Tensor, TensorLike, constant_node, get_default_graph, name_scope
from ..range_sampler import sample_candidates
from ..registry import NotDifferentiable
from .op_outputs import MultiOutputOp, OutputValues, add_outputs
from .random_ops import _new_stream, get_seed

FLOAT_MAX = np.finfo(np.float32).max


class LogUniformCandidateSampler(NamedTuple):
    """The outputs of a candidate sampler, as TensorFlow's namedtuple of the same name."""

    sampled_candidates: Tensor
    true_expected_count: Tensor
    sampled_expected_count: Tensor


UniformCandidateSampler = LogUniformCandidateSampler


class ComputeAccidentalHits(NamedTuple):
    """The outputs of ``compute_accidental_hits``, as TensorFlow's namedtuple."""

    indices: Tensor
    ids: Tensor
    weights: Tensor


def log_uniform_candidate_sampler(true_classes: TensorLike, num_true: int, num_sampled: int, unique: bool,
                                  range_max: int, seed: int | None = None,
                                  name: str | None = None) -> LogUniformCandidateSampler:
    """Sample ``num_sampled`` classes of ``[0, range_max)`` with P(k) = log((k + 2) / (k + 1)) / log(range_max + 1).

    Suited to classes sorted by decreasing frequency (Zipf's law). With ``unique`` the sampled
    classes are distinct (rejection sampling). ``true_classes`` (int64, ``[batch, num_true]``) is
    only used for ``true_expected_count``.
    """
    return _candidate_sampler("LogUniformCandidateSampler", "log_uniform", true_classes, num_true, num_sampled,
                              unique, range_max, seed, name)


def uniform_candidate_sampler(true_classes: TensorLike, num_true: int, num_sampled: int, unique: bool,
                              range_max: int, seed: int | None = None,
                              name: str | None = None) -> UniformCandidateSampler:
    """Sample ``num_sampled`` classes of ``[0, range_max)``, each with P(k) = 1 / range_max."""
    return _candidate_sampler("UniformCandidateSampler", "uniform", true_classes, num_true, num_sampled, unique,
                              range_max, seed, name)


def _candidate_sampler(op_type, kind, true_classes, num_true, num_sampled, unique, range_max, seed, name):
    num_true, num_sampled, range_max = (_positive_attr(v, what, op_type) for v, what in
                                        ((num_true, "num_true"), (num_sampled, "num_sampled"),
                                         (range_max, "range_max")))
    unique = bool(unique)
    seed1, seed2 = get_seed(seed)
    with name_scope(name, op_type) as scope:
        classes = _int64_input(true_classes, "true_classes", op_type)
        dims = classes.shape.dims
        if dims is not None and len(dims) != 2:
            raise ValueError(f"Shape must be rank 2 but is rank {len(dims)} for '{op_type}' with input shapes: "
                             f"{_shape_text(classes)}.")

        def compute(state, true_value):
            _check_true_classes(node, true_value, num_true, num_sampled, range_max, unique)
            with state.lock:  # one run reserves its words atomically, as GuardedPhiloxRandom does
                generator = state.generator(node, _new_stream)
                drawn = sample_candidates(generator, kind, num_sampled, range_max, unique, to_host(true_value))
                return OutputValues(to_device(v) for v in drawn)  # drawn on the host (TF's bits), used on the device
        node = MultiOutputOp(op_type, (classes,), compute=compute, stateful=True, name=scope,
                             attrs={"num_true": num_true, "num_sampled": num_sampled, "unique": unique,
                                    "range_max": range_max, "seed": seed1 or 0, "seed2": seed2 or 0})
        node.seeds = (seed1, seed2)
        batch = dims[0] if dims is not None else None
        outputs = add_outputs(node, [(_dtypes.int64, [num_sampled]), (_dtypes.float32, [batch, num_true]),
                                     (_dtypes.float32, [num_sampled])])
    return LogUniformCandidateSampler(*outputs)


def _check_true_classes(node, value, num_true, num_sampled, range_max, unique):
    """TF's run-time checks of a sampler's input, in its order and words."""
    def fail(message):
        raise InvalidArgumentError(node, f"{message}\n\t [[{{{{node {node.op_name}}}}}]]")
    if value.ndim != 2:
        fail("true_classes must be a matrix")
    if value.shape[1] != num_true:  # TF's text has the two numbers this way round
        fail(f"true_classes must have num_true columns, expected: {value.shape[1]} was: {num_true}")
    if unique and num_sampled > range_max:
        fail("Sampler's range is too small.")
    outside = value[(value < 0) | (value >= range_max)]
    if outside.size:
        fail(f"`true_candidate` out of range [0, {range_max}), received {outside[0]}")


def _positive_attr(value, what, op_type):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"Expected int for argument '{what}' not {value!r}.")
    if value < 1:
        raise ValueError(f"Attr '{what}' of '{op_type}' Op passed {value} less than minimum 1.")
    return int(value)


def _int64_input(value, what, op_type) -> Tensor:
    """An int64 input: a node of dtype int64, or a literal of integers made an int64 ``Const`` named ``what``."""
    if isinstance(value, Tensor):
        if value.dtype is not None and value.dtype != _dtypes.int64:
            raise TypeError(f"Input '{what}' of '{op_type}' Op has type {value.dtype.name} that does not match "
                            f"expected type of int64.")
        return value
    array = np.asarray(value)
    if array.dtype.kind not in "iu":
        raise TypeError(f"Expected int64 passed to parameter '{what}' of op '{op_type}', got {value!r} of type "
                        f"'{type(value).__name__}' instead.")
    return constant_node(array.astype(np.int64), name=what, graph=get_default_graph())


NotDifferentiable("LogUniformCandidateSampler")
NotDifferentiable("UniformCandidateSampler")


def compute_accidental_hits(true_classes: TensorLike, sampled_candidates: TensorLike, num_true: int,
                            seed: int | None = None, name: str | None = None) -> ComputeAccidentalHits:
    """The (row, sampled position) pairs where a sampled class is one of the row's true classes.

    ``indices[h]`` is the row, ``ids[h]`` the position in ``sampled_candidates`` (the last one,
    if a class was sampled twice) and ``weights[h]`` is -FLT_MAX: adding it to that sampled
    logit takes the hit out of a softmax. Hits are listed row by row, true class by true class.
    """
    op_type = "ComputeAccidentalHits"
    num_true = _positive_attr(num_true, "num_true", op_type)
    seed1, seed2 = get_seed(seed)  # unused by the kernel, but TF draws the seeds (a derived seed is taken)
    with name_scope(name, op_type) as scope:
        true_node = _int64_input(true_classes, "true_classes", op_type)
        sampled_node = _int64_input(sampled_candidates, "sampled_candidates", op_type)
        _check_rank(op_type, true_node, 2, (true_node, sampled_node))
        _check_rank(op_type, sampled_node, 1, (true_node, sampled_node))

        def compute(true_value, sampled_value):
            return OutputValues(_accidental_hits(node, true_value, sampled_value, num_true))
        node = MultiOutputOp(op_type, (true_node, sampled_node), compute=compute, name=scope,
                             attrs={"num_true": num_true, "seed": seed1 or 0, "seed2": seed2 or 0})
        outputs = add_outputs(node, [(_dtypes.int32, [None]), (_dtypes.int64, [None]), (_dtypes.float32, [None])])
    return ComputeAccidentalHits(*outputs)


def _check_rank(op_type, node, rank, inputs):
    dims = node.shape.dims
    if dims is not None and len(dims) != rank:
        raise ValueError(f"Shape must be rank {rank} but is rank {len(dims)} for '{op_type}' with input shapes: "
                         f"{', '.join(_shape_text(n) for n in inputs)}.")


def _shape_text(node):
    """A static shape as TF's shape errors print it: ``[2,?]``, or ``?`` for an unknown rank."""
    dims = node.shape.dims
    return "?" if dims is None else "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


def _accidental_hits(node, true_value, sampled_value, num_true) -> tuple[Any, Any, Any]:
    if true_value.ndim != 2 or true_value.shape[1] != num_true:
        raise InvalidArgumentError(node, "true_candidates must be a batch_size * num_true matrix"
                                         f"\n\t [[{{{{node {node.op_name}}}}}]]")
    if sampled_value.ndim != 1:
        raise InvalidArgumentError(node, "sampled_candidates must be a vector, which is typically an output from "
                                         f"CandidateSampler\n\t [[{{{{node {node.op_name}}}}}]]")
    position = {c: i for i, c in enumerate(sampled_value.tolist())}  # a class sampled twice: its last position
    hits = [(row, position[c]) for row, classes in enumerate(true_value.tolist()) for c in classes if c in position]
    indices = np.array([r for r, _ in hits], dtype=np.int32)
    ids = np.array([i for _, i in hits], dtype=np.int64)
    return to_device(indices), to_device(ids), xp.full(len(hits), -FLOAT_MAX, dtype=np.float32)


NotDifferentiable("ComputeAccidentalHits")
