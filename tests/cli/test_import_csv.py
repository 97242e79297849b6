"""`caredesk import csv` as real processes over a new store (as `caredesk init` makes one): the
preview, the one confirmation, all-or-none acceptance, re-imports, updates shown as changes, the
error report, and bad input refused with the store unchanged (issue 13, CSV panel import)."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from caredesk.domain import audit as actions
from caredesk.services import patients as patient_service
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, templated
from tests.interop.csv_registry import HEADER, csv_bytes, mrn, registry

WRITES = {actions.RECORD_CREATED, actions.RECORD_CHANGED, actions.IMPORTED}


@pytest.fixture
def store(tmp_path, clock, store_templates) -> DataFolder:
    """An empty store made as `caredesk init` makes one (with the tests' fast key derivation)."""
    templated(store_templates, clock, "cli-import-csv", _empty, tmp_path / "store")
    return DataFolder(tmp_path / "store")


def _empty(folder: DataFolder, clock) -> None:
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()


def cli(store: DataFolder, *args: str, stdin: str | None = None):
    return run("import", "csv", *args, "--data-dir", str(store.path), env=pw_env(), stdin=stdin)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def stored(store: DataFolder) -> dict[str, dict]:
    """Every stored patient by MRN, with their enrollments and conditions, read through the services."""
    ws = Access(store).unlock(PASSPHRASE)
    try:
        out = {}
        for summary in patient_service.patient_list(ws):
            chart = patient_service.open_chart(ws, summary.id)
            p = chart.patient
            out[p.mrn] = {
                "name": (p.given_name, p.family_name),
                "birth_date": p.birth_date.isoformat(),
                "phones": [ph.number for ph in p.phones],
                "programs": sorted(e.program.value for e in chart.enrollments),
                "conditions": sorted(c.icd10 for c in chart.conditions),
            }
        return out
    finally:
        ws.lock()


def stored_mrns(store: DataFolder) -> set[str]:
    ws = Access(store).unlock(PASSPHRASE)
    try:
        return {summary.mrn for summary in patient_service.patient_list(ws)}
    finally:
        ws.lock()


def audit_actions(store: DataFolder) -> list[str]:
    ws = Access(store).unlock(PASSPHRASE)
    try:
        with ws.uow() as uow:
            return [e.action for e in uow.audit_log.all()]
    finally:
        ws.lock()


def files_digest(store: DataFolder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in store.path.iterdir() if p.is_file()}


def test_yes_imports_the_rows_keeping_leading_zeros_and_prints_mapping_and_preview(store, tmp_path):
    rows, _bad = registry(3)
    path = write(tmp_path, "registry.csv", b"\xef\xbb\xbf" + csv_bytes(rows, delimiter=";"))  # Excel's CSV UTF-8
    r = cli(store, str(path), "--yes")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "registry.csv: 3 rows of patients; UTF-8 with BOM, semicolon-separated." in out
    assert "Columns (guessed from the column names" in out and '<- "Patient Name"' in out
    assert "Preview: 3 to add, 0 to update, 0 unchanged, 0 rows refused." in out
    assert "Imported: 3 added, 0 updated, 0 unchanged (one transaction)." in out
    patients = stored(store)
    assert sorted(patients) == ["000001", "000002", "000003"]
    one = patients["000001"]
    assert one["name"] == ("Testa", "Example1") and one["phones"] == ["(212) 555-0101"]
    assert one["programs"] == ["CCM"] and one["conditions"] == ["I10"]
    assert patients["000002"]["conditions"] == ["E78.5", "J44.9"]  # "J44.9 E78.5": codes split on spaces
    assert audit_actions(store).count(actions.IMPORTED) == 1


def test_the_preview_lists_the_patients_to_add_with_their_flags_the_first_50(store, tmp_path):
    # A tester saw only "3 to add": the preview names whom (their own terminal, as updates do).
    rows, _ = registry(3)
    path = write(tmp_path, "registry.csv", csv_bytes(rows))
    r = cli(store, str(path), stdin="n\n")
    assert_clean_failure(r, 1, "nothing was imported")
    lines = r.stdout.splitlines()
    at = lines.index("To add:")
    assert lines[at + 1] == "  MRN 000001  Testa Example1 (row 2)"
    assert lines[at + 2] == "    still needs: I10 marked chronic — check in the chart"
    assert lines[at + 3] == "  MRN 000002  Testa Example2 (row 3)"
    many, _ = registry(53)
    write(tmp_path, "registry.csv", csv_bytes(many))
    r = cli(store, str(path), stdin="n\n")
    listed = [line for line in r.stdout.splitlines() if line.startswith("  MRN 0")]
    assert len(listed) == 50 and listed[-1].startswith("  MRN 000050 ")
    assert "  and 3 more" in r.stdout.splitlines()
    assert stored(store) == {}


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom", "shown"),
    [("utf-16-le", "\t", b"\xff\xfe", "UTF-16 LE, tab-separated"), ("cp1252", ",", b"", "Windows-1252, comma")],
)
def test_utf16_and_windows_1252_files_import_jose(store, tmp_path, encoding, delimiter, bom, shown):
    rows, _ = registry(1)
    rows[0][1] = "Example, José"
    path = write(tmp_path, "registry.csv", bom + csv_bytes(rows, delimiter=delimiter, encoding=encoding))
    r = cli(store, str(path), "--yes")
    assert r.returncode == 0, r.stderr
    assert shown in r.stdout
    assert stored(store)["000001"]["name"] == ("José", "Example")


