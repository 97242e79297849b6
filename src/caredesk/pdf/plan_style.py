"""How the patient's copy looks: page geometry, colours chosen for contrast, type sizes.

Body text is 13 pt (16 pt in large print) with leading about 1.45x; near-black on white.
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
    header_size: float


def plan_styles(large_print: bool = False) -> PlanStyles:
    """Body 13 pt (16 pt in large print), headings larger, leading about 1.45x."""
    fonts.register()
    size = 16.0 if large_print else 13.0
    lead = round(size * 1.45)
    body = ParagraphStyle(
        "plan-body",
        fontName=fonts.REGULAR,
        fontSize=size,
        leading=lead,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=size * 0.45,
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
        spaceAfter=size * 0.55,
    )
    note = ParagraphStyle("plan-note", parent=body, textColor=MUTED)
    heading = ParagraphStyle(
        "plan-heading",
        fontName=fonts.BOLD,
        fontSize=size + 6,
        leading=round((size + 6) * 1.3),
        textColor=HEADING,
        spaceBefore=size * 1.2,
        spaceAfter=size * 0.5,
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
            leading=round((size + 14) * 1.25),
            textColor=HEADING,
            spaceAfter=size * 0.4,
            keepWithNext=1,
        ),
        intro=ParagraphStyle("plan-intro", parent=body, spaceAfter=size * 0.3),
        heading=heading,
        table_heading=ParagraphStyle("plan-table-heading", parent=heading, keepWithNext=0),
        subheading=ParagraphStyle(
            "plan-subheading",
            parent=body,
            fontName=fonts.BOLD,
            textColor=INK,
            spaceBefore=size * 0.5,
            spaceAfter=size * 0.35,
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
        header_size=14.0 if large_print else 12.0,
    )
