"""The small TF1 utilities programs use: app.run, flags, logging, gfile, device, ConfigProto, tf.test.

Each is compared with TensorFlow's own (``tf.compat.v1.flags`` is absl's, so flags are checked against
absl), on the same inputs: values and errors.
"""
import logging
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tensorslow as ts
from tensorslow import flags as ts_flags

# -- flags ------------------------------------------------------------------------------------------

def define_all(flags_module, flag_values):
    flags_module.DEFINE_string("name", "model", "a string", flag_values=flag_values)
    flags_module.DEFINE_integer("steps", 10, "an int", flag_values=flag_values)
    flags_module.DEFINE_float("lr", 0.01, "a float", flag_values=flag_values)
    flags_module.DEFINE_boolean("fast", False, "a bool", flag_values=flag_values)
    flags_module.DEFINE_bool("verbose", True, "another bool", flag_values=flag_values)
    flags_module.DEFINE_list("layers", "64,32", "a list", flag_values=flag_values)
    flags_module.DEFINE_enum("mode", "train", ["train", "eval"], "an enum", flag_values=flag_values)


ARGVS = [
    ["prog"],
    ["prog", "--name=net", "--steps", "5", "--lr=0.5", "--fast", "--noverbose", "extra"],
    ["prog", "--fast=false", "--verbose=true", "--layers=8,4,2", "--mode=eval", "--", "--steps=3"],
    ["prog", "-steps=7", "pos1", "--lr", "-0.25", "pos2"],
]


@pytest.mark.parametrize("argv", ARGVS)
def test_flags_parse_as_absl(tf1, argv):
    theirs, ours = tf1.flags.FlagValues(), ts_flags.FlagValues()
    define_all(tf1.flags, theirs)
    define_all(ts_flags, ours)
    assert ours(argv) == theirs(argv)
    assert ours.flag_values_dict() == {k: v for k, v in theirs.flag_values_dict().items() if k in ours}


@pytest.mark.parametrize("argv, error", [
    (["prog", "--steps=abc"], "IllegalFlagValueError"),
    (["prog", "--mode=test"], "IllegalFlagValueError"),
    (["prog", "--fast=maybe"], "IllegalFlagValueError"),
    (["prog", "--bogus=1"], "UnrecognizedFlagError"),
])
def test_flag_errors_as_absl(tf1, argv, error):
    theirs, ours = tf1.flags.FlagValues(), ts_flags.FlagValues()
    define_all(tf1.flags, theirs)
    define_all(ts_flags, ours)
    with pytest.raises(Exception) as their_error:
        theirs(argv)
    with pytest.raises(getattr(ts_flags, error)) as our_error:
        ours(argv)
    assert type(their_error.value).__name__ == error
    assert str(our_error.value) == str(their_error.value)


def test_flags_unparsed_access_unknown_and_known_only(tf1):
    ours = ts_flags.FlagValues()
    define_all(ts_flags, ours)
    with pytest.raises(ts_flags.UnparsedFlagAccessError, match="flag --steps before flags were parsed"):
        _ = ours.steps
    with pytest.raises(ts_flags.DuplicateFlagError, match="'steps' is defined twice"):
        ts_flags.DEFINE_integer("steps", 1, "again", flag_values=ours)
    theirs = tf1.flags.FlagValues()
    define_all(tf1.flags, theirs)
    argv = ["prog", "--unknown", "x", "--steps=2"]
    assert ours(argv, known_only=True) == theirs(argv, known_only=True) == ["prog", "--unknown", "x"]
    ours.steps = 4
    assert ours.steps == 4 and ours["steps"].default == 10 and "steps" in ours
    with pytest.raises(AttributeError):
        _ = ours.nope


@pytest.fixture
def global_flags():
    """Flags defined on tf.app.flags.FLAGS for one test, then removed."""
    ts_flags.DEFINE_integer("tsu_batch", 32, "batch size")
    ts_flags.DEFINE_boolean("tsu_shuffle", True, "shuffle")
    yield ts.app.flags.FLAGS
    for name in ("tsu_batch", "tsu_shuffle"):
        ts_flags.FLAGS._flags.pop(name)
    ts_flags.FLAGS.unparse_flags()


