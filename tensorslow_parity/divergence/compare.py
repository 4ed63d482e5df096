"""Compare two captures of one run, tensor by tensor, in topological order: where do they part ways?

The order is the reference's (tf1's) graph creation order, which is a
topological order: an op is made after its inputs. Tensors are matched by
name (``op:k``); a tensor only one side computed is listed, not compared, and
so is one whose ops take other inputs on the two sides (:func:`other_inputs`:
one name, two different ops), two constants of one name that other ops use
(:func:`other_consumers`), and values of other dtypes. Two
values agree when their shapes are equal and, elementwise,
``|a - b| <= atol + rtol * |b|`` (``b`` the reference's; NaN matches NaN, and
an infinity matches itself). Tolerances follow the reference's dtype
(:data:`TOLERANCES`) unless given; integers and booleans must be equal. The
first tensor that does not agree is the divergence: every tensor before it in
the order agreed, so its inputs that both sides computed agree too (or are
listed as not comparable), and the op itself computed something else.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: dtype -> (rtol, atol): float32 leaves room for the order of summation in a long dot product
TOLERANCES = {"float16": (1e-2, 1e-3), "bfloat16": (2e-2, 1e-2), "float32": (1e-4, 1e-5),
              "float64": (1e-7, 1e-10), "complex64": (1e-4, 1e-5), "complex128": (1e-7, 1e-10)}


@dataclass
class Mismatch:
    """How two values of one tensor differ."""
    reason: str                  # "shape (2, 3) vs (3, 2)", "values differ", "dtype ..."
    max_abs: float = 0.0
    max_rel: float = 0.0
    where: tuple = ()            # index of the largest difference
    count: int = 0               # elements beyond tolerance
    rtol: float = 0.0
    atol: float = 0.0


@dataclass
class Comparison:
    """The outcome: the first divergent tensor (or None), and what could not be compared."""
    ours: object                 # the Capture of tensorslow
    theirs: object               # the Capture of tf1
    compared: list = field(default_factory=list)      # names compared, in order, up to the divergence
    divergence: str | None = None
    mismatch: Mismatch | None = None
    only_ours: list = field(default_factory=list)     # computed by TensorSlow only
    only_theirs: list = field(default_factory=list)   # computed by tf1 only
    not_comparable: list = field(default_factory=list)  # (name, why)

    @property
    def diverges(self):
        return self.divergence is not None


def tolerance(dtype, rtol=None, atol=None):
    """(rtol, atol) for values of ``dtype``: the given ones, else :data:`TOLERANCES`; (0, 0) for exact types."""
    name = str(np.dtype(dtype))
    if name not in TOLERANCES:
        return 0.0, 0.0
    default_rtol, default_atol = TOLERANCES[name]
    return (default_rtol if rtol is None else rtol), (default_atol if atol is None else atol)


def mismatch(a, b, rtol, atol):
    """How ``a`` (TensorSlow's) differs from ``b`` (tf1's) beyond the tolerance, or None if it does not."""
    if a.shape != b.shape:
        return Mismatch(f"shape {a.shape} vs {b.shape}")
    if a.size == 0:
        return None
    exact = a.dtype.kind in "biu" and b.dtype.kind in "biu"
    x, y = (a, b) if exact else (a.astype(np.complex128 if "c" in a.dtype.kind + b.dtype.kind else np.float64),
                                 b.astype(np.complex128 if "c" in a.dtype.kind + b.dtype.kind else np.float64))
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(x - y) if not exact else np.abs(x.astype(np.int64) - y.astype(np.int64))
        same = (x == y) | (diff <= atol + rtol * np.abs(y))
        if not exact:
            same |= np.isnan(x) & np.isnan(y)
    if same.all():
        return None
    diff = np.where(same, 0, np.nan_to_num(diff, nan=np.inf, posinf=np.inf))
    where = np.unravel_index(int(np.argmax(diff)), diff.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(same, 0, diff / np.abs(y))
    return Mismatch("values differ", float(diff.max()), float(np.nan_to_num(relative, nan=np.inf, posinf=np.inf).max()),
                    tuple(int(i) for i in where), int((~same).sum()), rtol, atol)


_FORWARDING = ("Identity", "Snapshot")


def source(name, by_name):
    """The tensor ``name`` forwards: through ``Identity`` ops (TF reads a reference variable ``W`` as
    ``W/read``, an Identity, where TensorSlow uses ``W`` itself)."""
    seen = set()
    while name in by_name and by_name[name].type in _FORWARDING and len(by_name[name].inputs) == 1 \
            and name not in seen:
        seen.add(name)
        name = by_name[name].inputs[0]
    return name


def other_inputs(mine, theirs, our_by_name, their_by_name):
    """Do two ops of one name take other tensors at some input position (Identity reads aside)? Then they
    are two different ops, not comparable. An input only one side has (TensorSlow keeps some of TF's
    constant inputs as attributes: a Reshape's shape) is no conflict."""
    return any(source(a, our_by_name) != source(b, their_by_name) for a, b in zip(mine.inputs, theirs.inputs))


def consumers(capture):
    """{tensor name: names of the ops of the run that take it as an input}."""
    found = {}
    for tensor in capture.tensors:
        for name in tensor.inputs:
            found.setdefault(name, set()).add(tensor.op)
    return found


def other_consumers(name, mine, theirs, our_consumers, their_consumers):
    """Are two constants of one name used by different ops (none in common)? Then they are two different
    constants that happen to share a name (``Const``, ``Const_1``... count up in creation order)."""
    if mine.type != "Const" or theirs.type != "Const":
        return False
    a, b = our_consumers.get(name, set()), their_consumers.get(name, set())
    return bool(a and b and not a & b)


def compare(ours, theirs, rtol=None, atol=None):
    """Walk the reference's tensors in order and find the first that TensorSlow computed otherwise."""
    result = Comparison(ours, theirs)
    our_names = {t.name: t for t in ours.tensors}
    their_by_name = {t.name: t for t in theirs.tensors}
    their_names = set(their_by_name)
    our_consumers, their_consumers = consumers(ours), consumers(theirs)
    result.only_ours = [t.name for t in ours.tensors if t.name not in their_names]
    result.only_theirs = [t.name for t in theirs.tensors if t.name not in our_names]
    for tensor in theirs.tensors:
        mine = our_names.get(tensor.name)
        if mine is None:
            continue
        why = [f"{side}: {t.note}" for side, t in (("tensorslow", mine), ("tf1", tensor)) if t.note]
        if other_inputs(mine, tensor, our_names, their_by_name):
            why.append(f"same name, other inputs: tensorslow {', '.join(mine.inputs)}; tf1 {', '.join(tensor.inputs)}")
        elif other_consumers(tensor.name, mine, tensor, our_consumers, their_consumers):
            why.append(f"same name, used by other ops: tensorslow {', '.join(sorted(our_consumers[tensor.name]))}; "
                       f"tf1 {', '.join(sorted(their_consumers[tensor.name]))}")
        if why:
            result.not_comparable.append((tensor.name, "; ".join(why)))
            continue
        a, b = ours.values[tensor.name], theirs.values[tensor.name]
        if a.dtype != b.dtype:  # one name, another kind of value: most likely two different ops
            result.not_comparable.append((tensor.name, f"other dtype: tensorslow {a.dtype.name}, tf1 {b.dtype.name}"))
            continue
        found = mismatch(a, b, *tolerance(b.dtype, rtol, atol))
        result.compared.append(tensor.name)
        if found is not None:
            result.divergence, result.mismatch = tensor.name, found
            return result
    return result
