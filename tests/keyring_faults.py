"""A keyring that looks secure and fails on every call, as the Secret Service does when its
D-Bus service is gone or the collection is locked: the exception is not a KeyringError.

Used in-process (keyring.set_keyring(BrokenKeyring())) and in `caredesk` processes started
by tests with PYTHON_KEYRING_BACKEND=tests.keyring_faults.BrokenKeyring (the repository
root on PYTHONPATH).
"""

from __future__ import annotations

from keyring.backend import KeyringBackend

SECRET_IN_MESSAGE = "org.freedesktop.DBus.Error.ServiceUnknown for store 1234abcd"


class DBusLikeError(Exception):
    """Not a keyring.errors.KeyringError, like secretstorage's and jeepney's exceptions."""


class BrokenKeyring(KeyringBackend):
    priority = 10  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise DBusLikeError(SECRET_IN_MESSAGE)

    def set_password(self, service: str, username: str, password: str) -> None:
        raise DBusLikeError(SECRET_IN_MESSAGE)

    def delete_password(self, service: str, username: str) -> None:
        raise DBusLikeError(SECRET_IN_MESSAGE)


class DyingKeyring(BrokenKeyring):
    """The process dies while the keyring is asked (a hung D-Bus call killed by the user):
    whatever was printed but not flushed is lost with it."""

    def set_password(self, service: str, username: str, password: str) -> None:
        import os

        os._exit(70)
