"""The running header and footer of the patient's copy: the name on the left, the date of birth
on the right; at the foot the privacy and version lines, with "Page x of y" beside the first.

A name too long for the room beside the date of birth is first set smaller (down to
`min_size`), then wrapped onto more lines; it never runs under the date (issue 12: a
51-character compound name overprinted it by 97 pt, by 193 pt in large print). The record
accepts 80 characters each for the given and family name (domain/patients.py), so a name
can need several lines, and a single word may be wider than the room: it breaks after a
hyphen where it has one, else between letters.

The footer's wording is fitted the same way (it runs on over more lines, never under the page
number): the Spanish wording and large print's bigger footer are longer than one line.
Geometry is in points from the page's edges; the renderer sets its margins from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.units import inch

from caredesk.pdf import fonts
from caredesk.pdf.script_text import string_width  # the name may need the fallback faces

_STEP = 0.5  # pt: how finely the name is shrunk before it wraps
HEAD_TOP: float = 0.5 * inch  # from the page's top edge to the top of the header's capitals
FOOT_BASE: float = 0.45 * inch  # from the page's bottom edge to the footer's last line (its baseline)
_CAP, _DESCENT = 0.75, 0.3  # of the type size: how far capitals rise and descenders fall (DejaVu Sans)


@dataclass(frozen=True, slots=True)
class HeaderLayout:
    """How the header is set: `name_lines` top down, in bold at `name_size`; the date of birth
    at `size` on the first line's right, or on a line of its own below the name (`born_below`).
    `extra` is the height added below the first line."""

    name_lines: tuple[str, ...]
    name_size: float
    size: float
    leading: float
    born_below: bool = False

    @property
    def born_drop(self) -> float:
        """From the first line's baseline down to the date of birth's."""
        return (len(self.name_lines) - 1) * self.leading + round(self.size * 1.2, 1) if self.born_below else 0.0

    @property
    def extra(self) -> float:
        return max((len(self.name_lines) - 1) * self.leading, self.born_drop)

    @property
    def baseline(self) -> float:
        """The first line's baseline, from the page's top edge."""
        return HEAD_TOP + _CAP * self.size

    @property
    def depth(self) -> float:
        """From the page's top edge to the rule under the header (below the name's last line)."""
        return self.baseline + self.extra + _DESCENT * self.size + 3


@dataclass(frozen=True, slots=True)
class FooterLayout:
    """The footer's lines top down at `size`, the first beside "Page x of y" (bold, `page_size`)."""

    lines: tuple[str, ...]
    size: float
    leading: float
    page_size: float

    def baseline(self, n: int) -> float:
        """Line `n`'s baseline from the page's bottom edge (the page number's is line 0's)."""
        return FOOT_BASE + (len(self.lines) - 1 - n) * self.leading

    @property
    def height(self) -> float:
        """From the page's bottom edge to the rule above the footer."""
        return self.baseline(0) + _CAP * max(self.size, self.page_size) + 4


def fit_footer(
    sentences: tuple[str, ...], *, width: float, size: float, page_size: float, widest_page: str
) -> FooterLayout:
    """`sentences` in lines within `width`; the first line leaves room for `widest_page` (the
    widest "Page x of y" the copy can print) at `page_size` in bold, and one em before it. Each
    sentence starts a line of its own unless running them on saves a line."""
    fonts.register()
    room = width - string_width(widest_page, fonts.BOLD, page_size) - size

    def lines(text: str, first_room: float) -> list[str]:
        text = " ".join(text.split())
        first = wrap(text, fonts.REGULAR, size, first_room)[0]
        rest = text[len(first) :].strip()
        return [first, *wrap(rest, fonts.REGULAR, size, width)] if rest else [first]

    apart = [line for n, s in enumerate(sentences) for line in lines(s, room if n == 0 else width)]
    run_on = lines(" ".join(sentences), room)
    return FooterLayout(tuple(apart if len(apart) <= len(run_on) else run_on), size, round(size * 1.25, 1), page_size)


def fit_header(name: str, born: str, *, width: float, size: float, min_size: float) -> HeaderLayout:
    """The name beside `born` within `width` points: at `size` when it fits, else the largest
    size down to `min_size` that fits on one line, else wrapped at `min_size`. A name that would
    take more than two lines beside the date of birth (a long name in large print, beside the
    longer Spanish "Fecha de nacimiento") takes the whole width, the date on a line below it,
    when that takes fewer lines."""
    fonts.register()
    beside = _fit_name(name, width - string_width(born, fonts.REGULAR, size) - size, size, min_size)
    if len(beside.name_lines) > 2:  # a gap of one em before the date, above
        alone = _fit_name(name, width, size, min_size)
        if len(alone.name_lines) + 1 < len(beside.name_lines):
            return HeaderLayout(alone.name_lines, alone.name_size, size, alone.leading, born_below=True)
    return beside


def _fit_name(name: str, room: float, size: float, min_size: float) -> HeaderLayout:
    s = size
    while s >= min_size:
        if string_width(name, fonts.BOLD, s) <= room:
            return HeaderLayout((name,), s, size, round(s * 1.2, 1))
        s -= _STEP
    return HeaderLayout(tuple(wrap(name, fonts.BOLD, min_size, room)), min_size, size, round(min_size * 1.2, 1))


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy lines no wider than `width`: breaks at spaces; after hyphens only when a word is
    wider than the line, and inside a word only when a part between hyphens still is."""

    def fits(s: str) -> bool:
        return float(string_width(s, font, size)) <= width

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
