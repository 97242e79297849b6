"""The running header of the patient's copy: the name on the left, the date of birth on the right.

A name too long for the room beside the date of birth is first set smaller (down to
`min_size`), then wrapped onto more lines; it never runs under the date (issue 12: a
51-character compound name overprinted it by 97 pt, by 193 pt in large print). The record
accepts 80 characters each for the given and family name (domain/patients.py), so a name
can need several lines, and a single word may be wider than the room: it breaks after a
hyphen where it has one, else between letters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

from caredesk.pdf import fonts

_STEP = 0.5  # pt: how finely the name is shrunk before it wraps


@dataclass(frozen=True, slots=True)
class HeaderLayout:
    """How the header is set: `name_lines` top down, in bold at `name_size`; the date of birth
    at `size` on the first line's right. `extra` is the height added below the first line."""

    name_lines: tuple[str, ...]
    name_size: float
    size: float
    leading: float

    @property
    def extra(self) -> float:
        return (len(self.name_lines) - 1) * self.leading


def fit_header(name: str, born: str, *, width: float, size: float, min_size: float) -> HeaderLayout:
    """The name beside `born` within `width` points: at `size` when it fits, else the largest
    size down to `min_size` that fits on one line, else wrapped at `min_size`."""
    fonts.register()
    room = width - stringWidth(born, fonts.REGULAR, size) - size  # a gap of one em before the date
    s = size
    while s >= min_size:
        if stringWidth(name, fonts.BOLD, s) <= room:
            return HeaderLayout((name,), s, size, round(s * 1.2, 1))
        s -= _STEP
    return HeaderLayout(tuple(wrap(name, fonts.BOLD, min_size, room)), min_size, size, round(min_size * 1.2, 1))


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy lines no wider than `width`: breaks at spaces; after hyphens only when a word is
    wider than the line, and inside a word only when a part between hyphens still is."""

    def fits(s: str) -> bool:
        return float(stringWidth(s, font, size)) <= width

    words = re.findall(r"\S+\s*", text.strip())
    if all(fits(w.rstrip()) for w in words):
        return _fill(words, fits)
    pieces: list[str] = []  # each keeps what follows it: "Oyelaran-" then "Castellanos", "Ruiz " then "Smit"
    for piece in re.findall(r"[^\s-]*-+|[^\s-]+\s*|\s+", text.strip()):
        while not fits(piece.rstrip()):
            cut = next((n for n in range(len(piece) - 1, 0, -1) if fits(piece[:n])), 1)
            pieces.append(piece[:cut])
            piece = piece[cut:]
        pieces.append(piece)
    return _fill(pieces, fits)


def _fill(pieces: list[str], fits: Callable[[str], bool]) -> list[str]:
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and not fits((line + piece).rstrip()):
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines
