"""``tf.train.Saver`` and the checkpoint functions of ``tf.train``, compared with TensorFlow 1's.

Checkpoints cross both ways: TensorFlow's Saver restores TensorSlow's checkpoints (and writes the
very same bytes for the same variables), TensorSlow restores TensorFlow's, and a model trained
for a few steps in TensorSlow continues in TensorFlow with the numbers it would have had in
TensorSlow.
"""
import contextlib
import os

import numpy as np
import pytest

import tensorslow as ts


def _values(rng):
    """Variables of every dtype, scalars, empty ones and one of several MB, with names that sort
    differently as op names and as tensor names (``a/b`` vs ``a``)."""
    values = {
        "dense/kernel": rng.standard_normal((3, 4)).astype(np.float32),
        "dense": rng.standard_normal(2).astype(np.float32),
        "big": rng.standard_normal((1000, 1500)).astype(np.float32),  # 6 MB
        "f64": np.float64(np.pi),
        "flag": np.bool_(True),
        "flags": np.array([True, False, True]),
        "empty": np.zeros((0, 3), np.float32),
        "half": rng.standard_normal((2, 3)).astype(np.float16),
    }
    for dtype in (np.int8, np.int16, np.int32, np.int64, np.uint8):
        values[f"ints/{np.dtype(dtype).name}"] = rng.integers(0, 100, (2, 5)).astype(dtype)
    return values


def _ts_variables(values, fill=None):
    """TensorSlow Variables named as ``values``' keys (holding the values, or ``fill`` of their shape)."""
    return {name: ts.Variable(value if fill is None else np.full(np.shape(value), fill, np.asarray(value).dtype),
                              name=name) for name, value in values.items()}


def _tf_variables(tf1, values, fill=None):
    return {name: tf1.Variable(value if fill is None else np.full(np.shape(value), fill, np.asarray(value).dtype),
                               name=name) for name, value in values.items()}


def _assert_values(got, expected):
    assert set(got) == set(expected)
    for name in expected:
        value = np.asarray(got[name])
        assert value.dtype == np.asarray(expected[name]).dtype and value.shape == np.shape(expected[name]), name
        np.testing.assert_array_equal(value, expected[name])


@pytest.fixture
def values():
    return _values(np.random.default_rng(0))


# -- checkpoints across TensorSlow and TensorFlow ----------------------------------------------

def test_tensorflow_restores_a_tensorslow_checkpoint(tf1, values, tmp_path):
    with ts.Graph().as_default():
        variables = _ts_variables(values)
        with ts.Session() as sess:
            prefix = ts.train.Saver().save(sess, str(tmp_path / "model.ckpt"))
    assert prefix == str(tmp_path / "model.ckpt")
    tf_variables = _tf_variables(tf1, values, fill=0)
    with tf1.Session() as sess:
        tf1.train.Saver().restore(sess, prefix)
        _assert_values(sess.run(tf_variables), values)
    reader = tf1.train.load_checkpoint(prefix)
    _assert_values({name: reader.get_tensor(name) for name in values}, values)
    assert sorted(variables) == [name for name, _ in tf1.train.list_variables(prefix)]


def test_tensorslow_restores_a_tensorflow_checkpoint(tf1, values, tmp_path):
    _tf_variables(tf1, values)
    with tf1.Session() as sess:
        sess.run(tf1.global_variables_initializer())
        prefix = tf1.train.Saver().save(sess, str(tmp_path / "model.ckpt"), global_step=7)
    with ts.Graph().as_default():
        variables = _ts_variables(values, fill=0)
        with ts.Session() as sess:
            ts.train.Saver().restore(sess, prefix)
            _assert_values(sess.run(variables), values)
    reader = ts.train.load_checkpoint(str(tmp_path))  # a directory: its latest checkpoint
    _assert_values({name: reader.get_tensor(name) for name in values}, values)
    assert reader.get_variable_to_shape_map() == {name: list(np.shape(v)) for name, v in values.items()}
    assert reader.get_variable_to_dtype_map()["half"] == ts.float16
    assert ts.train.load_variable(prefix, "dense/kernel:0").shape == (3, 4)
    assert ts.train.list_variables(prefix) == [(n, list(np.shape(values[n]))) for n in sorted(values)]


