"""The speed benchmark: its engines compute the same math as the NumPy reference (and it as TensorSlow); the
course run's processes, skipped engines, noise marks and target verdicts; bench.csv's structure, skipped devices,
failing frameworks and the command line. No timed assertions: only structure and relations."""
import dataclasses
import json
import os
import re
import time

import numpy as np
import pytest

from tensorslow_parity import frameworks, schema
from tensorslow_parity.bench import course, engines, sweeps, verdicts
from tensorslow_parity.bench.points import COURSE, FULL, QUICK, Point
from tensorslow_parity.bench.timing import Spread, fmt_seconds, rotated
from tensorslow_parity.bench.worker import serve
from tensorslow_parity.files import read_csv
from tensorslow_parity.frameworks.numpy_mlp import NumpyMLP
from tensorslow_parity.models.zoo import ModelSpec
from tensorslow_parity.optimizers import OptimizerSpec

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

NO_GPU = "TensorFlow lists no GPU (tf.config.list_physical_devices('GPU') is empty)"
FOUND = {"cpu": {"available": True, "name": "test CPU (2 cores)"},
         "gpu": {"available": False, "reason": NO_GPU},
         "tpu": {"available": True, "name": "TPU with 8 cores"}}
POINT = Point(batch_size=8, width=4, depth=1, n_in=3, n_out=3)


@pytest.fixture(scope="module", autouse=True)
def _quiet_jax_at_exit():
    """After these tests, drop JAX's gc callback: pytest-xdist ends a worker process by interrupting it, and
    an interrupt that lands in that callback is printed as an unraisable-exception warning."""
    yield
    import gc
    import sys
    if "jax" in sys.modules:
        gc.callbacks[:] = [cb for cb in gc.callbacks if not getattr(cb, "__module__", "").startswith("jax")]


def tiny_config(frameworks, devices=("cpu",), dtypes=("float64",)):
    """One point of one sweep, two rounds of 1 ms blocks after one warm-up call."""
    return sweeps.BenchConfig({"batch": [POINT]}, frameworks=frameworks, dtypes=dtypes, devices=devices,
                              repeats=2, block_time=0.001, warmup=1, processes=False, retries=0)


def rows_by(rows, *keys):
    return {tuple(r[k] for k in keys): r for r in rows}


def mlp_problem(hidden, activation, seed=7, batch=16, lr=0.3):
    rng = np.random.default_rng(seed)
    spec = ModelSpec("t", "t", "synthetic", hidden, activation, "softmax", batch_size=batch, steps=1,
                     learning_rates={"sgd": lr})
    widths = (4, *hidden, 3)
    weights = [a for fan_in, fan_out in zip(widths[:-1], widths[1:])
               for a in (rng.uniform(-1, 1, (fan_in, fan_out)), rng.uniform(-0.1, 0.1, fan_out))]
    x, y = rng.standard_normal((batch, 4)), np.eye(3)[rng.integers(0, 3, batch)]
    return spec, OptimizerSpec("sgd", lr), weights, x, y


def assert_same_step(model, reference, x, y, weights, tol):
    """Logits, loss, every gradient, the loss a step returns and the weights after it agree to ``tol``
    (relative to the reference's largest entry), in the model's dtype."""
    dtype = reference.dtype

    def close(a, b):
        assert np.asarray(a).dtype == dtype
        assert np.max(np.abs(np.asarray(a) - b)) <= tol * max(1.0, np.max(np.abs(b)))

    xd, yd = x.astype(dtype), y.astype(dtype)
    close(model.forward(xd), reference.forward(xd))
    loss, grads = model.loss_and_gradients(xd, yd)
    loss_ref, grads_ref = reference.loss_and_gradients(xd, yd)
    close(loss, loss_ref)
    assert len(grads) == len(grads_ref) == len(weights)
    for g, g_ref in zip(grads, grads_ref):
        close(g, g_ref)
    close(model.train_step(xd, yd), reference.train_step(xd, yd))  # the loss before the update
    for w, w_ref, w0 in zip(model.get_weights(), reference.get_weights(), weights):
        assert not np.array_equal(w_ref, w0.astype(dtype))
        close(w, w_ref)


# -- the engines compute the same math ------------------------------------------------------------------

