"""``tf.train.Saver`` builds TF1's save and restore ops, and saving and restoring run them.

The graph: the same (op name, op type) list as TensorFlow's ``BulkSaverBuilder`` (``save/SaveV2``,
``save/RestoreV2``, ``save/Assign_k``, ``save/restore_all``...), the same ``saver_def`` names. The ops:
real kernels, run here one by one as a TF1 program may run them, and checked against TensorFlow.
"""
import os

import numpy as np
import pytest

import tensorslow as ts
from tensorslow.checkpoint.strings import string_scalar
from tensorslow_parity.graph_parity import graph_differences, tensorflow_ops, tensorslow_ops

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
pytest.importorskip("tensorflow")


def _model(tf):
    tf.Variable([1.0, 2.0], name="b")
    tf.Variable(tf.zeros([2, 3]), name="a")
    with tf.variable_scope("dense"):
        tf.get_variable("kernel", [3, 4], initializer=tf.zeros_initializer())
    tf.train.get_or_create_global_step()


def default_saver(tf):
    _model(tf)
    tf.train.Saver()


def two_savers_and_a_dict(tf):
    _model(tf)
    tf.train.Saver(max_to_keep=2)
    tf.train.Saver({"renamed": tf.global_variables()[0], "zz": tf.global_variables()[1]})


def a_list_a_name_and_a_scope(tf):
    _model(tf)
    variables = tf.global_variables()
    tf.train.Saver(variables[::-1], name="my_saver")
    with tf.name_scope("outer"):
        tf.train.Saver(variables[:1])
    tf.train.Saver(variables, name="my_saver")


def deferred_build_then_more_ops(tf):
    _model(tf)
    saver = tf.train.Saver(defer_build=True)
    tf.Variable(3, name="late")
    saver.build()
    tf.constant(1.0)  # after the saver: numbering goes on as TF's
    tf.placeholder_with_default(np.float32(2.0), shape=(), name="training")


@pytest.mark.parametrize("build", [default_saver, two_savers_and_a_dict, a_list_a_name_and_a_scope,
                                   deferred_build_then_more_ops])
def test_saver_graph_is_tensorflows(build):
    assert graph_differences(build) == []


def test_saver_def_names_are_tensorflows():
    defs = {}

    def build(tf):
        _model(tf)
        defs.setdefault(tf.__name__, []).extend(
            [tf.train.Saver().saver_def, tf.train.Saver(name="named", max_to_keep=None).saver_def])
    tensorslow_ops(build)
    tensorflow_ops(build)
    ours, theirs = defs["tensorslow"], next(v for k, v in defs.items() if k != "tensorslow")
    for mine, tfs in zip(ours, theirs):
        for field in ("filename_tensor_name", "save_tensor_name", "restore_op_name", "max_to_keep", "sharded",
                      "keep_checkpoint_every_n_hours", "version"):
            assert getattr(mine, field) == getattr(tfs, field), field
        assert str(mine) == str(tfs)
    assert ours[0].save_tensor_name == "save/control_dependency:0"


# -- the ops run -----------------------------------------------------------------------------------

def _variables(lib):
    w = lib.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w", use_resource=False)
    step = lib.Variable(np.int64(7), name="step", use_resource=False)
    return w, step


@pytest.mark.parametrize("executor", ["compiled", "reference"])
def test_running_the_save_tensor_writes_a_checkpoint_tensorflow_restores(tf1, tmp_path, executor):
    """As a TF1 program may save without Saver.save: fetch save_tensor_name with the prefix fed."""
    with ts.Graph().as_default():
        _variables(ts)
        saver = ts.train.Saver()
        with ts.Session(executor=executor) as sess:
            prefix = str(tmp_path / "fed")
            got = sess.run(saver.saver_def.save_tensor_name,
                           {saver.saver_def.filename_tensor_name: _fed(prefix)})
            assert got == prefix.encode()  # the Identity gives back the prefix, as TF's
            assert sorted(os.listdir(tmp_path)) == ["fed.data-00000-of-00001", "fed.index"]  # no state file
    w, step = _variables(tf1)
    with tf1.Session() as sess:
        tf1.train.Saver().restore(sess, prefix)
        np.testing.assert_array_equal(sess.run(w), np.arange(6).reshape(2, 3))
        assert sess.run(step) == 7


def test_not_fed_the_prefix_is_the_filename_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with ts.Graph().as_default():
        _variables(ts)
        default, named = ts.train.Saver(), ts.train.Saver(filename=str(tmp_path / "named"))
        with ts.Session() as sess:
            sess.run(default.saver_def.save_tensor_name)
            sess.run(named.saver_def.save_tensor_name)
            assert sess.run("save/filename/input:0") == b"model"
    assert sorted(os.listdir(tmp_path)) == ["model.data-00000-of-00001", "model.index", "named.data-00000-of-00001",
                                            "named.index"]


