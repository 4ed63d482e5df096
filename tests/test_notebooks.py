"""The course's notebooks: made from the guide's chapters (never out of step with them), and they run."""
import importlib.util
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("jupytext", reason="the notebooks extra (jupytext, nbclient) is not installed")
nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("notebooks_build", ROOT / "notebooks" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

# What each chapter's notebook shows besides printed text: plots (PNG), graph pictures (SVG).
PICTURES = {
    "01_computational_graphs": ["image/svg+xml"],
    "02_perceptrons": ["image/png"],
    "03_training_criterion": ["image/png"],
    "04_gradient_descent_and_backprop": ["image/png", "image/svg+xml"],
    "05_multi_layer_perceptrons": ["image/png"],
    "06_moving_to_tf1": ["image/svg+xml"],
}


def committed(chapter):
    return nbformat.read(ROOT / "notebooks" / f"{chapter}.ipynb", as_version=4)


def stdout(cell):
    return "".join(out.text for out in cell.outputs if out.output_type == "stream" and out.name == "stdout")


def check_outputs(chapter, nb):
    """No errors; each cell printed what its chapter says it prints; the chapter's pictures are there."""
    kinds = []
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        assert not [o for o in cell.outputs if o.output_type == "error"], f"{chapter}: a cell failed: {cell.source}"
        assert not [o for o in cell.outputs if o.get("name") == "stderr"], f"{chapter}: stderr in {cell.source}"
        if "expected_output" in cell.metadata:
            assert stdout(cell) == cell.metadata["expected_output"], f"{chapter}: other output from {cell.source}"
        kinds += [kind for out in cell.outputs for kind in out.get("data", {}) if kind != "text/plain"]
    assert kinds == PICTURES[chapter], f"{chapter}: pictures {kinds}, expected {PICTURES[chapter]}"


def test_there_are_six_notebooks_one_per_chapter():
    assert build.CHAPTERS == list(PICTURES)
    assert sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")) == build.CHAPTERS
    for chapter in build.CHAPTERS:
        assert (ROOT / "migration_guide" / f"{chapter}.md").is_file()


def test_notebooks_are_in_step_with_their_chapters():
    assert build.out_of_step() == [], "run `make notebooks` after editing a chapter"


@pytest.mark.parametrize("chapter", list(PICTURES))
def test_committed_notebook_holds_its_chapter_and_its_outputs(chapter):
    nb = committed(chapter)
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    assert "pytest-codeblocks" not in text
    for target in re.findall(r"\]\(([^)#]+)", text):  # a chapter with a notebook, else the guide's page
        assert not target.endswith(".md") or target.startswith("../migration_guide/"), target
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count == k + 1 for k, cell in enumerate(code))  # run in order, fully
    check_outputs(chapter, nb)


def test_an_edited_chapter_makes_its_notebook_out_of_step(tmp_path, monkeypatch, capsys):
    for chapter in build.CHAPTERS:
        shutil.copy(ROOT / "migration_guide" / f"{chapter}.md", tmp_path)
    path = tmp_path / "02_perceptrons.md"
    path.write_text(path.read_text().replace("W = ts.Variable([[1.0, -1.0]", "W = ts.Variable([[2.0, -1.0]"))
    monkeypatch.setattr(build, "GUIDE", tmp_path)
    assert build.out_of_step() == ["02_perceptrons"]
    assert build.main(["--check"]) == 1
    assert "02_perceptrons.ipynb is out of step" in capsys.readouterr().out


def test_links_lead_to_notebooks_or_to_the_guide():
    nb = build.notebook("01_computational_graphs")
    text = "\n".join(cell.source for cell in nb.cells)
    assert "](06_moving_to_tf1.ipynb)" in text and "](../migration_guide/08_keras.md)" in text
    assert (ROOT / "notebooks" / "../migration_guide/08_keras.md").resolve().is_file()


def test_unknown_chapter_is_refused(capsys):
    with pytest.raises(SystemExit):
        build.main(["07_nothing"])
    assert "no such chapter: 07_nothing" in capsys.readouterr().err


@pytest.mark.slow
def test_notebooks_run(monkeypatch):
    """All six, made from the chapters as they are now, run in one kernel with nbclient (about a minute)."""
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebooks = build.run([build.notebook(chapter) for chapter in build.CHAPTERS])
    for chapter, nb in zip(build.CHAPTERS, notebooks):
        check_outputs(chapter, nb)