def test_re_importing_the_same_file_changes_nothing(store, tmp_path):
    rows, _ = registry(5)
    path = write(tmp_path, "registry.csv", csv_bytes(rows))
    assert cli(store, str(path), "--yes").returncode == 0
    before, events = stored(store), audit_actions(store)
    again = cli(store, str(path), "--yes")
    assert again.returncode == 0, again.stderr
    assert "Preview: 0 to add, 0 to update, 5 unchanged, 0 rows refused." in again.stdout
    assert "Nothing to import: every patient in the file is already in the store" in again.stdout
    assert stored(store) == before
    # Only the unlocks and locks of the processes were audited: no record written, no import.
    added = audit_actions(store)[len(events) :]
    assert not WRITES & set(added), added


def test_a_changed_row_updates_the_patient_and_the_preview_shows_the_change(store, tmp_path):
    rows, _ = registry(3)
    path = write(tmp_path, "registry.csv", csv_bytes(rows))
    assert cli(store, str(path), "--yes").returncode == 0
    rows[1][HEADER.index("Home Phone")] = "(212) 555-0177"
    rows[1][HEADER.index("Dx Codes")] = "J44.9 E78.5 I10"  # was "J44.9 E78.5": I10 is new
    write(tmp_path, "registry.csv", csv_bytes(rows))
    r = cli(store, str(path), "--yes")
    assert r.returncode == 0, r.stderr
    assert "Preview: 0 to add, 1 to update, 2 unchanged, 0 rows refused." in r.stdout
    lines = r.stdout.splitlines()
    at = lines.index("  MRN 000002 (row 3):")
    changes = "\n".join(lines[at + 1 : at + 4])
    assert "(212) 555-0177" in changes and "I10" in changes
    assert "Imported: 0 added, 1 updated, 2 unchanged" in r.stdout
    patient = stored(store)["000002"]
    assert "(212) 555-0177" in patient["phones"] and patient["conditions"] == ["E78.5", "I10", "J44.9"]


def test_an_mrn_excel_stripped_of_its_zeros_is_refused_not_duplicated(store, tmp_path):
    rows, _ = registry(1)
    rows[0][0] = "00012345"
    path = write(tmp_path, "registry.csv", csv_bytes(rows))
    assert cli(store, str(path), "--yes").returncode == 0
    rows[0][0] = "12345"  # the same row after a spreadsheet read the MRN column as numbers
    write(tmp_path, "registry.csv", csv_bytes(rows))
    r = cli(store, str(path), "--yes")
    assert_clean_failure(r, 1, "every row was refused")
    assert "Preview: 0 to add, 0 to update, 0 unchanged, 1 row refused." in r.stdout
    assert 'row 2, MRN "12345": MRN 12345 looks like 00012345 with its leading zeros lost' in r.stdout
    assert sorted(stored(store)) == ["00012345"]


