"""``tf.data`` for TF1 programs: input pipelines built in the graph and read by iterators in sessions.

* ``dataset_ops.py``: :class:`Dataset`, its sources (``from_tensor_slices``, ``from_tensors``,
  ``range``, ``zip``) and transformations (``batch``, ``shuffle``, ``repeat``, ``map``, ...);
* ``stages.py``: what a pipeline is made of, and how it runs when an iterator binds it;
* ``shuffle.py``: TF's shuffle buffer and its random numbers (TF's orders, bit for bit);
* ``mapping.py``: the functions of ``map`` and ``filter``, traced into graphs of their own;
* ``generator.py``, ``padding.py``: ``from_generator`` and ``padded_batch``;
* ``iterator_ops.py``: iterators: ``initializer``, ``get_next``, their state in each session;
* ``structure.py``: nested elements and :class:`TensorSpec`.
"""
from . import experimental
from .dataset_ops import Dataset
from .iterator_ops import (
    Iterator,
    get_output_classes,
    get_output_shapes,
    get_output_types,
    make_initializable_iterator,
    make_one_shot_iterator,
)
from .structure import TensorSpec

AUTOTUNE = experimental.AUTOTUNE
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2

__all__ = ["AUTOTUNE", "Dataset", "INFINITE_CARDINALITY", "Iterator", "TensorSpec", "UNKNOWN_CARDINALITY",
           "experimental", "get_output_classes", "get_output_shapes", "get_output_types",
           "make_initializable_iterator", "make_one_shot_iterator"]
