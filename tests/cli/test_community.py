"""`caredesk resources`, `refer`, `referral update` and `referrals` in real processes.

Rules: SPEC section 3 (Assessments: a positive social-needs domain suggests a matching
resource; Call queue: "a referral with no news for 14 days"); issue 10 (the loop proposed ->
sent -> accepted -> completed / declined / closed; "Food bank referral sent 11/03 - no news",
closing clears it; a step out of order is refused naming the step, nothing saved). The
social-needs answers are the CMS AHC HRSN Screening Tool's (question 3, food: "sometimes
true" is positive). The clock is pinned to tests.conftest.NOW (CAREDESK_CLOCK).
"""

from __future__ import annotations

import json
from datetime import timedelta

from caredesk.domain.calendar import us_date
from tests.cli.test_assess import caredesk, queue_reasons
from tests.cli.test_cli import assert_clean_failure
from tests.cli.test_cli import store as store  # the store with patient T0001, enrolled in CCM
from tests.conftest import TODAY


def ok(store, *args: str) -> str:
    out = caredesk(store, *args)
    assert out.returncode == 0, out.stderr
    return out.stdout


def md(day) -> str:
    return f"{day:%m/%d}"


def test_the_directory_is_added_listed_edited_and_imported(store, tmp_path):
    said = ok(
        store, "resources", "add", "--name", "Food bank", "--needs", "food;transportation", "--phone", "555-010-2001"
    )
    assert said.strip() == "Added community resource 1: Food bank (food; transportation)."
    csv = tmp_path / "directory.csv"
    csv.write_bytes("\ufeffName,Needs,Hours\nSafe Harbor Helpline,interpersonal safety,24 hours\n".encode())
    assert ok(store, "resources", "import", str(csv)).strip() == "Imported 1 community resource from directory.csv."
    edited = ok(store, "resources", "edit", "1", "--hours", "Tue 10-2", "--inactive")
    assert edited.strip() == "Community resource 1 saved: Food bank (food; transportation), inactive."
    assert ok(store, "resources", "list", "--need", "food").splitlines() == ["0 resources"]
    listed = json.loads(ok(store, "resources", "list", "--all", "--json"))
    assert [(r["id"], r["name"], r["needs"], r["hours"], r["active"]) for r in listed] == [
        (1, "Food bank", ["food", "transportation"], "Tue 10-2", False),
        (2, "Safe Harbor Helpline", ["safety"], "24 hours", True),
    ]
    assert "Safe Harbor Helpline" in ok(store, "resources", "list", "--search", "harbor")
    ok(store, "resources", "add", "--name", "Café Comunitario", "--needs", "food")
    found = json.loads(ok(store, "resources", "list", "--search", "cafe", "--json"))
    assert [r["name"] for r in found] == ["Café Comunitario"]  # accents ignored, as the patient search


def test_the_same_name_without_a_phone_is_refused_naming_what_matched(store):
    ok(store, "resources", "add", "--name", "Fakeville Food Pantry", "--needs", "food", "--phone", "555-010-2000")
    twin = caredesk(store, "resources", "add", "--name", "Fakeville Food Pantry", "--needs", "food")
    assert_clean_failure(
        twin,
        1,
        "name: is already in the directory (resource 1, phone 555-010-2000); give this one's phone if it is another site",
    )
    ok(store, "resources", "add", "--name", "Fakeville Food Pantry", "--needs", "food", "--phone", "555-010-2999")
    cleared = caredesk(store, "resources", "edit", "2", "--phone", "")
    assert_clean_failure(cleared, 1, "name: is already in the directory (resource 1, phone 555-010-2000)")
    assert [r["phone"] for r in json.loads(ok(store, "resources", "list", "--json"))] == [
        "555-010-2000",
        "555-010-2999",
    ]


def test_a_bad_csv_row_imports_nothing_and_names_each_bad_row(store, tmp_path):
    csv = tmp_path / "directory.csv"
    csv.write_text("name,needs,phone\nFood bank,food,555-010-2001\nRides,cars,555-01\n,food,\n", encoding="utf-8")
    refused = caredesk(store, "resources", "import", str(csv))
    assert_clean_failure(
        refused,
        1,
        'directory.csv: nothing imported - row 3: needs: "cars" is not a need; must be one of: housing, food, transportation, '
        "utilities, interpersonal safety, other; row 3: phone: 555-01 is not a phone number; type all 10 digits; row 4: name: is required",
    )
    assert ok(store, "resources", "list", "--all").splitlines() == ["0 resources"]
    unknown = caredesk(store, "resources", "import", str(tmp_path / "none.csv"))
    assert_clean_failure(unknown, 1, "none.csv: no such file")


