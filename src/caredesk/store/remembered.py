"""'Remember on this computer': the data key in the OS keyring, only if it is a secure one.

A plaintext or file keyring (keyrings.alt), the fail and null backends are refused:
then nothing is written and the passphrase is asked every time.

Any exception from the backend, on set, get or delete, means "no keyring here" (SPEC section 5:
a keyring that errors gets a true message, never a traceback): the Secret Service raises
D-Bus errors that are not KeyringError, a locked or absent wallet raises others. Only the
exception's type is logged: its text may name the store id or the keyring's contents.
"""

from __future__ import annotations

import logging

import keyring
from keyring.backend import KeyringBackend

SERVICE = "CareDesk data key"
log = logging.getLogger(__name__)

_INSECURE_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def _is_secure(backend: KeyringBackend) -> bool:
    module = type(backend).__module__
    if any(module == m or module.startswith(m + ".") for m in _INSECURE_MODULES):
        return False
    # A chainer is as secure as the backends it would actually use.
    inner = getattr(backend, "backends", None)
    if inner is not None:
        return bool(inner) and all(_is_secure(b) for b in inner)
    try:
        return float(backend.priority) > 0
    except Exception:
        return False


def secure_backend() -> KeyringBackend | None:
    try:
        backend = keyring.get_keyring()
    except Exception as exc:
        log.warning("no keyring: choosing a backend failed (%s)", type(exc).__name__)
        return None
    return backend if _is_secure(backend) else None


def available() -> bool:
    return secure_backend() is not None


def remember(store_id: str, data_key: bytes) -> bool:
    backend = secure_backend()
    if backend is None:
        return False
    try:
        backend.set_password(SERVICE, store_id, data_key.hex())
    except Exception as exc:
        log.warning("the keyring refused to store the key (%s)", type(exc).__name__)
        return False
    return True


def recall(store_id: str) -> bytes | None:
    backend = secure_backend()
    if backend is None:
        return None
    try:
        value = backend.get_password(SERVICE, store_id)
    except Exception as exc:
        log.warning("the keyring could not be read (%s)", type(exc).__name__)
        return None
    if not value:
        return None
    try:
        key = bytes.fromhex(value)
    except ValueError:
        return None
    return key if len(key) == 32 else None


def forget(store_id: str) -> None:
    backend = secure_backend()
    if backend is None:
        return
    try:
        backend.delete_password(SERVICE, store_id)
    except Exception as exc:  # nothing remembered (PasswordDeleteError), or the keyring failed
        log.info("nothing removed from the keyring (%s)", type(exc).__name__)