@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
@pytest.mark.parametrize("hidden", [(), (5,), (6, 3, 4)])
def test_numpy_reference_is_tensorslows_math(activation, hidden):
    """Logits, loss, every gradient and the weights after one SGD step agree with TensorSlow to ~1e-12."""
    spec, optimizer, weights, x, y = mlp_problem(hidden, activation)
    ours = NumpyMLP(spec, optimizer, weights, "float64", "cpu")
    ts = frameworks.load("tensorslow")(spec, optimizer, weights, "float64", "cpu")
    assert_same_step(ours, ts, x, y, weights, 1e-12)
    ts.close()


@pytest.mark.parametrize("engine", ["torch", "jax"])
@pytest.mark.parametrize("dtype, tol", [("float64", 1e-12), ("float32", 2e-6)])
@pytest.mark.parametrize("hidden, activation", [((), "relu"), ((2,), "sigmoid"), ((6, 5), "relu"), ((5,), "tanh")])
def test_torch_and_jax_steps_are_numpys_math(engine, dtype, tol, hidden, activation):
    """PyTorch eager and JAX jit: the same logits, loss, gradients and updated weights as the NumPy reference."""
    pytest.importorskip(engine)
    spec, optimizer, weights, x, y = mlp_problem(hidden, activation)
    model = engines.model_class(engine)(spec, optimizer, weights, dtype, "cpu")
    assert_same_step(model, NumpyMLP(spec, optimizer, weights, dtype, "cpu"), x, y, weights, tol)


def test_reference_engines_keep_float32_and_refuse_what_they_do_not_compute():
    weights, x, y, _, _ = POINT.problem()
    for engine in ("numpy", "torch", "jax"):
        if engines.missing_reason(engine):
            continue
        cls = engines.model_class(engine)
        model = cls(POINT.spec(), OptimizerSpec("sgd", 0.1), weights, "float32", "cpu")
        x32, y32 = x.astype(np.float32), y.astype(np.float32)
        assert model.forward(x32).dtype == np.float32 and model.train_step(x32, y32).dtype == np.float32
        assert all(w.dtype == np.float32 for w in model.get_weights())
        with pytest.raises(ValueError, match="sgd"):
            cls(POINT.spec(), OptimizerSpec("adam", 0.1), weights, "float64", "cpu")
        with pytest.raises(ValueError, match="CPU only"):
            cls(POINT.spec(), OptimizerSpec("sgd", 0.1), weights, "float64", "gpu")


# -- the course run: targets, noise, skipped engines ------------------------------------------------------

def fake_result(medians, engines_run=engines.ENGINES, spread=1.0, status=None):
    """A CourseResult at every case with each engine's rounds at ``medians[engine]`` seconds: t, t and
    ``spread`` x t (quartiles (1 + spread) / 2 apart); ``status`` maps an engine to (status, reason)."""
    config = course.CourseConfig(engines=tuple(engines_run))
    measurements = {}
    for engine in engines_run:
        for case in config.cases:
            if status and engine in status:
                measurements[engine, case.key] = course.Measurement(*status[engine])
            else:
                t = medians[engine]
                measurements[engine, case.key] = course.Measurement(times=[t, t, t * spread], loss=0.5)
    return course.CourseResult(config, measurements, {e: "test" for e in engines_run}, {})


GOOD = {"numpy": 30e-6, "tensorslow": 35e-6, "jax": 80e-6, "torch": 130e-6, "tf1": 200e-6, "tf2": 200e-6,
        "keras": 800e-6}


def test_targets_pass_on_passing_figures_and_fail_on_failing_ones():
    found = verdicts.verdicts(fake_result(GOOD))
    assert [v.status for v in found] == ["PASS"] * len(course.TARGETS) and verdicts.exit_status(found) == 0
    assert "tensorslow 35.0 µs / numpy 30.0 µs = 1.17x (target <= 1.5x" in found[0].line()

    slow = verdicts.verdicts(fake_result(GOOD | {"tensorslow": 100e-6}))
    by = {(v.target.baseline, v.target.case.key): v for v in slow}
    assert by["numpy", course.CASES[0].key].status == "FAIL" and "= 3.33x (target <= 1.5x" in by[
        "numpy", course.CASES[0].key].line()
    assert by["jax", course.CASES[0].key].status == "FAIL"  # 100 µs is not faster than JAX's 80
    assert by["torch", course.CASES[0].key].status == "PASS"
    assert verdicts.exit_status(slow) == 1
    assert "FAIL" in verdicts.targets_text(slow) and "4 fail" in verdicts.targets_text(slow)


