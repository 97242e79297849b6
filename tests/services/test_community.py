"""The community-resource directory and its CSV import, on a real store.

SPEC section 5: bad input (import files) gets a clear message naming the field or row, and
nothing partial is stored; section 4: audit events name records by id. Needs: the CMS AHC
HRSN Screening Tool's core domains plus "other" (caredesk.domain.community).
"""

from __future__ import annotations

import pytest

from caredesk.domain import audit as events
from caredesk.domain.community import Need
from caredesk.errors import NotFound, ValidationError
from caredesk.services import community as directory
from caredesk.services.changes import Kind
from caredesk.services.resource_import import ImportRefused, import_resources, import_resources_data

HEADER = "name,needs,phone,address,hours,eligibility,notes\n"
GOOD = (
    HEADER + "Riverside Food Pantry,food,(555) 010-2001,12 Fictional Elm Street,Tue 10-2,County residents,Bring ID\n"
    'Brightwater Senior Rides,"transportation; other",555-010-2002,,Mon-Sat 7-6,60 and older,"Book two days\n'
    'ahead"\n'
)


def _all(ws):
    return directory.resources(ws, include_inactive=True)


def _audit(ws):
    with ws.uow() as uow:
        return [
            (e.action, e.entity, e.entity_id, e.detail) for e in uow.audit_log.all() if e.entity == "community resource"
        ]


def test_a_resource_is_added_searched_by_need_and_name_and_audited_by_id(workspace):
    saved = directory.add_resource(
        workspace, name="Riverside Food Pantry", needs="food;transportation", phone="(555) 010-2001", hours="Tue 10-2"
    )
    r = saved.value
    assert (r.needs, r.hours, r.active) == ((Need.FOOD, Need.TRANSPORTATION), "Tue 10-2", True)
    assert saved.changes.kinds == {Kind.REFERRAL}
    directory.add_resource(workspace, name="Lakeview Housing Help Desk", needs=["housing"])
    assert [x.name for x in directory.resources(workspace, need="transportation")] == ["Riverside Food Pantry"]
    assert [x.name for x in directory.resources(workspace, text="HOUSING")] == ["Lakeview Housing Help Desk"]
    assert directory.resource(workspace, r.id) == r
    assert _audit(workspace)[0] == (events.RECORD_CREATED, "community resource", str(r.id), "")


def test_a_bad_field_is_refused_by_name_and_nothing_is_saved(workspace):
    with pytest.raises(ValidationError, match="phone: 555-01 is not a phone number; type all 10 digits"):
        directory.add_resource(workspace, name="Pantry", needs="food", phone="555-01")
    with pytest.raises(ValidationError, match='needs: "groceries" is not a need; must be one of'):
        directory.add_resource(workspace, name="Pantry", needs="groceries")
    assert _all(workspace) == [] and _audit(workspace) == []


def test_the_same_name_and_phone_twice_is_refused(workspace):
    first = directory.add_resource(workspace, name="Riverside Food Pantry", needs="food", phone="555 010 2001").value
    with pytest.raises(
        ValidationError, match=f"name: is already in the directory with this phone \\(resource {first.id}\\)"
    ):
        directory.add_resource(workspace, name="riverside  food pantry", needs="housing", phone="(555) 010-2001")
    directory.add_resource(workspace, name="Riverside Food Pantry", needs="food", phone="555 010 2999")  # a branch
    assert len(_all(workspace)) == 2


def test_the_same_name_without_a_phone_on_either_side_is_the_same_listing_for_add_and_edit(workspace):
    # Same folded name, and the same phone or no phone on either side: one resource.
    first = directory.add_resource(workspace, name="Fakeville Food Pantry", needs="food", phone="555-010-2000").value
    with pytest.raises(ValidationError) as refused:
        directory.add_resource(workspace, name="fakeville food pantry", needs="food")
    assert str(refused.value) == (
        f"name: is already in the directory (resource {first.id}, phone 555-010-2000); "
        "give this one's phone if it is another site"
    )
    bare = directory.add_resource(workspace, name="Café Rides", needs="transportation").value
    with pytest.raises(
        ValidationError, match=f"name: is already in the directory without a phone \\(resource {bare.id}\\)"
    ):
        directory.add_resource(workspace, name="Cafe Rides", needs="transportation", phone="555-010-2002")
    branch = directory.add_resource(workspace, name="Fakeville Food Pantry", needs="food", phone="555-010-2999").value
    with pytest.raises(
        ValidationError, match=f"name: is already in the directory with this phone \\(resource {first.id}\\)"
    ):
        directory.change_resource(workspace, branch.id, phone="(555) 010-2000")
    with pytest.raises(ValidationError, match=f"name: is already in the directory \\(resource {first.id}, phone"):
        directory.change_resource(workspace, branch.id, phone="")
    assert [(r.name, r.phone) for r in _all(workspace)] == [
        ("Café Rides", ""),
        ("Fakeville Food Pantry", "555-010-2000"),
        ("Fakeville Food Pantry", "555-010-2999"),
    ]


def test_an_edit_changes_only_the_fields_given_and_is_audited_with_their_names(workspace):
    r = directory.add_resource(workspace, name="Pantry", needs="food", notes="old").value
    saved = directory.change_resource(workspace, r.id, hours="Mon 9-5", notes="")
    assert (saved.value.name, saved.value.hours, saved.value.notes) == ("Pantry", "Mon 9-5", "")
    assert _audit(workspace)[-1] == (events.RECORD_CHANGED, "community resource", str(r.id), "hours; notes")
    unchanged = directory.change_resource(workspace, r.id, hours="Mon 9-5")
    assert not unchanged.changes and len(_audit(workspace)) == 2