def test_a_changed_phone_replaces_the_stored_phone_of_its_kind_and_keeps_the_others(store, tmp_path):
    # A tester's re-import showed "(555) 555-0101 (home) -> (555) 555-0111 (home); (555) 555-0101 (home)".
    header = ("MRN", "Patient Name", "DOB", "Home Phone", "Cell Phone")
    path = write(
        tmp_path,
        "phones.csv",
        csv_bytes([["000042", "Example, Testa", "3/4/1950", "555-555-0101", "555-555-0102"]], header=header),
    )
    assert cli(store, str(path), "--yes").returncode == 0
    header = ("MRN", "Patient Name", "DOB", "Home Phone")  # the next export has no cell column
    write(tmp_path, "phones.csv", csv_bytes([["000042", "Example, Testa", "3/4/1950", "555-555-0111"]], header=header))
    r = cli(store, str(path), "--yes")
    assert r.returncode == 0, r.stderr
    assert (
        "    Phone: (555) 555-0101 (home); (555) 555-0102 (mobile) -> (555) 555-0111 (home); (555) 555-0102 (mobile)"
        in r.stdout.splitlines()
    )
    assert stored(store)["000042"]["phones"] == ["(555) 555-0111", "(555) 555-0102"]


def test_a_consent_given_later_moves_the_start_back_so_its_minutes_count(store, tmp_path):
    # A tester imported a patient with no consent (enrolled from the import's day, 11/24/2026),
    # then a file with consent 11/02/2026: the preview said "unchanged" and 11/12's call had no program.
    rows, _ = registry(1)
    consent, method = HEADER.index("Consent Date"), HEADER.index("Consent Method")
    rows[0][HEADER.index("Program")] = "CCM"
    rows[0][consent] = rows[0][method] = ""
    path = write(tmp_path, "registry.csv", csv_bytes(rows))
    assert cli(store, str(path), "--yes").returncode == 0
    rows[0][consent], rows[0][method] = "11/02/2026", "verbal"
    write(tmp_path, "registry.csv", csv_bytes(rows))

    r = cli(store, str(path), "--yes")

    assert r.returncode == 0, r.stderr
    assert "    CCM start date: 11/24/2026 -> 11/02/2026" in r.stdout.splitlines()
    assert "    CCM consent date: (empty) -> 11/02/2026" in r.stdout.splitlines()
    logged = run(
        "log-contact", "--mrn", mrn(1), "--outcome", "reached", "--minutes", "21", "--date", "2026-11-12",
        "--data-dir", str(store.path), env=pw_env(),
    )  # fmt: skip
    assert logged.returncode == 0, logged.stderr
    assert f"Logged reached for {mrn(1)}, 21 min CCM." in logged.stdout


def test_a_duplicate_mrn_inside_the_file_refuses_both_rows(store, tmp_path):
    rows, _ = registry(3)
    rows[2][0] = rows[0][0]  # row 4 repeats row 2's MRN
    path = write(tmp_path, "registry.csv", csv_bytes(rows))
    r = cli(store, str(path), "--yes")
    assert r.returncode == 0, r.stderr
    assert 'row 2, MRN "000001": MRN also on row 4' in r.stdout
    assert 'row 4, MRN "000001": MRN also on row 2' in r.stdout
    assert sorted(stored(store)) == ["000002"]


def test_a_missing_required_column_is_refused_naming_it_and_nothing_is_stored(store, tmp_path):
    header = tuple(h for h in HEADER if h != "DOB")
    rows = [[c for h, c in zip(HEADER, row, strict=True) if h != "DOB"] for row in registry(2)[0]]
    path = write(tmp_path, "registry.csv", csv_bytes(rows, header=header))
    r = cli(store, str(path), "--yes")
    assert_clean_failure(r, 1, "mapping: no column for Date of birth: the file must have one, mapped")
    assert "--mapping M.json" in r.stderr
    assert stored(store) == {}


