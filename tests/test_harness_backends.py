"""Keras on JAX and PyTorch (frameworks keras-jax, keras-torch), the device probe per library, and the rows a
framework gets where its library sees no device or is not installed."""
import importlib.util
import os
import sys

import pytest
from test_reference_bundle import CPU_ONLY, STAND_IN_WORKER

from tensorslow_parity import devices, frameworks, schema
from tensorslow_parity.cli import main as cli_main
from tensorslow_parity.run.matrix import plan, row_tolerances, run_matrix
from tensorslow_parity.run.subprocesses import Cell
from tensorslow_parity.tolerances import MODEL_CHECK_TOLERANCES


def test_every_run_framework_is_registered_with_its_device_library():
    assert {"keras-jax", "keras-torch"} <= set(schema.RUN_FRAMEWORKS)
    for name in schema.RUN_FRAMEWORKS:
        assert name in frameworks.MODEL_CLASSES and name in frameworks.DESCRIPTIONS
        assert frameworks.DEVICE_BACKENDS[name] in devices.BACKENDS


def test_worker_environment_sets_the_backend_for_that_worker_only():
    assert frameworks.worker_environment("keras-jax", "cpu") == {
        "KERAS_BACKEND": "jax", "JAX_ENABLE_X64": "1", "JAX_PLATFORMS": "cpu"}
    assert frameworks.worker_environment("keras-jax", "gpu")["JAX_PLATFORMS"] == "cuda"
    assert frameworks.worker_environment("keras-torch", "cpu") == {"KERAS_BACKEND": "torch",
                                                                   "CUDA_VISIBLE_DEVICES": ""}
    assert frameworks.worker_environment("keras-torch", "gpu") == {"KERAS_BACKEND": "torch"}
    assert frameworks.worker_environment("keras", "cpu") == {"KERAS_BACKEND": "tensorflow"}
    assert frameworks.worker_environment("tensorslow", "gpu") == {"TENSORSLOW_ARRAY_MODULE": "cupy"}
    assert frameworks.worker_environment("tensorslow", "cpu") == {"TENSORSLOW_ARRAY_MODULE": "numpy"}
    assert frameworks.worker_environment("tf1", "gpu") == {}


def _found(**backends):
    """A probe's answer where each named library sees the GPU (True) or not (False); no TPU anywhere."""
    answers = {b: {"gpu": {"available": True, "name": f"{b} GPU"} if sees else
                   {"available": False, "reason": f"{b} sees no GPU"},
                   "tpu": {"available": False, "reason": f"{b} sees no TPU"}} for b, sees in backends.items()}
    return devices.combine(answers)


def test_a_framework_runs_on_the_gpu_only_where_its_own_library_sees_it():
    found = _found(tensorflow=False, jax=True, torch=False, cupy=True)
    assert found["gpu"]["available"] and found["gpu"]["name"] == "jax GPU; cupy GPU"
    to_run, skipped, _ = plan(["mlp_xor"], ["sgd"], ["tensorslow", "tf2", "keras-jax", "keras-torch"], ["gpu", "tpu"],
                              ["float32"], found)
    ran = {(c.framework, c.device) for c in to_run if c.framework != "tf1"}
    assert ran == {("tensorslow", "gpu"), ("keras-jax", "gpu")}
    why = {(c.framework, c.device): r for c, r in skipped.items()}
    assert why[("tf2", "gpu")] == "tf2 computes with tensorflow, which cannot use the GPU: tensorflow sees no GPU"
    assert why[("keras-torch", "gpu")].endswith("torch sees no GPU")
    assert why[("keras-jax", "tpu")] == "tensorflow sees no TPU; jax sees no TPU; torch sees no TPU; cupy sees no TPU"
    # A TPU that JAX lists runs Keras on JAX, and only that (PyTorch and TensorSlow cannot use it).
    tpu = devices.combine({"jax": {"gpu": {"available": False, "reason": "-"}, "tpu": {"available": True,
                                                                                        "name": "TPU v5"}}})
    _, skipped, reported = plan(["mlp_xor"], ["sgd"], ["tensorslow", "keras-jax", "keras-torch"], ["tpu"],
                                ["float32"], tpu)
    assert [c.framework for c in reported if c not in skipped] == ["keras-jax"]
    assert "Keras on a TPU is keras-jax" in skipped[Cell("mlp_xor", "sgd", "keras-torch", "tpu", "float32")]


