"""The shipped TrueType fonts, registered once and embedded (subset) in every PDF.

DejaVu Sans is the face of every document (Latin, Greek, Cyrillic and much more). What it lacks
falls back, run by run (caredesk.pdf.script_text), to Noto Sans Arabic, Noto Sans Hebrew (OFL) and
WenQuanYi Micro Hei (Apache-2.0: Chinese Simplified and Traditional, Japanese kana, Korean
Hangul). reportlab embeds TrueType outlines only, so the Noto CJK fonts (CFF outlines) cannot
be used: WenQuanYi Micro Hei is the TrueType CJK face. Licences lie beside the fonts.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from caredesk.errors import CareDeskError
from caredesk.resources import resource

REGULAR = "CareDeskSans"
BOLD = "CareDeskSans-Bold"
ARABIC = "CareDeskArabic"
ARABIC_BOLD = "CareDeskArabic-Bold"
HEBREW = "CareDeskHebrew"
HEBREW_BOLD = "CareDeskHebrew-Bold"
CJK = "CareDeskCJK"  # one weight: bold Chinese prints in the regular face
# In every table's style: a table sets its cells' font (Helvetica unless told) before drawing
# each cell, even one that holds only a Paragraph, and that named Helvetica unembedded (issue 12).
CELL_FONT = ("FONTNAME", (0, 0), (-1, -1), REGULAR)


@dataclass(frozen=True)
class _Face:
    name: str
    file: str
    bold: str | None = None  # the bold face's name when this is a regular face
    bold_file: str | None = None


_FACES = (
    _Face(REGULAR, "DejaVuSans.ttf", BOLD, "DejaVuSans-Bold.ttf"),
    _Face(ARABIC, "NotoSansArabic-Regular.ttf", ARABIC_BOLD, "NotoSansArabic-Bold.ttf"),
    _Face(HEBREW, "NotoSansHebrew-Regular.ttf", HEBREW_BOLD, "NotoSansHebrew-Bold.ttf"),
    _Face(CJK, "wqy-microhei.ttc"),  # face 0 of the collection: WenQuanYi Micro Hei
)


def register() -> None:
    """Register every shipped face with reportlab (once); CareDeskError when a file is missing."""
    if CJK in pdfmetrics.getRegisteredFontNames():
        return
    for face in _FACES:
        regular = resource(f"fonts/{face.file}")
        bold = resource(f"fonts/{face.bold_file}") if face.bold_file else None
        if regular is None or (face.bold_file and bold is None):
            raise CareDeskError("The PDF fonts are missing from CareDesk's resources folder; reinstall CareDesk.")
        pdfmetrics.registerFont(TTFont(face.name, str(regular)))
        bold_name = face.name
        if face.bold and bold is not None:
            pdfmetrics.registerFont(TTFont(face.bold, str(bold)))
            bold_name = face.bold
        # <b> in a paragraph (and a bold style) finds the bold face of whichever face a run is in.
        pdfmetrics.registerFontFamily(
            face.name, normal=face.name, bold=bold_name, italic=face.name, boldItalic=bold_name
        )
