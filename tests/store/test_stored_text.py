"""Text saved before today's character rules (domain.checks) still loads, cleaned, everywhere.

An older CareDesk accepted a tab or a line break in a one-line field; a row like that must not
stop the chart, the patient list or the queue from loading (it did: ValidationError on read).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from caredesk.domain.patients import Enrollment, Patient, Program
from caredesk.errors import ValidationError
from caredesk.services import patient_records
from caredesk.services.call_queue import CallQueue
from caredesk.services.patients import open_chart
from tests.conftest import add_patient


def _write_raw(ws, sql: str, **params) -> None:
    """Writes as an older CareDesk did: straight to the table, without today's checks."""
    with ws.store._engine.begin() as conn:
        conn.execute(text(sql), params)


@pytest.fixture
def patient(workspace):
    p = add_patient(
        workspace,
        Patient(mrn="T0001", given_name="Ada", family_name="Stone", birth_date=date(1950, 3, 4)),
        Enrollment(
            patient_id=0,
            program=Program.CCM,
            start_date=date(2025, 1, 1),
            consent_date=date(2025, 1, 1),
            consent_method="verbal",
        ),
    )
    _write_raw(
        workspace,
        "UPDATE patients SET family_name = :name, address = :address WHERE id = :id",
        name="Stone\tSmith\u200b",
        address="1 Main St\x07",
        id=p.id,
    )
    return p


def test_a_name_with_a_tab_and_a_zero_width_space_loads_cleaned(workspace, patient):
    chart = open_chart(workspace, patient.id, audit_view=False)
    assert chart.patient.family_name == "Stone Smith"
    assert chart.patient.address == "1 Main St"
    assert [r.patient_id for r in CallQueue(workspace).build(date(2026, 11, 24))] == [patient.id]
    with workspace.reading() as uow:
        assert [s.mrn for s in uow.patients.summaries(date(2026, 11, 24))] == ["T0001"]


def test_the_next_save_writes_the_cleaned_text(workspace, patient):
    patient_records.edit_patient(workspace, patient.id, preferred_name="Ada")
    with workspace.store._engine.connect() as conn:
        stored = conn.execute(
            text("SELECT family_name, address FROM patients WHERE id = :id"), {"id": patient.id}
        ).one()
    assert tuple(stored) == ("Stone Smith", "1 Main St")


def test_typed_text_is_still_refused(workspace, patient):
    """Cleaning applies to stored rows only: the same tab typed in an edit is refused by name."""
    with pytest.raises(ValidationError) as refused:
        patient_records.edit_patient(workspace, patient.id, family_name="Stone\tSmith")
    assert refused.value.field == "family name"
