"""``tensorslow-parity report``: report.md, index.html and figures from synthetic results directories."""
import base64
import io
import json
import math
import re
from html.parser import HTMLParser

import numpy as np
import pytest
from PIL import Image

from tensorslow_parity import cli, schema
from tensorslow_parity.files import atomic_write_csv, atomic_write_json, read_csv
from tensorslow_parity.report.scaling import FIT_COLUMNS, fit_scaling
from tensorslow_parity.run.matrix import write_results

MODELS = {"logreg": [("W", "64x10"), ("b", "10")], "mlp": [("W1", "64x32"), ("b1", "32"), ("W2", "32x10"),
                                                           ("b2", "10")]}
OPTIMIZERS = ("sgd", "adam")
#: the tolerances written into the made-up results rows (the report reads them; they are not the harness's)
FAKE_ROW_TOLERANCES = {
    "float32": dict(forward=1e-5, loss=1e-6, gradients=1e-4, trajectory_head=1e-5, trajectory_tail=5e-2,
                    weights=1e-4, accuracy=1e-2),
    "float64": dict(forward=1e-10, loss=1e-10, gradients=1e-10, trajectory_head=1e-10, trajectory_tail=1e-8,
                    weights=1e-10, accuracy=1e-2),
}
NO_GPU = "TensorFlow lists no GPU"
STEPS = 24
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _is_reference(framework, dtype):
    return framework == schema.REFERENCE["framework"] and dtype == schema.REFERENCE["dtype"]


def _results_row(model, optimizer, framework, device, dtype, status="passed", reason=""):
    row = dict(model=model, optimizer=optimizer, framework=framework, device=device, dtype=dtype, status=status,
               reason=reason, note="", steps=STEPS, batch_size=32, n_params=650 if model == "logreg" else 2410)
    if status in ("skipped", "error"):
        return row
    err = 0.0 if _is_reference(framework, dtype) else (3e-8 if dtype == "float32" else 2e-15)
    for check, tol in FAKE_ROW_TOLERANCES[dtype].items():
        row.update({f"{check}_err": err, f"{check}_tol": tol, f"{check}_pass": True})
    row.update(forward_max_abs=err, gradients_max_abs=err, loss_initial=2.30, loss_initial_ref=2.30,
               loss_final=0.31, loss_final_ref=0.31, train_accuracy=0.95, test_accuracy=0.93,
               train_accuracy_ref=0.95, test_accuracy_ref=0.93, step_time_median_s=4e-4 if framework == "tf1" else
               6e-4, step_time_ref_s=4e-4)
    return row


def _fail(row, check, err):
    row.update({f"{check}_err": err, f"{check}_pass": False, "status": "failed", "reason": check})


ENVIRONMENT = {
    "created": "2025-01-01T12:00:00", "command": "tensorslow-parity run", "duration_s": 12.5,
    "python": "3.11.9", "numpy": "2.1.0", "tensorflow": "2.21.0", "keras": "3.12.0", "platform": "Linux",
    "cpu": "x86_64", "cpu_count": 2,
    "devices": {"cpu": {"available": True, "name": "CPU:0"}, "gpu": {"available": False, "reason": NO_GPU}},
}


def make_results_dir(path, failures=False, notes=None, gpu_ran=False):
    """A results directory with every file; with ``failures``: a failed gradients check (tensorslow, mlp,
    adam, cpu, float32), an error (keras, mlp, sgd, cpu, float32), a failed op and op/bench rows that
    did not run. ``notes``: {(framework, optimizer): note} for the rows of a documented difference.
    ``gpu_ran``: the GPU rows ran (and passed) instead of being skipped."""
    path.mkdir(parents=True, exist_ok=True)
    results, gradients, trajectories = [], [], []
    for model in MODELS:
        for optimizer in OPTIMIZERS:
            for framework in schema.RUN_FRAMEWORKS:
                for dtype in schema.DTYPES:
                    row = _results_row(model, optimizer, framework, "cpu", dtype)
                    row["note"] = (notes or {}).get((framework, optimizer), "")
                    if failures and (framework, model, optimizer, dtype) == ("tensorslow", "mlp", "adam", "float32"):
                        _fail(row, "gradients", 1e-2)
                    if failures and (framework, model, optimizer, dtype) == ("keras", "mlp", "sgd", "float32"):
                        row = _results_row(model, optimizer, framework, "cpu", dtype, "error",
                                           "ImportError: keras is not installed")
                    results.append(row)
                    if gpu_ran:
                        gpu_row = _results_row(model, optimizer, framework, "gpu", dtype)
                        results.append(gpu_row)
                        trajectories += _trajectory_rows(gpu_row)
                    else:
                        results.append(_results_row(model, optimizer, framework, "gpu", dtype, "skipped", NO_GPU))
                    if row["status"] != "error":
                        gradients += _gradient_rows(row, model)
                        trajectories += _trajectory_rows(row)
    atomic_write_csv(path / schema.OPS, _ops_rows(failures), schema.OPS_COLUMNS)
    atomic_write_csv(path / schema.BENCH, _bench_rows(failures), list(dict.fromkeys(schema.BENCH_COLUMNS + ["noisy"])))
    write_results(path, results, gradients, trajectories, ENVIRONMENT)
    return path


