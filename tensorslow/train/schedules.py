"""Learning-rate schedules of ``tf.train`` (the global step is made in ``training_util.py``).

Each one is a small graph computed from the global step at every run, with TF1's formulas (``t`` is the
step, cast to the learning rate's dtype; ``floor`` applies with ``staircase=True``)::

    exponential_decay   lr * rate ** (t / steps)
    natural_exp_decay   lr * exp(-rate) ** (t / steps)             (TF computes exp(-rate) first)
    inverse_time_decay  lr / (1 + rate * t / steps)
    polynomial_decay    (lr - end) * (1 - min(t, steps) / steps) ** power + end
    piecewise_constant  values[i] for boundaries[i-1] < t <= boundaries[i]   (a tf.case, as TF builds it)
    cosine_decay        lr * ((1 - alpha) * (1 + cos(pi p)) / 2 + alpha),  p = min(t, steps) / steps
    cosine_decay_restarts  the same over periods of first_decay_steps, each t_mul times longer and m_mul
                        times lower than the last (SGDR); the period is found in a tf.cond on t_mul == 1
    linear_cosine_decay lr * ((alpha + 1 - p) * (1 + cos(2 pi num_periods p)) / 2 + beta)

``learning_rate`` may be a Python number or a tensor (a schedule of a schedule: a piecewise rate that
also decays). Without a global step they raise TF's ValueError.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from ..graph import Tensor, TensorLike, name_scope

# tf.compat.v1's cosine schedules are Keras's (CosineDecay, ...) called with the global step: their graphs,
# made here op for op, have pi as a float32 constant (so a float64 learning rate fails, as in TF) and
# cast each hyperparameter to the learning rate's dtype.


def _cast(value, dtype):
    """TF's ``math_ops.cast``, op for op: a tensor already of ``dtype`` is itself (no op); a Python number
    becomes the constant ``Cast/x`` (int32 or float32, as TF infers it), followed by a ``Cast`` op only
    where that is not already ``dtype``."""
    from ..ops import math_ops
    from ..ops.core import convert_to_tensor
    if isinstance(value, Tensor):
        return value if value.dtype == dtype else math_ops.cast(value, dtype)
    with name_scope(None, "Cast") as scope:
        x = convert_to_tensor(value, name="x")
        return x if x.dtype == dtype else math_ops.cast(x, dtype, name=scope)


def _initial_rate(learning_rate, global_step, what):
    """The learning rate as a tensor (a Python number becomes the constant ``initial_learning_rate``)."""
    from ..ops.core import convert_to_tensor
    if global_step is None:
        raise ValueError(f"global_step is required for {what}.")
    return learning_rate if isinstance(learning_rate, Tensor) else \
        convert_to_tensor(learning_rate, name="initial_learning_rate")


def _progress(step, steps, staircase):
    """p = t / decay_steps, floored if ``staircase``."""
    from ..ops import math_ops
    p = math_ops.truediv(step, steps)
    return math_ops.floor(p) if staircase else p


def exponential_decay(learning_rate: TensorLike, global_step: TensorLike, decay_steps: float, decay_rate: TensorLike,
                      staircase: bool = False, name: str | None = None) -> Tensor:
    """lr * decay_rate ^ (global_step / decay_steps), the exponent floored if ``staircase``."""
    from ..ops import math_ops
    with name_scope(name, "ExponentialDecay") as scope:
        lr = _initial_rate(learning_rate, global_step, "exponential_decay")
        dtype = lr.dtype
        steps, rate = _cast(decay_steps, dtype), _cast(decay_rate, dtype)  # in TF's order: steps, rate, step
        p = _progress(_cast(global_step, dtype), steps, staircase)
        return math_ops.multiply(lr, math_ops.pow(rate, p), name=scope)


def natural_exp_decay(learning_rate: TensorLike, global_step: TensorLike, decay_steps: float, decay_rate: float,
                      staircase: bool = False, name: str | None = None) -> Tensor:
    """lr * exp(-decay_rate * global_step / decay_steps), computed as TF does: exponential_decay with the
    rate exp(-decay_rate), made before (outside) its scope."""
    from ..ops import math_ops
    if global_step is None:
        raise ValueError("global_step is required for natural_exp_decay.")
    natural_rate = math_ops.exp(math_ops.negative(decay_rate))
    return exponential_decay(learning_rate, global_step, decay_steps, natural_rate, staircase,
                             name=name or "ExponentialDecay")


def inverse_time_decay(learning_rate: TensorLike, global_step: TensorLike, decay_steps: float, decay_rate: float,
                       staircase: bool = False, name: str | None = None) -> Tensor:
    """lr / (1 + decay_rate * global_step / decay_steps), the quotient floored if ``staircase``."""
    from ..ops import math_ops
    from ..ops.core import convert_to_tensor
    with name_scope(name, "InverseTimeDecay") as scope:
        lr = _initial_rate(learning_rate, global_step, "inverse_time_decay")
        dtype = lr.dtype
        steps, rate = _cast(decay_steps, dtype), _cast(decay_rate, dtype)
        p = _progress(_cast(global_step, dtype), steps, staircase)
        one = _cast(convert_to_tensor(1), dtype)  # TF: an int32 Const, then cast
        denominator = math_ops.add(one, math_ops.multiply(rate, p))
        return math_ops.divide(lr, denominator, name=scope)


def polynomial_decay(learning_rate: TensorLike, global_step: TensorLike, decay_steps: float,
                     end_learning_rate: float = 0.0001, power: float = 1.0, cycle: bool = False,
                     name: str | None = None) -> Tensor:
    """(lr - end) * (1 - t / decay_steps) ^ power + end, with t = min(global_step, decay_steps); with
    ``cycle`` the decay restarts: decay_steps grows to the first multiple of itself above the step."""
    from ..ops import math_ops
    from ..ops.core import convert_to_tensor
    from ..ops.indexing_ops import where_v2
    with name_scope(name, "PolynomialDecay") as scope:
        lr = _initial_rate(learning_rate, global_step, "polynomial_decay")
        dtype = lr.dtype
        end, power_t = _cast(end_learning_rate, dtype), _cast(power, dtype)
        step = _cast(global_step, dtype)
        steps = _cast(decay_steps, dtype)
        if cycle:
            at_start, periods = math_ops.equal(step, 0), math_ops.ceil(step / decay_steps)
            with name_scope("SelectV2") as select:  # TF's where_v2 names its literal 1.0 "SelectV2/t"
                one = convert_to_tensor(1.0, dtype=dtype, name="t")
                multiplier = where_v2(at_start, one, periods, name=select)
            steps = math_ops.multiply(steps, multiplier)
        else:
            step = math_ops.minimum(step, steps)
        p = math_ops.divide(step, steps)
        return math_ops.add(math_ops.multiply(lr - end, math_ops.pow(1 - p, power_t)), end, name=scope)


def _returning(value: Tensor) -> Callable[[], Tensor]:
    """A branch function of tf.case that gives ``value``."""
    return lambda: value


def piecewise_constant(x: TensorLike, boundaries: Sequence[Any], values: Sequence[Any],
                       name: str | None = None) -> Tensor:
    """values[0] while x <= boundaries[0], values[i] while boundaries[i-1] < x <= boundaries[i], and
    values[-1] once x > boundaries[-1]: a ``tf.case`` over those exclusive predicates, as in TF."""
    from ..ops import math_ops
    from ..ops.control_flow_ops import case
    from ..ops.core import convert_to_tensor
    if len(boundaries) != len(values) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    bounds = [b if isinstance(b, Tensor) else convert_to_tensor(b) for b in boundaries]
    levels = [v if isinstance(v, Tensor) else convert_to_tensor(v) for v in values]
    if len({v.dtype for v in levels}) > 1:
        raise ValueError(f"Values must have elements all with the same dtype ({sorted(str(v.dtype) for v in levels)})")
    step = convert_to_tensor(x)
    for i, b in enumerate(bounds):
        if b.dtype != step.dtype:
            if not (b.dtype == _dtypes.int32 and step.dtype == _dtypes.int64):
                raise ValueError(f"Boundaries ({b.dtype!r}) must have the same dtype as x ({step.dtype!r}).")
            bounds[i] = math_ops.cast(b, step.dtype)  # int boundaries for an int64 global step
    with name_scope(name, "PiecewiseConstant"):
        pairs = [(math_ops.less_equal(step, bounds[0]), _returning(levels[0])),
                 (math_ops.greater(step, bounds[-1]), _returning(levels[-1]))]
        for low, high, v in zip(bounds[:-1], bounds[1:], levels[1:-1]):
            # TF writes (x > low) & (x <= high): the & operator names its LogicalAnd "and"
            pred = math_ops.logical_and(math_ops.greater(step, low), math_ops.less_equal(step, high), name="and")
            pairs.append((pred, _returning(v)))
        return case(pairs, _returning(levels[0]), exclusive=True)


def _pi():
    """pi as TF's schedules make it: a float32 constant."""
    from ..ops.core import convert_to_tensor
    return convert_to_tensor(np.float32(math.pi), name="Const")


