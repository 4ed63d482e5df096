"""TensorBoard's protocol buffers, imported on first use from the optional ``tensorboard`` package.

Summaries and event files are protocol buffers (``Summary``, ``Event``, ``GraphDef``). TensorSlow does not
define them again: it uses the ``tensorboard`` package's copies (``tensorboard.compat.proto``), the same
messages TensorFlow writes. ``tensorboard`` is an optional extra, so it is imported only when a summary
runs or a FileWriter opens, and its absence is reported by name.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from tensorslow.errors import OpError

INSTALL_HINT = ("TensorSlow's summaries and FileWriter need the 'tensorboard' package: "
                "pip install tensorslow-parity[summary]")


class MissingExtraError(OpError, ImportError):
    """``tensorboard`` is not installed. An ImportError, and an OpError so that a summary op run without it
    raises it as it is (a session wraps other errors of a kernel in an InvalidArgumentError)."""


def proto(module: str) -> ModuleType:
    """``tensorboard.compat.proto.<module>`` (e.g. ``"summary_pb2"``), or an ImportError naming the extra."""
    try:
        return importlib.import_module(f"tensorboard.compat.proto.{module}")
    except ImportError as error:
        raise MissingExtraError(None, f"{INSTALL_HINT} ({error})") from error


class LazyMessage:
    """A stand-in for a proto class (``tf.Summary``) that imports ``tensorboard`` only when used.

    ``tf.Summary(value=[tf.Summary.Value(tag="acc", simple_value=0.9)])`` works as in TensorFlow:
    calling it builds the real message, and its attributes (``Value``, ``FromString``) are the real
    class's.
    """

    def __init__(self, module: str, name: str) -> None:
        self._module, self._name = module, name

    def resolve(self) -> Any:
        return getattr(proto(self._module), self._name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):
            raise AttributeError(attr)
        return getattr(self.resolve(), attr)

    def __instancecheck__(self, instance: Any) -> bool:
        return isinstance(instance, self.resolve())

    def __repr__(self) -> str:
        return f"<tensorboard.compat.proto.{self._module}.{self._name}, imported on use>"


Summary = LazyMessage("summary_pb2", "Summary")
SummaryDescription = LazyMessage("summary_pb2", "SummaryDescription")
SummaryMetadata = LazyMessage("summary_pb2", "SummaryMetadata")
Event = LazyMessage("event_pb2", "Event")
SessionLog = LazyMessage("event_pb2", "SessionLog")
TaggedRunMetadata = LazyMessage("event_pb2", "TaggedRunMetadata")