def _key(row):
    return {k: row[k] for k in schema.KEY}


def _gradient_rows(row, model):
    rows = []
    for variable, shape in MODELS[model]:
        max_rel = row["gradients_err"] if variable != "b" else 0.0
        rows.append({**_key(row), "variable": variable, "shape": shape, "max_abs": max_rel, "max_rel": max_rel,
                     "tol": row["gradients_tol"], "pass": max_rel <= row["gradients_tol"]})
    return rows


def _trajectory_rows(row):
    rows = []
    for step in range(STEPS):
        loss_ref = 2.0 * math.exp(-step / 8) + 0.3
        diff = 0.0 if step % 5 == 0 else row["trajectory_head_err"] * (1 + step)
        rows.append({**_key(row), "step": step, "loss": loss_ref + diff, "loss_ref": loss_ref, "abs_diff": diff})
    return rows


def _ops_rows(failures):
    rows = []
    for op_type, tf_v1 in (("MatMul", "tf.matmul"), ("Sigmoid", "tf.sigmoid")):
        for dtype in schema.DTYPES:
            for case in ("default", "broadcast"):
                err = 1e-7 if dtype == "float32" else 1e-16
                grad_pass = not (failures and op_type == "Sigmoid" and dtype == "float32" and case == "broadcast")
                rows.append(dict(op_type=op_type, case=case, tensorslow=f"ts.{tf_v1[3:]}", tf_v1=tf_v1,
                                 tf2=tf_v1, keras=f"keras.ops.{tf_v1[3:]}", dtype=dtype, shapes="(3, 4)",
                                 forward_max_abs=err, forward_max_rel=err, grad_max_abs=err if grad_pass else 0.5,
                                 grad_max_rel=err if grad_pass else 0.5, rtol=1e-6, atol=1e-6, forward_pass=True,
                                 grad_pass=grad_pass, status="passed" if grad_pass else "failed", reason=""))
    if failures:
        rows.append(dict(op_type="Gather", case="default", tf_v1="tf.gather", dtype="float32", shapes="(5,)",
                         status="error", reason="ValueError: gather indices out of range"))
    return rows


def _bench_rows(failures):
    rows = []
    sweeps = {"batch": [dict(batch_size=b, width=64, depth=1) for b in (1, 16, 256)],
              "width": [dict(batch_size=64, width=w, depth=1) for w in (8, 64, 512)]}
    overhead = {"numpy": 2e-5, "tensorslow": 2e-4, "tf1": 4e-4}
    for sweep, points in sweeps.items():
        for point in points:
            work = 1e-7 * point["batch_size"] * point["width"]
            for framework, c in overhead.items():
                for phase in ("train", "forward"):
                    t = c + work * (2 if phase == "train" else 1)
                    rows.append(dict(sweep=sweep, framework=framework, phase=phase, device="cpu", dtype="float64",
                                     repeats=5, time_min_s=0.9 * t, time_median_s=t, time_max_s=1.3 * t,
                                     status="passed", reason="", machine="2-core test machine", **point))
            if failures:
                rows.append(dict(sweep=sweep, framework="tf1", phase="train", device="gpu", dtype="float32",
                                 status="skipped", reason=NO_GPU, **point))
    # The course MLP: one point, every engine, in the model sweep; one engine flagged noisy.
    for framework, t in COURSE_TIMES.items():
        for dtype in schema.DTYPES:
            rows.append(dict(sweep="model", framework=framework, phase="train", device="cpu", dtype=dtype,
                             batch_size=100, width=2, depth=1, n_params=12, repeats=5, time_min_s=0.9 * t,
                             time_median_s=t, time_max_s=(4 if framework == "jax" else 1.2) * t, status="ok",
                             reason="", machine="2-core test machine", noisy=framework == "jax"))
    return rows


