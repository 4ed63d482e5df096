"""tensorslow-parity diverge: the first op where TensorSlow and tf1 part ways."""
import textwrap

import numpy as np
import pytest

from tensorslow_parity import cli
from tensorslow_parity.divergence import compare as compare_module
from tensorslow_parity.divergence.compare import compare, mismatch
from tensorslow_parity.divergence.probe import Capture, CaptureDone, DivergenceError, Probe, Tensor
from tensorslow_parity.divergence.summary import report

#: a small TF1 program whose graph TensorSlow builds with TF's names; "hidden" is the op the tests perturb
PROGRAM = textwrap.dedent('''\
    """Two layers, a squared loss, three steps of gradient descent."""
    import numpy as np
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    rng = np.random.RandomState(0)
    x_data = rng.randn(16, 3).astype(np.float32)
    y_data = (x_data.sum(axis=1, keepdims=True) > 0).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    w = tf.Variable(rng.randn(3, 4).astype(np.float32), name="w")
    v = tf.Variable(rng.randn(4, 1).astype(np.float32), name="v")
    hidden = tf.tanh(tf.matmul(x, w), name="hidden")
    out = tf.matmul(hidden, v, name="out")
    loss = tf.reduce_mean(tf.square(out - y), name="loss")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(3):
            _, value = sess.run([train, loss], {x: x_data, y: y_data})
            print(step, value)
''')


def capture(engine, tensors, run=2):
    """A Capture of (name, type, inputs, value) tuples."""
    made = Capture(engine, run, ["train", "loss:0"], [])
    for name, op_type, inputs, value in tensors:
        made.tensors.append(Tensor(name, name.split(":")[0], op_type, inputs))
        if value is not None:
            made.values[name] = np.asarray(value)
    return made


# -- comparing values --------------------------------------------------------------------------------------

def test_mismatch_uses_the_tolerance_and_reports_the_largest_difference():
    b = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    assert mismatch(b + 1e-6, b, 1e-4, 1e-5) is None
    found = mismatch(b + np.array([[0, 0], [0, 1e-2]], np.float32), b, 1e-4, 1e-5)
    assert found.reason == "values differ" and found.where == (1, 1) and found.count == 1
    assert found.max_abs == pytest.approx(1e-2, rel=1e-3) and found.max_rel == pytest.approx(2.5e-3, rel=1e-3)
    assert mismatch(np.array([np.nan, np.inf]), np.array([np.nan, np.inf]), 0, 0) is None
    assert mismatch(np.array([np.nan]), np.array([1.0]), 1, 1).count == 1
    assert mismatch(np.zeros((2, 3)), np.zeros((3, 2)), 1, 1).reason == "shape (2, 3) vs (3, 2)"
    assert mismatch(np.array([1, 2]), np.array([1, 3]), 1e-4, 1e-5).where == (1,)  # integers: exact


def test_tolerance_follows_the_dtype_unless_given():
    assert compare_module.tolerance(np.float32) == (1e-4, 1e-5)
    assert compare_module.tolerance(np.float64) == (1e-7, 1e-10)
    assert compare_module.tolerance(np.float64, rtol=0.5) == (0.5, 1e-10)
    assert compare_module.tolerance(np.int32) == (0.0, 0.0)


def test_first_divergence_in_the_references_order_with_one_side_ops_listed():
    x, w = np.ones((2, 3)), np.full((3, 2), 0.5)
    theirs = capture("tf1", [("x:0", "Placeholder", [], x), ("w:0", "VariableV2", [], w),
                             ("w/read:0", "Identity", ["w:0"], w),
                             ("MatMul:0", "MatMul", ["x:0", "w/read:0"], x @ w),
                             ("gradients/AddN:0", "AddN", [], w), ("loss:0", "Sum", ["MatMul:0"], 6.0)])
    ours = capture("tensorslow", [("x:0", "Placeholder", [], x), ("w:0", "VariableV2", [], w),
                                  ("MatMul:0", "MatMul", ["x:0", "w:0"], x @ w + 1e-3),
                                  ("loss:0", "Sum", ["MatMul:0"], 6.006), ("gradients/w_grad:0", "Gradients", [], w)])
    result = compare(ours, theirs)
    assert result.diverges and result.divergence == "MatMul:0"   # not loss:0, which follows it
    assert result.compared == ["x:0", "w:0", "MatMul:0"]          # w/read is w: same inputs
    assert result.only_ours == ["gradients/w_grad:0"] and result.only_theirs == ["w/read:0", "gradients/AddN:0"]
    text = report(result, "prog.py")
    assert "first divergence: MatMul:0 (op MatMul, type MatMul)" in text
    assert "x:0: agrees" in text and "w/read:0: only tf1 computes it" in text and "1.501" in text


