"""``report`` reads one consistent set and believes the numbers, not the ``*_pass`` columns."""
import csv
import io
import json

import pytest

from tensorslow_parity import cli, schema
from tensorslow_parity.files import ResultsFileError
from tensorslow_parity.report.data import load
from tests.test_report import make_results_dir


@pytest.fixture
def results(tmp_path):
    return make_results_dir(tmp_path / "results")


def _rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text())))


def _rewrite(path, rows, update_manifest=True):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue())
    if update_manifest:  # the set stays consistent: only the numbers are under test
        from tensorslow_parity.files import sha256_of
        env_path = path.parent / schema.ENVIRONMENT
        env = json.loads(env_path.read_text())
        env["files"][path.name] = {"sha256": sha256_of(path), "bytes": path.stat().st_size}
        env["rows"][path.name] = len(rows)
        env_path.write_text(json.dumps(env))


def _report(directory, capsys):
    status = cli.main(["report", str(directory), "--out", str(directory.parent / "out")])
    return status, capsys.readouterr().err


def test_a_cut_results_file_is_named(results, capsys):
    path = results / schema.RESULTS
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[: len(lines) // 2]))  # cut at a line: every row left is well formed
    status, err = _report(results, capsys)
    assert status == 2 and "results.csv" in err and "cut, changed or written by another run" in err


def test_files_of_two_runs_are_not_one_set(tmp_path, capsys):
    a, b = make_results_dir(tmp_path / "a"), make_results_dir(tmp_path / "b", failures=True)
    (a / schema.GRADIENTS).write_bytes((b / schema.GRADIENTS).read_bytes())
    status, err = _report(a, capsys)
    assert status == 2 and "gradients.csv: not the file run" in err


@pytest.mark.parametrize("name", [schema.RESULTS, schema.TRAJECTORIES])
def test_a_missing_file_of_the_set_is_named(results, capsys, name):
    (results / name).unlink()
    status, err = _report(results, capsys)
    assert status == 2 and f"{name}: missing" in err


def test_run_files_without_their_manifest_are_refused(results):
    (results / schema.ENVIRONMENT).unlink()
    with pytest.raises(ResultsFileError, match="environment.json: missing"):
        load(results)
    (results / schema.ENVIRONMENT).write_text(json.dumps({"python": "3.11"}))
    with pytest.raises(ResultsFileError, match="no list of the run's files"):
        load(results)


@pytest.mark.parametrize("err", ["inf", "nan", "0.5"])
def test_pass_is_recomputed_from_error_and_tolerance(results, capsys, err):
    path = results / schema.RESULTS
    rows = _rows(path)
    i = next(i for i, r in enumerate(rows) if r["framework"] == "tensorslow" and r["status"] == "passed")
    rows[i]["gradients_err"] = err  # the flag still says True, the status passed
    _rewrite(path, rows)
    data = load(results)
    row = data.results.iloc[i]
    assert row["gradients_pass"] is False and row["status"] == "failed"
    assert any(f"line {i + 2}: gradients_pass says True" in w for w in data.warnings)
    if err != "inf":
        return  # the whole report once is enough
    status, stderr = _report(results, capsys)
    assert status == 0 and "warning:" in stderr and f"line {i + 2}" in stderr
    md = (results.parent / "out" / "report.md").read_text()
    assert "**FAIL: " in md and "FAIL inf (tol" in md


def test_a_negative_error_is_named(results):
    path = results / schema.RESULTS
    rows = _rows(path)
    rows[0]["forward_err"] = "-1"
    _rewrite(path, rows)
    with pytest.raises(ResultsFileError, match=r"results.csv: line 2, column forward_err: -1.0 is negative"):
        load(results)


def test_gradient_rows_are_rechecked_and_must_belong_to_a_row_that_ran(results):
    path = results / schema.GRADIENTS
    rows = _rows(path)
    rows[0]["max_rel"] = "nan"
    _rewrite(path, rows)
    data = load(results)
    assert data.gradients.iloc[0]["pass"] is False
    rows[1]["model"] = "no_such_model"
    _rewrite(path, rows)
    with pytest.raises(ResultsFileError, match="gradients.csv: line 3: no_such_model/.* is not a row of results.csv"):
        load(results)


def test_a_passing_set_loads_without_warnings(results):
    data = load(results)
    assert data.warnings == [] and (data.results["status"] != "failed").all()
