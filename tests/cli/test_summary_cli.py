"""`caredesk summary` in real processes over a store made through the services
(tests/interop/ehr_panel.py): one patient's text on stdout or PDF/text in a file, the month's
batch into a folder with its progress on stderr, a month not begun refused, the files said to
hold patient data, and the audit's counts without names."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, templated
from tests.interop.ehr_panel import make_panel

HOLDS = "holds patient data (protected health information)"


@pytest.fixture
def store(tmp_path, clock, store_templates) -> DataFolder:
    templated(store_templates, clock, "cli-summary", _panel, tmp_path / "store")
    return DataFolder(tmp_path / "store")


def _panel(folder: DataFolder, clock) -> None:
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    make_panel(ws)
    ws.lock()


def cli(store: DataFolder, *args: str):
    return run("summary", *args, "--data-dir", str(store.path), env=pw_env())


def _audit(store: DataFolder) -> list[tuple[str, str, str]]:
    ws = Access(store).unlock(PASSPHRASE)
    try:
        with ws.uow() as uow:
            return [(e.action, e.entity_id, e.detail) for e in uow.audit_log.all() if e.entity == "EHR summary"]
    finally:
        ws.lock()


def test_text_goes_to_stdout_for_one_patient(store):
    r = cli(store, "--month", "2026-11", "--mrn", "000123", "--text")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "Care management summary — November 2026"
    assert "MRN: 000123    DOB: 03/04/1950" in lines
    assert "  - 99490: CCM, first 20 min of clinical-staff time" in lines  # CMS MLN909188: 25 + 5 min >= 20
    assert lines[-1] == "reviewed by billing practitioner ________"
    assert max(len(line) for line in lines) <= 80 and "\t" not in r.stdout
    assert _audit(store)[-1][2] == "2026-11, text printed to standard output, 1 patient"


def test_one_patients_pdf_is_written_and_said_to_hold_patient_data(store, tmp_path):
    out = tmp_path / "ehr-summary-2026-11.pdf"
    r = cli(store, "--month", "2026-11", "--mrn", "000123", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert f"EHR summary for MRN 000123, November 2026, written to {out}." in r.stdout
    assert f"The file {HOLDS}" in r.stdout
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Example, Testa" in text and "99490" in text
    assert oct(out.stat().st_mode & 0o777) == "0o600"  # services.files.write_atomic: the user's alone
    assert _audit(store)[-1][2] == "2026-11, saved as PDF, 1 patient"


def test_the_batch_writes_a_folder_with_progress_and_audits_the_count(store, tmp_path):
    out = tmp_path / "summaries"
    r = cli(store, "--month", "2026-11", "--out", str(out), "--text")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["ehr-summary-2026-11-000123.txt", "ehr-summary-2026-11-000124.txt"]
    assert "summaries 2/2" in r.stderr  # the progress line
    assert f"2 EHR summaries for November 2026 written to {out} (one file per patient)." in r.stdout
    assert f"Each file {HOLDS}" in r.stdout
    assert "Example" not in r.stdout + r.stderr  # names stay in the files
    assert _audit(store)[-1] == ("exported", "2026-11", "saved as text files, 2 patients")


def test_the_batch_prints_every_text_when_no_folder_is_given(store):
    r = cli(store, "--month", "2026-11", "--text")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("Care management summary — November 2026") == 2
    assert "MRN: 000124" in r.stdout and "MRN: 000125" not in r.stdout  # no program, no time: not in the batch


def test_a_month_not_begun_is_refused_and_nothing_is_written(store, tmp_path):
    """As the billing report (billing_report.check_month): December has not begun on 11/24/2026."""
    r = cli(store, "--month", "2026-12", "--out", str(tmp_path / "x"))
    assert_clean_failure(r, 2, "--month: 2026-12 has not begun (today is 11/24/2026)")
    assert not (tmp_path / "x").exists() and _audit(store) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--month", "2026-13", "--text"), "--month: 2026-13 is not a real month"),
        (("--month", "2026-11"), "--out is needed for a PDF (or --text to print the text)"),
    ],
)
def test_usage_mistakes_say_which_option(store, args, message):
    assert_clean_failure(cli(store, *args), 2, message)


def test_an_unknown_mrn_is_named(store):
    assert_clean_failure(
        cli(store, "--month", "2026-11", "--mrn", "999999", "--text"), 1, "No patient with MRN 999999."
    )
