"""Recurrent networks as TF1 builds them: the cells of ``tf.nn.rnn_cell`` and ``tf.nn.static_rnn``,
``tf.nn.dynamic_rnn``, ``tf.nn.bidirectional_dynamic_rnn``.

Read ``cell_base.py`` (what a cell is and how its variables are named), ``cells.py`` (the cells' math),
``wrappers.py`` (stacks and dropout), then ``rnn.py`` (running a cell over time).
"""
from . import rnn_cell
from .rnn import bidirectional_dynamic_rnn, dynamic_rnn, static_rnn
from .sequence_ops import reverse_sequence

__all__ = ["bidirectional_dynamic_rnn", "dynamic_rnn", "reverse_sequence", "rnn_cell", "static_rnn"]
