"""Schema 0005 (issue 12): RPM devices and reading days are two new tables; a 0004 store's
rows are kept through the upgrade, and the downgrade removes only the new tables."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect

from caredesk.domain.patients import Enrollment, Program
from caredesk.services import rpm_devices as rpm
from caredesk.services.access import Access
from caredesk.services.patients import patient_list
from caredesk.store import migrate
from caredesk.store.engine import open_engine
from caredesk.store.keys import KeyFile
from tests.conftest import PASSPHRASE
from tests.services.test_calls import _patient


def test_a_0004_store_upgrades_keeping_its_patients_and_gains_rpm_devices(workspace, folder, clock):
    pid = _patient(workspace, "M5")
    workspace.lock()
    engine = open_engine(folder.db, KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE))
    migrate.downgrade(engine, "0004")
    tables = set(inspect(engine).get_table_names())
    assert "rpm_devices" not in tables and "rpm_reading_days" not in tables and "patients" in tables
    engine.dispose()
    ws = Access(folder, clock).unlock(PASSPHRASE)  # upgraded on unlock
    try:
        assert [p.mrn for p in patient_list(ws)] == ["M5"]
        with ws.uow() as uow:  # a device needs RPM on its set-up day
            uow.enrollments.add(Enrollment(patient_id=pid, program=Program.RPM, start_date=date(2026, 11, 1)))
            uow.commit()
        device = rpm.add_device(ws, pid, kind="scale", set_up_on=date(2026, 11, 2)).value
        rpm.add_reading_days(ws, device.id, [date(2026, 11, 3)])
        assert rpm.devices(ws, pid)[0].reading_days == (date(2026, 11, 3),)
    finally:
        ws.lock()
