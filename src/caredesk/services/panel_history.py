"""Which of an incoming patient's contacts, minutes and screens are new: the import's rules
for the care manager's history (services.panel_merge calls them; panel_records has the
clinical records' rules).

Sameness (issue 13: "re-importing the same file changes nothing"):
- a contact is on file when a stored one has its time, channel and outcome; its minutes in
  the file are then never added, and when they differ from the store's the patient gets a
  flag (minutes_kept), never a second time entry;
- minutes when a stored time entry has their day, start time, minutes, activity, staff
  type and program;
- a screen when a stored one has its instrument and day;
- a screen's safety check when the screen is stored with a check already (one check per
  screen: domain.safety.check_refusal; the stored one stands).
Counted, not collapsed: two identical voicemails logged at one back-filled time are two
contacts, so a file holding two where the store holds one adds one (a set would drop it).

The dates are checked as the services that log them the normal way check them:
services.calls.log_contact (a contact not in the future; for a deceased patient only before
the date of death), log_time and program_for_minutes (minutes not in the future, within the
patient's life, for a program the patient is enrolled in on that day; 1-600 minutes is the
domain's own rule), services.assessments.record_assessment (a screen not in the future,
within the patient's life), record_safety_check (checked not after today nor before the
screen's day, in the clinic's calendar). A refusal is a ValidationError naming the record and field
("contact of 11/03/2026 date", "minutes of 11/10/2026 program").
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace
from datetime import date, tzinfo
from typing import Any

from caredesk.domain import checks
from caredesk.domain.calendar import us_date
from caredesk.domain.community import listing_name
from caredesk.domain.contacts import Contact, TimeEntry
from caredesk.domain.coordination import Assessment
from caredesk.domain.incoming import IncomingReferral
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.patients import Enrollment, Patient, Status
from caredesk.domain.safety import SafetyCheck
from caredesk.errors import ValidationError
from caredesk.services.calls import program_for_minutes
from caredesk.services.referrals import SOCIAL_SCREENS


def contact_key(c: Contact) -> Hashable:
    return (c.at, c.channel, c.outcome)


def entry_key(e: TimeEntry) -> Hashable:
    return (e.on, e.started_at, e.minutes, e.activity, e.staff_type, e.program)


def assessment_key(a: Assessment) -> Hashable:
    return (a.instrument, a.taken_on)


def _unmatched(incoming: Sequence[Any], stored: Iterable[Any], key: Callable[[Any], Hashable]) -> list[int | Any]:
    """For each incoming record: the stored record it matches (each stored one matched once),
    or its own index when it is new."""
    left: dict[Hashable, list[Any]] = {}
    for s in stored:
        left.setdefault(key(s), []).append(s)
    out: list[int | Any] = []
    for index, record in enumerate(incoming):
        pool = left.get(key(record))
        out.append(pool.pop(0) if pool else index)
    return out


def new_contacts(
    incoming: Sequence[Contact], stored: Iterable[Contact], patient: Patient, today: date, tz: tzinfo
) -> tuple[tuple[Contact, ...], list[int | Contact]]:
    """The new contacts, and per incoming contact the stored one it is (or its index)."""
    matched = _unmatched(incoming, stored, contact_key)
    new = tuple(incoming[m] for m in matched if isinstance(m, int))
    for c in new:
        day = c.at.astimezone(tz).date()
        field = f"contact of {us_date(day)} date"
        checks.not_after(field, day, today, "today")
        check_within_life(field, day, patient)
        if patient.status is Status.DECEASED and (patient.died_on is None or day >= patient.died_on):
            raise ValidationError(field, "must be before the date of death: the patient is recorded as deceased")
    return new, matched


def new_time_entries(
    incoming: Sequence[TimeEntry],
    stored: Iterable[TimeEntry],
    contacts: list[int | Contact],
    new_contacts: tuple[Contact, ...],
    enrollments: Sequence[Enrollment],
    patient: Patient,
    today: date,
) -> tuple[tuple[TimeEntry, ...], tuple[int | None, ...]]:
    """The new time entries, and for each the index of its contact in `new_contacts` (None:
    it has none). Minutes whose contact is on file are never added (minutes_kept).

    `contacts`: new_contacts' second value (incoming contact index -> stored contact or own
    index); `enrollments`: the patient's stored and new ones (the program check)."""
    position = {index: n for n, index in enumerate(m for m in contacts if isinstance(m, int))}
    new: list[TimeEntry] = []
    links: list[int | None] = []
    for m in _unmatched(incoming, stored, entry_key):
        if not isinstance(m, int):
            continue
        e = incoming[m]
        field = f"minutes of {us_date(e.on)}"
        link: int | None = None
        if e.contact_id is not None:
            if not 0 <= e.contact_id < len(contacts):
                raise ValidationError(f"{field} contact", "names no contact of this patient")
            got = contacts[e.contact_id]
            if not isinstance(got, int):
                continue  # its contact is on file: never added (minutes_kept flags a difference)
            link = position[got]
        checks.not_after(f"{field} date", e.on, today, "today")
        check_within_life(f"{field} date", e.on, patient)
        try:
            program_for_minutes(enrollments, e.on, e.program)
        except ValidationError as exc:
            raise ValidationError(f"{field} program", exc.message) from None
        new.append(replace(e, contact_id=None))  # a new contact's: set once it is stored (links)
        links.append(link)
    assert len(new_contacts) == len(position)
    return tuple(new), tuple(links)


