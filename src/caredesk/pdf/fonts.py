"""The shipped TrueType fonts (DejaVu Sans: wide Unicode coverage), registered once and embedded."""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from caredesk.errors import CareDeskError
from caredesk.resources import resource

REGULAR = "CareDeskSans"
BOLD = "CareDeskSans-Bold"
# In every table's style: a table sets its cells' font (Helvetica unless told) before drawing
# each cell, even one that holds only a Paragraph, and that named Helvetica unembedded (issue 12).
CELL_FONT = ("FONTNAME", (0, 0), (-1, -1), REGULAR)


def register() -> None:
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    regular, bold = resource("fonts/DejaVuSans.ttf"), resource("fonts/DejaVuSans-Bold.ttf")
    if regular is None or bold is None:
        raise CareDeskError("The PDF fonts are missing from CareDesk's resources folder; reinstall CareDesk.")
    pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
