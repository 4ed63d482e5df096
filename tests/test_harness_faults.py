"""Faults injected into the run's worker subprocesses, and signals sent to ``run``.

A fake worker (a script passed as ``worker=``) speaks the protocol for every
cell but one, and for that one prints junk, a JSON value that is not a message,
a result for the wrong cell, an unreadable output file, or closes its stdout and
hangs; or it hangs before it is ready. Each must cost that cell only (or, before
start-up, the group's cells), as an error row with the reason, and never hang.
"""
import os
import signal
import subprocess
import sys
import time

import pytest

from tensorslow_parity import schema
from tensorslow_parity.cli import main as cli_main
from tensorslow_parity.files import DirectoryLock
from tensorslow_parity.run import scratch, subprocesses
from tensorslow_parity.run.subprocesses import Cell, run_group

FAKE_WORKER = """
import json, os, sys, time
import numpy as np
task = json.load(open(sys.argv[1]))
mode, bad = os.environ["FAKE_MODE"], os.environ["FAKE_BAD"]
if mode == "startup_hang":
    time.sleep(60)
out = os.fdopen(os.dup(1), "w", buffering=1)
out.write(json.dumps({"ready": True, "versions": {"fake": "1"}}) + "\\n")
for cell in task["cells"]:
    if cell["id"].split("/")[1] == bad:
        if mode == "junk":
            out.write("a stray line\\n")
        elif mode == "json_list":
            out.write("[1, 2]\\n")
        elif mode == "wrong_id":
            out.write(json.dumps({"id": "someone/else", "ok": True}) + "\\n")
        elif mode == "bad_npz":
            open(cell["out"], "wb").write(b"not a zip file")
            out.write(json.dumps({"id": cell["id"], "ok": True}) + "\\n")
        elif mode == "close_and_hang":
            out.close()
            os.close(1)
        if mode != "bad_npz":
            time.sleep(60)  # the parent must not wait for this
        continue
    np.savez(cell["out"], x=np.arange(3.0))
    out.write(json.dumps({"id": cell["id"], "ok": True}) + "\\n")
"""

CELLS = [Cell("mlp_xor", o, "tensorslow", "cpu", "float64") for o in ("sgd", "adam", "rmsprop")]


@pytest.fixture
def fake_worker(tmp_path, monkeypatch):
    script = tmp_path / "fake_worker.py"
    script.write_text(FAKE_WORKER, encoding="utf-8")
    monkeypatch.setattr(subprocesses, "EXIT_TIMEOUT_S", 2)

    def run(mode, bad="adam", **kwargs):
        monkeypatch.setenv("FAKE_MODE", mode)
        monkeypatch.setenv("FAKE_BAD", bad)
        work = tmp_path / mode
        work.mkdir()
        t0 = time.monotonic()
        outcomes = run_group("tensorslow", "cpu", CELLS, {"mlp_xor": work / "p.npz"}, work,
                             worker=(sys.executable, str(script)), **kwargs)
        return outcomes, time.monotonic() - t0
    return run


@pytest.mark.slow
@pytest.mark.parametrize("mode, reason", [
    ("junk", "broke the protocol: it printed 'a stray line'"),
    ("json_list", "broke the protocol: it printed '[1, 2]'"),
    ("wrong_id", "expected the result of mlp_xor/adam/tensorslow/cpu/float64, got 'someone/else'"),
    ("bad_npz", "output file mlp_xor__adam__tensorslow__cpu__float64.npz cannot be read"),
    ("close_and_hang", "closed its output but did not exit within 2 s"),
])
def test_a_misbehaving_worker_costs_one_cell_and_the_rest_run(fake_worker, mode, reason):
    outcomes, took = fake_worker(mode, cell_timeout=30)
    assert took < 20
    sgd, adam, rmsprop = (outcomes[c.id] for c in CELLS)
    assert sgd.error is None and list(sgd.outputs) == ["x"]
    assert adam.outputs is None and reason in adam.error, adam.error
    assert rmsprop.error is None and list(rmsprop.outputs) == ["x"]  # a fresh worker took over


@pytest.mark.slow
def test_startup_timeout_is_configurable_and_fails_the_group(fake_worker):
    outcomes, took = fake_worker("startup_hang", cell_timeout=0.5, startup_timeout=0.5)
    assert took < 10
    assert all("did not start within 1 s" in outcomes[c.id].error for c in CELLS)


def test_run_rejects_bad_timeouts_and_empty_selections(capsys, tmp_path):
    for argv in (["--timeout", "nan"], ["--timeout", "inf"], ["--timeout", "0"], ["--timeout", "-5"],
                 ["--startup-timeout", "0"], ["--steps", "0"], ["--steps", "x"]):
        with pytest.raises(SystemExit) as e:
            cli_main(["run", "--out", str(tmp_path / "out"), *argv])
        assert e.value.code == 2, argv
        assert "Traceback" not in capsys.readouterr().err
    previous = tmp_path / "out"
    previous.mkdir()
    (previous / schema.RESULTS).write_text("old results\n")
    for flag in ("--models", "--optimizers", "--frameworks", "--devices", "--dtypes"):
        with pytest.raises(SystemExit) as e:
            cli_main(["run", flag, ",", "--out", str(previous)])
        assert e.value.code == 2
        err = capsys.readouterr().err
        assert "error: empty list of" in err and "Traceback" not in err
    assert (previous / schema.RESULTS).read_text() == "old results\n"
    assert sorted(p.name for p in previous.iterdir()) == [schema.RESULTS]  # nothing written


