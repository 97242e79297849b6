"""The month's billing report for the biller: a landscape table, page x of y on every page."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import LongTable, SimpleDocTemplate, Spacer, TableStyle

from caredesk.domain.calendar import us_date
from caredesk.pdf import fonts
from caredesk.pdf.paging import PageCountCanvas
from caredesk.pdf.script_text import Paragraph  # a face per run: Chinese and Arabic names print

if TYPE_CHECKING:  # only for the annotation: the service imports this module when it renders
    from caredesk.services.billing_report import MonthReport

FOOTER = "Confidential: contains protected health information. Handle and dispose of securely."
HEADERS = (
    "Patient",
    "MRN",
    "DOB",
    "Programs",
    "Practitioner",
    "Consent",
    "Min counted (staff / MD)",
    "Codes",
    "Why not (more)",
)
# inches: 10 across a landscape letter page; the minutes fit "120 / 30 (+14 not counted)" in two lines
WIDTHS = (1.5, 0.8, 0.85, 0.95, 1.1, 0.85, 1.0, 0.95, 2.0)


class _NumberedCanvas(PageCountCanvas):
    def decorate(self, page: int, total: int) -> None:
        self.setFont(fonts.REGULAR, 8)
        self.setFillColor(colors.HexColor("#444444"))
        self.drawString(0.5 * inch, 0.4 * inch, FOOTER)
        self.drawRightString(landscape(letter)[0] - 0.5 * inch, 0.4 * inch, f"Page {page} of {total}")


def render(report: MonthReport, *, generated: datetime, progress: Callable[[int, int], None] | None = None) -> bytes:
    """The report as PDF bytes. `progress(done, total)` is called as rows are laid out."""
    fonts.register()
    body = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=8, leading=10)
    head = ParagraphStyle("head", parent=body, fontName=fonts.BOLD, textColor=colors.white)
    title = ParagraphStyle("title", fontName=fonts.BOLD, fontSize=15, leading=19)
    sub = ParagraphStyle("sub", fontName=fonts.REGULAR, fontSize=9, leading=12, textColor=colors.HexColor("#333333"))

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style)

    data = [[p(h, head) for h in HEADERS]]
    total = len(report.rows)
    for i, r in enumerate(report.rows, 1):
        data.append(
            [
                p(r.name),
                p(r.mrn),
                p(us_date(r.birth_date)),
                p(", ".join(x.value for x in r.programs)),
                p(r.practitioner or "-"),
                p(us_date(r.consent) if r.consent else "none"),
                p(
                    f"{r.clinical_minutes} / {r.physician_minutes}"
                    + (f" (+{r.not_counted} not counted)" if r.not_counted else "")
                ),
                p(r.result.codes_text() or "-"),
                p("; ".join(r.result.reasons) or ""),
            ]
        )
        if progress is not None and (i % 25 == 0 or i == total):
            progress(i, total)
    table = LongTable(data, colWidths=[w * inch for w in WIDTHS], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                fonts.CELL_FONT,
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f4e79")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#eef3f8")]),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0bccb")),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    units = ", ".join(f"{code} x{n}" for code, n in report.units_by_code.items()) or "none"
    story = [
        Paragraph(f"Care-management billing, {report.month}", title),
        Paragraph(
            f"{report.patients_text()}; {report.ready_count} with codes earned; {report.minutes_text()}. "
            f"Units: {units}. Prepared {us_date(generated.date())} {generated:%H:%M} by CareDesk.",
            sub,
        ),
        Spacer(1, 8),
        table,
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(letter),
        leftMargin=0.5 * inch,
        rightMargin=0.5 * inch,
        topMargin=0.5 * inch,
        bottomMargin=0.7 * inch,
        # Metadata names the document, never a patient.
        title=f"CareDesk billing report {report.month}",
        author="CareDesk",
        subject="Care-management billing",
        creator="CareDesk",
        producer="CareDesk",
    )
    doc.build(story, canvasmaker=_NumberedCanvas)
    return out.getvalue()