def minutes_kept(
    incoming: Sequence[TimeEntry], stored: Iterable[TimeEntry], contacts: list[int | Contact], tz: tzinfo
) -> tuple[str, ...]:
    """A flag for each stored contact the file matches whose minutes in the file differ from
    the store's: "contact of 11/03/2026 10:00 AM: 30 min in the file, 12 in CareDesk: not
    changed; correct the minutes in the chart if the file is right".

    A matched contact's minutes are never added (new_time_entries): a corrected Encounter
    (12 -> 30) added beside the stored 12 made 42, moving a month from 99490 to 99490 +
    99439 (tester, issue 13). Which figure is right is the care manager's call, in the chart."""
    in_file: dict[int, int] = {}
    for e in incoming:
        got = contacts[e.contact_id] if e.contact_id is not None and 0 <= e.contact_id < len(contacts) else None
        if got is not None and not isinstance(got, int) and got.id is not None:
            in_file[got.id] = in_file.get(got.id, 0) + e.minutes
    on_file: dict[int, int] = {}
    for s in stored:
        if s.contact_id is not None:
            on_file[s.contact_id] = on_file.get(s.contact_id, 0) + s.minutes
    flags = []
    for c in dict.fromkeys(m for m in contacts if not isinstance(m, int)):
        if c.id is not None and in_file.get(c.id, 0) != on_file.get(c.id, 0):
            at = c.at.astimezone(tz)
            flags.append(
                f"contact of {us_date(at.date())} {at.strftime('%I:%M %p').lstrip('0')}: "
                f"{in_file.get(c.id, 0)} min in the file, {on_file.get(c.id, 0)} in CareDesk: not changed; "
                "correct the minutes in the chart if the file is right"
            )
    return tuple(flags)


def new_assessments(
    incoming: Sequence[Assessment], stored: Iterable[Assessment], patient: Patient, today: date
) -> tuple[tuple[Assessment, ...], list[int | Assessment]]:
    """The new screens, and per incoming screen the stored one it is (or its index)."""
    matched = _unmatched(incoming, stored, assessment_key)
    new = tuple(incoming[m] for m in matched if isinstance(m, int))
    for a in new:
        field = f"{a.instrument.value} of {us_date(a.taken_on)} date"
        checks.not_after(field, a.taken_on, today, "today")
        check_within_life(field, a.taken_on, patient)
    return new, matched


def screens_kept(incoming: Sequence[Assessment], matched: list[int | Assessment]) -> tuple[str, ...]:
    """A flag for each stored screen the file matches (its instrument and day) whose answers
    in the file differ: "PHQ-9 of 11/03/2026: answers differ in the file (score 11; 9 in
    CareDesk): not changed; correct the screen in the chart if the file is right". Never a
    second screen of that day (as minutes_kept for minutes)."""
    flags = []
    for a, m in zip(incoming, matched, strict=True):
        if not isinstance(m, int) and m.answers != a.answers:
            scores = f"score {_score(a.score)}; {_score(m.score)} in CareDesk"
            flags.append(
                f"{a.instrument.value} of {us_date(a.taken_on)}: answers differ in the file ({scores}): "
                "not changed; correct the screen in the chart if the file is right"
            )
    return tuple(flags)