def test_restore_v2_outputs_and_restore_all_are_tensorflows(tf1, tmp_path):
    w, step = _variables(tf1)
    with tf1.Session() as sess:
        sess.run(tf1.global_variables_initializer())
        prefix = tf1.train.Saver().save(sess, str(tmp_path / "tf"), write_meta_graph=False)
        theirs = sess.run(["save/RestoreV2:0", "save/RestoreV2:1"], {"save/Const:0": prefix})
    with ts.Graph().as_default():
        w, step = _variables(ts)
        saver = ts.train.Saver()
        restore_v2 = ts.get_default_graph().get_operation_by_name("save/RestoreV2")
        assert [t.name for t in restore_v2.outputs] == ["save/RestoreV2:0", "save/RestoreV2:1"]  # keys sorted
        assert [t.dtype for t in restore_v2.outputs] == [ts.int64, ts.float32]
        with ts.Session() as sess:
            sess.run([w.assign(np.zeros((2, 3), np.float32)), step.assign(0)])
            feed = {"save/Const:0": _fed(prefix)}
            ours = sess.run(restore_v2.outputs, feed)
            assert sess.run(step) == 0  # reading changes nothing
            assert sess.run(saver.saver_def.restore_op_name, feed) is None
            np.testing.assert_array_equal(sess.run(w), np.arange(6).reshape(2, 3))
            assert sess.run(step) == 7
    for a, b in zip(ours, theirs):
        assert np.asarray(a).dtype == np.asarray(b).dtype
        np.testing.assert_array_equal(a, b)


def test_a_saver_from_another_savers_saver_def(tmp_path):
    with ts.Graph().as_default() as graph:
        w, step = _variables(ts)
        first = ts.train.Saver()
        n_ops = len(graph.get_operations())
        second = ts.train.Saver(saver_def=first.as_saver_def())
        assert len(graph.get_operations()) == n_ops  # it builds nothing: it runs first's ops
        with ts.Session() as sess:
            prefix = second.save(sess, str(tmp_path / "m"), global_step=1)
            sess.run(w.assign(np.zeros((2, 3), np.float32)))
            second.restore(sess, prefix)
            np.testing.assert_array_equal(sess.run(w), np.arange(6).reshape(2, 3))
    assert second.last_checkpoints == [prefix]
    with pytest.raises(ValueError, match="saver_def must be a saver_pb2.SaverDef"):
        ts.train.Saver(saver_def="save/Const:0")


def _fed(path):
    return string_scalar(str(path))  # a string scalar (a 0-d object array of bytes), as TensorSlow feeds one


def test_failing_kernels_name_their_op_and_change_nothing(tmp_path):
    with ts.Graph().as_default():
        w, step = _variables(ts)
        saver = ts.train.Saver({"w": w, "missing": ts.Variable(1.0, name="other")})
        ts.train.Saver([w]).save(ts.Session(), str(tmp_path / "only_w"))
        with ts.Session() as sess:
            sess.run(w.assign(np.ones((2, 3), np.float32)))
            feed = {saver.saver_def.filename_tensor_name: _fed(tmp_path / "only_w")}
            with pytest.raises(ts.errors.NotFoundError, match="Key missing not found in checkpoint") as info:
                sess.run(saver.saver_def.restore_op_name, feed)
            assert info.value.node.op_name == "save/RestoreV2"
            assert "'other'" in str(info.value)  # the variable it was wanted for
            np.testing.assert_array_equal(sess.run(w), np.ones((2, 3)))  # "w" was read, not assigned
            feed = {saver.saver_def.filename_tensor_name: _fed(tmp_path / "nope" / "deeper" / "m")}
            with pytest.raises(ts.errors.NotFoundError, match="No such file or directory") as info:
                sess.run(saver.saver_def.save_tensor_name, feed)
            assert info.value.node.op_name == "save/SaveV2"


def test_io_ops_refuse_slices_and_mismatched_lists(tmp_path):
    from tensorslow.ops import io_ops
    with ts.Graph().as_default():
        v = ts.Variable([1.0], name="v")
        prefix = io_ops.string_constant(str(tmp_path / "x"), name="prefix")
        sliced = io_ops.save_v2(prefix, ["v"], ["2 0,1"], [v])
        short = io_ops.save_v2(prefix, ["v", "w"], ["", ""], [v])
        sess = ts.Session()
        with pytest.raises(ts.errors.UnimplementedError, match="whole tensors only"):
            sess.run(sliced)
        with pytest.raises(ts.errors.InvalidArgumentError, match="2 tensor_names, 2 shape_and_slices and 1 tensors"):
            sess.run(short)
    assert os.listdir(tmp_path) == []


# -- sharded=True, and the directory a save makes ---------------------------------------------------

def sharded_savers(tf):
    _model(tf)
    tf.train.Saver(sharded=True)
    tf.train.Saver(tf.global_variables()[:2], sharded=True, name="two")


