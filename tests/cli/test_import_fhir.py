"""`caredesk import fhir` as a real process: a bundle exported by one store imported into a
store made as `caredesk init` makes one, after the preview; a refusal changes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from caredesk.clock import FixedClock
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE
from tests.interop.fhir_panel import make_panel

DATA = Path(__file__).resolve().parents[1] / "interop" / "data" / "synthetic_transaction_bundle.json"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The two-patient panel's bundle written by `caredesk export fhir`, once for the module (the
    tests only read it; `empty` is each test's own store)."""
    tmp_path = tmp_path_factory.mktemp("exported")
    folder = DataFolder(tmp_path / "source")
    ws, _ = Access(folder, FixedClock(NOW)).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    make_panel(ws)
    ws.lock()
    out = tmp_path / "panel.json"
    r = run("export", "fhir", "--out", str(out), "--data-dir", str(folder.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    return out


def files_digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def test_import_fhir_yes_adds_the_patients_and_a_second_run_changes_nothing(exported, empty):
    r = run("import", "fhir", str(exported), "--yes", "--data-dir", str(empty), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "panel.json: 2 patients read from the FHIR bundle." in r.stdout
    left_out = next(line for line in r.stdout.splitlines() if line.startswith("Not imported (CareDesk"))
    # CareDesk's own contacts, minutes and screens come back; only the screen's score is left (recomputed).
    assert "Communication" not in left_out and "Encounter" not in left_out and "Questionnaire" not in left_out
    assert "Preview: 2 to add, 0 to update, 0 unchanged, 0 patients refused." in r.stdout
    assert "Imported: 2 added, 0 updated, 0 unchanged (one transaction)." in r.stdout
    listed = run("patients", "--data-dir", str(empty), env=pw_env())
    assert "000123" in listed.stdout and "000124" in listed.stdout
    again = run("import", "fhir", str(exported), "--yes", "--data-dir", str(empty), env=pw_env())
    assert again.returncode == 0 and "0 to add, 0 to update, 2 unchanged" in again.stdout
    assert "Nothing to import" in again.stdout


def test_import_fhir_asks_and_no_stores_nothing(exported, empty):
    r = run("import", "fhir", str(exported), "--data-dir", str(empty), env=pw_env(), stdin="n\n")
    assert "Import 2 patients? [y/N]" in r.stdout
    assert_clean_failure(r, 1, "nothing was imported; the store is unchanged")
    r = run("import", "fhir", str(exported), "--data-dir", str(empty), env=pw_env(), stdin="")
    assert_clean_failure(r, 1, "add --yes to import without asking")
    assert "000123" not in run("patients", "--data-dir", str(empty), env=pw_env()).stdout


def test_import_fhir_of_the_example_bundle_lists_flags_and_refusals(empty):
    r = run("import", "fhir", str(DATA), "--yes", "--data-dir", str(empty), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "Preview: 1 to add, 0 to update, 0 unchanged, 1 patient refused." in r.stdout
    assert "needs an ICD-10 code (SNOMED CT 44054006 Diabetes mellitus type 2)" in r.stdout
    assert 'Observation.valueQuantity.value "high"' in r.stdout
    assert "1 Immunization" in r.stdout
    # Its MRN is Synthea's 36-character uuid: listed whole, the columns still lined up.
    listed = run("patients", "--data-dir", str(empty), env=pw_env()).stdout.splitlines()
    header, row = listed[0], next(line for line in listed if line.startswith("0f0e0000-"))
    assert row.split()[0] == "0f0e0000-0000-4000-8000-000000000901"
    assert header.index("Name") == row.index("Synthetica")


def test_a_malformed_bundle_is_refused_and_the_store_is_byte_for_byte_unchanged(empty, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"resourceType": "Bundle",\n "type": "collection", "entry": [\n  {"resource": }]}')
    before = files_digest(empty)
    r = run("import", "fhir", str(bad), "--yes", "--data-dir", str(empty), env=pw_env())
    assert_clean_failure(r, 1, "FHIR bundle: is not valid JSON: Expecting value at line 3, column 16")
    assert files_digest(empty) == before
    r = run("import", "fhir", str(tmp_path / "missing.json"), "--data-dir", str(empty), env=pw_env())
    assert_clean_failure(r, 1, "Cannot read")
