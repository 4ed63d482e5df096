"""Fixtures shared by the test suite."""
import os

import pytest


@pytest.fixture(scope="session")
def tf1():
    """``tensorflow.compat.v1`` in graph mode, the reference TensorSlow is compared with."""
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import tensorflow
    tensorflow.compat.v1.disable_eager_execution()
    return tensorflow.compat.v1
