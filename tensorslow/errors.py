"""Errors raised by TensorSlow, named as in ``tf.errors``.

Each carries the node it concerns (when there is one) so that a user sees
which part of the graph was wrong, not a bare NumPy traceback.
"""
import typing


class OpError(Exception):
    """Base class of errors raised while running a graph."""

    def __init__(self, node: typing.Any, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.op = node
        self.message = message


class InvalidArgumentError(OpError, ValueError):
    """An op received an argument it cannot work with (shape, dtype, value)."""


class FailedPreconditionError(OpError):
    """The graph was run in a state it does not allow (e.g. a closed session)."""


class NotFoundError(OpError, KeyError):
    """A named node does not exist."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return self.message


class DataLossError(OpError):
    """Stored data is corrupt or truncated (e.g. a checkpoint whose checksum does not match)."""


class OutOfRangeError(OpError):
    """A read went past the end of its input (e.g. a checkpoint data file shorter than its index says)."""
