"""Fitting a block of lines (a name, then address parts) into a fixed box on the page.

The letter's recipient block must stay inside a window envelope's window, and the letterhead
above it, whatever the record holds (names up to 80 characters each, an address up to 300).
The block keeps its usual shape when it can: the name wrapped at word breaks, each address
part on its own line with the city line last. When that is too tall, parts share lines
(joined by ", ", as the address was typed), and then the type shrinks step by step down to
the smallest size given. Widths are measured with the font the page uses and the fonts it falls
back to for other scripts (caredesk.pdf.script_text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from caredesk.pdf.script_text import string_width

LEADING = 13.5 / 11  # line spacing as a share of the type size (11 pt on 13.5 pt)


@dataclass(frozen=True, slots=True)
class Fitted:
    """The block as drawn: the head's lines at `head_size`, then the rest at `size`."""

    size: float
    head_size: float
    head: tuple[str, ...]
    rest: tuple[str, ...]

    @property
    def height(self) -> float:
        """From the top of the first line to below the last one, in points."""
        return (len(self.head) * self.head_size + len(self.rest) * self.size) * LEADING


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """`text` in lines no wider than `width` points, broken at spaces; a word longer than a
    line is broken inside it (a long hyphen-free family name still fits)."""

    def fits(s: str) -> bool:
        return float(string_width(s, font, size)) <= width

    lines: list[str] = []
    line = ""
    for word in text.split():
        while not fits(word):
            n = next((i for i in range(len(word) - 1, 0, -1) if fits(word[:i])), 1)
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:n])
            word = word[n:]
        candidate = f"{line} {word}" if line else word
        if fits(candidate):
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _shared(parts: Sequence[str], width: float, font: str, size: float) -> list[str]:
    """Whole parts share a line while it is wide enough; a part too long alone is wrapped."""
    lines: list[str] = []
    for part in parts:
        joined = f"{lines[-1]}, {part}" if lines else part
        if lines and float(string_width(joined, font, size)) <= width:
            lines[-1] = joined
        else:
            lines.extend(wrap(part, width, font, size))
    return lines


def _shapes(parts: Sequence[str], width: float, font: str, size: float) -> Iterator[list[str]]:
    """The ways to set the parts, the most usual first."""
    yield [line for part in parts for line in wrap(part, width, font, size)]  # one part a line
    if len(parts) > 1:
        yield _shared(parts[:-1], width, font, size) + wrap(parts[-1], width, font, size)  # last line alone
    yield _shared(parts, width, font, size)
    yield wrap(", ".join(parts), width, font, size)  # as tight as it goes


def fit(
    head: str,
    parts: Sequence[str],
    *,
    width: float,
    height: float,
    sizes: Sequence[float],
    font: str,
    head_font: str,
    head_scale: float = 1.0,
    keep_shape_to: float | None = None,
) -> Fitted:
    """The block of `head` and `parts` within `width` x `height` points, at one of `sizes`
    (largest first). With `keep_shape_to`, the usual shapes (one part a line, or the last
    line alone) are kept while the type may shrink down to that size; then, and without it,
    the largest size wins and parts share lines to get there. When nothing fits: the
    smallest size and the tightest shape, always within the width, as short as it can be."""

    def at(size: float, shape: int) -> Fitted:
        head_size = size * head_scale
        head_lines = tuple(wrap(head, width, head_font, head_size)) if head else ()
        options = list(_shapes(parts, width, font, size))
        return Fitted(size, head_size, head_lines, tuple(options[min(shape, len(options) - 1)]))

    usual = [(s, shape) for s in sizes for shape in (0, 1) if keep_shape_to is not None and s >= keep_shape_to]
    for size, shape in [*usual, *((s, shape) for s in sizes for shape in range(4))]:
        block = at(size, shape)
        if block.height <= height:
            return block
    return at(sizes[-1], 3)


def draw_lines(
    draw: Callable[[str, float, float, str, float], None],
    block: Fitted,
    x: float,
    top: float,
    *,
    font: str,
    head_font: str,
) -> float:
    """Draw the block with `draw(text, x, baseline, font, size)`, the first line's top at
    `top`; returns the baseline below the last line (where a next line would go)."""
    y = top - (block.head_size if block.head else block.size)
    for line in block.head:
        draw(line, x, y, head_font, block.head_size)
        y -= block.head_size * LEADING
    for line in block.rest:
        draw(line, x, y, font, block.size)
        y -= block.size * LEADING
    return y