def test_faster_than_is_strict():
    tie = verdicts.verdicts(fake_result(GOOD | {"tf1": GOOD["tensorslow"]}))
    assert {v.target.baseline: v.status for v in tie if v.target.strict}["tf1"] == "FAIL"


def test_a_target_whose_engine_is_missing_says_so_and_is_no_pass():
    result = fake_result(GOOD, status={"torch": ("skipped", "torch is not installed (the bench extra)")})
    found = verdicts.verdicts(result)
    torch_target = next(v for v in found if v.target.baseline == "torch")
    assert torch_target.status == "UNCHECKED"
    assert "needs torch, which is skipped: torch is not installed (the bench extra)" in torch_target.line()
    assert verdicts.exit_status(found) == 1
    text = verdicts.report(result)
    assert "torch skipped: torch is not installed (the bench extra) (every case)" in text
    assert "PyTorch eager" in text and "skipped" in text.split("PyTorch eager")[1].splitlines()[0]
    # Left out on purpose (--engines): not run, not a failure.
    deselected = verdicts.verdicts(fake_result(GOOD, engines_run=[e for e in engines.ENGINES if e != "torch"]))
    assert {v.status for v in deselected} == {"PASS", "NOT RUN"} and verdicts.exit_status(deselected) == 0


def test_noisy_figures_are_marked_in_the_table_and_the_verdict():
    result = fake_result(GOOD, spread=2.0)
    result.attempts = {course.CASES[0].key: 3}
    line = verdicts.verdicts(result)[0].line()
    noisy = "[noisy after 3 attempts: tensorslow quartiles 1.50x apart, numpy quartiles 1.50x apart]"
    assert line.startswith("PASS") and noisy in line
    assert "35.0 µs*" in verdicts.report(result)
    assert "35.0 µs*" not in verdicts.report(fake_result(GOOD, spread=1.2))


def test_report_has_every_engine_and_case_with_ratios():
    text = verdicts.report(fake_result(GOOD))
    for title in engines.TITLES.values():
        assert title in text
    for case in course.CASES:
        assert case.short() in text
    ratio_rows = {line.split("  ")[0]: line for line in text.split("ratio to NumPy")[1].splitlines()[1:8]}
    assert "1.17x" in ratio_rows["TensorSlow"] and "26.67x" in ratio_rows["Keras train_on_batch"]
    assert "0.86x" in text.split("ratio to TensorSlow")[1].splitlines()[1]  # NumPy / TensorSlow


def test_loss_check_holds_engines_to_the_model_tolerance():
    assert course.loss_check(0.5 + 1e-14, 0.5, "float64") is None
    assert "relative error" in course.loss_check(0.5 + 1e-9, 0.5, "float64")
    assert course.loss_check(np.float32(0.5) + 1e-7, 0.5, "float32") is None
    assert course.loss_check(float("nan"), 0.5, "float32") is not None


def test_spread_rotation_and_formatting():
    s = Spread.of([3.0, 1.0, 2.0, 10.0, 2.5])  # one disturbed round
    assert (s.median, s.min, s.max, s.rounds) == (2.5, 1.0, 10.0, 5)
    assert (s.lower_quartile, s.upper_quartile, s.ratio) == (2.0, 3.0, 1.5)
    assert s.noisy(1.25) and not s.noisy(1.5)
    assert Spread.of([2.0]).ratio == 1.0
    assert rotated("abc", 1) == list("bca") and rotated("abc", 4) == list("bca") and rotated([], 2) == []
    assert [fmt_seconds(t) for t in (52.13e-6, 2.414e-3, 1.2, 150e-6)] == ["52.1 µs", "2.41 ms", "1.20 s", "150 µs"]


def test_engine_availability_and_thread_pinning_environment(monkeypatch):
    assert engines.missing_reason("numpy") is None
    monkeypatch.setitem(engines.REQUIRES, "jax", ("no_such_module_for_this_test",))
    assert engines.missing_reason("jax") == "no_such_module_for_this_test is not installed"
    env = engines.thread_environment(1)
    assert env["OPENBLAS_NUM_THREADS"] == env["OMP_NUM_THREADS"] == env["TF_NUM_INTRAOP_THREADS"] == "1"
    assert "intra_op_parallelism_threads=1" in env["XLA_FLAGS"]


