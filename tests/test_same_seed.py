"""``tensorslow-parity run --init same-seed``: TensorSlow and tf1 draw their own initial weights from one seed.

The harness's graph builder sets ``tf.set_random_seed(seed)`` and draws every
weight with a TF1 initializer; TensorSlow and ``tf.compat.v1`` must then start
from the same bits, in float32 and in float64, for every model of the zoo. The
rest: the problem and its file, the ``initial_weights`` check and its rows, the
report, the command's usage errors, a model that cannot be drawn, and one real
run through the framework subprocesses (slow).
"""
import json
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tensorslow_parity import cli, schema  # noqa: E402
from tensorslow_parity import frameworks as fw  # noqa: E402
from tensorslow_parity.initializers import BIAS_LIMIT, SAME_SEED, SameSeed, same_seed_weights  # noqa: E402
from tensorslow_parity.models import zoo  # noqa: E402
from tensorslow_parity.models.problem import make_problem, same_seed_problem  # noqa: E402
from tensorslow_parity.run.matrix import build_rows, run_matrix  # noqa: E402
from tensorslow_parity.run.subprocesses import Cell, Outcome  # noqa: E402
from tensorslow_parity.run.worker import load_problem, run_cell  # noqa: E402

CPU_ONLY = {"cpu": {"available": True, "name": "test CPU"},
            "gpu": {"available": False, "reason": "no GPU (test)"},
            "tpu": {"available": False, "reason": "no TPU (test)"}}


@pytest.fixture(scope="module")
def problems():
    """Every zoo model's problem in same-seed mode (3 steps)."""
    return {name: same_seed_problem(make_problem(zoo.get(name), 3)) for name in zoo.MODELS}


def _starting_weights(framework, problem, dtype):
    spec = problem.spec
    model = fw.load(framework)(spec, spec.optimizer("sgd"), problem.same_seed(), np.dtype(dtype), "cpu")
    try:
        return model.get_weights()
    finally:
        model.close()


# -- the draw ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", schema.DTYPES)
@pytest.mark.parametrize("model", list(zoo.MODELS))
def test_tensorslow_and_tf1_draw_the_same_bits(problems, model, dtype):
    problem = problems[model]
    ours, theirs = _starting_weights("tensorslow", problem, dtype), _starting_weights("tf1", problem, dtype)
    assert [w.dtype for w in ours] == [w.dtype for w in theirs] == [np.dtype(dtype)] * len(problem.weights)
    for name, a, b, draw in zip(problem.variable_names, ours, theirs, problem.draws[dtype], strict=True):
        assert np.array_equal(a.view(f"u{a.itemsize}"), b.view(f"u{b.itemsize}")), (model, dtype, name)
        assert np.array_equal(a, draw), (model, dtype, name)  # the parent's draw: what every row is checked against


@pytest.mark.parametrize("dtype", schema.DTYPES)
def test_the_draw_is_tf1s_glorot_and_uniform_initializers_with_derived_op_seeds(dtype):
    """Written out in plain TF1: kernel and bias of each layer in turn take op seeds 0, 1, 2, ... of the graph."""
    import tensorflow.compat.v1 as tf
    widths, seed = (64, 16, 3), 7
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        expected, op_seed = [], 0
        for fan_in, fan_out in zip(widths[:-1], widths[1:]):
            limit = np.sqrt(3.0 * (1.0 / ((fan_in + fan_out) / 2.0)))  # VarianceScaling's recipe and rounding
            expected.append(tf.random_uniform([fan_in, fan_out], -limit, limit, dtype=dtype, seed=op_seed))
            expected.append(tf.random_uniform([fan_out], -BIAS_LIMIT, BIAS_LIMIT, dtype=dtype, seed=op_seed + 1))
            op_seed += 2
        with tf.Session() as session:
            expected = session.run(expected)
    for got, want in zip(same_seed_weights(seed, widths, dtype), expected, strict=True):
        assert got.dtype == want.dtype and np.array_equal(got, want)


def test_float32_and_float64_draw_different_numbers_from_one_seed(problems):
    w32, w64 = problems["mlp_iris"].draws["float32"][0], problems["mlp_iris"].draws["float64"][0]
    assert w32.dtype == np.float32 and w64.dtype == np.float64
    assert not np.allclose(w32, w64, atol=1e-3)  # not a rounding: one Philox word per value, or two


def test_a_float64_model_can_start_from_the_float32_draw(problems):
    """The float64 reference of a float32 row draws in float32 and casts: it starts where the row starts."""
    problem = problems["mlp_xor"]
    spec = problem.spec
    model = fw.load("tensorslow")(spec, spec.optimizer("sgd"), problem.same_seed("float32"), np.float64, "cpu")
    try:
        got = model.get_weights()
    finally:
        model.close()
    for w, draw in zip(got, problem.draws["float32"], strict=True):
        assert w.dtype == np.float64 and np.array_equal(w, draw.astype(np.float64))


