"""``run --jobs N``: cells in N worker processes at once, with the results of a serial run.

The matrix runs with the stand-in worker of test_reference_bundle (the real worker with NumPy's MLP in place of
every framework), so four frameworks cost four small subprocesses, not four TensorFlow imports.
"""
import csv
import sys
import threading
import time

import pytest
from test_reference_bundle import CPU_ONLY, STAND_IN_WORKER

from tensorslow_parity import schema
from tensorslow_parity.run import jobs, subprocesses
from tensorslow_parity.run.matrix import run_matrix
from tensorslow_parity.run.subprocesses import Cell

#: the columns that may differ between two runs of the same cells: wall times
TIMES = {"step_time_median_s", "step_time_ref_s"}


def _cells(frameworks, optimizers=("sgd",), dtypes=("float64",)):
    return [Cell("mlp_xor", o, f, "cpu", t) for f in frameworks for o in optimizers for t in dtypes]


def test_units_are_whole_groups_when_there_are_enough():
    cells = _cells(("tensorslow", "tf1", "keras"), ("sgd", "adam"))
    work = jobs.units(cells, 2)
    assert [(key, len(group), part) for key, group, part in work] == [
        (("tensorslow", "cpu"), 2, None), (("tf1", "cpu"), 2, None), (("keras", "cpu"), 2, None)]


def test_units_split_the_largest_group_when_jobs_outnumber_groups():
    cells = _cells(("tensorslow", "tf1"), ("sgd", "momentum", "adam"), ("float32", "float64"))
    work = jobs.units(cells, 4)
    assert sorted(len(group) for _, group, _ in work) == [3, 3, 3, 3]
    assert sorted({part for _, _, part in work}) == [1, 2]  # numbered halves: their task files do not collide
    assert sorted(c.id for _, group, _ in work for c in group) == sorted(c.id for c in cells)
    single = jobs.units(_cells(("tensorslow",)), 8)
    assert len(single) == 1 and single[0][2] is None  # one cell cannot be split


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2"])
def test_jobs_must_be_a_positive_whole_number(tmp_path, bad):
    with pytest.raises(ValueError, match="jobs must be a positive whole number"):
        jobs.run_cells(_cells(("tensorslow",)), {}, tmp_path, jobs=bad)


def test_cli_refuses_jobs_zero(capsys):
    from tensorslow_parity.cli import main as cli_main
    with pytest.raises(SystemExit) as e:
        cli_main(["run", "--jobs", "0"])
    assert e.value.code == 2 and "--jobs" in capsys.readouterr().err


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [{k: v for k, v in row.items() if k not in TIMES} for row in csv.DictReader(f)]


@pytest.mark.slow
def test_parallel_results_are_those_of_a_serial_run(tmp_path, monkeypatch):
    script = tmp_path / "stand_in_worker.py"
    script.write_text(STAND_IN_WORKER, encoding="utf-8")
    monkeypatch.setenv("STAND_IN", "all")
    frameworks = ["tensorslow", "tf2", "keras", "keras-jax"]
    runs = {}
    for n in (1, 3):
        runs[n] = run_matrix(["mlp_xor", "perceptron_blobs"], ["sgd"], frameworks, ["cpu"], ["float64", "float32"],
                             steps=5, out=tmp_path / f"jobs{n}", progress=False, found=CPU_ONLY,
                             worker=(sys.executable, str(script)), jobs=n)
    assert all(r["status"] == "passed" for r in runs[3]) and len(runs[3]) == 16
    for name in (schema.RESULTS, schema.GRADIENTS, schema.TRAJECTORIES):
        assert _rows(tmp_path / "jobs1" / name) == _rows(tmp_path / "jobs3" / name), name


HANGING_WORKER = """
import json, os, sys, time
out = os.fdopen(os.dup(1), "w", buffering=1)
out.write(json.dumps({"ready": True}) + "\\n")
time.sleep(120)
"""


@pytest.mark.slow
def test_stop_kills_the_running_worker_and_starts_no_other(tmp_path):
    script = tmp_path / "hang.py"
    script.write_text(HANGING_WORKER, encoding="utf-8")
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    t0 = time.monotonic()
    outcomes = subprocesses.run_group("tensorslow", "cpu", _cells(("tensorslow",), ("sgd", "adam")),
                                      {"mlp_xor": tmp_path / "p.npz"}, tmp_path, worker=(sys.executable, str(script)),
                                      cell_timeout=60, stop=stop)
    assert time.monotonic() - t0 < 15
    assert list(outcomes) == ["mlp_xor/sgd/tensorslow/cpu/float64"]  # the running cell; the next never started
    assert not list(tmp_path.glob("tensorslow-cpu-2.json"))