def test_worker_builds_times_and_reports_errors_in_process(tmp_path):
    """The worker's request loop, driven in this process: a build answers the first-step loss (NumPy's loss
    of the shared problem) and a block size; a time request a per-step time; bad requests an error."""
    case = course.Case(POINT, "float64")
    problems = course.write_problems([case], tmp_path, seed=0)
    weights, x, y, _, _ = POINT.problem(0, epoch_batches=0)
    expected = NumpyMLP(POINT.spec(), POINT.optimizer(), weights, "float64", "cpu").train_step(x, y)
    requests = [{"cmd": "build", "case": case.key, "point": dataclasses.asdict(POINT), "dtype": "float64",
                 "problem": problems[case.key], "warmup": 1, "block_time": 0.001},
                {"cmd": "time", "case": case.key, "calls": 3, "limit": 1.0},
                {"cmd": "time", "case": "no/such/case", "calls": 3, "limit": 1.0},
                {"cmd": "fly"}, {"cmd": "quit"}, {"cmd": "time", "case": case.key, "calls": 1, "limit": 1.0}]
    replies = []
    assert serve("numpy", 1, (json.dumps(r) for r in requests), replies.append) == 0
    hello, build, timed, unknown_case, unknown_command = replies  # nothing after quit
    assert hello["ok"] and "numpy" in hello["versions"]
    assert build["ok"] and build["loss"] == pytest.approx(float(expected), rel=1e-15) and build["calls"]["train"] >= 1
    assert timed["ok"] and 0 < timed["seconds"] < 1
    assert unknown_case == {"ok": False, "error": "KeyError: 'no/such/case'"}
    assert unknown_command["ok"] is False and "unknown command 'fly'" in unknown_command["error"]


@pytest.mark.slow
def test_course_run_in_worker_processes(monkeypatch):
    """A tiny course run: NumPy, TensorSlow and PyTorch each in a worker process, an engine that is not
    installed skipped with the reason; the shared first-step loss agrees; targets judged on real figures."""
    monkeypatch.setitem(engines.REQUIRES, "jax", ("no_such_module_for_this_test",))
    cases = (course.Case(POINT, "float64"), course.Case(POINT, "float32"))
    targets = (course.Target(cases[0], "tensorslow", "numpy", 1000.0),
               course.Target(cases[0], "tensorslow", "jax", 1.0, strict=True))
    run = ("numpy", "tensorslow", "torch", "jax") if not engines.missing_reason("torch") else ("numpy", "tensorslow",
                                                                                               "jax")
    config = course.CourseConfig(engines=run, cases=cases, rounds=2, block_time=0.002, warmup=1, retries=1,
                                 targets=targets)
    result = course.run_course(config)
    for engine in run[:-1]:
        assert re.search(r"\b1 (intra-op )?thread\b", result.engines[engine]), result.engines[engine]
        for case in cases:
            m = result.get(engine, case)
            assert m.status == "ok", m.reason
            # 2 rounds, and 2 more if the busy machine made this engine noisy (retries=1)
            assert len(m.times) in (2, 4) and all(t > 0 for t in m.times) and m.calls >= 1
            assert m.loss == pytest.approx(result.get("numpy", case).loss, rel=1e-5)
    assert result.engines["jax"] == "skipped: no_such_module_for_this_test is not installed"
    assert result.get("jax", cases[0]).status == "skipped"
    found = verdicts.verdicts(result)
    assert [v.status for v in found] == ["PASS", "UNCHECKED"]
    assert "no_such_module_for_this_test is not installed" in found[1].line()
    assert verdicts.exit_status(found) == 1


@pytest.mark.slow
def test_a_worker_whose_engine_fails_to_load_answers_the_error():
    from tensorslow_parity.bench.workers import EngineWorker
    worker = EngineWorker("no_such_engine", 1)
    try:
        hello = worker.ready(timeout=120)
    finally:
        worker.close()
    assert hello["ok"] is False and "no_such_engine" in hello["error"]


# -- the sweeps: bench.csv ---------------------------------------------------------------------------------

