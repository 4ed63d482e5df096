"""The speed benchmark: its NumPy reference computes TensorSlow's math; bench.csv's structure, skipped
devices, failing frameworks and the command line. No timed assertions: only structure and relations."""
import os

import numpy as np
import pytest

from tensorslow_parity import bench, schema
from tensorslow_parity.bench_numpy import NumpyMLP
from tensorslow_parity.files import read_csv
from tensorslow_parity.frameworks.graph_mode import TensorSlowModel
from tensorslow_parity.zoo import ModelSpec, OptimizerSpec
from tensorslow import allocator

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

NO_GPU = "TensorFlow lists no GPU (tf.config.list_physical_devices('GPU') is empty)"
FOUND = {"cpu": {"available": True, "name": "test CPU (2 cores)"},
         "gpu": {"available": False, "reason": NO_GPU},
         "tpu": {"available": True, "name": "TPU with 8 cores"}}
POINT = bench.Point(batch_size=8, width=4, depth=1, n_in=3, n_out=3)


def tiny_config(frameworks, devices=("cpu",), dtypes=("float64",)):
    """One point of one sweep, two rounds of 1 ms blocks after one warm-up call."""
    return bench.BenchConfig({"batch": [POINT]}, frameworks=frameworks, dtypes=dtypes, devices=devices,
                             repeats=2, block_time=0.001, warmup=1)


def rows_by(rows, *keys):
    return {tuple(r[k] for k in keys): r for r in rows}


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
@pytest.mark.parametrize("hidden", [(), (5,), (6, 3, 4)])
def test_numpy_reference_is_tensorslows_math(activation, hidden):
    """Logits, loss, every gradient and the weights after one SGD step agree with TensorSlow to ~1e-12."""
    rng = np.random.default_rng(7)
    spec = ModelSpec("t", "t", "synthetic", hidden, activation, "softmax", batch_size=16, steps=1,
                     learning_rates={"sgd": 0.3})
    widths = (4, *hidden, 3)
    weights = [a for fan_in, fan_out in zip(widths[:-1], widths[1:])
               for a in (rng.uniform(-1, 1, (fan_in, fan_out)), rng.uniform(-0.1, 0.1, fan_out))]
    x, y = rng.standard_normal((16, 4)), np.eye(3)[rng.integers(0, 3, 16)]
    optimizer = OptimizerSpec("sgd", 0.3)
    ours, ts = NumpyMLP(spec, optimizer, weights, "float64", "cpu"), TensorSlowModel(spec, optimizer, weights,
                                                                                     "float64", "cpu")

    def close(a, b):
        assert np.asarray(a).dtype == np.float64
        assert np.max(np.abs(a - b)) <= 1e-12 * max(1.0, np.max(np.abs(b)))

    close(ours.forward(x), ts.forward(x))
    loss, grads = ours.loss_and_gradients(x, y)
    loss_ts, grads_ts = ts.loss_and_gradients(x, y)
    close(loss, loss_ts)
    assert len(grads) == len(grads_ts) == len(weights)
    for g, g_ts in zip(grads, grads_ts):
        close(g, g_ts)
    close(ours.train_step(x, y), ts.train_step(x, y))  # the loss before the update
    for w, w_ts, w0 in zip(ours.get_weights(), ts.get_weights(), weights):
        assert not np.array_equal(w, w0)
        close(w, w_ts)
    ts.close()


def test_numpy_reference_keeps_float32_and_refuses_what_it_does_not_compute():
    spec = POINT.spec()
    weights, x, y, _, _ = POINT.problem()
    model = NumpyMLP(spec, OptimizerSpec("sgd", 0.1), weights, "float32", "cpu")
    assert model.forward(x).dtype == np.float32 and model.train_step(x, y).dtype == np.float32
    assert all(w.dtype == np.float32 for w in model.get_weights())
    with pytest.raises(ValueError, match="sgd"):
        NumpyMLP(spec, OptimizerSpec("adam", 0.1), weights, "float64", "cpu")
    with pytest.raises(ValueError, match="CPU only"):
        NumpyMLP(spec, OptimizerSpec("sgd", 0.1), weights, "float64", "gpu")


def test_tiny_run_writes_bench_csv(tmp_path):
    rows = bench.run_bench(tiny_config(("numpy", "tensorslow", "tf1")), out=tmp_path, found=FOUND)
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


def test_absent_and_unsupported_devices_give_skipped_rows_with_reasons():
    rows = bench.run_bench(tiny_config(("numpy", "tf1"), devices=("cpu", "gpu", "tpu")), found=FOUND)
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
    rows = bench.run_bench(tiny_config(("numpy", "tensorslow", "keras", "keras_fit")), out=tmp_path, found=FOUND,
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
    rows = bench.run_bench(tiny_config(("tf2", "keras", "keras_fit"), dtypes=("float32",)), found=FOUND)
    by = rows_by(rows, "framework", "phase")
    assert {r["status"] for r in rows} == {"ok"}, [r["reason"] for r in rows]
    assert set(by) == {("tf2", "train"), ("tf2", "forward"), ("keras", "train"), ("keras", "forward"),
                       ("keras_fit", "epoch"), ("keras_fit", "train")}
    epoch, step = by["keras_fit", "epoch"], by["keras_fit", "train"]
    for stat in ("time_min_s", "time_median_s", "time_max_s"):
        assert step[stat] == pytest.approx(epoch[stat] / bench.FIT_STEPS)


def test_sweeps_and_points():
    for sweeps in (bench.QUICK, bench.FULL):
        assert list(sweeps) == ["batch", "width", "depth", "model"]
        assert sweeps["model"] == [bench.COURSE]
        assert [p.batch_size for p in sweeps["batch"]] == sorted(p.batch_size for p in sweeps["batch"])
    assert [p.batch_size for p in bench.FULL["batch"]][::len(bench.FULL["batch"]) - 1] == [1, 4096]
    assert [p.width for p in bench.FULL["width"]][::len(bench.FULL["width"]) - 1] == [2, 1024]
    assert [p.depth for p in bench.FULL["depth"]][::len(bench.FULL["depth"]) - 1] == [1, 8]
    assert bench.COURSE.widths == (2, 2, 2) and bench.COURSE.n_params == 12 and bench.COURSE.batch_size == 100
    # Points shared by sweeps are timed once per dtype.
    config = bench.quick_config()
    jobs = config.jobs()
    assert len(jobs) == len(set(jobs)) < sum(map(len, config.sweeps.values())) * len(config.dtypes)


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
    if allocator._mallopt() is not None:  # glibc: the run keeps freed memory, and says so
        assert df["machine"].str.contains("malloc held (glibc", regex=False).all()
    assert "batch sweep: median time per call" in out and "Scaling fit" in out
    assert "the course's 2-2-2 sigmoid MLP at batch 100, train, float64: TensorSlow" in out


def test_cli_rejects_unknown_framework(tmp_path):
    from tensorslow_parity import cli
    with pytest.raises(SystemExit, match="unknown framework mxnet"):
        cli.main(["bench", "--quick", "--frameworks", "numpy,mxnet", "--out", str(tmp_path)])
