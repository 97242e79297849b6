"""`caredesk init` at a terminal asks again after a slip (a fresh tester's mismatch ended it):
the two entries differing, or a passphrase the store refuses, is said and asked again, three times
in all, as passwd and gpg do. A fresh process on a pseudo-terminal: getpass's prompts are real."""

from __future__ import annotations

from pathlib import Path

from caredesk.store.vault import DataFolder
from tests.cli.terminal import at_a_terminal
from tests.cli.test_cli import cli_env
from tests.conftest import PASSPHRASE


def _init_at_a_terminal(folder: Path, answers: list[str]) -> tuple[int, str, int]:
    """`caredesk init` on a pty, typing the next answer at each prompt."""
    env = {k: v for k, v in cli_env().items() if k != "CAREDESK_PASSPHRASE"}

    def answer(output: str, typed: int) -> str | None:
        prompts = output.count("characters): ") + output.count("passphrase again: ")
        return answers[typed] if typed < min(prompts, len(answers)) else None  # each prompt once

    return at_a_terminal(["init", "--data-dir", str(folder)], answer, env=env)


def test_a_mismatch_then_a_short_one_are_asked_again_and_the_third_try_makes_the_store(tmp_path):
    folder = tmp_path / "store"
    answers = [PASSPHRASE, PASSPHRASE + "x", "short", PASSPHRASE, PASSPHRASE]
    code, output, typed = _init_at_a_terminal(folder, answers)
    assert code == 0, output
    assert typed == 5
    assert "the two entries do not match; type it again." in output
    assert "the passphrase must be at least 10 characters long; type another." in output
    assert "Created an encrypted CareDesk store" in output and "Traceback" not in output
    assert DataFolder(folder).has_store()


def test_three_mismatches_end_it_with_nothing_made(tmp_path):
    folder = tmp_path / "store"
    answers = [PASSPHRASE, PASSPHRASE + "1", PASSPHRASE, PASSPHRASE + "2", PASSPHRASE, PASSPHRASE + "3"]
    code, output, typed = _init_at_a_terminal(folder, answers)
    assert code != 0 and typed == 6, output
    assert output.rstrip().endswith("caredesk: passphrase: the two entries do not match"), output
    assert not DataFolder(folder).has_store()
