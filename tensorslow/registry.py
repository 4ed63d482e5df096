"""The gradient registry: op type -> gradient function.

A gradient function has TensorFlow's signature ``grad_fn(op, grad)`` and returns
one gradient per input of ``op`` (a single value for a one-input op, ``None``
for an input that gets no gradient). TensorSlow computes gradients numerically
during a run, so inside a gradient function:

* ``op.inputs[i]`` is the *value* of input ``i`` in this run (a NumPy array),
* ``op.output`` (also ``op.outputs[0]``) is the op's value in this run,
* ``op.axis``, ``op.transpose_a``... are the op's attributes,
* ``grad`` is dL/d(output), with the output's shape,
* ``op.needs[i]`` is False when input ``i`` needs no gradient (it may return None for it).

The engine sums each returned gradient back to its input's shape if the input
was broadcast (``broadcasting.reduce_to_shape``), so gradient functions never do it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from .graph import Tensor

from .errors import InvalidArgumentError

_gradient_registry: dict[Any, Any] = {}  # op type -> gradient function, or _NOT_DIFFERENTIABLE
_NOT_DIFFERENTIABLE = object()

# The course's lower-case op names, so `RegisterGradient("matmul")` keeps working.
COURSE_OP_TYPES = {
    "add": "AddV2", "matmul": "MatMul", "sigmoid": "Sigmoid", "softmax": "Softmax", "log": "Log",
    "multiply": "Mul", "reduce_sum": "Sum", "negative": "Neg",
}


# A gradient function: grad_fn(op, grad) -> one gradient (or None) per input of op.
GradientFunction: TypeAlias = Callable[..., Any]


def _canonical(op_type):
    if not isinstance(op_type, str):
        raise TypeError(f"op_type must be a string, got {op_type!r}")
    return COURSE_OP_TYPES.get(op_type, op_type)


class RegisterGradient:
    """Decorator registering the gradient function of an op type.

    >>> @RegisterGradient("Cube")
    ... def _cube_grad(op, grad):
    ...     '''d(x^3)/dx = 3 x^2'''
    ...     return grad * 3 * op.inputs[0] ** 2
    """

    def __init__(self, op_type: str) -> None:
        self._op_type = _canonical(op_type)

    def __call__(self, fn: GradientFunction) -> GradientFunction:
        if self._op_type in _gradient_registry:
            raise KeyError(f"Registering two gradient functions for op type {self._op_type!r}")
        _gradient_registry[self._op_type] = fn
        return fn


def NotDifferentiable(op_type: str) -> None:  # noqa: N802  (TensorFlow's name)
    """Declare that ops of ``op_type`` pass no gradient to their inputs (argmax, equal, shape...)."""
    op_type = _canonical(op_type)
    if op_type in _gradient_registry:
        raise KeyError(f"Op type {op_type!r} already has a gradient function")
    _gradient_registry[op_type] = _NOT_DIFFERENTIABLE


NoGradient = NotDifferentiable


def get_gradient_function(node: Tensor) -> GradientFunction | None:
    """The gradient function of ``node``'s type; None if declared not differentiable.

    Raises LookupError, naming the op type, if nothing is registered.
    """
    try:
        fn = _gradient_registry[node.type]
    except KeyError:
        raise LookupError(f"No gradient defined for operation {node.op_name!r} (op type: {node.type}). "
                          f"Register one with @tensorslow.RegisterGradient({node.type!r}).") from None
    return None if fn is _NOT_DIFFERENTIABLE else fn


def registered_op_types(differentiable: bool | None = None) -> list[str]:
    """Op types in the registry; ``differentiable=True/False`` filters by kind."""
    if differentiable is None:
        return sorted(_gradient_registry)
    return sorted(t for t, f in _gradient_registry.items() if (f is not _NOT_DIFFERENTIABLE) == differentiable)


class OpValues:
    """What a gradient function sees as ``op``: the node's attributes plus this run's values.

    ``op.inputs`` and ``op.output`` are values (arrays), ``op.needs[i]`` says whether input i
    needs a gradient, and anything else (``op.axis``, ``op.type``, ``op.name``) is read from the node.
    """

    __slots__ = ("node", "inputs", "output", "needs", "extra")

    def __init__(self, node, inputs, output, needs=None, extra=()):
        self.node = node
        self.inputs = inputs
        self.output = output
        self.needs = tuple(needs) if needs is not None else (True,) * len(inputs)
        self.extra = extra  # the kernel's outputs after the first, if it has any (node.n_outputs > 1)

    @property
    def outputs(self):
        return [self.output, *self.extra]

    @property
    def type(self) -> str:
        return self.node.type

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def attrs(self) -> dict[str, Any]:
        return self.node.attrs

    def get_attr(self, name: str) -> Any:
        return self.node.attrs[name]

    def __getattr__(self, name: str) -> Any:  # the node's attributes (op.axis), then anything the node has
        attrs = self.node.attrs
        return attrs[name] if name in attrs else getattr(self.node, name)


def check_gradient_count(node: Tensor, grads: Any) -> Sequence[Any]:
    """Normalize a gradient function's result to a list with one entry per input."""
    n = len(node.inputs)
    if grads.__class__ is not list and grads.__class__ is not tuple:  # a tuple subclass is one value (as plans read it)
        grads = [grads]
    if len(grads) != n:
        raise InvalidArgumentError(
            node, f"Gradient function for {node.op_name!r} (op type {node.type}) returned "
                  f"{len(grads)} gradients but the op has {n} inputs")
    return grads
