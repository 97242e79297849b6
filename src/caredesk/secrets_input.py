"""Where the CLI gets secrets: a file, an environment variable (for automation), or a prompt."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from caredesk.errors import CareDeskError, ValidationError

ENV_PASSPHRASE = "CAREDESK_PASSPHRASE"
ENV_NEW_PASSPHRASE = "CAREDESK_NEW_PASSPHRASE"
TRIES = 3  # a new passphrase typed at a prompt


def _from_file(path: str, what: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CareDeskError(f"Cannot read the {what} file {path} ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise CareDeskError(f"The {what} file {path} is not a text file (UTF-8).") from None
    secret = text.splitlines()[0] if text else ""
    if not secret:
        raise CareDeskError(f"The {what} file {path} is empty.")
    return secret


def _ask(prompt: str, what: str) -> str:
    """A secret typed at the terminal; Ctrl+D (end of input) is a clear refusal, not a crash."""
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise CareDeskError(f"No {what} typed (the input ended).") from None


def _can_prompt() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def passphrase(file: str | None, *, prompt: str = "Passphrase: ") -> str | None:
    """The passphrase from --passphrase-file, CAREDESK_PASSPHRASE or a prompt; None if none can be had."""
    if file:
        return _from_file(file, "passphrase")
    env = os.environ.get(ENV_PASSPHRASE)
    if env:
        return env
    if _can_prompt():
        return _ask(prompt, "passphrase")
    return None


def require_passphrase(file: str | None, *, prompt: str = "Passphrase: ") -> str:
    value = passphrase(file, prompt=prompt)
    if value is None:
        raise CareDeskError(
            f"No passphrase given: use --passphrase-file FILE or set {ENV_PASSPHRASE} (for automation)."
        )
    return value


def new_passphrase(
    file: str | None, env_name: str, what: str = "new passphrase", check: Callable[[str], None] | None = None
) -> str:
    """A passphrase being set: from a file or env var, or typed twice at a prompt. `check`
    (the store's rule for a chosen passphrase, Access.check_new_passphrase) runs on a typed
    one so a refused one is typed again at once; the service checks the others itself."""
    if file:
        return _from_file(file, what)
    env = os.environ.get(env_name)
    if env:
        return env
    if not _can_prompt():
        raise CareDeskError(f"No {what} given: use the file option or set {env_name} (for automation).")
    from caredesk.domain.passphrase_strength import MIN_PASSPHRASE, check_form

    # At a prompt a slip is typed again, as passwd and gpg ask: a mismatch or a refused passphrase
    # is said and asked again, three times in all (a tester's mismatch ended `caredesk init`).
    refused = ValidationError(what, "the two entries do not match")
    for _ in range(TRIES):
        first = _ask(f"{what.capitalize()} (at least {MIN_PASSPHRASE} characters): ", what)
        try:
            (check or check_form)(first)
        except ValidationError as exc:
            refused = ValidationError(what, exc.message)
            print(f"caredesk: the {what} {exc.message}; type another.", file=sys.stderr)
            continue
        if _ask(f"Type the {what} again: ", what) == first:
            return first
        refused = ValidationError(what, "the two entries do not match")
        print("caredesk: the two entries do not match; type it again.", file=sys.stderr)
    raise refused


def recovery_code(file: str | None) -> str:
    if file:
        return _from_file(file, "recovery code")
    if not _can_prompt():
        raise CareDeskError("No recovery code given: use --recovery-code-file FILE.")
    return _ask("Recovery code: ", "recovery code")
