"""Tests of ``tensorslow-parity migrate``'s command line: the files it reads and writes, its exit statuses.

Every path is checked before anything is written; SCRIPT is read as Python
reads it; each kind of failure has its own exit status and one line on stderr.
Translation runs in-process and needs no TensorFlow; the ``--check`` runs here
use small programs without TensorFlow (or a stand-in for ``run_program``).
"""
import errno
import os
import stat
import threading
import tokenize
from pathlib import Path

import pytest

import tensorslow_parity.migrate as migrate_module
from tensorslow_parity.cli import main as cli
from tensorslow_parity.migrate import outputs
from tensorslow_parity.migrate.errors import (
    EXIT_CHECK_FAILED,
    EXIT_DIVERGE,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    EXIT_WRITE,
)

FIXTURES = Path(__file__).resolve().parent / "migrate_fixtures"


def migrate(*argv):
    """Run the command in-process: its exit status."""
    return cli(["migrate", *map(str, argv)])
PREFIX = "tensorslow-parity migrate: error: "




def listing(folder):
    return sorted(p.name for p in Path(folder).iterdir())


def one_error_line(capsys, *words):
    """stderr is one error line that contains ``words``; no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX), err
    for word in words:
        assert word in lines[0], err
    return lines[0]


# -- -o and --report checked before anything is written -----------------------------------------

@pytest.mark.parametrize("option", ["-o", "--report"])
def test_a_directory_as_output_or_report_is_refused_and_nothing_written(script, option, capsys):
    target = script.parent / "somewhere"
    target.mkdir()
    before = listing(script.parent)
    assert migrate(script, option, target) == EXIT_USAGE
    one_error_line(capsys, f"{option} {target}: is a directory")
    assert listing(script.parent) == before and listing(target) == []


@pytest.mark.parametrize("option", ["-o", "--report"])
def test_a_missing_folder_is_refused_not_created(script, option, capsys):
    target = script.parent / "no" / "such" / "out.py"
    assert migrate(script, option, target) == EXIT_USAGE
    one_error_line(capsys, f"{option} {target}: no such folder")
    assert not (script.parent / "no").exists() and listing(script.parent) == ["tour.py"]


def test_a_folder_that_cannot_be_written_is_refused(script, capsys):
    assert migrate(script, "-o", "/proc/tour_tf1.py") == EXIT_USAGE  # not writable, even by root
    one_error_line(capsys, "-o /proc/tour_tf1.py: cannot write in /proc")
    assert listing(script.parent) == ["tour.py"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder")
def test_a_read_only_folder_is_refused(script, capsys):
    locked = script.parent / "locked"
    locked.mkdir(mode=0o500)
    try:
        assert migrate(script, "--report", locked / "r.txt") == EXIT_USAGE
        one_error_line(capsys, "cannot write in")
    finally:
        locked.chmod(0o700)
    assert listing(script.parent) == ["locked", "tour.py"]


def test_script_itself_is_refused_as_output_or_report(script, capsys):
    before = script.read_bytes()
    assert migrate(script, "-o", script) == EXIT_USAGE
    one_error_line(capsys, "is SCRIPT itself", "--inplace")
    assert migrate(script, "--report", script) == EXIT_USAGE
    one_error_line(capsys, f"--report {script}: is SCRIPT itself")
    link = script.parent / "link.py"
    link.symlink_to(script)
    assert migrate(script, "-o", link, "--force") == EXIT_USAGE  # SCRIPT under another name
    one_error_line(capsys, "is SCRIPT itself")
    assert migrate(script, "-o", script.parent / "x.py", "--report", script.parent / "x.py") == EXIT_USAGE
    one_error_line(capsys, "the same file as the program's output")
    assert script.read_bytes() == before and listing(script.parent) == ["link.py", "tour.py"]


# -- existing outputs: --force -------------------------------------------------------------------

def test_an_existing_output_needs_force(script, capsys):
    out = script.parent / "tour_tf1.py"
    out.write_text("mine\n")
    assert migrate(script) == EXIT_USAGE  # the default output, too
    one_error_line(capsys, f"output {out}: already exists (--force overwrites it)")
    assert migrate(script, "-o", out) == EXIT_USAGE
    one_error_line(capsys, f"-o {out}: already exists")
    assert out.read_text() == "mine\n" and listing(script.parent) == ["tour.py", "tour_tf1.py"]
    assert migrate(script, "--force") == EXIT_OK
    assert out.read_text().startswith('"""The README')