def cosine_decay(learning_rate: TensorLike, global_step: TensorLike, decay_steps: float, alpha: float = 0.0,
                 name: str | None = None) -> Tensor:
    """lr * ((1 - alpha) * 0.5 (1 + cos(pi min(t, decay_steps) / decay_steps)) + alpha): from lr down to
    alpha * lr over decay_steps steps, then constant (Loshchilov and Hutter's SGDR without restarts)."""
    from ..ops import math_ops
    from ..ops.math_extra_ops import cos
    with name_scope(name, "CosineDecay"):
        lr = _initial_rate(learning_rate, global_step, "cosine_decay")
        dtype = lr.dtype
        steps = _cast(decay_steps, dtype)
        step = math_ops.minimum(math_ops.cast(global_step, dtype), steps)
        fraction = step / steps
        decayed = 0.5 * (1.0 + cos(_pi() * fraction))
        return math_ops.multiply(lr, (1 - alpha) * decayed + alpha)


def cosine_decay_restarts(learning_rate: TensorLike, global_step: TensorLike, first_decay_steps: float,
                          t_mul: float = 2.0, m_mul: float = 1.0, alpha: float = 0.0,
                          name: str | None = None) -> Tensor:
    """Cosine decay with warm restarts (SGDR): period i lasts first_decay_steps * t_mul^i steps and starts at
    lr * m_mul^i; within it the rate falls as cosine_decay's, to alpha times the period's start."""
    from ..ops import math_ops
    from ..ops.control_flow_ops import cond
    from ..ops.math_extra_ops import cos
    with name_scope(name, "SGDRDecay") as scope:
        lr = _initial_rate(learning_rate, global_step, "cosine_decay_restarts")
        dtype = lr.dtype
        first_steps, alpha_t = _cast(first_decay_steps, dtype), _cast(alpha, dtype)
        t_mul_t, m_mul_t = _cast(t_mul, dtype), _cast(m_mul, dtype)
        fraction = math_ops.cast(global_step, dtype) / first_steps

        def equal_periods():
            i_restart = math_ops.floor(fraction)
            return i_restart, fraction - i_restart

        def growing_periods():
            # period i starts after first_steps (1 + t + ... + t^(i-1)) = first_steps (1 - t^i) / (1 - t) steps
            i_restart = math_ops.floor(math_ops.log(1.0 - fraction * (1.0 - t_mul_t)) / math_ops.log(t_mul_t))
            done = (1.0 - t_mul_t ** i_restart) / (1.0 - t_mul_t)
            return i_restart, (fraction - done) / t_mul_t ** i_restart

        i_restart, within = cond(math_ops.equal(t_mul_t, 1.0), equal_periods, growing_periods)
        decayed = 0.5 * m_mul_t ** i_restart * (1.0 + cos(_pi() * within))
        return math_ops.multiply(lr, (1 - alpha_t) * decayed + alpha_t, name=scope)


