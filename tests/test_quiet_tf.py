"""Quiet TensorFlow: its log lines are recognised and dropped, everything else passes through; a process
that imports TensorFlow after ``install()``, and ``tensorslow-parity bench`` with a TensorFlow worker, print
no TensorFlow log line."""
import logging
import os
import subprocess
import sys

import pytest

from tensorslow_parity import quiet_tf

NOISE = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796175001.318981   21663 port.cc:153] oneDNN custom operations are on.",
    "I0000 00:00:1796175001.319948   21663 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU "
    "will not be used.",
    "E0000 00:00:1796175005.480846   21663 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error",
    "W0312 10:14:02.123456  4242 remapper.cc:123] Not handling type DT_DOUBLE",
    "2026-12-02 01:00:00.000000: I tensorflow/core/grappler/optimizers/remapper.cc:1] Not handling type DT_DOUBLE",
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the "
    "appropriate compiler flags.",
]
KEPT = [
    "F0000 00:00:1796175005.480846   21663 check.cc:1] Check failed: shape mismatch",  # why a crash happened
    "Traceback (most recent call last):",
    '  File "program.py", line 3, in <module>',
    "ValueError: bad input",
    "step 10 loss 0.25",
    "",
]


def test_noise_lines_are_dropped_and_the_rest_passes_through_unchanged():
    assert all(quiet_tf.is_noise(line) for line in NOISE)
    assert not any(quiet_tf.is_noise(line) for line in KEPT)
    mixed = "\n".join(NOISE[:2] + KEPT[:4] + NOISE[2:] + KEPT[4:]) + "\n"
    assert quiet_tf.filter_stderr(mixed) == "\n".join(KEPT[:4] + KEPT[4:]) + "\n"
    assert quiet_tf.filter_stderr("no newline at the end") == "no newline at the end"
    assert quiet_tf.filter_stderr("") == "" and quiet_tf.filter_stderr(None) is None


def test_filtered_fd_drops_noise_written_straight_to_the_descriptor(capfd):
    with quiet_tf.filtered_fd(2):
        os.write(2, ("\n".join(NOISE[:3]) + "\nkept line\n" + "\n".join(NOISE[3:]) + "\n").encode())
        os.write(2, b"the last words\n")
    assert capfd.readouterr().err == "kept line\nthe last words\n"


def test_install_sets_the_environment_loggers_and_import_hook(monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.setenv("GRPC_VERBOSITY", "DEBUG")  # a value the user set is kept
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    quiet_tf.install()
    quiet_tf.install()  # idempotent
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3" and os.environ["GRPC_VERBOSITY"] == "DEBUG"
    assert logging.getLogger("tensorflow").level == logging.ERROR
    hooks = [f for f in sys.meta_path if isinstance(f, quiet_tf._QuietImport)]
    assert len(hooks) == (0 if "tensorflow" in sys.modules else 1)
    assert hooks == [] or hooks[0].find_spec("numpy") is None
    assert quiet_tf.environment({"PATH": "/bin"}) == {"PATH": "/bin", **quiet_tf.ENVIRONMENT}


def _run(code, **env):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"} | env
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)


TF1_FLOAT64_STEP = """
from tensorslow_parity import quiet_tf
quiet_tf.install()
import numpy as np
import tensorflow.compat.v1 as tf
with tf.Graph().as_default():
    x = tf.placeholder(tf.float64, [None, 2])
    w = tf.Variable(tf.ones([2, 2], tf.float64))
    loss = tf.reduce_mean(tf.nn.sigmoid(tf.matmul(x, w)))
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        print(round(float(session.run([step, loss], {x: np.ones((4, 2))})[1]), 6))
"""


@pytest.mark.slow
def test_a_process_that_installs_it_prints_no_tensorflow_line():
    done = _run(TF1_FLOAT64_STEP)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "0.880797\n"
    assert done.stderr == "", done.stderr


@pytest.mark.slow
def test_bench_with_tensorflow_workers_shows_no_tensorflow_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tensorslow_parity", "bench", "--quick", "--sweeps", "model",
                           "--frameworks", "numpy,tf1", "--dtypes", "float64", "--devices", "cpu", "--repeats",
                           "2", "--retries", "0", "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=300, env={k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"})
    assert done.returncode == 0, done.stderr
    for line in (done.stdout + done.stderr).splitlines():
        assert not quiet_tf.is_noise(line), line
    assert done.stderr.splitlines()[0] == "starting numpy, tf1 (each in its own process, 1 thread(s) each)"
    # progress lines, and the note on OpenBLAS's kernels where the environment chose them
    expected = ("starting", "[1/1]", "OPENBLAS_CORETYPE", "BLAS")
    assert all(line.startswith(expected) for line in done.stderr.splitlines()), done.stderr
    assert "the course's 2-2-2 sigmoid MLP at batch 100, train, float64: TensorSlow" not in done.stdout
    assert "4 rows (4 timed" in done.stdout
