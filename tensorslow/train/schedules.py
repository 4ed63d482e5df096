"""Learning-rate schedules (the global step is made in ``training_util.py``)."""
from __future__ import annotations

from .. import dtypes
from ..graph import Tensor, TensorLike


def exponential_decay(learning_rate: float, global_step: TensorLike, decay_steps: float, decay_rate: float,
                      staircase: bool = False, name: str | None = None) -> Tensor:
    """lr * decay_rate ^ (global_step / decay_steps), floored if ``staircase``."""
    from ..ops import math_ops
    step = math_ops.cast(global_step, dtypes.float32)
    p = math_ops.divide(step, float(decay_steps))
    if staircase:
        p = math_ops.floor(p)
    return math_ops.multiply(float(learning_rate), math_ops.pow(float(decay_rate), p), name=name)
