"""Vitals and labs: readings entered, corrected or removed, a patient's own targets, trends.

Each write is one unit of work (a blood pressure's two halves both or neither), audited by
record id with the names of the fields changed (never a value), and returns
`Saved(value, Changes.of([patient_id], Kind.CLINICAL))`: the queue's clinical reasons
(last BP >= 160/100, A1c >= 9; SPEC section 3) follow at once.

Values are plain numbers in the measure's unit (domain/patients.py OBSERVATION_RANGES),
given as numbers or as typed text; "142 mmHg" and "7,2" are refused with how to type them
(domain/readings.py). Dates are the clinic's calendar dates, never after today and never
before the patient's birth. A blood pressure is entered with `add_blood_pressure`; a lone
systolic or diastolic through `add_reading` is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from caredesk.domain import audit as actions
from caredesk.domain import checks
from caredesk.domain import readings as rules
from caredesk.domain.calendar import us_date
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.observations import ObservationTarget, target_for
from caredesk.domain.patients import Observation, ObservationKind, Patient
from caredesk.domain.readings import BLOOD_PRESSURE, BP_KINDS, Band, Reading
from caredesk.errors import NotFound, ValidationError
from caredesk.services import missing
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork

Points = list[tuple[date, float]]

MEASURE = "measure"
DATE = "date"


_BY_NAME = {k.value.lower(): k for k in ObservationKind}


def _kind(kind: ObservationKind | str) -> ObservationKind:
    """A measure by its name, in any case ("a1c", "SpO2")."""
    if isinstance(kind, str) and not isinstance(kind, ObservationKind):
        kind = _BY_NAME.get(kind.strip().lower(), kind)
    return checks.one_of(MEASURE, kind, ObservationKind)


def _check_day(ws: Workspace, patient: Patient, observed_on: date) -> date:
    checks.a_date(DATE, observed_on)
    if observed_on > ws.today():
        raise ValidationError(DATE, "cannot be in the future")
    check_within_life(DATE, observed_on, patient)
    return observed_on


def _refuse_twin(uow: UnitOfWork, new: Reading, field: str, skip: tuple[int, ...] = ()) -> None:
    """The same measure with the same value(s) on the same day is the same reading entered
    twice: refused naming the measure. (Two different readings a day are ordinary: a home
    blood pressure morning and evening.)"""
    same_day = [o for o in uow.observations.for_patient(new.first.patient_id) if o.observed_on == new.observed_on]
    for r in rules.readings(o for o in same_day if o.id not in skip):
        if r.measure == new.measure and r.kind is new.kind and r.number_text == new.number_text:
            raise ValidationError(field, f"is already recorded with this value on {us_date(new.observed_on)}")


def _observation(patient_id: int, kind: ObservationKind, value: float | str, on: date, field: str = "") -> Observation:
    number = rules.parse_value(field or kind.value, kind, value)
    return Observation(patient_id=patient_id, kind=kind, value=number, observed_on=on)


def _single_kind(kind: ObservationKind | str) -> ObservationKind:
    k = _kind(kind)
    if k in BP_KINDS:
        raise ValidationError(MEASURE, "blood pressure is entered as systolic/diastolic together, such as 142/88")
    return k


def _bp_pair(
    patient_id: int, systolic: float | str, diastolic: float | str, on: date
) -> tuple[Observation, Observation]:
    s = _observation(patient_id, ObservationKind.SYSTOLIC_BP, systolic, on)
    d = _observation(patient_id, ObservationKind.DIASTOLIC_BP, diastolic, on)
    rules.check_pair(s.value, d.value)
    return s, d


def _bands(uow: UnitOfWork, patient_id: int) -> dict[ObservationKind, Band | None]:
    own = tuple(uow.observation_targets.for_patient(patient_id))
    return {k: target_for(k, own) for k in ObservationKind}


def _changed(patient_id: int) -> Changes:
    return Changes.of([patient_id], Kind.CLINICAL)


# -- entering ------------------------------------------------------------------------
def add_reading(
    ws: Workspace, patient_id: int, *, kind: ObservationKind | str, value: float | str, observed_on: date
) -> Saved[Reading]:
    """One reading of a measure other than blood pressure (A1c 7.2 on 11/20/2026).

    `value`: a number in the measure's unit, or typed text. Raises ValidationError naming
    the measure ("weight: must be between 20 and 700 lb") or "date"; NotFound for an unknown
    patient. Nothing is stored when refused.
    """
    # Refusals come in the order of the form: measure, value, date.
    reading = _observation(patient_id, _single_kind(kind), value, observed_on)
    with ws.uow() as uow:
        _check_day(ws, missing.patient(uow, patient_id), observed_on)
        _refuse_twin(uow, Reading(reading), reading.kind.value)
        saved = uow.observations.add(reading)
        uow.audit(actions.RECORD_CREATED, "observation", saved.id)
        bands = _bands(uow, patient_id)
        uow.commit()
    return Saved(rules.readings([saved], bands)[0], _changed(patient_id))


def add_blood_pressure(
    ws: Workspace, patient_id: int, *, systolic: float | str, diastolic: float | str, observed_on: date
) -> Saved[Reading]:
    """A blood pressure in mmHg: its systolic and diastolic observations, both or neither.

    Raises ValidationError naming "systolic BP" / "diastolic BP" (range, not a number),
    "blood pressure" (systolic not above diastolic) or "date".
    """
    s, d = _bp_pair(patient_id, systolic, diastolic, observed_on)
    with ws.uow() as uow:
        _check_day(ws, missing.patient(uow, patient_id), observed_on)
        _refuse_twin(uow, Reading(s, d), BLOOD_PRESSURE)
        saved_s = uow.observations.add(s)
        saved_d = uow.observations.add(d)
        uow.audit(actions.RECORD_CREATED, "observation", saved_s.id, f"{BLOOD_PRESSURE} with {saved_d.id}")
        uow.audit(actions.RECORD_CREATED, "observation", saved_d.id, f"{BLOOD_PRESSURE} with {saved_s.id}")
        bands = _bands(uow, patient_id)
        uow.commit()
    return Saved(rules.readings([saved_s, saved_d], bands)[0], _changed(patient_id))


def parse_blood_pressure(text: str) -> tuple[float, float]:
    """'142/88' -> (142.0, 88.0); ValidationError naming "blood pressure" otherwise."""
    return rules.parse_blood_pressure(text)


# -- correcting (entered by mistake) ----------------------------------------------------
def _reading(uow: UnitOfWork, patient_id: int, reading_id: int) -> Reading:
    """The reading holding observation `reading_id` (a blood pressure: both halves)."""
    o = uow.observations.get(reading_id)
    if o is None or o.patient_id != patient_id:
        raise NotFound("reading")
    if o.kind not in BP_KINDS:
        return Reading(o)
    same_day = [x for x in uow.observations.for_patient(patient_id) if x.observed_on == o.observed_on]
    return next(r for r in rules.readings(same_day) if reading_id in _ids(r))


def _ids(r: Reading) -> tuple[int, ...]:
    return tuple(o.id for o in (r.first, r.diastolic) if o is not None and o.id is not None)


def _fields_changed(before: Reading, values: tuple[float, ...], on: date) -> str:
    old = tuple(o.value for o in (before.first, before.diastolic) if o is not None)
    names = (["value"] if old != values else []) + (["date"] if on != before.observed_on else [])
    return "; ".join(names)


def correct_reading(
    ws: Workspace, patient_id: int, reading_id: int, *, value: float | str, observed_on: date
) -> Saved[Reading]:
    """Correct a reading entered by mistake: its value and date (the measure stays).

    A blood pressure (`reading_id` either half) is corrected with `correct_blood_pressure`.
    Audited as record.changed naming the fields changed. Raises ValidationError as
    `add_reading` does; NotFound when the reading is not this patient's.
    """
    with ws.uow() as uow:
        patient = missing.patient(uow, patient_id)
        before = _reading(uow, patient_id, reading_id)
        if before.kind in BP_KINDS:
            raise ValidationError(MEASURE, "a blood pressure is corrected as systolic/diastolic, such as 142/88")
        new = _observation(patient_id, before.kind, value, observed_on)
        on = _check_day(ws, patient, observed_on)
        detail = _fields_changed(before, (new.value,), on)
        if not detail:
            return Saved(before, Changes())
        _refuse_twin(uow, Reading(new), before.kind.value, _ids(before))
        saved = uow.observations.update(replace(new, id=before.id))
        uow.audit(actions.RECORD_CHANGED, "observation", saved.id, detail)
        bands = _bands(uow, patient_id)
        uow.commit()
    return Saved(rules.readings([saved], bands)[0], _changed(patient_id))


def correct_blood_pressure(
    ws: Workspace,
    patient_id: int,
    reading_id: int,
    *,
    systolic: float | str,
    diastolic: float | str,
    observed_on: date,
) -> Saved[Reading]:
    """Correct a blood pressure (`reading_id` either half): both halves change together."""
    s, d = _bp_pair(patient_id, systolic, diastolic, observed_on)
    with ws.uow() as uow:
        patient = missing.patient(uow, patient_id)
        before = _reading(uow, patient_id, reading_id)
        if before.diastolic is None:
            raise ValidationError(MEASURE, f"this {before.kind.value} has no partner to correct as a blood pressure")
        on = _check_day(ws, patient, observed_on)
        detail = _fields_changed(before, (s.value, d.value), on)
        if not detail:
            return Saved(before, Changes())
        _refuse_twin(uow, Reading(s, d), BLOOD_PRESSURE, _ids(before))
        saved = [
            uow.observations.update(replace(new, id=old.id)) for new, old in ((s, before.first), (d, before.diastolic))
        ]
        for o in saved:
            uow.audit(actions.RECORD_CHANGED, "observation", o.id, detail)
        bands = _bands(uow, patient_id)
        uow.commit()
    return Saved(rules.readings(saved, bands)[0], _changed(patient_id))


def remove_reading(ws: Workspace, patient_id: int, reading_id: int) -> Saved[Reading]:
    """Remove a reading entered by mistake (a blood pressure: both halves), audited as
    record.removed. Raises NotFound when it is not this patient's."""
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        gone = _reading(uow, patient_id, reading_id)
        for oid in _ids(gone):
            uow.observations.remove(oid)
            uow.audit(actions.RECORD_REMOVED, "observation", oid, "entered by mistake")
        uow.commit()
    return Saved(gone, _changed(patient_id))