#: made-up times of one course-MLP step per engine, with engines the report does not know by name
COURSE_TIMES = {"numpy": 27e-6, "tensorslow": 52e-6, "tf1": 205e-6, "torch": 137e-6, "jax": 60e-6}


def run_report(directory, out, capsys=None):
    """``tensorslow-parity report DIR --out OUT`` through the command dispatcher: (status, stderr)."""
    status = cli.main(["report", str(directory), "--out", str(out)])
    return status, (capsys.readouterr().err if capsys else "")


@pytest.fixture(scope="module")
def passing(tmp_path_factory):
    directory = make_results_dir(tmp_path_factory.mktemp("passing") / "results")
    out = directory.parent / "out"
    assert run_report(directory, out)[0] == 0
    return out


@pytest.fixture(scope="module")
def failing(tmp_path_factory):
    # --out left out: the report goes into the results directory itself.
    directory = make_results_dir(tmp_path_factory.mktemp("failing") / "results", failures=True)
    assert cli.main(["report", str(directory)]) == 0
    return directory


def test_passing_report_counts(passing):
    md = (passing / "report.md").read_text()
    assert (passing / "index.html").is_file()
    # 2 models x 2 optimizers x 4 frameworks x 2 dtypes, on cpu (ran) and gpu (skipped); the reference's
    # 4 rows (tf1, cpu, float64) are not counted as passes.
    n = 8 * len(schema.RUN_FRAMEWORKS)  # rows per device
    assert f"{2 * n - 4} rows (model x optimizer x framework x device x dtype): {n - 4} passed, 0 failed, {n} " \
           "skipped, 0 error; besides them 4 reference rows" in md
    assert f"Individual checks: {(n - 4) * 7} passed, 0 failed." in md
    assert f"**PASS: {n - 4} of {n - 4} rows passed, 0 failed, 0 errors; 8 of 8 op cases passed.**" in md
    assert "| pass 2/2 |" in md and "FAIL" not in md.split("Contents:")[1]
    assert "| tf1 | 16/16 passed;" not in md  # the reference's rows are not in the worst-error table
    assert "No check failed." in md
    sections = ("Verdict", "Speed at a glance", "Summary", "Accuracy", "Gradients", "Op parity", "Training", "Speed",
                "Skipped devices and errors", "Machine and versions")
    positions = [md.index(f"\n## {section}\n") for section in sections]
    assert positions == sorted(positions)
    assert f"Device `gpu` skipped: {NO_GPU}" in md
    assert "✅" not in md and "❌" not in md  # no emoji: marks are words
    # Step times: a model x framework pivot (median over the optimizers, ratio to the reference).
    assert "**Step time, cpu, float32 (ratio to the reference)**" in md
    assert "| logreg | 600 µs (1.5×) | 400 µs (1×) |" in md


def test_verdict_table_shows_the_worst_error_against_its_tolerance(passing):
    verdict = (passing / "report.md").read_text().split("## Speed at a glance")[0]
    # float32 rows: every check's error is 3e-8; the largest fraction of its tolerance is the loss's (1e-6).
    assert "| tensorslow | 4/4 passed; loss 3.0e-08 / 1.0e-06 (3%) |" in verdict
    assert "| tf1 | 4/4 passed; loss 3.0e-08 / 1.0e-06 (3%) | reference (the baseline) |" in verdict
    assert "forward 2.0e-15 / 1.0e-10 (2e-05)" in verdict


def test_speed_headline_has_every_engine_with_ratios(passing):
    md = (passing / "report.md").read_text()
    headline = md[md.index("## Speed at a glance"):md.index("## Summary")]
    assert "figures/speed-course-mlp.png" in headline
    for framework in COURSE_TIMES:
        assert f"| {framework} |" in headline, framework
    assert "| tensorslow | 52 µs (1.93× / 1×) | 52 µs (1.93× / 1×) |" in headline
    assert "| jax | noisy 60 µs (2.22× / 1.15×) |" in headline  # flagged in bench.csv: marked
    verdict = md[:md.index("## Speed at a glance")]
    assert "numpy 27 µs, tensorslow 52 µs (1.93×), tf1 205 µs (7.59×)" in verdict


