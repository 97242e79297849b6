"""The patient's copy of the care plan: "My care plan", in plain words and large type.

Written for the person who reads it at the kitchen table: short sections in the first
person, body text of 13 pt (16 pt in large print), near-black on white, generous line
spacing. The patient's name, date of birth and "Page x of y" are on every page so loose
pages find their way back; the PDF metadata names the document, never the patient.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    LayoutError,
    LongTable,
    SimpleDocTemplate,
    TableStyle,
)

from caredesk.domain.careplan import CarePlanContent, CarePlanVersion, Owner
from caredesk.domain.patients import Medication
from caredesk.domain.text import fold
from caredesk.errors import CareDeskError
from caredesk.pdf import fonts
from caredesk.pdf.medicine_words import medicine_row
from caredesk.pdf.paging import PageCountCanvas
from caredesk.pdf.plan_header import FooterLayout, HeaderLayout, fit_footer, fit_header
from caredesk.pdf.plan_style import (
    INK,
    MARGIN_X,
    MUTED,
    PAD,
    PAGE_H,
    PAGE_W,
    RULE,
    SHADE,
    TEXT_W,
    PlanStyles,
    plan_styles,
)
from caredesk.pdf.plan_vocabulary import ENGLISH, Words, words_for
from caredesk.pdf.plan_words import (
    OWNER_WORDS,
    STATUS_WORDS,
    PlanContacts,
    esc,
    goal_words,
    intervention_words,
    long_date,
    sentence,
)
from caredesk.pdf.script_text import Paragraph  # any script the fonts cover, right-to-left shaped

__all__ = ["PlanContacts", "goal_words", "intervention_words", "long_date", "plan_styles", "render_care_plan"]

# The smallest the name in the header is set before it wraps (12 and 14 pt when it fits).
HEADER_MIN, HEADER_MIN_LARGE = 10.0, 12.0
# A table row taller than this is set as several rows of at most this height, so a page can
# end inside it and leaves no more than this empty above its footer.
ROW_MAX = 2 * inch
_CELL_PAD_X = 14  # a cell's left and right padding together


_GAP = 10  # between the header's or footer's rule and the text (inside the frame's padding)


class _PlanCanvas(PageCountCanvas):
    """'Page x of y' beside the patient's name and birth date on every page."""

    def __init__(
        self, *args: Any, header: HeaderLayout, born: str, footer: FooterLayout, words: Words, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._header = header
        self._born = born
        self._footer = footer
        self._words = words

    def decorate(self, page: int, total: int) -> None:
        head, foot = self._header, self._footer
        top = PAGE_H - head.baseline
        self.setFillColor(INK)
        self.setFont(fonts.BOLD, head.name_size)
        left, right = MARGIN_X + PAD, PAGE_W - MARGIN_X - PAD
        for n, line in enumerate(head.name_lines):
            self.drawString(left, top - n * head.leading, line)
        self.setFont(fonts.REGULAR, head.size)
        if head.born_below:
            self.drawString(left, top - head.born_drop, self._born)
        else:
            self.drawRightString(right, top, self._born)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.75)
        self.line(left, PAGE_H - head.depth, right, PAGE_H - head.depth)
        self.line(left, foot.height, right, foot.height)
        self.setFont(fonts.BOLD, foot.page_size)
        self.drawRightString(right, foot.baseline(0), self._words("page", page=page, total=total))
        self.setFont(fonts.REGULAR, foot.size)
        self.setFillColor(MUTED)
        for n, line in enumerate(foot.lines):
            self.drawString(left, foot.baseline(n), line)


@dataclass(frozen=True, slots=True)
class _Laid:
    pdf: bytes
    pages: int