# -- reading -------------------------------------------------------------------------
def readings(
    ws: Workspace, patient_id: int, kind: ObservationKind | str | None = None, *, audit_view: bool = False
) -> list[Reading]:
    """The patient's readings, newest first, each with its position against the patient's band.

    `kind` filters to one measure; either blood-pressure kind (or "blood pressure") gives
    the blood pressures. `audit_view` records the reading as a view of the patient (the CLI
    prints them; the chart's opening is audited already).
    """
    wanted: frozenset[ObservationKind] | None = None
    if isinstance(kind, str) and kind.strip().lower() in (BLOOD_PRESSURE, "bp"):
        wanted = frozenset(BP_KINDS)
    elif kind is not None:
        k = _kind(kind)
        wanted = frozenset(BP_KINDS) if k in BP_KINDS else frozenset({k})
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        found = uow.observations.for_patient(patient_id)
        bands = _bands(uow, patient_id)
        if audit_view:
            uow.audit(actions.PATIENT_VIEWED, "patient", patient_id, "observations")
            uow.commit_audit_of_read()
    if wanted is not None:
        found = [o for o in found if o.kind in wanted]
    return rules.readings(found, bands)


def _series(found: list[Observation], kind: ObservationKind) -> Points:
    mine = sorted((o for o in found if o.kind is kind), key=lambda o: (o.observed_on, o.id or 0))
    return [(o.observed_on, o.value) for o in mine]