def test_tiny_run_writes_bench_csv(tmp_path):
    rows = sweeps.run_bench(tiny_config(("numpy", "tensorslow", "tf1")), out=tmp_path, found=FOUND)
    df = read_csv(tmp_path / schema.BENCH, schema.BENCH_COLUMNS)
    assert list(df.columns) == schema.BENCH_COLUMNS and len(df) == len(rows) == 3 * 2
    assert set(df["status"]) == {"ok"}, df["reason"].tolist()
    assert set(zip(df["framework"], df["phase"])) == {(f, p) for f in ("numpy", "tensorslow", "tf1")
                                                      for p in ("train", "forward")}
    assert (df["sweep"] == "batch").all() and (df["device"] == "cpu").all() and (df["dtype"] == "float64").all()
    assert (df["batch_size"] == 8).all() and (df["width"] == 4).all() and (df["depth"] == 1).all()
    assert (df["n_params"] == 3 * 4 + 4 + 4 * 3 + 3).all() and (df["repeats"] == 2).all()
    assert (df["time_min_s"] > 0).all()
    assert (df["time_min_s"] <= df["time_median_s"]).all() and (df["time_median_s"] <= df["time_max_s"]).all()
    assert df["machine"].str.startswith("test CPU (2 cores), ").all()
    assert not df["machine"].str.contains("malloc").any()  # no process-wide memory settings


def test_absent_and_unsupported_devices_give_skipped_rows_with_reasons():
    rows = sweeps.run_bench(tiny_config(("numpy", "tf1"), devices=("cpu", "gpu", "tpu")), found=FOUND)
    by = rows_by(rows, "framework", "device", "phase")
    assert len(rows) == 2 * 3 * 2
    for phase in ("train", "forward"):
        for device in ("gpu", "tpu"):
            assert by["numpy", device, phase]["status"] == "skipped"
            assert "CPU only" in by["numpy", device, phase]["reason"]
        assert by["tf1", "gpu", phase]["status"] == "skipped" and by["tf1", "gpu", phase]["reason"] == NO_GPU
        # A TPU is present here, but a tf.compat.v1 Session cannot use it.
        assert by["tf1", "tpu", phase]["status"] == "skipped" and "TPU" in by["tf1", "tpu", phase]["reason"]
        assert by["numpy", "cpu", phase]["status"] == by["tf1", "cpu", phase]["status"] == "ok"
    assert all(r["time_median_s"] is None for r in rows if r["status"] == "skipped")


class Unbuildable(NumpyMLP):
    def __init__(self, *args):
        raise RuntimeError("no graph today")


class TrainFails(NumpyMLP):
    calls = 0

    def train_step(self, x, y):
        # Fails in the timed rounds, after a good warm-up call.
        self.calls += 1
        if self.calls > 1:
            raise FloatingPointError("the step overflowed")
        return super().train_step(x, y)


def test_a_failing_framework_gives_error_rows_and_the_rest_completes(tmp_path):
    classes = {"tensorslow": TrainFails, "keras": Unbuildable}
    rows = sweeps.run_bench(tiny_config(("numpy", "tensorslow", "keras", "keras_fit")), out=tmp_path, found=FOUND,
                            classes=classes)
    by = rows_by(rows, "framework", "phase")
    assert by["numpy", "train"]["status"] == by["numpy", "forward"]["status"] == "ok"
    assert by["tensorslow", "forward"]["status"] == "ok"
    assert by["tensorslow", "train"]["status"] == "error"
    assert by["tensorslow", "train"]["reason"] == "FloatingPointError: the step overflowed"
    # keras_fit runs on the keras model, so it reports the same failure.
    for key in [("keras", "train"), ("keras", "forward"), ("keras_fit", "epoch"), ("keras_fit", "train")]:
        assert by[key]["status"] == "error" and by[key]["reason"] == "RuntimeError: no graph today"
    assert len(read_csv(tmp_path / schema.BENCH)) == len(rows) == 8


def test_tf2_keras_and_keras_fit_rows(tensorflow):
    from tensorslow_parity.bench.points import FIT_STEPS
    rows = sweeps.run_bench(tiny_config(("tf2", "keras", "keras_fit"), dtypes=("float32",)), found=FOUND)
    by = rows_by(rows, "framework", "phase")
    assert {r["status"] for r in rows} == {"ok"}, [r["reason"] for r in rows]
    assert set(by) == {("tf2", "train"), ("tf2", "forward"), ("keras", "train"), ("keras", "forward"),
                       ("keras_fit", "epoch"), ("keras_fit", "train")}
    epoch, step = by["keras_fit", "epoch"], by["keras_fit", "train"]
    for stat in ("time_min_s", "time_median_s", "time_max_s"):
        assert step[stat] == pytest.approx(epoch[stat] / FIT_STEPS)


