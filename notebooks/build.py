"""Make the course's notebooks from the migration guide's chapters, and run them.

The chapters (``migration_guide/01_*.md`` to ``06_*.md``) are the one source:
their prose becomes markdown cells and their ``python`` blocks code cells, read
by jupytext. Two things change on the way: the chapters' expected outputs
(the ``<!--pytest-codeblocks:expected-output-->`` blocks that the guide's tests
compare with) leave the text, since a notebook shows what each cell printed
(they are kept in the code cell's metadata, ``expected_output``, and the tests
compare them with the notebook's outputs); and links to a chapter that is also
a notebook lead to that notebook.

    python notebooks/build.py           # make and run all six (make notebooks); or name some chapters
    python notebooks/build.py --check   # exit 1 if a notebook is out of step with its chapter

Each notebook is then run with nbclient, in this folder, and written with its
outputs (printed values, plots, graph pictures), so that it reads well before
it is run. ``tests/test_notebooks.py`` checks that the committed notebooks are
made from the chapters as they are now, and runs them.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GUIDE = HERE.parent / "migration_guide"
CHAPTERS = [
    "01_computational_graphs",
    "02_perceptrons",
    "03_training_criterion",
    "04_gradient_descent_and_backprop",
    "05_multi_layer_perceptrons",
    "06_moving_to_tf1",
]
EXPECTED = re.compile(r"\A<!--pytest-codeblocks:expected-output-->\s*```text\n(.*?)```\s*", re.S)
DIRECTIVE = re.compile(r"^<!--pytest-codeblocks:cont-->\n*", re.M)  # the guide's tests' note: joins two blocks
# A relative link to a page of the guide (not a web address, an anchor, or a path from the repository's root).
LINK = re.compile(r"\]\((?![a-z]+:|#|\.\./)([^)#\s]+?)(\.md)?(#[^)]*)?\)")
TIMEOUT_S = 300  # per cell; the slowest (a few hundred training steps in four engines) takes seconds


def _tools():
    try:
        import jupytext
        import nbformat
    except ImportError as error:
        raise ImportError(f"Making the notebooks needs jupytext: pip install tensorslow-parity[notebooks] "
                          f"({error})") from error
    return jupytext, nbformat


def _link(match: re.Match[str]) -> str:
    """A link to a chapter: to its notebook if it has one, else to the guide's page (from notebooks/)."""
    name, suffix, anchor = match.group(1), match.group(2) or "", match.group(3) or ""
    target = f"{name}.ipynb" if name in CHAPTERS and suffix else f"../migration_guide/{name}{suffix}"
    return f"]({target}{anchor})"


def notebook(chapter: str):
    """The notebook of ``chapter`` (a name from CHAPTERS), without outputs."""
    jupytext, nbformat = _tools()
    nb = jupytext.reads((GUIDE / f"{chapter}.md").read_text(encoding="utf-8"), fmt="md")
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            expected = EXPECTED.match(cell.source)
            if expected and cells and cells[-1].cell_type == "code":
                cells[-1].metadata["expected_output"] = expected.group(1)
                cell.source = cell.source[expected.end():]
            cell.source = LINK.sub(_link, DIRECTIVE.sub("", cell.source)).strip()
            if not cell.source:
                continue
        cell.metadata.pop("lines_to_next_cell", None)
        cells.append(cell)
    out = nbformat.v4.new_notebook(cells=cells)
    for k, cell in enumerate(out.cells):
        cell.id = f"{chapter[:2]}-{k:02d}"  # stable ids: a remade notebook differs only where its chapter does
    out.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "source": f"migration_guide/{chapter}.md (made by notebooks/build.py; edit the chapter, not this file)",
    }
    return out


def run(notebooks, timeout: int = TIMEOUT_S):
    """Execute ``notebooks`` in this folder with nbclient, one after the other in one kernel (TensorFlow is
    imported once), its variables cleared between two. Raises CellExecutionError naming the failing cell."""
    try:
        from nbclient import NotebookClient
    except ImportError as error:
        raise ImportError(f"Running the notebooks needs nbclient: pip install tensorslow-parity[notebooks] "
                          f"({error})") from error
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # the kernel inherits it: less TensorFlow start-up noise
    client = NotebookClient(notebooks[0], timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(HERE)}})
    with client.setup_kernel():
        for nb in notebooks:
            client.wait_for_reply(client.kc.execute("%reset -f", silent=True))  # as if in a kernel of its own
            client.nb = nb
            client.reset_execution_trackers()
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
            for cell in nb.cells:  # TensorFlow's start-up lines on stderr (CUDA, oneDNN notices): not the course's
                if cell.cell_type == "code":
                    cell.outputs = [out for out in map(_quiet, cell.outputs) if out is not None]
    return notebooks


def _quiet(output):
    """``output`` without TensorFlow's log lines (None if nothing else is left)."""
    if output.output_type == "stream" and output.name == "stderr":
        sys.path.insert(0, str(HERE.parent))
        from tensorslow_parity.quiet_tf import filter_stderr
        output.text = filter_stderr(output.text)
        return output if output.text.strip() else None
    return output


def cells_of(nb) -> list[tuple[str, str]]:
    """What a notebook holds of its chapter: each cell's kind and text (not its outputs)."""
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def write(nb, path: Path) -> None:
    """Write ``nb`` to ``path`` whole or not at all (a temporary file, then a rename)."""
    _, nbformat = _tools()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            nbformat.write(nb, file)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a notebook is for everyone to read
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def out_of_step() -> list[str]:
    """The chapters whose committed notebook is missing or holds other cells than the chapter makes."""
    _, nbformat = _tools()
    stale = []
    for chapter in CHAPTERS:
        path = HERE / f"{chapter}.ipynb"
        if not path.is_file() or cells_of(nbformat.read(path, as_version=4)) != cells_of(notebook(chapter)):
            stale.append(chapter)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say which notebooks are out of step")
    parser.add_argument("chapters", nargs="*", help=f"the chapters to make (all): {', '.join(CHAPTERS)}")
    args = parser.parse_args(argv)
    unknown = [c for c in args.chapters if c not in CHAPTERS]
    if unknown:
        parser.error(f"no such chapter: {', '.join(unknown)} (the chapters: {', '.join(CHAPTERS)})")
    if args.check:
        stale = out_of_step()
        for chapter in stale:
            print(f"notebooks/{chapter}.ipynb is out of step with migration_guide/{chapter}.md: "
                  f"run python notebooks/build.py {chapter}")
        return 1 if stale else 0
    chapters = args.chapters or CHAPTERS
    for chapter, nb in zip(chapters, run([notebook(chapter) for chapter in chapters])):
        write(nb, HERE / f"{chapter}.ipynb")
        print(f"notebooks/{chapter}.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main())
