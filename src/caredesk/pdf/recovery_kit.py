"""The recovery kit: one US letter page to print and keep away from the laptop.

It holds the recovery code (large, monospaced, in its five groups), the data folder it
belongs to, the day it was made, what the code does and does not do, and how to restore
on a new laptop. No patient data, and the code never goes into the PDF's metadata (SPEC
sections 4 and 5, issue 11 item 5). Colours and type follow the patient's copy
(caredesk.pdf.plan_style); the code is in DejaVu Sans Mono Bold, whose 0 and 8 and 5 and S
differ clearly (the code's alphabet, Crockford base 32, has no I, L, O or U).
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Spacer, Table

from caredesk.domain.calendar import us_date
from caredesk.errors import CareDeskError
from caredesk.pdf import fonts
from caredesk.pdf.paging import PageCountCanvas
from caredesk.pdf.plan_style import HEADING, INK, MUTED, PAGE_H, PAGE_W, RULE, SHADE
from caredesk.pdf.plan_words import esc
from caredesk.pdf.script_text import Paragraph  # the data folder's path may be in any script
from caredesk.resources import resource

TITLE = "CareDesk recovery kit"
MONO = "CareDeskMono-Bold"
MARGIN = 0.75 * inch
TEXT_W = PAGE_W - 2 * MARGIN
BODY, CODE = 10.5, 27.0  # 27 pt: the 29 characters of a code fill the box's width on one line
KEEP_SAFE = "Keep this paper somewhere safe, away from the laptop."

DOES = (
    "Opens your CareDesk store when you forget your passphrase: on the unlock page choose "
    "<b>Forgot passphrase? Use recovery code</b>, type the code and choose a new passphrase.",
    "Opens a CareDesk backup file (<b>.cdbk</b>) made while this code was in use, on this laptop or a new one.",
)
DOES_NOT = (
    "It is not your passphrase: CareDesk still asks for the passphrase every day.",
    "It holds no patient data and backs nothing up. Without the data folder or a backup file "
    "it opens nothing, so keep making backups to a USB drive.",
    "It does not open backups made before this code was made: they open with the passphrase "
    "or the recovery code the store had then.",
    "Once it is used, or a new code is made, this code stops working for the store. "
    "Destroy this paper then and keep the new kit instead.",
)
RESTORE = (
    "Install CareDesk on the new laptop.",
    "Start CareDesk. On the welcome page (or the <b>File</b> menu) choose <b>Restore from backup…</b>",
    "Choose the backup file, named like <b>caredesk-backup-2026-11-24-1730.cdbk</b>, from the USB drive "
    "or folder where your backups go.",
    "When CareDesk asks how to open it, choose the recovery code and type the code shown above "
    "(capitals or small letters, with or without the dashes).",
    "Set a new passphrase. CareDesk checks the backup before it puts anything in place, then opens "
    "your caseload and shows a NEW recovery code: make a new kit and destroy this one.",
)


def _register_mono() -> None:
    if MONO in pdfmetrics.getRegisteredFontNames():
        return
    path = resource("fonts/DejaVuSansMono-Bold.ttf")
    if path is None:
        raise CareDeskError("The PDF fonts are missing from CareDesk's resources folder; reinstall CareDesk.")
    pdfmetrics.registerFont(TTFont(MONO, str(path)))


class _KitCanvas(PageCountCanvas):
    """Every page: the keep-safe line at the foot, and 'Page x of y' when there are two."""

    def decorate(self, page: int, total: int) -> None:
        self.setStrokeColor(RULE)
        self.setLineWidth(0.75)
        self.line(MARGIN, 0.7 * inch, PAGE_W - MARGIN, 0.7 * inch)
        self.setFillColor(MUTED)
        self.setFont(fonts.REGULAR, 9)
        self.drawString(MARGIN, 0.5 * inch, f"{TITLE}. No patient information is printed on this sheet.")
        if total > 1:
            self.drawRightString(PAGE_W - MARGIN, 0.5 * inch, f"Page {page} of {total}")


def render_recovery_kit(code: str, data_folder: str, made_on: date) -> bytes:
    """The kit as PDF bytes. `code`: the recovery code as shown ('XXXXX-XXXXX-...');
    `data_folder`: the store's folder as the user would find it; `made_on`: the clinic's
    date the code was made. CareDeskError when the shipped fonts are missing."""
    fonts.register()
    _register_mono()
    out = io.BytesIO()
    frame = Frame(MARGIN, 0.85 * inch, TEXT_W, PAGE_H - 0.85 * inch - MARGIN, leftPadding=0, rightPadding=0)
    doc = BaseDocTemplate(
        out,
        pagesize=(PAGE_W, PAGE_H),
        pageTemplates=[PageTemplate("kit", [frame])],
        # Metadata names the document only: never the code, the folder or the practice.
        title=TITLE,
        author="CareDesk",
        subject="Recovery kit",
        creator="CareDesk",
        producer="CareDesk",
        keywords="",
    )
    doc.build(_story(code, data_folder, made_on), canvasmaker=_KitCanvas)
    return out.getvalue()


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("kit-body", fontName=fonts.REGULAR, fontSize=BODY, leading=BODY * 1.35, textColor=INK)
    return {
        "body": body,
        "title": ParagraphStyle(
            "kit-title", parent=body, fontName=fonts.BOLD, fontSize=22, leading=27, textColor=HEADING
        ),
        "lead": ParagraphStyle("kit-lead", parent=body, fontSize=12.5, leading=17, spaceBefore=4),
        "heading": ParagraphStyle(
            "kit-heading",
            parent=body,
            fontName=fonts.BOLD,
            fontSize=13,
            leading=17,
            textColor=HEADING,
            spaceBefore=8,
            spaceAfter=2,
            keepWithNext=1,
        ),
        "note": ParagraphStyle("kit-note", parent=body, textColor=MUTED, spaceBefore=4),
        # The bullet's font is its own (Helvetica unless told): not embedded, issue 12.
        "item": ParagraphStyle(
            "kit-item", parent=body, leftIndent=18, bulletIndent=4, spaceAfter=2, bulletFontName=fonts.REGULAR
        ),
        "label": ParagraphStyle("kit-label", parent=body, fontName=fonts.BOLD, alignment=TA_CENTER, textColor=HEADING),
        "code": ParagraphStyle("kit-code", fontName=MONO, fontSize=CODE, leading=CODE * 1.25, alignment=TA_CENTER),
        "folder": ParagraphStyle(
            "kit-folder", parent=body, fontName=MONO, fontSize=10, leading=13, splitLongWords=1, wordWrap="CJK"
        ),
    }


def _story(code: str, data_folder: str, made_on: date) -> list[Flowable]:
    s = _styles()
    story: list[Flowable] = [
        Paragraph(TITLE, s["title"]),
        Paragraph(f"Made on <b>{us_date(made_on)}</b>. {KEEP_SAFE}", s["lead"]),
        Spacer(1, 10),
        _code_box(code, s),
        Spacer(1, 4),
        Paragraph(
            "Anyone who has this code and your data folder or a backup can read your patients' records: "
            "keep it locked away, not in the laptop bag.",
            s["body"],
        ),
        Paragraph("Where the data lives on the laptop", s["heading"]),
        Paragraph(esc(data_folder), s["folder"]),
        Paragraph("What this code does", s["heading"]),
        *_bullets(DOES, s["item"]),
        Paragraph("What it does not do", s["heading"]),
        *_bullets(DOES_NOT, s["item"]),
    ]
    steps = [Paragraph("Restore on a new laptop", s["heading"])]
    steps += [Paragraph(text, s["item"], bulletText=f"{n}.") for n, text in enumerate(RESTORE, 1)]
    steps.append(
        Paragraph(
            "From a terminal instead: <b>caredesk restore FILE --recovery-code-file CODEFILE</b> "
            "(put the code in a file only for as long as the command runs).",
            s["note"],
        )
    )
    story.append(KeepTogether(steps))
    return story


def _bullets(items: tuple[str, ...], style: ParagraphStyle) -> list[Flowable]:
    return [Paragraph(text, style, bulletText="\u2022") for text in items]


def _code_box(code: str, s: dict[str, ParagraphStyle]) -> Flowable:
    table = Table(
        [[Paragraph("Your recovery code", s["label"])], [Paragraph(esc(code), s["code"])]],
        colWidths=[TEXT_W],
    )
    style: list[tuple[Any, ...]] = [
        fonts.CELL_FONT,
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("BOX", (0, 0), (-1, -1), 1.5, HEADING),
        ("TOPPADDING", (0, 0), (-1, 0), 10),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 14),
    ]
    table.setStyle(style)
    return table