def test_the_files_are_tensorflows_byte_for_byte(tf1, values, tmp_path):
    _tf_variables(tf1, values)
    with tf1.Session() as sess:
        sess.run(tf1.global_variables_initializer())
        tf1.train.Saver().save(sess, str(tmp_path / "tf"), write_meta_graph=False)
    with ts.Graph().as_default():
        _ts_variables(values)
        with ts.Session() as sess:
            ts.train.Saver().save(sess, str(tmp_path / "ts"))
    for suffix in (".index", ".data-00000-of-00001"):
        assert open(tmp_path / f"ts{suffix}", "rb").read() == open(tmp_path / f"tf{suffix}", "rb").read()


def test_round_trip_with_a_dict_and_a_list(tmp_path):
    a = ts.Variable([1.0, 2.0], name="a")
    b = ts.Variable(np.int32(3), name="scope/b")
    with ts.Session() as sess:
        ts.train.Saver({"renamed": a, "b": b}).save(sess, str(tmp_path / "d"))
        ts.train.Saver([a, b]).save(sess, str(tmp_path / "l"))
        sess.run([a.assign([0.0, 0.0]), b.assign(0)])
        ts.train.Saver({"renamed": a, "b": b}).restore(sess, str(tmp_path / "d"))
        assert sess.run([a, b])[0].tolist() == [1.0, 2.0] and sess.run(b) == 3
    assert ts.train.list_variables(str(tmp_path / "d")) == [("b", []), ("renamed", [2])]
    assert ts.train.list_variables(str(tmp_path / "l")) == [("a", [2]), ("scope/b", [])]


# -- names, global_step, max_to_keep and the state file: the same as TensorFlow's ---------------

def _saving_session(lib, save_dir):
    """Run the same saves with ``lib`` (TensorFlow's compat.v1 or TensorSlow); return what they
    returned, the files left and the state files' text."""
    returned = []
    var = lib.Variable([1.0, 2.0], name="w")
    step = lib.train.get_or_create_global_step()
    with lib.Session() as sess:
        sess.run(lib.global_variables_initializer())
        saver = lib.train.Saver(max_to_keep=2)
        save = lambda *args, **kw: returned.append(saver.save(sess, *args, write_meta_graph=False, **kw))  # noqa
        save("run/model.ckpt", global_step=1)
        save("run/model.ckpt", global_step=step)
        sess.run(step.assign(20))
        save("run/model.ckpt", global_step=step.read_value() + 5)  # a tensor
        save("run/model.ckpt", global_step=np.int64(30))  # deletes -1 and -0
        save("run/model.ckpt", global_step=30)  # the same path again: not listed twice
        save("model", global_step=4)  # another directory: the list spans both
        save(os.path.join(save_dir, "run", "abs"))  # an absolute path
        returned.append(lib.train.Saver(pad_step_number=True).save(sess, "run/pad", global_step=7,
                                                                   write_meta_graph=False))
        returned.append(lib.train.Saver(max_to_keep=None).save(sess, "run/all", write_meta_graph=False))
        returned.append(lib.train.Saver(save_relative_paths=True).save(
            sess, os.path.join(save_dir, "run", "rel"), latest_filename="other", write_meta_graph=False))
        returned.append(saver.last_checkpoints)
        assert sess.run(var).tolist() == [1.0, 2.0]
    files = sorted(os.listdir(".")) + sorted(os.listdir("run"))
    states = [open(path).read() for path in ("checkpoint", "run/checkpoint", "run/other")]
    return returned, files, states


def test_names_deletion_and_state_files_are_tensorflows(tf1, tmp_path, monkeypatch):
    for lib, where in ((tf1, "tf"), (ts, "ts")):
        os.makedirs(tmp_path / where / "run")
        monkeypatch.chdir(tmp_path / where)
        with ts.Graph().as_default():
            results = _saving_session(lib, str(tmp_path / where))
        if lib is tf1:
            expected = results
    returned, files, states = results
    replace = lambda text: text.replace(str(tmp_path / "tf"), str(tmp_path / "ts"))  # noqa: E731
    assert returned == [replace(r) if isinstance(r, str) else [replace(p) for p in r] for r in expected[0]]
    assert [f for f in files if not f.endswith(".meta")] == [f for f in expected[1] if not f.endswith(".meta")]
    assert states == [replace(text) for text in expected[2]]
    assert states[0] == 'model_checkpoint_path: "model-4"\nall_model_checkpoint_paths: "run/model.ckpt-30"\n' \
        'all_model_checkpoint_paths: "model-4"\n'


