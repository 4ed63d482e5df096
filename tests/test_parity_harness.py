"""The parity harness: a fast subset of the matrix, and its failure paths.

Failures are injected into the framework subprocesses with a ``sitecustomize``
module on ``PYTHONPATH`` (Python imports it at start-up), so the harness code
under test is the production code, unchanged: a TensorSlow gradient scaled by
1.01, a worker that crashes, one that hangs, a framework that cannot be imported.
"""
import csv
import json
import textwrap

import numpy as np
import pytest

from tensorslow_parity import schema, tolerances
from tensorslow_parity.cli import main as cli_main
from tensorslow_parity.files import ResultsFileError, atomic_write_csv, read_csv
from tensorslow_parity.models import datasets as parity_datasets
from tensorslow_parity.models import zoo
from tensorslow_parity.models.problem import make_problem
from tensorslow_parity.normwise import normwise
from tensorslow_parity.optimizers import OPTIMIZER_NAMES
from tensorslow_parity.run.matrix import run_matrix

CPU_ONLY = {
    "cpu": {"available": True, "name": "test CPU"},
    "gpu": {"available": False, "reason": "TensorFlow lists no GPU (test)"},
    "tpu": {"available": False, "reason": "no TPU found by TPUClusterResolver (test)"},
}


def _run(tmp_path, frameworks, models=("mlp_xor",), optimizers=("sgd",), dtypes=("float64",), devices=("cpu",),
         steps=12, found=CPU_ONLY, **kwargs):
    out = tmp_path / "results"
    rows = run_matrix(list(models), list(optimizers), list(frameworks), list(devices), list(dtypes),
                             steps=steps, out=out, progress=False, found=found, **kwargs)
    return out, {(r["model"], r["optimizer"], r["framework"], r["device"], r["dtype"]): r for r in rows}


def _read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _inject(tmp_path, monkeypatch, code):
    """Make every subprocess of the run import ``code`` first (a sitecustomize module)."""
    site = tmp_path / "inject"
    site.mkdir()
    (site / "sitecustomize.py").write_text(textwrap.dedent(code), encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(site))


# -- the matrix ------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_fast_matrix_passes_and_writes_every_file(tmp_path):
    out, rows = _run(tmp_path, ["tensorslow", "tf1", "tf2", "keras"], optimizers=("sgd", "adam"),
                     dtypes=("float32", "float64"), devices=("cpu", "gpu"))
    assert len(rows) == 1 * 2 * 4 * 2 * 2
    ran = {k: r for k, r in rows.items() if k[3] == "cpu"}
    bad = {k: r["reason"] for k, r in ran.items() if r["status"] != "passed"}
    assert not bad, bad
    for key, row in ran.items():
        for check in schema.CHECK_NAMES:
            assert row[f"{check}_pass"] is True, (key, check, row[f"{check}_err"], row[f"{check}_tol"])
            assert row[f"{check}_tol"] == tolerances.model_check_tolerances(key[2], key[1], key[4])[0][check]
    # TensorSlow and TF1 agree to ~1e-15 in float64: far inside the stated 1e-12 / 1e-10.
    ts64 = rows[("mlp_xor", "sgd", "tensorslow", "cpu", "float64")]
    assert ts64["forward_err"] < 1e-14 and ts64["gradients_err"] < 1e-13 and ts64["trajectory_tail_err"] < 1e-12
    # The reference row is exact against itself.
    ref = rows[("mlp_xor", "adam", "tf1", "cpu", "float64")]
    assert ref["forward_err"] == ref["gradients_err"] == ref["trajectory_head_err"] == 0.0
    # Keras's Adam in float64 carries its documented difference, visibly.
    keras_adam = rows[("mlp_xor", "adam", "keras", "cpu", "float64")]
    assert "beta1^t" in keras_adam["note"] and keras_adam["trajectory_head_tol"] == 1e-5
    assert rows[("mlp_xor", "sgd", "keras", "cpu", "float64")]["note"] == ""

    # An absent device is skipped with its reason, never dropped or passed.
    for key, row in rows.items():
        if key[3] == "gpu":
            assert row["status"] == "skipped" and row["reason"] == "TensorFlow lists no GPU (test)"
            assert row.get("forward_pass") is None

    results = _read(out / schema.RESULTS)
    assert list(results[0]) == schema.RESULTS_COLUMNS and len(results) == len(rows)
    assert list(_read(out / schema.GRADIENTS)[0]) == schema.GRADIENTS_COLUMNS
    traj = _read(out / schema.TRAJECTORIES)
    assert list(traj[0]) == schema.TRAJECTORIES_COLUMNS
    assert len(traj) == 16 * 12  # 16 cells ran, 12 steps each
    env = json.loads((out / schema.ENVIRONMENT).read_text())
    assert set(schema.ENVIRONMENT_KEYS) <= set(env)
    assert env["tensorflow"] and env["keras"] and env["devices"]["gpu"]["available"] is False
    grads = _read(out / schema.GRADIENTS)
    assert {g["variable"] for g in grads} == {"dense_0/kernel", "dense_0/bias", "dense_1/kernel", "dense_1/bias"}


