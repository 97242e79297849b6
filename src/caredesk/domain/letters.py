"""The letter to a patient we could not reach by phone: its words, from plain values.

SPEC section 3 (Call queue): after three unanswered attempts in a month a letter task is
proposed. The letter says who writes, on which days we called and how to call back, and
nothing clinical: anyone at the address may open it (HIPAA "minimum necessary",
45 CFR 164.502(b)). Short sentences in everyday words, aimed at a 6th-grade reading level
(AMA and NIH advice for patient materials; CDC Clear Communication Index).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from caredesk.domain.attempts import UNANSWERED
from caredesk.domain.calendar import local_date, us_date
from caredesk.domain.contacts import Channel, Contact, Outcome
from caredesk.domain.names import family_first
from caredesk.domain.patients import Patient, Status
from caredesk.domain.practice import PracticeProfile
from caredesk.errors import ValidationError

# What the letter needs from File > Practice details, in the order the form asks for it:
# (profile field, the field as the user sees it, the `caredesk practice` option that sets it).
NEEDED_FROM_PRACTICE = (
    ("care_manager_name", "care manager name", "--name"),
    ("practice_name", "practice name", "--practice"),
    ("practice_phone", "practice phone", "--practice-phone"),
    ("practice_address", "practice address", "--address"),
)
_STATE_ZIP = re.compile(r"^[A-Za-z]{2}\s+\d{5}(?:-\d{4})?$")  # "IL 62701", "ZZ 00011-1234"


@dataclass(frozen=True, slots=True, kw_only=True)
class Letter:
    """What the page says, top to bottom. Dates are the clinic's, written MM/DD/YYYY."""

    sender: tuple[str, ...]  # the practice's name, then its address lines
    sender_phone: str
    dated: str
    recipient: tuple[str, ...]  # the patient's name, then the mailing address lines
    greeting: str
    opening: str
    call_dates: tuple[str, ...]
    paragraphs: tuple[str, ...]
    closing: str
    signature: tuple[str, ...]

    def text(self) -> str:
        """Every word of the letter, one block per line (for checks and previews)."""
        parts = [*self.sender, self.sender_phone, self.dated, *self.recipient, self.greeting, self.opening]
        return "\n".join([*parts, *self.call_dates, *self.paragraphs, self.closing, *self.signature])


@dataclass(frozen=True, slots=True)
class LetterCalls:
    """The unanswered calls a letter names now, and what came before them.

    `days`: clinic dates of the unanswered attempts (voicemail, no answer, wrong number) since
    the patient was last reached (all of them when never reached) and after the day of the
    last letter sent about earlier calls; oldest first, each day once. `reached_on`: the day
    of the latest answered contact. `letter`: the latest letter sent since then."""

    days: tuple[date, ...]
    reached_on: date | None
    letter: Contact | None
    tz: tzinfo

    def why_none(self) -> str:
        """Why there is nothing to write about (for a ValidationError on "letter")."""
        if self.letter is not None:
            sent = us_date(local_date(self.letter.at, self.tz))
            return (
                f"is not needed: a letter about these calls was recorded as sent on {sent} (contact {self.letter.id})"
            )
        if self.reached_on is not None:
            return f"is not needed: the patient was reached on {us_date(self.reached_on)} and no call has gone unanswered since"
        return "is not needed: no call to the patient has gone unanswered"

    def named(self) -> tuple[date, ...]:
        """The days the letter names; ValidationError("letter", why) when there are none."""
        if not self.days:
            raise ValidationError("letter", self.why_none())
        return self.days


