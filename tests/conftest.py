"""Fixtures shared by the test suite."""
import os

import pytest
from hypothesis import settings

# CI draws the same examples on every run (a run that passed here passes there); a plain
# `make test` draws new ones each time, so local runs keep exploring.
settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def tensorflow():
    """The ``tensorflow`` module, imported once (slowly) per test process."""
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    from tensorslow_parity import quiet_tf
    quiet_tf.install()  # C++, absl and Python logging silenced before the import
    import tensorflow
    return tensorflow


@pytest.fixture
def tf1(tensorflow):
    """``tensorflow.compat.v1`` in graph mode, the reference TensorSlow is compared with.

    The test runs inside a fresh ``tf.Graph()`` rather than with eager execution
    disabled for the whole process, so TF2 and Keras code (the harness, the
    migration guide's code blocks) can run in the same test process.
    """
    with tensorflow.Graph().as_default():
        yield tensorflow.compat.v1


@pytest.fixture
def register_gradient():
    """``register_gradient(op_type)(fn)``: a gradient for a test's own op type, removed after the
    test (the registry is global, and the catalog test checks every registered type)."""
    from tensorslow import RegisterGradient, registry
    added = []

    def register(op_type):
        def decorate(fn):
            RegisterGradient(op_type)(fn)
            added.append(op_type)
            return fn
        return decorate
    yield register
    for op_type in added:
        registry._gradient_registry.pop(op_type, None)


@pytest.fixture
def script(tmp_path):
    """The course's tour program (tests/migrate_fixtures/course_tour.py), translatable, alone in a fresh folder."""
    import shutil
    from pathlib import Path
    path = tmp_path / "tour.py"
    shutil.copy(Path(__file__).resolve().parent / "migrate_fixtures" / "course_tour.py", path)
    return path