@pytest.mark.parametrize("where", ["file", "under_file", "read_only"])
def test_an_unwritable_out_dir_fails_before_anything_runs(tmp_path, capsys, where, monkeypatch):
    import tensorslow_parity.run.matrix as matrix
    monkeypatch.setattr(matrix, "plan", lambda *a, **k: pytest.fail("the matrix ran"))
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    out = {"file": blocker, "under_file": blocker / "out"}.get(where)
    if where == "read_only":
        if os.geteuid() == 0:
            pytest.skip("root can write anywhere")
        out = tmp_path / "ro"
        out.mkdir()
        out.chmod(0o500)
    rc = cli_main(["run", "--frameworks", "tensorslow", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and "cannot write results there" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_second_run_into_a_locked_dir_fails_clearly(tmp_path, capsys, monkeypatch):
    import tensorslow_parity.run.matrix as matrix
    monkeypatch.setattr(matrix, "plan", lambda *a, **k: pytest.fail("the matrix ran"))
    with DirectoryLock(tmp_path):
        rc = cli_main(["run", "--frameworks", "tensorslow", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert rc == 2 and f"another tensorslow-parity run (pid {os.getpid()}) is writing results there" in err


def test_scratch_dirs_of_dead_runs_are_removed_and_live_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(scratch.tempfile, "tempdir", None)
    root = scratch.scratch_root()
    dead = root / "run-999999-dead"
    dead.mkdir(parents=True)
    (dead / scratch.OWNER).write_text("")
    (dead / "problem.npz").write_bytes(b"x")
    with scratch.scratch_dir() as live:
        assert scratch.remove_orphans(root, min_age_s=0) == ["run-999999-dead"]
        assert live.is_dir() and not dead.exists()
    assert not live.exists()


# -- signals: no orphan worker, no scratch directory left, the lock released --------------------------------

HANG_IN_WORKER = """
import os, sys, time
if any("tensorslow-cpu" in a for a in sys.argv):
    import tensorslow_parity.models.zoo as zoo
    def spec_from_dict(d):
        open({pid_file!r}, "w").write(str(os.getpid()))
        time.sleep(600)
    zoo.spec_from_dict = spec_from_dict
"""


def _start_hung_run(tmp_path):
    """``run`` in a subprocess whose TensorSlow worker hangs in its first cell; return (process, worker pid, env)."""
    site, pid_file = tmp_path / "inject", tmp_path / "worker.pid"
    site.mkdir()
    (site / "sitecustomize.py").write_text(HANG_IN_WORKER.format(pid_file=str(pid_file)), encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    env = dict(os.environ, PYTHONPATH=str(site), TMPDIR=str(tmp_path / "tmp"))
    out = tmp_path / "out"
    out.mkdir()
    (out / schema.RESULTS).write_text("previous results\n")
    proc = subprocess.Popen([sys.executable, "-m", "tensorslow_parity", "run", "--frameworks", "tensorslow",
                             "--models", "mlp_xor", "--optimizers", "sgd", "--dtypes", "float64", "--devices", "cpu",
                             "--steps", "2", "--no-progress", "--out", str(out)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not pid_file.exists() or not pid_file.read_text():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the worker never started"
        time.sleep(0.1)
    return proc, int(pid_file.read_text()), out


def _gone(pid, within=10):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split(")")[-1].split()[0] == "Z":
                    return True  # a zombie is dead; its new parent reaps it
        except FileNotFoundError:
            return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_kills_the_worker_and_removes_the_scratch_dir(tmp_path, capsys):
    proc, worker, out = _start_hung_run(tmp_path)
    try:
        # While it runs, a second run into the same directory fails at once, clearly.
        assert cli_main(["run", "--frameworks", "tensorslow", "--out", str(out)]) == 2
        assert f"another tensorslow-parity run (pid {proc.pid})" in capsys.readouterr().err
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM and b"Traceback" not in err, err
    assert _gone(worker), "the worker outlived the run"
    assert list((tmp_path / "tmp" / "tensorslow-parity").iterdir()) == []
    assert (out / schema.RESULTS).read_text() == "previous results\n"
    with DirectoryLock(out):
        pass  # released


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigkill_takes_the_worker_along_and_the_next_run_cleans_up(tmp_path, monkeypatch):
    proc, worker, out = _start_hung_run(tmp_path)
    try:
        proc.kill()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _gone(worker), "the worker outlived the run"
    root = tmp_path / "tmp" / "tensorslow-parity"
    (left,) = list(root.iterdir())  # SIGKILL leaves it; the next run removes it
    assert scratch.remove_orphans(root, min_age_s=0) == [left.name]
    with DirectoryLock(out):
        pass
    assert (out / schema.RESULTS).read_text() == "previous results\n"


def test_ops_checks_its_out_dir_before_running(tmp_path, capsys, monkeypatch):
    import tensorslow_parity.ops as ops
    monkeypatch.setattr(ops, "run_ops", lambda *a, **k: pytest.fail("the ops ran"))
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert cli_main(["ops", "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert "cannot write results there: it is a file" in err and "Traceback" not in err


def test_an_os_error_of_any_command_is_one_line(tmp_path, capsys, monkeypatch):
    import tensorslow_parity.ops as ops

    def fail(*a, **k):
        raise PermissionError(13, "Permission denied", str(tmp_path / "ops.csv"))
    monkeypatch.setattr(ops, "run_ops", fail)
    assert cli_main(["ops", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Permission denied" in err