def trend(
    ws: Workspace, patient_id: int, kind: ObservationKind | str, *, audit_view: bool = False
) -> tuple[Points, Band | None]:
    """(points, band) to draw one measure: (date, value) oldest first (entry order within
    a day), and the patient's own target band, else the clinic default, else None.
    `audit_view` records the read as a view of the patient (the CLI prints it)."""
    k = _kind(kind)
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        found = uow.observations.for_patient(patient_id)
        band = target_for(k, tuple(uow.observation_targets.for_patient(patient_id)))
        if audit_view:
            uow.audit(actions.PATIENT_VIEWED, "patient", patient_id, "observations")
            uow.commit_audit_of_read()
    return _series(found, k), band


@dataclass(frozen=True, slots=True)
class Vitals:
    """Everything the Vitals & labs tab shows, read in one unit of work.

    `readings` newest first with their positions; `bands` the band in force per measure;
    `own` the patient's own targets; `series(kind)` a measure's points, oldest first.
    """

    readings: list[Reading]
    bands: dict[ObservationKind, Band | None]
    own: dict[ObservationKind, ObservationTarget]
    points: dict[ObservationKind, Points]

    def series(self, kind: ObservationKind) -> Points:
        return self.points.get(kind, [])


def vitals(ws: Workspace, patient_id: int) -> Vitals:
    """One patient's readings, bands, own targets and every measure's trend (one read)."""
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        found = uow.observations.for_patient(patient_id)
        own = {t.kind: t for t in uow.observation_targets.for_patient(patient_id)}
    bands = {k: target_for(k, tuple(own.values())) for k in ObservationKind}
    by_kind: dict[ObservationKind, list[Observation]] = {}
    for o in found:
        by_kind.setdefault(o.kind, []).append(o)
    points = {k: _series(mine, k) for k, mine in by_kind.items()}
    return Vitals(rules.readings(found, bands), bands, own, points)


