"""How the patient's copy looks: page geometry, colours chosen for contrast, type sizes.

Body text is 13 pt (16 pt in large print) with leading about 1.35x; near-black on white. The
running header and footer grow with large print too (issue 12: only the body did).

Two spacings (issue 12: 11 of 59 demo plans ended on a page holding one or two lines): the
regular one, and a tight one that the renderer tries when a copy's last page is nearly empty.
Tight keeps every type size and only closes up leading and the space between items, so a copy
never gets smaller type to save a sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch

from caredesk.pdf import fonts

PAGE_W, PAGE_H = letter
MARGIN_X = 0.85 * inch
PAD = 6  # platypus frame padding: header and footer line up with the text, not the frame
TEXT_W = PAGE_W - 2 * MARGIN_X - 2 * PAD

INK = colors.HexColor("#111111")  # near-black body text: contrast about 18:1 on white
HEADING = colors.HexColor("#123a63")  # dark blue headings: contrast about 11:1 on white
MUTED = colors.HexColor("#333333")  # secondary lines: still about 12:1
RULE = colors.HexColor("#8aa4c0")
SHADE = colors.HexColor("#eef3f8")


@dataclass(frozen=True, slots=True)
class PlanStyles:
    body: ParagraphStyle
    bullet: ParagraphStyle
    note: ParagraphStyle
    title: ParagraphStyle
    intro: ParagraphStyle
    heading: ParagraphStyle
    table_heading: ParagraphStyle
    subheading: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    small: ParagraphStyle
    header_size: float  # the name and date of birth at the top, "Page x of y" at the foot
    footer_size: float  # the privacy line and the version line at the foot
    cell_pad: float  # above and below a table cell's text


def plan_styles(large_print: bool = False, *, tight: bool = False) -> PlanStyles:
    """Body 13 pt (16 pt in large print), headings larger, leading about 1.35x (1.25x `tight`);
    header 12 pt (16) and footer 9.5 pt (12)."""
    fonts.register()
    size = 16.0 if large_print else 13.0
    lead = round(size * (1.25 if tight else 1.35))
    gap = size * (0.6 if tight else 1.0)  # the unit of space between items
    body = ParagraphStyle(
        "plan-body",
        fontName=fonts.REGULAR,
        fontSize=size,
        leading=lead,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=gap * 0.4,
        allowWidows=0,
        allowOrphans=0,
    )
    bullet = ParagraphStyle(
        "plan-bullet",
        parent=body,
        leftIndent=size * 1.6,
        bulletIndent=size * 0.3,
        bulletFontName=fonts.BOLD,
        bulletFontSize=size,
        spaceAfter=gap * 0.4,
    )
    note = ParagraphStyle("plan-note", parent=body, textColor=MUTED)
    heading = ParagraphStyle(
        "plan-heading",
        fontName=fonts.BOLD,
        fontSize=size + 6,
        leading=round((size + 6) * 1.25),
        textColor=HEADING,
        spaceBefore=gap * 0.9,
        spaceAfter=gap * 0.35,
        keepWithNext=1,
    )
    return PlanStyles(
        body=body,
        bullet=bullet,
        note=note,
        title=ParagraphStyle(
            "plan-title",
            fontName=fonts.BOLD,
            fontSize=size + 14,
            leading=round((size + 14) * 1.2),
            textColor=HEADING,
            spaceAfter=gap * 0.3,
            keepWithNext=1,
        ),
        intro=ParagraphStyle("plan-intro", parent=body, spaceAfter=gap * 0.3),
        heading=heading,
        table_heading=ParagraphStyle("plan-table-heading", parent=heading, keepWithNext=0),
        subheading=ParagraphStyle(
            "plan-subheading",
            parent=body,
            fontName=fonts.BOLD,
            textColor=INK,
            spaceBefore=gap * 0.4,
            spaceAfter=gap * 0.25,
            keepWithNext=1,
        ),
        cell=ParagraphStyle("plan-cell", parent=body, spaceAfter=0),
        cell_head=ParagraphStyle("plan-cell-head", parent=body, fontName=fonts.BOLD, spaceAfter=0),
        small=ParagraphStyle(
            "plan-small",
            fontName=fonts.REGULAR,
            fontSize=10,
            leading=14,
            textColor=MUTED,
            spaceBefore=size,
        ),
        header_size=16.0 if large_print else 12.0,
        footer_size=12.0 if large_print else 9.5,
        cell_pad=gap * 0.35,
    )
