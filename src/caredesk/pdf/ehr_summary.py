"""The monthly care-management summary for the EHR as a PDF: one patient per document, portrait
letter, the patient and page x of y on every page (pages of a summary filed in a chart can be
told apart), the privacy line at the foot. The same facts, in the same order, as the text
(caredesk.interop.ehr_summary_text); names in any script the shipped fonts cover print
(caredesk.pdf.script_text)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    LongTable,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from caredesk.domain.calendar import us_date
from caredesk.interop.ehr_summary_text import heading, practitioner_words, sign_off, step_words
from caredesk.interop.ehr_summary_values import MonthSummary
from caredesk.pdf import fonts
from caredesk.pdf.paging import PageCountCanvas
from caredesk.pdf.script_text import Paragraph

FOOTER = "Confidential: contains protected health information. Handle and dispose of securely."
PAGE_W, PAGE_H = letter
MARGIN = 0.75 * inch
TEXT_W = PAGE_W - 2 * MARGIN - 12  # the frame pads 6 pt each side
INK = colors.HexColor("#111111")
HEAD = colors.HexColor("#123a63")
MUTED = colors.HexColor("#444444")
RULE = colors.HexColor("#b0bccb")
SHADE = colors.HexColor("#eef3f8")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Styles:
    def __init__(self) -> None:
        fonts.register()
        self.body = ParagraphStyle(
            # bulletFontName: reportlab's default bullet face is Helvetica, unembedded (issue 12)
            "body",
            fontName=fonts.REGULAR,
            bulletFontName=fonts.REGULAR,
            fontSize=9.5,
            leading=12.5,
            textColor=INK,
        )
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=8.5, leading=10.5)
        self.cell_head = ParagraphStyle("cellhead", parent=self.cell, fontName=fonts.BOLD, textColor=colors.white)
        self.bullet = ParagraphStyle("bullet", parent=self.body, leftIndent=12, bulletIndent=2)
        self.sub = ParagraphStyle("sub", parent=self.bullet, leftIndent=26, bulletIndent=16, textColor=MUTED)
        self.title = ParagraphStyle("title", fontName=fonts.BOLD, fontSize=15, leading=19, textColor=HEAD)
        self.h2 = ParagraphStyle(
            "h2", fontName=fonts.BOLD, fontSize=11, leading=14, textColor=HEAD, spaceBefore=9, spaceAfter=3
        )
        self.sign = ParagraphStyle("sign", parent=self.body, spaceBefore=14)


def _canvas_for(summary: MonthSummary) -> type[PageCountCanvas]:
    p = summary.patient
    top = f"{p.name} · MRN {p.mrn} · DOB {us_date(p.birth_date)}"
    right = f"Care-management summary, {summary.month.title}"

    class _Canvas(PageCountCanvas):
        def decorate(self, page: int, total: int) -> None:
            self.setFillColor(MUTED)
            self.setFont(fonts.REGULAR, 8)
            if page > 1:  # the first page says all this in its title block
                self.drawString(MARGIN, PAGE_H - 0.5 * inch, top)
                self.drawRightString(PAGE_W - MARGIN, PAGE_H - 0.5 * inch, right)
            self.drawString(MARGIN, 0.45 * inch, FOOTER)
            self.drawRightString(PAGE_W - MARGIN, 0.45 * inch, f"Page {page} of {total}")

    return _Canvas


def _table(st: _Styles, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> LongTable:
    data = [[Paragraph(_esc(h), st.cell_head) for h in headers]]
    data += [[Paragraph(_esc(v), st.cell) for v in row] for row in rows]
    scale = TEXT_W / sum(widths)
    table = LongTable(data, colWidths=[w * scale for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                fonts.CELL_FONT,
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, SHADE]),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def _story(s: MonthSummary, st: _Styles) -> list[Flowable]:
    story: list[Flowable] = []

    def section(title: str, body: list[Flowable]) -> None:
        # A heading never ends a page alone: it starts a new page when less than an inch is
        # left (not KeepTogether with its table, which moved a long table and its heading
        # whole to the next page and left the rest of this one empty).
        story.append(CondPageBreak(1.0 * inch))
        story.append(Paragraph(_esc(title), st.h2))
        story.extend(body)

    def bullet(text: str, style: ParagraphStyle = st.bullet) -> Paragraph:
        return Paragraph(_esc(text), style, bulletText="•" if style is st.bullet else "–")

    p = s.patient
    period = f"{us_date(s.month.first_day)} to {us_date(s.month.last_day)}"
    if s.month_in_progress:
        period += f" (month in progress: to {us_date(s.prepared_on)})"
    ident = [
        ("Patient", p.name),
        ("MRN", p.mrn),
        ("Date of birth", us_date(p.birth_date)),
        ("Billing practitioner", "; ".join(s.practitioners) or "not recorded"),
        ("Period", period),
    ]
    block = LongTable(
        [[Paragraph(_esc(k), st.cell_head), Paragraph(_esc(v), st.body)] for k, v in ident],
        colWidths=[1.5 * inch, TEXT_W - 1.5 * inch],
    )
    block.setStyle(
        TableStyle(
            [
                fonts.CELL_FONT,
                ("BACKGROUND", (0, 0), (0, -1), HEAD),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
            ]
        )
    )
    story += [Paragraph(_esc(heading(s)), st.title), Spacer(1, 6), block]

    consents = [
        [
            c.program,
            f"{c.method} consent {us_date(c.consent_on)}" if c.consent_on else "no consent on file",
            us_date(c.started) + (f" to {us_date(c.ended)}" if c.ended else ""),
            c.practitioner or "-",
        ]
        for c in s.consents
    ]
    section(
        "Consent",
        [_table(st, ("Program", "Consent", "Enrolled", "Billing practitioner"), consents, (1, 2, 2, 2))]
        if consents
        else [bullet("not enrolled in a care-management program this month")],
    )
    section(
        "Chronic conditions addressed (ICD-10-CM)",
        [_table(st, ("ICD-10", "Description"), [(c.icd10, c.description) for c in s.conditions], (1, 6))]
        if s.conditions
        else [bullet("none recorded")],
    )
    rows = [
        (
            us_date(t.on),
            str(t.minutes),
            t.staff or "-",
            t.activity if t.minutes else "contact (no minutes)",
            t.contact or "-",
            t.program or "-",
        )
        for t in s.time
    ]
    time_body: list[Flowable] = (
        [_table(st, ("Date", "Min", "Staff", "Activity", "Contact", "Program"), rows, (1.1, 0.5, 1.3, 1.6, 1.5, 1))]
        if rows
        else [bullet("no time logged this month")]
    )
    if s.totals:
        time_body.append(Spacer(1, 4))
        time_body.append(
            _table(
                st,
                ("By activity", "Staff", "Minutes"),
                [(t.activity, t.staff, str(t.minutes)) for t in s.totals],
                (3, 2, 1),
            )
        )
    section(
        f"Care-management time: {s.clinical_minutes} min clinical staff, {s.physician_minutes} min physician/QHP",
        time_body,
    )
    codes: list[Flowable] = (
        [
            _table(
                st,
                ("Code", "Units", "What it is", "Source"),
                [
                    (
                        c.code,
                        str(c.units),
                        c.description
                        + (f"; {practitioner_words(c.practitioner_minutes)}" if c.practitioner_minutes else ""),
                        c.source,
                    )
                    for c in s.codes
                ],
                (0.8, 0.6, 3, 3),
            )
        ]
        if s.codes
        else [bullet("none")]
    )
    if s.not_billed:
        codes.append(Paragraph("Not billed:", st.bullet))
        codes += [bullet(why, st.sub) for why in s.not_billed]
    section("Codes earned this month (Medicare Physician Fee Schedule)", codes)

    plan: list[Flowable] = []
    for change in s.plan_changes:
        plan.append(
            bullet(f"Version {change.number} finalized {us_date(change.finalized_on)} by {change.finalized_by}")
        )
        plan += [bullet(w, st.sub) for w in change.changes or ("no change in the plan's content",)]
    if not plan:
        plan.append(
            bullet("no finalized care plan")
            if s.current_plan is None
            else bullet(
                f"no changes this month (version {s.current_plan[0]} of {us_date(s.current_plan[1])} in effect)"
            )
        )
    section("Care plan", plan)
    section(
        "Referrals",
        [
            bullet(f"{r.need}: {r.resource}; " + ", ".join(f"{status} {us_date(on)}" for status, on in r.steps))
            for r in s.referrals
        ]
        or [bullet("none")],
    )
    stays: list[Flowable] = []
    last = 0  # where the last stay's lines begin
    for stay in s.stays:
        last = len(stays)
        admitted = f"admitted {us_date(stay.admitted_on)}, " if stay.admitted_on else ""
        stays.append(
            bullet(
                f"{stay.facility}: {admitted}discharged {us_date(stay.discharged_on)} "
                f"({stay.complexity} complexity); TCM period ends {us_date(stay.period_ends)}"
            )
        )
        stays += [bullet(step_words(step), st.sub) for step in stay.steps]
    stays = stays or [bullet("none")]
    section("Hospital stays and transitions of care", stays)
    # The sign-off never stands alone on a last page: it goes with the last stay and its TCM
    # steps (with the section's heading when that stay is the first), so the reviewer signs
    # under the facts and a stay is never split from its steps.
    keep = len(stays) - last + (2 if last == 0 else 0)  # + CondPageBreak and heading
    story[-keep:] = [KeepTogether([*story[-keep:], Paragraph(_esc(sign_off(s)), st.sign)])]
    return story


def render_summary(summary: MonthSummary) -> bytes:
    """One patient's summary as PDF bytes (not audited: the caller writes and audits it)."""
    st = _Styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=letter,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=0.7 * inch,
        bottomMargin=0.75 * inch,
        # Metadata names the document, never the patient.
        title=f"CareDesk care-management summary {summary.month}",
        author="CareDesk",
        subject="Care-management summary for the EHR",
        creator="CareDesk",
        producer="CareDesk",
    )
    doc.build(_story(summary, st), canvasmaker=_canvas_for(summary))
    return out.getvalue()
