"""Tests of ``tensorslow-parity migrate``: TensorSlow programs translated into TensorFlow programs.

Translation itself needs no TensorFlow and runs in-process. The end-to-end
tests run ``migrate --check`` (the original under TensorSlow, the translation
under TensorFlow, each in a subprocess) on the course examples and the
fixtures in ``tests/migrate_fixtures/``, copied into a temporary folder so that
parallel tests never write next to each other. Each TensorFlow run costs about
five seconds, so there are few of them and the examples run a few steps only.
"""
import ast
import difflib
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

import tensorslow
from tensorslow_parity.cli import main as cli
from tensorslow_parity.migrate import translator as translator_module
from tensorslow_parity.migrate.check import compare
from tensorslow_parity.migrate.errors import EXIT_CHECK_FAILED, EXIT_DIVERGE, EXIT_REFUSED, EXIT_USAGE
from tensorslow_parity.migrate.symbols import NAMESPACE, SYMBOLS
from tensorslow_parity.migrate.symbols_tf1_api import needs_legacy_keras
from tensorslow_parity.migrate.translator import InputError, translate
from tensorslow_parity.optimizers import KERAS_OPTIMIZERS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "migrate_fixtures"
from test_migrate_cli import migrate  # noqa: E402  (runs the command in-process: its exit status)

TRAINING_FIXTURES = ["course_tour.py", "course_xor_momentum.py", "tf1_tutorial.py"]




@pytest.fixture
def folder(tmp_path):
    """A copy of the examples (with their helpers) and the fixtures."""
    for path in [*EXAMPLES.glob("*.py"), *FIXTURES.glob("*.py")]:
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def write(folder, name, text):
    path = folder / name
    path.write_text(text)
    return path


def uses_tensorslow(code):
    """Whether ``code`` imports tensorslow or reads a name ``ts`` (docstrings and comments aside)."""
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "tensorslow" for a in node.names) \
                or isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "tensorslow" \
                or isinstance(node, ast.Name) and node.id == "ts":
            return True
    return False


