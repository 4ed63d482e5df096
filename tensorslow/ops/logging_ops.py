"""Printing from inside the graph: ``tf.Print`` (op Print) and ``tf.print`` (op PrintV2).

A graph runs later than the Python that built it, so ``print(tensor)`` shows the node, not its value.
These ops print values when the session runs them, to standard error by default, in TensorFlow's
formats:

* ``tf.Print(x, [a, b], message="m: ")`` passes ``x`` through unchanged (so it must be used downstream
  to run) and prints ``m: [a][b]``, each at most ``summarize`` (3) entries in the flattened order,
  ``...`` where it stopped: ``[1.5 2 3...]``. ``first_n`` limits how many runs print (per session).
* ``tf.print("W =", w)`` is an op of its own with no output: run it, or make something depend on it.
  Tensors are shown like NumPy arrays with at most ``summarize`` entries at each end of every axis:
  ``[[0 0 ... 0 0] ...]``; Python values are formatted with ``pprint``, strings as they are. As in TF,
  the op StringFormat (``tf.strings.format``) makes the text and the op PrintV2 writes it.

Numbers are written as TensorFlow's C++ writes them: the shortest of ``%.6g``/``%.9g`` (float32) or
``%.15g``/``%.17g`` (float64) that reads back exactly, booleans as 1 and 0.
"""
from __future__ import annotations

import itertools
import pprint
import random
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..backend import to_host
from ..graph import NoValueOp, Tensor, TensorLike, get_default_graph
from ..registry import RegisterGradient
from ..summary.ops import string
from .core import as_nodes

# -- one element, one tensor ------------------------------------------------------------------------

def format_element(value: Any) -> str:
    """One entry as TensorFlow's C++ ``StrCat`` writes it."""
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (np.floating, float)):
        if isinstance(value, np.float64) or type(value) is float:
            short, long_ = 15, 17
        else:
            short, long_ = 6, 9
        value = np.float64(value) if isinstance(value, np.float16) else value
        for digits in (short, long_):
            text = f"{float(value):.{digits}g}"
            if type(value)(text) == value or np.isnan(value):
                break
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(text, text)
    return str(value)


def _summarize_v1(array: np.ndarray, limit: int) -> str:
    """tf.Print's layout: the first ``limit`` entries in row-major order, nested brackets, ``...`` where
    the output stopped inside an axis and once more at the end if entries were left out."""
    flat = array.reshape(-1)
    if array.ndim == 0:
        return " ".join(format_element(v) for v in flat[:limit]) + ("..." if flat.size > limit else "")
    position = 0
    out: list[str] = []

    def one_axis(axis):
        nonlocal position
        if position >= limit:
            return
        if axis == array.ndim - 1:
            for i in range(array.shape[axis]):
                if position >= limit:
                    if axis != 0:
                        out.append("...")
                    return
                out.append((" " if i else "") + format_element(flat[position]))
                position += 1
            return
        for _ in range(array.shape[axis]):
            opened = position < limit
            if opened:
                out.append("[")
            one_axis(axis + 1)
            if position < limit or opened:
                out.append("]")
    one_axis(0)
    return "".join(out) + ("..." if flat.size > limit else "")


def _summarize_v2(array: np.ndarray, at_ends: int) -> str:
    """tf.print's layout, NumPy-like: ``at_ends`` entries at each end of every axis around ``...``, one
    line per row of a matrix, a blank line between matrices."""
    if array.ndim == 0:
        return format_element(array.reshape(-1)[0]) if at_ends > 0 else ""

    def spacing(axis):
        if axis == array.ndim - 1:
            return " "
        return "\n" * (array.ndim - axis - 1) + " " * (axis + 1)

    def one_axis(axis, index):
        if axis == array.ndim:
            return format_element(array[index])
        n, gap = array.shape[axis], spacing(axis)
        text = gap.join(one_axis(axis + 1, index + (i,)) for i in range(min(at_ends, n)))
        if n > 2 * at_ends:  # TF writes the gap before "..." even when nothing came before it
            text += gap + "..."
        for i in range(max(at_ends, n - at_ends), n):
            text += gap + one_axis(axis + 1, index + (i,))
        return "[" + text + "]"
    return one_axis(0, ())


def _limit(summarize, size):
    return size if summarize is None or summarize < 0 else min(summarize, size)


# -- tf.Print -----------------------------------------------------------------------------------------

def Print(input_: TensorLike, data: Sequence[TensorLike], message: str | None = None,  # noqa: N802  (TF's name)
          first_n: int | None = None, summarize: int | None = None, name: str | None = None) -> Tensor:
    """``input_`` unchanged; running it prints ``message`` and ``[d]`` for each tensor ``d`` of ``data``
    to standard error (the first ``first_n`` runs in each session only, if given)."""
    (x,) = as_nodes([input_])
    nodes = as_nodes(list(data))
    text, count, entries = message or "", -1 if first_n is None else int(first_n), \
        3 if summarize is None else int(summarize)

    def compute(state, value, *values):
        if count >= 0 and next(state.generator(node, lambda _: itertools.count())) >= count:
            return value
        shown = "".join("[" + _summarize_v1(to_host(v), _limit(entries, np.size(v))) + "]" for v in values)
        sys.stderr.write(text + shown + "\n")
        sys.stderr.flush()
        return value
    node = Tensor("Print", (x, *nodes), compute=compute, stateful=True, dtype=x.dtype, shape=x.shape,
                  attrs={"message": text, "first_n": count, "summarize": entries}, name=name or "Print")
    return node


