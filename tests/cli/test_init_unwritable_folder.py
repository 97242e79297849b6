"""`caredesk init` (and `demo`) on a folder that cannot be written: refused before any prompt.

A tester typed a new passphrase twice at `caredesk init` only to hear then that the folder
was not writable. The folder is checked first now, and nothing is made there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.terminal import at_a_terminal
from tests.cli.test_cli import assert_clean_failure, run
from tests.conftest import PASSPHRASE


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Path]:
    """An empty folder nobody may write in. Mode 0500 stops a user; root (as the tests run in CI)
    ignores modes, so there the folder is made immutable (chattr +i), which stops root too."""
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    if shutil.which("chattr") is None:
        pytest.skip("root ignores folder modes, and chattr is not here to make one immutable")
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot make a folder immutable here: {made.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.mark.parametrize("command", ["init", "demo"])
def test_an_unwritable_folder_is_refused_before_the_passphrase_is_asked(unwritable, command):
    # No passphrase given and no terminal to ask at: the folder's refusal is what is said, not
    # "No passphrase given" (which came first before).
    result = run(command, "--data-dir", str(unwritable))
    assert_clean_failure(result, 1, f"The data folder {unwritable} is not writable.")
    assert list(unwritable.iterdir()) == []


def test_a_missing_folder_inside_an_unwritable_one_is_refused_before_the_passphrase_and_not_made(unwritable):
    target = unwritable / "caredesk" / "data"
    result = run("init", "--data-dir", str(target))
    assert_clean_failure(result, 1, f"Cannot create the data folder {target}: the folder {unwritable} is not writable.")
    assert list(unwritable.iterdir()) == []


def test_at_a_terminal_no_passphrase_is_asked_for_an_unwritable_folder(unwritable):
    """The tester's session: `caredesk init` at a terminal, the passphrase typed at each prompt.
    A fresh process on a pseudo-terminal, so the prompts (getpass, on /dev/tty) are really there."""

    def answer(output: str, typed: int) -> str | None:
        # Answered when asked (getpass flushes what was typed ahead).
        asked = output.lower().count("passphrase") > typed and output.rstrip().endswith(":")
        return PASSPHRASE if asked else None

    code, output, answered = at_a_terminal(["init", "--data-dir", str(unwritable)], answer)
    assert answered == 0, output
    assert code == 1, output
    assert f"The data folder {unwritable} is not writable." in output
    assert list(unwritable.iterdir()) == []