def changed_lines(source, code):
    """Input lines (1-based) that a diff of ``source`` against ``code`` touches; an insertion counts
    against the input line it follows."""
    lines = set()
    matcher = difflib.SequenceMatcher(a=source.splitlines(), b=code.splitlines(), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "equal":
            continue
        lines.update(range(i1 + 1, i2 + 1) if i2 > i1 else [i1])
    return lines


# -- translation: layout and report -------------------------------------------------------------

def test_comments_and_formatting_survive():
    source = (FIXTURES / "course_tour.py").read_text()
    code = translate(source, "tf1", FIXTURES / "course_tour.py").code
    kept = [line for line in source.splitlines() if "ts." not in line and "tensorslow" not in line]
    out = code.splitlines()
    position = 0
    for line in kept:  # every untouched line, comments and blank lines included, in its order
        position = out.index(line, position) + 1
    assert "W = tf.Variable(np.random.randn(2, 2))          # usable at once, no initializer needed" in out
    assert "# The course's loss: summed cross-entropy, written with its own ops." in out
    assert 'feed = {X: [[-2, -2], [2, 2], [-1.5, -2.5], [1, 3]],   # nested lists are fine' in out


@pytest.mark.parametrize("path", [EXAMPLES / "perceptron.py", EXAMPLES / "multi_layer_perceptron.py",
                                  *[FIXTURES / name for name in TRAINING_FIXTURES]], ids=lambda p: p.name)
def test_every_change_is_reported_with_its_line(path):
    source = path.read_text()
    translation = translate(source, "tf1", path)
    assert translation.ok, translation.errors
    reported = {m.line for m in translation.changes}
    missing = changed_lines(source, translation.code) - reported
    assert not missing, f"lines changed without a report line: {sorted(missing)}"
    report = translation.report(path, "out.py")
    for m in translation.changes:
        assert f"{path}:{m.line}: {m.text}" in report


def test_tf1_translation_of_the_course_idioms():
    code = translate((EXAMPLES / "perceptron.py").read_text(), "tf1", EXAMPLES / "perceptron.py").code
    assert "import tensorflow.compat.v1 as tf  # noqa: E402\ntf.disable_v2_behavior()\n" in code
    assert "tensorslow" not in code and "ts." not in code
    assert "    tf.reset_default_graph()\n    X = tf.placeholder(tf.float64)\n" in code
    # the hand-set perceptron's int literals meet float64 placeholders: TensorFlow needs them float64
    assert "W = tf.Variable([[1, -1], [1, -1]], dtype=tf.float64)" in code
    assert "p = tf.nn.softmax(tf.add(tf.matmul(X, W), b))" in code
    # the course's loss idiom is valid TF1 as it stands
    assert "J = tf.negative(tf.reduce_sum(tf.reduce_sum(tf.multiply(c, tf.log(p)), axis=1)))" in code
    assert "    session = tf.Session()\n    session.run(tf.global_variables_initializer())\n" in code
    # a session created inside an expression is hoisted so that it can be initialized first
    assert ("    session_1 = tf.Session()\n    session_1.run(tf.global_variables_initializer())\n"
            "    probabilities = session_1.run(p, {X: points})\n") in code


def test_tf1_with_session_and_existing_initializer():
    source = "import tensorslow as tf\nv = tf.Variable(1.0)\nwith tf.Session() as s:\n    print(s.run(v))\n" \
             "with tf.Session() as t:\n    t.run(tf.global_variables_initializer())\n    print(t.run(v))\n" \
             "with tf.Session():\n    print(v.eval())\n"
    translation = translate(source, "tf1")
    assert translation.code.count("global_variables_initializer") == 3
    assert "with tf.Session() as s:\n    s.run(tf.global_variables_initializer())\n    print(s.run(v))" \
        in translation.code
    assert "with tf.Session():\n    tf.global_variables_initializer().run()\n" in translation.code
    assert any("already runs the variables' initializer" in m.text for m in translation.notes)


def test_compat_v1_spelling():
    code = translate("import tensorslow as tf\ny = tf.compat.v1.nn.relu(tf.compat.v1.constant(1.0))\n").code
    assert "y = tf.nn.relu(tf.constant(1.0))" in code


def test_from_imports_and_renamed_symbols():
    source = ("from tensorslow import placeholder, softmax, nn  # the API\nfrom tensorslow.train import "
              "AdamOptimizer\nx = placeholder()\np = softmax(nn.relu(x))\n")
    code = translate(source, "tf1").code
    assert code.startswith("import tensorflow.compat.v1 as tf\nfrom tensorflow.compat.v1 import placeholder, nn"
                           "  # the API\nfrom tensorflow.compat.v1.nn import softmax\ntf.disable_v2_behavior()\n"
                           "from tensorflow.compat.v1.train import AdamOptimizer\n")
    assert "x = placeholder(tf.float64)" in code


@pytest.mark.parametrize("source, expected", [
    ("import tensorslow as ts\nx = ts.does_not_exist(3)\n", "unknown symbol tensorslow.does_not_exist"),
    ("import tensorslow as ts\ny = ts.nn.nope\n", "unknown symbol tensorslow.nn.nope"),
    ("from tensorslow import *\n", "from tensorslow import *"),
    ("from tensorslow import frobnicate\n", "unknown symbol tensorslow.frobnicate"),
    ("import tensorslow as ts\ndef f(m):\n    return m\nf(ts)\n", "is used as a value"),
    ("import tensorslow as ts\ng = ts.Graph()\ng.as_default()\n", "TF1 does nothing unless it is entered"),
    ("import tensorslow as ts\ns = ts.Session()\nv = ts.Variable(1.0)\n", "creates variables after `s`"),
    ("import tensorslow as ts\nx = [ts.Session() for _ in range(2)]\n", "cannot be initialized first"),
    ("import tensorslow as ts\n@ts.RegisterGradient('MyOp')\ndef _grad(op, grad):\n    return grad\n",
     "custom-op pattern"),
], ids=["unknown", "unknown_in_namespace", "star_import", "unknown_from_import", "module_as_value",
        "bare_as_default", "variable_after_session", "session_in_comprehension", "register_gradient"])
def test_untranslatable_constructs_are_errors(source, expected):
    translation = translate(source, "tf1")
    assert translation.code is None
    assert any(expected in m.text for m in translation.errors), translation.errors
    assert all(m.line >= 1 for m in translation.errors)


def test_input_errors():
    with pytest.raises(InputError, match=r"not a Python program \(line 2.*was never closed"):
        translate("import tensorslow as ts\nx = (1,\n")
    with pytest.raises(InputError, match="does not import tensorslow"):
        translate("import numpy as np\nprint(np.pi)\n")


# -- the symbol table --------------------------------------------------------------------------

def _lookup(root, dotted):
    for part in dotted.split("."):
        root = getattr(root, part)
    return root


def test_symbol_table_names_exist_in_tensorflow(tensorflow):
    missing = []
    for name, symbol in SYMBOLS.items():
        for module, target in ((tensorflow.compat.v1, symbol.tf1), (tensorflow, symbol.tf2)):
            if target is not None and not (module is tensorflow.compat.v1 and needs_legacy_keras(target)):
                try:
                    _lookup(module, target)
                except AttributeError:
                    missing.append(f"{name} -> {module.__name__}.{target}")
        if symbol.tf1 is None and not symbol.why_not_tf1 or symbol.tf2 is None and not symbol.why_not_tf2 \
                and symbol.kind != "optimizer" and name not in ("train", "losses"):
            missing.append(f"{name}: no counterpart and no reason")
    for keras_name, _ in KERAS_OPTIMIZERS.values():
        _lookup(tensorflow, f"keras.optimizers.{keras_name}")
    assert not missing


@pytest.mark.slow
def test_symbol_table_legacy_keras_names_exist_in_tensorflow():
    # tf.compat.v1.layers and nn.rnn_cell exist only with tf-keras, chosen before TensorFlow is imported
    names = sorted({s.tf1 for s in SYMBOLS.values() if needs_legacy_keras(s.tf1)})
    assert "layers.dense" in names and "nn.rnn_cell.LSTMCell" in names
    script = ("import sys, tensorflow.compat.v1 as tf\nfor name in sys.argv[1:]:\n    value = tf\n"
              "    for part in name.split('.'):\n        value = getattr(value, part, None)\n"
              "    if value is None:\n        print(name)\n")
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = subprocess.run([sys.executable, "-c", script, *names], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "", f"missing in tf.compat.v1: {run.stdout.split()}"


def test_symbol_table_names_exist_in_tensorslow():
    for name in SYMBOLS:
        _lookup(tensorslow, name)


def _public(namespace):
    """A namespace's public names: its ``__all__`` when it has one (the imports it is built with are not API)."""
    names = getattr(namespace, "__all__", None)
    if names is not None:
        missing = [n for n in names if not hasattr(namespace, n)]
        assert not missing, f"{namespace.__name__}.__all__ names what it does not have: {missing}"
        return names
    return [n for n in dir(namespace) if not n.startswith("_")]


def _uncovered_members(name, namespace):
    return [f"{name}.{inner}" for inner in _public(namespace)
            if not isinstance(getattr(namespace, inner), types.ModuleType) and f"{name}.{inner}" not in SYMBOLS]


def test_symbol_table_covers_tensorslow_api():
    uncovered = []
    for name in dir(tensorslow):
        value = getattr(tensorslow, name)
        if name.startswith("_") or isinstance(value, types.ModuleType) and name not in SYMBOLS \
                or name == "compat":  # resolve() reads tensorslow.compat.v1.X as tensorslow.X
            continue
        if name not in SYMBOLS:
            uncovered.append(name)
        elif SYMBOLS[name].kind == NAMESPACE:
            uncovered += _uncovered_members(name, value)
    assert not uncovered


def test_symbol_table_covers_nested_namespaces():
    # tf.nn.rnn_cell, tf.io.gfile, tf.app.flags, tf.data.experimental: every member has an entry too
    nested = [name for name, symbol in SYMBOLS.items() if symbol.kind == NAMESPACE and "." in name]
    assert {"nn.rnn_cell", "io.gfile", "app.flags", "data.experimental"} <= set(nested)
    uncovered = [member for name in nested for member in _uncovered_members(name, _lookup(tensorslow, name))]
    assert not uncovered


# -- TF1's API beyond the course: scopes, layers, RNN cells, checkpoints, summaries, scaffolding -------------

TF1_API_PROGRAM = '''"""Scopes, initializers, control flow, clipping, flags, logging and gfile."""
import numpy as np

import tensorslow as tf

tf.app.flags.DEFINE_integer("steps", 3, "training steps")
FLAGS = tf.app.flags.FLAGS


def main(_):
    tf.logging.set_verbosity(tf.logging.ERROR)
    x = tf.placeholder(tf.float64, [None, 3])
    start = np.linspace(-1, 1, 6).reshape(3, 2)
    with tf.variable_scope("model", reuse=tf.AUTO_REUSE):
        w = tf.get_variable("w", [3, 2], tf.float64, initializer=tf.constant_initializer(start))
        b = tf.get_variable("b", [2], tf.float64, initializer=tf.initializers.zeros())
    y = tf.nn.l2_normalize(tf.matmul(x, w) + b, axis=1)
    loss = tf.case([(tf.reduce_sum(y) > 0, lambda: tf.reduce_sum(tf.square(y - 0.5)))],
                   default=lambda: tf.constant(0.0, tf.float64))
    grads = tf.gradients(loss, [w, b])
    clipped, norm = tf.clip_by_global_norm(grads, 0.1)
    step = tf.group(*[tf.assign_sub(v, g) for v, g in zip([w, b], clipped)])
    with tf.Session(config=tf.ConfigProto()) as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(FLAGS.steps):
            _, value, n = sess.run([step, loss, norm], {x: np.arange(6.0).reshape(2, 3)})
            print(i, value, n, sess.run(tf.arg_max(w, 0)))
        print(w.name, tf.gfile.Exists("nowhere"), tf.io.gfile.exists("nowhere"))


if __name__ == "__main__":
    tf.app.run()
'''


def test_tf1_api_translation():
    source = ("import tensorslow as tf\nfrom tensorslow.io import gfile\nfrom tensorslow import layers, initializers\n"
              "from tensorslow.nn import rnn_cell\nx = tf.placeholder(tf.float32, [None, 4])\n"
              "with tf.variable_scope('m', reuse=tf.AUTO_REUSE):\n"
              "    h = layers.dense(x, 3, kernel_initializer=initializers.glorot_uniform())\n"
              "cell = rnn_cell.LSTMCell(5)\ntf.summary.scalar('h', tf.reduce_sum(h))\nsaver = tf.train.Saver()\n"
              "print(gfile.exists('x'), tf.gfile.Exists('x'), tf.io.gfile.Exists('x'), tf.app.flags.FLAGS)\n")
    code = translate(source, "tf1").code
    assert "from tensorflow.compat.v1.io import gfile\nfrom tensorflow.compat.v1 import layers, initializers\n" \
           "from tensorflow.compat.v1.nn import rnn_cell\n" in code
    assert "with tf.variable_scope('m', reuse=tf.AUTO_REUSE):\n" in code
    assert "tf.summary.scalar('h', tf.reduce_sum(h))\nsaver = tf.train.Saver()\n" in code
    # TensorSlow's gfile has both spellings; TensorFlow has each in one place (and tf.app.flags is tf.flags)
    assert "print(gfile.exists('x'), tf.gfile.Exists('x'), tf.gfile.Exists('x'), tf.flags.FLAGS)" in code
    translation = translate(source, "tf2")
    assert translation.code is None
    errors = " ".join(m.text for m in translation.errors)
    for reason in ("`tf.variable_scope` has no TF2 counterpart: TF2 uses Keras layers and tf.Variable objects",
                   "`layers.dense` has no TF2 counterpart: TF2 has no tf.layers: use tf.keras.layers.Dense",
                   "`rnn_cell.LSTMCell` has no TF2 counterpart: TF2 has no tf.nn.rnn_cell: use keras.layers.LSTMCell",
                   "`tf.train.Saver` has no TF2 counterpart: TF2 saves objects", "tf.summary.create_file_writer"):
        assert reason in errors
    assert "tf.io.gfile.exists" in translate("import tensorslow as tf\nprint(tf.gfile.Exists('x'))\n", "tf2").code


@pytest.mark.slow
def test_tf1_api_program_translates_and_agrees(tmp_path, capsys):
    script = write(tmp_path, "tf1_api.py", TF1_API_PROGRAM)
    status = migrate(script, "--check")
    out = capsys.readouterr().out
    assert status == 0, out
    assert "check: agree: 4 lines" in out


# -- comparing outputs -------------------------------------------------------------------------

def test_compare_within_tolerances():
    assert compare("loss 0.123456789012\n", "loss 0.123456789013\n", "float64").agree
    assert not compare("loss 0.1234567\n", "loss 0.1234569\n", "float64").agree
    assert compare("loss 0.1234567\n", "loss 0.1234569\n", "float32").agree
    # values printed with 4 decimals may round either way: one unit in the last digit is allowed
    assert compare("Step:   10  Loss: 12.3456\n", "Step:   10  Loss: 12.3457\n", "float64").agree
    assert not compare("Step:   10  Loss: 12.3456\n", "Step:   10  Loss: 12.3459\n", "float64").agree
    assert not compare("Step:   10\n", "Step:   11\n", "float64").agree  # integers are exact
    assert compare("[[ 1.5 -0.25]]\n", "[[ 1.5  -0.25]]\n", "float64").agree  # whitespace is layout
    assert not compare("[0.1 0.2]\n", "[0.1 0.3]\n", "float64").agree  # short prints are taken as exact


def test_compare_says_where_and_what():
    result = compare("a 1.0\nb 2.0\nc 3.0\n", "a 1.0\nb 2.5\nc 3.0\n", "float64")
    assert not result.agree
    assert result.message.startswith("diverge at line 2, number 1: original 2.0 vs translated 2.5")
    assert "original:   b 2.0" in result.message and "translated: b 2.5" in result.message
    assert "the text differs" in compare("loss 1.0\n", "cost 1.0\n", "float64").message
    assert "printed 2 lines, the translated 1" in compare("1\n2\n", "1\n", "float64").message


# -- the command line: end to end ------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("script, steps", [("perceptron.py", 5), ("multi_layer_perceptron.py", 20)])
def test_examples_translate_to_tf1_and_agree(folder, script, steps, capsys):
    status = migrate(folder / script, "--check", f"--args=--steps {steps} --out {folder / 'out'}")
    out = capsys.readouterr().out
    assert status == 0, out
    assert "tolerance: rtol 1e-07" in out and "check: agree: " in out
    assert not (folder / script.replace(".py", "_tf1.py")).exists()  # --check alone writes no program
    assert not list(folder.glob(".*_check*.py"))  # the temporary translation is gone


@pytest.mark.slow
@pytest.mark.parametrize("target", ["tf1", "tf2"])
@pytest.mark.parametrize("script", TRAINING_FIXTURES)
def test_fixtures_translate_and_agree(folder, script, target, capsys):
    status = migrate(folder / script, "--to", target, "--check", "-o", folder / f"out_{target}.py")
    out = capsys.readouterr().out
    assert status == 0, out
    precision = "rtol 1e-05" if script == "tf1_tutorial.py" else "rtol 1e-07"
    assert precision in out and "check: agree: " in out
    code = (folder / f"out_{target}.py").read_text()
    assert not uses_tensorslow(code)
    report = (folder / f"out_{target}.py.report.txt").read_text()
    assert "Errors (not translatable): 0" in report
    if target == "tf2":
        attributes = {node.attr for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Attribute)}
        assert "GradientTape" in attributes and not attributes & {"Session", "placeholder", "Graph"}


def test_tf2_keras_optimizers_get_exact_hyperparameters(folder):
    code = translate((folder / "tf1_tutorial.py").read_text(), "tf2").code
    assert "tf.keras.optimizers.Adam(learning_rate=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-08)" in code
    code = translate((folder / "course_xor_momentum.py").read_text(), "tf2").code
    assert "tf.keras.optimizers.SGD(learning_rate=0.5, momentum=0.9)" in code
    code = translate((folder / "course_tour.py").read_text(), "tf2").code
    assert "tf.keras.optimizers.SGD(learning_rate=0.01)" in code
    rmsprop = (folder / "course_tour.py").read_text().replace("GradientDescentOptimizer", "RMSPropOptimizer")
    translation = translate(rmsprop, "tf2")
    assert translation.code is None and "starts its mean square at 1" in translation.errors[0].text


def test_check_reports_where_the_programs_diverge(folder, capsys, monkeypatch):
    # compare() is tested above; here the command's exit status and output, without a TensorFlow run.
    from tensorslow_parity.migrate import check

    outputs = iter(["fixed 1.5\ndrawn [0.1 0.2]\n", "fixed 1.5\ndrawn [0.1 0.3]\n"])
    monkeypatch.setattr(check, "run_program", lambda label, *args: check.Run(label, [], 0, next(outputs), "", 0.1))
    assert migrate(folder / "course_tour.py", "--check") == EXIT_DIVERGE
    out = capsys.readouterr().out
    assert "check: diverge at line 2, number 2: original 0.2 vs translated 0.3" in out
    assert "  original:   drawn [0.1 0.2]\n  translated: drawn [0.1 0.3]" in out


@pytest.mark.slow
def test_check_shows_a_crash(folder, capsys):
    script = write(folder, "unfed.py", "import tensorslow as ts\nx = ts.placeholder()\nprint(ts.Session().run(x))\n")
    assert migrate(script, "--check") == EXIT_CHECK_FAILED
    err = capsys.readouterr().err
    assert "the original (TensorSlow) program exited with 1" in err and "You must feed a value" in err


# -- the command line: bad input, files ------------------------------------------------------

@pytest.mark.parametrize("name, text, message", [
    ("syntax.py", "import tensorslow as ts\nx = (1,\n", "not a Python program (line 2"),
    ("plain.py", "import numpy as np\nprint(np.pi)\n", "does not import tensorslow"),
    ("unknown.py", "import tensorslow as ts\nx = ts.does_not_exist(3)\n",
     "unknown.py:2: error: `ts.does_not_exist`: unknown symbol"),
    ("custom_op.py", None, "custom_op.py:11: error: class logistic(ts.Operation) with a compute() method"),
])
def test_bad_input_is_refused_and_nothing_is_written(folder, name, text, message, capsys):
    script = write(folder, name, text) if text is not None else folder / name
    before = script.read_bytes()
    for target in ("tf1", "tf2"):
        assert migrate(script, "--to", target) == EXIT_REFUSED
        assert message in capsys.readouterr().err
        assert not script.with_name(f"{script.stem}_{target}.py").exists()
    assert script.read_bytes() == before


def test_custom_op_report_names_both_constructs(folder, capsys):
    assert migrate(folder / "custom_op.py") == EXIT_REFUSED
    report = (folder / "custom_op_tf1.py.report.txt").read_text()
    assert "output: not written (2 error(s)" in report
    assert "custom_op.py:11: class logistic(ts.Operation)" in report
    assert "custom_op.py:21: `ts.RegisterGradient`: the course's custom-op pattern" in report
    assert "TensorFlow graph ops are C++ kernels" in report


def test_tf2_refusals_are_one_short_line_each(folder, capsys):
    source = (folder / "course_tour.py").read_text()
    bad = source.replace("minimize = ts.train.GradientDescentOptimizer(learning_rate=0.01).minimize(J)",
                         "minimize = ts.train.GradientDescentOptimizer(0.1).minimize(J, var_list=[W])")
    bad = bad.replace('print("W", session.run(W))', 'print("X", session.run(X, feed))')
    script = write(folder, "bad.py", bad)
    assert migrate(script, "--to", "tf2") == EXIT_REFUSED
    errors = [line.replace(f"{folder}/", "") for line in capsys.readouterr().err.splitlines()
              if ": error: --to tf2" in line]
    # one line per construct, naming the line and what to change; no follow-on error for the runs of `minimize`
    assert errors == [
        "bad.py:19: error: --to tf2: minimize: only the loss argument is translated (not var_list, global_step...)",
        "bad.py:29: error: --to tf2: session.run fetches `X` (a placeholder), which is not a graph node, Variable "
        "or minimize op assigned in this file: assign it to a name first"], errors
    assert all(len(line) < 200 for line in errors)
    assert not (folder / "bad_tf2.py").exists()


@pytest.mark.parametrize("line, expected", [
    ("J = ts.reduce_sum(p) * ts.Variable(2.0)", "creates a Variable inside a graph expression"),
    ("minimize = ts.train.GradientDescentOptimizer(0.1).minimize(J, var_list=[W])", "only the loss argument"),
    ("minimize = ts.train.AdagradOptimizer(0.1).minimize(J)", "epsilon inside the square root"),
])
def test_tf2_refuses_what_it_cannot_restructure(line, expected):
    source = (FIXTURES / "course_tour.py").read_text()
    old = next(text for text in source.splitlines() if text.startswith(line.split(" = ")[0] + " = "))
    translation = translate(source.replace(old, line), "tf2")
    assert translation.code is None
    assert any(m.text.startswith("--to tf2: ") and expected in m.text for m in translation.errors), \
        translation.errors


def test_local_module_using_tensorslow_is_refused(folder, capsys):
    write(folder, "helpers.py", "import tensorslow as ts\n")
    script = write(folder, "main.py", "import tensorslow as ts\nfrom helpers import build\n")
    assert migrate(script) == EXIT_REFUSED
    assert "imports helpers, a module of the program's folder (helpers.py) that uses tensorslow" in \
        capsys.readouterr().err


def test_output_paths_and_inplace(folder, capsys):
    script = folder / "course_tour.py"
    original = script.read_text()
    assert migrate(script) == 0  # default: SCRIPT_tf1.py beside it, with its report
    assert (folder / "course_tour_tf1.py").read_text().startswith('"""The README')
    assert "Changes: " in (folder / "course_tour_tf1.py.report.txt").read_text()
    assert script.read_text() == original
    assert migrate(script, "-o", script) == EXIT_USAGE  # never SCRIPT itself without --inplace
    assert "use --inplace" in capsys.readouterr().err
    assert script.read_text() == original
    assert migrate(script, "--to", "tf2", "-o", "-") == 0  # stdout
    captured = capsys.readouterr()
    assert "import tensorflow as tf\n" in captured.out and "Changes: " in captured.err
    assert migrate(script, "--inplace") == 0
    assert script.read_text() == (folder / "course_tour_tf1.py").read_text()
    assert (folder / "course_tour.py.report.txt").is_file()


def test_help_documents_the_defaults(capsys):
    with pytest.raises(SystemExit):
        cli(["migrate", "--help"])
    text = capsys.readouterr().out
    for phrase in ("SCRIPT_tf1.py", "--inplace", "OUT.report.txt", "--check", "exit status", "--to"):
        assert phrase in text
    assert translator_module.__doc__ and "libcst" in translator_module.__doc__


LAYERS_PROGRAM = '''"""A seeded tf.layers program."""
import numpy as np
import tensorslow as tf

tf.set_random_seed(1)
x = tf.placeholder(tf.float32, [None, 3])
y = tf.layers.dense(tf.layers.dense(x, 4, activation=tf.nn.relu), 1)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run(y, {x: np.ones((2, 3))}).ravel())
'''


def test_a_program_with_tf_layers_sets_legacy_keras_before_importing_tensorflow():
    translation = translate(LAYERS_PROGRAM, "tf1")
    lines = translation.code.splitlines()
    setting = lines.index('os.environ["TF_USE_LEGACY_KERAS"] = "1"  # tf.compat.v1.layers and rnn_cell need '
                          'Keras 2 (pip install tf-keras)')
    assert lines[setting - 1] == "import os"
    assert setting < lines.index("import tensorflow.compat.v1 as tf")
    assert "tf.disable_v2_behavior()" in lines
    assert any("TF_USE_LEGACY_KERAS=1 set before TensorFlow" in str(m) for m in translation.changes)
    assert "TF_USE_LEGACY_KERAS" not in translate((FIXTURES / "course_tour.py").read_text(), "tf1").code


@pytest.mark.slow
def test_a_seeded_layers_program_gives_tensorflows_numbers_once_translated(tmp_path, capsys):
    """TF1 behaviour (disable_v2_behavior) and legacy Keras: TF draws the same seeded weights as TensorSlow."""
    program = tmp_path / "layers_program.py"
    program.write_text(LAYERS_PROGRAM)
    assert migrate(program, "--to", "tf1", "--check") == 0
    assert "check: agree" in capsys.readouterr().out
