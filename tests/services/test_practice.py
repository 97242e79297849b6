"""The practice profile: validation naming the field, kept in the store, used on the patient's copy and to sign."""

from __future__ import annotations

import pytest

from caredesk.domain.patients import CareTeamMember
from caredesk.domain.practice import PracticeProfile
from caredesk.errors import ValidationError
from caredesk.pdf.careplan import PlanContacts
from caredesk.services import practice
from tests.pdf.test_careplan_pdf import contacts_text

PROFILE = PracticeProfile(
    care_manager_name="Sam Rivera",
    care_manager_credentials="RN",
    care_manager_phone="(555) 010-4400",
    practice_name="Lakeside Clinic",
    practice_phone="(555) 019-4321",
    after_hours_phone="(555) 019-4300",
)


def test_the_profile_checks_each_field_by_name():
    with pytest.raises(ValidationError, match="practice phone: 12 is not a phone number; type all 10 digits"):
        PracticeProfile(practice_phone="12")
    with pytest.raises(ValidationError, match="after-hours phone: may only hold digits"):
        PracticeProfile(after_hours_phone="555-0199 ask Bo")
    with pytest.raises(ValidationError, match="care manager name: is needed with the credentials"):
        PracticeProfile(care_manager_credentials="RN")
    with pytest.raises(ValidationError, match="practice name: is longer than 120"):
        PracticeProfile(practice_name="x" * 121)
    assert PracticeProfile(care_manager_name="  Sam Rivera ", practice_phone=" ").care_manager_name == "Sam Rivera"
    assert PracticeProfile().is_empty and not PROFILE.is_empty


def test_signature_and_unknown_keys():
    assert PROFILE.signature == "Sam Rivera, RN"
    assert PracticeProfile(care_manager_name="Sam Rivera").signature == "Sam Rivera"
    assert PracticeProfile().signature == ""
    assert PracticeProfile.from_dict({**PROFILE.as_dict(), "from_a_newer_version": "x"}) == PROFILE


def test_the_profile_is_kept_in_the_store_and_audited(workspace):
    assert practice.get_profile(workspace) == PracticeProfile()
    assert practice.signature(workspace) == "Care manager"  # no name yet: the generic actor
    practice.save_profile(workspace, PROFILE)
    assert practice.get_profile(workspace) == PROFILE
    assert practice.signature(workspace) == "Sam Rivera, RN"
    with workspace.uow() as uow:
        events = [(e.action, e.entity) for e in uow.audit_log.all()]
    assert ("record.changed", "practice profile") in events


def test_the_copy_names_the_profile_where_the_care_team_does_not():
    c = PlanContacts.from_care_team([], PROFILE)
    assert (c.care_manager_name, c.care_manager_phone) == ("Sam Rivera, RN", "(555) 010-4400")
    assert (c.practice_name, c.practice_phone, c.after_hours_phone) == (
        "Lakeside Clinic",
        "(555) 019-4321",
        "(555) 019-4300",
    )
    text = contacts_text(c)
    assert "Sam Rivera, RN" in text and "(555) 010-4400" in text and "(555) 019-4300" in text


def test_the_patients_own_team_comes_first_and_a_name_keeps_its_own_number():
    team = [
        CareTeamMember(patient_id=1, name="Dr. Ana Ruiz", role="PCP"),  # no organization, no phone
        CareTeamMember(patient_id=1, name="Lee Chen, LCSW", role="Care manager"),
    ]  # no direct line
    c = PlanContacts.from_care_team(team, PROFILE)
    assert c.care_manager_name == "Lee Chen, LCSW" and c.care_manager_phone == ""  # never Sam's number
    assert c.practice_name == "Dr. Ana Ruiz\u2019s office"  # not "Dr. Dr. Ana Ruiz"
    assert c.practice_phone == "(555) 019-4321"  # the office number from the profile
    text = contacts_text(c)
    assert "(555) 019-4321 and ask for my care manager" in text  # the office line, and whom to ask for
