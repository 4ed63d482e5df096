"""Tests of ``migrate --to tf2`` on the course as learners write it, and on TF1 programs.

Translation runs in-process, without TensorFlow. The ``--check`` runs (the
original and the translation, each in a subprocess importing TensorFlow) are
marked slow and few: the two course examples with a few steps, a TF1 tutorial
program and the Adam program whose known difference ``--check`` must name.
"""
import shutil
import sys
from pathlib import Path

import pytest
from test_migrate_cli import migrate  # noqa: E402  (runs the command in-process: its exit status)

from tensorslow_parity.migrate.check import Run, _known_difference, known_differences
from tensorslow_parity.migrate.errors import EXIT_DIVERGE, EXIT_OK
from tensorslow_parity.migrate.translator import InputError, Translation, translate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def folder(tmp_path):
    """The course examples, their helpers, the course-style programs and two TF1 programs, copied."""
    for path in [*EXAMPLES.glob("*.py"), *(EXAMPLES / "course_style").glob("*.py"),
                 EXAMPLES / "tf1_programs" / "softmax_regression.py", EXAMPLES / "tf1_programs" / "digits_data.py"]:
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def tf2(path):
    translation = translate(path.read_text(), "tf2", path)
    assert translation.ok, [str(m) for m in translation.errors]
    compile(translation.code, str(path), "exec")
    return translation


def test_perceptron_graphs_in_functions_helpers_and_prediction_fetches(folder):
    translation = tf2(folder / "perceptron.py")
    code = translation.code
    assert "Session" not in code and "placeholder" not in code and "import tensorslow" not in code
    # the course's train() received the session: copied in, translated, its name gone from the import
    assert "from course_helpers import parse_args, plot, save_csv  # noqa: E402" in code
    assert "def train(J, minimization_op, feed_dict, steps):" in code
    assert 'print(f"Step: {step:4d}  Loss: {J(**feed_dict).numpy():.4f}")' in code
    assert "        minimization_op(**feed_dict)\n" in code
    # part 1's own graph and inline session: a prediction fetch with NumPy after it
    assert "    probabilities = p(X=points).numpy()\n" in code
    assert "print(np.round(probabilities[[0, -1]], 4))" in code
    # part 2: graph built in a function and returned; the placeholders handed around become their names
    assert '    X = "X"\n' in code and "    return X, c, W, b, p, J, minimization_op\n" in code
    assert "    def J(X, c):\n" in code and "tf.math.log(p(X))" in code
    assert "    def p(X, c=None):\n" in code
    assert "with tf.GradientTape() as tape:" in code and "tf.keras.optimizers.SGD(learning_rate=0.01)" in code
    assert 'feed_dict = {"X": points, "c": classes}' in code
    assert "train(J, minimization_op, feed_dict, args.steps)" in code
    assert 'print("Weight matrix:\\n", W.numpy())' in code
    assert "final_accuracy = accuracy(p(**feed_dict).numpy(), classes)" in code
    assert "predict_blue=lambda grid: p(X=grid).numpy()[:, 0])" in code
    assert any("course_helpers.py" in m.text and "copied here" in m.text for m in translation.changes)


def test_multi_layer_perceptron_translates(folder):
    code = tf2(folder / "multi_layer_perceptron.py").code
    assert "    def p_output(X, c=None):\n" in code and "tf.matmul(p_hidden(X), W_output)" in code
    assert "accuracy(p_output(**feed_dict).numpy(), classes)" in code


def test_learning_rate_sweep_with_a_local_helper(folder):
    code = tf2(folder / "learning_rate_sweep.py").code
    assert "def train(step, feed_dict, steps):\n    for _ in range(steps):\n        step(**feed_dict)\n" in code
    assert "tf.keras.optimizers.SGD(learning_rate=learning_rate)" in code
    assert "with tf.Session" not in code and "        before = J(**feed_dict).numpy()\n" in code


def test_fetched_values_are_numpy_values_without_follow_on_errors():
    source = ("import numpy as np\nimport tensorslow as ts\n\nX = ts.placeholder()\nW = ts.Variable([[1.0], [2.0]])\n"
              "p = ts.sigmoid(ts.matmul(X, W))\nsession = ts.Session()\n"
              "probabilities = session.run(p, {X: [[1.0, 2.0]]})\n"
              "labels = np.round(probabilities).astype(int)\nprint(labels, probabilities.shape)\n")
    code = translate(source, "tf2").code
    assert "probabilities = p(X=[[1.0, 2.0]]).numpy()\n" in code
    assert "labels = np.round(probabilities).astype(int)\n" in code


@pytest.mark.parametrize("change, expected", [
    (("train(session, J, minimization_op, feed_dict, args.steps)",
      "print_every(session, J)"), "`print_every(...)` receives the session, and it is not a function of this file"),
    (('print("Bias:\\n", session.run(b))', 'print("Bias:\\n", session.run(b), session.graph)'),
     "`session` (a session) is used other than by session.run(...)"),
    (("final_accuracy = accuracy(session.run(p, feed_dict), classes)",
      "final_accuracy = accuracy(session.run(p, other), classes)"), "the feed `other` is not a dict keyed"),
])
def test_refusals_are_one_line_each(folder, change, expected):
    source = (folder / "perceptron.py").read_text()
    assert change[0] in source
    translation = translate(source.replace(*change), "tf2", folder / "perceptron.py")
    assert [m.text for m in translation.errors if expected in m.text], translation.errors
    assert len(translation.errors) == 1, translation.errors