def test_failures_errors_and_skips_appear_failures_first(failing):
    md = (failing / "report.md").read_text()
    n = 8 * len(schema.RUN_FRAMEWORKS)  # rows per device
    assert f"**FAIL: {n - 6} of {n - 4} rows passed, 1 failed, 1 errors; 7 of 9 op cases passed.**" in md
    assert f"{2 * n - 4} rows (model x optimizer x framework x device x dtype): {n - 6} passed, 1 failed, {n} " \
           "skipped, 1 error" in md
    assert f"Individual checks: {(n - 6) * 7 + 6} passed, 1 failed." in md
    # The matrix with failures comes before the passing one, the failing model before the passing one; devices
    # where every row was skipped get one line, not a table.
    assert md.index("**cpu, float32 (FAIL)**") < md.index("**cpu, float64**")
    assert "**gpu, float32**" not in md
    matrix = md[md.index("**cpu, float32 (FAIL)**"):md.index("**cpu, float64**")]
    assert matrix.index("| mlp |") < matrix.index("| logreg |")
    assert "FAIL 1/2 passed; failed: adam" in matrix and "error 1/2 passed; error: sgd" in matrix
    failed_checks = md[md.index("**Failed checks (1)**"):]
    assert "| mlp | adam | tensorslow | cpu | float32 | gradients | 1.0e-02 | 1.0e-04 |" in failed_checks
    assert "| tensorslow | FAIL 3/4 passed; gradients 1.0e-02 / 1.0e-04 (10000%) |" in md
    # Op parity: its own section, the failing op type first, with its count of failing cases.
    ops = md[md.index("## Op parity"):md.index("## Training")]
    assert ops.index("| Sigmoid | tf.sigmoid |") < ops.index("| MatMul | tf.matmul |")
    assert "| FAIL 1 of 4 |" in ops and "FAIL (1 of 2 cases)" in ops
    # What did not run, with reasons: results, bench and ops.
    problems = md[md.index("## Skipped devices and errors"):]
    for reason in (NO_GPU, "ImportError: keras is not installed", "ValueError: gather indices out of range"):
        assert reason in problems
    assert problems.index(f"Device `gpu` skipped: {NO_GPU}") < problems.index("| error | cpu | ImportError")
    assert f"{NO_GPU} ({n} rows of `results.csv`, 6 rows of `bench.csv`)" in problems


def test_documented_differences_are_grouped_with_the_rows_they_cover(tmp_path):
    momentum = "Keras SGD keeps a velocity; tf1 keeps an accumulator."
    adam = "Keras Adam computes beta^t in float64."
    notes = {("keras", "sgd"): momentum, ("tf2", "sgd"): momentum, ("keras", "adam"): adam}
    directory = make_results_dir(tmp_path / "results", notes=notes)
    assert run_report(directory, tmp_path / "out")[0] == 0
    md = (tmp_path / "out" / "report.md").read_text()
    table = md[md.index("**Documented framework differences"):]
    # One line per difference: 2 frameworks x 2 models x 2 dtypes on the CPU (the skipped GPU rows do not count).
    assert f"| {momentum} | 8 | all 2 | sgd | tf2, keras | cpu | all 2 |" in table
    assert f"| {adam} | 4 | all 2 | adam | keras | cpu | all 2 |" in table
    assert len(table.split("\n\n")[1].splitlines()) == 4  # header, rule and one line per difference


def test_gpu_rows_that_ran_get_their_own_lines(tmp_path):
    directory = make_results_dir(tmp_path / "results", gpu_ran=True)
    assert run_report(directory, tmp_path / "out")[0] == 0
    md = (tmp_path / "out" / "report.md").read_text()
    verdict = md[:md.index("## Speed at a glance")]
    assert "| tensorslow (cpu) | 4/4 passed;" in verdict and "| tensorslow (gpu) | 4/4 passed;" in verdict
    assert "| tf1 (gpu) | 4/4 passed;" in verdict  # tf1 on the GPU is compared, not the reference
    assert "Device `gpu` skipped" not in md
    assert "**Training checks, gpu, float64: worst error / tolerance over the optimizers**" in md


def test_raw_tables_are_folded_under_their_pivots(failing):
    md = (failing / "report.md").read_text()
    accuracy = md[md.index("## Accuracy"):md.index("## Gradients")]
    assert accuracy.index("**Accuracy, cpu, float32: worst error") < accuracy.index("<details>")
    assert "<summary>Every row: final accuracies" in accuracy and accuracy.count("</details>") == 1
    html = (failing / "index.html").read_text()
    assert html.count("<details>") == html.count("</details>") >= 5


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []  # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        self.links += [(tag, name, value) for name, value in attrs if name in ("src", "href", "srcset", "data")]


