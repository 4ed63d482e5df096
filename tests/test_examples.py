"""End-to-end tests of the course examples: run each script as a user would, then check its outputs.

Each script runs once per module (full default steps; about a second each)
in a subprocess with its own output directory and a temporary working directory,
so a script that wrote outside ``--out`` or needed the repository as cwd would fail here.
"""
import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

# Each example runs as its own Python process, to the end.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# script -> (the files it writes, its default number of steps)
SCRIPTS = {
    "perceptron.py": (["perceptron_data.csv", "perceptron_data.png", "perceptron_decision_boundary.png"], 100),
    "multi_layer_perceptron.py": (["mlp_data.csv", "mlp_data.png", "mlp_decision_boundary.png"], 1000),
}


def run_example(script, out_dir, cwd, *args):
    """Run `script` with `sys.executable`; return its stdout, failing with its stderr on a non-zero exit."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}  # headless by itself
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)  # not installed
    result = subprocess.run([sys.executable, str(EXAMPLES / script), "--out", str(out_dir), *args],
                            cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{script} exited with {result.returncode}:\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module", params=sorted(SCRIPTS))
def example(request, tmp_path_factory):
    """(script name, output dir, stdout, cwd) of one full default run."""
    script = request.param
    out_dir = tmp_path_factory.mktemp("out") / "nested" / "dir"  # the script must create it
    cwd = tmp_path_factory.mktemp("cwd")
    return script, out_dir, run_example(script, out_dir, cwd), cwd


def losses(stdout):
    return [float(v) for v in re.findall(r"Loss: ([-+\d.eE]+|nan|inf)", stdout)]


def final_accuracy(stdout):
    match = re.search(r"Final accuracy: ([\d.]+)%", stdout)
    assert match, f"no 'Final accuracy' line in:\n{stdout}"
    return float(match.group(1))


def test_writes_exactly_the_announced_files(example):
    script, out_dir, stdout, cwd = example
    expected = {out_dir / name for name in SCRIPTS[script][0]}
    assert set(out_dir.iterdir()) == expected
    assert {Path(p) for p in re.findall(r"^Wrote (.+)$", stdout, re.M)} == expected
    assert list(cwd.iterdir()) == []  # nothing written to the working directory


def test_csv_holds_the_data(example):
    script, out_dir, _, _ = example
    with open(out_dir / SCRIPTS[script][0][0], newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["x1", "x2", "label"]
    assert len(rows) == 1 + 100 and all(len(row) == 3 for row in rows)
    points = np.array([[float(x1), float(x2)] for x1, x2, _ in rows[1:]])
    assert np.isfinite(points).all() and points.std(axis=0).min() > 0.5
    labels = [label for _, _, label in rows[1:]]
    assert labels.count("red") == labels.count("blue") == 50


@pytest.mark.parametrize("index", [1, 2], ids=["data_png", "boundary_png"])
def test_png_is_a_real_image(example, index):
    script, out_dir, _, _ = example
    path = out_dir / SCRIPTS[script][0][index]
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert path.stat().st_size > 10_000
    image = mpimg.imread(path)
    assert image.ndim == 3 and image.shape[0] > 300 and image.shape[1] > 300
    assert image[..., :3].std() > 0.05  # not a blank canvas
    # Red and blue points (and, for the boundary plot, red and blue regions) are drawn.
    red, green, blue = image[..., 0], image[..., 1], image[..., 2]
    assert ((red > 0.8) & (green < 0.2) & (blue < 0.2)).sum() > 100
    assert ((blue > 0.8) & (red < 0.2) & (green < 0.2)).sum() > 100


def test_loss_decreases(example):
    script, _, stdout, _ = example
    values = losses(stdout)
    assert len(values) == 10 + 1  # every tenth of the run, plus the final loss
    assert all(np.isfinite(values))
    assert values[-1] < 0.05 * values[0]
    assert all(later < earlier for earlier, later in zip(values, values[1:]))


def test_accuracy(example):
    script, _, stdout, _ = example
    if script == "multi_layer_perceptron.py":
        assert final_accuracy(stdout) == 100.0
    else:  # the red and blue blobs are separable, so the perceptron separates them all but a stray point
        assert final_accuracy(stdout) >= 95.0
        assert re.search(r"Hand-set perceptron accuracy: ([\d.]+)%", stdout)


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_steps_shortens_the_run(script, tmp_path):
    stdout = run_example(script, tmp_path / "out", tmp_path, "--steps", "3")
    assert re.findall(r"Step:\s+(\d+)", stdout) == ["0", "1", "2", "3"]
    assert len(list((tmp_path / "out").iterdir())) == 3
