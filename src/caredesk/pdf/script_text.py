"""Text in any script the shipped fonts cover: a font per run, right-to-left order, shaping.

reportlab draws a string in one font and left to right. What a care manager types can be
Chinese, Arabic or Hebrew (issue 12: Chinese printed as empty boxes, Arabic left to right with
unjoined letters), so every piece of user text goes through here:

- **Font fallback** (`runs`): each character prints in the first shipped face that has it
  (DejaVu Sans, then Noto Sans Arabic, Noto Sans Hebrew, WenQuanYi Micro Hei: caredesk.pdf.fonts).
  A word holding Arabic or Hebrew letters keeps its neutral characters (digits, punctuation)
  in that script's face where it can, because reportlab shapes a word in the face of its first
  character.
- **Shaping**: reportlab shapes with HarfBuzz (the `uharfbuzz` package) when a paragraph
  style asks for it; HarfBuzz joins Arabic letters and lays each right-to-left word out in
  visual order. Only paragraphs holding right-to-left text are shaped (it costs time).
- **Word order** (`visual_order`): reportlab's own bidi support needs `rlbidi`, which is not on
  PyPI, so the words of each line are put in visual order here, word by word, after the
  paragraph is broken into lines (Unicode bidi algorithm rules W/N/I at word granularity, then
  L2). A paragraph whose first strong letter is right-to-left is right-aligned.

`unprintable(text)` names the characters no shipped face has, so a form can warn before saving.

reportlab's shaping has rough edges, each worked around here and named where it is: it turns
discretionary ligatures on; it shapes a word of two faces with the first face's glyphs (each
word of a shaped paragraph is kept in one face, and reportlab's shapeFragWord is wrapped to leave
a word of two faces unshaped); its text object fails to raise the first glyph of a run
(`_TextObject`). The hypothesis test in tests/pdf/test_scripts_print.py renders random mixes.
"""

from __future__ import annotations

import copy
import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeFragWord, shapeStr
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import paragraph as rl_paragraph

from caredesk.pdf import fonts

# reportlab shapes with discretionary ligatures on (every other shaper leaves them off, as OpenType
# intends): Noto Sans Arabic then draws the name محمد as the calligraphic emblem ﷴ. Off, for every word.
shapeFragWord.__defaults__[0]["dlig"] = False

_reportlab_shape_word = rl_paragraph.shapeFragWord


def _shape_word_in_one_face(word: Any, *args: Any, **kwargs: Any) -> Any:
    """reportlab's shapeFragWord, for a word in one face; a word in two faces is left unshaped.

    reportlab shapes a word with its first frag's face and then looks each glyph up in the face
    of the frag it came from: in a word of two faces that draws wrong glyphs or fails (KeyError,
    AttributeError, or IndexError when the PDF's font subsets are written). `runs` keeps each
    word in one face; this guards what it cannot see (a word cut by markup, say "<b>x</b>y").
    """
    faces = {frag.fontName for frag, _text in word[1:] if not hasattr(frag, "cbDefn")}
    return word if len(faces) > 1 else _reportlab_shape_word(word, *args, **kwargs)


rl_paragraph.shapeFragWord = _shape_word_in_one_face  # the name paragraph.py calls

_RTL = frozenset({"R", "AL"})
# Sentence punctuation at a word's end belongs to the text around the word (N1, N2). Not brackets:
# HarfBuzz mirrors those in a right-to-left word, which already prints "(محمد)" right.
_EDGE = frozenset(".,:;!?…،؛؟")
_NUMBER = frozenset({"EN", "AN"})
# Format characters (joiners, direction marks, variation selectors) print as nothing: never "unprintable".
_INVISIBLE = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})


@cache
def _cmap(face: str) -> frozenset[int]:
    fonts.register()
    return frozenset(pdfmetrics.getFont(face).face.charToGlyph)


def _bold_of(face: str) -> str:
    return {fonts.REGULAR: fonts.BOLD, fonts.ARABIC: fonts.ARABIC_BOLD, fonts.HEBREW: fonts.HEBREW_BOLD}.get(face, face)


def _script_face(ch: str) -> str | None:
    """The face a right-to-left word prefers: Arabic letters in Noto Sans Arabic, Hebrew in Noto Sans Hebrew."""
    if "\u0590" <= ch <= "\u05ff" or "\ufb1d" <= ch <= "\ufb4f":
        return fonts.HEBREW
    if unicodedata.bidirectional(ch) == "AL":
        return fonts.ARABIC
    return None


_CHAIN = (fonts.REGULAR, fonts.ARABIC, fonts.HEBREW, fonts.CJK)


def _face_of(ch: str, prefer: str | None) -> str | None:
    code = ord(ch)
    if prefer is not None and code in _cmap(prefer):
        return prefer
    return next((face for face in _CHAIN if code in _cmap(face)), None)


