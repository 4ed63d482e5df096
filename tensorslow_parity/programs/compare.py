"""Compare what two runs of a program printed: words exactly, numbers within a tolerance.

Both outputs are split into tokens; a token that reads as a number (``0.25``,
``-1e-05``, ``nan``, ``[0.1``) is compared as a number with
``|a - b| <= atol + rtol * |b|`` (``b`` being the reference's), every other
token must be equal. The first difference is reported with its line.
"""
import math
import re
from dataclasses import dataclass

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)", re.IGNORECASE)


@dataclass
class Difference:
    line: int               # 1-based line of the candidate's output
    candidate: str
    reference: str
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.reason}\n  tensorslow: {self.candidate}\n  tf1:        {self.reference}"


def tokens(line):
    """The line's tokens: numbers as floats, the text between them as stripped strings."""
    out, position = [], 0
    for match in _NUMBER.finditer(line):
        text = line[position:match.start()].strip()
        if text:
            out.append(text)
        out.append(float(match.group()))
        position = match.end()
    rest = line[position:].strip()
    if rest:
        out.append(rest)
    return out


def _close(a, b, rtol, atol):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= atol + rtol * abs(b)


def first_difference(candidate, reference, rtol, atol):
    """The first :class:`Difference` between two outputs, or None if they agree; also the largest relative
    difference seen among numbers that agreed (for the report)."""
    cand_lines, ref_lines = candidate.splitlines(), reference.splitlines()
    worst = 0.0
    for number, (c_line, r_line) in enumerate(zip(cand_lines, ref_lines), start=1):
        c_tokens, r_tokens = tokens(c_line), tokens(r_line)
        if len(c_tokens) != len(r_tokens):
            return Difference(number, c_line, r_line, "different number of words and numbers"), worst
        for a, b in zip(c_tokens, r_tokens):
            if isinstance(a, float) and isinstance(b, float):
                if not _close(a, b, rtol, atol):
                    return Difference(number, c_line, r_line, f"{a!r} vs {b!r} beyond rtol {rtol:g}, "
                                                              f"atol {atol:g}"), worst
                if b != 0 and math.isfinite(a) and math.isfinite(b):
                    worst = max(worst, abs(a - b) / abs(b))
            elif a != b:
                return Difference(number, c_line, r_line, f"{a!r} vs {b!r}"), worst
    if len(cand_lines) != len(ref_lines):
        line = min(len(cand_lines), len(ref_lines)) + 1
        return Difference(line, "\n".join(cand_lines[line - 1:line]) or "(end of output)",
                          "\n".join(ref_lines[line - 1:line]) or "(end of output)",
                          f"{len(cand_lines)} lines vs {len(ref_lines)}"), worst
    return None, worst