def test_an_existing_report_needs_force_unless_it_follows_its_program(script, capsys):
    report = script.parent / "notes.txt"
    report.write_text("mine\n")
    assert migrate(script, "--report", report) == EXIT_USAGE
    one_error_line(capsys, f"--report {report}: already exists")
    assert report.read_text() == "mine\n" and not (script.parent / "tour_tf1.py").exists()
    assert migrate(script, "--report", report, "--force") == EXIT_OK
    assert "Changes: " in report.read_text()
    derived = script.parent / "tour_tf2.py.report.txt"  # left by an earlier, refused run: replaced
    derived.write_text("old report\n")
    assert migrate(script, "--to", "tf2") == EXIT_OK
    assert "output: " + str(script.parent / "tour_tf2.py") in derived.read_text()


def test_force_writes_through_a_link_and_keeps_the_mode(script, capsys):
    real = script.parent / "real.py"
    real.write_text("old\n")
    real.chmod(0o751)
    link = script.parent / "out.py"
    link.symlink_to(real)
    assert migrate(script, "-o", link, "--force") == EXIT_OK
    assert link.is_symlink() and real.read_text().startswith('"""The README')
    assert stat.S_IMODE(real.stat().st_mode) == 0o751
    script.chmod(0o755)
    assert migrate(script, "--inplace") == EXIT_OK
    assert stat.S_IMODE(script.stat().st_mode) == 0o755 and "tensorflow" in script.read_text()


# -- devices and pipes -----------------------------------------------------------------------------

def test_dev_null_is_written_as_a_device_with_the_report_on_stderr(script, capsys):
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert migrate(script, "-o", "/dev/null") == EXIT_OK
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)  # written to, not replaced
    assert not os.path.exists("/dev/null.report.txt")
    err = capsys.readouterr().err
    assert "output: /dev/null" in err and "Changes: 15" in err and "wrote /dev/null (15 changes)" in err
    report = script.parent / "r.txt"
    assert migrate(script, "-o", "/dev/null", "--report", report) == EXIT_OK
    assert "output: /dev/null" in report.read_text()


def test_a_named_pipe_is_written_as_it_is(script, capsys):
    pipe = script.parent / "pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    assert migrate(script, "-o", pipe) == EXIT_OK
    reader.join(10)
    assert b"import tensorflow.compat.v1 as tf" in received[0]
    assert stat.S_ISFIFO(os.stat(pipe).st_mode) and listing(script.parent) == ["pipe", "tour.py"]
    assert "Changes: 15" in capsys.readouterr().err


# -- reading SCRIPT as Python does -----------------------------------------------------------------

def test_a_bom_is_read_and_kept(script, capsys):
    script.write_bytes(b"\xef\xbb\xbf" + script.read_bytes())
    assert migrate(script) == EXIT_OK
    out = (script.parent / "tour_tf1.py").read_bytes()
    assert out.startswith(b"\xef\xbb\xbf\"\"\"The README") and out.count(b"\xef\xbb\xbf") == 1
    compile(out, "tour_tf1.py", "exec")


def test_a_coding_line_is_read_and_the_translation_keeps_its_encoding(script, capsys):
    script.write_bytes(b"# -*- coding: latin-1 -*-\n" + script.read_bytes() + b"print('caf\xe9')\n")
    assert migrate(script) == EXIT_OK
    out = script.parent / "tour_tf1.py"
    with tokenize.open(out) as f:
        assert f.encoding == "iso-8859-1" and "print('caf\u00e9')" in f.read()
    assert migrate(script, "--to", "tf2", "-o", "-") == EXIT_OK
    assert "print('caf\u00e9')" in capsys.readouterr().out


@pytest.mark.parametrize("data, message", [
    (b"import tensorslow as ts\nprint('caf\xe9')\n",
     "not text in its encoding utf-8 (invalid continuation byte at line 2"),
    (b"# coding: no-such-codec\nimport tensorslow as ts\n", "not a Python program (unknown encoding"),
    (b"\xef\xbb\xbf# coding: latin-1\nimport tensorslow as ts\n", "not a Python program (encoding problem"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "a binary file (it contains NUL bytes)"),
])
def test_undecodable_or_binary_input_is_refused(tmp_path, data, message, capsys):
    path = tmp_path / "bad.py"
    path.write_bytes(data)
    assert migrate(path) == EXIT_REFUSED
    one_error_line(capsys, f"{path}: {message}")
    assert listing(tmp_path) == ["bad.py"]


