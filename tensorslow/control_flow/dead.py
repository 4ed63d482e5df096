"""``DEAD``: the value a tensor has in a run when the ``tf.cond`` branch it belongs to is not taken.

TF1 routes a cond's values with ``Switch`` and ``Merge`` ops (see :mod:`.dataflow`): a ``Switch`` sends
its input to one of its two outputs and marks the other *dead*. The executors pass deadness on: an op
with a dead input (data or control) does not run, and its output is dead too; a ``Merge`` forwards the
one input that is alive. This module holds only the marker, so that the executors can import it
without importing the graph-building side.
"""


class _Dead:
    """The marker's type: one instance, ``DEAD``, compared by identity (``value is DEAD``)."""

    __slots__ = ()
    shape = None  # not an array

    def __repr__(self):
        return "DEAD"

    def __reduce__(self):
        return "DEAD"


DEAD = _Dead()
