"""`caredesk export fhir` as a real process: the bundle written, valid, and said to hold
patient data; bad input ends with one clear line and writes nothing."""

from __future__ import annotations

import json
import os
import stat

import pytest
from fhir.resources.R4B.bundle import Bundle

from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, templated
from tests.interop.fhir_panel import make_panel


@pytest.fixture
def store(tmp_path, clock, store_templates) -> DataFolder:
    templated(store_templates, clock, "cli-export-fhir", _panel, tmp_path / "store")
    return DataFolder(tmp_path / "store")


def _panel(folder: DataFolder, clock) -> None:
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    make_panel(ws)
    ws.lock()


def test_export_fhir_writes_a_valid_bundle_and_says_it_holds_patient_data(store, tmp_path):
    out = tmp_path / "panel.json"
    r = run("export", "fhir", "--out", str(out), "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert f"FHIR R4 bundle of 2 patients written to {out}" in r.stdout
    assert "Patient: 2" in r.stdout
    assert "holds patient data" in r.stdout
    bundle = Bundle.model_validate(json.loads(out.read_text("utf-8")))
    assert bundle.type == "collection" and bundle.timestamp is not None
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_export_fhir_of_one_patient(store, tmp_path):
    out = tmp_path / "one.json"
    r = run("export", "fhir", "--mrn", "000124", "--out", str(out), "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "FHIR R4 bundle of MRN 000124" in r.stdout
    data = json.loads(out.read_text("utf-8"))
    patients = [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert [p["identifier"][0]["value"] for p in patients] == ["000124"]


def test_export_fhir_bad_input_is_one_clear_line_and_no_file(store, tmp_path):
    out = tmp_path / "none.json"
    r = run("export", "fhir", "--mrn", "999999", "--out", str(out), "--data-dir", str(store.path), env=pw_env())
    assert_clean_failure(r, 1, "No patient with MRN 999999")
    assert not out.exists()
    r = run("export", "fhir", "--out", "/dev/null", "--data-dir", str(store.path), env=pw_env())
    assert_clean_failure(r, 1, "Cannot write /dev/null: it is not a regular file")
    r = run("export", "fhir", "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 2 and "--out" in r.stderr and "Traceback" not in r.stderr
