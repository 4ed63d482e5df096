"""One entry of the translator's symbol table (:mod:`.symbols`): a TensorSlow name's TF1 and TF2 names."""
from dataclasses import dataclass

#: kinds of symbol the translator treats specially
OP, API, NAMESPACE, DTYPE, OPTIMIZER, CUSTOM_OP, STRUCTURAL = (
    "op", "api", "namespace", "dtype", "optimizer", "custom_op", "structural")

#: reasons that both tables of symbols give
NO_GRAPH = "TF2 runs eagerly: there is no graph to build"
GLOBAL_STEP = "TF1 global steps and schedules; use keras.optimizers.schedules (a Keras optimizer counts iterations)"


@dataclass(frozen=True)
class Symbol:
    """One TensorSlow symbol: its TF1 and TF2 names (``None``: no counterpart, see ``why_*``)."""

    tf1: str | None
    tf2: str | None
    kind: str = API
    why_not_tf1: str = ""
    why_not_tf2: str = ""