def test_app_run_parses_then_exits_with_mains_result(global_flags):
    seen = []

    def main(argv):
        seen.append((argv, global_flags.tsu_batch, global_flags.tsu_shuffle))
        return 3
    with pytest.raises(SystemExit) as done:
        ts.app.run(main, argv=["prog", "--tsu_batch=8", "--notsu_shuffle", "--other=1", "file"])
    assert done.value.code == 3
    assert seen == [(["prog", "--other=1", "file"], 8, False)]  # unknown flags are left for main, as in TF


def test_app_run_bad_flag_value_exits_1(global_flags, capsys):
    with pytest.raises(SystemExit) as done:
        ts.app.run(lambda argv: 0, argv=["prog", "--tsu_batch=many"])
    assert done.value.code == 1
    assert "FATAL Flags parsing error: flag --tsu_batch=many" in capsys.readouterr().err


PROGRAM = """
import sys
if sys.argv[1] == "tensorflow":
    import tensorflow.compat.v1 as tf
else:
    import tensorslow as tf
flags = tf.app.flags
flags.DEFINE_float("learning_rate", 0.1, "Learning rate.")
flags.DEFINE_integer("max_steps", 100, "Steps.")
flags.DEFINE_boolean("fake_data", False, "Fake data.")
FLAGS = flags.FLAGS

def main(argv):
    print(argv[1:], FLAGS.learning_rate, FLAGS.max_steps, FLAGS.fake_data)
    with tf.Session(config=tf.ConfigProto(allow_soft_placement=True)) as sess:
        print(sess.run(tf.constant(2.0) * FLAGS.learning_rate))
    return 0

if __name__ == "__main__":
    tf.app.run(main=main, argv=[sys.argv[0]] + sys.argv[2:])
"""


@pytest.mark.slow
def test_tf1_flags_program_prints_the_same(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent(PROGRAM))
    args = ["--learning_rate=0.5", "--max_steps", "7", "--fake_data", "rest"]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": os.getcwd()}
    runs = [subprocess.run([sys.executable, str(script), lib, *args], capture_output=True, text=True, env=env,
                           timeout=120) for lib in ("tensorflow", "tensorslow")]
    assert [r.returncode for r in runs] == [0, 0], runs[1].stderr[-2000:]
    assert runs[1].stdout == runs[0].stdout == "['rest'] 0.5 7 True\n1.0\n"


# -- logging ----------------------------------------------------------------------------------------

def test_logging_levels_and_verbosity(tf1, caplog):
    assert [ts.logging.DEBUG, ts.logging.INFO, ts.logging.WARN, ts.logging.ERROR, ts.logging.FATAL] == \
           [tf1.logging.DEBUG, tf1.logging.INFO, tf1.logging.WARN, tf1.logging.ERROR, tf1.logging.FATAL]
    previous = ts.logging.get_verbosity()
    try:
        with caplog.at_level(logging.DEBUG, logger="tensorslow"):
            ts.logging.set_verbosity(ts.logging.WARN)
            ts.logging.info("hidden %d", 1)
            ts.logging.set_verbosity(ts.logging.INFO)
            ts.logging.info("shown %d", 2)
            ts.logging.warn("careful")
            ts.logging.fatal("bad")  # logs; the program goes on, as in TF
            for i in range(5):
                ts.logging.log_every_n(ts.logging.INFO, "every %d", 2, i)
            for i in range(5):
                ts.logging.log_first_n(ts.logging.INFO, "first %d", 2, i)
            assert ts.logging.get_verbosity() == ts.logging.INFO
        assert [r.getMessage() for r in caplog.records] == [
            "shown 2", "careful", "bad", "every 0", "every 2", "every 4", "first 0", "first 1"]
    finally:
        ts.logging.set_verbosity(previous)


# -- gfile ------------------------------------------------------------------------------------------

