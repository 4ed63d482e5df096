"""TensorFlow's checkpoint format (V2 tensor bundles), read and written with NumPy and the standard library.

* :mod:`.crc32c`: the checksum of every block and tensor;
* :mod:`.proto`: the two protobuf messages of the index, encoded by hand;
* :mod:`.table`: the sorted string table that is the ``.index`` file;
* :mod:`.bundle`: ``.index`` + ``.data-00000-of-00001``, written atomically, read with checks;
* :mod:`.state`: the ``checkpoint`` file listing a directory's recent checkpoints;
* :mod:`.reader`: ``tf.train.load_checkpoint`` and friends.

``tf.train.Saver`` (:mod:`tensorslow.train.saver`) builds on these.
"""
