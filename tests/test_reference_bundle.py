"""``run --save-reference DIR`` / ``run --reference DIR``: the reference's results saved, reused, and refused
when they cannot be trusted (missing, corrupt, another model, another mode), without losing the rest.

Most tests run the matrix with a stand-in worker (:data:`STAND_IN_WORKER`): the real worker with the
hand-written NumPy MLP (:class:`tensorslow_parity.frameworks.numpy_mlp.NumpyMLP`, TF1's SGD math) in place
of the frameworks it is told to replace, so no TensorFlow is imported and a cell takes milliseconds.
"""
import json
import sys

import numpy as np
import pytest

from tensorslow_parity.cli import main as cli_main
from tensorslow_parity.models import zoo
from tensorslow_parity.run import reference
from tensorslow_parity.run.matrix import run_matrix

#: the real worker, with NumpyMLP for the frameworks in $STAND_IN (comma-separated; "all": every one)
STAND_IN_WORKER = """
import os, sys
import tensorslow_parity.frameworks as frameworks
from tensorslow_parity.frameworks.numpy_mlp import NumpyMLP
from tensorslow_parity.run import worker
replaced = os.environ.get("STAND_IN", "all").split(",")
real_load = frameworks.load
frameworks.load = lambda name: NumpyMLP if "all" in replaced or name in replaced else real_load(name)
if "all" in replaced:
    worker.check_placement = lambda framework, device: None
    worker._versions = lambda framework: {"stand-in": "numpy"}
sys.exit(worker.main())
"""

CPU_ONLY = {"cpu": {"available": True, "name": "test CPU"},
            "gpu": {"available": False, "reason": "no GPU (test)"},
            "tpu": {"available": False, "reason": "no TPU (test)"}}


@pytest.fixture
def stand_in(tmp_path, monkeypatch):
    """The worker command line of the stand-in worker; STAND_IN=all."""
    script = tmp_path / "stand_in_worker.py"
    script.write_text(STAND_IN_WORKER, encoding="utf-8")
    monkeypatch.setenv("STAND_IN", "all")
    return (sys.executable, str(script))


def run(out, worker, models=("mlp_xor", "perceptron_blobs"), frameworks=("tensorslow",), steps=4, **kwargs):
    rows = run_matrix(list(models), ["sgd"], list(frameworks), ["cpu"], ["float64", "float32"], steps=steps,
                      out=out, progress=False, found=CPU_ONLY, worker=worker, **kwargs)
    return {(r["model"], r["framework"], r["dtype"]): r for r in rows}


@pytest.fixture
def bundle(tmp_path, stand_in):
    """A bundle saved by a run of mlp_xor and perceptron_blobs (tf1 included), and that run's rows."""
    rows = run(tmp_path / "first", stand_in, frameworks=("tensorslow", "tf1"),
               save_reference=tmp_path / "bundle")
    return tmp_path / "bundle", rows


@pytest.mark.slow
def test_saved_reference_is_reused_with_the_same_results(tmp_path, stand_in, bundle, monkeypatch):
    path, first = bundle
    manifest = json.loads((path / reference.MANIFEST).read_text())
    assert manifest["format"] == reference.FORMAT and set(manifest["models"]) == {"mlp_xor", "perceptron_blobs"}
    entry = manifest["models"]["mlp_xor"]
    assert entry["spec_hash"] == reference.spec_hash(zoo.get("mlp_xor")) and entry["steps"] == 4
    with np.load(path / entry["outputs"]["file"]) as f:
        keys = set(f.files)
    for output in ("init_0", "forward", "loss0", "grad_0", "losses", "final_0", "test_accuracy"):
        assert f"sgd__own__{output}" in keys
    # The second run has no tf1 to run the reference with: a stand-in that would give other numbers must not be
    # asked (it would make every row fail), the bundle must answer.
    monkeypatch.setenv("STAND_IN", "tensorslow")
    second = run(tmp_path / "second", stand_in, frameworks=("tensorslow",), reference=path)
    for key, row in second.items():
        assert row["status"] == "passed", row["reason"]
        for column in ("forward_err", "gradients_err", "trajectory_head_err", "loss_final_ref"):
            assert row[column] == first[key][column], (key, column)


