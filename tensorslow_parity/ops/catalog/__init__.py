"""The op catalog: one entry per op type in TensorSlow's gradient registry, one module per op family.

:data:`CATALOG` lists the entries of :mod:`.math`, :mod:`.logic`,
:mod:`.reductions`, :mod:`.linalg`, :mod:`.nn`, :mod:`.array`,
:mod:`.random` and :mod:`.control`, in that order; the records are in :mod:`.records` and what
they are fed in :mod:`.inputs`.

Each :class:`OpEntry` says, for one op type:

* where it lives: the TensorSlow symbol (relative to ``tensorslow``, e.g.
  ``"nn.relu"``), the ``tf.compat.v1`` symbol, the TF2 symbol and the Keras op
  and layer (``None`` where there is none);
* how to make it: ``build(tf, *float_inputs, *extra_inputs)`` returns the op's
  output node and is written so that it runs unchanged with ``tf`` being
  ``tensorslow`` or ``tensorflow.compat.v1``;
* what to feed it: ``n_float`` float inputs drawn from ``domain`` (one domain
  for all, or one per input) with shapes from ``family`` (the tests draw shapes
  of that family with Hypothesis) or ``examples`` (fixed shapes used by the
  TensorFlow comparison and ``tensorslow-parity ops``), plus ``extras``: fixed
  non-float inputs (indices, labels, conditions) made from the float shapes;
* what to check: ``differentiable`` (must agree with the registry; gradients
  are checked for the float inputs), ``broadcasts`` (whether the float inputs
  broadcast against each other), ``forward_comparable`` (False for random ops,
  whose streams differ from TensorFlow's: only ``sanity`` is checked there).

``variants`` exercise the same op type through other attributes or spellings
(``transpose_a``, ``axis=0``, ``keep_dims``...). ``OpEntry.cases()`` lists the
entry itself and its variants uniformly; :func:`all_cases` every case of the
catalog; :func:`make_inputs` draws a case's inputs.

The catalog depends on NumPy only, so the parity tool and the migration guide
can read it without TensorFlow.
"""
from tensorslow_parity.ops.catalog import (
    array,
    array_extra,
    control,
    conv,
    extras,
    linalg,
    linalg_extra,
    logic,
    math,
    math_extra,
    nn,
    random,
    reductions,
    sequence,
)
from tensorslow_parity.ops.catalog.inputs import (
    DOMAINS,
    SHAPE_FAMILIES,
    Domain,
    Extra,
    make_inputs,
    quotient_away_from_integers,
)
from tensorslow_parity.ops.catalog.records import Case, OpEntry, Variant

CATALOG = [*math.ENTRIES, *logic.ENTRIES, *reductions.ENTRIES, *linalg.ENTRIES, *nn.ENTRIES, *array.ENTRIES,
           *random.ENTRIES, *control.ENTRIES, *conv.ENTRIES,
           *sequence.ENTRIES, *extras.ENTRIES, *math_extra.ENTRIES,
           *array_extra.ENTRIES, *linalg_extra.ENTRIES]
BY_OP_TYPE = {e.op_type: e for e in CATALOG}


def all_cases():
    """Every (entry, variant) case of the catalog."""
    return [c for e in CATALOG for c in e.cases()]


__all__ = ["CATALOG", "BY_OP_TYPE", "DOMAINS", "SHAPE_FAMILIES", "OpEntry", "Variant", "Case", "Extra", "Domain",
           "make_inputs", "all_cases", "quotient_away_from_integers"]