def test_sharded_saver_graph_is_tensorflows():
    assert graph_differences(sharded_savers) == []


def _save_everywhere(lib, root):
    """Save with a plain and a sharded Saver into existing, one-level missing and two-level missing
    directories; return what each save gave (its path relative to ``root``, or its error) and the files."""
    _variables(lib)
    plain, sharded = lib.train.Saver(), lib.train.Saver(sharded=True)
    results = []
    with lib.Session() as sess:
        sess.run(lib.global_variables_initializer())
        for saver, where in ((plain, "p"), (plain, "new/p"), (plain, "a/b/p"), (sharded, "s"), (sharded, "new2/s")):
            try:
                results.append(os.path.relpath(saver.save(sess, os.path.join(root, where), global_step=1,
                                                          write_meta_graph=False), root))
            except ValueError as e:
                results.append(str(e).replace(root, "<root>"))
    files = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, names in os.walk(root) for f in names)
    return results, files


def test_saves_make_directories_and_shards_as_tensorflow(tf1, tmp_path):
    for where in ("tf", "ts"):
        os.makedirs(tmp_path / where)
    theirs = _save_everywhere(tf1, str(tmp_path / "tf"))
    with ts.Graph().as_default():
        ours = _save_everywhere(ts, str(tmp_path / "ts"))
    assert ours == theirs
    assert "new/p-1.index" in ours[1] and "s-1.data-00000-of-00001" in ours[1]
    assert not any("_temp" in f for f in ours[1])  # the shard's temporary directory is gone
    for suffix in (".index", ".data-00000-of-00001"):  # the merged checkpoint: TF's bytes
        assert open(tmp_path / "ts" / f"s-1{suffix}", "rb").read() == open(tmp_path / "tf" / f"s-1{suffix}",
                                                                           "rb").read()
    with ts.Graph().as_default():
        w, step = _variables(ts)
        with ts.Session() as sess:
            sess.run([w.assign(np.zeros((2, 3), np.float32)), step.assign(0)])
            ts.train.Saver(sharded=True).restore(sess, str(tmp_path / "tf" / "s-1"))
            assert sess.run(step) == 7
            np.testing.assert_array_equal(sess.run(w), np.arange(6).reshape(2, 3))


# -- reshape=True -------------------------------------------------------------------------------------

def reshaping_saver(tf):
    _model(tf)
    tf.Variable(np.zeros(3, np.float32), name="free_shape", validate_shape=False)
    tf.train.Saver(reshape=True)


def test_reshaping_saver_graph_is_tensorflows():
    assert graph_differences(reshaping_saver) == []


def _restore_reshaped(lib, prefix, shape):
    w = lib.Variable(np.zeros(shape, np.float32), name="w", use_resource=False)
    with lib.Session() as sess:
        sess.run(lib.global_variables_initializer())
        try:
            lib.train.Saver([w], reshape=True).restore(sess, prefix)
        except Exception as e:  # noqa: BLE001  (compared with TF's below)
            return type(e).__name__, sess.run(w)
        return None, sess.run(w)


def test_reshape_restores_another_shape_of_as_many_elements(tf1, tmp_path):
    with ts.Graph().as_default():
        _variables(ts)
        with ts.Session() as sess:
            prefix = ts.train.Saver().save(sess, str(tmp_path / "m"))
    for shape in ((3, 2), (6,), (4,)):
        with ts.Graph().as_default():
            error, ours = _restore_reshaped(ts, prefix, shape)
        with tf1.Graph().as_default():
            their_error, theirs = _restore_reshaped(tf1, prefix, shape)
        assert error == their_error, shape
        np.testing.assert_array_equal(ours, theirs)
    assert error == "InvalidArgumentError" and not ours.any()  # 6 values for 4: refused, nothing assigned


def test_the_saver_ops_are_wired_as_tensorflows():
    """Each save/restore op reads the inputs TF's reads, and waits on the same ops (``^name``): a GraphDef
    comparison. (Output indices are left out: TensorSlow's GraphDef names an op's outputs by the op.)"""
    from tensorslow.graph_def import node_defs
    from tensorslow_parity.tf1_behaviour import tf1_behaviour

    def inputs(names):
        return sorted(name.split(":")[0] for name in names)

    with ts.Graph().as_default() as graph:
        default_saver(ts)
        ours = {n["name"]: inputs(n["input"]) for n in node_defs(graph) if n["name"].startswith("save/")}
    with tf1_behaviour() as tf, tf.Graph().as_default() as graph:
        default_saver(tf)
        theirs = {n.name: inputs(n.input) for n in graph.as_graph_def().node if n.name.startswith("save/")}
    assert ours == theirs
    assert theirs["save/restore_all"] == ["^save/Assign", "^save/Assign_1", "^save/Assign_2", "^save/Assign_3"]
