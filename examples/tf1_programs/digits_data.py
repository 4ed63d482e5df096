"""Handwritten digits shaped like MNIST, with no download.

scikit-learn ships 1,797 8x8 digits. Each is scaled up 3x (24x24), padded to
28x28 and flattened to 784 floats in [0, 1], so the programs here use MNIST's
shapes. ``read_data_sets`` mimics the old ``input_data.read_data_sets``:
``train``/``validation``/``test`` sets with ``images``, ``labels`` and
``next_batch``. Batches come in a fixed order (no shuffling), so TensorFlow
and TensorSlow see the same numbers.
"""
from types import SimpleNamespace

import numpy as np
from sklearn.datasets import load_digits


class DataSet:
    """Images and labels with ``next_batch(n)``: consecutive slices, wrapping around at the end."""

    def __init__(self, images, labels):
        self.images, self.labels = images, labels
        self.num_examples = len(images)
        self._position = 0

    def next_batch(self, batch_size):
        take = np.arange(self._position, self._position + batch_size) % self.num_examples
        self._position = (self._position + batch_size) % self.num_examples
        return self.images[take], self.labels[take]


def load_images(dtype=np.float32):
    """(images [1797, 784] in [0, 1], labels [1797] as ints), in a fixed shuffled order."""
    digits = load_digits()
    big = np.kron(digits.images, np.ones((3, 3))) / 16.0           # [n, 24, 24]
    big = np.pad(big, ((0, 0), (2, 2), (2, 2)))                     # [n, 28, 28]
    order = np.random.RandomState(0).permutation(len(big))
    return big.reshape(-1, 784)[order].astype(dtype), digits.target[order]


def read_data_sets(one_hot=False, validation_size=197, test_size=300, dtype=np.float32):
    images, labels = load_images(dtype)
    if one_hot:
        labels = np.eye(10, dtype=dtype)[labels]
    n_train = len(images) - validation_size - test_size
    cuts = [0, n_train, n_train + validation_size, len(images)]
    sets = [DataSet(images[a:b], labels[a:b]) for a, b in zip(cuts[:-1], cuts[1:])]
    return SimpleNamespace(train=sets[0], validation=sets[1], test=sets[2])