def _score(score: int | None) -> str:
    return "incomplete" if score is None else str(score)


def new_referrals(
    incoming: Sequence[IncomingReferral],
    screens: Sequence[Assessment],
    matched: list[int | Assessment],
    stored: Iterable[IncomingReferral],
    patient: Patient,
) -> tuple[tuple[IncomingReferral, ...], tuple[int | None, ...]]:
    """The new referrals (assessment_id the stored screen's id, or None) and for each the index
    of its screen among the new screens (None: stored or none). A referral is on file when a
    stored one has its resource (by the directory's folding of names), need and opening day.
    As services.referrals.refer checks one: the screen that prompted it is a social-needs
    screen that found the need positive, taken on or before the referral; none for a patient
    recorded as deceased unless closed."""

    def key(r: IncomingReferral) -> Hashable:
        return (listing_name(r.resource), r.referral.need, r.referral.opened_on)

    position = {index: n for n, index in enumerate(m for m in matched if isinstance(m, int))}
    new: list[IncomingReferral] = []
    links: list[int | None] = []
    for m in _unmatched(incoming, stored, key):
        if not isinstance(m, int):
            continue
        one = incoming[m]
        r = one.referral
        field = f"referral of {us_date(r.opened_on)}"
        if patient.status is Status.DECEASED and r.is_open:
            raise ValidationError(field, "is still open: the patient is recorded as deceased")
        screen_id: int | None = None
        link: int | None = None
        if r.assessment_id is not None:
            if not 0 <= r.assessment_id < len(screens):
                raise ValidationError(f"{field} screen", "names no screen of this patient")
            screen = screens[r.assessment_id]
            if screen.instrument not in SOCIAL_SCREENS or r.need.value not in screen.result.positive_domains:
                raise ValidationError(f"{field} screen", f"the screen did not find {r.need.label} positive")
            if r.opened_on < screen.taken_on:
                raise ValidationError(f"{field} date", f"cannot be before the screen ({us_date(screen.taken_on)})")
            got = matched[r.assessment_id]
            if isinstance(got, int):
                link = position[got]
            else:
                screen_id = got.id
        new.append(replace(one, referral=replace(r, assessment_id=screen_id)))
        links.append(link)
    return tuple(new), tuple(links)


def new_safety_checks(
    incoming: Sequence[SafetyCheck],
    screens: Sequence[Assessment],
    matched: list[int | Assessment],
    stored: Iterable[SafetyCheck],
    today: date,
    tz: tzinfo,
) -> tuple[tuple[SafetyCheck, ...], tuple[int | None, ...]]:
    """The new safety checks (assessment_id the stored screen's id, or 0) and for each the
    index of its screen among the new screens (None: the screen is stored).

    `incoming`: assessment_id an index into `screens` (the file's); `matched`:
    new_assessments' second value. A stored screen that has a check keeps it."""
    position = {index: n for n, index in enumerate(m for m in matched if isinstance(m, int))}
    done = {c.assessment_id for c in stored}
    new: list[SafetyCheck] = []
    links: list[int | None] = []
    for c in incoming:
        if not 0 <= c.assessment_id < len(screens):
            raise ValidationError("safety check screen", "names no screen of this patient")
        screen = screens[c.assessment_id]
        got = matched[c.assessment_id]
        if not isinstance(got, int) and got.id in done:
            continue
        day = c.checked_at.astimezone(tz).date()
        field = f"safety check of the {screen.instrument.value} of {us_date(screen.taken_on)}"
        if not isinstance(got, int) and not got.safety:
            raise ValidationError(field, "the stored screen of that day raised no safety flag")
        checks.not_after(f"{field} date", day, today, "today")
        if day < screen.taken_on:
            raise ValidationError(f"{field} date", f"cannot be before the screen ({us_date(screen.taken_on)})")
        if isinstance(got, int):
            new.append(replace(c, assessment_id=0))
            links.append(position[got])
        else:
            new.append(replace(c, assessment_id=got.id or 0))
            links.append(None)
    return tuple(new), tuple(links)
