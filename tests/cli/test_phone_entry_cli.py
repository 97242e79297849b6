"""`caredesk patient add|edit --phone` as real processes: a phone is checked as the app's form
checks it (domain.phone_entry). A tester's finds: "cell" was stored as a fifth type beside the
app's four, and 555-0142, a 7-digit local number, was stored with no area code.

The rule's source: a North American (NANP) number has 10 digits, a 3-digit area code and a
7-digit local number; libphonenumber's US metadata reads 7 digits as IS_POSSIBLE_LOCAL_ONLY.
Area code 555 is unassigned by NANPA and is the fiction these tests use."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain.patients import Patient, Phone
from caredesk.services import patient_records
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, add_patient, templated

# Stored before the rule (an older CareDesk or import): a local number and a type of its own.
LEGACY = (Phone(number="555-0142", kind="cell"), Phone(number="(555) 010-4477", kind="daughter"))


@pytest.fixture
def store(tmp_path, clock, store_templates) -> DataFolder:
    """T0001 with the two LEGACY phones as stored rows."""
    templated(store_templates, clock, "cli-phone-entry", _legacy_patient, tmp_path / "store")
    return DataFolder(tmp_path / "store")


def _legacy_patient(folder: DataFolder, clock) -> None:
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    added = add_patient(ws, Patient(mrn="T0001", given_name="Ada", family_name="Quill", birth_date=date(1961, 6, 7)))
    assert added.id is not None
    patient_records.edit_patient(ws, added.id, phones=LEGACY)  # the service takes stored rows as they are
    ws.lock()


def cli(store: DataFolder, *args: str):
    result = run(*args, "--data-dir", str(store.path), env=pw_env())
    assert "Traceback" not in result.stderr + result.stdout
    return result


def _phones(store: DataFolder, mrn: str) -> tuple[Phone, ...] | None:
    ws = Access(store).unlock(PASSPHRASE)
    try:
        with ws.uow() as uow:
            found = uow.patients.by_mrn(mrn)
            return None if found is None else found.phones
    finally:
        ws.lock()


def _add(store: DataFolder, *phones: str):
    args = ["patient", "add", "--mrn", "T0002", "--given", "Bo", "--family", "Lind", "--dob", "03/04/1950"]
    for phone in phones:
        args += ["--phone", phone]
    return cli(store, *args)


def test_a_7_digit_number_is_refused_naming_the_field_and_nothing_is_stored(store):
    r = _add(store, "555-0142:mobile")
    assert_clean_failure(r, 1, "phone: 555-0142 has no area code; type all 10 digits")
    r = _add(store, "(555) 010-4477:home", "555-0142:work")
    assert_clean_failure(r, 1, "phone 2: 555-0142 has no area code; type all 10 digits")
    r = _add(store, "(123) 456-7890")  # no NANP area code starts with 1
    assert_clean_failure(r, 1, "phone: (123) 456-7890 is not a number in use: no such area code or exchange")
    assert _phones(store, "T0002") is None


def test_cell_is_stored_as_mobile_and_another_type_is_refused_naming_the_four(store):
    r = _add(store, "(555) 010-4477:pager")
    assert_clean_failure(
        r, 1, 'phone type: "pager" is not a phone type; use mobile, home, work or caregiver ("cell" is mobile)'
    )
    assert _phones(store, "T0002") is None
    r = _add(store, "5550104477:Cell", "(555) 010-2000:Home Phone")
    assert r.returncode == 0, r.stderr
    assert _phones(store, "T0002") == (
        Phone(number="(555) 010-4477", kind="mobile"),
        Phone(number="(555) 010-2000", kind="home"),
    )


def test_help_names_the_four_types_and_the_cell_synonym():
    for action in ("add", "edit"):
        out = " ".join(run("patient", action, "--help").stdout.split())
        assert 'mobile, home, work or caregiver ("cell" is mobile)' in out, action
        assert "all 10 digits of a US number" in out, action


def test_edit_asks_only_about_what_changed_and_a_refusal_stores_nothing(store):
    # The stored rows given again as they are, with one more: only the new one is checked.
    r = cli(store, "patient", "edit", "--mrn", "T0001", "--phone", "555-0142:cell", "--phone", "(555) 010-4477:daughter",
            "--phone", "(555) 010-9000:work")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert _phones(store, "T0001") == (*LEGACY, Phone(number="(555) 010-9000", kind="work"))
    # A new 7-digit number, or a new type the patient does not have, is refused; nothing changes.
    r = cli(store, "patient", "edit", "--mrn", "T0001", "--address", "1 Elm St", "--phone", "555-0199:home")
    assert_clean_failure(r, 1, "phone: 555-0199 has no area code; type all 10 digits")
    r = cli(store, "patient", "edit", "--mrn", "T0001", "--phone", "(555) 010-4477:neighbor")
    assert_clean_failure(r, 1, 'phone type: "neighbor" is not a phone type')
    assert _phones(store, "T0001") == (*LEGACY, Phone(number="(555) 010-9000", kind="work"))
    show = cli(store, "patient", "show", "--mrn", "T0001")
    assert "Address:       -" in show.stdout  # the refused edit's address was not stored either
    # The stored local number shows as it is.
    assert "555-0142 (cell)" in show.stdout