@pytest.mark.slow
def test_reference_cells_are_not_run_when_a_bundle_is_given(tmp_path, stand_in, bundle, monkeypatch):
    monkeypatch.setenv("STAND_IN", "all")
    sentinel = tmp_path / "ran_tf1"
    script = tmp_path / "watching_worker.py"
    script.write_text(f"import json, sys\nif json.load(open(sys.argv[1]))['framework'] == 'tf1':\n"
                      f"    open({str(sentinel)!r}, 'w').close()\n" + STAND_IN_WORKER, encoding="utf-8")
    rows = run(tmp_path / "out", (sys.executable, str(script)), reference=bundle[0])
    assert all(r["status"] == "passed" for r in rows.values())
    assert not sentinel.exists()


@pytest.mark.slow
def test_corrupt_file_costs_its_model_only(tmp_path, stand_in, bundle):
    path = bundle[0]
    data = bytearray((path / "mlp_xor.reference.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (path / "mlp_xor.reference.npz").write_bytes(bytes(data))
    rows = run(tmp_path / "out", stand_in, reference=path)
    for dtype in ("float64", "float32"):
        bad, good = rows[("mlp_xor", "tensorslow", dtype)], rows[("perceptron_blobs", "tensorslow", dtype)]
        assert bad["status"] == "error" and "mlp_xor.reference.npz is corrupt or changed" in bad["reason"]
        assert good["status"] == "passed"


@pytest.mark.slow
def test_missing_problem_file_costs_its_model_only(tmp_path, stand_in, bundle):
    (bundle[0] / "perceptron_blobs.problem.npz").unlink()
    rows = run(tmp_path / "out", stand_in, reference=bundle[0])
    assert rows[("perceptron_blobs", "tensorslow", "float64")]["status"] == "error"
    assert "perceptron_blobs.problem.npz is missing" in rows[("perceptron_blobs", "tensorslow", "float64")]["reason"]
    assert rows[("mlp_xor", "tensorslow", "float64")]["status"] == "passed"


@pytest.mark.slow
def test_bundle_of_another_model_or_other_steps_is_an_error_row(tmp_path, stand_in, bundle, monkeypatch):
    import dataclasses
    changed = dataclasses.replace(zoo.get("mlp_xor"), hidden=(3,))
    monkeypatch.setitem(zoo.MODELS, "mlp_xor", changed)
    rows = run(tmp_path / "out", stand_in, reference=bundle[0])
    assert rows[("mlp_xor", "tensorslow", "float64")]["status"] == "error"
    assert "is another model: its spec hash differs" in rows[("mlp_xor", "tensorslow", "float64")]["reason"]
    assert rows[("perceptron_blobs", "tensorslow", "float64")]["status"] == "passed"
    monkeypatch.undo()
    rows = run(tmp_path / "steps", stand_in, models=("mlp_xor",), steps=5, reference=bundle[0])
    assert "ran 'mlp_xor' for 4 steps; this run asks for 5" in rows[("mlp_xor", "tensorslow", "float32")]["reason"]


@pytest.mark.slow
def test_model_absent_from_the_bundle_is_an_error_row(tmp_path, stand_in, bundle):
    rows = run(tmp_path / "out", stand_in, models=("mlp_iris", "mlp_xor"), reference=bundle[0])
    assert "has no results for model 'mlp_iris' (it has: mlp_xor, perceptron_blobs)" in \
        rows[("mlp_iris", "tensorslow", "float64")]["reason"]
    assert rows[("mlp_xor", "tensorslow", "float64")]["status"] == "passed"


@pytest.fixture
def saved(tmp_path):
    """A bundle of mlp_xor written directly (no subprocess): its problem and a made-up reference outcome."""
    from tensorslow_parity.models.problem import make_problem
    from tensorslow_parity.run.subprocesses import Cell, Outcome
    problem_path = tmp_path / "mlp_xor.npz"
    np.savez(problem_path, **make_problem(zoo.get("mlp_xor"), 3).to_arrays())
    cell = Cell("mlp_xor", "sgd", "tensorslow", "cpu", "float32").reference()
    reference.save(tmp_path / "bundle", {"mlp_xor": problem_path},
                   {cell: Outcome(outputs={"losses": np.arange(3.0)})}, "injected", {}, "now")
    return tmp_path / "bundle"


def test_bundle_written_directly_reads_back(saved):
    from tensorslow_parity.run.subprocesses import Cell, Outcome
    opened = reference.Bundle(saved, "injected")
    assert opened.problem("mlp_xor", 3).name == "mlp_xor.problem.npz"
    cell = Cell("mlp_xor", "sgd", "tensorslow", "cpu", "float32").reference()
    np.testing.assert_array_equal(opened.outcome(cell, Outcome).outputs["losses"], np.arange(3.0))
    adam = Cell("mlp_xor", "adam", "tensorslow", "cpu", "float32").reference()
    assert "saved from a run without optimizer 'adam'" in opened.outcome(adam, Outcome).error


@pytest.mark.parametrize("damage, message", [
    ("no_dir", "no reference bundle there"),
    ("no_manifest", "reference.json: missing"),
    ("junk_manifest", "unreadable, not a reference manifest"),
    ("other_format", "not a reference manifest"),
    ("other_init", "saved with --init injected, this run uses --init same-seed"),
])
def test_unusable_bundle_is_a_clear_error_before_anything_runs(tmp_path, saved, damage, message):
    path = saved
    if damage == "no_dir":
        path = tmp_path / "nowhere"
    elif damage == "no_manifest":
        (path / reference.MANIFEST).unlink()
    elif damage == "junk_manifest":
        (path / reference.MANIFEST).write_text("{not json")
    elif damage == "other_format":
        (path / reference.MANIFEST).write_text(json.dumps({"format": "something else"}))
    init = "same-seed" if damage == "other_init" else "injected"
    with pytest.raises(reference.ReferenceBundleError, match=message):
        run(tmp_path / "out", ("false",), reference=path, init=init)
    assert not (tmp_path / "out" / "results.csv").exists()


def test_cli_refuses_both_options_and_reports_a_bad_bundle_in_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        cli_main(["run", "--reference", str(tmp_path), "--save-reference", str(tmp_path / "b"), "--out",
                  str(tmp_path / "o")])
    assert e.value.code == 2 and "--reference and --save-reference together" in capsys.readouterr().err
    assert cli_main(["run", "--reference", str(tmp_path / "none"), "--out", str(tmp_path / "o"),
                     "--devices", "cpu"]) == 2
    assert "no reference bundle there" in capsys.readouterr().err


def test_save_target_that_is_not_a_bundle_is_refused_before_the_run(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(reference.ReferenceBundleError, match="holds other files and no reference.json"):
        run(tmp_path / "out", ("false",), save_reference=tmp_path / "busy")
    assert (tmp_path / "busy" / "notes.txt").read_text() == "mine"


@pytest.mark.slow
def test_saving_again_replaces_the_bundle_whole(tmp_path, stand_in, bundle):
    run(tmp_path / "again", stand_in, models=("mlp_xor",), frameworks=("tf1",), save_reference=bundle[0])
    manifest = json.loads((bundle[0] / reference.MANIFEST).read_text())
    assert set(manifest["models"]) == {"mlp_xor"}
    assert not (bundle[0] / "perceptron_blobs.problem.npz").exists()
    assert not [p for p in bundle[0].parent.iterdir() if p.name.startswith(".bundle.")]


def test_without_tensorflow_the_run_asks_for_a_saved_reference(tmp_path, monkeypatch):
    import importlib.util
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "tensorflow" else real(name, *a))
    with pytest.raises(reference.ReferenceBundleError, match="cannot run here: tf1 needs the 'tensorflow' package.*"
                                                             "run --reference DIR here"):
        run_matrix(["mlp_xor"], ["sgd"], ["tensorslow"], ["cpu"], ["float64"], out=tmp_path / "out", progress=False,
                   found=CPU_ONLY)
