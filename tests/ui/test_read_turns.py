"""The pages' background reads take turns (issue 14): one at a time, in the order started, the
next after the last one's rows are handed over; a read dropped while waiting gives its turn up."""

from __future__ import annotations

import threading
import time

from caredesk.ui.common.workers import BackgroundRead


def _never_failed(exc: BaseException) -> None:
    raise AssertionError(exc)


def test_a_second_read_waits_for_the_first_and_its_hand_over(qapp, qtbot):
    release = threading.Event()
    events: list[str] = []
    first, second = BackgroundRead(), BackgroundRead()

    def slow() -> str:
        events.append("first starts")
        release.wait(10)
        events.append("first ends")
        return "first"

    def quick() -> str:
        events.append("second starts")
        return "second"

    first.start(slow, lambda r: events.append(f"{r} shown"), _never_failed)
    second.start(quick, lambda r: events.append(f"{r} shown"), _never_failed)
    qtbot.waitUntil(lambda: "first starts" in events)
    time.sleep(0.2)  # ample time for the second worker to start, were it not waiting
    assert "second starts" not in events
    release.set()
    qtbot.waitUntil(lambda: "second shown" in events)
    # Three reads at once stalled the window on the GIL; in turn, and after the first's rows are in.
    assert events == ["first starts", "first ends", "first shown", "second starts", "second shown"]


def test_a_read_cancelled_while_waiting_for_its_turn_gives_it_up_unread(qapp, qtbot):
    release = threading.Event()
    events: list[str] = []
    first, second = BackgroundRead(), BackgroundRead()
    first.start(lambda: release.wait(10) and "first", lambda r: events.append(f"{r} shown"), _never_failed)
    second.start(lambda: events.append("second read"), lambda r: events.append("second shown"), _never_failed)
    started = time.monotonic()
    second.cancel()  # a lock: it must not wait for the first read to finish before it
    assert time.monotonic() - started < 5
    assert not second.loading
    release.set()
    qtbot.waitUntil(lambda: "first shown" in events)
    first.cancel()
    qapp.processEvents()
    assert events == ["first shown"]  # the second was never read, nor shown


def test_a_newer_read_replaces_one_still_waiting_for_its_turn(qapp, qtbot):
    release = threading.Event()
    events: list[str] = []
    first, second = BackgroundRead(), BackgroundRead()
    first.start(lambda: release.wait(10) and "first", lambda r: events.append(f"{r} shown"), _never_failed)
    second.start(lambda: events.append("old read") or "old", lambda r: events.append(f"{r} shown"), _never_failed)
    second.start(lambda: events.append("new read") or "new", lambda r: events.append(f"{r} shown"), _never_failed)
    release.set()
    qtbot.waitUntil(lambda: "new shown" in events)
    assert events == ["first shown", "new read", "new shown"]


def test_an_owner_that_hands_over_in_slices_holds_the_next_read_until_it_says_so(qapp, qtbot):
    events: list[str] = []
    first, second = BackgroundRead(), BackgroundRead()
    first.start(lambda: "first", lambda r: events.append(f"{r} shown"), _never_failed, later=True)
    qtbot.waitUntil(lambda: "first shown" in events)
    second.start(lambda: events.append("second read") or "second", lambda r: events.append(f"{r} shown"), _never_failed)
    time.sleep(0.2)
    qapp.processEvents()
    assert "second read" not in events  # the first's rows are still going in
    first.handed_over()
    qtbot.waitUntil(lambda: "second shown" in events)
