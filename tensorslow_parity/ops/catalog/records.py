"""The op catalog's records: :class:`OpEntry` (one op type), :class:`Variant` and :class:`Case`.

An entry is written with keyword arguments, e.g.::

    OpEntry(op_type="MatMul", tensorslow="matmul", tf_v1="tf.compat.v1.matmul", tf2="tf.matmul",
            keras_op="keras.ops.matmul", keras_layer=None, build=lambda tf, a, b: tf.matmul(a, b),
            n_float=2, family="matmul", examples=(((2, 3), (3, 4)),), variants=(...))

``OpEntry.cases()`` lists the entry itself and its variants uniformly, as :class:`Case`.
"""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    """The same op type built another way; unset fields are the entry's.

    ``finite_differences=False`` marks a variant fed on purpose where the op is not
    differentiable (ties, kinks): its gradient is compared with TensorFlow's convention
    only, not with finite differences.
    """

    label: str
    build: Callable
    family: str | None = None
    examples: tuple | None = None
    extras: tuple | None = None
    stopped_inputs: tuple | None = None
    domain: object = None
    finite_differences: bool = True


@dataclass(frozen=True)
class Case:
    """One way to build and feed an entry's op (the entry itself or one of its variants)."""

    entry: "OpEntry"
    label: str
    build: Callable
    family: str
    examples: tuple
    extras: tuple
    stopped_inputs: tuple
    domain: object
    finite_differences: bool = True

    @property
    def id(self):
        return self.entry.op_type if self.label == "default" else f"{self.entry.op_type}-{self.label}"

    def domains(self):
        """One DOMAINS name per float input."""
        d = self.domain
        return (d,) * self.entry.n_float if isinstance(d, str) else tuple(d)


@dataclass(frozen=True)
class OpEntry:
    """One op type: where it lives in each framework, how to build and feed it, what to check."""

    op_type: str
    tensorslow: str                 # symbol under `tensorslow`, e.g. "nn.relu"
    tf_v1: str                      # e.g. "tf.compat.v1.nn.relu"
    tf2: str | None              # e.g. "tf.nn.relu"; None if TF2 has no public equivalent
    keras_op: str | None         # e.g. "keras.ops.relu"
    keras_layer: str | None      # e.g. "keras.layers.ReLU"
    build: Callable                 # build(tf, *float inputs, *extras) -> output node
    n_float: int                    # number of float inputs (fed, differentiated)
    family: str                     # shape family of the float inputs (see SHAPE_FAMILIES)
    examples: tuple                 # fixed shape tuples for the float inputs
    domain: object = "real"         # a DOMAINS name, or a tuple with one name per float input
    extras: tuple = ()              # Extra inputs after the floats (indices, labels, conditions)
    broadcasts: bool = False        # float inputs broadcast against each other
    differentiable: bool = True     # has a gradient function (not declared NotDifferentiable)
    forward_comparable: bool = True  # False: values may differ from TF by design (a sanity check instead)
    constraint: Callable | None = None  # predicate on the float inputs; redrawn until true
    stopped_inputs: tuple = ()      # float inputs that deliberately get no gradient (None)
    sanity: Callable | None = None  # property of the output value, for ops not comparable forward
    variants: tuple = ()
    notes: str = ""

    def cases(self):
        """The entry itself (label "default") followed by its variants."""
        out = [Case(self, "default", self.build, self.family, self.examples, self.extras, self.stopped_inputs,
                    self.domain)]
        for v in self.variants:
            out.append(Case(self, v.label, v.build, v.family or self.family,
                            v.examples if v.examples is not None else self.examples,
                            v.extras if v.extras is not None else self.extras,
                            v.stopped_inputs if v.stopped_inputs is not None else self.stopped_inputs,
                            v.domain if v.domain is not None else self.domain, v.finite_differences))
        return out



def at_kinks(build, domain="small_integers", label="at_kinks"):
    """A variant fed on the op's kinks or ties, compared with TF's convention there (no finite differences)."""
    return Variant(label, build, domain=domain, finite_differences=False)

