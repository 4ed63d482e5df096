"""``tf.debugging``: numeric checks that name the op where NaN or Inf first appears."""
from .backend import xp
from .errors import InvalidArgumentError
from .graph import Tensor
from .ops.core import as_nodes
from .registry import RegisterGradient
from .session import disable_check_numerics, enable_check_numerics  # noqa: F401


def check_numerics(tensor, message, name=None):
    """y = x, but a run fails (naming this op and ``message``) if x holds NaN or Inf."""
    (x,) = as_nodes([tensor])
    node = None

    def compute(value):
        if not xp.all(xp.isfinite(value)):
            kind = "NaN" if xp.isnan(value).any() else "Inf"
            raise InvalidArgumentError(node, f"{message} : Tensor {x.name!r} had {kind} values "
                                             f"(check_numerics op {node.op_name!r})")
        return value
    node = Tensor("CheckNumerics", (x,), compute=compute, attrs={"message": message}, dtype=x.dtype,
                  shape=x.shape, name=name or "CheckNumerics")
    return node


@RegisterGradient("CheckNumerics")
def _check_numerics_grad(op, grad):
    """dy/dx = 1 (the check passes values through)"""
    return grad


def add_check_numerics_ops():
    """TF1's way to check every op: here it turns on checking for all runs."""
    enable_check_numerics()
    from .variables import no_op
    return no_op(name="check_numerics")

# The public API: what `tensorslow.debugging` offers (imports used to build it are not part of it).
__all__ = ["check_numerics", "disable_check_numerics", "enable_check_numerics"]
