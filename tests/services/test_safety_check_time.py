"""When a safety check was done: the care manager says it (the check may have been made on the
phone an hour ago), never a future time, never before the flagged screen's day; a refused time
saves nothing and the flag stays (issue 10, safety protocol: who, when, what was done).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from caredesk.errors import ValidationError
from caredesk.services import assessments as service
from tests.conftest import NOW, ZONE
from tests.services.test_calls import _patient

NOV20 = date(2026, 11, 20)
CLINIC = ZoneInfo(ZONE)


def _flagged(ws) -> tuple[int, int]:
    pid = _patient(ws, "T1")
    screen = service.record_assessment(ws, pid, "PHQ-9", [3] * 9, NOV20).value  # item 9 = 3: flagged
    assert screen.id is not None
    return pid, screen.id


def test_a_check_made_earlier_today_is_kept_with_its_own_time(workspace):
    pid, screen = _flagged(workspace)
    earlier = NOW - timedelta(hours=1, minutes=15)
    saved = service.record_safety_check(workspace, screen, ["crisis-line"], "", "R. Nurse", checked_at=earlier)
    assert saved.value.checked_at == earlier
    (kept,) = service.safety_checks(workspace, pid)
    assert kept.checked_at == earlier
    assert service.open_safety_flags(workspace, pid) == []


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (NOW + timedelta(minutes=5), "cannot be in the future"),
        (datetime(2026, 11, 19, 23, 59, tzinfo=CLINIC), "cannot be before the screen (11/20/2026)"),
        (datetime(2026, 11, 24, 9, 0), "must be a date and time with a time zone"),
    ],
)
def test_a_future_or_too_early_time_is_refused_naming_checked_at_and_nothing_is_saved(workspace, when, message):
    pid, screen = _flagged(workspace)
    with pytest.raises(ValidationError) as refused:
        service.record_safety_check(workspace, screen, ["pcp-told"], "", "R. Nurse", checked_at=when)
    assert (refused.value.field, refused.value.message) == ("checked at", message)
    assert service.safety_checks(workspace, pid) == []
    assert len(service.open_safety_flags(workspace, pid)) == 1


def test_without_a_time_the_check_is_dated_now(workspace):
    _pid, screen = _flagged(workspace)
    assert service.record_safety_check(workspace, screen, ["pcp-told"], "", "R. Nurse").value.checked_at == NOW