def test_only_the_graph_builders_draw_and_the_others_load_tensorslows_draw(problems):
    assert set(fw.DRAWS_SAME_SEED) == {name for name in fw.MODEL_CLASSES if fw.load(name).draws_same_seed}
    problem = problems["perceptron_blobs"]
    spec = problem.spec
    out = run_cell(fw.load("tf2"), spec, spec.optimizer("sgd"), problem, "float32", "cpu")
    for i, draw in enumerate(problem.draws["float32"]):
        assert np.array_equal(out[f"init_{i}"], draw)


# -- the problem and its file --------------------------------------------------------------------------------

def test_same_seed_problem_keeps_data_and_batches_and_carries_the_seed(problems, tmp_path):
    injected = make_problem(zoo.get("mlp_digits"), 3)
    problem = problems["mlp_digits"]
    assert problem.init == SAME_SEED and np.array_equal(problem.batches, injected.batches)
    assert np.array_equal(problem.data.x_train, injected.data.x_train)
    assert problem.same_seed() == SameSeed(zoo.get("mlp_digits").seed, (64, 128, 64, 10))
    arrays = problem.to_arrays()
    assert int(arrays["init_seed"]) == problem.spec.seed and not any(k.startswith("weight_") for k in arrays)
    path = tmp_path / "problem.npz"
    np.savez(path, **arrays)
    loaded = load_problem(problem.spec, path)
    assert loaded.init == SAME_SEED and loaded.same_seed() == problem.same_seed()
    for dtype in schema.DTYPES:
        assert all(np.array_equal(a, b) and a.dtype == b.dtype
                   for a, b in zip(loaded.draws[dtype], problem.draws[dtype], strict=True))


# -- rows: the initial_weights check -------------------------------------------------------------------------

VARIABLES = ["w", "b"]
DRAWS = {"float32": [np.full((2, 2), 0.25, np.float32), np.array([0.5, -0.5], np.float32)],
         "float64": [np.full((2, 2), 0.3), np.array([0.1, -0.1])]}


def _outputs(start):
    return {"init_0": np.asarray(start[0], np.float64), "init_1": np.asarray(start[1], np.float64),
            "forward": np.ones((4, 2)), "loss0": np.array(0.7), "grad_0": np.ones((2, 2)), "grad_1": np.ones(2),
            "losses": np.linspace(1.0, 0.5, 12), "step_times": np.full(12, 1e-3), "final_0": np.ones((2, 2)),
            "final_1": np.ones(2), "train_accuracy": np.array(0.75), "test_accuracy": np.array(0.5)}


def _rows(cells, starts):
    outcomes = {}
    for cell in cells + [c.reference() for c in cells]:
        outcomes[cell.id] = Outcome(outputs=_outputs(starts.get(cell.id, DRAWS[cell.draw or cell.dtype])))
    meta = {"mlp_xor": dict(steps=12, batch_size=4, n_params=6, variables=VARIABLES, draws=DRAWS)}
    results, _, _ = build_rows(cells, {}, outcomes, meta)
    return {(r["framework"], r["dtype"]): r for r in results}


def test_rows_record_the_init_and_pass_the_bitwise_check():
    cells = [Cell("mlp_xor", "sgd", f, "cpu", t, init=SAME_SEED) for f in ("tensorslow", "tf1", "tf2")
             for t in schema.DTYPES]
    rows = _rows(cells, {})
    assert {k: r["init"] for k, r in rows.items() if k[1] == "float32"} == {
        ("tensorslow", "float32"): "same-seed", ("tf1", "float32"): "same-seed",
        ("tf2", "float32"): "same-seed draw, injected"}
    for row in rows.values():
        assert row["status"] == "passed", row["reason"]
        assert (row["initial_weights_err"], row["initial_weights_tol"], row["initial_weights_pass"]) == (0.0, 0.0, True)
    # The float32 rows are compared with a float64 reference that drew in float32.
    assert cells[0].reference().id == "mlp_xor/sgd/tf1/cpu/float64@draw-float32"


def test_a_start_one_ulp_off_fails_the_initial_weights_check_by_name():
    cell = Cell("mlp_xor", "sgd", "tf1", "cpu", "float32", init=SAME_SEED)
    off = [DRAWS["float32"][0], np.nextafter(DRAWS["float32"][1], np.float32(1))]
    row = _rows([cell], {cell.id: off})[("tf1", "float32")]
    assert row["status"] == "failed" and row["reason"].startswith("initial_weights: ")
    assert 0 < row["initial_weights_err"] < 1e-6 and row["forward_pass"] is True


def test_a_reference_that_drew_other_weights_makes_the_rows_errors_naming_it():
    cells = [Cell("mlp_xor", "sgd", "tensorslow", "cpu", t, init=SAME_SEED) for t in schema.DTYPES]
    drifted = {c.reference().id: [w + 1 for w in DRAWS[c.reference().draw or "float64"]] for c in cells}
    rows = _rows(cells, drifted)
    for dtype in schema.DTYPES:
        row = rows[("tensorslow", dtype)]
        assert row["status"] == "error" and "did not start from the same-seed draw" in row["reason"]
        assert "tf1/cpu/float64" in row["reason"]


