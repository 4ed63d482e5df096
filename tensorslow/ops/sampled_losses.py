"""``nce_loss`` and ``sampled_softmax_loss``: training a classifier over many classes by scoring a sample of them.

With ``num_classes`` in the tens of thousands (a vocabulary), computing every
class's logit per example is the expensive part of a softmax. Both losses
instead score, per example, its ``num_true`` true classes and ``num_sampled``
classes drawn for the whole batch (``candidate_sampling_ops.py``; by default
log-uniform, so frequent, low-numbered classes come up more), then correct each
logit by subtracting ``log Q(class)``, the log of the expected number of times
the sampler picks it::

    logit(c) = inputs . weights[c] + biases[c] - log Q(c)

* **NCE** (noise-contrastive estimation) makes that a binary problem: a
  sigmoid cross-entropy with label 1/num_true for each true class and 0 for
  each sampled one, summed per example.
* **sampled softmax** is a softmax cross-entropy over the ``num_true + num_sampled``
  logits; a sampled class that is also a true class of the example (an
  *accidental hit*) gets -FLT_MAX added to its logit, taking it out.

Built from the same ops in the same order as TF's ``_compute_sampled_logits``,
so that values and gradients are TF's and, with a graph seed, the sampler takes
the same derived seed and draws the same classes.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from ..graph import Tensor, TensorLike, constant_node, name_scope
from . import array_ops, math_ops, nn_ops
from .candidate_sampling_ops import compute_accidental_hits, log_uniform_candidate_sampler
from .core import as_nodes
from .embedding_ops import embedding_lookup
from .linalg_ops import matmul
from .slice_ops import slice as slice_
from .slice_ops import sparse_to_dense


def nce_loss(weights: TensorLike | Sequence[TensorLike], biases: TensorLike, labels: TensorLike, inputs: TensorLike,
             num_sampled: int, num_classes: int, num_true: int = 1, sampled_values: Any = None,
             remove_accidental_hits: bool = False, partition_strategy: str = "mod", name: str = "nce_loss") -> Tensor:
    """The noise-contrastive estimation loss per example, ``[batch]``.

    ``weights`` ``[num_classes, dim]`` (or a list of shards of it, split by ``partition_strategy``),
    ``biases`` ``[num_classes]``, ``labels`` int ``[batch, num_true]``, ``inputs`` ``[batch, dim]``.
    ``sampled_values``: a sampler's three outputs to use instead of drawing log-uniform classes.
    loss = sum over the true and sampled logits of sigmoid_cross_entropy(logit, label), with labels
    1/num_true (true) and 0 (sampled).
    """
    logits, targets = _compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true=num_true, sampled_values=sampled_values,
        subtract_log_q=True, remove_accidental_hits=remove_accidental_hits, partition_strategy=partition_strategy,
        name=name)
    sampled_losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits, name="sampled_losses")
    return _sum_rows(sampled_losses)


def sampled_softmax_loss(weights: TensorLike | Sequence[TensorLike], biases: TensorLike, labels: TensorLike,
                         inputs: TensorLike, num_sampled: int, num_classes: int, num_true: int = 1,
                         sampled_values: Any = None, remove_accidental_hits: bool = True,
                         partition_strategy: str = "mod", name: str = "sampled_softmax_loss",
                         seed: int | None = None) -> Tensor:
    """The sampled softmax cross-entropy per example, ``[batch]`` (arguments as ``nce_loss``).

    loss = softmax cross-entropy over the true and sampled logits, the true classes sharing
    probability 1 (1/num_true each); accidental hits are removed by default.
    """
    logits, targets = _compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true=num_true, sampled_values=sampled_values,
        subtract_log_q=True, remove_accidental_hits=remove_accidental_hits, partition_strategy=partition_strategy,
        name=name, seed=seed)
    targets = array_ops.stop_gradient(targets, name="labels_stop_gradient")
    return nn_ops.softmax_cross_entropy_with_logits_v2(labels=targets, logits=logits)


def _sum_rows(x: Tensor) -> Tensor:
    """y[i] = sum_j x[i, j], as TF computes it for these losses: x @ ones([cols, 1]), reshaped to a vector."""
    cols = _shape(x)[1]
    ones = array_ops.ones(array_ops.stack([cols, 1]), x.dtype)
    return array_ops.reshape(matmul(x, ones), [-1])


def _shape(x: Tensor) -> Tensor:
    """``tf.shape(x)``, a ``Const`` when the shape is known when building (as TF folds it)."""
    if x.shape.is_fully_defined():
        return constant_node(np.array(x.shape.as_list(), dtype=np.int32), name="Shape")
    return array_ops.shape(x)


def _cast(x: Tensor, dtype) -> Tensor:
    """``x`` as ``dtype``: no op when it already is (as TF's cast)."""
    return x if x.dtype == dtype else math_ops.cast(x, dtype)


def _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                            sampled_values=None, subtract_log_q=True, remove_accidental_hits=False,
                            partition_strategy="mod", name=None, seed=None):
    """(logits ``[batch, num_true + num_sampled]``, labels of the same shape), TF's ``_compute_sampled_logits``."""
    weights = list(weights) if isinstance(weights, (list, tuple)) else [weights]
    with name_scope(name, "compute_sampled_logits", weights + [biases, inputs, labels]):
        (labels,) = as_nodes([labels], dtype_hint=_dtypes.int64)
        (inputs,) = as_nodes([inputs])
        labels = _cast(labels, _dtypes.int64)
        labels_flat = array_ops.reshape(labels, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(true_classes=labels, num_true=num_true,
                                                           num_sampled=num_sampled, unique=True,
                                                           range_max=num_classes, seed=seed)
        sampled, true_expected_count, sampled_expected_count = (array_ops.stop_gradient(s) for s in sampled_values)
        sampled = _cast(sampled, _dtypes.int64)
        all_ids = array_ops.concat([labels_flat, sampled], 0)
        # One lookup of the true and the sampled rows, cut in two: the first len(labels_flat) rows are the true ones.
        all_w = _cast(embedding_lookup(weights, all_ids, partition_strategy=partition_strategy), inputs.dtype)
        n_true = labels_flat.shape.dims[0] if labels_flat.shape.dims is not None else None
        dim = all_w.shape.dims[1] if all_w.shape.ndims == 2 else None
        true_w = slice_(all_w, [0, 0], array_ops.stack([_shape(labels_flat)[0], -1]))
        sampled_w = slice_(all_w, array_ops.stack([_shape(labels_flat)[0], 0]), [-1, -1])
        true_w.set_shape([n_true, dim])  # TF's shape inference sees through the Pack; tell it here
        sampled_w.set_shape([sampled.shape.dims[0] if sampled.shape.dims else None, dim])
        sampled_logits = matmul(inputs, sampled_w, transpose_b=True)
        all_b = _cast(embedding_lookup(biases, all_ids, partition_strategy=partition_strategy), inputs.dtype)
        true_b = slice_(all_b, [0], _shape(labels_flat))
        sampled_b = slice_(all_b, _shape(labels_flat), [-1])
        # true_logits[i, t] = inputs[i] . true_w[i * num_true + t]: a broadcast product summed along dim
        dim_t = _shape(true_w)[1:2]
        new_true_w_shape = array_ops.concat([[-1, num_true], dim_t], 0)
        inputs_3d = array_ops.expand_dims(inputs, 1)
        true_w_3d = array_ops.reshape(true_w, new_true_w_shape)
        # TF's shape inference reads the reshapes' shapes through their Concats: tell it here
        true_w_3d.set_shape([None if n_true is None else n_true // num_true, num_true, dim])
        row_wise_dots = math_ops.multiply(inputs_3d, true_w_3d)
        dots_as_matrix = array_ops.reshape(row_wise_dots, array_ops.concat([[-1], dim_t], 0))
        n_dots = row_wise_dots.shape.num_elements()
        dots_as_matrix.set_shape([n_dots // dim if n_dots is not None and dim else None, dim])
        true_logits = array_ops.reshape(_sum_rows(dots_as_matrix), [-1, num_true])
        true_b = array_ops.reshape(true_b, [-1, num_true])
        true_logits += true_b
        sampled_logits += sampled_b
        if remove_accidental_hits:
            sampled_logits = _remove_accidental_hits(sampled_logits, labels, sampled, num_true, num_sampled)
        if subtract_log_q:  # logit - log Q: the correction for sampling class c Q(c) times on average
            true_logits -= math_ops.log(true_expected_count)
            sampled_logits -= math_ops.log(sampled_expected_count)
        out_logits = array_ops.concat([true_logits, sampled_logits], 1)
        out_labels = array_ops.concat([array_ops.ones_like(true_logits) / num_true,
                                       array_ops.zeros_like(sampled_logits)], 1)
        return out_logits, out_labels


def _remove_accidental_hits(sampled_logits, labels, sampled, num_true, num_sampled):
    """``sampled_logits`` plus -FLT_MAX where a row's sampled class is one of its true classes."""
    acc_indices, acc_ids, acc_weights = compute_accidental_hits(labels, sampled, num_true=num_true)
    acc_indices_2d = array_ops.reshape(acc_indices, [-1, 1])
    acc_ids_2d_int32 = array_ops.reshape(math_ops.cast(acc_ids, _dtypes.int32), [-1, 1])
    sparse_indices = array_ops.concat([acc_indices_2d, acc_ids_2d_int32], 1, "sparse_indices")
    sampled_logits_shape = array_ops.concat([_shape(labels)[:1], array_ops.expand_dims(num_sampled, 0)], 0)
    acc_weights = _cast(acc_weights, sampled_logits.dtype)
    hits = sparse_to_dense(sparse_indices, sampled_logits_shape, acc_weights, default_value=0.0,
                           validate_indices=False)
    hits.set_shape(sampled_logits.shape)
    return sampled_logits + hits