def test_a_resource_is_marked_inactive_not_deleted_and_leaves_the_searches(workspace):
    r = directory.add_resource(workspace, name="Old Mill Food Cupboard", needs="food").value
    directory.change_resource(workspace, r.id, active=False)
    assert directory.resources(workspace, need="food") == []
    (kept,) = _all(workspace)
    assert (kept.id, kept.active) == (r.id, False)
    assert directory.change_resource(workspace, r.id, active=True).value.active is True


def test_an_unknown_resource_id_is_not_found(workspace):
    with pytest.raises(NotFound, match=r"No community resource with id 99\."):
        directory.change_resource(workspace, 99, name="X")


# --- CSV import ----------------------------------------------------------------------


def test_a_csv_file_imports_every_row_with_its_fields(workspace, tmp_path):
    path = tmp_path / "resources.csv"
    path.write_text(GOOD, encoding="utf-8")
    saved = import_resources(workspace, path).value
    assert [r.name for r in saved] == ["Riverside Food Pantry", "Brightwater Senior Rides"]
    rides = _all(workspace)[0]
    assert (rides.needs, rides.eligibility, rides.notes) == (
        (Need.TRANSPORTATION, Need.OTHER),
        "60 and older",
        "Book two days\nahead",
    )
    assert [d for *_, d in _audit(workspace)] == ["imported", "imported"]


def test_a_bom_and_headers_in_any_case_and_order_are_read(workspace):
    data = "\ufeffNEEDS,Name,Phone\r\nfood,Riverside Food Pantry,555-010-2001\r\n".encode()
    (r,) = import_resources_data(workspace, data).value
    assert (r.name, r.needs, r.phone) == ("Riverside Food Pantry", (Need.FOOD,), "555-010-2001")


def test_any_bad_row_saves_nothing_and_each_bad_row_is_named_by_line_and_field(workspace):
    data = (
        HEADER
        + "Riverside Food Pantry,food,555-010-2001,,,,\n"  # line 2: good
        + "\n"  # line 3: blank, skipped
        + "Bad Phone Pantry,food,555-01,,,,\n"  # line 4
        + ",housing,,,,,\n"  # line 5
        + "Rides,cars,,,,,\n"  # line 6
    ).encode()
    with pytest.raises(ImportRefused) as refused:
        import_resources_data(workspace, data, source="resources.csv")
    assert [str(r) for r in refused.value.refusals] == [
        "row 4: phone: 555-01 is not a phone number; type all 10 digits",
        "row 5: name: is required",
        'row 6: needs: "cars" is not a need; must be one of: housing, food, transportation, utilities, interpersonal safety, other',
    ]
    assert str(refused.value).startswith(
        "resources.csv: nothing imported - row 4: phone: 555-01 is not a phone number; type all 10 digits; "
    )
    assert _all(workspace) == [] and _audit(workspace) == []


def test_a_row_repeating_the_directory_or_an_earlier_row_is_refused(workspace):
    first = directory.add_resource(workspace, name="Riverside Food Pantry", needs="food", phone="555-010-2001").value
    data = (
        HEADER
        + "RIVERSIDE FOOD PANTRY,food,(555) 010-2001,,,,\n"
        + "Rides,transportation,555-010-2002,,,,\n"
        + "rides,transportation,555.010.2002,,,,\n"
        + "Riverside Food Pantry,food,,,,,\n"  # no phone: the directory's pantry
        + "Rídes,transportation,,,,,\n"  # no phone: row 3's rides
        + "Corner Cupboard,food,,,,,\n"
        + "Corner  cupboard,food,555-010-2003,,,,\n"
    ).encode()
    with pytest.raises(ImportRefused) as refused:
        import_resources_data(workspace, data)
    assert [str(r) for r in refused.value.refusals] == [
        f"row 2: name: is already in the directory with this phone (resource {first.id})",
        "row 4: name: repeats row 3 (same name and phone)",
        f"row 5: name: is already in the directory (resource {first.id}, phone 555-010-2001); "
        "give this one's phone if it is another site",
        "row 6: name: repeats row 3 (same name; this row has no phone)",
        "row 8: name: repeats row 7 (same name; row 7 has no phone)",
    ]
    assert len(_all(workspace)) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"name,needs,website,fax\nA,food,x,y\n",
            "CSV file: unknown columns: website, fax (the columns are: name, needs",
        ),
        (b"name,phone\nA,555-010-2001\n", "CSV file: the header row has no needs column"),
        (b"name,needs,Name\nA,food,B\n", "CSV file: the column name appears twice"),
        (b"", "CSV file: is empty"),
        (b"name,needs\n", "CSV file: has no resources under its header row"),
        ("name,needs\nCaf\xe9,food\n".encode("latin-1"), 'CSV file: is not UTF-8 text (save it as "CSV UTF-8")'),
        (b"name,needs\nA,food,extra\n", "row 2: row: has 3 values for 2 columns"),
    ],
)
def test_a_file_that_is_not_a_resource_list_is_refused_whole(workspace, data, message):
    with pytest.raises(ValidationError) as refused:
        import_resources_data(workspace, data)
    assert message in str(refused.value)
    assert _all(workspace) == []


def test_a_missing_file_is_named(workspace, tmp_path):
    with pytest.raises(ValidationError, match=r"nothing\.csv: no such file"):
        import_resources(workspace, tmp_path / "nothing.csv")
