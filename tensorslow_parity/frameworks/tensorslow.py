"""TensorSlow: the graph-mode model (:class:`.graph_mode.GraphModel`) built with ``tensorslow``.

This is how the harness builds a TensorSlow model from a zoo spec:
``TensorSlowModel(spec, optimizer, weights, dtype, "cpu")`` (see
:class:`tensorslow_parity.frameworks.base.FrameworkModel` for the arguments).
"""
from tensorslow_parity.frameworks.graph_mode import GraphModel


class TensorSlowModel(GraphModel):
    def module(self):
        import tensorslow
        return tensorslow