@pytest.mark.slow
def test_reference_runs_even_when_tf1_is_not_reported(tmp_path):
    _, rows = _run(tmp_path, ["tensorslow"], models=("perceptron_blobs",), steps=3)
    (row,) = rows.values()
    assert row["status"] == "passed" and row["loss_initial_ref"] == pytest.approx(row["loss_initial"], rel=1e-12)
    # With 3 steps there is no "later steps" part of the trajectory: that check does not run.
    assert row["trajectory_tail_err"] is None and row["trajectory_tail_pass"] is None


def test_framework_that_cannot_use_a_device_is_skipped_with_why(tmp_path):
    found = dict(CPU_ONLY, tpu={"available": True, "name": "a TPU"})
    _, rows = _run(tmp_path, ["tensorslow"], devices=("tpu",), found=found)
    (row,) = rows.values()
    assert row["status"] == "skipped" and "NumPy" in row["reason"]


# -- failure paths -----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_gradient_perturbed_by_one_percent_fails_the_gradient_check(tmp_path, monkeypatch):
    _inject(tmp_path, monkeypatch, """
        import tensorslow.registry as registry
        original = registry._gradient_registry["MatMul"]
        def perturbed(op, grad):
            return [None if g is None else 1.01 * g for g in original(op, grad)]
        registry._gradient_registry["MatMul"] = perturbed
    """)
    out, rows = _run(tmp_path, ["tensorslow"])
    row = rows[("mlp_xor", "sgd", "tensorslow", "cpu", "float64")]
    assert row["status"] == "failed"
    # 1% per MatMul: the first layer's kernel gradient passes through two of them (1.01^2 - 1 = 2.01%).
    assert row["gradients_pass"] is False and 0.0099 < row["gradients_err"] < 0.0202
    assert "gradients" in row["reason"] and "tolerance 1e-10" in row["reason"]
    assert row["forward_pass"] is True and row["loss_pass"] is True  # the forward pass is untouched
    kernels = [g for g in _read(out / schema.GRADIENTS) if g["variable"].endswith("kernel")]
    assert kernels and all(g["pass"] == "False" for g in kernels)
    assert cli_main(["report", str(out), "--out", str(tmp_path / "report")]) == 0
    assert "failed" in (tmp_path / "report" / "report.md").read_text()


@pytest.mark.slow
def test_crashing_subprocess_is_an_error_and_the_run_completes(tmp_path, monkeypatch):
    marker = tmp_path / "crashed-once"
    _inject(tmp_path, monkeypatch, f"""
        import os, sys
        if any("tensorslow-cpu" in a for a in sys.argv):
            import tensorslow_parity.models.zoo as zoo
            original, calls = zoo.spec_from_dict, []
            def spec_from_dict(d):
                calls.append(d)
                if len(calls) == 2 and not os.path.exists({str(marker)!r}):
                    open({str(marker)!r}, "w").close()
                    print("simulated crash in the second cell", file=sys.stderr)
                    os._exit(7)
                return original(d)
            zoo.spec_from_dict = spec_from_dict
    """)
    _, rows = _run(tmp_path, ["tensorslow"], optimizers=("sgd", "momentum", "adam"), steps=3)
    statuses = [rows[("mlp_xor", o, "tensorslow", "cpu", "float64")]["status"] for o in ("sgd", "momentum", "adam")]
    assert statuses == ["passed", "error", "passed"]  # a fresh subprocess took over after the crash
    reason = rows[("mlp_xor", "momentum", "tensorslow", "cpu", "float64")]["reason"]
    assert "crashed (exit status 7)" in reason and "simulated crash in the second cell" in reason


