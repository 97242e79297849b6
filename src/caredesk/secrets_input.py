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


class SecretRefused(ValidationError):
    """A passphrase being set, refused, named as the user gave it: "the passphrase in FILE is too
    easy to guess (...)", "the new passphrase in CAREDESK_NEW_PASSPHRASE must be at least 10
    characters long" (a tester read "passphrase: is too easy to guess" after --passphrase-file).
    Never holds the passphrase itself. Exit 1, as every refused value (README)."""

    def __init__(self, what: str, where: str | None, message: str):
        super().__init__(what, message)
        self.args = (f"the {what}{f' in {where}' if where else ''} {message}",)


def source(file: str | None, env_name: str) -> str | None:
    """Where a secret is read from, as the user named it: the file, the variable, or None (a prompt)."""
    if file:
        return file
    return env_name if os.environ.get(env_name) else None


def refused(exc: ValidationError, what: str, file: str | None, env_name: str) -> ValidationError:
    """The store's refusal of a passphrase being set (field "passphrase"), named for where it came from."""
    if exc.field != "passphrase" or isinstance(exc, SecretRefused):
        return exc
    return SecretRefused(what, source(file, env_name), exc.message)


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
    (the store's rule for a chosen passphrase, Access.check_new_passphrase; else the form's
    rule alone) runs on it before anything is tried: one from a file or a variable is refused
    naming where it came from (SecretRefused), a typed one is typed again at once."""
    from caredesk.domain.passphrase_strength import MIN_PASSPHRASE, check_form

    given = _from_file(file, what) if file else os.environ.get(env_name)
    if given:
        try:
            (check or check_form)(given)
        except ValidationError as exc:
            raise refused(exc, what, file, env_name) from None
        return given
    if not _can_prompt():
        raise CareDeskError(f"No {what} given: use the file option or set {env_name} (for automation).")

    # At a prompt a slip is typed again, as passwd and gpg ask: a mismatch or a refused passphrase
    # is said and asked again, three times in all (a tester's mismatch ended `caredesk init`).
    last = ValidationError(what, "the two entries do not match")
    for _ in range(TRIES):
        first = _ask(f"{what.capitalize()} (at least {MIN_PASSPHRASE} characters): ", what)
        try:
            (check or check_form)(first)
        except ValidationError as exc:
            last = SecretRefused(what, None, exc.message)  # the last word after three: "the passphrase is ..."
            print(f"caredesk: the {what} {exc.message}; type another.", file=sys.stderr)
            continue
        if _ask(f"Type the {what} again: ", what) == first:
            return first
        last = ValidationError(what, "the two entries do not match")
        print("caredesk: the two entries do not match; type it again.", file=sys.stderr)
    raise last


def recovery_code(file: str | None) -> str:
    if file:
        return _from_file(file, "recovery code")
    if not _can_prompt():
        raise CareDeskError("No recovery code given: use --recovery-code-file FILE.")
    return _ask("Recovery code: ", "recovery code")
