"""The call timer floors to whole minutes (month totals: tests/test_billing_facts.py)."""

from datetime import UTC, datetime

import pytest

from caredesk.domain.timelog import CallTimer

START = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def _timer():
    clock = FakeClock()
    return CallTimer(clock=clock, now=lambda: START), clock


def test_start_pause_resume_stop_counts_only_running_time():
    timer, clock = _timer()
    timer.start()
    assert timer.running and not timer.paused and timer.started_at == START
    clock.t += 5 * 60
    timer.pause()
    assert timer.paused and not timer.running
    clock.t += 30 * 60  # on hold: not counted
    assert timer.minutes == 5
    timer.resume()
    clock.t += 7 * 60
    assert timer.elapsed_seconds == 12 * 60
    assert timer.stop() == 12
    assert not timer.running and not timer.paused and timer.started_at is None


def test_nineteen_minutes_fifty_nine_seconds_is_nineteen_minutes():
    timer, clock = _timer()
    timer.start()
    clock.t += 19 * 60 + 59
    assert timer.minutes == 19
    assert timer.stop() == 19


def test_timer_is_reset_after_stop_and_can_start_again():
    timer, clock = _timer()
    timer.start()
    clock.t += 600
    timer.stop()
    timer.start()
    clock.t += 60
    assert timer.stop() == 1


def test_too_long_after_an_hour():
    timer, clock = _timer()
    timer.start()
    clock.t += 59 * 60 + 59
    assert not timer.too_long()
    clock.t += 1
    assert timer.too_long()
    assert timer.too_long(limit_minutes=30)


def test_starting_a_running_timer_is_refused():
    timer, _clock = _timer()
    timer.start()
    with pytest.raises(ValueError, match="already started"):
        timer.start()


def test_pausing_or_stopping_a_stopped_timer_is_refused():
    timer, _clock = _timer()
    with pytest.raises(ValueError, match="not started"):
        timer.pause()
    with pytest.raises(ValueError, match="not started"):
        timer.stop()


def test_resuming_a_running_timer_and_pausing_twice_are_refused():
    timer, _clock = _timer()
    timer.start()
    with pytest.raises(ValueError, match="not paused"):
        timer.resume()
    timer.pause()
    with pytest.raises(ValueError, match="already paused"):
        timer.pause()