def test_a_referral_goes_through_its_steps_and_an_out_of_order_step_is_refused(store):
    ok(store, "resources", "add", "--name", "Food bank", "--needs", "food")
    nov3 = TODAY.replace(day=3)
    made = ok(store, "refer", "--mrn", "t0001", "--resource", "1", "--need", "Food", "--on", "11/03/2026")
    assert made.strip() == f"Referral 1 for T0001 to Food bank (food): proposed on {us_date(nov3)}."
    refused = caredesk(store, "referral", "update", "1", "--status", "completed")
    assert_clean_failure(refused, 1, "status: a proposed referral cannot be completed before it is sent")
    early = caredesk(store, "referral", "update", "1", "--status", "sent", "--on", "11/02/2026")
    assert_clean_failure(early, 1, "date: cannot be before the last step (proposed on 11/03/2026)")
    sent = ok(store, "referral", "update", "1", "--status", "sent", "--on", "2026-11-04", "--note", "Faxed")
    assert sent.strip() == "Referral 1 is sent (11/04/2026); the referral is open."
    ok(store, "referral", "update", "1", "--status", "accepted", "--on", "11/10/2026")
    done = ok(store, "referral", "update", "1", "--status", "completed", "--note", "Groceries came")
    assert done.strip() == f"Referral 1 is completed ({us_date(TODAY)}); the referral is closed."
    (listed,) = json.loads(ok(store, "referrals", "--mrn", "T0001", "--json"))
    assert (listed["resource"], listed["need"], listed["status"], listed["open"]) == (
        "Food bank",
        "food",
        "completed",
        False,
    )
    assert [(s["status"], s["on"], s["note"]) for s in listed["steps"]] == [
        ("proposed", "2026-11-03", ""),
        ("sent", "2026-11-04", "Faxed"),
        ("accepted", "2026-11-10", ""),
        ("completed", TODAY.isoformat(), "Groceries came"),
    ]
    text = ok(store, "referrals", "--mrn", "T0001").splitlines()
    assert text[0].split() == ["1", "completed", "food", "Food", "bank", "(resource", "1)"]
    assert text[-1] == "1 referral"


def test_referral_update_records_news_with_a_note_alone_and_names_the_steps_it_may_take(store):
    ok(store, "resources", "add", "--name", "Food bank", "--needs", "food")
    ok(store, "refer", "--mrn", "T0001", "--resource", "1", "--need", "food", "--on", "11/03/2026")
    ok(store, "referral", "update", "1", "--status", "sent", "--on", "11/04/2026")
    news = ok(store, "referral", "update", "1", "--note", "called, waiting")
    assert news.strip() == f"Referral 1: news recorded ({us_date(TODAY)}); it is still sent."
    neither = caredesk(store, "referral", "update", "1")
    assert_clean_failure(neither, 2, "referral update needs --status, or --note alone to record news")
    bogus = caredesk(store, "referral", "update", "1", "--status", "bogus")
    assert_clean_failure(
        bogus, 1, "status: must be one of: accepted, declined, closed; or sent again with a note (news)"
    )
    ok(store, "referral", "update", "1", "--status", "closed", "--note", "moved away")
    after = caredesk(store, "referral", "update", "1", "--note", "called again")
    assert_clean_failure(
        after,
        1,
        f"status: referral 1 is closed (closed on {us_date(TODAY)}); nothing follows a closed referral: make a new one",
    )
    (listed,) = json.loads(ok(store, "referrals", "--mrn", "T0001", "--json"))
    assert [(s["status"], s["note"]) for s in listed["steps"]] == [
        ("proposed", ""),
        ("sent", ""),
        ("sent", "called, waiting"),
        ("closed", "moved away"),
    ]


