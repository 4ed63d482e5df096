"""The zoo's datasets: generated from a seed, or shipped inside scikit-learn. Nothing is downloaded.

Every loader returns a :class:`Dataset` split once, deterministically, into
train and test parts (a seeded permutation, 80/20), with float64 features and
integer class labels. Standardization (zero mean, unit variance per feature)
uses the training part's statistics only, so the test part stays unseen.
"""
from dataclasses import dataclass

import numpy as np

TEST_FRACTION = 0.2


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    x_train: np.ndarray  # (n_train, n_features) float64
    y_train: np.ndarray  # (n_train,) int64 class indices
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int

    @property
    def n_features(self):
        return self.x_train.shape[1]


def _split(name, description, x, y, seed, standardize=False):
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = int(round(TEST_FRACTION * len(x)))
    test, train = order[:n_test], order[n_test:]
    x = np.asarray(x, dtype=np.float64)
    x_train, x_test = x[train], x[test]
    if standardize:
        mean, std = x_train.mean(axis=0), x_train.std(axis=0)
        std[std == 0] = 1.0
        x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    y = np.asarray(y, dtype=np.int64)
    return Dataset(name, description, x_train, y[train], x_test, y[test], int(y.max()) + 1)


def blobs(seed):
    """The course's red and blue points: two Gaussian blobs centred at (-2, -2) and (2, 2), 100 points each."""
    rng = np.random.default_rng(seed)
    red = rng.standard_normal((100, 2)) - 2.0
    blue = rng.standard_normal((100, 2)) + 2.0
    x = np.concatenate([red, blue])
    y = np.array([0] * 100 + [1] * 100)
    return _split("blobs", "two Gaussian blobs (red at (-2,-2), blue at (2,2)), 200 points", x, y, seed)


def xor_clusters(seed):
    """The course's XOR layout: red clusters at (-2,-2) and (2,2), blue at (2,-2) and (-2,2), 50 points each."""
    rng = np.random.default_rng(seed)
    centres = [(-2, -2), (2, 2), (2, -2), (-2, 2)]
    x = np.concatenate([rng.standard_normal((50, 2)) * 0.8 + c for c in centres])
    y = np.array([0] * 100 + [1] * 100)
    return _split("xor_clusters", "four Gaussian clusters in an XOR layout, 200 points", x, y, seed)


def digits(seed):
    """scikit-learn's bundled 8x8 handwritten digits (1797 images, 64 pixels scaled to [0, 1], 10 classes)."""
    from sklearn.datasets import load_digits
    d = load_digits()
    return _split("digits", "scikit-learn's 8x8 digits: 1797 images, pixels / 16, 10 classes",
                  d.data / 16.0, d.target, seed)


def breast_cancer(seed):
    """scikit-learn's bundled Wisconsin breast cancer data (569 samples, 30 features, standardized, 2 classes)."""
    from sklearn.datasets import load_breast_cancer
    d = load_breast_cancer()
    return _split("breast_cancer", "scikit-learn's breast cancer data: 569 samples, 30 standardized features",
                  d.data, d.target, seed, standardize=True)


def iris(seed):
    """scikit-learn's bundled iris data (150 samples, 4 features, standardized, 3 classes)."""
    from sklearn.datasets import load_iris
    d = load_iris()
    return _split("iris", "scikit-learn's iris data: 150 samples, 4 standardized features, 3 classes",
                  d.data, d.target, seed, standardize=True)


LOADERS = {"blobs": blobs, "xor_clusters": xor_clusters, "digits": digits, "breast_cancer": breast_cancer,
           "iris": iris}


def register(name, loader):
    """Add a dataset of your own: ``loader(seed) -> Dataset`` (see :func:`from_arrays`)."""
    LOADERS[name] = loader


def from_arrays(name, x, y, seed, standardize=False, description=""):
    """A :class:`Dataset` from features ``x`` (n, d) and class indices ``y`` (n,), split 80/20 by ``seed``."""
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 2 or y.shape != (len(x),):
        raise ValueError(f"dataset {name!r}: x must be (n, features) and y (n,), got {x.shape} and {y.shape}")
    return _split(name, description or f"{len(x)} samples, {x.shape[1]} features", x, y, seed, standardize)


def load(name, seed):
    try:
        loader = LOADERS[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(LOADERS)}") from None
    return loader(seed)