# -- targets -------------------------------------------------------------------------
def targets(ws: Workspace, patient_id: int) -> dict[ObservationKind, ObservationTarget]:
    """The patient's own target bands, by measure (measures without one use the default)."""
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        return {t.kind: t for t in uow.observation_targets.for_patient(patient_id)}


def bands(ws: Workspace, patient_id: int) -> dict[ObservationKind, Band | None]:
    """The band in force for every measure: the patient's own, else the default, else None."""
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        return _bands(uow, patient_id)


def _bound(field: str, kind: ObservationKind, value: float | str | None) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return rules.parse_value(field, kind, value)


def set_targets(
    ws: Workspace,
    patient_id: int,
    bands: Mapping[ObservationKind | str, tuple[float | str | None, float | str | None] | None],
) -> Saved[list[ObservationTarget]]:
    """Set the patient's own bands in one unit of work: {measure: (low, high)}; None (or two
    blanks) for a measure returns it to the clinic default. Blank text is an open side.

    Raises ValidationError naming "target low" / "target high" (range, order) or "target"
    (neither given is only allowed as a return to the default). Nothing is stored when refused.
    """
    with ws.uow() as uow:
        missing.patient(uow, patient_id)
        own = {t.kind: t for t in uow.observation_targets.for_patient(patient_id)}
        saved: list[ObservationTarget] = []
        touched = False
        for raw_kind, band in bands.items():
            k = _kind(raw_kind)
            low, high = (None, None) if band is None else band
            low_v, high_v = _bound("target low", k, low), _bound("target high", k, high)
            old = own.get(k)
            if low_v is None and high_v is None:
                if old is not None:
                    uow.observation_targets.remove(old.id)
                    uow.audit(actions.RECORD_REMOVED, "observation target", old.id, "back to the default")
                    touched = True
                continue
            target = ObservationTarget(patient_id=patient_id, kind=k, low=low_v, high=high_v)
            if old is None:
                new = uow.observation_targets.add(target)
                uow.audit(actions.RECORD_CREATED, "observation target", new.id)
            else:
                new = uow.observation_targets.update(replace(target, id=old.id))
                changed = [n for n, a, b in (("low", old.low, low_v), ("high", old.high, high_v)) if a != b]
                uow.audit(actions.RECORD_CHANGED, "observation target", new.id, "; ".join(changed))
            saved.append(new)
            touched = True
        uow.commit()
    return Saved(saved, _changed(patient_id) if touched else Changes())


def set_target(
    ws: Workspace,
    patient_id: int,
    *,
    kind: ObservationKind | str,
    low: float | str | None = None,
    high: float | str | None = None,
) -> Saved[ObservationTarget]:
    """The patient's own band for one measure (an older patient's A1c below 8: high=8).

    At least one of `low` / `high`. Raises ValidationError naming "target" (neither given),
    "target low" or "target high" (out of the measure's plausible range, low not below high).
    """
    k = _kind(kind)
    if _bound("target low", k, low) is None and _bound("target high", k, high) is None:
        raise ValidationError("target", "needs a low or a high value")
    saved = set_targets(ws, patient_id, {k: (low, high)})
    return Saved(saved.value[0], saved.changes)


def clear_target(ws: Workspace, patient_id: int, *, kind: ObservationKind | str) -> Saved[None]:
    """Return one measure to the clinic's default band (no change when none was set)."""
    saved = set_targets(ws, patient_id, {_kind(kind): None})
    return Saved(None, saved.changes)