def test_the_queue_says_no_news_after_14_quiet_days_not_13_and_forgets_a_closed_referral(store):
    ok(store, "resources", "add", "--name", "Food bank", "--needs", "food")
    ok(store, "resources", "add", "--name", "Senior Rides", "--needs", "transportation")
    day13, day14 = TODAY - timedelta(days=13), TODAY - timedelta(days=14)
    ok(store, "refer", "--mrn", "T0001", "--resource", "2", "--need", "transportation", "--on", day13.isoformat())
    ok(
        store,
        "refer",
        "--mrn",
        "T0001",
        "--resource",
        "1",
        "--need",
        "food",
        "--on",
        (day14 - timedelta(3)).isoformat(),
    )
    ok(store, "referral", "update", "2", "--status", "sent", "--on", day14.isoformat())
    reasons = [r for r in queue_reasons(store) if "no news" in r]
    assert reasons == [f"Food bank referral sent {md(day14)} - no news"]  # Senior Rides: 13 days
    ok(store, "referral", "update", "2", "--status", "closed", "--note", "Found help elsewhere")
    assert not any("no news" in r for r in queue_reasons(store))


def test_a_positive_food_item_suggests_the_food_resource_until_it_is_referred(store):
    ok(store, "resources", "add", "--name", "Food bank", "--needs", "food")
    ok(store, "resources", "add", "--name", "Senior Rides", "--needs", "transportation")
    screen = ok(store, "assess", "--mrn", "T0001", "--instrument", "social", "--answers", "0,1,0,0,0,1,1,1,1")
    assert "Positive: food" in screen
    assert "Social needs positive - food: no referral yet" in queue_reasons(store)
    suggested = ok(store, "referrals", "suggest", "--mrn", "T0001").splitlines()
    assert suggested == [
        f"Social-needs screen of {us_date(TODAY)} (screen 1):",
        "  food: 1 Food bank",
        "    caredesk refer --mrn T0001 --resource 1 --need food --screen 1",
    ]
    ok(store, "refer", "--mrn", "T0001", "--resource", "1", "--need", "food", "--screen", "1")
    assert "Social needs positive - food: no referral yet" not in queue_reasons(store)
    again = json.loads(ok(store, "referrals", "suggest", "--mrn", "T0001", "--json"))
    assert again["screen_id"] == 1 and again["needs"][0]["referrals"] == [1]


def test_refer_names_only_a_social_needs_screen_of_the_patient_that_found_the_need(store):
    # SPEC section 3, Assessments: a positive social-needs domain suggests the referral; a
    # PHQ-9 (screen 1) never does, nor a social-needs screen negative for the need (screen 2).
    ok(store, "resources", "add", "--name", "Food bank", "--needs", "food;housing")
    ok(store, "assess", "--mrn", "T0001", "--instrument", "phq9", "--answers", "1,1,1,1,1,1,1,1,0")
    ok(store, "assess", "--mrn", "T0001", "--instrument", "social", "--answers", "0,1,0,0,0,1,1,1,1")
    refer = ("refer", "--mrn", "T0001", "--resource", "1", "--need")
    phq9 = caredesk(store, *refer, "food", "--screen", "1")
    assert_clean_failure(phq9, 1, "screen: screen 1 is a PHQ-9, not a social-needs screen")
    housing = caredesk(store, *refer, "housing", "--screen", "2")
    assert_clean_failure(
        housing, 1, f"screen: screen 2 ({us_date(TODAY)}) did not find housing positive (it found: food)"
    )
    missing = caredesk(store, *refer, "food", "--screen", "9")
    assert_clean_failure(missing, 1, "screen: screen 9 is not one of this patient's screens")
    assert ok(store, "referrals", "--mrn", "T0001").splitlines() == ["0 referrals"]
    assert "Referral 1 " in ok(store, *refer, "food", "--screen", "2")


def test_usage_errors_are_one_line(store):
    assert_clean_failure(caredesk(store, "referrals"), 2, "referrals needs --mrn")
    bad_day = caredesk(store, "refer", "--mrn", "T0001", "--resource", "1", "--need", "food", "--on", "02/30/2026")
    assert_clean_failure(bad_day, 2, "--on: 02/30/2026 is not a real calendar date")
    assert_clean_failure(caredesk(store, "referral", "update", "9", "--status", "sent"), 1, "No referral with id 9.")
