"""The optimizer base class: ``compute_gradients``, ``apply_gradients``, ``minimize``.

``minimize(loss)`` builds ``gradients(loss, var_list)`` and one op that applies
them. Running that op runs the forward pass for the feed given with it, the
backward pass, then the updates: nothing is taken from an earlier run.

A subclass defines ``_slot_specs`` (the per-variable accumulators it needs,
created as non-trainable Variables as in TensorFlow) and ``_apply``, the
update of one variable written with NumPy on this run's values.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..backend import freeze, xp
from ..gradients import gradients
from ..graph import NoValueOp, Tensor, TensorLike
from ..variables import Variable, trainable_variables


class Optimizer:
    """Base class. Subclasses implement ``_apply(value, grad, slots, lr, shared) -> (new value, new slots)``."""

    _slot_specs: tuple[tuple[str, float], ...] = ()  # (slot name, initial fill value)
    _lr: Any  # the learning rate, a number or a node, set by each subclass

    def __init__(self, use_locking: bool = False, name: str = "Optimizer") -> None:
        self._name = name
        self._slots: dict[Variable, dict[str, Variable]] = {}  # var -> {slot name: slot Variable}

    # -- TF1 API -----------------------------------------------------------------------------
    def compute_gradients(self, loss: Tensor, var_list: Iterable[Variable] | None = None, gate_gradients: Any = None,
                          aggregation_method: Any = None, colocate_gradients_with_ops: bool = False,
                          grad_loss: TensorLike | None = None) -> list[tuple[Tensor | None, Variable]]:
        """[(gradient node or None, variable)] for each variable in ``var_list`` (default: trainable)."""
        if not isinstance(loss, Tensor):
            raise TypeError(f"{self._name}: loss must be a graph node, got {loss!r}")
        if var_list is None:
            with loss.graph.as_default():
                var_list = trainable_variables()
        var_list = list(var_list)
        if not var_list:
            raise ValueError(f"{self._name}: no variables to optimize")
        for v in var_list:
            if not isinstance(v, Variable):
                raise TypeError(f"{self._name}: var_list must hold Variables, got {v!r}")
        grads = gradients(loss, var_list, grad_ys=grad_loss)
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Tensor | None, Variable]],
                        global_step: Variable | None = None, name: str | None = None) -> Tensor:
        """One op that updates every variable from its gradient (and increments ``global_step``)."""
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError(f"No gradients provided for any variable: "
                             f"{[v.name for _, v in grads_and_vars]}. Does the loss depend on them?")
        graph = pairs[0][1].graph
        with graph.as_default():
            # TF's order: the shared variables (Adam's beta powers), then each variable's slots
            self._create_shared(pairs[0][1])
            for _, var in pairs:
                self._create_slots(var)
        lr = self._lr if isinstance(getattr(self, "_lr", None), Tensor) else None
        inputs = [g for g, _ in pairs] + ([lr] if lr is not None else [])
        variables = [v for _, v in pairs]
        slots = [[self._slots[v][s] for s, _ in self._slot_specs] for v in variables]
        n = len(pairs)

        apply = self._apply
        cls = type(self)  # hooks a subclass does not override are skipped
        read_shared = self._read_shared if cls._read_shared is not Optimizer._read_shared else None
        after = self._after_apply if cls._after_apply is not Optimizer._after_apply else None
        has_slots = bool(self._slot_specs)

        def compute(state, *values):
            # All new values (variables, slots, shared values, global_step) are computed before any is
            # written, so an update that fails leaves every variable as it was; the session's lock makes
            # the read-modify-write atomic, so threads training one session lose no update.
            rate = values[n] if lr is not None else self._lr
            with state.lock:
                store = state.variables
                shared = read_shared(store) if read_shared is not None else None
                updates = []
                if not has_slots:  # gradient descent: the loop is most of a small model's update time
                    for var, grad in zip(variables, values):  # values[n] (a fed rate) is left out
                        old = store[var]
                        if grad.shape != old.shape:
                            _bad_gradient_shape(var, old, grad)
                        updates.append((var, _frozen_as(apply(old, grad, (), rate, shared)[0], old.dtype)))
                else:
                    for var, var_slots, grad in zip(variables, slots, values):
                        old = store[var]
                        if grad.shape != old.shape:
                            _bad_gradient_shape(var, old, grad)
                        new, new_slots = apply(old, grad, [store[s] for s in var_slots], rate, shared)
                        updates.append((var, _frozen_as(new, old.dtype)))
                        updates.extend((s, _frozen_as(value, old.dtype)) for s, value in zip(var_slots, new_slots))
                if after is not None:
                    updates.extend(after(store))
                if global_step is not None:
                    updates.append((global_step, _frozen(store[global_step] + 1)))
                store.update(updates)
        with graph.as_default():
            op = NoValueOp("ApplyGradients", inputs, compute=compute, attrs={"optimizer": self},
                           name=name or self._name, stateful=True)
        return op

    def minimize(self, loss: Tensor, global_step: Variable | None = None, var_list: Iterable[Variable] | None = None,
                 gate_gradients: Any = None, aggregation_method: Any = None, colocate_gradients_with_ops: bool = False,
                 name: str | None = None, grad_loss: TensorLike | None = None) -> Tensor:
        """``apply_gradients(compute_gradients(loss, var_list), global_step)``"""
        return self.apply_gradients(self.compute_gradients(loss, var_list, grad_loss=grad_loss),
                                    global_step=global_step, name=name)

    def get_slot(self, var: Variable, name: str) -> Variable | None:
        return self._slots.get(var, {}).get(name)

    def get_slot_names(self) -> list[str]:
        return [s for s, _ in self._slot_specs]

    def variables(self) -> list[Variable]:
        return [s for slots in self._slots.values() for s in slots.values()] + self._shared_variables()

    def get_name(self) -> str:
        return self._name

    # -- for subclasses ----------------------------------------------------------------------
    def _create_slots(self, var):
        if var in self._slots:
            return
        self._slots[var] = {}
        for slot_name, fill in self._slot_specs:
            # TF's slot_creator names the k-th slot of w "w/<optimizer name>_k" ("w/Adam", "w/Adam_1") and
            # builds its initial value as get_variable does: "w/Adam/Initializer/zeros"
            suffix = self._name if not self._slots[var] else f"{self._name}_{len(self._slots[var])}"
            # named after the variable, outside any name scope the optimizer is used in (as get_variable)
            with var.graph.name_scope(None):
                initial = _slot_initializer(var, fill) if var.shape.is_fully_defined() else _fill_like(var, fill)
                self._slots[var][slot_name] = Variable(initial, trainable=False, name=f"{var.op_name}/{suffix}",
                                                       dtype=var.dtype)

    def _create_shared(self, first_var):
        """Variables shared by all updated variables (Adam's beta powers)."""

    def _shared_variables(self):
        return []

    def _read_shared(self, store):
        """Values shared by all updates of one step (Adam's beta powers); passed to ``_apply``."""
        return None

    def _after_apply(self, store):
        """The [(variable, new value)] of a step besides the variables and slots (Adam's beta powers);
        written with the rest, after every new value is computed."""
        return []

    def _apply(self, value, grad, slots, lr, shared):
        raise NotImplementedError


def hyper(value, what="learning_rate"):
    """A hyperparameter as TF1 sees it: a Python float becomes a float32 tensor (then cast to the
    variable's dtype), so a float64 model steps with float64(float32(0.1)), not float64(0.1).
    None, a string, a list... are refused with an error naming the argument (TF: "None values not
    supported."), rather than converted silently."""
    if isinstance(value, Tensor):
        if value.shape.ndims not in (None, 0):
            raise ValueError(f"{what} must be a scalar, but {value.name!r} has shape {value.shape}")
        return value
    if value is None:
        raise ValueError(f"{what}: None values not supported (give a number or a scalar Tensor)")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)) \
            and not (isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"):
        raise TypeError(f"{what} must be a number or a scalar Tensor, got {value!r} of type {type(value).__name__}")
    return np.float32(value)


def _frozen(array):
    return freeze(xp.asarray(array))


def _frozen_as(value, dtype):
    """``value`` as a read-only array of ``dtype``. Updates create new arrays and never write into
    old ones, so a value fetched earlier stays as it was."""
    if value.__class__ is not xp.ndarray or value.dtype != dtype:  # 0-d results come back as NumPy scalars
        value = xp.asarray(value, dtype=dtype)
    return freeze(value)


def _bad_gradient_shape(var, old, grad):
    from ..errors import InvalidArgumentError
    raise InvalidArgumentError(var, f"ApplyGradients: var and delta do not have the same shape: variable "
                                    f"{var.op_name!r} has shape {list(old.shape)}, its gradient {list(grad.shape)}")


def _slot_initializer(var, fill):
    """A function of no arguments building the slot's initial value with TF's initializer for ``fill``:
    zeros_initializer, ones_initializer (a Const, or shape/Const/Fill from 1000 elements on) or
    constant_initializer (always a Const)."""
    from ..init_ops import constant_initializer, ones_initializer, zeros_initializer
    init = zeros_initializer() if fill == 0 else ones_initializer() if fill == 1 else constant_initializer(fill)
    dims, dtype = var.shape.as_list(), var.dtype
    return lambda: init(dims, dtype=dtype)


def _fill_like(var, fill):
    from ..ops.array_ops import ones_like, zeros_like
    from ..ops.math_ops import multiply
    return zeros_like(var) if fill == 0 else multiply(ones_like(var), fill)
