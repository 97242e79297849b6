"""The other numbers CareDesk is given are checked as a patient's phone is (domain.phone_entry),
through real `caredesk` processes: a care-team member's (`careteam add|edit`), the practice's
lines (`practice`; they print on the patient's copy under "Who to call") and a community
resource's (`resources add|edit|import`). A number on file before the check stays as it is
while other fields change.

The rule's source: a North American (NANP) number has 10 digits (3 of area code, 7 of local
number); libphonenumber's US metadata reads 7 digits alone as IS_POSSIBLE_LOCAL_ONLY. Area code
555 is NANPA's unassigned one, the fiction these tests use."""

from __future__ import annotations

import json

from caredesk.services import store_settings
from caredesk.services.access import Access
from caredesk.services.practice import KEY
from tests.cli.test_cli import assert_clean_failure
from tests.cli.test_cli import store as store  # the store with patient T0001, enrolled in CCM
from tests.cli.test_community import caredesk, ok
from tests.conftest import PASSPHRASE

NO_AREA_CODE = "555-0142 has no area code; type all 10 digits"


def test_a_care_team_number_without_its_area_code_is_refused_and_nothing_is_stored(store):
    team = ("careteam", "add", "--mrn", "T0001", "--role", "PCP", "--name", "Dr. Lee")
    assert_clean_failure(caredesk(store, *team, "--phone", "555-0142"), 1, f"care-team phone: {NO_AREA_CODE}")
    assert "Dr. Lee" not in ok(store, "careteam", "list", "--mrn", "T0001")
    ok(store, *team, "--phone", "(555) 010-0142")
    assert "(555) 010-0142" in ok(store, "careteam", "list", "--mrn", "T0001")


def test_a_practice_line_is_checked_when_given_and_one_on_file_stays_as_it_is(store):
    assert_clean_failure(
        caredesk(store, "practice", "--practice-phone", "555-0142"), 1, f"practice phone: {NO_AREA_CODE}"
    )
    ws = Access(store).unlock(PASSPHRASE)
    try:  # a line saved before the check, as an older CareDesk saved it
        store_settings.save(ws, KEY, {"practice_phone": "555-0142"}, "practice profile")
    finally:
        ws.lock()
    ok(store, "practice", "--name", "Sam Rivera")  # another field: the line on file is not asked about
    shown = ok(store, "practice")
    assert "Sam Rivera" in shown and "555-0142" in shown
    assert_clean_failure(caredesk(store, "practice", "--after-hours", "555-0199"), 1, "after-hours phone: 555-0199")


def test_a_resource_number_is_checked_added_edited_or_imported_all_rows_or_none(store, tmp_path):
    add = ("resources", "add", "--name", "Food bank", "--needs", "food")
    assert_clean_failure(caredesk(store, *add, "--phone", "555-0142"), 1, f"phone: {NO_AREA_CODE}")
    ok(store, *add, "--phone", "555-010-2001")
    assert_clean_failure(caredesk(store, "resources", "edit", "1", "--phone", "555-0142"), 1, f"phone: {NO_AREA_CODE}")
    csv = tmp_path / "directory.csv"
    csv.write_text("name,needs,phone\nRides,transportation,555-010-2002\nPantry,food,555-0142\n", encoding="utf-8")
    assert_clean_failure(caredesk(store, "resources", "import", str(csv)), 1, f"row 3: phone: {NO_AREA_CODE}")
    listed = json.loads(ok(store, "resources", "list", "--all", "--json"))
    assert [(r["name"], r["phone"]) for r in listed] == [("Food bank", "555-010-2001")]  # nothing of the file
