"""The letter to a patient we could not reach, on a US letter page for a windowed envelope.

The practice heads the page (top left, where a double-window envelope shows the return
address); the patient's name and mailing address sit where a #10 window envelope shows
them once the sheet is folded in three (about 2 1/8 in from the top and 1 in from the
left; the fold marks are at the left edge). Body text is 13 pt, 18 pt in large print, as
are the date and the letterhead (16 to 18 pt) in large print; near-black on white, in the
care plan's fonts. The letterhead and the window block are fitted to their boxes
(caredesk.pdf.letter_fit): long names and addresses wrap, share lines or shrink, never
leave the window. The PDF metadata names the document, never the patient.
"""

from __future__ import annotations

import io
from functools import partial
from typing import Any

from reportlab.lib import pagesizes
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Spacer,
)

from caredesk.domain.letters import Letter
from caredesk.pdf import fonts
from caredesk.pdf.letter_fit import draw_lines, fit
from caredesk.pdf.paging import PageCountCanvas
from caredesk.pdf.plan_style import HEADING, INK, MUTED, RULE
from caredesk.pdf.plan_words import esc
from caredesk.pdf.script_text import Paragraph  # any script the fonts cover, right-to-left shaped

PAGE_W, PAGE_H = pagesizes.letter
LEFT = 1.0 * inch
RIGHT = PAGE_W - 1.0 * inch
SENDER_TOP = PAGE_H - 0.6 * inch  # the practice's name: first baseline at normal size
WINDOW_TOP = PAGE_H - 2.125 * inch  # the patient's name: top of the window block
# The #10 window (USPS Publication 25: 1 1/8 x 4 1/2 in, 7/8 in from the left) with room for
# the folded sheet to shift in the envelope: the block keeps within 4 x 1 in from LEFT.
WINDOW_W, WINDOW_H = 4.0 * inch, 1.0 * inch
# USPS asks for plain type of 8 to 12 pt in the window; 7 pt only when an address near the
# record's 300 characters fits no other way. Large print takes the top of that range: larger
# type would push lines out of the window, and the window block is read by the carrier (the
# patient reads the same words, large, in the letterhead and the body).
WINDOW_SIZES = (11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.0)
WINDOW_SIZES_LARGE = (12.0, *WINDOW_SIZES)
HEAD_SIZES = WINDOW_SIZES  # the letterhead's address and phone; the name 14 pt bold
HEAD_SIZES_LARGE = (16.0, 15.0, 14.0, 13.0, 12.0, *WINDOW_SIZES)  # the name 18 pt bold
HEAD_BOTTOM = WINDOW_TOP + 0.2 * inch  # the letterhead and its rule end above the window block
BODY_TOP_FIRST = PAGE_H - 3.15 * inch  # below the window block, whatever the type size
BODY_TOP_LATER = PAGE_H - 1.0 * inch
BOTTOM = 0.75 * inch
NORMAL_SIZE, LARGE_SIZE = 13.0, 18.0
TITLE = "Letter from your care team"


