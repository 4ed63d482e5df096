"""The migration guide: chapters, code blocks, expected outputs, links, and the generated API table.

The code blocks themselves run as test items through pytest-codeblocks (see
``migration_guide/README.md``); these tests check what the plugin cannot: that
the chapters are there, that printed numbers are compared with what the code
prints, that links lead somewhere, and that the API table is the generated one.
"""
import importlib
import re
from pathlib import Path

import pytest
from pytest_codeblocks import extract_from_file

from tensorslow_parity import api_table
from tensorslow_parity.ops.catalog import CATALOG

GUIDE = Path(__file__).resolve().parent.parent / "migration_guide"
CHAPTERS = [
    "01_computational_graphs.md",
    "02_perceptrons.md",
    "03_training_criterion.md",
    "04_gradient_descent_and_backprop.md",
    "05_multi_layer_perceptrons.md",
    "06_moving_to_tf1.md",
    "07_tensorflow2.md",
    "08_keras.md",
]
GUIDE_FILES = sorted(GUIDE.glob("*.md"))
# Fenced blocks that pytest-codeblocks runs, and the ones it leaves alone (outputs, commands shown only).
RUN = {"python", "sh", "bash"}
NOT_RUN = {"text", "console"}


def _python_blocks(path):
    return [b for b in extract_from_file(path) if b.syntax == "python"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_has_tensorslow_and_tensorflow_code(chapter):
    path = GUIDE / chapter
    assert path.is_file(), f"{chapter} is missing from migration_guide/"
    code = [b.code for b in _python_blocks(path)]
    assert any(re.search(r"^import tensorslow", c, re.M) for c in code), f"{chapter}: no TensorSlow code block"
    assert any(re.search(r"^import (tensorflow|keras)", c, re.M) for c in code), \
        f"{chapter}: no TensorFlow or Keras code block"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_printed_output_is_checked(chapter):
    blocks = _python_blocks(GUIDE / chapter)
    unchecked = [b.lineno for b in blocks if "print(" in b.code and not b.expected_output]
    assert not unchecked, (f"{chapter}: the blocks at lines {unchecked} print but have no "
                           "<!--pytest-codeblocks:expected-output--> block after them")
    assert any(b.expected_output for b in blocks), f"{chapter}: no expected output at all"


@pytest.mark.parametrize("path", GUIDE_FILES, ids=lambda p: p.name)
def test_every_code_block_runs(path):
    for block in extract_from_file(path):
        assert block.syntax in RUN | NOT_RUN, (f"{path.name}, line {block.lineno}: a block of kind "
                                               f"{block.syntax!r} neither runs nor is declared text or console")
        assert not block.marks, f"{path.name}, line {block.lineno}: guide code is never skipped ({block.marks})"


def _links(path):
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)  # not in code
    return re.findall(r"\[[^\]]*\]\(([^)\s]+)\)", text)


@pytest.mark.parametrize("path", GUIDE_FILES, ids=lambda p: p.name)
def test_relative_links_resolve(path):
    for target in _links(path):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or an anchor in this file
        assert (path.parent / target.split("#")[0]).exists(), f"{path.name}: broken link to {target}"


def test_readme_gives_the_reading_order():
    readme = (GUIDE / "README.md").read_text(encoding="utf-8")
    links = _links(GUIDE / "README.md")
    assert [link for link in links if link in CHAPTERS] == CHAPTERS, "README.md must link chapters 1-8 in order"
    assert "api_table.md" in links
    for path in GUIDE.glob("[0-9][0-9]_*.md"):  # later chapters: named, linked once they are written
        assert path.name in readme, f"README.md does not mention {path.name}"


# -- the API table ----------------------------------------------------------------------

def test_api_table_is_the_generated_one():
    assert (GUIDE / "api_table.md").read_text(encoding="utf-8") == api_table.render(), \
        "migration_guide/api_table.md is out of date: run python -m tensorslow_parity.api_table"


def test_api_table_lists_every_op_type():
    text = (GUIDE / "api_table.md").read_text(encoding="utf-8")
    missing = [e.op_type for e in CATALOG if f"| `{e.op_type}` |" not in text]
    assert not missing, f"op types missing from api_table.md: {missing}"


def test_api_table_command_writes_and_checks(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(api_table, "TABLE_PATH", tmp_path / "api_table.md")
    assert api_table.main(["--check"]) == 1  # no file yet
    assert api_table.main([]) == 0
    assert (tmp_path / "api_table.md").read_text(encoding="utf-8") == api_table.render()
    assert api_table.main(["--check"]) == 0
    (tmp_path / "api_table.md").write_text("edited by hand\n", encoding="utf-8")
    assert api_table.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err


def _resolve(dotted):
    """The object a table symbol names: relative to tensorslow unless it starts with tf. or keras."""
    first, *rest = dotted.split(".")
    module = {"tf": "tensorflow", "keras": "keras"}.get(first)
    obj = importlib.import_module(module) if module else getattr(importlib.import_module("tensorslow"), first)
    for name in rest:
        obj = getattr(obj, name)
    return obj


@pytest.mark.parametrize("row", api_table.API_ROWS, ids=lambda r: r.concept)
def test_api_rows_name_real_symbols(row, tensorflow):
    for symbol in (row.tensorslow, row.tf_v1, row.tf2, row.keras):
        if symbol is not None:
            try:
                _resolve(symbol)
            except AttributeError:
                pytest.fail(f"API table row {row.concept!r}: {symbol} does not exist")