def test_same_name_with_other_inputs_or_dtype_is_listed_not_compared():
    theirs = capture("tf1", [("a:0", "Const", [], 1.0), ("b:0", "Const", [], 2.0), ("c:0", "Cast", ["a:0"], 1.0),
                             ("d:0", "Const", [], np.float32(0.9)), ("k:0", "Const", [], [0]),
                             ("e:0", "Sum", ["c:0", "k:0"], 1.0)])
    ours = capture("tensorslow", [("a:0", "Const", [], 1.0), ("b:0", "Const", [], 2.0),
                                  ("c:0", "Cast", ["b:0"], 2.0), ("d:0", "Const", [], np.int32(10)),
                                  ("k:0", "Const", [], 1), ("f:0", "Mul", ["k:0"], 1.0)])
    result = compare(ours, theirs)
    assert not result.diverges and result.compared == ["a:0", "b:0"]
    assert [name for name, _ in result.not_comparable] == ["c:0", "d:0", "k:0"]
    assert "used by other ops: tensorslow f; tf1 e" in dict(result.not_comparable)["k:0"]
    ours.tensors[-1] = Tensor("f:0", "e", "Mul", ["k:0"])  # op e uses k on both sides: one constant, which differs
    assert compare(ours, theirs).divergence == "k:0"
    assert "no divergence" in report(result, "prog.py")


# -- capturing a run in-process ----------------------------------------------------------------------------

def _train(tf, steps=3):
    """Build a one-layer model with ``tf`` and run ``steps`` training steps (the probe stops it)."""
    rng = np.random.RandomState(0)
    x_data = rng.randn(16, 3).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(rng.randn(3, 1).astype(np.float32), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w, name="out")), name="loss")
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            sess.run([train, loss], {x: x_data})


def _weights(steps):
    """The test model's weights after ``steps`` steps of gradient descent, in NumPy."""
    rng = np.random.RandomState(0)
    x = rng.randn(16, 3).astype(np.float64)
    w = rng.randn(3, 1).astype(np.float32).astype(np.float64)
    for _ in range(steps):
        w = w - 0.5 * 2 * x.T @ (x @ w) / len(x)  # d mean((xw)^2) / dw
    return w


def _probe_run(engine, build, target=None):
    probe = Probe(engine, target)
    try:
        with pytest.raises(CaptureDone):
            build()
    finally:
        probe.uninstall()
    return probe.capture


def test_tensorslow_capture_is_the_first_training_run_with_weights_before_the_update():
    import tensorslow
    from tensorslow_parity.divergence.engine_tensorslow import TensorSlowEngine
    original = tensorslow.Session.run
    with tensorslow.Graph().as_default():
        got = _probe_run(TensorSlowEngine(), lambda: _train(tensorslow))
    assert tensorslow.Session.run is original and got.run == 2 and got.fetches == ["GradientDescent", "loss:0"]
    np.testing.assert_array_equal(got.values["w:0"], _weights(steps=0))
    np.testing.assert_allclose(got.values["out:0"], got.values["x:0"] @ got.values["w:0"], rtol=1e-6)
    assert "gradients/w_grad:0" in got.values


