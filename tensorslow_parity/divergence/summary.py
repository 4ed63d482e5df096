"""The divergence report as text: the first op where TensorSlow and tf1 part ways, both values, its inputs."""
from __future__ import annotations

import numpy as np

ENTRIES = 6  # entries of a value shown


def value_line(array, where=None):
    """``float32 (55000, 1) [0.1, 0.25, ...]`` and, with ``where``, the entry there."""
    flat = array.reshape(-1)
    entries = ", ".join(_entry(v) for v in flat[:ENTRIES]) + (", ..." if flat.size > ENTRIES else "")
    text = f"{array.dtype.name} {tuple(array.shape)} [{entries}]"
    if where is not None and array.ndim == len(where) and array.size:
        text += f"   at {list(where)}: {_entry(array[tuple(where)])}"
    return text


def _entry(value):
    return f"{value:.7g}" if isinstance(value, np.floating | float) else str(value)


def _names(names, limit):
    shown = names if limit is None else names[:limit]
    more = len(names) - len(shown)
    return ", ".join(shown) + (f", ... and {more} more (--list-all)" if more else "")


def _input_line(name, result, captures):
    """One input of the divergent op: its status and, where a side computed it, its value."""
    ours, theirs = captures
    status = ("agrees" if name in result.compared[:-1]
              else "only tensorslow computes it" if name in result.only_ours
              else "only tf1 computes it" if name in result.only_theirs
              else "not compared")
    why = dict(result.not_comparable).get(name)
    lines = [f"    {name}: {status}" + (f" ({why})" if why else "")]
    for side, capture in (("tensorslow", ours), ("tf1", theirs)):
        if name in capture.values:
            lines.append(f"      {side:10}  {value_line(capture.values[name])}")
    return lines


def report(result, source, limit=10):
    """The report of a :class:`~.compare.Comparison` of a run of ``source`` (a program path or model)."""
    ours, theirs = result.ours, result.theirs
    lines = [f"{source}: run {theirs.run}" + (f" (tensorslow run {ours.run})" if ours.run != theirs.run else "")]
    lines.append(f"  fetches: {', '.join(theirs.fetches)}")
    if ours.fetches != theirs.fetches:
        lines.append(f"  tensorslow fetches: {', '.join(ours.fetches)}")
    lines.append(f"  compared {len(result.compared)} tensors both computed, in tf1's topological order")
    if result.diverges:
        mine = {t.name: t for t in ours.tensors}[result.divergence]
        ref = {t.name: t for t in theirs.tensors}[result.divergence]
        m = result.mismatch
        lines.append("")
        lines.append(f"first divergence: {ref.name} (op {ref.op}, type {ref.type}"
                     + (f"; tensorslow type {mine.type}" if mine.type != ref.type else "") + ")")
        if m.reason == "values differ":
            lines.append(f"  {m.count} of {ours.values[ref.name].size} entries beyond rtol {m.rtol:g}, "
                         f"atol {m.atol:g}; largest difference {m.max_abs:.3g} at {list(m.where)} "
                         f"(relative {m.max_rel:.3g})")
        else:
            lines.append(f"  {m.reason}")
        where = m.where or None
        lines.append(f"  tensorslow  {value_line(ours.values[ref.name], where)}")
        lines.append(f"  tf1         {value_line(theirs.values[ref.name], where)}")
        lines.append("  inputs (tf1's):" if ref.inputs else "  inputs: none")
        for name in ref.inputs:
            lines += _input_line(name, result, (ours, theirs))
        extra = [name for name in mine.inputs if name not in ref.inputs]
        if extra:
            lines.append("  inputs tensorslow's op has instead:")
            for name in extra:
                lines += _input_line(name, result, (ours, theirs))
    else:
        lines.append("")
        lines.append("no divergence: every tensor both computed agrees")
    lines.append("")
    for label, names in (("only tensorslow computes (not compared)", result.only_ours),
                         ("only tf1 computes (not compared)", result.only_theirs),
                         ("computed by both, not comparable", [f"{n} ({why})" for n, why in result.not_comparable])):
        if names:
            lines.append(f"{label}: {len(names)}: {_names(names, limit)}")
    return "\n".join(lines)
