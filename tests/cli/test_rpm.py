"""`caredesk rpm` in real processes: a device and its reading days entered, checked,
corrected and billed by `caredesk report billing` (SPEC 3 row 99453 / 99454 / 99445; SPEC 7
and 8: every fact billing reads can be entered, corrected and seen from the CLI)."""

from __future__ import annotations

import json

from tests.cli.test_cli import pw_env, run, store  # noqa: F401 (the store fixture)


def cli(store, *args: str):  # noqa: F811
    result = run(*args, "--data-dir", str(store.path), env=pw_env())
    assert "Traceback" not in result.stderr + result.stdout
    return result


def ok(store, *args: str) -> str:  # noqa: F811
    result = cli(store, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def billing_row(store, tmp_path) -> dict[str, str]:  # noqa: F811
    import csv

    path = tmp_path / "nov.csv"
    ok(store, "report", "billing", "--month", "2026-11", "--csv", str(path))
    (row,) = [r for r in csv.DictReader(path.open()) if r["mrn"] == "T0001"]
    return row


def test_a_device_with_16_reading_days_bills_99453_and_99454_in_the_month_its_period_closes(store, tmp_path):  # noqa: F811
    ok(
        store,
        "enroll",
        "--mrn",
        "T0001",
        "--program",
        "RPM",
        "--start",
        "10/01/2026",
        "--consent-date",
        "10/01/2026",
        "--consent-method",
        "verbal",
    )
    out = ok(store, "rpm", "add", "--mrn", "T0001", "--kind", "blood pressure cuff", "--set-up", "10/04/2026")
    assert out.startswith("Added RPM device ") and "blood pressure cuff set up 10/04/2026" in out
    (device,) = json.loads(ok(store, "rpm", "list", "--mrn", "T0001", "--json"))
    out = ok(store, "rpm", "days", str(device["id"]), "10/04/2026..10/18/2026")
    assert (
        "15 reading days recorded" in out
        and "period 1 2026-10-04 to 2026-11-02 (closed 2026-11-02): 15 reading days" in out
    )
    assert "99453, 99445" in billing_row(store, tmp_path)["codes"]

    ok(store, "rpm", "days", str(device["id"]), "2026-10-20")
    assert "99453, 99454" in billing_row(store, tmp_path)["codes"]

    ok(store, "rpm", "drop-days", str(device["id"]), "10/20/2026")
    ok(store, "rpm", "change", str(device["id"]), "--kind", "scale")
    (device,) = json.loads(ok(store, "rpm", "list", "--mrn", "T0001", "--json"))
    assert device["kind"] == "scale" and len(device["reading_days"]) == 15
    assert device["periods"][0]["reading_days"] == 15


def test_bad_reading_days_are_one_clear_line_and_store_nothing(store):  # noqa: F811
    ok(store, "enroll", "--mrn", "T0001", "--program", "RPM", "--start", "10/01/2026")
    ok(store, "rpm", "add", "--mrn", "T0001", "--kind", "scale", "--set-up", "11/02/2026")
    (device,) = json.loads(ok(store, "rpm", "list", "--mrn", "T0001", "--json"))
    bad = cli(store, "rpm", "days", str(device["id"]), "11/05/2026", "11/01/2026")
    assert bad.returncode != 0 and "reading date" in bad.stderr and "before the set-up date 11/02/2026" in bad.stderr
    bad = cli(store, "rpm", "days", str(device["id"]), "11/20/2026..11/05/2026")
    assert bad.returncode != 0 and "is not a run of days" in bad.stderr
    bad = cli(store, "rpm", "add", "--mrn", "T0001", "--kind", "toaster", "--set-up", "11/02/2026")
    assert bad.returncode != 0 and "device kind" in bad.stderr
    bad = cli(store, "rpm", "change", str(device["id"]), "--ended", "10/30/2026")
    assert bad.returncode != 0 and "end date" in bad.stderr
    (device,) = json.loads(ok(store, "rpm", "list", "--mrn", "T0001", "--json"))
    assert device["reading_days"] == [] and device["ended"] is None
    ok(store, "rpm", "remove", str(device["id"]))
    assert "0 RPM devices" in ok(store, "rpm", "list", "--mrn", "T0001")


def test_a_device_for_a_patient_not_in_rpm_or_twice_is_one_clear_line(store):  # noqa: F811
    bad = cli(store, "rpm", "add", "--mrn", "T0001", "--kind", "scale", "--set-up", "11/05/2026")
    assert bad.returncode != 0
    assert "set-up date: the patient is not enrolled in RPM on 11/05/2026 - enroll them in RPM first" in bad.stderr
    ok(store, "enroll", "--mrn", "T0001", "--program", "RPM", "--start", "10/01/2026")
    ok(store, "rpm", "add", "--mrn", "T0001", "--kind", "scale", "--set-up", "11/05/2026")
    bad = cli(store, "rpm", "add", "--mrn", "T0001", "--kind", "scale", "--set-up", "11/05/2026")
    assert bad.returncode != 0
    assert "device: a scale set up on 11/05/2026 is already recorded for this patient" in bad.stderr
    assert "1 RPM device" in ok(store, "rpm", "list", "--mrn", "T0001")