def test_a_file_over_50_mb_is_refused_before_the_store_is_opened(store, tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.write(b"MRN,Name,DOB\n")
        f.truncate(52_400_000)
    before = files_digest(store)
    r = cli(store, str(big), "--yes")
    assert_clean_failure(r, 1, "big.csv: is 52.4 MB; CareDesk imports files up to 50 MB")
    assert files_digest(store) == before  # not even unlocked: the store's files are byte for byte the same


def test_a_malformed_file_is_refused_naming_file_and_row(store, tmp_path):
    path = write(tmp_path, "registry.csv", b'MRN,Name,DOB\n1,"Example, Testa,1950-01-01\n')
    before = files_digest(store)
    r = cli(store, str(path), "--yes")
    assert_clean_failure(r, 1, "row 2, registry.csv: a quoted cell is not closed")
    assert files_digest(store) == before


def test_without_yes_and_no_answer_nothing_is_imported(store, tmp_path):
    rows, _ = registry(2)
    path = write(tmp_path, "registry.csv", csv_bytes(rows))
    r = cli(store, str(path), stdin="")
    assert_clean_failure(r, 1, "no answer to read: add --yes to import without asking; nothing was imported")
    assert "Import 2 patients? [y/N]" in r.stdout
    assert stored(store) == {} and actions.IMPORTED not in audit_actions(store)


def test_answering_no_imports_nothing(store, tmp_path):
    rows, _ = registry(2)
    path = write(tmp_path, "registry.csv", csv_bytes(rows))
    r = cli(store, str(path), stdin="n\n")
    assert_clean_failure(r, 1, "nothing was imported; the store is unchanged")
    assert stored(store) == {}


def test_a_mapping_file_is_used_and_saved_for_the_next_file_with_that_header(store, tmp_path):
    header = ("Chart #", "Pt", "Born", "Tel")
    rows = [["000042", "Example, Testa", "3/4/1950", "212 555 0142"]]
    path = write(tmp_path, "odd.csv", csv_bytes(rows, header=header))
    guessed = cli(store, str(path), "--yes")
    assert_clean_failure(guessed, 1, "no column for MRN and Name")
    assert '"mrn": "?"' in guessed.stdout and 'The file\'s columns: "Chart #", "Pt", "Born", "Tel"' in guessed.stdout
    mapping = tmp_path / "odd.json"
    mapping.write_text(
        json.dumps({"columns": {"mrn": "Chart #", "full_name": "Pt", "birth_date": "Born", "phone": "Tel"}})
    )
    r = cli(store, str(path), "--mapping", str(mapping), "--save-mapping", "--yes")
    assert r.returncode == 0, r.stderr
    assert "Columns (from the mapping file):" in r.stdout and "Mapping saved for files with this header" in r.stdout
    rows.append(["000043", "Sample, Tess", "5/6/1951", ""])
    write(tmp_path, "odd.csv", csv_bytes(rows, header=header))
    again = cli(store, str(path), "--yes")
    assert again.returncode == 0, again.stderr
    assert "Columns (as saved for this header):" in again.stdout
    assert sorted(stored(store)) == ["000042", "000043"]
    assert stored(store)["000042"]["phones"] == ["(212) 555-0142"]


def test_a_mapping_file_putting_one_column_in_two_fields_is_refused_naming_both(store, tmp_path):
    rows, _ = registry(1)
    path = write(tmp_path, "registry.csv", csv_bytes(rows))
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"columns": {"mrn": "MRN", "full_name": "Patient Name", "birth_date": "MRN"}}))
    r = cli(store, str(path), "--mapping", str(mapping), "--yes")
    assert_clean_failure(r, 1, 'the column "MRN" is mapped to both "mrn" (MRN) and "birth_date" (Date of birth)')
    assert stored(store) == {}


def test_the_starting_mapping_asks_for_a_full_name_only_when_first_and_last_are_not_mapped(store, tmp_path):
    header = ("Chart #", "First Name", "Last Name", "Born")
    path = write(tmp_path, "odd.csv", csv_bytes([["000042", "Testa", "Example", "3/4/1950"]], header=header))
    r = cli(store, str(path), "--yes")
    assert_clean_failure(r, 1, "no column for MRN")
    assert '"mrn": "?"' in r.stdout and '"birth_date": "?"' in r.stdout
    assert '"given_name": "First Name"' in r.stdout and "full_name" not in r.stdout.split("Fields:")[0]