def test_a_framework_whose_package_is_missing_is_skipped_with_what_to_install(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    _, skipped, _ = plan(["mlp_xor"], ["sgd"], ["keras-torch", "tensorslow"], ["cpu"], ["float64"], CPU_ONLY)
    assert list(skipped.values()) == [
        "keras-torch needs the 'torch' package, which is not installed here (pip install torch)"]


def test_unknown_framework_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        cli_main(["run", "--frameworks", "keras-mxnet", "--devices", "cpu"])
    assert e.value.code == 2 and "unknown framework keras-mxnet" in capsys.readouterr().err
    with pytest.raises(ValueError, match="unknown framework 'keras-mxnet'"):
        frameworks.missing_requirement("keras-mxnet")


def test_probe_of_a_library_that_is_not_installed_says_so():
    if importlib.util.find_spec("cupy") is not None:
        pytest.skip("CuPy is installed here")
    found = devices.probe("cupy")
    assert not found["gpu"]["available"] and found["gpu"]["reason"].startswith("CuPy cannot be imported")
    with pytest.raises(ValueError, match="unknown backend 'mxnet'"):
        devices.probe("mxnet")


def test_backend_differences_set_their_rows_tolerances_visibly_and_no_others():
    f32 = MODEL_CHECK_TOLERANCES["float32"]
    tol, note = row_tolerances(Cell("mlp_xor", "sgd", "keras-torch", "cpu", "float64"))
    assert tol == f32 and "keras.ops.matmul" in note
    tol, note = row_tolerances(Cell("lstm_digits", "sgd", "keras-jax", "cpu", "float64"))
    assert tol == f32 and "keras.ops.tanh" in note
    # Keras on JAX without tanh keeps float64 precision: its tolerances stay float64's.
    tol, note = row_tolerances(Cell("mlp_xor", "sgd", "keras-jax", "cpu", "float64"))
    assert tol == MODEL_CHECK_TOLERANCES["float64"] and note == ""
    tol, note = row_tolerances(Cell("logreg_breast_cancer", "sgd", "keras-jax", "cpu", "float64"))
    assert tol == f32 and "binary cross-entropy in float32" in note
    # A model's architecture brings its own notes: the LSTM layout conversion on Keras rows, none on MLP rows.
    assert "gate columns i, f, c, o" in row_tolerances(Cell("lstm_digits", "sgd", "keras", "cpu", "float32"))[1]
    assert "gate columns" not in row_tolerances(Cell("mlp_xor", "sgd", "keras", "cpu", "float32"))[1]
    # Keras's own documented differences (its Adam) are those of Keras on every backend.
    assert row_tolerances(Cell("mlp_xor", "adam", "keras-jax", "cpu", "float64")) == \
        row_tolerances(Cell("mlp_xor", "adam", "keras", "cpu", "float64"))


@pytest.mark.slow
def test_keras_on_jax_and_torch_match_the_reference(tmp_path, monkeypatch):
    """Real Keras on JAX and on PyTorch, each in its own worker, against TF1's SGD math (NumPy's MLP stands in
    for tf1, so no TensorFlow is imported); the parent's environment keeps no KERAS_BACKEND."""
    for name in ("jax", "torch", "keras"):
        if importlib.util.find_spec(name) is None:
            pytest.skip(f"{name} is not installed")
    script = tmp_path / "stand_in_worker.py"
    script.write_text(STAND_IN_WORKER, encoding="utf-8")
    monkeypatch.setenv("STAND_IN", "tf1")
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    rows = run_matrix(["mlp_xor"], ["sgd"], ["keras-jax", "keras-torch"], ["cpu"], ["float64", "float32"], steps=5,
                      out=tmp_path / "out", progress=False, found=CPU_ONLY, worker=(sys.executable, str(script)),
                      jobs=2)
    by = {(r["framework"], r["dtype"]): r for r in rows}
    for row in rows:
        assert row["status"] == "passed", row["reason"]
    assert by[("keras-jax", "float64")]["forward_err"] < 1e-14  # float64 throughout, on JAX with x64
    assert 1e-10 < by[("keras-torch", "float64")]["forward_err"] < 1e-5  # float32 matmul: the documented note
    assert "keras.ops.matmul" in by[("keras-torch", "float64")]["note"]
    assert "KERAS_BACKEND" not in os.environ
    env = __import__("json").loads((tmp_path / "out" / "environment.json").read_text())
    assert env["jax"] and env["torch"] and env["jobs"] == 2


def test_gpu_check_without_a_reference_or_tensorflow_says_how_to_get_one(tmp_path, monkeypatch, capsys):
    from tensorslow_parity.run import gpu_check
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "tensorflow" else real(name, *a))
    assert gpu_check.usable(tmp_path / "none", gpu_check.models(), gpu_check.STEPS)[0] is False
    assert gpu_check.main(["--reference", str(tmp_path / "none"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "no TensorFlow here to compute one: run `make gpu-reference` on a machine with TensorFlow" in err
    assert not (tmp_path / "out").exists()
    assert set(gpu_check.models()) <= set(gpu_check.MODELS) and "mlp_iris" in gpu_check.models()


@pytest.mark.slow
def test_tensorslow_gpu_row_runs_on_cupy_through_the_seam(tmp_path, monkeypatch):
    """A GPU row of TensorSlow, on CPU: the worker of the gpu cells gets TENSORSLOW_ARRAY_MODULE=cupy, and the
    stand-in CuPy of tests/stand_in_cupy.py (NumPy's numbers in its own device array type) plays CuPy. The row
    passes with the CPU row's numbers, and the worker checked that TensorSlow computed on "cupy"."""
    from pathlib import Path
    script = tmp_path / "gpu_worker.py"
    script.write_text(f"import sys\nsys.path.insert(0, {str(Path(__file__).parent)!r})\nimport stand_in_cupy\n"
                      "sys.modules['cupy'] = stand_in_cupy\n" + STAND_IN_WORKER, encoding="utf-8")
    monkeypatch.setenv("STAND_IN", "tf1")  # TF1's SGD math in NumPy as the reference: no TensorFlow imported
    found = devices.combine({"cupy": {"gpu": {"available": True, "name": "stand-in CuPy"},
                                      "tpu": {"available": False, "reason": "no TPU (test)"}}})
    rows = run_matrix(["mlp_xor"], ["sgd"], ["tensorslow"], ["cpu", "gpu"], ["float64"], steps=4,
                      out=tmp_path / "out", progress=False, found=found, worker=(sys.executable, str(script)))
    cpu, gpu = rows
    assert gpu["device"] == "gpu" and gpu["status"] == "passed", gpu["reason"]
    for column in ("forward_err", "gradients_err", "trajectory_head_err", "weights_err"):
        assert gpu[column] == cpu[column]