def gfile_session(gfile, root):
    """Results of a sequence of gfile calls under ``root``: values, or the error class name."""
    results = []

    def record(fn):
        try:
            value = fn()
        except Exception as error:  # noqa: BLE001  (the error's class is the result)
            value = type(error).__name__
        results.append(value)

    def path(name):
        return os.path.join(root, name)
    record(lambda: gfile.makedirs(path("a/b")))
    record(lambda: gfile.GFile(path("a/t.txt"), "w").write("one\ntwo\n"))
    with gfile.GFile(path("a/t.txt"), "w") as f:
        f.write("one\ntwo\n")
    record(lambda: gfile.GFile(path("a/t.txt")).read())
    record(lambda: gfile.GFile(path("a/t.txt"), "rb").read())
    record(lambda: list(gfile.GFile(path("a/t.txt"))))
    record(lambda: gfile.exists(path("a/t.txt")))
    record(lambda: gfile.isdir(path("a/b")))
    record(lambda: sorted(gfile.listdir(path("a"))))
    record(lambda: [os.path.relpath(p, root) for p in gfile.glob(path("a/*.txt"))])
    record(lambda: gfile.stat(path("a/t.txt")).length)
    record(lambda: gfile.copy(path("a/t.txt"), path("a/u.txt")))
    record(lambda: gfile.copy(path("a/t.txt"), path("a/u.txt")))
    record(lambda: gfile.rename(path("a/u.txt"), path("a/t.txt")))
    record(lambda: gfile.rename(path("a/u.txt"), path("a/v.txt"), overwrite=True))
    record(lambda: gfile.GFile(path("missing.txt")).read())
    record(lambda: gfile.GFile(path("a/t.txt"), "z"))
    record(lambda: gfile.remove(path("missing.txt")))
    record(lambda: gfile.listdir(path("nodir")))
    record(lambda: gfile.rmtree(path("nodir")))
    record(lambda: gfile.mkdir(path("x/y")))
    record(lambda: gfile.remove(path("a/v.txt")))
    record(lambda: gfile.rmtree(path("a")))
    record(lambda: gfile.exists(path("a")))
    return results


def test_gfile_matches_tensorflow(tensorflow, tmp_path):
    theirs = gfile_session(tensorflow.io.gfile, str(tmp_path / "tf"))
    ours = gfile_session(ts.io.gfile, str(tmp_path / "ts"))
    assert ours == theirs
    assert ts.gfile.Exists is ts.io.gfile.exists and ts.gfile.ListDirectory is ts.io.gfile.listdir
    assert ts.gfile.GFile is ts.gfile.Open


def test_gfile_missing_file_error_message(tmp_path):
    with pytest.raises(ts.errors.NotFoundError, match="missing.txt; No such file or directory"):
        ts.gfile.GFile(str(tmp_path / "missing.txt")).read()


# -- device, ConfigProto, tf.test --------------------------------------------------------------------

def build_devices(tf):
    a = tf.constant(1.0)
    with tf.device("/cpu:0"):
        b = tf.constant(2.0)
        with tf.device("/gpu:1"):
            c = b + 1
        with tf.device(None):
            d = b + 2
        with tf.device("/job:worker"):
            e = b + 3
        with tf.device(lambda op: "/device:GPU:3"):
            f = b + 4
    with tf.device("/replica:1/device:CPU:*"):
        g = a + 1
    return [t.op.device for t in (a, b, c, d, e, f, g)]


def test_device_is_recorded_as_tf_records_it(tf1, ts1):
    assert build_devices(ts1) == build_devices(tf1)
    with pytest.raises(ValueError, match="Unknown attribute 'foo'"):
        ts1.device("/foo:bar:baz:1")


@pytest.fixture
def ts1():
    with ts.Graph().as_default():
        yield ts


def test_config_protos_are_accepted(tf1, ts1):
    config = ts1.ConfigProto(allow_soft_placement=True, device_count={"GPU": 0},
                             gpu_options=ts1.GPUOptions(per_process_gpu_memory_fraction=0.4))
    config.gpu_options.allow_growth = True
    config.graph_options.optimizer_options.opt_level = ts1.OptimizerOptions.L1
    assert (config.allow_soft_placement, config.gpu_options.allow_growth, config.device_count) == \
           (True, True, {"GPU": 0})
    assert ts1.ConfigProto().gpu_options is not ts1.ConfigProto().gpu_options  # fresh nested messages
    assert ts1.RunOptions.FULL_TRACE == tf1.RunOptions.FULL_TRACE and ts1.RunOptions.NO_TRACE == 0
    with pytest.raises(ValueError) as ours:
        ts1.ConfigProto(bogus=1)
    with pytest.raises(ValueError) as theirs:
        tf1.ConfigProto(bogus=1)
    assert str(ours.value) == str(theirs.value)
    x = ts1.placeholder(ts1.float32, [2])
    with ts1.Session(config=config) as sess:
        value = sess.run(x * 2, {x: [1.0, 2.0]}, options=ts1.RunOptions(trace_level=ts1.RunOptions.FULL_TRACE),
                         run_metadata=ts1.RunMetadata())
    assert np.array_equal(value, [2.0, 4.0])


def test_tf_test_reports_no_gpu():
    assert ts.test.is_gpu_available() is False and ts.test.gpu_device_name() == ""
