"""Repository of RPM devices and their reading days (caredesk.domain.rpm_devices)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from caredesk.domain.rpm_devices import RpmDevice
from caredesk.store import models as t


class RpmDevices:
    def __init__(self, session: Session):
        self.s = session

    def _days(self, device_ids: Collection[int]) -> dict[int, list[date]]:
        out: dict[int, list[date]] = defaultdict(list)
        if device_ids:
            d = t.RpmReadingDayRow
            for device_id, on in self.s.execute(
                select(d.device_id, d.on).where(d.device_id.in_(list(device_ids))).order_by(d.on)
            ):
                out[device_id].append(on)
        return out

    def _build(self, rows: Iterable[t.RpmDeviceRow]) -> list[RpmDevice]:
        rows = list(rows)
        days = self._days([r.id for r in rows])
        return [
            RpmDevice(
                id=r.id,
                patient_id=r.patient_id,
                kind=r.kind,  # type: ignore[arg-type]  # the enum's value; __post_init__ converts
                set_up_on=r.set_up_on,
                ended_on=r.ended_on,
                reading_days=tuple(days.get(r.id, ())),
            )
            for r in rows
        ]

    def for_patient(self, patient_id: int) -> list[RpmDevice]:
        """The patient's devices, newest set-up first."""
        return self.for_patients([patient_id]).get(patient_id, [])

    def for_patients(self, patient_ids: Collection[int]) -> dict[int, list[RpmDevice]]:
        """{patient: [device]} with every reading day, newest set-up first (billing reads these)."""
        d = t.RpmDeviceRow
        rows = self.s.scalars(
            select(d).where(d.patient_id.in_(list(patient_ids))).order_by(d.set_up_on.desc(), d.id.desc())
        )
        out: dict[int, list[RpmDevice]] = defaultdict(list)
        for device in self._build(rows):
            out[device.patient_id].append(device)
        return dict(out)

    def get(self, device_id: int) -> RpmDevice | None:
        row = self.s.get(t.RpmDeviceRow, device_id)
        return None if row is None else self._build([row])[0]

    def add(self, device: RpmDevice) -> RpmDevice:
        """The device (its reading days too); returned with its id."""
        row = t.RpmDeviceRow(
            patient_id=device.patient_id, kind=device.kind.value, set_up_on=device.set_up_on, ended_on=device.ended_on
        )
        self.s.add(row)
        self.s.flush()
        self.add_days(row.id, device.reading_days)
        return self._build([row])[0]

    def update(self, device: RpmDevice) -> RpmDevice:
        """Kind, set-up and end dates (reading days change through add_days / remove_days)."""
        assert device.id is not None
        row = self.s.get(t.RpmDeviceRow, device.id)
        assert row is not None
        row.kind, row.set_up_on, row.ended_on = device.kind.value, device.set_up_on, device.ended_on
        self.s.flush()
        return self._build([row])[0]

    def remove(self, device_id: int) -> None:
        """The device and its reading days."""
        self.s.execute(delete(t.RpmReadingDayRow).where(t.RpmReadingDayRow.device_id == device_id))
        self.s.execute(delete(t.RpmDeviceRow).where(t.RpmDeviceRow.id == device_id))

    def add_days(self, device_id: int, days: Iterable[date]) -> None:
        self.s.add_all(t.RpmReadingDayRow(device_id=device_id, on=d) for d in days)
        self.s.flush()

    def remove_days(self, device_id: int, days: Collection[date]) -> int:
        """How many of `days` were recorded and are now gone."""
        d = t.RpmReadingDayRow
        gone = self.s.execute(delete(d).where(d.device_id == device_id, d.on.in_(list(days))))
        return int(gone.rowcount or 0)  # type: ignore[attr-defined]
