"""The monthly care-management summary as plain text, ready to paste into an EHR note.

EHR note editors keep plain text best: no tabs (an editor turns them into anything), lines of
at most 80 characters (a note column; longer lines wrap mid-word or scroll), dates as
MM/DD/YYYY like every screen of CareDesk (domain.calendar.us_date), a heading that says what
it is and for which month. Sections in the order the billing practitioner checks the claim
(CMS MLN909188): who, consent, conditions, time, codes, care plan, referrals, transitions,
sign-off.
"""

from __future__ import annotations

import textwrap

from caredesk.domain.calendar import us_date
from caredesk.domain.transitions import DeadlineStatus
from caredesk.interop.ehr_summary_values import MonthSummary, StepLine

WIDTH = 80
SIGN_BLANK = "________"


def heading(summary: MonthSummary) -> str:
    return f"Care management summary — {summary.month.title}"


def sign_off(summary: MonthSummary) -> str:
    return (
        f"Prepared by {summary.prepared_by}, {us_date(summary.prepared_on)}; "
        f"reviewed by billing practitioner {SIGN_BLANK}"
    )


def practitioner_words(minutes: int) -> str:
    """Under a clinical-staff code: the physician/QHP minutes inside its minutes (CMS
    MLN909188: practitioner time counts toward 99490/99426 when not billed as 99491/99424)."""
    return f"includes {minutes} min of physician/QHP time counted toward the clinical-staff minutes"


def step_words(step: StepLine) -> str:
    """'TCM contact: due 11/04/2026, met late, done 11/06/2026 by home visit': the stay
    list's words (caredesk stay list: due, status, done ... by channel), dates as MM/DD/YYYY."""
    if step.done_on is not None:
        by = f" by {step.by}" if step.by else ""
        state = f"{step.status}, done {us_date(step.done_on)}{by}"
    elif step.status == DeadlineStatus.OVERDUE.value:
        state = f"{step.status}, not met"
    else:  # still due: "due ..., due" would say it twice
        state = "not met yet"
    return f"{step.kind}: due {us_date(step.due)}, {state}"


def _contact_words(activity: str, contact: str) -> str:
    """'reached' for a phone call's minutes ('phone, reached'); the channel too otherwise."""
    channel, _, outcome = contact.partition(", ")
    return outcome if activity.startswith(channel) else contact


def summary_text(summary: MonthSummary) -> str:
    """The summary as text: every line at most 80 characters, no tabs, ending with a newline."""
    out: list[str] = []

    def line(text: str = "", indent: int = 0, hang: int = 2) -> None:
        if not text:
            out.append("")
            return
        pad = " " * indent
        out.extend(
            textwrap.wrap(
                text.replace("\t", " "),
                WIDTH,
                initial_indent=pad,
                subsequent_indent=pad + " " * hang,
                break_long_words=True,
                break_on_hyphens=False,
            )
        )

    def section(title: str) -> None:
        out.append("")
        out.append(title)

    s = summary
    title = heading(s)
    out += [title, "=" * len(title)]
    line(f"Patient: {s.patient.name}")
    line(f"MRN: {s.patient.mrn}    DOB: {us_date(s.patient.birth_date)}")
    line(f"Billing practitioner: {'; '.join(s.practitioners) or 'not recorded'}")
    period = f"{us_date(s.month.first_day)} to {us_date(s.month.last_day)}"
    if s.month_in_progress:
        period += f" (month in progress: to {us_date(s.prepared_on)})"
    line(f"Period: {period}")

    section("Consent")
    for c in s.consents:
        consent = f"{c.method} consent {us_date(c.consent_on)}" if c.consent_on else "no consent on file"
        ended = f", ended {us_date(c.ended)}" if c.ended else ""
        line(f"- {c.program}: {consent}; enrolled {us_date(c.started)}{ended}", 2)
    if not s.consents:
        line("- not enrolled in a care-management program this month", 2)

    section("Chronic conditions addressed (ICD-10-CM)")
    for cond in s.conditions:
        line(f"- {cond.icd10} {cond.description}", 2, 4)
    if not s.conditions:
        line("- none recorded", 2)

    section(f"Care-management time: {s.clinical_minutes} min clinical staff, {s.physician_minutes} min physician/QHP")
    for t in s.time:
        if t.minutes:
            what = t.activity + (f" ({_contact_words(t.activity, t.contact)})" if t.contact else "")
            line(f"{us_date(t.on)}  {t.minutes:>3} min  {t.staff}  {what}  [{t.program}]", 2, 19)
        else:
            line(f"{us_date(t.on)}    0 min  contact: {t.contact} (no minutes)", 2, 19)
    if not s.time:
        line("- no time logged this month", 2)
    if s.totals:
        line("By activity and staff type:", 2)
        for total in s.totals:
            line(f"- {total.activity}, {total.staff}: {total.minutes} min", 4)

    section("Codes earned this month (Medicare Physician Fee Schedule)")
    for code in s.codes:
        units = f" x{code.units}" if code.units != 1 else ""
        line(f"- {code.code}{units}: {code.description}", 2, 4)
        if code.practitioner_minutes:
            line(practitioner_words(code.practitioner_minutes), 6, 2)
        if code.source:
            line(f"source: {code.source}", 6, 2)
    if not s.codes:
        line("- none", 2)
    if s.not_billed:
        line("Not billed:", 2)
        for why in s.not_billed:
            line(f"- {why}", 4, 2)

    section("Care plan")
    for change in s.plan_changes:
        line(f"- Version {change.number} finalized {us_date(change.finalized_on)} by {change.finalized_by}:", 2, 4)
        for words in change.changes or ("no change in the plan's content",):
            line(f"* {words}", 6, 2)
    if not s.plan_changes:
        current = s.current_plan
        if current is None:
            line("- no finalized care plan", 2)
        else:
            line(f"- no changes this month (version {current[0]} of {us_date(current[1])} in effect)", 2, 4)

    section("Referrals")
    for r in s.referrals:
        steps = ", ".join(f"{status} {us_date(on)}" for status, on in r.steps)
        line(f"- {r.need}: {r.resource}; {steps}", 2, 4)
    if not s.referrals:
        line("- none", 2)

    section("Hospital stays and transitions of care")
    for st in s.stays:
        admitted = f"admitted {us_date(st.admitted_on)}, " if st.admitted_on else ""
        line(
            f"- {st.facility}: {admitted}discharged {us_date(st.discharged_on)} "
            f"({st.complexity} complexity); TCM period ends {us_date(st.period_ends)}",
            2,
            4,
        )
        for step in st.steps:
            line(f"* {step_words(step)}", 6, 2)
    if not s.stays:
        line("- none", 2)

    out.append("")
    signed = sign_off(s)
    if len(signed) > WIDTH:  # the review blank starts its own line rather than wrap alone
        first, _, second = signed.partition("; ")
        line(first + ";")
        line(second)
    else:
        line(signed)
    return "\n".join(out) + "\n"