def render_care_plan(
    *,
    patient_name: str,
    birth_date: date,
    version: CarePlanVersion | None,
    content: CarePlanContent,
    medications: Sequence[Medication],
    contacts: PlanContacts,
    large_print: bool = False,
    generated: datetime,
    language: str = "English",
) -> bytes:
    """The patient's plan as PDF bytes. `version` None marks a draft preview.

    `language` is the patient's language as the record has it ("Spanish", "es", "Español" ...):
    the copy's own wording is in that language when plan_vocabulary has it, else in English;
    what the care manager typed prints as typed.

    `generated` is the clinic's local time (aware; ValueError otherwise): every date on the
    paper is the clinic's date, the version's finalized time (stored in UTC) converted to its zone.

    A copy of more than one page is laid out twice, with the regular and the tight spacing, and
    printed tight only when that takes fewer pages (issue 12: 11 of 59 demo plans ended on a page
    holding one or two lines; on the demo panel tight saves a page for 23 of 61 plans, 43 in
    large print, some whose last page was two-thirds full). Type sizes are the same in both.
    CareDeskError when part of the plan cannot be laid out at all.
    """
    if generated.tzinfo is None:
        raise ValueError("generated must be the clinic's local time, with its zone")
    words = words_for(language)
    if version is not None:
        # Stored in UTC: on paper the clinic's date (a plan finalized at 20:30 in New York on
        # March 31 read "finalized April 1" beside "Printed March 31", issue 12).
        finalized = version.finalized_at.astimezone(generated.tzinfo).date()
        small = words(
            "version", number=version.number, finalized=words.date(finalized), printed=words.date(generated.date())
        )
    else:
        small = words("draft_footer", printed=words.date(generated.date()))
    born = words("born", date=words.date(birth_date))
    st = plan_styles(large_print)
    header = fit_header(
        patient_name, born, width=TEXT_W, size=st.header_size, min_size=HEADER_MIN_LARGE if large_print else HEADER_MIN
    )
    footer = fit_footer(
        (words("private"), small),
        width=TEXT_W,
        size=st.footer_size,
        page_size=st.header_size,
        widest_page=words("page", page=88, total=88),
    )

    def lay_out(st: PlanStyles) -> _Laid:
        story = _story(st, words, patient_name, version, content, medications, contacts, generated)
        return _lay_out(story, header, footer, born, words)

    laid = lay_out(st)
    if laid.pages > 1:
        tight = lay_out(plan_styles(large_print, tight=True))
        if tight.pages < laid.pages:
            return tight.pdf
    return laid.pdf


def _lay_out(story: list[Flowable], header: HeaderLayout, footer: FooterLayout, born: str, words: Words) -> _Laid:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=letter,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=header.depth + _GAP,  # a name on two lines moves the text down, never under it
        bottomMargin=footer.height + _GAP,
        # Metadata names the document, never the patient.
        title=words("title"),
        author="CareDesk",
        subject="Care plan",
        creator="CareDesk",
        producer="CareDesk",
        keywords="",
    )
    canvasmaker = partial(_PlanCanvas, header=header, born=born, footer=footer, words=words)
    try:
        doc.build(story, canvasmaker=canvasmaker)
    except LayoutError:  # its message quotes the plan's text: never shown or logged
        raise CareDeskError(
            "Part of this care plan could not be laid out on a page; nothing was printed. "
            "Shorten the longest wording in the plan and print again."
        ) from None
    return _Laid(out.getvalue(), doc.page)