def test_a_bad_mapping_file_is_refused_naming_the_entry(store, tmp_path):
    rows, _ = registry(1)
    path = write(tmp_path, "registry.csv", csv_bytes(rows))
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"columns": {"mrn": "MRN", "shoe_size": "Shoe"}}))
    r = cli(store, str(path), "--mapping", str(mapping), "--yes")
    assert_clean_failure(r, 1, 'm.json: "shoe_size" is not a CareDesk field')
    mapping.write_text(json.dumps({"columns": {"mrn": "Chart", "full_name": "Patient Name", "birth_date": "DOB"}}))
    r = cli(store, str(path), "--mapping", str(mapping), "--yes")
    assert_clean_failure(r, 1, """mapping: the column "Chart" (MRN) is not in the file's header""")
    assert stored(store) == {}


def test_consent_dates_without_their_method_are_refused_until_the_method_is_given(store, tmp_path):
    header = tuple(h for h in HEADER if h != "Consent Method")
    rows = [[c for h, c in zip(HEADER, row, strict=True) if h != "Consent Method"] for row in registry(2)[0]]
    path = write(tmp_path, "registry.csv", csv_bytes(rows, header=header))
    r = cli(store, str(path), "--yes")
    assert_clean_failure(r, 1, "mapping: a consent date needs its method (verbal or written)")
    assert "--consent-method verbal|written" in r.stderr
    r = cli(store, str(path), "--consent-method", "written", "--yes")
    assert r.returncode == 0, r.stderr
    assert "consent method for every consent date: written" in r.stdout
    assert sorted(stored(store)) == ["000001", "000002"]


def test_the_error_report_cannot_overwrite_the_file_being_imported(store, tmp_path):
    rows, _ = registry(2, bad_every=2)
    path = write(tmp_path, "registry.csv", csv_bytes(rows))
    before = path.read_bytes()
    r = cli(store, str(path), "--errors", str(tmp_path / "." / "registry.csv"), "--yes")
    assert_clean_failure(r, 1, "is the file being imported; give another name for the report")
    assert path.read_bytes() == before and stored(store) == {}


def test_every_row_bad_is_refused(store, tmp_path):
    rows, _ = registry(2)
    for row in rows:
        row[HEADER.index("DOB")] = "soon"
    path = write(tmp_path, "registry.csv", csv_bytes(rows))
    r = cli(store, str(path), "--yes")
    assert_clean_failure(r, 1, "no row can be imported: every row was refused (listed above); nothing was stored")
    assert 'row 2, DOB "soon": not a date' in r.stdout


def test_a_2000_row_registry_with_5_percent_bad_rows_imports_the_good_ones_after_one_answer(store, tmp_path):
    rows, bad = registry(2000, bad_every=20)
    assert len(bad) == 100
    path = write(tmp_path, "registry.csv", csv_bytes(rows))
    errors = tmp_path / "errors.csv"
    r = cli(store, str(path), "--errors", str(errors), stdin="y\n")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Preview: 1,900 to add, 0 to update, 0 unchanged, 100 rows refused." in out
    assert out.count("Import 1,900 patients? [y/N]") == 1
    assert "Imported: 1,900 added, 0 updated, 0 unchanged (one transaction)." in out
    assert "100 refused rows were skipped and not imported" in out
    assert "The error report holds patient data" in out
    # Every bad row is listed, with its column, value and why.
    listed = [line.strip() for line in out.splitlines() if line.startswith("  row ")]
    assert len(listed) == 100
    for number, (column, value, why) in bad.items():
        assert any(line.startswith(f'row {number}, {column} "{value}": ') and why in line for line in listed), number
    # The report has the same rows; a formula in a cell opens as text (billing_report.csv_cell).
    with errors.open(encoding="utf-8-sig", newline="") as f:
        report = list(csv.reader(f))
    assert report[0] == ["Where", "Field", "Value", "Why"] and len(report) == 101
    assert [
        "row 41",
        "Home Phone",
        '\'=HYPERLINK("http://example.invalid")',
        "not a phone number; type all 10 digits",
    ] in report
    assert stored_mrns(store) == {mrn(n - 1) for n in range(2, 2002) if n not in bad}