def linear_cosine_decay(learning_rate: TensorLike, global_step: TensorLike, decay_steps: float,
                        num_periods: float = 0.5, alpha: float = 0.0, beta: float = 0.001,
                        name: str | None = None) -> Tensor:
    """lr * ((alpha + (decay_steps - t) / decay_steps) * 0.5 (1 + cos(2 pi num_periods t / decay_steps)) + beta),
    t = min(global_step, decay_steps): a cosine of num_periods periods under a linear decay (Bello et al. 2017)."""
    from ..ops import math_ops
    from ..ops.math_extra_ops import cos
    with name_scope(name, "LinearCosineDecay") as scope:
        lr = _initial_rate(learning_rate, global_step, "linear_cosine_decay")
        dtype = lr.dtype
        steps = _cast(decay_steps, dtype)
        periods, alpha_t, beta_t = _cast(num_periods, dtype), _cast(alpha, dtype), _cast(beta, dtype)
        step = math_ops.minimum(math_ops.cast(global_step, dtype), steps)
        linear = (steps - step) / steps
        completed = step / steps
        fraction = 2.0 * periods * completed
        decayed = 0.5 * (1.0 + cos(_pi() * fraction))
        return math_ops.multiply(lr, (alpha_t + linear) * decayed + beta_t, name=scope)
