"""The care manager's history back from FHIR R4: contacts (Communication), minutes
(Encounter) and screens (QuestionnaireResponse), the inverse of fhir_contacts and fhir_screens.

Each reader returns the record, or a `Skip` (left out, counted in the preview) for a
resource that is not CareDesk's; a value the domain or the dates refuse raises
ValidationError naming the element ("Encounter.length", "Communication.sent"): the caller
names the resource and refuses the patient (nothing partial).

- Communication: only CareDesk's (a category coded in urn:caredesk:contact-outcome): sent
  the contact's time (with its offset), medium the channel (v3 ParticipationMode), the
  outcome, payload the note, the follow-up date extension. Another system's messages are
  skipped: they are not a care manager's contact attempts.
- Encounter: only CareDesk's minutes (type coded in urn:caredesk:activity): length the
  minutes (UCUM min), period.start the day (or the start time; the minutes-day extension when
  they count on another day), serviceType the program,
  participant type the staff type, reasonCode the note. An EHR's visits are skipped as
  before: their length is not care-management time and would count in the month's billing.
  `contact_of_encounter` says which Encounter a contact's minutes hang on: the one its
  Communication names, and those `partOf` it.
- QuestionnaireResponse: CareDesk's own (linkId the item's number; any instrument, complete
  or not) and another system's PHQ-9 or GAD-7 by LOINC form (http://loinc.org/q/44249-1,
  69737-5), items by LOINC question code, answers by LOINC answer code (LL358-3) or a
  number; another system's is read only when every item is answered (a partial foreign
  screen may be a form left half-way, not a screen), else skipped. The score Observation is
  recomputed from the answers, never read. Its safety check (the urn:caredesk:fhir:safety-check
  extension, fhir_screens) is read by `safety_check_of`; its dates are checked as
  services.assessments.record_safety_check checks them by services.panel_history.
Voided contacts and minutes are not exported (they count nowhere), so none come back.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from caredesk.domain.assessments import Instrument, spec
from caredesk.domain.contacts import Activity, Channel, Contact, Outcome, StaffType, TimeEntry
from caredesk.domain.coordination import Assessment
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.patients import Patient, Program, Status
from caredesk.domain.safety import SafetyAction, SafetyCheck
from caredesk.errors import ValidationError
from caredesk.interop import fhir_codes as fc
from caredesk.interop.fhir_contacts import OUTCOME_SYSTEM, STAFF_SYSTEM
from caredesk.interop.fhir_import_patient import full_date
from caredesk.interop.fhir_import_records import Skip

_CHANNELS = {"PHONE": Channel.PHONE, "VIDEOCONF": Channel.VIDEO, "FACE": Channel.HOME_VISIT}
_CHANNELS |= {"ONLINEWRIT": Channel.PORTAL, "MAILWRIT": Channel.LETTER}
_FREQUENCY = {code: value for value, code in fc.FREQUENCY_ANSWERS.items()}
_OWN_QUESTIONNAIRE = "urn:caredesk:questionnaire:"
_ANSWER_SYSTEM = "urn:caredesk:answer"
# LOINC question codes of the PHQ-9 (panel 44249-1) and GAD-7 (panel 69737-5) items, in the
# instruments' order: https://loinc.org/44249-1 and https://loinc.org/69737-5 (panel members).
_LOINC_ITEMS = {
    Instrument.PHQ9: (
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ),
    Instrument.GAD7: ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"),
}


def _coded(concept: object, system: str) -> str:
    if isinstance(concept, dict):
        for c in concept.get("coding", ()):
            if c.get("system") == system and c.get("code"):
                return str(c["code"])
    return ""


def _one_of(field: str, value: str, kind: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in kind)
        raise ValidationError(field, f'"{value[:30]}" is not one of: {allowed}') from None


def _when(field: str, value: object) -> datetime:
    if not isinstance(value, str) or "T" not in value:
        raise ValidationError(field, "a date and time with its offset is needed")
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(field, f'"{value[:30]}" is not a date and time') from None
    if at.tzinfo is None:
        raise ValidationError(field, "a date and time with its offset is needed")
    return at


def _check_day(field: str, day: date, patient: Patient | None, today: date, *, before_death: bool = False) -> None:
    """Not after today, within the patient's life (a call only before the date of death, as
    services.calls.log_contact takes one)."""
    if day > today:
        raise ValidationError(field, "cannot be in the future")
    if patient is None:
        return
    check_within_life(field, day, patient)
    if before_death and patient.status is Status.DECEASED and patient.died_on is not None and day >= patient.died_on:
        raise ValidationError(field, "must be before the date of death: the patient is recorded as deceased")


def contact_of(r: dict[str, Any], patient: Patient | None, today: date) -> Contact | Skip:
    outcome = _coded_category(r)
    if not outcome:
        return Skip("Communication")
    at = _when("Communication.sent", r.get("sent"))
    _check_day("Communication.sent", at.date(), patient, today, before_death=True)
    medium = next((m for m in r.get("medium", ()) if _coded(m, fc.PARTICIPATION_MODE)), None)
    code = _coded(medium, fc.PARTICIPATION_MODE)
    if code not in _CHANNELS:
        raise ValidationError("Communication.medium", f'"{code[:30]}" is not a channel CareDesk records')
    follow_up = next((x.get("valueDate") for x in r.get("extension", ()) if x.get("url") == fc.EXT_FOLLOW_UP), None)
    note = next((p.get("contentString") for p in r.get("payload", ()) if p.get("contentString")), "")
    try:
        return Contact(
            patient_id=0,
            at=at,
            channel=_CHANNELS[code],
            outcome=_one_of("Communication.category", outcome, Outcome),
            note=note or "",
            follow_up=full_date("Communication.extension (follow-up)", follow_up),
        )
    except ValidationError as exc:
        raise ValidationError(f"Communication ({exc.field})", exc.message) from None


def _coded_category(r: dict[str, Any]) -> str:
    return next((code for c in r.get("category", ()) if (code := _coded(c, OUTCOME_SYSTEM))), "")


def is_caredesk_encounter(r: dict[str, Any]) -> bool:
    return any(_coded(t, fc.ACTIVITY_SYSTEM) for t in r.get("type", ()))


def time_entry_of(r: dict[str, Any], patient: Patient | None, today: date) -> TimeEntry | Skip:
    if not is_caredesk_encounter(r):
        return Skip("Encounter")
    activity = next(code for t in r.get("type", ()) if (code := _coded(t, fc.ACTIVITY_SYSTEM)))
    program = _coded(r.get("serviceType"), fc.PROGRAM_SYSTEM)
    staff = next(
        (code for p in r.get("participant", ()) for t in p.get("type", ()) if (code := _coded(t, STAFF_SYSTEM))), ""
    )
    start = (r.get("period") or {}).get("start")
    if not isinstance(start, str) or not start:
        raise ValidationError("Encounter.period.start", "the day of the minutes is needed")
    started_at = _when("Encounter.period.start", start) if "T" in start else None
    on = started_at.date() if started_at is not None else full_date("Encounter.period.start", start)
    day = next((x.get("valueDate") for x in r.get("extension", ()) if x.get("url") == fc.EXT_MINUTES_DAY), None)
    if day is not None:
        on = full_date("Encounter.extension (minutes day)", day)
    assert on is not None
    _check_day("Encounter.period.start", on, patient, today)
    length = r.get("length") or {}
    if length.get("code", length.get("unit")) != "min":
        raise ValidationError("Encounter.length", "minutes are needed (UCUM min)")
    value = length.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ValidationError("Encounter.length", "must be a whole number of minutes")
    note = next((c.get("text") for c in r.get("reasonCode", ()) if c.get("text")), "")
    try:
        return TimeEntry(
            patient_id=0,
            on=on,
            minutes=int(value),
            activity=_one_of("Encounter.type", activity, Activity),
            staff_type=_one_of("Encounter.participant.type", staff, StaffType),
            program=_one_of("Encounter.serviceType", program, Program),
            started_at=started_at,
            note=note or "",
        )
    except ValidationError as exc:
        raise ValidationError(f"Encounter ({exc.field})", exc.message) from None


def _instrument(canonical: object) -> Instrument | None:
    if not isinstance(canonical, str):
        return None
    canonical = canonical.split("|")[0].rstrip("/")
    if canonical.startswith(_OWN_QUESTIONNAIRE):
        tail = canonical.removeprefix(_OWN_QUESTIONNAIRE)
        return next((i for i in Instrument if i.value.replace(" ", "-").replace("/", "-") == tail), None)
    code = canonical.split("/")[-1]
    if "loinc.org" in canonical or canonical.startswith("Questionnaire/"):
        return next(
            (i for i, c in fc.QUESTIONNAIRES.items() if c[0] == code and i is not Instrument.SOCIAL_NEEDS), None
        )
    return None


def _items(items: object) -> list[dict[str, Any]]:
    """Every answered item, groups flattened."""
    out: list[dict[str, Any]] = []
    for item in items if isinstance(items, list) else ():
        if item.get("answer"):
            out.append(item)
        out += _items(item.get("item"))
    return out


def _answer(field: str, item: dict[str, Any]) -> int:
    answer = item["answer"][0]
    if "valueInteger" in answer:
        return int(answer["valueInteger"])
    coding = answer.get("valueCoding") or {}
    code = str(coding.get("code", ""))
    if coding.get("system") == fc.LOINC and code in _FREQUENCY:
        return _FREQUENCY[code]
    if coding.get("system") == _ANSWER_SYSTEM and code.lstrip("-").isdigit():
        return int(code)
    raise ValidationError(field, f'"{code[:30]}" is not an answer CareDesk can score')


def assessment_of(r: dict[str, Any], patient: Patient | None, today: date) -> Assessment | Skip:
    instrument = _instrument(r.get("questionnaire"))
    if instrument is None or r.get("status") in ("entered-in-error", "stopped"):
        return Skip("QuestionnaireResponse")
    items = _items(r.get("item"))
    own = all(str(i.get("linkId", "")).isdigit() for i in items)
    if not own and instrument not in _LOINC_ITEMS:
        return Skip("QuestionnaireResponse")
    count = len(spec(instrument).items)
    answers: list[int | None] = [None] * count
    for item in items:
        link = str(item.get("linkId", ""))
        field = f"QuestionnaireResponse.item {link[:20]}"
        if own:
            number = int(link)
        else:
            codes = [link.lstrip("/"), *(str(c.get("code", "")) for c in item.get("code", ()))]
            number = next((n + 1 for n, c in enumerate(_LOINC_ITEMS[instrument]) if c in codes), 0)
            if not number:
                continue  # another system's extra item (the PHQ-9's "how difficult", a total)
        if not 1 <= number <= count:
            raise ValidationError(field, f"{instrument.value} has items 1 to {count}")
        answers[number - 1] = _answer(field, item)
    if not own and None in answers:
        return Skip("QuestionnaireResponse (not every item answered)")
    taken_on = full_date("QuestionnaireResponse.authored", r.get("authored"))
    if taken_on is None:
        raise ValidationError("QuestionnaireResponse.authored", "the day of the screen is needed")
    _check_day("QuestionnaireResponse.authored", taken_on, patient, today)
    try:
        return Assessment(patient_id=0, instrument=instrument, taken_on=taken_on, answers=tuple(answers))
    except ValidationError as exc:
        raise ValidationError(f"QuestionnaireResponse ({exc.field})", exc.message) from None


_SAFETY = "QuestionnaireResponse.extension (safety check)"


def safety_check_of(r: dict[str, Any], screen: Assessment) -> SafetyCheck | None:
    """The safety check CareDesk documented for this screen (fhir_screens' extension), with
    assessment_id 0 (the caller links it), or None. ValidationError naming the element when it
    is malformed, when there are two (one check per screen: domain.safety.check_refusal) or
    when the screen's answers raised no safety flag."""
    found = [x for x in r.get("extension", ()) if x.get("url") == fc.EXT_SAFETY_CHECK]
    if not found:
        return None
    if len(found) > 1:
        raise ValidationError(_SAFETY, "a screen has one safety check; this one has two")
    if not screen.safety:
        raise ValidationError(_SAFETY, "this screen's answers raised no safety flag")
    parts = found[0].get("extension", ())
    at = next((x.get("valueDateTime") for x in parts if x.get("url") == "checked-at"), None)
    by = next((x.get("valueString") for x in parts if x.get("url") == "by"), None)
    note = next((x.get("valueString") for x in parts if x.get("url") == "note"), None)
    actions = [
        _one_of(f"{_SAFETY} action", str((x.get("valueCoding") or {}).get("code", "")), SafetyAction)
        for x in parts
        if x.get("url") == "action"
    ]
    try:
        return SafetyCheck(
            patient_id=0,
            assessment_id=0,
            checked_at=_when(f"{_SAFETY} checked-at", at),
            by=by or "",
            actions=tuple(actions),
            note=note or "",
        )
    except ValidationError as exc:
        if exc.field.startswith(_SAFETY):
            raise
        raise ValidationError(f"{_SAFETY} {exc.field}", exc.message) from None