@pytest.mark.parametrize("report", ["passing", "failing"])
def test_html_is_self_contained_and_images_decode(report, request):
    out = request.getfixturevalue(report)
    text = (out / "index.html").read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(text)
    images = [value for tag, name, value in parser.links if tag == "img"]
    assert len(images) >= 4
    for tag, _name, value in parser.links:
        if tag == "a":
            assert value.startswith("#"), value  # links within the page only
        else:
            assert value.startswith("data:image/png;base64,"), value[:60]
    for src in images:
        data = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert data.startswith(PNG_SIGNATURE)
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            assert image.width > 100 and image.height > 100
    assert "http:" not in text and "https:" not in text and "<link" not in text and "<script" not in text


@pytest.mark.parametrize("report", ["passing", "failing"])
def test_markdown_images_exist_and_no_stray_figures(report, request):
    out = request.getfixturevalue(report)
    md = (out / "report.md").read_text()
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert len(links) >= 4
    for link in links:
        assert not re.match(r"[a-z]+:", link) and (out / link).is_file(), link
        assert (out / link).read_bytes().startswith(PNG_SIGNATURE)
    assert sorted(p.name for p in (out / "figures").iterdir()) == sorted(link.split("/")[-1] for link in links)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_rerun_removes_stale_figures(tmp_path):
    directory = make_results_dir(tmp_path / "results")
    out = tmp_path / "out"
    (out / "figures").mkdir(parents=True)
    (out / "figures" / "training-old-model.png").write_bytes(b"stale")
    (directory / schema.BENCH).unlink()  # fewer figures than a full report
    assert run_report(directory, out)[0] == 0
    names = {p.name for p in (out / "figures").iterdir()}
    assert "training-old-model.png" not in names and not any(n.startswith("bench-") for n in names)
    assert "No `bench.csv`: no benchmark sweeps." in (out / "report.md").read_text()


def _previous_report(out):
    out.mkdir(parents=True, exist_ok=True)
    (out / "figures").mkdir(exist_ok=True)
    files = {out / "report.md": b"# old report\n", out / "index.html": b"<html>old</html>",
             out / "figures" / "old.png": PNG_SIGNATURE + b"old"}
    for path, data in files.items():
        path.write_bytes(data)
    return files


@pytest.mark.parametrize("file, content", [
    (schema.RESULTS, None),  # missing a column
    (schema.BENCH, bytes(range(256)) * 4),
    (schema.GRADIENTS, b"model,optimizer\n\"unterminated\n"),
    (schema.ENVIRONMENT, b"{not json"),
    (schema.RESULTS, "status=bogus"),
    (schema.TRAJECTORIES, "loss=abc"),
])
def test_malformed_file_is_named_and_nothing_is_written(tmp_path, capsys, file, content):
    directory = tmp_path / "results"
    directory.mkdir()
    atomic_write_csv(directory / schema.RESULTS, [_results_row("mlp", "sgd", "tf1", "cpu", "float64")],
                     schema.RESULTS_COLUMNS)
    atomic_write_csv(directory / schema.TRAJECTORIES, _trajectory_rows(_results_row("mlp", "sgd", "tf2", "cpu",
                                                                                    "float64")),
                     schema.TRAJECTORIES_COLUMNS)
    path = directory / file
    if content is None:
        df = read_csv(path).drop(columns=["accuracy_tol"])
        path.write_text(df.to_csv(index=False))
    elif isinstance(content, str):
        column, value = content.split("=")
        df = read_csv(path)
        df[column] = df[column].astype(object)
        df.loc[0, column] = value
        path.write_text(df.to_csv(index=False))
    else:
        path.write_bytes(content)
    out = tmp_path / "out"
    before = _previous_report(out)
    status, err = run_report(directory, out, capsys)
    assert status == 2
    assert err.startswith("error: ") and file in err
    for previous, data in before.items():
        assert previous.read_bytes() == data
    assert sorted(p.name for p in out.iterdir()) == ["figures", "index.html", "report.md"]


def test_missing_or_empty_directory_is_an_error(tmp_path, capsys):
    out = tmp_path / "out"
    status, err = run_report(tmp_path / "absent", out, capsys)
    assert status == 2 and "absent: no such directory" in err
    (tmp_path / "empty").mkdir()
    status, err = run_report(tmp_path / "empty", out, capsys)
    assert status == 2 and "no results files" in err
    assert not out.exists()


