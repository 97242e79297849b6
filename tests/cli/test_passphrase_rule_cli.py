"""`caredesk init`, `change-passphrase` and the reset with the recovery code refuse a
passphrase that is easy to guess (domain.passphrase_strength), as real processes: one line
saying why, exit 1, nothing made or changed; at a terminal it is asked again."""

from __future__ import annotations

from pathlib import Path

import pytest

from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, run
from tests.cli.test_init_at_a_terminal import _init_at_a_terminal
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE

WHY = "is too easy to guess (this is a very common password); add two or three uncommon words"
REFUSED = f"the passphrase in CAREDESK_PASSPHRASE {WHY}"


@pytest.fixture
def made(tmp_path, clock) -> tuple[DataFolder, str]:
    folder = DataFolder(tmp_path / "store")
    ws, code = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    return folder, code


def _files(folder: DataFolder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.path.iterdir() if p.is_file()}


def test_init_refuses_a_common_password_and_makes_nothing(tmp_path):
    target = tmp_path / "new"
    r = run("init", "--data-dir", str(target), env={"CAREDESK_PASSPHRASE": "password12"})
    assert_clean_failure(r, 1, REFUSED)
    assert not DataFolder(target).has_store()


def test_init_refuses_the_programs_own_name(tmp_path):
    target = tmp_path / "new"
    r = run("init", "--data-dir", str(target), env={"CAREDESK_PASSPHRASE": "caredesk2026"})
    assert_clean_failure(r, 1, 'built on "caredesk"')
    assert not DataFolder(target).has_store()


def test_at_a_terminal_a_guessable_one_is_asked_again(tmp_path):
    folder = tmp_path / "store"
    code, output, typed = _init_at_a_terminal(folder, ["1234567890", PASSPHRASE, PASSPHRASE])
    assert code == 0 and typed == 3, output
    assert "the passphrase is too easy to guess (this is a top-100 common password)" in output
    assert DataFolder(folder).has_store()


def test_change_passphrase_refuses_a_guessable_one_and_changes_nothing(made):
    folder, _code = made
    before = _files(folder)
    r = run(
        "change-passphrase",
        "--data-dir",
        str(folder.path),
        env={"CAREDESK_PASSPHRASE": PASSPHRASE, "CAREDESK_NEW_PASSPHRASE": "password12"},
    )
    assert_clean_failure(r, 1, f"the new passphrase in CAREDESK_NEW_PASSPHRASE {WHY}")
    assert _files(folder) == before


def test_a_refused_passphrase_from_a_file_names_the_file_never_the_passphrase(tmp_path, made):
    """A tester read 'passphrase: is too easy to guess' after --passphrase-file: which passphrase?
    Named as the interactive prompt names it, with the file it came from; exit 1 (a refused
    value, README); the passphrase itself is never printed."""
    weak = tmp_path / "weak.txt"
    weak.write_text("password12\n")
    target = tmp_path / "new"
    r = run("init", "--data-dir", str(target), "--passphrase-file", str(weak))
    assert_clean_failure(r, 1, f"caredesk: the passphrase in {weak} {WHY}")
    assert "password12" not in r.stderr + r.stdout
    assert not DataFolder(target).has_store()

    short = tmp_path / "short.txt"
    short.write_text("sesame\n")
    r = run("init", "--data-dir", str(target), "--passphrase-file", str(short))
    assert_clean_failure(r, 1, f"caredesk: the passphrase in {short} must be at least 10 characters long")
    assert "sesame" not in r.stderr + r.stdout

    folder, _code = made
    before = _files(folder)
    r = run(
        "change-passphrase",
        "--data-dir",
        str(folder.path),
        "--new-passphrase-file",
        str(weak),
        env={"CAREDESK_PASSPHRASE": PASSPHRASE},
    )
    assert_clean_failure(r, 1, f"caredesk: the new passphrase in {weak} {WHY}")
    assert "password12" not in r.stderr + r.stdout
    assert _files(folder) == before


def test_the_reset_with_the_recovery_code_refuses_a_guessable_one_and_keeps_the_code(made, tmp_path: Path):
    folder, code = made
    code_file = tmp_path / "code.txt"
    code_file.write_text(code)
    before = _files(folder)
    r = run(
        "change-passphrase",
        "--data-dir",
        str(folder.path),
        "--recovery-code-file",
        str(code_file),
        env={"CAREDESK_NEW_PASSPHRASE": "aaaaaaaaaaaa"},
    )
    assert_clean_failure(r, 1, 'too easy to guess (repeats like "aaa" are easy to guess)')
    assert "recovery code" not in r.stdout.lower()  # no new code was made
    assert _files(folder) == before