def test_tensorslow_names_an_iterators_components_as_tf_does():
    import tensorslow as tf
    from tensorslow_parity.divergence.engine_tensorslow import TensorSlowEngine

    def build():
        data = tf.data.Dataset.from_tensor_slices((np.arange(8.0).reshape(4, 2), np.arange(4))).batch(2)
        features, labels = tf.data.make_one_shot_iterator(data).get_next()
        w = tf.Variable(np.ones((2, 1)), name="w")
        loss = tf.reduce_sum(tf.matmul(features, w) * tf.cast(labels, tf.float64)[:, None])
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
    with tf.Graph().as_default():
        got = _probe_run(TensorSlowEngine(), build)
    tensors = {t.name: t for t in got.tensors}
    np.testing.assert_array_equal(got.values["IteratorGetNext:0"], [[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(got.values["IteratorGetNext:1"], [0, 1])
    assert tensors["MatMul:0"].inputs == ["IteratorGetNext:0", "w:0"]
    assert tensors["IteratorGetNext:1"].inputs == ["OneShotIterator:0"]  # TF's: the op reads the iterator


def test_tf1_capture_reads_reference_variables_before_their_in_place_update(tensorflow):
    from tensorslow_parity.divergence.engine_tf1 import TF1Engine
    from tensorslow_parity.tf1_behaviour import tf1_behaviour
    with tf1_behaviour() as tf, tf.Graph().as_default():
        got = _probe_run(TF1Engine(), lambda: _train(tf), target=3)
    assert got.run == 3
    x, w = got.values["x:0"], got.values["w:0"]
    # run 3 starts from the weights after one step; fetched beside its update, they would be after two
    np.testing.assert_allclose(w, _weights(steps=1), rtol=1e-5)
    assert not np.allclose(w, _weights(steps=2), rtol=1e-5)
    np.testing.assert_array_equal(got.values["w/read:0"], w)
    np.testing.assert_allclose(got.values["out:0"], x @ w, rtol=1e-5)
    assert {"gradients/out_grad/MatMul_1:0", "x:0"} <= set(got.values)


def test_a_run_beyond_the_programs_runs_is_a_clear_error():
    import tensorslow
    from tensorslow_parity.divergence.engine_tensorslow import TensorSlowEngine
    probe = Probe(TensorSlowEngine(), target=9)
    try:
        with tensorslow.Graph().as_default():
            _train(tensorslow, steps=2)
    finally:
        probe.uninstall()
    assert probe.capture is None and probe.count == 3
    error = probe.missed()
    assert isinstance(error, DivergenceError) and "--run 9 is beyond the program's runs: it made 3" in str(error)
    assert "run 2: GradientDescent, loss:0 [computes gradients]" in str(error)


# -- the command line --------------------------------------------------------------------------------------

def _usage_error(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["diverge", *argv])
    assert stopped.value.code == 2
    return capsys.readouterr().err


def test_bad_command_lines_are_one_line_errors(tmp_path, capsys):
    assert "no such program" in _usage_error([str(tmp_path / "missing.py")], capsys)
    plain = tmp_path / "plain.py"
    plain.write_text("import numpy as np\nprint(np.ones(2))\n")
    assert "is not a TF1 program" in _usage_error([str(plain)], capsys)
    assert "either a PROGRAM or --model" in _usage_error([], capsys)
    assert "unknown model 'nope'" in _usage_error(["--model", "nope"], capsys)
    assert "must be at least 1" in _usage_error([str(plain), "--run", "0"], capsys)
    assert "at least 0" in _usage_error([str(plain), "--rtol", "-1"], capsys)


# -- end to end: two processes per run ---------------------------------------------------------------------

@pytest.mark.slow
def test_identical_program_agrees_and_a_perturbed_op_is_pinpointed(tmp_path, monkeypatch, capsys):
    program = tmp_path / "two_layers.py"
    program.write_text(PROGRAM)
    assert cli.main(["diverge", str(program)]) == 0
    out = capsys.readouterr().out
    assert "no divergence" in out and "run 2" in out and "fetches: GradientDescent, loss:0" in out
    monkeypatch.setenv("TENSORSLOW_PARITY_PERTURB", "hidden=1e-3")
    assert cli.main(["diverge", str(program), "--run", "3"]) == 1
    out = capsys.readouterr().out
    assert "first divergence: hidden:0 (op hidden, type Tanh)" in out, out
    assert "64 of 64 entries beyond rtol 0.0001" in out and "MatMul:0: agrees" in out


@pytest.mark.slow
def test_a_side_that_fails_is_reported(tmp_path, monkeypatch, capsys):
    import tempfile
    program = tmp_path / "short.py"
    program.write_text(PROGRAM)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert cli.main(["diverge", str(program), "--run", "7"]) == 2
    err = capsys.readouterr().err
    assert "cannot compare" in err and "--run 7 is beyond the program's runs: it made 4 session run(s)" in err
    slow = tmp_path / "slow.py"  # both sides sleep before their first run: both must time out, whatever the load
    slow.write_text(PROGRAM.replace("import numpy as np\n", "import time\n\nimport numpy as np\ntime.sleep(60)\n", 1))
    assert cli.main(["diverge", str(slow), "--timeout", "0.5"]) == 2
    assert "both: did not reach the run within the timeout" in capsys.readouterr().err
    assert list(scratch.iterdir()) == []  # the workers' folders (and tfdbg's dumps in them) are gone
