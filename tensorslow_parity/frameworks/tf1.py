"""``tf.compat.v1``: the graph-mode model (:class:`.graph_mode.GraphModel`) in its own ``tf.Graph()``,
placed on the cell's device."""
from tensorslow_parity.devices import tf_device_name
from tensorslow_parity.frameworks.graph_mode import GraphModel


class TF1Model(GraphModel):
    def module(self):
        import tensorflow
        return tensorflow.compat.v1

    def lstm_cell(self, tf, units, initializer):
        """TF1's own ``LSTMCell``: ``tf.compat.v1.nn.rnn_cell`` routes to it only when ``TF_USE_LEGACY_KERAS=1``
        is set before TensorFlow is imported (with Keras 3 it raises), so it is taken from ``tf_keras``'s
        legacy cells, where it lives."""
        import importlib
        import warnings
        with warnings.catch_warnings():  # its deprecation notice: TF1's cell is the point here
            warnings.simplefilter("ignore", UserWarning)
            legacy_cells = importlib.import_module("tf_keras.src.layers.rnn.legacy_cells")
            return legacy_cells.LSTMCell(units, initializer=initializer)

    def device_scope(self, tf):
        return tf.device(tf_device_name(self.device))
