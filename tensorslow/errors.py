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


# The rest of tf.errors' classes, for programs that catch them by name. TensorSlow raises AlreadyExistsError
# (gfile), UnknownError (a py_func whose function raises) and UnimplementedError; the others are there so
# that `except tf.errors.ResourceExhaustedError:` in a TF1 program is valid code.
class CancelledError(OpError):
    """An operation was cancelled."""


class UnknownError(OpError):
    """An error of no other kind, e.g. raised by Python code run inside the graph (``tf.py_func``)."""


class DeadlineExceededError(OpError):
    """A deadline passed before the operation finished."""


class AlreadyExistsError(OpError):
    """What an operation would create is already there (a file ``gfile.rename``/``copy`` would overwrite)."""


class PermissionDeniedError(OpError):
    """The caller may not run the operation."""


class ResourceExhaustedError(OpError):
    """Some resource (memory, a quota) has run out."""


class AbortedError(OpError):
    """The operation was aborted, typically by a concurrent one."""


class UnimplementedError(OpError):
    """The operation is not implemented or not supported."""


class InternalError(OpError):
    """An invariant of the system was broken."""


class UnavailableError(OpError):
    """The runtime is not available at the moment."""


class UnauthenticatedError(OpError):
    """The request has no valid credentials."""
