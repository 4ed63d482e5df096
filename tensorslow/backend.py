"""The array-module seam.

Every kernel in TensorSlow calls array functions through ``xp`` rather than
importing NumPy itself, so that a GPU array module with NumPy's interface
(CuPy) can later run the same graphs without touching any op's math.
"""
import numpy

xp = numpy


def to_host(value):
    """Return ``value`` as a NumPy array (identity for the NumPy backend)."""
    return numpy.asarray(value)