def test_a_helper_reading_its_own_module_is_refused(folder):
    (folder / "loop.py").write_text("LOG = 2\n\n\ndef fit(session, step, feed):\n    for _ in range(LOG):\n"
                                    "        session.run(step, feed)\n")
    program = (folder / "perceptron.py").read_text().replace(
        "from course_helpers import", "from loop import fit\nfrom course_helpers import").replace(
        "    train(session, J, minimization_op, feed_dict, args.steps)\n",
        "    fit(session, minimization_op, feed_dict)\n")
    (folder / "fit.py").write_text(program)
    translation = translate(program, "tf2", folder / "fit.py")
    assert [m.text for m in translation.errors] == [
        "--to tf2: `fit` (loop.py) receives the session, but reads LOG of its own module, so it cannot be copied "
        "here alone: make it take the values it needs"]


def test_tf1_programs_are_read_for_tf2(folder):
    translation = tf2(folder / "softmax_regression.py")
    code = translation.code
    assert translation.source == "tf1" and "TensorFlow 1 -> TensorFlow 2" in translation.report("s.py", "o.py")
    assert "import tensorflow as tf\n" in code and "compat.v1" not in code and "disable_v2_behavior" not in code
    assert "def cross_entropy(x, y_):" in code and "axis=[1]" in code and "tf.math.log(y(x) + 1e-10)" in code
    assert "    _, loss = [None, train_step(x=batch_xs, y_=batch_ys)]\n" in code
    assert 'print("test accuracy", accuracy(x=data.test.images, y_=data.test.labels).numpy())' in code
    assert "InteractiveSession" not in code and "global_variables_initializer" not in code
    with pytest.raises(InputError, match="already a TF1 program"):
        translate((folder / "softmax_regression.py").read_text(), "tf1")


def test_a_tf1_tutorial_mlp_with_weight_dicts_eval_and_a_layer_function(folder):
    code = tf2(folder / "tf1_mlp_classifier.py").code
    # a function computing tensors from its arguments runs eagerly as it is; the node calling it is a function
    assert ('def multilayer_perceptron(x, weights, biases):\n'
            '    layer_1 = tf.nn.relu(tf.add(tf.matmul(x, weights["h1"]), biases["b1"]))\n') in code
    assert "    return multilayer_perceptron(x, weights, biases)\n" in code
    assert "tf.keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-08)" in code
    assert 'print("first output weights", np.round(weights["out"].numpy()[0, :3], 4))' in code  # an item fetched
    assert 'print("accuracy", accuracy(x=inputs, y=one_hot).numpy())' in code  # accuracy.eval(feed)
    assert "sess.run(init)" not in code and "init =" not in code


def test_output_to_dev_null_puts_the_report_on_stderr(folder, capsys):
    assert migrate(folder / "perceptron.py", "--to", "tf2", "-o", "/dev/null") == EXIT_OK
    assert not Path("/dev/null.report.txt").exists()
    err = capsys.readouterr().err
    assert "TensorSlow -> TensorFlow migration report" in err and "wrote /dev/null" in err


ADAM_OUTPUT = "step 0 loss 1.000000000000\nstep 5 loss 2.635140511661\n"


def test_known_difference_is_named_with_the_harness_tolerance(capsys):
    adam = Translation("tf2", "opt = tf.keras.optimizers.Adam(learning_rate=0.1, epsilon=1e-08)\n")
    [(note, rtol, atol)] = known_differences(adam, "float64")
    assert "beta1^t and beta2^t" in note and (rtol, atol) == (1e-4, 1e-5)
    assert known_differences(Translation("tf2", "tf.keras.optimizers.SGD(learning_rate=0.1)"), "float64") == []

    def runs(translated):
        return [Run("a", [], 0, ADAM_OUTPUT, "", 0.0), Run("b", [], 0, translated, "", 0.0)]

    assert _known_difference(runs(ADAM_OUTPUT.replace("2.635140511661", "2.635147550857")), adam, "float64",
                             sys.stdout)
    out = capsys.readouterr().out
    assert "a documented known difference applies" in out and "rtol 0.0001, atol 1e-05" in out
    assert "they agree within it" in out
    assert not _known_difference(runs(ADAM_OUTPUT.replace("2.635140511661", "2.7")), adam, "float64", sys.stdout)
    assert "they still diverge" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.parametrize("script, args", [("perceptron.py", "--steps 5"),
                                          ("multi_layer_perceptron.py", "--steps 10"),
                                          ("learning_rate_sweep.py", "--steps 5")])
def test_check_agrees_on_the_course_examples(folder, capsys, script, args):
    assert migrate(folder / script, "--to", "tf2", "--check", "--args", f"{args} --out {folder / 'out'}"
                   if script != "learning_rate_sweep.py" else args) == EXIT_OK
    assert "check: agree" in capsys.readouterr().out


@pytest.mark.slow
def test_check_agrees_on_a_tf1_tutorial_program(folder, capsys):
    assert migrate(folder / "softmax_regression.py", "--to", "tf2", "--check") == EXIT_OK
    out = capsys.readouterr().out
    assert "original (TensorFlow, tf.compat.v1): exit 0" in out and "check: agree" in out


@pytest.mark.slow
def test_check_explains_adams_known_difference(folder, capsys):
    status = migrate(folder / "adam_regression.py", "--to", "tf2", "--check", "--args", "--steps 10")
    out = capsys.readouterr().out
    assert status in (EXIT_OK, EXIT_DIVERGE)
    assert "check: diverge" in out and "a documented known difference applies" in out
    assert status == EXIT_OK and "they agree within it" in out