@RegisterGradient("Print")
def _print_grad(op, grad):
    """The identity on ``input_``; the printed tensors get none"""
    return (grad,) + (None,) * (len(op.inputs) - 1)


# -- tf.print -----------------------------------------------------------------------------------------

def _placeholder(text: str) -> str:
    """A placeholder for the tensors that ``text`` (the inputs without their tensors) does not hold: ``{}``,
    else ``{}`` followed by digits drawn from a fixed seed until it is new, as TF picks it."""
    placeholder, digits = "{}", random.Random(5)
    while placeholder in text:
        placeholder += str(digits.randint(0, 9))
    return placeholder


def _template(inputs, sep):
    """TF's StringFormat template: each input as it is (a string) or as ``pprint`` shows it, a placeholder in
    place of each tensor (nested lists and dicts too: a dict's tensors in sorted key order, as pprint
    shows them), joined by ``sep``; and the tensors, in the template's order."""
    def swap(value, replace):
        if isinstance(value, Tensor):
            return replace(value)
        if isinstance(value, dict):  # TF sorts an OrderedDict's keys too
            return type(value)((k, swap(value[k], replace)) for k in sorted(value))
        if isinstance(value, (list, tuple)):
            return type(value)(swap(v, replace) for v in value)
        return value
    placeholder = _placeholder(" ".join(pprint.pformat(swap(v, lambda t: "")) for v in inputs))
    tensors: list[Tensor] = []

    def keep(tensor):
        tensors.append(tensor)
        return placeholder
    pieces = [value if isinstance(value, str) else pprint.pformat(swap(value, keep)) for value in inputs]
    return sep.join(pieces).replace(repr(placeholder), placeholder), tensors, placeholder


def string_format(template: str, inputs: Sequence[TensorLike], placeholder: str = "{}", summarize: int | None = 3,
                  name: str | None = None) -> Tensor:
    """``tf.strings.format``: the string ``template`` with each ``placeholder`` replaced by the next tensor of
    ``inputs``, shown as tf.print shows it (``summarize`` entries at each end of every axis, -1: all); a
    scalar string (``bytes``) made when the graph runs, by the op StringFormat."""
    nodes = as_nodes([inputs] if isinstance(inputs, Tensor) else list(inputs))
    if template.count(placeholder) != len(nodes):
        raise ValueError(f"The template expects {template.count(placeholder)} tensors, but the inputs only has "
                         f"{len(nodes)}. Please ensure the number of placeholders in template matches inputs length.")
    pieces = template.split(placeholder)
    at_ends = 3 if summarize is None else int(summarize)

    def compute(*values):
        hosts = [to_host(v) for v in values]
        shown = [_summarize_v2(v, _limit(at_ends, v.size)) for v in hosts]
        return "".join(p + t for p, t in zip(pieces, shown + [""])).encode()
    return Tensor("StringFormat", tuple(nodes), compute=compute, dtype=string, shape=(), name=name or "StringFormat",
                  attrs={"template": template, "placeholder": placeholder, "summarize": at_ends},
                  graph=nodes[0].graph if nodes else get_default_graph())


def _writer(output_stream):
    from .. import logging as ts_logging
    streams = {id(sys.stderr): "stderr", id(sys.__stderr__): "stderr", id(sys.stdout): "stdout",
               id(sys.__stdout__): "stdout"}
    if output_stream is None or id(output_stream) in streams:
        which = "stderr" if output_stream is None else streams[id(output_stream)]

        def write(text):  # to the stream of that name when the op runs (as TF writes to its C++ stream)
            stream = getattr(sys, which)
            stream.write(text)
            stream.flush()
        return write
    if output_stream in (ts_logging.info, ts_logging.warning, ts_logging.error):
        return lambda text: output_stream(text.rstrip("\n"))
    if isinstance(output_stream, str) and output_stream.startswith("file://"):
        path = output_stream[len("file://"):]

        def append(text):
            with open(path, "a") as f:
                f.write(text)
        return append
    raise ValueError(f"Unsupported output stream, logging level, or file.{output_stream}. Supported streams are "
                     "sys.stdout, sys.stderr, tf.logging.info, tf.logging.warning, tf.logging.error. File needs "
                     "to be in the form of 'file://<filepath>'.")


def print_v2(*inputs: Any, output_stream: Any = None, summarize: int | None = 3, sep: str = " ",
             end: str = "\n", name: str | None = None) -> Tensor:
    """An op with no output that prints ``inputs`` (tensors, Python values, nested lists and dicts of them)
    separated by ``sep`` and followed by ``end`` each time it runs; see the module docstring. The stream
    is ``sys.stderr`` (the default), ``sys.stdout``, ``tf.logging.info``/``warning``/``error`` or
    ``"file://<path>"``.

    As TF builds it: a StringFormat op (``<name>_format`` if named) makes the text from the tensors, and
    the op PrintV2 writes it; a lone scalar string tensor goes to PrintV2 as it is."""
    write = _writer(output_stream)
    if len(inputs) == 1 and isinstance(inputs[0], Tensor) and inputs[0].dtype == string and \
            inputs[0].shape.ndims == 0:
        text = inputs[0]
    else:
        template, tensors, placeholder = _template(inputs, sep)
        text = string_format(template, tensors, placeholder, summarize, name=f"{name}_format" if name else None)

    def compute(state, value):
        line = np.asarray(to_host(value), dtype=object).item()  # bytes, as a 0-d array or as they are
        write((line.decode("utf-8", "replace") if isinstance(line, bytes) else str(line)) + end)
    return NoValueOp("PrintV2", (text,), compute=compute, stateful=True, attrs={"end": end},
                     name=name or "PrintV2")