# Words as reportlab splits them: at whitespace, but never at a no-break space.
_WORDS = re.compile(r"[^\S\xa0]+|(?:[^\s]|\xa0)+")


def _word_face(token: str, prefer: str | None) -> str:
    """The one face for a whole word: the first (the script's own first) that has every character,
    else the one that has the most."""
    chain = ((prefer,) if prefer else ()) + _CHAIN
    codes = {ord(ch) for ch in token}
    return max(chain, key=lambda face: (len(codes & _cmap(face)), -chain.index(face)))


def runs(text: str, *, bold: bool = False, whole_words: bool = False) -> list[tuple[str, str]]:
    """[(face name, text)]: `text` cut where the face that prints it changes.

    A character no face has stays in the base face (it prints as a box there; `unprintable`
    finds it first). Whitespace stays in the run it is in. With `whole_words` each word is in
    one face: reportlab shapes a word with its first character's face and draws every glyph
    from the face of its own run, so a shaped word in two faces draws wrong glyphs (or fails
    to subset); `_word_face` picks the face.
    """
    out: list[tuple[str, str]] = []
    for token in _WORDS.findall(text):
        prefer = next((f for f in map(_script_face, token) if f is not None), None)
        word = _word_face(token, prefer) if whole_words and not token.isspace() else None
        for ch in token:
            if ch.isspace():
                face: str | None = out[-1][0] if out else fonts.REGULAR
            else:
                face = word or _face_of(ch, prefer)
            face = face or fonts.REGULAR
            face = _bold_of(face) if bold else face
            if out and out[-1][0] == face:
                out[-1] = (face, out[-1][1] + ch)
            else:
                out.append((face, ch))
    return out


@cache
def _shapes() -> bool:
    """Whether reportlab can shape (uharfbuzz imports): without it right-to-left text prints backwards."""
    fonts.register()
    return bool(pdfmetrics.getFont(fonts.ARABIC).shapable)


def unprintable(text: str) -> str:
    """The distinct characters of `text` that no shipped font can print, in order of first use ('' when none).

    Arabic and Hebrew letters count as unprintable when reportlab cannot shape them (no uharfbuzz).
    """
    missing: dict[str, None] = {}
    for ch in text:
        if unicodedata.category(ch) in _INVISIBLE or ch.isspace():
            continue
        if _face_of(ch, None) is None or (unicodedata.bidirectional(ch) in _RTL and not _shapes()):
            missing[ch] = None
    return "".join(missing)


def has_rtl(text: str) -> bool:
    if text.isascii():
        return False
    return any(unicodedata.bidirectional(ch) in _RTL for ch in text)


def rtl_base(text: str) -> bool:
    """True when the first strong letter is right-to-left (Unicode bidi rules P2, P3)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in _RTL:
            return True
    return False


def _word_kind(word: str) -> str:
    """'R', 'L', 'N' (a number) or '' (neutral: punctuation, symbols)."""
    kinds = {unicodedata.bidirectional(ch) for ch in word}
    if kinds & _RTL:
        return "R"
    if "L" in kinds:
        return "L"
    return "N" if kinds & _NUMBER else ""


Piece = tuple[Any, str]  # (a paragraph frag or a face name, text)


def _units(words: list[list[Piece]], shaped_rtl: bool) -> list[tuple[list[Piece], str]]:
    """[(pieces, kind)]: each word, a space between words and each word's sentence punctuation
    as neutral units of their own, so a stop after an Arabic name in English text ends the
    English sentence and spaces fall where the bidi algorithm puts them (N1, N2)."""
    out: list[tuple[list[Piece], str]] = []
    for word in words:
        if out:
            out.append(([(word[0][0], " ")], ""))
        kind = _word_kind("".join(t for _o, t in word))
        if kind == "R" and shaped_rtl:
            (obj, text), rest = word[0], word[1:]
            edge, core = _split_edge(text, leading=True)
            out.append(([(obj, core), *rest], kind))
        else:
            *rest, (obj, text) = word
            core, edge = _split_edge(text, leading=False)
            out.append(([*rest, (obj, core)], kind))
        if edge:
            out.append(([(obj, edge)], ""))
    return out


def _in_visual_order(units: list[tuple[list[Piece], str]], rtl: bool) -> list[Piece]:
    """The units' pieces, left to right."""
    return [piece for index in visual_order([kind for _p, kind in units], rtl) for piece in units[index][0]]


