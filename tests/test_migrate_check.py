"""Tests of ``migrate --check`` when the programs misbehave: hangs, crashes, children left behind,
stdin, undecodable output, an interrupt, a folder it cannot write in.

The programs here are small and import no TensorFlow; the runs that start
subprocesses are marked slow.
"""
import time
from pathlib import Path

import pytest
from test_migrate_cli import migrate  # noqa: E402  (the same CLI helper)

from tensorslow_parity.migrate import check
from tensorslow_parity.migrate.errors import EXIT_CHECK_FAILED, EXIT_OK


def alive(pid):
    """Whether process ``pid`` runs (a zombie waiting for its parent to reap it does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def gone(pid, within=5.0):
    deadline = time.monotonic() + within
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


SPAWNS_A_SLEEPER = """\
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print("child", child.pid, flush=True)
{rest}
"""


@pytest.mark.slow
def test_a_program_past_its_timeout_is_killed_with_its_children(tmp_path):
    program = tmp_path / "hang.py"
    program.write_text(SPAWNS_A_SLEEPER.format(rest="time.sleep(60)"))
    start = time.monotonic()
    run = check.run_program("hang", program, [], tmp_path, timeout=3)
    assert run.timed_out and run.returncode == -1 and time.monotonic() - start < 20
    pid = int(run.stdout.split()[1])  # what it printed before the timeout is kept
    assert gone(pid)


@pytest.mark.slow
def test_children_a_program_leaves_behind_are_killed(tmp_path):
    program = tmp_path / "leave.py"
    program.write_text(SPAWNS_A_SLEEPER.format(rest="sys.stdout.close(); sys.stderr.close()"))
    run = check.run_program("leave", program, [], tmp_path, timeout=30)
    assert not run.timed_out and run.returncode == 0
    assert gone(int(run.stdout.split()[1]))


@pytest.mark.slow
def test_a_program_reading_stdin_sees_its_end_and_bad_bytes_are_replaced(tmp_path):
    program = tmp_path / "reads.py"
    program.write_text("import sys\nsys.stdout.buffer.write(b'caf\\xe9\\n')\nsys.stdout.flush()\ninput()\n")
    run = check.run_program("reads", program, [], tmp_path, timeout=30)
    assert not run.timed_out and run.returncode == 1 and "EOFError" in run.stderr
    assert run.stdout == "caf\ufffd\n"


@pytest.mark.slow
def test_check_of_a_hanging_program_exits_with_its_status(script, capsys):
    script.write_text(script.read_text() + "\nimport time\nwhile True:\n    time.sleep(1)\n")
    assert migrate(script, "--check", "--timeout", "3") == EXIT_CHECK_FAILED
    err = capsys.readouterr().err
    assert "the original (TensorSlow) program ran past --timeout 3 s" in err and "Traceback" not in err
    assert sorted(p.name for p in script.parent.iterdir()) == ["tour.py"]


# -- the temporary translation: always removed ------------------------------------------------

def fake_runs(monkeypatch, *outcomes):
    """run_program answers with ``outcomes`` (Run keyword arguments, or an exception to raise);
    the paths it was given are recorded."""
    seen = []
    answers = iter(outcomes)

    def run(label, path, args, cwd, timeout):
        seen.append(Path(path))
        assert Path(path).is_file()
        answer = next(answers)
        if isinstance(answer, BaseException):
            raise answer
        return check.Run(label, [], answer.get("returncode", 0), answer.get("stdout", "1.5\n"), "", 0.1,
                         timed_out=answer.get("timed_out", False))
    monkeypatch.setattr(check, "run_program", run)
    return seen


def test_the_translation_is_removed_after_a_timeout(script, monkeypatch, capsys):
    seen = fake_runs(monkeypatch, {}, {"timed_out": True, "returncode": -1})
    assert migrate(script, "--check", "--timeout", "7") == EXIT_CHECK_FAILED
    assert "the translated (TensorFlow tf1) program ran past --timeout 7 s" in capsys.readouterr().err
    assert seen[1].parent == script.parent and not seen[1].exists()
    assert sorted(p.name for p in script.parent.iterdir()) == ["tour.py"]


def test_the_translation_is_removed_after_an_interrupt(script, monkeypatch):
    seen = fake_runs(monkeypatch, {}, KeyboardInterrupt())
    assert migrate(script, "--check") == 130  # the command line's status for an interrupt
    assert not seen[1].exists() and sorted(p.name for p in script.parent.iterdir()) == ["tour.py"]


def test_an_unwritable_folder_runs_the_translation_from_elsewhere(script, monkeypatch, capsys):
    real = check.tempfile.mkstemp

    def mkstemp(prefix="", suffix="", dir=None):  # noqa: A002  tempfile's own name
        if dir is not None and Path(dir) == script.parent:
            raise PermissionError(13, "Permission denied")
        return real(prefix=prefix, suffix=suffix, dir=dir)
    monkeypatch.setattr(check.tempfile, "mkstemp", mkstemp)
    seen = fake_runs(monkeypatch, {}, {})
    assert migrate(script, "--check") == EXIT_OK
    out = capsys.readouterr().out
    assert "cannot write in" in out and "check: agree: 1 lines" in out
    assert seen[1].parent != script.parent and not seen[1].parent.exists()


def test_check_with_the_program_on_stdout_reports_on_stderr(script, monkeypatch, capsys):
    fake_runs(monkeypatch, {}, {})
    assert migrate(script, "--check", "-o", "-") == EXIT_OK
    captured = capsys.readouterr()
    assert captured.out.startswith('"""The README') and "check:" not in captured.out
    compile(captured.out, "translated", "exec")
    assert "check: agree: 1 lines" in captured.err


def test_an_interrupt_kills_and_reaps_the_program(tmp_path, monkeypatch):
    started = []
    real_popen = check.subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    def interrupted(process, timeout):
        raise KeyboardInterrupt
    monkeypatch.setattr(check.subprocess, "Popen", popen)
    monkeypatch.setattr(check, "_exited", interrupted)
    program = tmp_path / "sleep.py"
    program.write_text("import time\ntime.sleep(60)\n")
    with pytest.raises(KeyboardInterrupt):
        check.run_program("sleep", program, [], tmp_path, timeout=30)
    assert started and started[0].returncode is not None and not alive(started[0].pid)
