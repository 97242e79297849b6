"""Control and invisible characters are refused where text is entered, naming the field,
and nothing is stored (real store). Rule sources: Unicode 15 chapter 23.1 (C0/C1 control
codes), Unicode UAX #9 (the bidirectional embeddings, overrides and isolates U+202A-U+202E,
U+2066-U+2069, misused to make text read as something else: CVE-2021-42574 "Trojan Source").
A note is multi-line: it keeps its line breaks and tabs.
"""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain import checks
from caredesk.domain.patients import Patient, Phone
from caredesk.errors import ValidationError
from caredesk.services import patient_records, tasks
from caredesk.services.calls import log_contact
from tests.conftest import add_patient


def _patient(ws) -> Patient:
    return add_patient(ws, Patient(mrn="C0001", given_name="Test", family_name="Controls", birth_date=date(1950, 1, 1)))


def _stored(ws, pid: int) -> Patient:
    with ws.uow() as uow:
        return uow.patients.get(pid)


@pytest.mark.parametrize(
    ("field", "value", "named", "message"),
    [
        ("family_name", "Contr\x07ols", "family name", "must not contain control characters"),  # BEL (C0)
        ("given_name", "Te\x85st", "given name", "must not contain control characters"),  # NEL (C1)
        ("preferred_name", "Te\x7fst", "preferred name", "must not contain control characters"),  # DEL
        ("family_name", "Contr\nols", "family name", "must be on one line (no line breaks or tabs)"),
        ("payer", "Medicare\tPart B", "payer", "must be on one line (no line breaks or tabs)"),
        ("address", "12 Elm St\u2028Springfield", "address", "must be on one line (no line breaks or tabs)"),
        ("mrn", "C00\u202e01", "MRN", "must not contain invisible zero-width or text-direction characters"),
        ("pcp", "Dr. \u2066Ruiz\u2069", "primary-care provider", "must not contain invisible"),
        ("family_name", "Cont\u200brols", "family name", "must not contain invisible"),  # zero-width space
        ("language", "Span\u200fish", "language", "must not contain invisible"),  # right-to-left mark
    ],
)
def test_a_one_line_field_with_a_control_or_invisible_character_is_refused(workspace, field, value, named, message):
    pid = _patient(workspace).id
    before = _stored(workspace, pid)
    with pytest.raises(ValidationError) as err:
        patient_records.edit_patient(workspace, pid, **{field: value})
    assert err.value.field == named and message in err.value.message
    assert _stored(workspace, pid) == before


def test_a_phone_number_with_a_zero_width_space_is_refused_naming_the_phone(workspace):
    pid = _patient(workspace).id
    with pytest.raises(ValidationError) as err:
        patient_records.edit_patient(workspace, pid, phones=(("555\u200b-0100", "mobile"),))
    assert err.value.field == "phone" and "invisible" in err.value.message
    assert _stored(workspace, pid).phones == ()


def test_a_task_title_with_a_line_break_is_refused_and_not_stored(workspace):
    pid = _patient(workspace).id
    with pytest.raises(ValidationError) as err:
        tasks.add_task(workspace, pid, "Call the\npharmacy")
    assert (err.value.field, err.value.message) == ("task", "must be on one line (no line breaks or tabs)")
    assert tasks.tasks(workspace, pid, include_done=True) == []


def test_a_note_keeps_line_breaks_and_tabs_but_not_other_control_characters(workspace):
    pid = _patient(workspace).id
    with pytest.raises(ValidationError) as err:
        log_contact(workspace, pid, outcome="voicemail", minutes=0, note="left message\x00")
    assert (err.value.field, err.value.message) == ("note", "must not contain control characters")
    with workspace.uow() as uow:
        assert uow.contacts.for_patient(pid) == []
    logged = log_contact(workspace, pid, outcome="voicemail", minutes=0, note="line one\r\n\tline two")
    with workspace.uow() as uow:
        assert uow.contacts.get(logged.contact.id).note == "line one\n\tline two"  # Windows line ends made plain


def test_ordinary_names_pass_unchanged():
    # Accents, apostrophes, hyphens and non-Latin scripts are names, not control characters.
    for name in ("Núñez-O'Brien", "Đặng", "Søren", "李", "Ørsted Jr."):
        assert checks.required_text("family name", f"  {name} ") == name
    assert Phone(number="(555) 010-0100 x2").number == "(555) 010-0100 x2"