def test_injected_rows_leave_the_initial_weights_check_empty():
    cell = Cell("mlp_xor", "sgd", "tensorslow", "cpu", "float64")
    outcomes = {c.id: Outcome(outputs=_outputs(DRAWS["float64"])) for c in (cell, cell.reference())}
    meta = {"mlp_xor": dict(steps=12, batch_size=4, n_params=6, variables=VARIABLES)}
    (row,), _, _ = build_rows([cell], {}, outcomes, meta)
    assert row["init"] == "injected" and row["status"] == "passed"
    assert row["initial_weights_err"] is row["initial_weights_tol"] is row["initial_weights_pass"] is None


# -- the command ---------------------------------------------------------------------------------------------

def test_an_unknown_init_mode_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["run", "--init", "numpy", "--out", str(tmp_path / "out")])
    assert e.value.code == 2 and "--init: invalid choice: 'numpy'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    with pytest.raises(ValueError, match="unknown init mode 'numpy'"):
        run_matrix(["mlp_xor"], ["sgd"], ["tensorslow"], ["cpu"], ["float64"], out=tmp_path / "x", init="numpy")


def test_a_model_that_cannot_be_drawn_gives_error_rows_not_a_crash(tmp_path, monkeypatch):
    import tensorslow_parity.models.problem as problem_module

    def cannot_draw(seed, widths, dtype):
        raise ValueError(f"no initializer for widths {widths}")
    monkeypatch.setattr(problem_module, "same_seed_weights", cannot_draw)
    out = tmp_path / "results"
    rows = run_matrix(["mlp_xor"], ["sgd"], ["tensorslow", "tf2"], ["cpu", "gpu"], ["float32"], steps=3, out=out,
                      progress=False, found=CPU_ONLY, init=SAME_SEED)
    by = {(r["framework"], r["device"]): r for r in rows}
    for framework in ("tensorslow", "tf2"):
        row = by[(framework, "cpu")]
        assert row["status"] == "error" and row["init"] != "injected"
        assert row["reason"].startswith("same-seed: TensorSlow cannot draw the initial weights of 'mlp_xor' from "
                                        "seed 2: ValueError: no initializer for widths (2, 2, 2)")
    assert by[("tf2", "gpu")]["status"] == "skipped"
    assert json.loads((out / schema.ENVIRONMENT).read_text())["init"] == SAME_SEED


def test_a_results_file_from_before_the_init_column_reads_as_injected(tmp_path, monkeypatch):
    from tensorslow_parity.report.data import load, measured_checks
    from tensorslow_parity.run import matrix
    old = [c for c in schema.RESULTS_COLUMNS if c not in schema.ADDED_COLUMNS[schema.RESULTS]]
    cell = Cell("mlp_xor", "sgd", "tensorslow", "cpu", "float64")
    outcomes = {c.id: Outcome(outputs=_outputs(DRAWS["float64"])) for c in (cell, cell.reference())}
    meta = {"mlp_xor": dict(steps=12, batch_size=4, n_params=6, variables=VARIABLES)}
    results, gradients, trajectories = build_rows([cell], {}, outcomes, meta)
    results = [{k: v for k, v in r.items() if k in old} for r in results]
    monkeypatch.setattr(schema, "RESULTS_COLUMNS", old)
    matrix.write_results(tmp_path, results, gradients, trajectories, {"command": "tensorslow-parity run"})
    monkeypatch.undo()
    data = load(tmp_path)
    assert list(data.results["init"]) == ["injected"] and data.results["initial_weights_pass"][0] is None
    assert "initial_weights" not in [c.name for c in measured_checks(data.results)] and not data.warnings


# -- one real run, through the framework subprocesses --------------------------------------------------------

@pytest.mark.slow
def test_run_same_seed_passes_every_check_and_the_report_says_so(tmp_path, capsys):
    out = tmp_path / "results"
    code = cli.main(["run", "--init", "same-seed", "--models", "mlp_xor", "--frameworks", "tensorslow,tf1",
                     "--optimizers", "sgd", "--devices", "cpu", "--steps", "3", "--out", str(out), "--no-progress"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    from tensorslow_parity.report.data import load
    data = load(out)
    results = data.results
    assert len(results) == 4 and set(results["status"]) == {"passed"}
    assert set(results["init"]) == {"same-seed"} and data.environment["init"] == SAME_SEED
    assert list(results["initial_weights_err"]) == [0.0] * 4 and list(results["initial_weights_tol"]) == [0.0] * 4
    ts64 = results[(results["framework"] == "tensorslow") & (results["dtype"] == "float64")].iloc[0]
    assert ts64["forward_err"] < 1e-14 and ts64["gradients_err"] < 1e-13
    assert cli.main(["report", str(out)]) == 0
    md = (out / "report.md").read_text()
    assert "Initial weights: tensorslow, tf1: same-seed (" in md
    assert "| initial_weights | same-seed mode only:" in md and "| initial_weights check |" in md
