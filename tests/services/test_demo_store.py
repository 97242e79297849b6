"""The demo panel written to a real store reads back whole and valid."""

from __future__ import annotations

from caredesk.demo import generate_panel
from caredesk.services.demo_store import create_demo_store
from caredesk.services.patients import open_chart, patient_list
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, ZONE


def test_a_170_patient_demo_store_reads_back_every_record(tmp_path, clock):
    ws, _code = create_demo_store(
        DataFolder(tmp_path / "demo"), patients=170, seed=3, clock=clock, kdf=FAST_KDF, zone=ZONE
    )
    try:
        panel = generate_panel(patients=170, seed=3, today=ws.today(), tz=ws.tz)
        listed = patient_list(ws)
        assert len(listed) == 170
        assert {p.mrn for p in listed} == {p.mrn for p in panel.patients}
        # Every chart re-validates its records on the way out of the store.
        conditions = sum(len(open_chart(ws, p.id).conditions) for p in listed)
        assert conditions == len(panel.conditions)
        with ws.uow() as uow:
            contacts = sum(len(uow.contacts.for_patient(p.id)) for p in listed)
        assert contacts == len(panel.contacts)
        # Minutes this month in the list equal the generated entries of the month.
        month_minutes = sum(t.minutes for t in panel.time_entries if (t.on.year, t.on.month) == (2026, 11))
        assert sum(p.minutes_this_month for p in listed) == month_minutes
        assert ws.verify() == []
    finally:
        ws.lock()