def test_a_missing_script_or_a_directory_is_a_usage_error(tmp_path, capsys):
    assert migrate(tmp_path / "nothing.py") == EXIT_USAGE
    one_error_line(capsys, "nothing.py: no such file")
    assert migrate(tmp_path) == EXIT_USAGE
    one_error_line(capsys, f"{tmp_path}: is a directory")
    assert listing(tmp_path) == []


# -- nothing claims success before everything is written ---------------------------------------

def failing_write(monkeypatch, name):
    """atomic writes to a file called ``name`` fail as on a full disk."""
    real = outputs.atomic_write_bytes

    def write(path, data):
        if Path(path).name == name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, data)
    monkeypatch.setattr(outputs, "atomic_write_bytes", write)


def test_a_failed_program_write_leaves_no_report(script, monkeypatch, capsys):
    failing_write(monkeypatch, "tour_tf1.py")
    assert migrate(script) == EXIT_WRITE
    one_error_line(capsys, "tour_tf1.py: cannot write it (No space left on device)")
    assert listing(script.parent) == ["tour.py"]


def test_a_failed_report_write_is_an_error_not_a_success(script, monkeypatch, capsys):
    failing_write(monkeypatch, "tour_tf1.py.report.txt")
    assert migrate(script) == EXIT_WRITE
    line = one_error_line(capsys, "but the report", "No space left on device")
    assert "wrote " in line  # the program is there, and the message says so
    assert listing(script.parent) == ["tour.py", "tour_tf1.py"]


# -- exit statuses -------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["--to", "tf3"], ["--timeout", "0"], ["--timeout", "nan"], ["-o", "a", "--inplace"]])
def test_bad_options_exit_with_argparse_status(script, argv, capsys):
    with pytest.raises(SystemExit) as e:
        migrate(script, *argv)
    assert e.value.code == EXIT_USAGE
    assert listing(script.parent) == ["tour.py"]


def test_bad_args_quoting_is_a_usage_error_before_anything_is_written(script, capsys):
    assert migrate(script, "--check", "-o", script.parent / "o.py", "--args", '"open') == EXIT_USAGE
    one_error_line(capsys, "--args: No closing quotation")
    assert listing(script.parent) == ["tour.py"]


def test_an_internal_error_is_one_line_unless_debugging(script, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(migrate_module, "translate", broken)
    monkeypatch.delenv(migrate_module.DEBUG_VARIABLE, raising=False)
    assert migrate(script) == EXIT_INTERNAL
    one_error_line(capsys, "internal error (RuntimeError: boom)", "--debug")
    assert listing(script.parent) == ["tour.py"]
    assert migrate(script, "--debug") == EXIT_INTERNAL
    assert "Traceback" in capsys.readouterr().err
    monkeypatch.setenv(migrate_module.DEBUG_VARIABLE, "1")
    assert migrate(script) == EXIT_INTERNAL
    assert "Traceback" in capsys.readouterr().err


def test_every_exit_status_is_distinct_and_documented(capsys):
    statuses = [EXIT_OK, EXIT_DIVERGE, EXIT_USAGE, EXIT_REFUSED, EXIT_CHECK_FAILED, EXIT_WRITE, EXIT_INTERNAL]
    assert len(set(statuses)) == len(statuses)
    with pytest.raises(SystemExit):
        cli(["migrate", "--help"])
    text = capsys.readouterr().out
    for status in statuses:
        assert f"\n  {status} " in text
    assert "--force" in text and "/dev/null" in text and "--debug" in text
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| `tensorslow-parity migrate"))
    assert "--force" in row
    for status in statuses:
        assert f"{status} " in readme[readme.index(row):]


def test_a_sibling_module_with_a_bom_is_seen_to_use_tensorslow(script, capsys):
    (script.parent / "helpers.py").write_bytes(b"\xef\xbb\xbfimport tensorslow as ts\n")
    script.write_text("import tensorslow as ts\nimport helpers\n")
    assert migrate(script) == EXIT_REFUSED
    assert "imports helpers, a module of the program's folder (helpers.py) that uses tensorslow" in \
        capsys.readouterr().err


def test_dev_stdout_is_written_as_it_is_even_when_it_is_a_file(script, capfd):
    # Under pytest's capture, file descriptor 1 is a regular file: /dev/stdout must not be replaced.
    assert migrate(script, "-o", "/dev/stdout") == EXIT_OK
    captured = capfd.readouterr()
    assert "import tensorflow.compat.v1 as tf" in captured.out and "output: /dev/stdout" in captured.err
    assert listing(script.parent) == ["tour.py"]
