"""The patient's copy lists the medicines current when it is printed, in plain words: read back
from the real PDF made from a real store after dose changes and stops."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from caredesk.domain.patients import Medication
from caredesk.pdf.medicine_words import medicine_row, plain
from caredesk.services import care_plans, medications, plan_printing
from tests.services.test_care_plans_service import _finalized, _patient, _ready


# ISMP List of Error-Prone Abbreviations (2021) and The Joint Commission "Do Not Use" list:
# write the meaning out (daily, at bedtime, as needed, units) instead of the shorthand.
@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("1 tab PO BID", "1 tablet by mouth twice a day"),
        ("1 cap p.o. q.d.", "1 capsule by mouth once a day"),
        ("TID with meals", "3 times a day with meals"),
        ("QID", "4 times a day"),
        ("10 U qhs", "10 units at bedtime"),
        ("q4h prn pain", "every 4 hours when needed for pain"),
        ("1-2 tabs Q 6 HR PRN", "1-2 tablets every 6 hours when needed"),
        ("qod", "every other day"),
        ("2 gtts qAM", "2 drops every morning"),
        ("twice a day with meals", "twice a day with meals"),  # plain already: untouched
    ],
)
def test_prescription_shorthand_is_spelled_out(typed, said):
    assert plain(typed) == said


@pytest.mark.parametrize("typed", ["2 gtts OD", "HS", "Tablet as told", "Lantus 20 units"])
def test_shorthand_with_two_meanings_and_ordinary_words_stay_as_typed(typed):
    """ISMP: OD is misread as "once daily" or "right eye", HS as "bedtime" or "half-strength"."""
    assert plain(typed) == typed.replace("gtts", "drops")


def test_a_row_says_what_is_missing_plainly():
    assert medicine_row(Medication(patient_id=1, name="aspirin")) == ("Aspirin", "-", "as directed")


def _text(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def test_the_printed_copy_lists_the_current_medicines_after_a_dose_change_and_a_stop(workspace):
    pid = _patient(workspace, "M1")
    _finalized(workspace, pid, _ready("diabetes"))
    version = care_plans.versions(workspace, pid)[-1]
    met = medications.add_medication(
        workspace, pid, name="metformin", dose="500 mg", frequency="1 tab PO BID", start_date=date(2024, 1, 1)
    ).value
    lisinopril = medications.add_medication(workspace, pid, name="Lisinopril", dose="10 mg", frequency="daily").value
    medications.add_medication(workspace, pid, name="Atorvastatin", dose="40 mg", frequency="qhs")
    medications.add_medication(workspace, pid, name="aspirin", dose="81 mg", frequency="once a day")
    before = _text(plan_printing.render(workspace, version, large_print=False))
    assert "Lisinopril 10 mg daily" in before and "Metformin 500 mg 1 tablet by mouth twice a day" in before

    medications.change_dose(workspace, met.id, dose="1000 mg", on=date(2026, 11, 1))
    medications.stop_medication(workspace, lisinopril.id, reason="cough")
    text = _text(plan_printing.render(workspace, version, large_print=False))
    assert "My medicines" in text and "Medicine How much How often" in text
    assert "Atorvastatin 40 mg at bedtime" in text
    assert "Metformin 1000 mg 1 tablet by mouth twice a day" in text
    assert "500 mg" not in text  # the dose before the change is history, not a medicine to take
    assert "Lisinopril" not in text and "cough" not in text
    names = [text.index(n) for n in ("Aspirin 81 mg", "Atorvastatin", "Metformin 1000 mg")]
    assert names == sorted(names)  # by name, whatever the case it was typed in


def test_a_copy_printed_after_every_medicine_stopped_says_none_are_listed(workspace):
    pid = _patient(workspace, "M2")
    _finalized(workspace, pid, _ready("hypertension"))
    med = medications.add_medication(workspace, pid, name="Lisinopril", dose="10 mg").value
    medications.stop_medication(workspace, med.id, reason="low blood pressure")
    text = _text(plan_printing.render(workspace, care_plans.versions(workspace, pid)[-1], large_print=True))
    assert "No medicines are listed for you" in text and "Lisinopril" not in text