class _LetterCanvas(PageCountCanvas):
    """Page 1: the practice, the date and the window address. Every page of a longer letter:
    'Page x of y' (later pages also name the practice at the top)."""

    def __init__(self, *args: Any, letter: Letter, size: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._letter = letter
        self._large = size >= LARGE_SIZE
        # What the patient reads besides the body: 11 pt, in large print 16 to 18 pt.
        self._small = 16.0 if self._large else 11.0

    def decorate(self, page: int, total: int) -> None:
        if page == 1:
            self._head()
        else:
            self.setFont(fonts.BOLD, self._small)
            self.setFillColor(HEADING)
            self.drawString(LEFT, PAGE_H - 0.6 * inch, self._letter.sender[0])
        if total > 1:
            self.setFont(fonts.BOLD, self._small)
            self.setFillColor(INK)
            self.drawRightString(RIGHT, 0.45 * inch, f"Page {page} of {total}")

    def _line(self, text: str, x: float, y: float, font: str, size: float) -> None:
        self.setFont(font, size)
        self.drawString(x, y, text)

    def _head(self) -> None:
        letter = self._letter
        date_size = LARGE_SIZE if self._large else 11.0
        date_w = stringWidth(letter.dated, fonts.REGULAR, date_size)
        head_top = SENDER_TOP + 14  # the name's baseline at SENDER_TOP at 14 pt
        block = fit(
            letter.sender[0],
            (*letter.sender[1:], letter.sender_phone),
            width=RIGHT - LEFT - date_w - 0.3 * inch,
            height=head_top - HEAD_BOTTOM,
            sizes=HEAD_SIZES_LARGE if self._large else HEAD_SIZES,
            font=fonts.REGULAR,
            head_font=fonts.BOLD,
            head_scale=18 / 16 if self._large else 14 / 11,
        )

        def line(text: str, x: float, y: float, font: str, size: float) -> None:
            self.setFillColor(HEADING if font == fonts.BOLD else MUTED)  # the name, then the rest
            self._line(text, x, y, font, size)

        y = draw_lines(line, block, LEFT, head_top, font=fonts.REGULAR, head_font=fonts.BOLD)
        self.setFillColor(INK)
        self.setFont(fonts.REGULAR, date_size)
        self.drawRightString(RIGHT, head_top - block.head_size, letter.dated)  # on the name's baseline
        self.setStrokeColor(RULE)
        self.setLineWidth(0.75)
        self.line(LEFT, y + block.size * 0.3, RIGHT, y + block.size * 0.3)
        # The window block: plain type, left-aligned, no rules.
        self.setFillColor(INK)
        window = fit(
            letter.recipient[0],
            letter.recipient[1:],
            width=WINDOW_W,
            height=WINDOW_H,
            sizes=WINDOW_SIZES_LARGE if self._large else WINDOW_SIZES,
            font=fonts.REGULAR,
            head_font=fonts.REGULAR,
            keep_shape_to=8.0,  # a carrier reads the city line last, on its own
        )
        draw_lines(self._line, window, LEFT, WINDOW_TOP, font=fonts.REGULAR, head_font=fonts.REGULAR)
        # Fold marks: the sheet folds in three so the address shows in the window.
        self.setStrokeColor(HexColor("#9a9a9a"))
        for fold in (PAGE_H * 2 / 3, PAGE_H / 3):
            self.line(0.2 * inch, fold, 0.45 * inch, fold)


def render_letter(letter: Letter, *, large_print: bool = False) -> bytes:
    """The letter as PDF bytes: one page at 13 pt; large print (18 pt) may take two."""
    fonts.register()
    size = LARGE_SIZE if large_print else NORMAL_SIZE
    out = io.BytesIO()
    width = RIGHT - LEFT
    first = Frame(LEFT, BOTTOM, width, BODY_TOP_FIRST - BOTTOM, id="first", leftPadding=0, rightPadding=0)
    later = Frame(LEFT, BOTTOM, width, BODY_TOP_LATER - BOTTOM, id="later", leftPadding=0, rightPadding=0)
    doc = BaseDocTemplate(
        out,
        pagesize=pagesizes.letter,
        pageTemplates=[PageTemplate("first", [first]), PageTemplate("later", [later])],
        # Metadata names the document, never the patient.
        title=TITLE,
        author="CareDesk",
        subject="Letter",
        creator="CareDesk",
        producer="CareDesk",
        keywords="",
    )
    doc.build(_story(letter, size), canvasmaker=partial(_LetterCanvas, letter=letter, size=size))
    return out.getvalue()


def _story(letter: Letter, size: float) -> list[Flowable]:
    # Large print keeps the letter to one sheet with a little less leading (1.35x, not 1.45x).
    lead = round(size * (1.35 if size >= LARGE_SIZE else 1.45))
    body = ParagraphStyle(
        "letter-body",
        fontName=fonts.REGULAR,
        fontSize=size,
        leading=lead,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=size * 0.5,
        allowWidows=0,
        allowOrphans=0,
    )
    bullet = ParagraphStyle(
        "letter-date",
        parent=body,
        fontName=fonts.BOLD,
        leftIndent=size * 1.6,
        bulletIndent=size * 0.4,
        bulletFontName=fonts.BOLD,
        bulletFontSize=size,
        spaceAfter=2,
    )
    phone = letter.sender_phone.removeprefix("Phone: ")

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(esc(text).replace(esc(phone), f"<b>{esc(phone)}</b>"), style)

    story: list[Flowable] = [NextPageTemplate("later"), para(letter.greeting), para(letter.opening)]
    story += [Paragraph(esc(d), bullet, bulletText="\u2022") for d in letter.call_dates]
    story.append(Spacer(1, size * 0.5))
    # The closing and signature never start a page alone: they go over with the last paragraph.
    last = ParagraphStyle("letter-last", parent=body, keepWithNext=1)
    *first, final = letter.paragraphs
    story += [para(p) for p in first] + [para(final, last)]
    signature = Paragraph("<br/>".join(esc(line) for line in letter.signature), body)
    story.append(KeepTogether([para(letter.closing), Spacer(1, size * 0.3), signature]))
    return story