def test_latest_checkpoint_agrees_with_tensorflow(tf1, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for directory in ("ts_dir", "ts_abs", "tf_dir", "empty", "garbage"):
        os.makedirs(directory)
    with ts.Graph().as_default():
        ts.Variable(1.0, name="v")
        with ts.Session() as sess:
            ts.train.Saver().save(sess, "ts_dir/m", global_step=3)
            ts.train.Saver().save(sess, str(tmp_path / "ts_abs" / "m"))
    tf1.Variable(1.0, name="v")
    with tf1.Session() as sess:
        sess.run(tf1.global_variables_initializer())
        tf1.train.Saver().save(sess, "tf_dir/m", global_step=3, write_meta_graph=False)
    open("garbage/checkpoint", "w").write("this is not a checkpoint state\n")
    dirs = ["ts_dir", "tf_dir", "ts_abs", str(tmp_path / "ts_dir"), "empty", "garbage"]
    for directory in dirs:
        theirs = tf1.train.get_checkpoint_state(directory)
        with pytest.warns(UserWarning, match="Checkpoint ignored") if directory == "garbage" \
                else contextlib.nullcontext():
            ours = ts.train.get_checkpoint_state(directory)
            assert ts.train.latest_checkpoint(directory) == tf1.train.latest_checkpoint(directory), directory
        assert (ours is None) == (theirs is None)
        if theirs is not None:
            assert ours.model_checkpoint_path == theirs.model_checkpoint_path
            assert ours.all_model_checkpoint_paths == list(theirs.all_model_checkpoint_paths)
            assert ts.train.checkpoint_exists(ours.model_checkpoint_path)
    for suffix in (".index", ".data-00000-of-00001"):
        os.remove("ts_dir/m-3" + suffix)
    assert ts.train.latest_checkpoint("ts_dir") is None is tf1.train.latest_checkpoint("ts_dir")


# -- failures: a clear error, and the variables unchanged ---------------------------------------

def _restore_failure(lib, prefix, var_list_of):
    """Build variables with ``var_list_of(lib)``, restore, return (error, values before == after).
    (TensorFlow's variables are TF1's reference variables: resource variables take any shape.)"""
    var_list = var_list_of(lib)
    variables = list(var_list.values()) if isinstance(var_list, dict) else var_list
    with lib.Session() as sess:
        sess.run(lib.global_variables_initializer())
        before = sess.run(variables)
        with pytest.raises(Exception) as info:
            lib.train.Saver(var_list).restore(sess, prefix)
        after = sess.run(variables)
    return info.value, all(np.array_equal(x, y) for x, y in zip(before, after))


@pytest.fixture
def checkpoint(tmp_path):
    with ts.Graph().as_default():
        ts.Variable(np.ones((2, 3), np.float32), name="dense/kernel")
        ts.Variable(np.ones(3, np.float32), name="dense/bias")
        with ts.Session() as sess:
            return ts.train.Saver().save(sess, str(tmp_path / "model.ckpt"))


def _corrupt(path, change):
    data = bytearray(open(path, "rb").read())
    open(path, "wb").write(bytes(change(data)))


@pytest.mark.parametrize("case, var_list_of, damage, words", [
    ("missing file", lambda lib: [lib.Variable(np.zeros((2, 3), np.float32), name="dense/kernel", use_resource=False)],
     lambda p: os.remove(p + ".index"), ["The passed save_path is not a valid checkpoint", "model.ckpt"]),
    ("missing key", lambda lib: {"dense/bias": lib.Variable(np.zeros(3, np.float32), name="b", use_resource=False),
                                 "zzz": lib.Variable(np.zeros(3, np.float32), name="z", use_resource=False)},
     None, ["Key zzz not found in checkpoint"]),
    ("shape", lambda lib: {"dense/bias": lib.Variable(np.zeros(3, np.float32), name="b", use_resource=False),
                           "dense/kernel": lib.Variable(np.zeros((3, 2), np.float32), name="k", use_resource=False)},
     None, ["lhs shape= [3,2] rhs shape= [2,3]"]),
    ("dtype", lambda lib: {"dense/kernel": lib.Variable(np.zeros((2, 3), np.float64), name="k", use_resource=False)},
     None, ["tensor_name = dense/kernel; expected dtype double does not equal original dtype float"]),
    ("corrupt data", lambda lib: [lib.Variable(np.zeros(3, np.float32), name="dense/bias", use_resource=False)],
     lambda p: _corrupt(p + ".data-00000-of-00001", lambda d: b"\x07" + d[1:]), ["Checksum does not match"]),
    ("truncated index", lambda lib: [lib.Variable(np.zeros(3, np.float32), name="dense/bias", use_resource=False)],
     lambda p: _corrupt(p + ".index", lambda d: d[:60]), ["not an sstable"]),
])
def test_restore_failures_are_tensorflows_and_change_nothing(tf1, checkpoint, case, var_list_of, damage, words):
    if damage is not None:
        damage(checkpoint)
    with ts.Graph().as_default():
        ours, unchanged = _restore_failure(ts, checkpoint, var_list_of)
    theirs, _ = _restore_failure(tf1, checkpoint, var_list_of)
    assert type(ours).__name__ == type(theirs).__name__, (ours, theirs)
    assert unchanged, case
    for word in words:
        assert word in str(ours) and word in str(theirs), (word, str(ours))
    if case in ("missing key", "shape", "dtype"):  # the variable is named too, not only the checkpoint key
        assert "'z'" in str(ours) or "'k'" in str(ours)
    if case in ("corrupt data", "truncated index"):  # the damaged file is named
        assert "model.ckpt.data-00000-of-00001" in str(ours) or "model.ckpt.index" in str(ours)


def test_save_failures(tmp_path):
    var = ts.Variable(1.0, name="v")
    with ts.Session() as sess:
        saver = ts.train.Saver()
        with pytest.raises(ValueError, match="Parent directory of .*nope/deeper/m doesn't exist, can't save."):
            saver.save(sess, str(tmp_path / "nope" / "deeper" / "m"))  # (one missing level is made: see below)
        with pytest.raises(ValueError, match="'latest_filename' must not contain path components"):
            saver.save(sess, str(tmp_path / "m"), latest_filename="a/b")
        with pytest.raises(ValueError, match="'latest_filename' collides with 'save_path'"):
            saver.save(sess, str(tmp_path / "checkpoint"))
        with pytest.raises(TypeError, match="'sess' must be a Session"):
            saver.save("not a session", str(tmp_path / "m"))
        with pytest.raises(ValueError, match="Can't load save_path when it is None."):
            saver.restore(sess, None)
    with pytest.raises(ValueError, match="At least two variables have the same name: v"):
        ts.train.Saver([var, var])
    with pytest.raises(ValueError, match="The same saveable will be restored with two names"):
        ts.train.Saver({"a": var, "b": var})
    with pytest.raises(TypeError, match="Variable to save is not a Variable"):
        ts.train.Saver([var + 1])
    with ts.Graph().as_default():
        with pytest.raises(ValueError, match="No variables to save"):
            ts.train.Saver()
        assert ts.train.Saver(allow_empty=True).save(ts.Session(), str(tmp_path / "e")) is None
    with pytest.raises(NotImplementedError, match="tf.train.import_meta_graph is not supported"):
        ts.train.import_meta_graph(str(tmp_path / "m.meta"))


def test_a_failed_save_keeps_the_previous_checkpoint_and_state(tmp_path, monkeypatch):
    from tensorslow.checkpoint import bundle
    var = ts.Variable([1.0, 2.0], name="w")
    with ts.Session() as sess:
        saver = ts.train.Saver()
        first = saver.save(sess, str(tmp_path / "m"), global_step=1)
        before = sorted(os.listdir(tmp_path)), open(tmp_path / "checkpoint").read()
        sess.run(var.assign([5.0, 6.0]))

        def failing_replace(src, dst):
            raise OSError("disk full (injected)")

        monkeypatch.setattr(bundle.os, "replace", failing_replace)
        with pytest.raises(OSError, match="injected"):
            saver.save(sess, str(tmp_path / "m"), global_step=2)
        monkeypatch.undo()
        assert (sorted(os.listdir(tmp_path)), open(tmp_path / "checkpoint").read()) == before
        assert saver.last_checkpoints == [first]
        saver.restore(sess, ts.train.latest_checkpoint(str(tmp_path)))
        assert sess.run(var).tolist() == [1.0, 2.0]


# -- train in TensorSlow, continue in TensorFlow -----------------------------------------------

def _train(lib, steps, restore_from=None, save_to=None):
    """A small regression model trained with Adam; the losses of ``steps`` steps."""
    rng = np.random.default_rng(42)
    x_data = rng.standard_normal((16, 3)).astype(np.float32)
    y_data = (x_data @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
    x = lib.placeholder(lib.float32, [None, 3], name="x")
    y = lib.placeholder(lib.float32, [None, 1], name="y")
    w = lib.Variable(np.full((3, 1), 0.1, np.float32), name="dense/kernel")
    b = lib.Variable(np.zeros(1, np.float32), name="dense/bias")
    loss = lib.reduce_mean(lib.square(lib.matmul(x, w) + b - y))
    step = lib.train.get_or_create_global_step()
    train = lib.train.AdamOptimizer(0.05).minimize(loss, global_step=step)
    saver = lib.train.Saver()
    with lib.Session() as sess:
        sess.run(lib.global_variables_initializer())
        if restore_from:
            saver.restore(sess, restore_from)
        losses = [sess.run([train, loss], {x: x_data, y: y_data})[1] for _ in range(steps)]
        prefix = saver.save(sess, save_to, global_step=step, write_meta_graph=False) if save_to else None
        return losses, sess.run([w, b, step]), prefix


def test_train_in_tensorslow_continue_in_tensorflow(tf1, tmp_path):
    with ts.Graph().as_default():
        _, _, prefix = _train(ts, 3, save_to=str(tmp_path / "model.ckpt"))
    assert prefix.endswith("model.ckpt-3")
    names = [name for name, _ in tf1.train.list_variables(prefix)]
    assert names == ["beta1_power", "beta2_power", "dense/bias", "dense/bias/Adam", "dense/bias/Adam_1",
                     "dense/kernel", "dense/kernel/Adam", "dense/kernel/Adam_1", "global_step"]
    with ts.Graph().as_default():
        ts_losses, (ts_w, ts_b, ts_step), _ = _train(ts, 3, restore_from=prefix)
    tf_losses, (tf_w, tf_b, tf_step), _ = _train(tf1, 3, restore_from=prefix)
    assert ts_step == tf_step == 6
    np.testing.assert_allclose(ts_losses, tf_losses, rtol=1e-6)
    np.testing.assert_allclose(ts_w, tf_w, rtol=1e-6)
    np.testing.assert_allclose(ts_b, tf_b, rtol=1e-6)
    with ts.Graph().as_default():  # and the whole run in TensorSlow gives the same as the split one
        whole, _, _ = _train(ts, 6)
    np.testing.assert_allclose(whole[3:], ts_losses, rtol=1e-6)


@pytest.mark.slow
def test_a_tf1_program_continues_from_tensorslow_and_back(tmp_path):
    """As a real TF1 program runs (``disable_v2_behavior``: reference variables), in its own process:
    it restores TensorSlow's latest checkpoint, trains on, saves; TensorSlow takes it up again."""
    import json
    import subprocess
    import sys
    with ts.Graph().as_default():
        _train(ts, 3, save_to=str(tmp_path / "model.ckpt"))
    program = (
        "import json, sys; sys.path.insert(0, sys.argv[1])\n"
        "import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()\n"
        "from test_saver import _train\n"
        "losses, _, prefix = _train(tf, 3, restore_from=tf.train.latest_checkpoint(sys.argv[2]),\n"
        "                           save_to=sys.argv[2] + '/model.ckpt')\n"
        "print(json.dumps([float(v) for v in losses] + [prefix]))\n")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([sys.executable, "-c", program, os.path.dirname(__file__), str(tmp_path)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    *tf_losses, tf_prefix = json.loads(out.stdout.strip().splitlines()[-1])
    assert tf_prefix == str(tmp_path / "model.ckpt-6")
    assert ts.train.latest_checkpoint(str(tmp_path)) == tf_prefix
    assert ts.train.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths == [tf_prefix]
    with ts.Graph().as_default():
        whole, _, _ = _train(ts, 9)
    with ts.Graph().as_default():
        after, (_, _, step), _ = _train(ts, 3, restore_from=tf_prefix)
    assert step == 9
    np.testing.assert_allclose(tf_losses, whole[3:6], rtol=1e-6)
    np.testing.assert_allclose(after, whole[6:], rtol=1e-6)
