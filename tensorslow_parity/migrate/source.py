"""Reading SCRIPT as Python itself does: a UTF-8 BOM or a PEP 263 coding line decide its encoding.

The encoding is kept so that the translation is written in it (with the BOM
when there was one): its coding line then still tells the truth.
"""
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

from .errors import RefusedError, UsageError


@dataclass(frozen=True)
class Source:
    path: Path
    text: str
    encoding: str  # as tokenize.detect_encoding names it: "utf-8-sig" when there is a BOM

    def encode(self, text):
        """``text`` in the program's encoding (a BOM first when the program had one)."""
        return text.encode(self.encoding)


def read_source(path):
    """The program at ``path``; :class:`UsageError` when there is no file to read,
    :class:`RefusedError` when it is not Python source text."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{path}: is a directory, not a program")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot read it ({e.strerror or e})") from None
    if b"\0" in data:
        raise RefusedError(f"{path}: a binary file (it contains NUL bytes), not a Python program")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as e:  # an unknown encoding in the coding line, or a BOM with another coding line
        raise RefusedError(f"{path}: not a Python program ({e.msg})") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise RefusedError(f"{path}: not text in its encoding {encoding} ({e.reason} at line {line}, "
                           f"byte {e.start}); declare the encoding with a coding line (PEP 263)") from None
    return Source(path, text, encoding)
