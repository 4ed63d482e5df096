"""``tf.train.ExponentialMovingAverage``: shadow copies of variables (or tensors) that trail their values.

Each ``apply`` run moves every shadow a step towards its variable::

    shadow -= (1 - decay) * (shadow - variable)        (= decay * shadow + (1 - decay) * variable)

With ``num_updates`` (usually the global step) the decay starts low so early averages follow the
variable closely: ``decay = min(decay, (1 + num_updates) / (10 + num_updates))``.

A variable's shadow is a non-trainable global variable ``<variable>/<name>`` (``dense/kernel/
ExponentialMovingAverage``) that starts at the variable's value if the session has one, else at its initial
value (TF's ``cond(is_variable_initialized(var), var.read_value, lambda: var.initial_value)``, guarded again
by the shadow's initializer: ``tensorslow/initial_value_guard.py``); the variable joins the
``MOVING_AVERAGE_VARIABLES`` collection. A tensor's shadow (a loss, say) starts at zero; with
``zero_debias=True`` it is debiased, as in TensorFlow: a ``<shadow>/biased`` accumulator and a
``<shadow>/local_step`` counter give ``shadow = biased / (1 - decay ** steps)``, so the first averages
are not pulled towards zero (variables' shadows never are: they start at the variable's value).
Evaluation code reads the averages with ``average(var)``, or restores them into the variables with
``Saver(ema.variables_to_restore())``.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import dtypes as _dtypes
from ..graph import Tensor, TensorLike, get_default_graph, name_scope
from ..variables import GraphKeys, Variable


def assign_moving_average(variable: Variable, value: TensorLike, decay: TensorLike, zero_debias: bool = True,
                          name: str | None = None) -> Tensor:
    """variable -= (variable - value) * (1 - decay); debiased (see the module docstring) if ``zero_debias``.

    Built as TF builds it, with Python's operators (``sub/x``, ``sub``, ``sub_1``, ``mul``: TF's op names)."""
    from ..ops import math_ops
    from ..ops.core import convert_to_tensor
    from ..variables import assign_sub
    with name_scope(name, "AssignMovingAvg") as scope:
        one_minus_decay = 1.0 - decay if isinstance(decay, Tensor) \
            else convert_to_tensor(1.0 - float(decay), name="decay")  # type: ignore[arg-type]
        if one_minus_decay.dtype != variable.dtype:
            one_minus_decay = math_ops.cast(one_minus_decay, variable.dtype)
        if zero_debias:
            return _zero_debias_update(variable, value, one_minus_decay, scope)
        return assign_sub(variable, (variable - value) * one_minus_decay, name=scope)


def _zero_debias_update(unbiased, value, one_minus_decay, scope):
    """biased -= (biased - value) * (1 - decay); steps += 1; unbiased = biased / (1 - decay ** steps).

    TF's ops and names: the ``biased`` and ``local_step`` variables under ``<shadow>/``, the arithmetic in
    the ``AssignMovingAvg`` scope (``sub_1``, ``mul``, ``AssignSub``, ``AssignAdd``, ``sub_2``, ``Pow``,
    ``sub_3``, ``truediv``) and the last assignment named as the scope."""
    from ..graph import name_scope
    from ..init_ops import zeros_initializer
    from ..ops import math_ops
    from ..ops.core import convert_to_tensor
    from ..variable_scope import get_variable, variable_scope
    from ..variables import assign, assign_add, assign_sub
    with variable_scope(unbiased.op_name):
        biased = get_variable("biased", unbiased.shape, dtype=unbiased.dtype, initializer=zeros_initializer(),
                              trainable=False)
        local_step = get_variable("local_step", [], dtype=unbiased.dtype, initializer=zeros_initializer(),
                                  trainable=False)
    update_biased = assign_sub(biased, (biased - value) * one_minus_decay)
    with name_scope(None, "AssignAdd") as add:  # TF converts the 1 inside the op's scope: AssignAdd/value
        update_local_step = assign_add(local_step, convert_to_tensor(1, dtype=local_step.dtype, name="value"),
                                       name=add)
    bias_factor = 1 - math_ops.pow(1.0 - one_minus_decay, update_local_step)
    return assign(unbiased, update_biased / bias_factor, name=scope)


class ExponentialMovingAverage:
    """Moving averages of variables and tensors; see the module docstring for the update rule."""

    def __init__(self, decay: float, num_updates: TensorLike | None = None, zero_debias: bool = False,
                 name: str = "ExponentialMovingAverage") -> None:
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages: dict[Any, Variable] = {}

    @property
    def name(self) -> str:
        return self._name

    def apply(self, var_list: Iterable[Any] | None = None) -> Tensor:
        """Create the shadows of ``var_list`` (default: the trainable variables) if needed, and return the
        op that updates them all once."""
        from ..ops import math_ops
        from ..ops.core import convert_to_tensor
        from ..variables import group, trainable_variables
        var_list = list(trainable_variables() if var_list is None else var_list)
        for var in var_list:
            if var.dtype not in (_dtypes.float16, _dtypes.float32, _dtypes.float64):
                raise TypeError(f"The variables must be half, float, or double: {var.name}")
            if var not in self._averages:  # a second apply() updates the same shadow
                self._averages[var] = self._make_shadow(var)
        with name_scope(self._name) as scope:
            decay = convert_to_tensor(self._decay, dtype=_dtypes.float32, name="decay")
            if self._num_updates is not None:
                num_updates = math_ops.cast(self._num_updates, _dtypes.float32, name="num_updates")
                decay = math_ops.minimum(decay, (1.0 + num_updates) / (10.0 + num_updates))
            updates = [assign_moving_average(self._averages[var], var, decay,
                                             zero_debias=self._zero_debias and not isinstance(var, Variable))
                       for var in var_list]
            return group(*updates, name=scope)

    def _make_shadow(self, var):
        """The shadow variable of ``var``: its initial value for a variable, zeros for a tensor."""
        from ..ops.array_ops import zeros
        from ..variable_scope import get_variable_scope
        graph = get_default_graph()
        prefix = get_variable_scope().name
        # TF: cond(is_variable_initialized(var), var.read_value, lambda: var.initial_value), in the current
        # name scope (IsVariableInitialized, cond/...); the shadow's initializer guards it again (variables.py)
        initial = var.initialized_value() if isinstance(var, Variable) else None
        with graph.name_scope(None):
            full = f"{prefix}/{self.average_name(var)}" if prefix else self.average_name(var)
            if initial is not None:
                shadow = Variable(initial, trainable=False, name=full)
                graph.add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
            else:
                if not var.shape.is_fully_defined():
                    raise ValueError(f"Shape of {var.name!r} must be fully defined to average it: {var.shape}")
                shadow = Variable(lambda: zeros(var.shape.as_list(), var.dtype), trainable=False, name=full)
        return shadow

    def average(self, var: Any) -> Variable | None:
        """The shadow of ``var`` (None if ``apply`` has not seen it)."""
        return self._averages.get(var)

    def average_name(self, var: Any) -> str:
        """``<var's op name>/<this average's name>``: the shadow's name in checkpoints."""
        return f"{var.op_name}/{self._name}"

    def variables_to_restore(self, moving_avg_variables: Iterable[Variable] | None = None) -> dict[str, Variable]:
        """{checkpoint name: variable}: each averaged variable restored from its shadow's saved value,
        every other global variable from its own."""
        from ..variables import global_variables, trainable_variables
        if moving_avg_variables is None:
            moving_avg_variables = trainable_variables() + moving_average_variables()
        averaged = list(dict.fromkeys(moving_avg_variables))
        names = {self.average_name(v): v for v in averaged}
        averaged_names = {v.name for v in averaged}
        for v in global_variables():
            if v.name not in averaged_names and v.op_name not in names:
                names[v.op_name] = v
        return names


def moving_average_variables(scope: str | None = None) -> list[Variable]:
    """The variables some ExponentialMovingAverage averages (collection MOVING_AVERAGE_VARIABLES)."""
    return get_default_graph().get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)