def _story(
    st: PlanStyles,
    words: Words,
    patient_name: str,
    version: CarePlanVersion | None,
    content: CarePlanContent,
    medications: Sequence[Medication],
    contacts: PlanContacts,
    generated: datetime,
) -> list[Flowable]:
    def para(text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(esc(text), style or st.body)

    def item(text: str, second: str = "") -> Paragraph:
        markup = esc(text)
        if second:
            markup += f'<br/><font color="#333333">{esc(second)}</font>'
        return Paragraph(markup, st.bullet, bulletText="\u2022")

    def section(
        title: str, flowables: list[Flowable], *, table: LongTable | None = None, whole: bool = False
    ) -> list[Flowable]:
        """A heading never left alone at the foot of a page.

        Without a table the heading keeps with its first item (keepWithNext). A table may split
        across pages with its header row repeated, so instead of keeping it whole the section
        asks for room for the heading, any lines before the table, its header row and first row.
        A short `whole` section moves to the next page as one piece when it does not fit.
        """
        items = [*flowables, table] if table is not None else flowables
        if not items:
            return []
        heading = para(title, st.table_heading if table is not None else st.heading)
        if whole:
            return [KeepTogether([heading, *items])]
        if table is None:
            room = _height(heading) + 2 * st.body.leading
        else:
            table.wrap(TEXT_W, PAGE_H * 100)
            room = _height(heading) + sum(_height(f) for f in flowables) + sum(table._rowHeights[:2])
        return [CondPageBreak(room), heading, *items]

    story: list[Flowable] = [
        para(words("title"), st.title),
        para(words("intro", name=patient_name), st.intro),
    ]
    if version is None:
        story.append(para(words("draft"), st.note))

    problems = content.problems
    concerns = [item(p.plain.strip() or sentence(p.title)) for p in problems]
    story += section(words("concerns"), concerns)

    goals: list[Flowable] = []
    several = len(problems) > 1
    for p in problems:
        if not p.goals:
            continue
        block: list[Flowable] = []
        for g in p.goals:
            second = []
            if g.plain.strip() and g.target_date is not None:
                second.append(words("goal_by", date=words.date(g.target_date)))
            if g.status in STATUS_WORDS:
                second.append(words(STATUS_WORDS[g.status]))
            block.append(item(goal_words(g, words), " \u00b7 ".join(second)))
        if several:
            goals.append(para(sentence(p.title), st.subheading))
            goals += block
        else:
            goals += block
    story += section(words("goals"), goals)

    mine: list[Flowable] = []
    team_rows: list[tuple[str, str]] = []
    for p in problems:
        for i in p.interventions:
            what, often = intervention_words(i)
            if i.owner is Owner.PATIENT:
                mine.append(item(what, words("how_often", often=often) if often else ""))
            else:
                owner = words(OWNER_WORDS[i.owner]) if i.owner in OWNER_WORDS else sentence(i.owner.value)
                how_often = esc(words("how_often", often=often))
                team_rows.append(
                    (esc(owner), esc(what) + (f'<br/><font color="#333333">{how_often}</font>' if often else ""))
                )
    story += section(words("mine"), mine)

    if team_rows:
        team_heads = (words("col_who"), words("col_team_what"))
        story += section(words("team"), [], table=_table(st, team_heads, team_rows, (0.34, 0.66)))

    if content.symptom_management.strip():
        story += section(words("worse"), [para(content.symptom_management.strip())])

    if medications:
        # By name as the patient reads it: 'aspirin' typed in lower case still comes first.
        ordered = sorted(medications, key=lambda m: fold(m.name))
        rows = [tuple(esc(part) for part in medicine_row(m, words.language)) for m in ordered]
        med_heads = (words("col_medicine"), words("col_how_much"), words("col_how_often"))
        story += section(
            words("medicines"),
            [para(words("medicines_keep"))],
            table=_table(st, med_heads, rows, (0.37, 0.24, 0.39)),
        )
    else:
        story += section(words("medicines"), [para(words("medicines_none"))])

    if content.next_review is not None:
        review = words("review_by", date=words.date(content.next_review))
    else:
        review = words("review_next")
    story += section(words("review"), [para(review), para(words("review_change"), st.note)], whole=True)

    # Last, and whole: the page to keep by the phone. Before it, the short review fills the
    # foot of a page it leaves when it moves on whole (it came after it and often ended the copy
    # alone on a page, issue 12).
    call_heads = (words("col_who"), words("col_call_for"), words("col_phone"))
    calls = _table(st, call_heads, _call_rows(contacts, words), (0.31, 0.33, 0.36))
    story += section(words("call"), [calls], whole=True)
    return story


def _height(f: Flowable) -> float:
    _, h = f.wrap(TEXT_W, PAGE_H)
    return float(h + f.getSpaceBefore() + f.getSpaceAfter())


def _call_rows(c: PlanContacts, words: Words) -> list[tuple[str, str, str]]:
    """(who, what for, phone) as escaped markup; the phone in bold so it is easy to find."""

    def who(role: str, name: str) -> str:
        return f"<b>{esc(role)}</b>" + (f"<br/>{esc(name)}" if name else "")

    def phone(number: str, otherwise: str) -> str:  # a number never breaks across lines
        return f"<b>{esc(number).replace(' ', chr(0xA0))}</b>" if number else esc(otherwise)

    office = phone(c.practice_phone, words("office_no_number"))
    if c.care_manager_phone:
        manager = phone(c.care_manager_phone, "")
    elif c.practice_phone:  # no direct line: the office number, and whom to ask for
        manager = f"{office}<br/>{esc(words('manager_ask'))}"
    else:
        manager = esc(words("manager_no_number"))

    def role_words(role: str) -> str:  # "My cardiologist", "My NP"; in Spanish the role as typed: "Cardiólogo"
        if not role.isupper():
            role = role.lower() if words.language == ENGLISH else sentence(role)
        return words("specialist_who", role=role)

    # Each specialist on the care team with their number (issue 12: they were left out).
    others = [
        (
            who(role_words(role), name),
            esc(words("specialist_for")),
            phone(number, words("specialist_no_number")),
        )
        for role, name, number in c.specialists
    ]
    return [
        (who(words("owner_care_manager"), c.care_manager_name), esc(words("manager_for")), manager),
        (who(words("office"), c.practice_name), esc(words("office_for")), office),
        *others,
        (
            who(words("after_hours"), ""),
            esc(words("after_hours_for")),
            phone(c.after_hours_phone, words("after_hours_no_number")),
        ),
        (who(words("emergency"), ""), esc(words("emergency_for")), "<b>911</b>"),
    ]


def _table(st: PlanStyles, headers: Sequence[str], rows: Sequence[Sequence[str]], shares: Sequence[float]) -> LongTable:
    """A table that splits across pages with its header row repeated.

    Platypus moves a row to the next page whole, so a row taller than a page raised LayoutError
    (issue 12: a team action of about 1,400 characters, 900 in large print). A row taller than
    ROW_MAX is set as several rows instead, cut between lines of its text, so a page may end
    inside it; the rule below it is drawn only after its last piece. (reportlab's own splitInRow
    repeated the header row in the middle of the page when the table was already split.)
    """
    widths = [TEXT_W * s for s in shares]
    pad = st.cell_pad
    data: list[list[Flowable | str]] = [[Paragraph(esc(h), st.cell_head) for h in headers]]
    ends = [0]  # the last piece of each row, where its rule goes
    seams: list[tuple[str, tuple[int, int], tuple[int, int], float]] = []  # the text runs on across pieces
    for row in rows:
        cells = [Paragraph(v, st.cell) for v in row]  # already escaped markup
        first = len(data)
        data += _row_pieces(cells, [w - _CELL_PAD_X for w in widths], ROW_MAX - 2 * pad)
        ends.append(len(data) - 1)
        for r in range(first, len(data) - 1):
            seams += [("BOTTOMPADDING", (0, r), (-1, r), 0), ("TOPPADDING", (0, r + 1), (-1, r + 1), 0)]
    table = LongTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                fonts.CELL_FONT,
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEABOVE", (0, 0), (-1, 0), 1, RULE),
                *[("LINEBELOW", (0, r), (-1, r), 0.75, RULE) for r in ends],
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), pad),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PAD_X - 6),
                *seams,
            ]
        )
    )
    return table


def _row_pieces(cells: list[Paragraph], widths: Sequence[float], limit: float) -> list[list[Flowable | str]]:
    """One row, or several when a cell's text is taller than `limit`: each cell's text cut
    between lines; a cell whose text is used up is empty in the pieces after."""
    rest: list[Paragraph | None] = list(cells)
    pieces: list[list[Flowable | str]] = []
    while any(c is not None for c in rest):
        piece: list[Flowable | str] = []
        for i, (cell, width) in enumerate(zip(rest, widths, strict=True)):
            if cell is None:
                piece.append("")
                continue
            _, h = cell.wrap(width, PAGE_H * 100)
            parts = cell.split(width, limit) if h > limit else []
            if len(parts) == 2:
                piece.append(parts[0])
                rest[i] = parts[1]
            else:
                piece.append(cell)
                rest[i] = None
        pieces.append(piece)
    return pieces
