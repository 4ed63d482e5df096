"""The promise "change the import and a TF1 program prints TensorFlow's numbers", program by program.

Each program of ``examples/tf1_programs/`` runs in two processes, as written under
``tf.compat.v1`` and with only its import swapped under TensorSlow
(``tensorslow_parity.programs``); their outputs must agree word for word and
number by number within the program's tolerance. The comparison itself is
tested first, on outputs made up here.
"""
import subprocess
import sys

import pytest

from tensorslow_parity import programs
from tensorslow_parity.graph_parity import graph_verdict
from tensorslow_parity.programs.compare import first_difference, tokens
from tensorslow_parity.programs.launcher import GraphRecorder, NoTF1Import, swap_import

PROGRAMS = programs.discover()

# Why a program's graph would not be TF's, op for op (backward pass and optimizer updates aside, see
# tensorslow_parity.graph_parity): program -> cause. Empty: every program of the suite builds TF's graph, and
# graph parity is asserted for every program not listed here.
KNOWN_GRAPH_DIFFERENCES: dict[str, str] = {}


def test_the_suite_covers_the_classic_tutorials():
    names = {p.stem for p in PROGRAMS}
    assert len(names) >= 14
    assert {"softmax_regression", "deep_cnn", "fully_connected_feed", "variable_sharing", "layers_cnn",
            "lstm_static_rnn", "word2vec_skipgram", "save_restore", "tensorboard_basics"} <= names


@pytest.mark.slow
@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_program_prints_tensorflows_numbers(path):
    result = programs.check(path, timeout=600)
    assert result.tf1.error is None, f"the reference run failed: {result.tf1.error}"
    assert result.tensorslow.error is None, f"TensorSlow failed: {result.tensorslow.error}"
    assert result.passed, f"{result.difference}\n--- tensorslow\n{result.tensorslow.output}--- tf1\n{result.tf1.output}"
    if path.stem in KNOWN_GRAPH_DIFFERENCES:
        assert not result.same_graph, f"{path.stem} now builds TF's graph: take it off KNOWN_GRAPH_DIFFERENCES"
    else:
        assert result.same_graph, f"{path.stem}'s graph: {result.graph}"


def test_the_known_graph_differences_are_programs_of_the_suite():
    assert set(KNOWN_GRAPH_DIFFERENCES) <= {p.stem for p in PROGRAMS}


def test_swap_import_changes_one_line_only():
    source = "import numpy as np\nimport tensorflow.compat.v1 as tf\nx = tf.constant(1)\n"
    swapped = swap_import(source, "tensorslow")
    assert swapped.splitlines() == ["import numpy as np", "import tensorslow as tf", "x = tf.constant(1)"]
    assert swap_import(source, "tf1") == source


@pytest.mark.parametrize("source", ["import tensorflow as tf\n",
                                    "import tensorflow.compat.v1 as tf\nimport tensorflow.compat.v1 as tf\n"])
def test_swap_import_refuses_a_program_without_exactly_one_tf1_import(source):
    with pytest.raises(NoTF1Import, match="expected exactly one line"):
        swap_import(source, "tensorslow", "prog.py")


def test_swap_import_rejects_an_unknown_engine():
    with pytest.raises(ValueError, match="unknown engine 'torch'"):
        swap_import("import tensorflow.compat.v1 as tf\n", "torch")


def test_tokens_split_numbers_from_words():
    assert repr(tokens("step 10 loss [0.25 -1e-05] nan")) == "['step', 10.0, 'loss [', 0.25, -1e-05, ']', nan]"


def test_outputs_agree_within_tolerance():
    difference, worst = first_difference("loss 1.00001\nok True\n", "loss 1.0\nok True\n", rtol=1e-4, atol=0)
    assert difference is None and worst == pytest.approx(1e-5)


