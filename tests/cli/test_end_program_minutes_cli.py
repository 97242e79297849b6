"""`caredesk enroll --end` over minutes already logged after the end date, in real processes:
the output line says which minutes stop counting (SPEC 3: minutes after a program's end count
for nothing), `report billing` lists the patient with the reason, and `contacts` says its
minutes are those logged (a tester read "Minutes counted: CCM 12 min" beside a report that did
not list the patient)."""

from __future__ import annotations

from pypdf import PdfReader

from tests.cli.test_patient import cli, store  # noqa: F401 (store is a fixture)


def _in_ccm_with_14_minutes_on_11_02(store) -> None:  # noqa: F811
    """T0001 in CCM with consent from 10/01/2026, a reached call of 14 min on 11/02/2026."""
    r = cli(
        store, "enroll", "--mrn", "T0001", "--program", "CCM", "--start", "10/01/2026",
        "--consent-date", "10/01/2026", "--consent-method", "verbal",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = cli(
        store, "log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "14",
        "--date", "11/02/2026", "--program", "CCM",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr


def test_ending_before_logged_minutes_says_so_and_the_report_says_why(store):  # noqa: F811
    _in_ccm_with_14_minutes_on_11_02(store)

    r = cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--end", "10/31/2026")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == (
        "Ended CCM for MRN T0001 on 10/31/2026 (enrolled 10/01/2026); "
        "14 min logged on 11/02 under CCM will no longer count."
    )

    pdf = store.path.parent / "billing.pdf"
    report = cli(store, "report", "billing", "--month", "2026-11", "--pdf", str(pdf))
    assert report.returncode == 0, report.stderr
    assert report.stdout.startswith(
        "Billing for 2026-11: 0 enrolled patients, 1 not enrolled with minutes after their program ended, "
        "0 with codes earned, 0 minutes counted, 14 more logged that count for nothing."
    )
    # The PDF's head says it the same way (it said "1 enrolled patients").
    text = " ".join(" ".join(PdfReader(pdf).pages[0].extract_text().split()).split())
    assert "0 enrolled patients, 1 not enrolled with minutes after their program ended; 0 with codes earned" in text
    (line,) = [x for x in report.stdout.splitlines() if "T0001" in x]
    assert "14 min after CCM ended 10/31 count for nothing" in line

    contacts = cli(store, "contacts", "--mrn", "T0001", "--month", "2026-11")
    assert contacts.returncode == 0, contacts.stderr
    assert (
        "Minutes logged in 2026-11: CCM 14 min (what counts for billing: caredesk report billing --month 2026-11)"
        in contacts.stdout
    )


def test_an_end_taking_no_minutes_says_nothing_more(store):  # noqa: F811
    r = cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--start", "10/01/2026")
    assert r.returncode == 0, r.stderr
    r = cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--end", "10/31/2026")
    assert r.stdout.strip() == "Ended CCM for MRN T0001 on 10/31/2026 (enrolled 10/01/2026)."


def test_a_corrected_end_date_says_which_minutes_it_takes(store):  # noqa: F811
    _in_ccm_with_14_minutes_on_11_02(store)
    r = cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--change", "--end", "10/31/2026")
    assert r.returncode == 0, r.stderr
    assert "Changed the CCM enrollment of MRN T0001: end date." in r.stdout
    assert r.stdout.splitlines()[-1] == "14 min logged on 11/02 under CCM will no longer count."


def test_minutes_after_the_end_are_refused_saying_the_way_out(store):  # noqa: F811
    """A call with minutes on a day no program covers (CCM ended 10/31) is refused as before
    (SPEC 3), and the line says what to do: --minutes 0, or correct the end date; with
    --minutes 0 the contact is logged. A tester read only "not enrolled in a program on ..."."""
    _in_ccm_with_14_minutes_on_11_02(store)
    assert cli(store, "enroll", "--mrn", "T0001", "--program", "CCM", "--end", "10/31/2026").returncode == 0
    call = ("log-contact", "--mrn", "T0001", "--outcome", "reached", "--date", "11/20/2026", "--note", "Took meds")
    r = cli(store, *call, "--minutes", "5")
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "caredesk: --minutes: the patient is not enrolled in a program on 11/20/2026, so 5 min cannot be logged: "
        "log the contact with --minutes 0, or correct the end date "
        "(caredesk enroll --mrn T0001 --program P --change --end DATE)"
    )
    r = cli(store, *call, "--minutes", "0")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "Logged reached for T0001, no minutes."


def test_minutes_for_a_patient_never_enrolled_say_to_enroll(store):  # noqa: F811
    r = cli(store, "log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "5")
    assert r.returncode == 1
    assert "log the contact with --minutes 0, or enroll the patient first (caredesk enroll --mrn T0001 ...)" in r.stderr
