"""One entry of more than 3 hours is saved with a note naming its correction (the app asks
first; a script cannot be asked). A fresh tester's `log-contact --minutes 600` was taken
without a word where the app asked. The 3 hours are domain.contacts.LONG_ENTRY_MINUTES."""

from __future__ import annotations

import re

from tests.cli.test_cli import pw_env, run, store  # noqa: F401 (fixture)


def _cd(store, *args: str):  # noqa: F811
    return run(*args, "--data-dir", str(store.path), env=pw_env())


def test_a_long_entry_is_saved_with_a_note_and_the_correction_it_names_works(store):  # noqa: F811
    logged = _cd(store, "log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "240")
    assert logged.returncode == 0, logged.stderr
    assert "Logged reached for T0001, 240 min CCM." in logged.stdout
    note = logged.stderr.strip()
    assert note.startswith("caredesk: note: 240 minutes (4 h 00 min) in one entry is more than 3 hours.")
    found = re.search(r"caredesk time correct (\d+) --minutes M --reason TEXT\.$", note)
    assert found is not None, note
    fixed = _cd(store, "time", "correct", found.group(1), "--minutes", "24", "--reason", "typo")
    assert fixed.returncode == 0 and fixed.stderr == "", fixed.stderr
    assert ", 24 min CCM," in fixed.stdout


def test_three_hours_or_less_is_said_nothing_about(store):  # noqa: F811
    logged = _cd(store, "log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "180")
    assert logged.returncode == 0 and logged.stderr == "", logged.stderr