@pytest.mark.slow
def test_hanging_subprocess_times_out_as_an_error(tmp_path, monkeypatch):
    _inject(tmp_path, monkeypatch, """
        import sys, time
        if any("tensorslow-cpu-1" in a for a in sys.argv):
            import tensorslow_parity.models.zoo as zoo
            def spec_from_dict(d):
                time.sleep(60)
            zoo.spec_from_dict = spec_from_dict
    """)
    # 5 s: long enough for a real cell (the tf1 reference's too) on a loaded 2-core machine
    _, rows = _run(tmp_path, ["tensorslow"], optimizers=("sgd", "adam"), steps=3, cell_timeout=5)
    assert rows[("mlp_xor", "sgd", "tensorslow", "cpu", "float64")]["status"] == "error"
    assert "timed out: no result within 5 s" in rows[("mlp_xor", "sgd", "tensorslow", "cpu", "float64")]["reason"]
    adam = rows[("mlp_xor", "adam", "tensorslow", "cpu", "float64")]
    assert adam["status"] == "passed", adam["reason"]


@pytest.mark.slow
def test_framework_that_cannot_be_imported_is_an_error_for_its_cells_only(tmp_path, monkeypatch):
    _inject(tmp_path, monkeypatch, """
        import sys
        if any("tensorslow-cpu" in a for a in sys.argv):
            class NoTensorSlow:
                def find_spec(self, name, path=None, target=None):
                    if name == "tensorslow":
                        raise ModuleNotFoundError("No module named 'tensorslow' (simulated)")
            sys.meta_path.insert(0, NoTensorSlow())
    """)
    _, rows = _run(tmp_path, ["tensorslow", "tf1"], optimizers=("sgd", "adam"), steps=3)
    for o in ("sgd", "adam"):
        ts_row, tf_row = rows[("mlp_xor", o, "tensorslow", "cpu", "float64")], rows[("mlp_xor", o, "tf1", "cpu",
                                                                                      "float64")]
        assert ts_row["status"] == "error" and "No module named 'tensorslow' (simulated)" in ts_row["reason"]
        assert tf_row["status"] == "passed"


@pytest.mark.slow
def test_failed_reference_makes_its_rows_errors_naming_the_reference(tmp_path, monkeypatch):
    _inject(tmp_path, monkeypatch, """
        import os, sys
        if any("tf1-cpu" in a for a in sys.argv):
            os._exit(3)
    """)
    _, rows = _run(tmp_path, ["tensorslow"], steps=3)
    (row,) = rows.values()
    assert row["status"] == "error" and "the reference (tf1, cpu, float64) failed" in row["reason"]


# -- checks, tolerances, files --------------------------------------------------------------------------------

def test_normwise_errors_are_relative_to_the_largest_reference_entry():
    assert normwise([1.0, 2.0], [1.0, 2.0]) == (0.0, 0.0)
    assert normwise([1.0, 1e-9], [1.0, 0.0]) == (1e-9, 1e-9)  # a near-zero entry does not blow up
    assert normwise([0.0], [0.0]) == (0.0, 0.0)
    assert normwise([1.0], [0.0]) == (1.0, float("inf"))
    with pytest.raises(ValueError, match="shape"):
        normwise(np.zeros(2), np.zeros(3))


def test_known_differences_change_only_their_rows_tolerances():
    default, note = tolerances.model_check_tolerances("tensorslow", "adam", "float64")
    assert default == tolerances.MODEL_CHECK_TOLERANCES["float64"] and note == ""
    keras, note = tolerances.model_check_tolerances("keras", "adam", "float64")
    assert keras["trajectory_head"] > default["trajectory_head"] and "float32 variables" in note
    assert keras["forward"] == default["forward"] and keras["gradients"] == default["gradients"]
    momentum, note = tolerances.model_check_tolerances("tf2", "momentum", "float32")
    assert momentum == tolerances.MODEL_CHECK_TOLERANCES["float32"] and "velocity" in note


def test_problem_is_deterministic_and_walks_the_training_set():
    a, b = make_problem(zoo.get("mlp_iris")), make_problem(zoo.get("mlp_iris"))
    assert all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights))
    assert np.array_equal(a.batches, b.batches)
    n = len(a.data.x_train)
    per_epoch = n // a.batches.shape[1]
    first_epoch = a.batches[:per_epoch].ravel()
    assert len(set(first_epoch)) == len(first_epoch)  # no example twice within an epoch
    assert [w.shape for w in a.weights] == [(4, 16), (16,), (16, 3), (3,)]
    x, y = a.batch(0)
    assert x.shape == (30, 4) and y.shape == (30, 3) and np.allclose(y.sum(axis=1), 1)
    logreg = make_problem(zoo.get("logreg_breast_cancer"), steps=5)
    assert logreg.batches.shape == (5, 64) and logreg.batch(0)[1].shape == (64, 1)
    assert abs(logreg.data.x_train.mean()) < 1e-12  # standardized with the training part's statistics