def test_sweeps_and_points():
    for points in (QUICK, FULL):
        assert list(points) == ["batch", "width", "depth", "model"]
        assert points["model"] == [COURSE]
        assert [p.batch_size for p in points["batch"]] == sorted(p.batch_size for p in points["batch"])
    assert [p.batch_size for p in FULL["batch"]][::len(FULL["batch"]) - 1] == [1, 4096]
    assert [p.width for p in FULL["width"]][::len(FULL["width"]) - 1] == [2, 1024]
    assert [p.depth for p in FULL["depth"]][::len(FULL["depth"]) - 1] == [1, 8]
    assert COURSE.widths == (2, 2, 2) and COURSE.n_params == 12 and COURSE.batch_size == 100
    # The course run's cases: the DESIGN.md table, sigmoid for the course MLP, ReLU for the 64-* ones.
    assert [(c.point.shape, c.point.activation, c.point.batch_size, c.dtype) for c in course.CASES] == [
        ("2-2-2", "sigmoid", 100, "float64"), ("2-2-2", "sigmoid", 100, "float32"),
        ("64-128-10", "relu", 256, "float32"), ("64-512-10", "relu", 1024, "float32"),
        ("64-512-10", "relu", 1024, "float64")]
    # Points shared by sweeps are timed once per dtype.
    config = sweeps.quick_config()
    jobs = config.jobs()
    assert len(jobs) == len(set(jobs)) < sum(map(len, config.sweeps.values())) * len(config.dtypes)


@pytest.mark.slow
def test_cli_quick(tmp_path, capsys):
    from tensorslow_parity import cli
    status = cli.main(["bench", "--quick", "--frameworks", "numpy,tensorslow", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    df = read_csv(tmp_path / schema.BENCH, schema.BENCH_COLUMNS)
    assert set(df["sweep"]) == {"batch", "width", "depth", "model"}
    assert set(df.loc[df["device"] == "cpu", "status"]) == {"ok"}
    assert set(df.loc[df["device"] != "cpu", "status"]) == {"skipped"}
    assert set(df["dtype"]) == set(schema.DTYPES)
    assert "batch sweep: median time per call" in out and "Scaling fit" in out
    assert "the course's 2-2-2 sigmoid MLP at batch 100, train, float64: TensorSlow" in out


def test_cli_rejects_unknown_framework_engine_and_bad_numbers(tmp_path):
    from tensorslow_parity import cli
    with pytest.raises(SystemExit, match="unknown framework mxnet"):
        cli.main(["bench", "--quick", "--frameworks", "numpy,mxnet", "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match="unknown engine mxnet"):
        cli.main(["bench", "--course", "--engines", "numpy,mxnet"])
    with pytest.raises(SystemExit, match="--threads must be at least 1"):
        cli.main(["bench", "--course", "--threads", "0"])
    with pytest.raises(SystemExit, match="--noise-threshold must be greater than 1"):
        cli.main(["bench", "--course", "--noise-threshold", "0.5"])


def test_cli_refuses_an_out_dir_it_cannot_write_before_timing_anything(tmp_path, capsys):
    from tensorslow_parity import cli
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    t0 = time.monotonic()
    assert cli.main(["bench", "--quick", "--frameworks", "numpy", "--out", str(blocker / "out")]) == 2
    assert "cannot write results there" in capsys.readouterr().err
    assert time.monotonic() - t0 < 5, "the sweeps ran before the out dir was checked"


def test_cli_course_config():
    from tensorslow_parity.bench.cli import course_config
    from tensorslow_parity.cli import build_parser
    args = build_parser("bench").parse_args(["bench", "--course", "--quick", "--engines", "numpy,tensorslow",
                                             "--repeats", "4", "--threads", "2"])
    config = course_config(args)
    assert config.engines == ("numpy", "tensorslow") and config.rounds == 4 and config.threads == 2
    assert config.block_time == 0.01 and config.retries == 1 and config.targets == course.TARGETS
    full = course_config(build_parser("bench").parse_args(["bench", "--course"]))
    assert full.engines == engines.ENGINES and full.rounds == 7 and full.threads == 1
