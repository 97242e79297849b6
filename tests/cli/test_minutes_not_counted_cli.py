"""`caredesk report billing` tells the minutes that count from those that count for nothing, in
real processes: the head, the patient's line, the CSV's columns and the PDF (SPEC 3, CMS
MLN909188: minutes after a program's end count for nothing). A tester ended CCM the day before
a 14-minute call: the report still gave the patient 14 minutes and the total counted them."""

from __future__ import annotations

import csv
import json

from pypdf import PdfReader

from tests.cli.test_patient import cli, store  # noqa: F401 (store is a fixture)


def test_minutes_after_the_end_are_shown_apart_in_the_text_csv_and_pdf(store):  # noqa: F811
    for args in (
        ("enroll", "--mrn", "T0001", "--program", "CCM", "--start", "10/01/2026",
         "--consent-date", "10/01/2026", "--consent-method", "verbal"),
        ("log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "14", "--date", "11/20/2026"),
        ("enroll", "--mrn", "T0001", "--program", "CCM", "--end", "11/19/2026"),
    ):  # fmt: skip
        r = cli(store, *args)
        assert r.returncode == 0, r.stderr

    out_csv, out_pdf = store.path.parent / "billing.csv", store.path.parent / "billing.pdf"
    r = cli(store, "report", "billing", "--month", "2026-11", "--csv", str(out_csv), "--pdf", str(out_pdf))
    assert r.returncode == 0, r.stderr
    head, *_rest = r.stdout.splitlines()
    assert head.endswith("0 with codes earned, 0 minutes counted, 14 more logged that count for nothing.")
    (line,) = [x for x in r.stdout.splitlines() if "T0001" in x]
    assert line == (
        "  T0001  0 min (+14 min that count for nothing)  "
        "0 of 20 min for 99490; 14 min after CCM ended 11/19 count for nothing"
    )

    with out_csv.open(encoding="utf-8", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert (row["clinical_staff_minutes"], row["physician_minutes"], row["minutes_not_counted"]) == ("0", "0", "14")

    text = " ".join(PdfReader(out_pdf).pages[0].extract_text().split())
    assert "0 minutes counted, 14 more logged that count for nothing." in text
    assert "0 / 0 (+14 not counted)" in text


def test_contacts_says_which_logged_minutes_count_for_nothing(store):  # noqa: F811
    for args in (
        ("enroll", "--mrn", "T0001", "--program", "CCM", "--start", "10/01/2026",
         "--consent-date", "10/01/2026", "--consent-method", "verbal"),
        ("log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "9", "--date", "11/18/2026"),
        ("log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "14", "--date", "11/20/2026"),
        ("enroll", "--mrn", "T0001", "--program", "CCM", "--end", "11/19/2026"),
    ):  # fmt: skip
        r = cli(store, *args)
        assert r.returncode == 0, r.stderr
    r = cli(store, "contacts", "--mrn", "T0001", "--month", "2026-11")
    assert r.returncode == 0, r.stderr
    logged, counted = r.stdout.splitlines()[-2:]
    assert logged.startswith("Minutes logged in 2026-11: CCM 23 min (what counts for billing:")
    assert counted == "  9 of them count for billing: 14 min after CCM ended 11/19 count for nothing"
    r = cli(store, "contacts", "--mrn", "T0001", "--month", "2026-11", "--json")
    out = json.loads(r.stdout)
    assert (out["minutes_by_program"], out["minutes_not_counted"]) == ({"CCM": 23}, 14)
    assert out["not_counted_why"] == ["14 min after CCM ended 11/19 count for nothing"]
