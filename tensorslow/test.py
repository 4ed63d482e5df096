"""``tf.test``: the device queries TF1 programs make (TensorSlow runs on the CPU with NumPy)."""
from __future__ import annotations

from typing import Any


def is_gpu_available(cuda_only: bool = False, min_cuda_compute_capability: Any = None) -> bool:
    """False: TensorSlow runs no op on a GPU."""
    return False


def gpu_device_name() -> str:
    """``""``: there is no GPU device (TF's answer on a machine without one)."""
    return ""


def is_built_with_cuda() -> bool:
    return False

# The public API: what `tensorslow.test` offers (imports used to build it are not part of it).
__all__ = ["gpu_device_name", "is_built_with_cuda", "is_gpu_available"]