@pytest.mark.parametrize("ours, theirs, reason", [
    ("loss 1.01\n", "loss 1.0\n", "beyond rtol"),
    ("same False\n", "same True\n", "'same False' vs 'same True'"),
    ("a 1\n", "a 1\nb 2\n", "1 lines vs 2"),
    ("a 1 2\n", "a 1\n", "different number"),
    ("x nan\n", "x 0.5\n", "beyond rtol"),
])
def test_outputs_that_differ_name_the_line(ours, theirs, reason):
    difference, _ = first_difference(ours, theirs, rtol=1e-4, atol=1e-6)
    assert difference is not None and reason in difference.reason
    assert difference.line >= 1


def test_tolerance_comes_from_the_parity_comment():
    assert programs.tolerance("x = 1\n") == (programs.DEFAULT_RTOL, programs.DEFAULT_ATOL)
    assert programs.tolerance("# parity: rtol=1e-3 atol=1e-5\n") == (1e-3, 1e-5)
    with pytest.raises(ValueError, match="unknown tolerance 'rtl'"):
        programs.tolerance("# parity: rtl=1\n")


def test_a_failing_program_reports_its_exception(tmp_path):
    program = tmp_path / "broken.py"
    program.write_text("import tensorflow.compat.v1 as tf\nprint('start')\nraise KeyError('no such thing')\n")
    run = programs.run_one(program, "tensorslow", timeout=60)
    assert run.output == "start\n"
    assert run.error == "KeyError: 'no such thing'"


