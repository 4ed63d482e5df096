"""``tf.compat.v1``: the graph-mode model (:class:`.graph_mode.GraphModel`) in its own ``tf.Graph()``,
placed on the cell's device."""
from tensorslow_parity.devices import tf_device_name
from tensorslow_parity.frameworks.graph_mode import GraphModel


class TF1Model(GraphModel):
    def module(self):
        import tensorflow
        return tensorflow.compat.v1

    def device_scope(self, tf):
        return tf.device(tf_device_name(self.device))
