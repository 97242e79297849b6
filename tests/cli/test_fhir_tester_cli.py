"""`caredesk import fhir` as a real process over what a fresh tester tried (issue 13): a
resource type FHIR R4 does not have, an empty bundle, a Patient given twice, a re-import's
message. Never a traceback; the words say what happened."""

from __future__ import annotations

import json
from pathlib import Path

from caredesk.domain.calendar import Month
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE
from tests.interop.fhir_panel import make_panel
from tests.interop.test_fhir_import import a_patient, bundle_of
from tests.interop.test_fhir_round_trip import billing_of


def _file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "bundle.json"
    path.write_bytes(data)
    return path


def test_an_unknown_resource_type_is_counted_as_not_imported_never_a_crash(empty, tmp_path):
    # "Foobar" is no resource type; "Permission" is R5's (https://hl7.org/fhir/R5/permission.html), not R4's.
    data = json.loads(bundle_of(a_patient()))
    data["entry"] += [{"resource": {"resourceType": "Foobar"}}, {"resource": {"resourceType": "Permission"}}]
    r = run(
        "import",
        "fhir",
        str(_file(tmp_path, json.dumps(data).encode())),
        "--yes",
        "--data-dir",
        str(empty),
        env=pw_env(),
    )
    assert r.returncode == 0, r.stderr
    assert "unexpected error" not in r.stderr and "Traceback" not in r.stderr
    assert "1 Foobar (not an R4 resource type)" in r.stdout
    assert "1 Permission (not an R4 resource type)" in r.stdout
    assert "Imported: 1 added" in r.stdout


def test_an_empty_bundle_says_it_holds_no_patient(empty, tmp_path):
    r = run("import", "fhir", str(_file(tmp_path, bundle_of())), "--yes", "--data-dir", str(empty), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "Nothing to import: the bundle holds no Patient." in r.stdout
    assert "already" not in r.stdout


def test_the_same_patient_twice_is_said_as_such(empty, tmp_path):
    data = json.loads(bundle_of(a_patient()))
    data["entry"].append(data["entry"][0])
    r = run(
        "import",
        "fhir",
        str(_file(tmp_path, json.dumps(data).encode())),
        "--yes",
        "--data-dir",
        str(empty),
        env=pw_env(),
    )
    assert r.returncode == 1
    assert "Patient/p1 is in the bundle twice" in r.stdout
    assert "MRN also on" not in r.stdout


def test_a_date_that_is_not_fhir_is_said_in_plain_words(empty, tmp_path):
    r = run(
        "import",
        "fhir",
        str(_file(tmp_path, bundle_of(a_patient() | {"birthDate": "03/04/1950"}))),
        "--yes",
        "--data-dir",
        str(empty),
        env=pw_env(),
    )
    assert r.returncode == 1
    assert 'Patient/p1, Patient.birthDate "03/04/1950": is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)' in r.stdout
    assert "spec regex" not in r.stdout and "Value error" not in r.stdout


def test_a_re_import_says_what_caredesk_keeps_is_stored(empty, tmp_path):
    path = _file(tmp_path, bundle_of(a_patient()))
    assert run("import", "fhir", str(path), "--yes", "--data-dir", str(empty), env=pw_env()).returncode == 0
    again = run("import", "fhir", str(path), "--yes", "--data-dir", str(empty), env=pw_env())
    assert again.returncode == 0, again.stderr
    assert "Nothing to import: 1 patient unchanged (what CareDesk keeps of them is already stored)." in again.stdout
    assert "as the bundle has them" not in again.stdout


def test_a_corrected_encounter_imported_by_the_cli_changes_no_minutes_and_says_so(tmp_path, clock):
    """The tester's run: export, Encounter length 15 -> 30, import into the same store. The
    month's billing (CPT 99490 for 20+ min, 99439 per further 20: CMS MLN909188) is unchanged."""
    folder = DataFolder(tmp_path / "store")
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    make_panel(ws)
    billing_before = billing_of(ws, Month(2026, 11))
    ws.lock()
    out = tmp_path / "panel.json"
    assert run("export", "fhir", "--out", str(out), "--data-dir", str(folder.path), env=pw_env()).returncode == 0
    bundle = json.loads(out.read_text())
    (encounter,) = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Encounter" and e["resource"].get("length", {}).get("value") == 15
    ]
    encounter["length"]["value"] = 30
    out.write_text(json.dumps(bundle))
    r = run("import", "fhir", str(out), "--yes", "--data-dir", str(folder.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert (
        "MRN 000123: contact of 11/03/2026 12:00 PM: 30 min in the file, 15 in CareDesk: not changed; "
        "correct the minutes in the chart if the file is right"
    ) in r.stdout
    assert "Nothing to import: 2 patients unchanged (what CareDesk keeps of them is already stored)." in r.stdout
    ws = Access(folder, clock).unlock(PASSPHRASE)
    try:
        assert billing_of(ws, Month(2026, 11)) == billing_before
    finally:
        ws.lock()
