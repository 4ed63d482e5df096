"""The report as a list of sections of blocks, and its two renderings: Markdown and HTML.

Sections build blocks (:class:`Paragraph`, :class:`Bullets`, :class:`Table`,
:class:`Figure`); :func:`to_markdown` and :func:`to_html` render the same
blocks, so report.md and index.html always say the same thing. Text may hold
`code` spans (backticks), the only inline markup, rendered as ``<code>`` in HTML.
"""
import base64
import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

#: Status marks are words, not emoji: they read the same in any font, in a terminal and in Markdown.
#: The HTML page colours the cells that start with them (:func:`_cell_class`).
PASS = "pass"
FAIL = "FAIL"
NOISY = "noisy"
#: Cells longer than this many characters are prose and may wrap anywhere in the HTML page.
LONG_CELL = 48
FIGURES = "figures"  # the folder, beside report.md, that holds the PNG files


@dataclass
class Paragraph:
    text: str
    kind = "paragraph"


@dataclass
class Bullets:
    items: list
    kind = "bullets"


@dataclass
class Table:
    """A table whose cells are already formatted as strings (``frame``).

    ``marks``, when given, holds one CSS class per cell (``"pass"``, ``"fail"``,
    ``"error"``, ``"skip"``, ``"noisy"`` or ``""``): for cells whose text alone
    does not say it, such as a pivot cell that shows a passing error. Otherwise the
    class comes from the cell's first word (:func:`_cell_class`).
    """

    frame: object  # pandas.DataFrame of str
    caption: str = ""
    marks: list | None = None
    #: True: every cell may wrap (a wide table of short cells, such as times with their ratios)
    wrap: bool = False
    kind = "table"

    def html_rows(self):
        """Rows of (text, CSS class) pairs; the class marks failed, passed, skipped, error and noisy cells."""
        rows = [[str(cell) for cell in row] for row in self.frame.itertuples(index=False)]
        marks = self.marks if self.marks is not None else [[_cell_class(text) for text in row] for row in rows]
        # Long prose (a reason, a note) may break anywhere; short cells (numbers) never break mid-value.
        def wrap(text):
            return "long" if len(text) > LONG_CELL else "wrap" if self.wrap else ""
        return [[(text, " ".join(filter(None, (css, wrap(text))))) for text, css in zip(row, row_marks)]
                for row, row_marks in zip(rows, marks)]


@dataclass
class Details:
    """Blocks folded away under a one-line ``summary``: the raw tables behind a pivot table.

    HTML renders ``<details>``; GitHub's Markdown renders the same element, so report.md folds them too."""

    summary: str
    blocks: list = field(default_factory=list)
    kind = "details"


@dataclass
class Mark:
    """A one-line verdict in large type: ``status`` is ``"pass"``, ``"fail"`` or ``"error"``."""

    status: str
    text: str
    kind = "mark"


@dataclass
class Figure:
    """A PNG figure: ``name`` is its file name in :data:`FIGURES`."""

    name: str
    png: bytes
    alt: str
    caption: str = ""
    kind = "figure"

    def data_uri(self):
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class Section:
    title: str
    blocks: list = field(default_factory=list)

    @property
    def anchor(self):
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


def _cell_class(cell):
    word = cell.split(" ", 1)[0].rstrip(":;,")
    return {FAIL: "fail", PASS: "pass", "error": "error", "skipped": "skip", NOISY: "noisy"}.get(word, "")


# -- formatting ---------------------------------------------------------------------------

def missing(x):
    return x is None or (isinstance(x, float) and math.isnan(x))


def slug(text):
    """``text`` as a file-name fragment: lower case, every other character than a letter or digit as ``-``."""
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def fmt_err(x):
    """An error or tolerance: ``1.2e-07``; ``0``; ``—`` when missing."""
    return "—" if missing(x) else ("0" if x == 0 else f"{x:.1e}")


def fmt_signed(x):
    """A signed difference: ``+1.2e-03``."""
    return "—" if missing(x) else ("0" if x == 0 else f"{x:+.1e}")


def fmt_time(seconds):
    """A duration with a unit chosen to keep 3 significant digits: ``41.2 µs``, ``7.80 ms``, ``1.05 s``."""
    if missing(seconds):
        return "—"
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if abs(seconds) >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt_ratio(x):
    return "—" if missing(x) else f"{x:.3g}×"


def fmt_flag(flag):
    """A ``<check>_pass`` value: pass, FAIL or ``—`` (not run)."""
    return "—" if flag is None else (PASS if flag else FAIL)


# -- Markdown -----------------------------------------------------------------------------

def markdown_table(frame):
    """A GitHub-flavoured Markdown table of a DataFrame of strings (pipes escaped, newlines flattened)."""
    def cell(value):
        return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(cell(c) for c in frame.columns) + " |",
             "|" + "|".join("---" for _ in frame.columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def to_markdown(title, intro, sections):
    """report.md: a title, a contents list and every section; figures linked as ``figures/<name>``."""
    out = [f"# {title}", "", intro, "", "Contents:", ""]
    out += [f"{i}. [{s.title}](#{s.anchor})" for i, s in enumerate(sections, 1)]
    for section in sections:
        out += ["", f"## {section.title}"]
        for block in section.blocks:
            out += [""] + _markdown_block(block)
    return "\n".join(out) + "\n"


def _markdown_block(block):
    if block.kind == "paragraph":
        return [block.text]
    if block.kind == "mark":
        return [f"**{block.status.upper()}: {block.text}**"]
    if block.kind == "bullets":
        return [f"- {item}" for item in block.items]
    if block.kind == "table":
        return ([f"**{block.caption}**", ""] if block.caption else []) + [markdown_table(block.frame)]
    if block.kind == "details":
        # GitHub renders Markdown inside <details> when blank lines surround it.
        out = ["<details>", f"<summary>{html.escape(block.summary, quote=False)}</summary>"]
        for inner in block.blocks:
            out += [""] + _markdown_block(inner)
        return out + ["", "</details>"]
    lines = [f"![{block.alt}]({FIGURES}/{block.name})"]
    return lines + (["", f"*{block.caption}*"] if block.caption else [])


# -- HTML ---------------------------------------------------------------------------------

TEMPLATES = Path(__file__).parent / "templates"


def _inline(text):
    """Escape ``text`` for HTML and turn `code` spans into ``<code>``."""
    escaped = html.escape(text, quote=False)
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))


def to_html(title, intro, sections):
    """index.html: one self-contained page (inline CSS, figures as data: URIs) from the template."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["inline"] = _inline
    return env.get_template("report.html.j2").render(title=title, intro=intro, sections=sections)
