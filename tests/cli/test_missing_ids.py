"""`caredesk task|appt|stay` with an id that never existed, in real processes: one clear line
naming the id, exit 1, no traceback."""

from __future__ import annotations

from tests.cli.test_cli import assert_clean_failure, store  # noqa: F401 (the store fixture)
from tests.cli.test_coordination import cli


def test_an_id_that_never_existed_is_named(store):  # noqa: F811
    assert_clean_failure(cli(store, "task", "done", "999"), 1, "No task with id 999.")
    assert_clean_failure(cli(store, "appt", "kept", "999"), 1, "No appointment with id 999.")
    assert_clean_failure(cli(store, "stay", "visit", "999", "--on", "11/20/2026"), 1, "No hospital stay with id 999.")
