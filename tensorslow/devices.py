"""``tf.device``: device placement, accepted and recorded, with no effect.

TensorSlow runs every op with NumPy on the CPU, so placing an op on ``/gpu:0`` changes nothing. Programs
still write ``with tf.device("/cpu:0"):``, and some read ``op.device`` back, so the block records on each op
it creates the device spec that TensorFlow would record, merged with the enclosing blocks' specs as TF
merges them: fields the inner spec sets win, the others come from outside, and ``tf.device(None)`` clears
them all.

A spec is ``/job:NAME/replica:N/task:N/device:TYPE:INDEX`` (each part optional; ``/cpu:0`` is the old
spelling of ``/device:CPU:0``, and an index ``*`` means "any").
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_FIELDS = ("job", "replica", "task", "device_type", "device_index")
_stack = threading.local()  # .specs: this thread's enclosing device blocks, innermost last


def parse(spec: str) -> dict[str, str]:
    """The fields a device spec string sets: ``"/job:ps/gpu:1"`` -> {job: ps, device_type: GPU, device_index: 1}.

    ValueError naming the unknown part, as TF's DeviceSpec raises."""
    if not isinstance(spec, str):
        raise TypeError(f"tf.device: expected a device name string, a function or None, got {spec!r}")
    fields: dict[str, str] = {}
    for part in spec.split("/"):
        if not part:
            continue
        pieces = part.split(":")
        key = pieces[0].lower()
        if key in ("job", "replica", "task") and len(pieces) == 2:
            fields[key] = pieces[1]
        elif key == "device" and len(pieces) in (2, 3):  # device:TYPE[:INDEX]
            _set_device(fields, pieces[1], pieces[2] if len(pieces) == 3 else "*")
        elif len(pieces) in (1, 2) and key.isidentifier():  # legacy "cpu:0", or a bare type "CPU"
            _set_device(fields, pieces[0], pieces[1] if len(pieces) == 2 else "*")
        else:
            raise ValueError(f"Unknown attribute {key!r} is encountered while parsing the device spec: {spec!r}.")
    return fields


def _set_device(fields, device_type, index):
    # TF writes the well-known types in capitals whatever the spelling ("/gpu:0" -> "GPU").
    fields["device_type"] = device_type.upper() if device_type.lower() in ("cpu", "gpu", "tpu") else device_type
    if index != "*":
        fields["device_index"] = index


def to_string(fields: dict[str, str]) -> str:
    """The canonical spec string of ``fields``, in TF's order: ``/job:ps/replica:0/task:1/device:GPU:0``."""
    parts = [f"/{key}:{fields[key]}" for key in ("job", "replica", "task") if key in fields]
    if "device_type" in fields:
        parts.append(f"/device:{fields['device_type']}:{fields.get('device_index', '*')}")
    return "".join(parts)


class device:  # noqa: N801  (TensorFlow's name)
    """``with tf.device("/gpu:0"):`` records the spec on the ops created inside; it does not move them.

    ``device_name_or_function`` may be a spec string, ``None`` (clear the enclosing specs) or a function
    ``op -> spec string`` called for each new op, as in TensorFlow.
    """

    def __init__(self, device_name_or_function: str | Callable[[Any], str] | None) -> None:
        if device_name_or_function is not None and not callable(device_name_or_function):
            parse(device_name_or_function)  # a bad spec fails here, as in TF, not at the first op
        self.spec = device_name_or_function

    def __enter__(self) -> device:
        _stack.specs = device_stack() + (self.spec,)
        return self

    def __exit__(self, *exc: Any) -> None:
        _stack.specs = device_stack()[:-1]


def device_stack() -> tuple[Any, ...]:
    """The enclosing ``tf.device`` specs of this thread, outermost first (empty: no block)."""
    return getattr(_stack, "specs", ())


def device_for(op: Any) -> str:
    """The device TF would record on ``op``, created under the current ``tf.device`` blocks."""
    fields: dict[str, str] = {}
    for spec in device_stack():
        if spec is None:
            fields = {}
            continue
        inner = parse(spec(op) or "") if callable(spec) else parse(spec)
        fields = {**fields, **inner}
    return to_string(fields)
