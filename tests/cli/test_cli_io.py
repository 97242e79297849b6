"""The terminal's edges, as a tester hit them (issue 11): output that cannot be written, a
closed stdout, a secret file that is not text, Ctrl+D at a prompt. One clear line, never a
traceback, and no pointer to a log that does not exist."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from caredesk import secrets_input
from caredesk.errors import CareDeskError
from tests.cli.test_cli import SRC, assert_clean_failure, pw_env, run, store  # noqa: F401 - the store fixture
from tests.conftest import NOW


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
    env.update(pw_env(), PYTHONPATH=SRC, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    env["CAREDESK_CLOCK"] = NOW.isoformat()
    return env


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_output_to_a_full_device_says_so_in_one_line(store):  # noqa: F811
    """`caredesk patients > /dev/full`: was 'unexpected error (OSError)'."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "caredesk", "patients", "--data-dir", str(store.path)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
            timeout=120,
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["caredesk: the output could not be written (No space left on device)"]


def test_a_closed_stdout_still_runs_the_command(store):  # noqa: F811
    """`caredesk log-contact ... >&-` printed a Python traceback ('NoneType' has no 'flush')."""
    command = [sys.executable, "-m", "caredesk", "log-contact", "--mrn", "T0001", "--outcome", "reached"]
    done = subprocess.run(
        [*command, "--minutes", "4", "--data-dir", str(store.path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        timeout=120,
        close_fds=True,
        preexec_fn=lambda: os.close(1),  # the child starts with fd 1 closed, as `>&-` does
    )
    assert done.returncode == 0 and done.stderr == ""
    assert "4 min" in run("contacts", "--mrn", "T0001", "--data-dir", str(store.path), env=pw_env()).stdout


def test_a_passphrase_file_that_is_not_text_is_named(store, tmp_path):  # noqa: F811
    """A binary --passphrase-file was 'unexpected error (UnicodeDecodeError)'."""
    secret = tmp_path / "secret.bin"
    secret.write_bytes(b"\xff\xfe\x00binary")
    done = run("patients", "--data-dir", str(store.path), "--passphrase-file", str(secret))
    assert_clean_failure(done, 1, f"The passphrase file {secret} is not a text file (UTF-8).")


def test_ctrl_d_at_a_prompt_is_a_clear_refusal(monkeypatch):
    """Ctrl+D at `Passphrase:` was 'unexpected error (EOFError)' plus stack lines on the terminal."""

    def ended(_prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr(secrets_input.getpass, "getpass", ended)
    monkeypatch.setattr(secrets_input, "_can_prompt", lambda: True)
    monkeypatch.delenv(secrets_input.ENV_PASSPHRASE, raising=False)
    with pytest.raises(CareDeskError, match=r"^No passphrase typed \(the input ended\)\.$"):
        secrets_input.passphrase(None)
    with pytest.raises(CareDeskError, match=r"^No recovery code typed"):
        secrets_input.recovery_code(None)