def visual_order(kinds: list[str], rtl: bool) -> list[int]:
    """Indexes of words in the order they appear left to right on the line.

    `kinds` are `_word_kind` values in reading order; `rtl` is the paragraph's direction.
    The Unicode bidi algorithm at word granularity: numbers take the level above the text they
    follow when that is right-to-left (W2, I1/I2); neutrals between words of one direction take
    it, else the paragraph's (N1, N2); then runs are reversed from the highest level down (L2).
    """
    base = 1 if rtl else 0
    strong: list[str] = []
    last = "R" if rtl else "L"
    for kind in kinds:
        if kind in ("R", "L"):
            last = kind
        strong.append(kind if kind else "")
        if kind == "N":
            strong[-1] = "N" + last  # a number after right-to-left text is right-to-left for neutrals (N1)
    levels: list[int] = []
    for i, kind in enumerate(strong):
        if kind == "R":
            levels.append(base if rtl else 1)
        elif kind == "L":
            levels.append(base + 1 if rtl else 0)
        elif kind.startswith("N"):
            levels.append(2 if (kind == "NR" or rtl) else 0)
        else:
            before = next((k for k in reversed(strong[:i]) if k), "R" if rtl else "L")
            after = next((k for k in strong[i + 1 :] if k), "R" if rtl else "L")
            side = {"R": "R", "L": "L", "NR": "R", "NL": "L"}  # a number after Latin is Latin (W7)
            b, a = side[before], side[after]
            levels.append((1 if b == "R" else (2 if rtl else 0)) if b == a else base)
    order = list(range(len(kinds)))
    for level in range(max(levels, default=0), 0, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


def _split_edge(text: str, leading: bool) -> tuple[str, str]:
    """(edge punctuation, rest) from the start of `text` (leading) or (rest, edge) from its end.

    A right-to-left word shaped by HarfBuzz holds its trailing punctuation at its visual start.
    """
    n = 0
    chars = text if leading else text[::-1]
    while n < len(text) - 1 and chars[n] in _EDGE:
        n += 1
    return (text[:n], text[n:]) if leading else (text[: len(text) - n], text[len(text) - n :])


# --- Paragraphs -------------------------------------------------------------------------------

_MARKUP = re.compile(r"(<[^>]*>)")
_BOLD_TAG = re.compile(r"<\s*(/?)\s*(b|strong)\b", re.IGNORECASE)


def _fallback_markup(markup: str, bold: bool) -> str:
    """`markup` with each run the base face lacks wrapped in <font name=...> (tags kept whole)."""
    out: list[str] = []
    depth = 0
    shaped = has_rtl(markup)  # such a paragraph is shaped: one face per word
    for part in _MARKUP.split(markup):
        if part.startswith("<"):
            tag = _BOLD_TAG.match(part)
            if tag:
                depth += -1 if tag.group(1) else 1
            out.append(part)
            continue
        if part.isascii():
            out.append(part)
            continue
        # Entities are read as the characters they stand for (an & in an Arabic word is in its face)
        # and written back escaped.
        for face, chunk in runs(html.unescape(part), bold=bold or depth > 0, whole_words=shaped):
            chunk = chunk.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            base = face in (fonts.REGULAR, fonts.BOLD)
            out.append(chunk if base else f'<font name="{face}">{chunk}</font>')
    return "".join(out)


def _frag_text(frags: Iterable[Any]) -> str:
    return "".join(str(getattr(f, "text", "")) for f in frags)


class _TextObject(PDFTextObject):  # type: ignore[misc]
    """reportlab's text object, able to raise the first glyph of a run.

    Its setRise reads the operator written just before, but a shaped run starts from an empty
    list, so a run whose first glyph is raised (an Arabic vowel mark) in the face already
    selected failed with IndexError.
    """

    def setRise(self, rise: float) -> None:
        if not self._code:
            self._code.append("")  # an empty operator: nothing in the page, something to look back at
        super().setRise(rise)


# reportlab ships no type information, so mypy sees Paragraph as Any.
class Paragraph(rl_paragraph.Paragraph):  # type: ignore[misc]
    """reportlab's Paragraph, printing every script the shipped fonts cover (see the module)."""

    def __init__(self, text: Any, style: ParagraphStyle | None = None, *args: Any, **kwargs: Any) -> None:
        fonts.register()
        if isinstance(text, str) and text.isascii():  # most paragraphs: DejaVu has it all, left to right
            super().__init__(text, style, *args, **kwargs)
            self._bidi = self._rtl = False
            return
        if isinstance(text, str) and style is not None:
            bold = style.fontName in (fonts.BOLD, fonts.ARABIC_BOLD, fonts.HEBREW_BOLD)
            text = _fallback_markup(text, bold)
            if has_rtl(text) and not style.shaping:
                rtl = rtl_base(_MARKUP.sub("", text))
                right = TA_RIGHT if rtl and style.alignment == TA_LEFT else style.alignment
                style = ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1, alignment=right)
        super().__init__(text, style, *args, **kwargs)
        plain = _frag_text(self.frags)
        self._bidi = has_rtl(plain)
        self._rtl = rtl_base(plain)

    def beginText(self, x: float, y: float) -> _TextObject:
        return _TextObject(self.canv, x, y)

    def draw(self) -> None:
        bl = getattr(self, "blPara", None)
        if not self._bidi or bl is None or bl.kind != 1:
            super().draw()
            return
        visual = copy.copy(bl)
        visual.lines = [self._visual_line(line) for line in bl.lines]
        self.blPara = visual
        try:
            super().draw()
        finally:
            self.blPara = bl

    def _visual_line(self, line: Any) -> Any:
        """A copy of one broken line with its words in visual order (frags cut at spaces)."""
        words: list[list[tuple[Any, str]]] = [[]]
        for frag in line.words:
            text = getattr(frag, "text", None)
            if text is None or hasattr(frag, "cbDefn"):
                words[-1].append((frag, ""))
                continue
            for m in re.finditer(r"\S+|\s+", text):
                if m.group().isspace():
                    words.append([])
                else:
                    words[-1].append((frag, text[m.start() : m.end()]))
        words = [w for w in words if w]
        if len(words) < 2 and not any(has_rtl(t) for w in words for _f, t in w):
            return line
        pieces = _in_visual_order(_units(words, shaped_rtl=True), self._rtl)
        # Neighbours that look alike are one frag again (one frag per run, as reportlab made them).
        merged: list[tuple[Any, Any]] = []
        for frag, text in pieces:
            if merged and text and merged[-1][1] and _looks(merged[-1][0]) == _looks(frag):
                merged[-1] = (merged[-1][0], merged[-1][1] + text)
            else:
                merged.append((frag, text))
        out = [frag.clone(text=text) if text else frag for frag, text in merged]
        visual = copy.copy(line)
        visual.words = out
        return visual


