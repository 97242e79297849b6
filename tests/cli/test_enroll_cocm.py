"""CoCM from a terminal, in real processes over a store made as `caredesk init` makes it: the
patient is enrolled in APCM and CoCM with consent and billing practitioner, the record shows
them, minutes are logged to CoCM, and the month's bill carries APCM's behavioral add-on
(G0568 in the episode's first month, G0569 once its start is corrected to an earlier month:
CY2026 PFS final rule; SPEC 3)."""

from __future__ import annotations

import csv

from tests.cli.test_patient import FIRST, TODAY, _us, cli, show, store  # noqa: F401 (store is a fixture)


def _billed(store, tmp_path) -> dict[str, str]:  # noqa: F811
    out = tmp_path / "bill.csv"
    r = cli(store, "report", "billing", "--month", f"{TODAY:%Y-%m}", "--csv", str(out))
    assert r.returncode == 0, r.stderr
    (row,) = [x for x in csv.DictReader(out.open(encoding="utf-8")) if x["mrn"] == "T0001"]
    return row


def test_cocm_is_enrolled_shown_billed_and_corrected(store, tmp_path):  # noqa: F811
    for program in ("APCM", "cocm"):  # the program's name in any case
        r = cli(
            store, "enroll", "--mrn", "T0001", "--program", program, "--start", _us(FIRST),
            "--consent-date", _us(FIRST), "--consent-method", "verbal", "--practitioner", "Dr Adams",
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
    cocm = next(e for e in show(store)["enrollments"] if e["program"] == "CoCM")
    assert (cocm["consent_date"], cocm["billing_practitioner"]) == (FIRST.isoformat(), "Dr Adams")
    assert "CoCM" in cli(store, "patient", "show", "--mrn", "T0001").stdout
    # No CoCM care logged yet: the add-on says why it did not bill.
    row = _billed(store, tmp_path)
    assert row["codes"] == "G0557"
    assert "G0568: no CoCM care logged this month on or after the consent" in row["reasons"]
    r = cli(store, "log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "30", "--program", "CoCM")
    assert r.returncode == 0, r.stderr
    assert _billed(store, tmp_path)["codes"] == "G0557, G0568"
    # The episode began last month after all: corrected, this month is a later month (G0569).
    earlier = FIRST.replace(month=FIRST.month - 1)
    r = cli(
        store, "enroll", "--mrn", "T0001", "--program", "CoCM", "--change", "--start", _us(earlier),
        "--consent-date", _us(earlier),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert _billed(store, tmp_path)["codes"] == "G0557, G0569"
