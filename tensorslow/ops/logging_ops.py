"""Printing from inside the graph: ``tf.Print`` (op Print) and ``tf.print`` (op PrintV2).

A graph runs later than the Python that built it, so ``print(tensor)`` shows the node, not its value.
These ops print values when the session runs them, to standard error by default, in TensorFlow's
formats:

* ``tf.Print(x, [a, b], message="m: ")`` passes ``x`` through unchanged (so it must be used downstream
  to run) and prints ``m: [a][b]``, each at most ``summarize`` (3) entries in the flattened order,
  ``...`` where it stopped: ``[1.5 2 3...]``. ``first_n`` limits how many runs print (per session).
* ``tf.print("W =", w)`` is an op of its own with no output: run it, or make something depend on it.
  Tensors are shown like NumPy arrays with at most ``summarize`` entries at each end of every axis:
  ``[[0 0 ... 0 0] ...]``; Python values are formatted with ``pprint``, strings as they are.

Numbers are written as TensorFlow's C++ writes them: the shortest of ``%.6g``/``%.9g`` (float32) or
``%.15g``/``%.17g`` (float64) that reads back exactly, booleans as 1 and 0.
"""
from __future__ import annotations

import itertools
import pprint
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..backend import to_host
from ..graph import NoValueOp, Tensor, TensorLike, get_default_graph
from ..registry import RegisterGradient
from .core import as_nodes, convert_to_tensor

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

def _template(inputs, sep):
    """The text with a marker where each tensor goes (pprint of each non-string input), and the tensors."""
    tensors: list[Tensor] = []
    marker = "\x00TENSOR\x00"

    def swap(value):
        if isinstance(value, Tensor):
            tensors.append(value)
            return marker
        if isinstance(value, dict):  # tensors in sorted key order, as pprint shows them (and TF's nest)
            return {k: swap(value[k]) for k in sorted(value)}
        if isinstance(value, (list, tuple)):
            return type(value)(swap(v) for v in value)
        return value
    pieces = [value if isinstance(value, str) else pprint.pformat(swap(value)) for value in inputs]
    return sep.join(pieces).replace(repr(marker), marker), tensors, marker


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


def print_v2(*inputs: Any, output_stream: Any = None, summarize: int = 3, sep: str = " ", end: str = "\n",
             name: str | None = None) -> Tensor:
    """An op with no output that prints ``inputs`` (tensors, Python values, nested lists and dicts of them)
    separated by ``sep`` and followed by ``end`` each time it runs; see the module docstring. The stream
    is ``sys.stderr`` (the default), ``sys.stdout``, ``tf.logging.info``/``warning``/``error`` or
    ``"file://<path>"``."""
    write = _writer(output_stream)
    text, tensors, marker = _template(inputs, sep)
    nodes = [t if isinstance(t, Tensor) else convert_to_tensor(t) for t in tensors]
    graph = nodes[0].graph if nodes else get_default_graph()
    pieces = text.split(marker)

    def compute(state, *values):
        shown = [_summarize_v2(to_host(v), _limit(summarize, np.size(v))) for v in values]
        write("".join(p + s for p, s in zip(pieces, shown + [""])) + end)
    return NoValueOp("PrintV2", tuple(nodes), compute=compute, stateful=True, graph=graph,
                     attrs={"end": end, "summarize": summarize}, name=name or "PrintV2")

