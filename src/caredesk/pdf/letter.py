"""The letter to a patient we could not reach, on a US letter page for a windowed envelope.

The practice heads the page (top left, where a double-window envelope shows the return
address); the patient's name and mailing address sit where a #10 window envelope shows
them once the sheet is folded in three (about 2 1/8 in from the top and 1 in from the
left; the fold marks are at the left edge). Body text is 13 pt, 18 pt in large print,
near-black on white, in the care plan's fonts; the address block stays 11 pt so it fits
the window. The PDF metadata names the document, never the patient.
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
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
)

from caredesk.domain.letters import Letter
from caredesk.pdf import fonts
from caredesk.pdf.paging import PageCountCanvas
from caredesk.pdf.plan_style import HEADING, INK, MUTED, RULE
from caredesk.pdf.plan_words import esc

PAGE_W, PAGE_H = pagesizes.letter
LEFT = 1.0 * inch
RIGHT = PAGE_W - 1.0 * inch
SENDER_TOP = PAGE_H - 0.6 * inch  # the practice's name: first baseline
WINDOW_TOP = PAGE_H - 2.125 * inch  # the patient's name: top of the window block
ADDRESS_SIZE, ADDRESS_LEAD = 11.0, 13.5
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
        self._size = size

    def decorate(self, page: int, total: int) -> None:
        small = max(11.0, self._size - 4)
        if page == 1:
            self._head(small)
        else:
            self.setFont(fonts.BOLD, small)
            self.setFillColor(HEADING)
            self.drawString(LEFT, PAGE_H - 0.6 * inch, self._letter.sender[0])
        if total > 1:
            self.setFont(fonts.BOLD, small)
            self.setFillColor(INK)
            self.drawRightString(RIGHT, 0.45 * inch, f"Page {page} of {total}")

    def _head(self, small: float) -> None:
        sender = self._letter.sender
        self.setFillColor(HEADING)
        self.setFont(fonts.BOLD, 14)
        self.drawString(LEFT, SENDER_TOP, sender[0])
        self.setFillColor(MUTED)
        self.setFont(fonts.REGULAR, ADDRESS_SIZE)
        y = SENDER_TOP - 16
        for line in (*sender[1:], self._letter.sender_phone):
            self.drawString(LEFT, y, line)
            y -= ADDRESS_LEAD
        self.setStrokeColor(RULE)
        self.setLineWidth(0.75)
        self.line(LEFT, y + 4, RIGHT, y + 4)
        self.setFillColor(INK)
        self.setFont(fonts.REGULAR, small)
        self.drawRightString(RIGHT, SENDER_TOP, self._letter.dated)
        # The window block: USPS asks for plain type of 8 to 12 pt, left-aligned, no rules.
        y = WINDOW_TOP - ADDRESS_SIZE
        for line in self._letter.recipient:
            self.setFont(fonts.REGULAR, ADDRESS_SIZE)
            self.drawString(LEFT, y, line)
            y -= ADDRESS_LEAD
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