def test_zoo_has_the_issue_models_and_every_optimizer():
    assert set(zoo.MODELS) >= {"perceptron_blobs", "mlp_xor", "softmax_digits", "mlp_digits",
                               "logreg_breast_cancer", "mlp_iris"}
    for spec in zoo.MODELS.values():
        for name in OPTIMIZER_NAMES:
            assert spec.optimizer(name).learning_rate > 0
    with pytest.raises(ValueError, match="unknown model 'nope'"):
        zoo.get("nope")


@pytest.mark.slow
def test_a_registered_model_of_your_own_runs_in_every_subprocess(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((120, 3))
    y = (x[:, 0] * x[:, 1] > 0).astype(int)
    monkeypatch.setitem(parity_datasets.LOADERS, "quadrants", lambda seed: parity_datasets.from_arrays(
        "quadrants", x, y, seed))
    spec = zoo.ModelSpec("mlp_quadrants", "a 3-8-2 tanh MLP on sign quadrants", "quadrants", (8,), "tanh",
                         "softmax", batch_size=16, steps=12, learning_rates={"sgd": 0.1, "momentum": 0.1, "adam": 0.01})
    monkeypatch.setitem(zoo.MODELS, spec.name, spec)
    _, rows = _run(tmp_path, ["tensorslow", "keras"], models=(spec.name,), optimizers=("momentum",))
    assert {r["status"] for r in rows.values()} == {"passed"}
    with pytest.raises(ValueError, match="no learning rate for optimizer"):
        zoo.register(zoo.ModelSpec("broken", "", "quadrants", (), "tanh", "softmax", 8, 2, {"sgd": 0.1}))


def test_models_command_lists_the_zoo(capsys):
    assert cli_main(["models"]) == 0
    printed = capsys.readouterr().out
    assert all(name in printed for name in zoo.MODELS) and "64-128-64-10" in printed


def test_run_rejects_unknown_names(capsys):
    with pytest.raises(SystemExit, match="unknown framework pytorch") as e:
        cli_main(["run", "--frameworks", "tensorslow,pytorch"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "error: unknown framework pytorch" in err and "Traceback" not in err


def test_atomic_csv_write_leaves_the_old_file_when_it_fails(tmp_path):
    path = tmp_path / "results.csv"
    atomic_write_csv(path, [{"a": 1.0, "b": "x"}], ["a", "b"])
    with pytest.raises(ValueError):
        atomic_write_csv(path, [{"a": 2.0, "c": "not a column"}], ["a", "b"])
    assert path.read_text() == "a,b\n1.0,x\n"
    assert [p.name for p in tmp_path.iterdir()] == ["results.csv"]  # no temporary file left behind


def test_reading_a_malformed_results_file_names_it(tmp_path):
    bad = tmp_path / "results.csv"
    bad.write_text("model,optimizer\nmlp_xor,sgd\n")
    with pytest.raises(ResultsFileError, match="results.csv: missing column"):
        read_csv(bad, schema.RESULTS_COLUMNS)
    with pytest.raises(ResultsFileError, match="nothing.csv: no such file"):
        read_csv(tmp_path / "nothing.csv")


def test_ops_rows_name_the_case_and_fail_when_tensorslow_differs(tensorflow, monkeypatch):
    import tensorslow as ts
    import tensorslow.registry as registry
    from tensorslow_parity.ops import parity as ops_parity
    from tensorslow_parity.ops.catalog import BY_OP_TYPE
    tf1 = tensorflow.compat.v1
    case = BY_OP_TYPE["Sigmoid"].cases()[0]
    shapes = case.examples[0]
    row = ops_parity.compare_case(ts, tf1, case, shapes, "float64")
    assert set(row) <= set(schema.OPS_COLUMNS) and row["status"] == "passed"
    assert row["tf_v1"] == "tf.compat.v1.sigmoid" and row["grad_max_rel"] < 1e-12
    original = registry._gradient_registry["Sigmoid"]
    monkeypatch.setitem(registry._gradient_registry, "Sigmoid", lambda op, grad: 1.01 * original(op, grad))
    row = ops_parity.compare_case(ts, tf1, case, shapes, "float64")
    assert row["status"] == "failed" and row["grad_pass"] is False and "gradients differ" in row["reason"]
    assert row["forward_pass"] is True
