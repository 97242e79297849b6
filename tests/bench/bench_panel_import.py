"""A registry import: preview and accept 2,000 incoming patients, each with two enrollments and
three conditions, into an empty store (issue 13: "a 2,000-row registry CSV ... imports the good
rows after one confirmation"; rows per second and memory go to BENCHMARKS.md).

Only the service is measured (services.panel_import: plan_import, then apply_import in one
transaction): reading and checking the file is the readers' own benchmark. Each round gets a
new empty store; peak memory is measured in one more run under tracemalloc (which slows it,
so it is not timed).
"""

from __future__ import annotations

import time
import tracemalloc
from datetime import date, timedelta

from caredesk.clock import FixedClock
from caredesk.domain.incoming import Action, IncomingPatient
from caredesk.domain.patients import Condition, ConsentMethod, Enrollment, Patient, Phone, Program
from caredesk.services.access import Access
from caredesk.services.panel_import import apply_import, plan_import
from caredesk.services.workspace import Workspace
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE

PATIENTS = 2000
# ICD-10-CM titles (CDC NCHS FY2026 tabular list: https://www.cdc.gov/nchs/icd/icd-10-cm/files.html).
CONDITIONS = (
    ("E11.9", "Type 2 diabetes mellitus without complications"),
    ("I10", "Essential (primary) hypertension"),
    ("E78.5", "Hyperlipidemia, unspecified"),
)


def _incoming(n: int) -> list[IncomingPatient]:
    """n synthetic patients as a reader hands them over (patient_id=0, id=None)."""
    out = []
    for i in range(n):
        start = date(2026, 1, 1) + timedelta(days=i % 300)
        enrollments = tuple(
            Enrollment(
                patient_id=0,
                program=program,
                start_date=start,
                consent_date=start,
                consent_method=ConsentMethod.VERBAL,
            )
            for program in (Program.CCM, Program.BHI)
        )
        out.append(
            IncomingPatient(
                where=f"row {i + 2}",
                patient=Patient(
                    mrn=f"{i:06d}",
                    given_name="Testa",
                    family_name=f"Example{i}",
                    birth_date=date(1940, 1, 1) + timedelta(days=i % 5000 * 3),
                    phones=(Phone(number=f"(555) 010-{i % 100:04d}"),),
                ),
                enrollments=enrollments,
                conditions=tuple(Condition(patient_id=0, icd10=code, display=text) for code, text in CONDITIONS),
            )
        )
    return out


def _empty_store(tmp_path_factory) -> Workspace:
    folder = DataFolder(tmp_path_factory.mktemp("import") / "data")
    ws, _code = Access(folder, FixedClock(NOW)).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    return ws


def _import(ws: Workspace, incoming: list[IncomingPatient]) -> tuple[float, float]:
    """Seconds for the preview and for the accept."""
    start = time.perf_counter()
    plan = plan_import(ws, incoming, [], source="CSV file")
    planned = time.perf_counter()
    saved = apply_import(ws, plan)
    assert plan.count(Action.ADD) == len(incoming) and saved.value.added == len(incoming)
    return planned - start, time.perf_counter() - planned


def test_plan_and_apply_2000_patients(benchmark, tmp_path_factory):
    incoming = _incoming(PATIENTS)
    stores: list[Workspace] = []
    split: list[tuple[float, float]] = []

    def setup():
        stores.append(_empty_store(tmp_path_factory))
        return (stores[-1],), {}

    benchmark.pedantic(lambda ws: split.append(_import(ws, incoming)), setup=setup, rounds=3, iterations=1)

    ws = _empty_store(tmp_path_factory)
    stores.append(ws)
    tracemalloc.start()
    _import(ws, incoming)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    for each in stores:
        each.lock()

    median = benchmark.stats.stats.median
    plan_s, apply_s = sorted(split)[len(split) // 2]
    benchmark.extra_info.update(
        patients_per_s=round(PATIENTS / median),
        plan_s=round(plan_s, 2),
        apply_s=round(apply_s, 2),
        peak_mib=round(peak / 2**20, 1),
    )
    print(
        f"\npanel import of {PATIENTS} patients (2 enrollments, 3 conditions each): "
        f"{PATIENTS / median:.0f} patients/s (median {median:.2f} s: preview {plan_s:.2f} s, accept {apply_s:.2f} s), "
        f"peak traced memory {peak / 2**20:.1f} MiB"
    )


def test_the_same_2000_patients_again(benchmark, tmp_path_factory):
    """A registry imported a second time: every patient matched, merged and found the same
    (the preview reads each patient's records; the accept re-checks and writes nothing)."""
    incoming = _incoming(PATIENTS)
    ws = _empty_store(tmp_path_factory)
    _import(ws, incoming)

    def again():
        plan = plan_import(ws, incoming, [], source="CSV file")
        assert apply_import(ws, plan).value.unchanged == PATIENTS

    benchmark.pedantic(again, rounds=3, iterations=1)
    ws.lock()
    median = benchmark.stats.stats.median
    benchmark.extra_info.update(patients_per_s=round(PATIENTS / median))
    print(
        f"\nthe same {PATIENTS} patients again (all unchanged): {PATIENTS / median:.0f} patients/s (median {median:.2f} s)"
    )
