"""`caredesk assess`, `assess history` and `safety-check` in real processes.

Rules: PHQ-9 bands Kroenke 2001 (27 = severe), item 9 above 0 asks for a safety check that
the queue keeps at the top until it is documented (issue 10); the social-needs screen asks
the CMS AHC HRSN questions (interpersonal safety: items 6-9 here, more than 10 is positive).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from caredesk.domain.calendar import us_date
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.cli.test_cli import store as store  # the store with patient T0001, enrolled in CCM
from tests.cli.test_observations import clinic_today


def caredesk(store, *args: str):
    return run(*args, "--data-dir", str(store.path), env=pw_env())


def queue_reasons(store) -> list[str]:
    out = caredesk(store, "queue", "--json")
    assert out.returncode == 0, out.stderr
    return [x["text"] for row in json.loads(out.stdout) if row["mrn"] == "T0001" for x in row["reasons"]]


def test_nine_answers_of_3_score_27_severe_with_the_safety_line_and_stay_on_top_until_checked(store):
    today = clinic_today()
    saved = caredesk(store, "assess", "--mrn", "T0001", "--instrument", "phq9", "--answers", "3,3,3,3,3,3,3,3,3")
    assert saved.returncode == 0, saved.stderr
    lines = saved.stdout.splitlines()
    assert lines[0] == f"Saved PHQ-9 for T0001 on {us_date(today)} (screen 1): score 27, severe."
    assert lines[1] == "SAFETY: item 9 positive - document a safety check"
    flag = f"PHQ-9 item 9 positive on {today:%m/%d} - safety check"
    reasons = queue_reasons(store)
    assert reasons[0] == flag and "PHQ-9 27 - re-screen" in reasons  # the computed score

    refused = caredesk(store, "safety-check", "--mrn", "T0001", "--actions", "")
    assert_clean_failure(refused, 1, "actions: say what was done")
    assert queue_reasons(store)[0] == flag  # nothing saved, still flagged

    checked = caredesk(
        store,
        "safety-check",
        "--mrn",
        "T0001",
        "--actions",
        "crisis-line,pcp-told",
        "--note",
        "No plan.",
        "--by",
        "Ana Ruiz, RN",
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == (
        f"Safety check recorded for T0001's PHQ-9 of {us_date(today)} (screen 1) by Ana Ruiz, RN: "
        "crisis line given (988), PCP told."
    )
    assert flag not in queue_reasons(store)
    assert "PHQ-9 27 - re-screen" in queue_reasons(store)


def test_a_checked_screen_refuses_a_second_check_and_history_shows_the_check_in_full(store):
    # Issue 10: the safety check records who, when and what was done; one per flagged screen.
    caredesk(store, "assess", "--mrn", "T0001", "--instrument", "phq9", "--answers", "0,0,0,0,0,0,0,0,1")
    check = ("safety-check", "--mrn", "T0001", "--actions", "crisis-line,pcp-told", "--by", "Ana Ruiz, RN")
    first = caredesk(store, *check, "--note", "No plan;\nlives with daughter.")
    assert first.returncode == 0, first.stderr
    again = caredesk(store, *check, "--screen", "1")
    assert_clean_failure(
        again, 1, "screen: screen 1 already has a safety check (by Ana Ruiz, RN on 11/24/2026 10:30 AM)"
    )
    table = caredesk(store, "assess", "history", "--mrn", "T0001").stdout.splitlines()
    assert table[2].endswith("checked")
    assert table[3].strip() == (
        "safety check 11/24/2026 10:30 AM by Ana Ruiz, RN: crisis line given (988), PCP told; "
        "note: No plan; lives with daughter."
    )
    assert table[-1] == "1 screen"  # the second check was not kept
    (row,) = json.loads(caredesk(store, "assess", "history", "--mrn", "T0001", "--json").stdout)
    assert row["safety_checked"] is True
    assert row["safety_check"] == {
        "checked_at": "2026-11-24T10:30:00-05:00",
        "by": "Ana Ruiz, RN",
        "actions": ["crisis-line", "pcp-told"],
        "note": "No plan;\nlives with daughter.",
    }


def test_every_instrument_says_the_same_keys_in_json(store):
    keys = set()
    for instrument, answers in (("phq2", "0,0"), ("phq9", "0,0,0,0,0,0,0,0,1"), ("gad7", "0,0,0,0,0,0,0")):
        out = caredesk(store, "assess", "--mrn", "T0001", "--instrument", instrument, "--answers", answers, "--json")
        saved = json.loads(out.stdout)
        keys.add(frozenset(saved))
        assert saved["safety_checked"] is (False if instrument == "phq9" else None)  # null: no flag to check
        assert saved["safety_check"] is None
    assert len(keys) == 1
    listed = json.loads(caredesk(store, "assess", "history", "--mrn", "T0001", "--json").stdout)
    assert {frozenset(r) for r in listed} == keys


def test_a_partial_set_is_saved_incomplete_and_history_lists_it(store):
    day = clinic_today() - timedelta(days=2)
    saved = caredesk(
        store, "assess", "--mrn", "T0001", "--instrument", "PHQ-9", "--answers", "1,2,,", "--on", day.isoformat()
    )
    assert_clean_failure(saved, 1, "PHQ-9: needs 9 answers, not 4")
    saved = caredesk(
        store, "assess", "--mrn", "T0001", "--instrument", "phq9", "--answers", "1,2,,,,,,,", "--on", us_date(day)
    )
    assert saved.returncode == 0, saved.stderr
    assert (
        saved.stdout.strip()
        == f"Saved PHQ-9 for T0001 on {us_date(day)} (screen 1) as incomplete: 2 of 9 answered, not scored."
    )
    caredesk(store, "assess", "--mrn", "T0001", "--instrument", "gad7", "--answers", "0,1,2,3,0,1,2")
    listed = caredesk(store, "assess", "history", "--mrn", "T0001", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["instrument"], r["complete"], r["score"], r["band"]) for r in rows] == [
        ("PHQ-9", False, None, None),
        ("GAD-7", True, 9, "mild"),  # Spitzer 2006: 5-9 mild
    ]
    assert rows[0]["answers"] == [1, 2, None, None, None, None, None, None, None]
    table = caredesk(store, "assess", "history", "--mrn", "T0001", "--instrument", "gad7")
    assert table.returncode == 0 and "GAD-7" in table.stdout and "PHQ-9" not in table.stdout
    assert table.stdout.strip().endswith("1 screen")
    assert "incomplete" not in queue_reasons(store)  # an incomplete screen makes no reason


def test_a_positive_phq2_says_continue_with_the_phq9_and_json_says_so(store):
    out = caredesk(store, "assess", "--mrn", "T0001", "--instrument", "phq2", "--answers", "2,1", "--json")
    assert out.returncode == 0, out.stderr
    saved = json.loads(out.stdout)
    assert (saved["score"], saved["band"], saved["follow_on"], saved["safety"]) == (3, "positive", "PHQ-9", False)
    text = caredesk(store, "assess", "--mrn", "T0001", "--instrument", "phq2", "--answers", "2,1")
    assert "Positive PHQ-2: continue with the PHQ-9 (--instrument phq9 --answers 2,1,,,,,,," in text.stdout


def test_a_positive_social_needs_safety_domain_is_a_safety_flag_at_the_top(store):
    today = clinic_today()
    out = caredesk(store, "assess", "--mrn", "T0001", "--instrument", "social", "--answers", "0,1,0,0,0,4,3,2,2")
    assert out.returncode == 0, out.stderr
    assert "SAFETY: interpersonal-safety items positive - document a safety check" in out.stdout
    assert "Positive: food - a referral to a community resource may help." in out.stdout
    reasons = queue_reasons(store)
    assert reasons[0] == f"Social-needs safety item positive on {today:%m/%d} - safety check"
    assert "Social needs positive - food: no referral yet" in reasons  # food, not safety


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--instrument", "phq8", "--answers", "0"), "--instrument: must be one of: phq2, phq9, gad7, social"),
        (("--instrument", "phq9", "--answers", "3,3,3,9,3,3,3,3,3"), "PHQ-9 item 4: must be one of 0, 1, 2, 3"),
        (("--instrument", "phq9", "--answers", "3,3,x,3,3,3,3,3,3"), "PHQ-9 item 3: x is not an answer (0-3)"),
        # A leading dash is the value, not an option; a full-width digit is not an answer.
        (("--instrument", "phq9", "--answers", "-1,0,0,0,0,0,0,0,0"), "PHQ-9 item 1: -1 is not an answer (0-3)"),
        (("--answers", "-1,0", "--instrument", "phq2"), "PHQ-2 item 1: -1 is not an answer (0-3)"),
        (("--instrument", "gad7", "--answers", "0,\uff10,0,0,0,0,0"), "GAD-7 item 2: \uff10 is not an answer (0-3)"),
        (("--instrument", "phq9", "--answers", ""), "PHQ-9: needs 9 answers, none given"),
        (("--instrument", "phq2", "--answers", " , "), "PHQ-2: needs 2 answers, none given"),
        (("--instrument", "phq9", "--answers", "0,0,0,0,0,0,0,0"), "PHQ-9: needs 9 answers, not 8"),
        (
            ("--instrument", "social", "--answers", "0,0,0,0,0,0,1,1,1"),
            "social needs item 6: must be one of 1, 2, 3, 4, 5",
        ),
        (("--instrument", "phq2", "--answers", "0,0", "--on", "02/30/2026"), "--on"),
    ],
)
def test_bad_answers_are_one_clear_line_and_nothing_is_saved(store, args, message):
    out = caredesk(store, "assess", "--mrn", "T0001", *args)
    assert_clean_failure(out, 2 if "--on" in args else 1, message)  # a malformed date is a usage error
    listed = caredesk(store, "assess", "history", "--mrn", "T0001", "--json")
    assert json.loads(listed.stdout) == []


def test_a_future_date_and_missing_options_are_refused(store):
    tomorrow = (clinic_today() + timedelta(days=1)).isoformat()
    out = caredesk(store, "assess", "--mrn", "T0001", "--instrument", "phq2", "--answers", "0,0", "--on", tomorrow)
    assert_clean_failure(out, 1, "date: cannot be in the future")
    assert_clean_failure(
        caredesk(store, "assess", "--mrn", "T0001"), 2, "assess needs --mrn, --instrument and --answers"
    )


def test_safety_check_needs_an_open_flag_and_a_screen_when_several_are_open(store):
    assert_clean_failure(
        caredesk(store, "safety-check", "--mrn", "T0001", "--actions", "pcp-told"), 1, "no open safety flag"
    )
    for _ in range(2):
        caredesk(store, "assess", "--mrn", "T0001", "--instrument", "phq9", "--answers", "0,0,0,0,0,0,0,0,1")
    out = caredesk(store, "safety-check", "--mrn", "T0001", "--actions", "pcp-told")
    assert_clean_failure(out, 1, "--screen: 2 safety flags are open (screens 1, 2): name one")
    out = caredesk(store, "safety-check", "--mrn", "T0001", "--actions", "other", "--screen", "2")
    assert_clean_failure(out, 1, "note: say what was done")
    out = caredesk(store, "safety-check", "--mrn", "T0001", "--actions", "pcp-told,safety-plan", "--screen", "2")
    assert out.returncode == 0, out.stderr
    assert "Still open: PHQ-9 item 9 positive on" in out.stdout and "(screen 1)" in out.stdout
    history = caredesk(store, "assess", "history", "--mrn", "T0001")
    lines = [line for line in history.stdout.splitlines() if "PHQ-9" in line]
    assert lines[0].endswith("FLAG OPEN") and lines[1].endswith("checked")
