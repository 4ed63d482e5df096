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

PASS = "✅ pass"
FAIL = "❌ FAIL"
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
    """A table whose cells are already formatted as strings (``frame``)."""

    frame: object  # pandas.DataFrame of str
    caption: str = ""
    kind = "table"

    def html_rows(self):
        """Rows of (text, CSS class) pairs; the class marks failed, passed, skipped and error cells."""
        return [[(str(cell), _cell_class(str(cell))) for cell in row] for row in self.frame.itertuples(index=False)]


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
    if "❌" in cell:
        return "fail"
    if "✅" in cell:
        return "pass"
    if cell.startswith("error"):
        return "error"
    if cell.startswith("skipped"):
        return "skip"
    return ""


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
            out.append("")
            if block.kind == "paragraph":
                out.append(block.text)
            elif block.kind == "bullets":
                out += [f"- {item}" for item in block.items]
            elif block.kind == "table":
                if block.caption:
                    out += [f"**{block.caption}**", ""]
                out.append(markdown_table(block.frame))
            else:
                out.append(f"![{block.alt}]({FIGURES}/{block.name})")
                if block.caption:
                    out += ["", f"*{block.caption}*"]
    return "\n".join(out) + "\n"


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