def test_the_command_rejects_a_missing_program(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tensorslow_parity", "programs", str(tmp_path / "nope.py")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "no such program" in done.stderr


# -- graph parity: the graphs each run built, compared op for op -------------------------------------------------

TINY = """import tensorflow.compat.v1 as tf
x = tf.placeholder(tf.float32, [None, 2], name="x")
y = tf.identity(x, name="y")
with tf.Graph().as_default():
    tf.constant(1.0, name="c")
tf.Graph()  # empty: left out
"""


def test_the_launcher_writes_the_graphs_a_program_built_in_creation_order(tmp_path):
    program = tmp_path / "tiny.py"
    program.write_text(TINY)
    run = programs.run_one(program, "tensorslow", timeout=60, graphs_path=tmp_path / "graphs.json")
    assert run.error is None
    assert run.graphs == [[["x", "Placeholder"], ["y", "Identity"]], [["c", "Const"]]]


def test_the_graphs_are_written_when_the_program_fails(tmp_path):
    program = tmp_path / "broken.py"
    program.write_text("import tensorflow.compat.v1 as tf\ntf.constant(1.0, name='c')\nraise SystemExit(3)\n")
    run = programs.run_one(program, "tensorslow", timeout=60, graphs_path=tmp_path / "graphs.json")
    assert run.error == "exit status 3"
    assert run.graphs == [[["c", "Const"]]]


def test_without_a_graphs_file_nothing_is_recorded(tmp_path):
    program = tmp_path / "tiny.py"
    program.write_text(TINY)
    assert programs.run_one(program, "tensorslow", timeout=60).graphs is None


def test_the_recorder_keeps_tensorflows_graphs_but_not_its_function_graphs():
    tf = pytest.importorskip("tensorflow")
    recorder = GraphRecorder("tf1")
    try:
        with tf.Graph().as_default():
            tf.constant(1.0, name="c")
            tf.data.Dataset.range(3).map(lambda v: v + 1)  # traces the function into a FuncGraph
    finally:
        recorder.uninstall()
    (ops,) = recorder.op_lists()
    assert ops[0] == ["c", "Const"] and all(name for name, _ in ops)
    assert tf.Graph.__init__ is recorder._original


def test_the_graph_verdict_names_the_first_difference():
    ours = [[["x", "Placeholder"], ["mul/y", "Const"], ["mul", "Mul"]]]
    assert graph_verdict(ours, ours) == ("same graph", 3, 3)
    theirs = [[["x", "Placeholder"], ["Const", "Const"], ["mul", "Mul"]]]
    verdict, equal, total = graph_verdict(ours, theirs)
    assert (equal, total) == (2, 4)
    assert verdict == "2 of 4 ops differ, first: - tensorslow only: mul/y (Const)"


def test_the_graph_verdict_counts_graphs():
    one = [["c", "Const"]]
    verdict, equal, total = graph_verdict([one, one], [one])
    assert verdict.startswith("1 of 2 ops differ, first: 2 graphs vs 1; graph 2: - tensorslow only: c (Const)")
    assert (equal, total) == (1, 2)


def test_the_graph_verdict_leaves_the_backward_pass_and_the_update_out():
    ours = [[["w", "VariableV2"], ["gradients/w_grad", "Gradients"], ["w/Adam", "VariableV2"],
             ["Adam", "ApplyGradients"]]]
    theirs = [[["w", "VariableV2"], ["gradients/Shape", "Const"], ["gradients_1/Fill", "Fill"],
               ["w/Adam", "VariableV2"], ["Adam/update_w/ApplyAdam", "ApplyAdam"], ["Adam", "NoOp"]]]
    assert graph_verdict(ours, theirs) == ("same graph", 3, 3)
    renamed = [[["w", "VariableV2"], ["w/Adam", "VariableV2"], ["Adam_1", "NoOp"]]]  # compared by name only
    assert graph_verdict(ours, renamed)[0] == "2 of 4 ops differ, first: - tensorslow only: Adam (ApplyGradients)"


@pytest.mark.slow
def test_check_compares_the_graphs_apart_from_the_numbers(tmp_path):
    program = tmp_path / "graphs.py"
    program.write_text("import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\n"
                       "x = tf.placeholder(tf.float32, [2], name='x')\ny = tf.square(x, name='y')\n"
                       "with tf.Session() as sess:\n    print(sess.run(y, {x: [1.0, 2.0]}))\n")
    result = programs.check(program, timeout=120)
    assert result.passed and result.same_graph and (result.graph_ops_equal, result.graph_ops_total) == (2, 2)
    program.write_text(program.read_text().replace("tf.square(x, name='y')",
                                                   "tf.square(tf.identity(x) if tf.__name__ == 'tensorslow' else x)"))
    result = programs.check(program, timeout=120)  # the same numbers from another graph
    assert result.passed and not result.same_graph
    assert result.graph == "1 of 3 ops differ, first: - tensorslow only: Identity (Identity)"


def test_scratch_graphs_of_multi_output_ops_are_not_recorded(tmp_path):
    program = tmp_path / "top_k.py"
    program.write_text("import tensorflow.compat.v1 as tf\nvalues, indices = tf.nn.top_k(tf.constant([1.0, 3.0]), 1)\n")
    run = programs.run_one(program, "tensorslow", timeout=60, graphs_path=tmp_path / "graphs.json")
    assert len(run.graphs) == 1 and run.graphs[0][-1] == ["TopKV2", "TopKV2"]


def test_a_gradient_scope_inside_a_name_scope_is_left_out():
    ours = [[["train/w", "VariableV2"], ["train/gradients/w_grad", "Gradients"]]]
    theirs = [[["train/w", "VariableV2"], ["train/gradients/Shape", "Const"], ["train/gradients_1/Fill", "Fill"]]]
    assert graph_verdict(ours, theirs)[0] == "same graph"


def test_a_program_runs_as_the_real_main_module(tmp_path):
    """tf.app.run() without main= looks main() up in sys.modules["__main__"], as `python prog.py` has it."""
    program = tmp_path / "bare_app_run.py"
    program.write_text("import tensorflow.compat.v1 as tf\n\n\ndef main(argv):\n    print('main ran', len(argv))\n\n\n"
                       "if __name__ == '__main__':\n    tf.app.run()\n")
    run = programs.run_one(program, "tensorslow", timeout=60)
    assert run.error is None and run.output == "main ran 1\n"