def _bench(points, framework="numpy", status="passed"):
    return [dict(sweep="batch", framework=framework, phase="train", device="cpu", dtype="float64", batch_size=x,
                 width=64, depth=1, time_median_s=t, status=status) for x, t in points]


def test_fit_scaling_overhead_and_slopes():
    import pandas as pd
    x = np.array([1, 4, 16, 64, 256, 1024, 4096], float)
    linear = _bench(zip(x, 1e-4 + 1e-6 * x))
    quadratic = _bench(zip(x, 1e-5 + 1e-8 * x ** 2), framework="tf1")
    skipped = _bench([(8192, float("nan"))], status="skipped")
    fits = fit_scaling(pd.DataFrame(linear + quadratic + skipped))
    assert list(fits.columns) == FIT_COLUMNS
    fits = fits.set_index("framework")
    assert fits.at["numpy", "n_points"] == len(x) and fits.at["numpy", "x_max"] == 4096
    assert fits.at["numpy", "fixed_overhead_s"] == pytest.approx(1e-4, rel=1e-6)
    assert fits.at["numpy", "cost_per_unit_s"] == pytest.approx(1e-6, rel=1e-6)
    assert fits.at["numpy", "slope"] == pytest.approx(1.0, rel=1e-6)
    # The straight line through quadratic times has a negative intercept: no overhead can be told apart.
    assert math.isnan(fits.at["tf1", "fixed_overhead_s"])
    assert fits.at["tf1", "slope"] == pytest.approx(2.0, abs=0.05)
    single = fit_scaling(pd.DataFrame(_bench([(32, 1e-3)]))).iloc[0]
    assert single["fixed_overhead_s"] == 1e-3 and math.isnan(single["slope"])


def test_noisy_points_are_left_out_and_negative_fits_are_unmeasurable():
    import pandas as pd

    from tensorslow_parity.report.speed import fit_table
    x = np.array([1, 4, 16, 64, 256], float)
    linear = _bench(zip(x, 1e-4 + 1e-6 * x))
    for row in linear:
        row["noisy"] = row["batch_size"] == 64
    linear[3]["time_median_s"] = 1.0  # the noisy point's time would wreck the fit
    falling = _bench(zip(x, 1e-3 - 1e-6 * x), framework="tf1")  # times that fall as the batch grows
    fits = fit_scaling(pd.DataFrame(linear + falling)).set_index("framework")
    assert fits.at["numpy", "n_points"] == 4 and fits.at["numpy", "n_noisy"] == 1
    assert fits.at["numpy", "cost_per_unit_s"] == pytest.approx(1e-6, rel=1e-6)
    assert math.isnan(fits.at["tf1", "cost_per_unit_s"]) and math.isnan(fits.at["tf1", "slope"])
    table = fit_table(fits.reset_index()).set_index("framework")
    assert table.at["tf1", "cost per unit d"] == "unmeasurable" and table.at["tf1", "slope k"] == "unmeasurable"
    assert table.at["numpy", "points"] == "4 (+1 noisy, left out)"
    assert not any(str(v).startswith("-") for v in table.to_numpy().ravel())


def test_old_bench_csv_without_noisy_column_reads(tmp_path):
    directory = make_results_dir(tmp_path / "results")
    bench = read_csv(directory / schema.BENCH).drop(columns=["noisy"])
    bench.to_csv(directory / schema.BENCH, index=False)
    assert run_report(directory, tmp_path / "out")[0] == 0
    md = (tmp_path / "out" / "report.md").read_text()
    assert "| jax | 60 µs (2.22× / 1.15×) |" in md


def test_report_command_help_lists_out(capsys):
    with pytest.raises(SystemExit):
        cli.main(["report", "--help"])
    assert "--out OUT" in capsys.readouterr().out


def test_environment_json_alone_is_a_report(tmp_path):
    directory = tmp_path / "results"
    directory.mkdir()
    atomic_write_json(directory / schema.ENVIRONMENT, {"python": "3.11", "devices": {"gpu": {
        "available": False, "reason": NO_GPU}}})
    assert run_report(directory, directory)[0] == 0
    md = (directory / "report.md").read_text()
    assert f"Device `gpu` skipped: {NO_GPU}" in md and "No `results.csv`: no pass/fail summary." in md
    assert json.loads((directory / schema.ENVIRONMENT).read_text())["python"] == "3.11"