def _looks(frag: Any) -> dict[str, Any]:
    """A frag's attributes but its text: two frags that draw alike."""
    return {k: v for k, v in vars(frag).items() if k != "text"}


# --- Canvas strings ---------------------------------------------------------------------------


def _pieces(text: str, face: str) -> list[tuple[str, str, bool]]:
    """[(face, text, shaped)] of one line in visual order; `face` is the canvas's current face."""
    bold = face in (fonts.BOLD, fonts.ARABIC_BOLD, fonts.HEBREW_BOLD)
    if face not in (fonts.REGULAR, fonts.BOLD):  # a face set by hand (say DejaVu Sans Mono): no fallback
        return [(face, text, False)]
    words = re.findall(r"\S+", text)
    if not words:
        return [(face, text, False)]
    units = _units([[(face, w)] for w in words], shaped_rtl=False)
    pieces = _in_visual_order(units, rtl_base(text))
    out: list[tuple[str, str, bool]] = []
    for _face, word in pieces:
        shaped = has_rtl(word)
        word_runs = runs(word, bold=bold) if word != " " else [(face, word)]
        for f, t in reversed(word_runs) if shaped else word_runs:
            if out and out[-1][0] == f and not shaped and not out[-1][2]:
                out[-1] = (f, out[-1][1] + t, False)  # one string per run, as a reader extracts it
            else:
                out.append((f, t, shaped))
    return out


def _width(face: str, text: str, size: float, shaped: bool) -> float:
    if shaped:
        s = shapeStr(text, face, size)
        if isinstance(s, ShapedStr):
            return float(sum(d.x_advance for d in s.__shapeData__) * size / 1000)
    return float(pdfmetrics.stringWidth(text, face, size))


def string_width(text: str, face: str, size: float) -> float:
    """The printed width of one line of `text` set in `face` (and its fallbacks) at `size`."""
    if text.isascii() or face not in (fonts.REGULAR, fonts.BOLD):
        return float(pdfmetrics.stringWidth(text, face, size))
    fonts.register()
    return sum(_width(f, t, size, shaped) for f, t, shaped in _pieces(text, face))


def draw_string(canvas: Any, draw: Callable[..., Any], x: float, y: float, text: str, align: str) -> None:
    """Draw one line on `canvas` at x (its left, right or centre by `align`) through `draw`, the
    canvas's own drawString, one run at a time in visual order; the canvas's face is restored."""
    face, size = canvas._fontname, canvas._fontsize
    pieces = _pieces(text, face)
    widths = [_width(f, t, size, shaped) for f, t, shaped in pieces]
    total = sum(widths)
    x -= {"right": total, "centre": total / 2}.get(align, 0.0)
    for (f, t, shaped), w in zip(pieces, widths, strict=True):
        canvas.setFont(f, size)
        # reportlab's canvas shapes only through rlbidi (not on PyPI): the run is shaped here.
        draw(x, y, shapeStr(t, f, size) if shaped else t)
        x += w
    canvas.setFont(face, size)
