"""The FHIR export reads every exported patient's records at once (services.panel_export), in a
number of queries that does not grow with the panel, and reads exactly what each patient's own
services give, in their order: so the bundle is the one the per-patient reads made, byte for
byte (checked by hand on the 170 and 2,000-patient demo panels when the reads changed,
BENCHMARKS.md). Synthetic demo data only."""

from __future__ import annotations

import pytest

from caredesk.interop import fhir_export
from caredesk.services import (
    appointments,
    assessments,
    care_plans,
    contact_corrections,
    contact_history,
    observations,
    panel_export,
    patients,
    referrals,
    rpm_devices,
    stays,
    tasks,
)
from tests.bench.floors import captured_sql
from tests.interop.conftest import open_demo


def test_the_export_reads_each_table_once_however_many_patients(store_templates, tmp_path, monkeypatch):
    """Reading one patient's records and all 30's send the same SELECTs, and the whole export
    a few more (the patient list): before, ~27 per patient, 4,650 for the 170-patient panel."""
    ws = open_demo(store_templates, tmp_path / "demo", 30)
    monkeypatch.setattr(fhir_export, "validate", lambda resource: None)  # statements are the point here
    try:
        ids = [s.id for s in patients.patient_list(ws)]
        one = captured_sql(ws, lambda: panel_export.records_of(ws, ids[:1]))
        every = captured_sql(ws, lambda: panel_export.records_of(ws, ids))
        fhir_export.export_bundle(ws)  # makes the store's FHIR namespace: not counted
        export = captured_sql(ws, lambda: fhir_export.export_bundle(ws))
    finally:
        ws.store.close()
    assert len(ids) == 30
    # +2 at most: a referral's steps and a device's reading days are read when there are any.
    assert len(one) <= len(every) <= len(one) + 2, (len(one), len(every))
    assert len(export) < 40, len(export)


@pytest.fixture(scope="module")
def demo_170(tmp_path_factory, store_templates):
    """The 170-patient demo panel with one contact (and its minutes) and one time entry voided:
    the history's voided rows are read too."""
    ws = open_demo(store_templates, tmp_path_factory.mktemp("reads") / "demo")
    pid = patients.patient_list(ws)[0].id
    rows = contact_history.history(ws, pid)
    with_minutes = next(r for r in rows if r.contact is not None and r.entries)
    contact_corrections.void_contact(ws, with_minutes.record_id, reason="wrong patient")
    other = next(r for r in rows if r is not with_minutes and r.entries)
    assert other.entries[0].id is not None
    contact_corrections.void_time_entry(ws, other.entries[0].id, reason="logged twice")
    yield ws, pid
    ws.store.close()


def test_each_patients_records_are_what_their_own_reads_give(demo_170):
    ws, voided_for = demo_170
    ids = [s.id for s in patients.patient_list(ws)]
    found = panel_export.records_of(ws, ids)
    assert [r.patient.id for r in found] == ids
    assert any(row.voided for row in found[ids.index(voided_for)].history)
    for pid, got in zip(ids, found, strict=True):
        chart = patients.open_chart(ws, pid, audit_view=False)
        assert (got.patient, got.enrollments, got.conditions, got.allergies) == (
            chart.patient,
            chart.enrollments,
            chart.conditions,
            chart.allergies,
        )
        assert (got.medications, got.care_team, got.observations) == (
            chart.medications,
            chart.care_team,
            chart.observations,
        )
        assert got.targets == observations.targets(ws, pid)
        assert got.history == contact_history.history(ws, pid)
        assert got.screens == assessments.history(ws, pid)
        assert got.safety_checks == assessments.safety_checks(ws, pid)
        assert got.stays == [view.stay for view in stays.stays(ws, pid)]
        assert got.appointments == appointments.appointments(ws, pid)
        assert got.tasks == tasks.tasks(ws, pid, include_done=True)
        assert got.referrals == referrals.referrals(ws, pid)
        assert got.devices == rpm_devices.devices(ws, pid)
        assert got.versions == care_plans.versions(ws, pid)


def test_a_patient_not_stored_is_not_found(demo_170):
    ws, _pid = demo_170
    with pytest.raises(Exception, match="patient") as caught:
        panel_export.records_of(ws, [10**9])
    assert type(caught.value).__name__ == "NotFound"
