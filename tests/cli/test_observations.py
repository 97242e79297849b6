"""`caredesk obs` and `caredesk target` in real processes: readings, refusals, the queue, targets."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from caredesk.domain.patients import Patient
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, TODAY, ZONE, add_patient, templated


def clinic_today() -> date:
    """The clinic's calendar day, which the CLI uses (UTC's day differs in the evening)."""
    return TODAY  # the day $CAREDESK_CLOCK pins in the CLI processes


@pytest.fixture
def store(tmp_path, clock, store_templates) -> DataFolder:
    """T0001 (Zoë Núñez), nothing else: a copy of the worker's (tests.conftest.templated)."""
    templated(store_templates, clock, "cli-observations", _one_patient, tmp_path / "store")
    return DataFolder(tmp_path / "store")


def _one_patient(folder: DataFolder, clock) -> None:
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    add_patient(ws, Patient(mrn="T0001", given_name="Zoë", family_name="Núñez", birth_date=date(1950, 3, 4)))
    ws.lock()


def caredesk(store: DataFolder, *args: str):
    return run(*args, "--data-dir", str(store.path), env=pw_env())


def test_add_a_lab_and_a_blood_pressure_then_list_them(store):
    day = (clinic_today() - timedelta(days=3)).isoformat()
    added = caredesk(store, "obs", "add", "--mrn", "T0001", "--kind", "a1c", "--value", "7.2", "--on", day)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == f"Recorded A1c 7.2% on {day} for T0001 (above target)."
    bp = caredesk(store, "obs", "add", "--mrn", "T0001", "--bp", "142/88")
    assert bp.returncode == 0, bp.stderr
    assert "blood pressure 142/88 mmHg" in bp.stdout
    listed = caredesk(store, "obs", "list", "--mrn", "T0001", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["measure"], r["value"], r["diastolic"], r["unit"], r["observed_on"]) for r in rows] == [
        ("blood pressure", 142, 88, "mmHg", clinic_today().isoformat()),
        ("A1c", 7.2, None, "%", day),
    ]
    only = caredesk(store, "obs", "list", "--mrn", "T0001", "--kind", "A1c")
    assert only.returncode == 0 and "A1c" in only.stdout and "blood pressure" not in only.stdout
    assert only.stdout.strip().endswith("1 reading")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--kind", "weight", "--value", "1800"), 1, "weight: must be between 20 and 700 lb"),
        (("--kind", "A1c", "--value", "7,2"), 1, "A1c: must be written with a decimal point"),
        (("--kind", "glucose", "--value", "142 mg/dL"), 1, "without a unit (mg/dL is understood)"),
        (("--bp", "88/142"), 1, "blood pressure: must have the systolic above the diastolic"),
        (("--bp", "142"), 1, "blood pressure: must be written systolic/diastolic"),
        (("--kind", "A1c", "--value", "7", "--on", "2999-01-01"), 1, "date: cannot be in the future"),
        (("--kind", "A1c", "--value", "7", "--on", "02/30/2026"), 2, "--on: 02/30/2026 is not a real calendar date"),
        (("--kind", "A1c", "--value", "7", "--on", "Nov 20"), 2, "--on: must be a date written MM/DD/YYYY"),
        (("--kind", "cholesterol", "--value", "180"), 1, "measure: must be one of"),
        (("--kind", "A1c"), 2, "needs --kind and --value, or --bp"),
    ],
)
def test_bad_input_is_one_clear_line_and_stores_nothing(store, args, code, message):
    assert_clean_failure(caredesk(store, "obs", "add", "--mrn", "T0001", *args), code, message)
    listed = caredesk(store, "obs", "list", "--mrn", "T0001", "--json")
    assert json.loads(listed.stdout) == []


def test_an_unknown_mrn_is_refused(store):
    assert_clean_failure(caredesk(store, "obs", "list", "--mrn", "NOPE"), 1, "No patient with MRN NOPE")


# SPEC section 3: a last BP >= 160/100 is a clinical reason to call; a newer normal one ends it.
def test_a_high_blood_pressure_reaches_the_queue_and_a_newer_normal_one_clears_it(store):
    earlier = (clinic_today() - timedelta(days=5)).isoformat()
    assert caredesk(store, "obs", "add", "--mrn", "T0001", "--bp", "168/102", "--on", earlier).returncode == 0

    def clinical() -> list[str]:
        out = caredesk(store, "queue", "--json")
        assert out.returncode == 0, out.stderr
        (row,) = json.loads(out.stdout)
        return [r["text"] for r in row["reasons"] if r["kind"] == "clinical"]

    assert [t.split(" on ")[0] for t in clinical()] == ["BP 168/102"]
    assert caredesk(store, "obs", "add", "--mrn", "T0001", "--bp", "128/78").returncode == 0
    assert clinical() == []


def test_a_patients_own_target_and_back_to_the_default(store):
    # ADA Standards of Care 2025, 6.5: a less stringent A1c goal (< 8%) for some older adults.
    out = caredesk(store, "target", "set", "--mrn", "T0001", "--kind", "A1c", "--high", "8")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "A1c target for T0001: below 8% (own)."
    caredesk(store, "obs", "add", "--mrn", "T0001", "--kind", "A1c", "--value", "7.5")
    (row,) = json.loads(caredesk(store, "obs", "list", "--mrn", "T0001", "--json").stdout)
    assert row["position"] == "in target"
    bad = caredesk(store, "target", "set", "--mrn", "T0001", "--kind", "A1c", "--low", "9", "--high", "8")
    assert_clean_failure(bad, 1, "target high: must be above the target low")
    out = caredesk(store, "target", "clear", "--mrn", "T0001", "--kind", "a1c")
    assert out.stdout.strip() == "A1c target for T0001: below 7% (clinic default)."
    (row,) = json.loads(caredesk(store, "obs", "list", "--mrn", "T0001", "--json").stdout)
    assert row["position"] == "above target"


def test_a_measures_trend_oldest_first_for_a_script(store):
    days = [(clinic_today() - timedelta(days=n)).isoformat() for n in (40, 10)]
    for day, value in zip(days, ("8.4", "7.9"), strict=True):
        assert (
            caredesk(store, "obs", "add", "--mrn", "T0001", "--kind", "A1c", "--value", value, "--on", day).returncode
            == 0
        )
    out = caredesk(store, "obs", "trend", "--mrn", "T0001", "--kind", "a1c", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "measure": "A1c",
        "unit": "%",
        "target": {"low": None, "high": 7},  # ADA Standards of Care 2025, 6.5: < 7%
        "points": [[days[0], 8.4], [days[1], 7.9]],
    }
    text = caredesk(store, "obs", "trend", "--mrn", "T0001", "--kind", "A1c")
    assert text.stdout.splitlines()[0] == "A1c for T0001, target below 7%"
    assert_clean_failure(caredesk(store, "obs", "trend", "--mrn", "T0001", "--kind", "bp"), 2, "systolic BP")
