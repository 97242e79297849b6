"""The recovery code from a terminal, as real processes: printed and flushed before anything
that can fail, a keyring that errors is no keyring, the recovery kit, `recovery-code --new`.
Issue 11 item 5."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from caredesk.errors import WrongSecret
from caredesk.services.access import Access
from caredesk.store.keys import KeyFile
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE

ROOT = str(Path(__file__).resolve().parents[2])  # for tests.keyring_faults in the child process
CODE = re.compile(r"^\s+([0-9A-Z]{5}(?:-[0-9A-Z]{5}){4})$", re.MULTILINE)


def keyring_env(backend: str) -> dict[str, str]:
    from tests.cli.test_cli import SRC

    return {"PYTHONPATH": SRC + ":" + ROOT, "PYTHON_KEYRING_BACKEND": f"tests.keyring_faults.{backend}"}


def printed_code(stdout: str) -> str:
    (code,) = CODE.findall(stdout)
    return code


def kit_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def shows_folder(text: str, folder: Path) -> bool:
    """The kit names `folder`, which it wraps anywhere once longer than a line (the tests' tmp
    paths cross that length as pytest's numbered folders grow): compared without whitespace."""
    return "".join(str(folder).split()) in "".join(text.split())


@pytest.fixture
def made(tmp_path, clock) -> tuple[DataFolder, str]:
    folder = DataFolder(tmp_path / "store")
    ws, code = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    return folder, code


def test_init_remember_with_a_keyring_raising_a_non_keyring_error_still_prints_the_code(tmp_path):
    target = tmp_path / "new"
    r = run("init", "--remember", "--data-dir", str(target), env={**pw_env(), **keyring_env("BrokenKeyring")})
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert "No secure keyring here: the passphrase will be asked each time." in r.stdout
    KeyFile.read(target / "caredesk.key").unwrap_with_recovery(printed_code(r.stdout))
    log = (target / "logs" / "caredesk.log").read_text()
    assert "DBusLikeError" in log and "ServiceUnknown" not in log  # the type only


def test_init_prints_and_flushes_the_code_before_the_keyring_is_asked(tmp_path):
    # The process dies inside the keyring call: only what was flushed before reaches the pipe.
    target = tmp_path / "new"
    r = run("init", "--remember", "--data-dir", str(target), env={**pw_env(), **keyring_env("DyingKeyring")})
    assert r.returncode == 70
    KeyFile.read(target / "caredesk.key").unwrap_with_recovery(printed_code(r.stdout))


def test_init_writes_the_recovery_kit_after_printing_the_code(tmp_path):
    target, kit = tmp_path / "new", tmp_path / "kit.pdf"
    r = run("init", "--data-dir", str(target), "--recovery-kit", str(kit), env=pw_env())
    assert r.returncode == 0, r.stderr
    code = printed_code(r.stdout)
    assert r.stdout.index(code) < r.stdout.index("Recovery kit written to")
    text = kit_text(kit)
    assert code in text and shows_folder(text, target) and "11/24/2026" in text  # the tests' pinned clinic date
    assert stat.S_IMODE(kit.stat().st_mode) == 0o600  # it holds a way into the store
    assert PdfReader(kit).metadata.title == "CareDesk recovery kit"


def test_init_refuses_a_kit_in_a_missing_folder_before_making_anything(tmp_path):
    target = tmp_path / "new"
    r = run("init", "--data-dir", str(target), "--recovery-kit", str(tmp_path / "nope" / "kit.pdf"), env=pw_env())
    assert_clean_failure(r, 1, "--recovery-kit: the folder")
    assert not (target / "caredesk.key").exists()


@pytest.mark.parametrize("kit", ["fifo", "-"])
def test_init_refuses_a_kit_that_is_not_a_regular_file_before_making_anything(tmp_path, kit):
    """A fifo, a device or "-" (services.files.write_atomic refuses them): found before a code is
    made, not after the store exists with its kit unwritten."""
    target = tmp_path / "new"
    if kit == "fifo":
        kit = str(tmp_path / "pipe")
        os.mkfifo(kit)
    r = run("init", "--data-dir", str(target), "--recovery-kit", kit, env=pw_env())
    said = "standard output is not supported" if kit == "-" else f"{kit} is not a regular file"
    assert_clean_failure(r, 1, f"--recovery-kit: {said}; give a file name")
    assert not (target / "caredesk.key").exists()


def test_recovery_code_new_prints_a_new_code_and_writes_its_kit(made, tmp_path):
    folder, old = made
    kit = tmp_path / "kit.pdf"
    r = run("recovery-code", "--new", "--data-dir", str(folder.path), "--recovery-kit", str(kit), env=pw_env())
    assert r.returncode == 0, r.stderr
    new = printed_code(r.stdout)
    key_file = KeyFile.read(folder.key)
    key_file.unwrap_with_recovery(new)
    key_file.unwrap_with_passphrase(PASSPHRASE)  # the passphrase is unchanged
    with pytest.raises(WrongSecret):
        key_file.unwrap_with_recovery(old)
    assert new in kit_text(kit) and old not in kit_text(kit)
    assert "no longer works" in r.stdout


def test_recovery_code_needs_new_and_the_right_passphrase(made):
    folder, _old = made
    before = hashlib.sha256(folder.key.read_bytes()).hexdigest()
    assert_clean_failure(run("recovery-code", "--data-dir", str(folder.path), env=pw_env()), 2, "--new")
    wrong = run("recovery-code", "--new", "--data-dir", str(folder.path), env={"CAREDESK_PASSPHRASE": "not it at all"})
    assert_clean_failure(wrong, 3, "not correct")
    assert hashlib.sha256(folder.key.read_bytes()).hexdigest() == before


def test_a_reset_with_the_recovery_code_prints_the_new_code_first_and_can_write_its_kit(made, tmp_path):
    folder, old = made
    code_file, kit = tmp_path / "code.txt", tmp_path / "kit.pdf"
    code_file.write_text(old + "\n")
    r = run(
        "change-passphrase",
        "--data-dir",
        str(folder.path),
        "--recovery-code-file",
        str(code_file),
        "--recovery-kit",
        str(kit),
        env={"CAREDESK_NEW_PASSPHRASE": "after forgetting it"},
    )
    assert r.returncode == 0, r.stderr
    new = printed_code(r.stdout)
    assert r.stdout.index(new) < r.stdout.index("Passphrase reset")
    KeyFile.read(folder.key).unwrap_with_recovery(new)
    assert new in kit_text(kit)