def letter_calls(contacts: Sequence[Contact], tz: tzinfo) -> LetterCalls:
    """The calls a letter would name now, from all of the patient's contacts.

    Agrees with the letter task (caredesk.domain.attempts.letter_proposed: three unanswered
    attempts in a month since that month's last answered contact): those calls are among the
    days named, whatever month the letter is written in, unless a letter already went out
    after them. A declined call counts as reached. A letter sent on a day covers the calls up
    to that day, so a second letter names only later calls."""
    days: list[date] = []
    reached: date | None = None
    letter: Contact | None = None
    for c in sorted(contacts, key=lambda c: (c.at, c.id or 0)):
        day = local_date(c.at, tz)
        if c.outcome.answered:
            days, reached, letter = [], day, None  # reached since: those calls need no letter
        elif c.channel is Channel.LETTER and c.outcome is Outcome.SENT:
            days, letter = [], c
        elif c.outcome in UNANSWERED and day not in days and (letter is None or day > local_date(letter.at, tz)):
            days.append(day)  # a call on the day a letter went out is covered by it
    return LetterCalls(tuple(days), reached, letter, tz)


def mailing_lines(field: str, address: str) -> tuple[str, ...]:
    """A one-line address as envelope lines: each comma-separated part on its own line, the
    city kept with its "ST ZIP" ("12 Elm St, Apt 4, Springfield, IL 62701" -> three lines).

    Any number of parts: the PDF fits them into the envelope window (caredesk.pdf.letter joins
    parts onto shared lines and shrinks the type when they are many), so an address the
    patient record accepts never makes the letter impossible.
    Raises ValidationError(field) when it is empty.
    """
    parts = [p.strip() for p in address.split(",") if p.strip()]
    if not parts:
        raise ValidationError(field, "is empty")
    if len(parts) >= 3 and _STATE_ZIP.match(parts[-1]):
        parts = [*parts[:-2], f"{parts[-2]}, {parts[-1]}"]
    return tuple(parts)


def _greeted(patient: Patient) -> str:
    """Whom "Dear" names when no preferred name is given: the given name ("Margaret"), or the full
    name for a name said family name first ("王秀英"; the given name alone is for family there)."""
    return patient.full_name if family_first(patient.given_name, patient.family_name) else patient.given_name


def compose(patient: Patient, profile: PracticeProfile, calls: Sequence[date], today: date) -> Letter:
    """The letter to `patient` about the unanswered `calls` (clinic dates), dated `today`.

    Refused (ValidationError naming the field, and where to fill it) when the practice details
    lack what the letter needs, the patient has no mailing address, there are no unanswered
    calls to write about, or the patient is recorded as deceased.
    """
    for attr, label, option in NEEDED_FROM_PRACTICE:
        if not getattr(profile, attr):
            raise ValidationError(
                label, f"is needed for the letter: fill it in File > Practice details, or caredesk practice {option}"
            )
    if patient.status is Status.DECEASED:
        raise ValidationError("status", "is deceased: no letter is sent")
    if not patient.address:
        raise ValidationError(
            "address",
            "is missing: the letter needs the patient's mailing address; fill it in the chart's Record tab, "
            "or caredesk patient edit --address",
        )
    if not calls:
        raise ValidationError("letter", "is not needed: there is no unanswered call to write about")
    practice = profile.practice_name
    phone = profile.practice_phone.replace(" ", "\u00a0")  # a number never breaks across lines
    call_back = f"Please call us at {phone}. Ask for {profile.care_manager_name}, your care manager."
    if profile.office_hours:
        call_back += f" We answer the phone {profile.office_hours}."
    return Letter(
        sender=(practice, *mailing_lines("practice address", profile.practice_address)),
        sender_phone=f"Phone: {phone}",
        dated=us_date(today),
        recipient=(patient.full_name, *mailing_lines("address", patient.address)),
        greeting=f"Dear {patient.preferred_name or _greeted(patient)},",
        opening=f"We are your care team at {practice}. "
        + ("We tried to call you on these days:" if len(set(calls)) > 1 else "We tried to call you on this day:"),
        call_dates=tuple(us_date(d) for d in sorted(calls)),
        paragraphs=(
            "We could not reach you. We would like to talk with you and see how you are doing.",
            call_back,
            "Did your phone number change? Please tell us your new number when you call.",
            "If you have an emergency, call 911.",
        ),
        closing="Thank you,",
        signature=(profile.signature, f"Care manager, {practice}"),
    )
