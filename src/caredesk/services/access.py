"""Getting into a data folder: create, unlock, recover, change passphrase.

Failed attempts are counted in memory (see caredesk.lockout) and written to the audit
log at the next successful unlock, since a wrong secret cannot open the store to write.
"""

from __future__ import annotations

from datetime import datetime

from caredesk.clock import Clock
from caredesk.domain import audit as actions
from caredesk.errors import WrongSecret
from caredesk.lockout import Lockout
from caredesk.services.workspace import Workspace
from caredesk.store import remembered, vault
from caredesk.store.keys import KdfParams
from caredesk.store.vault import DataFolder, OpenStore


class Access:
    def __init__(self, folder: DataFolder, clock: Clock | None = None, lockout: Lockout | None = None):
        self.folder = folder
        self.clock = clock or Clock()
        self.lockout = lockout or Lockout()
        self._failed_at: list[datetime] = []

    def has_store(self) -> bool:
        return self.folder.has_store()

    def preflight(self) -> None:
        """Raise a clear StoreError when the folder holds only half a store (before any prompt)."""
        vault.preflight(self.folder)

    @staticmethod
    def keyring_available() -> bool:
        return remembered.available()

    def create(
        self, passphrase: str, *, kdf: KdfParams | None = None, zone: str | None = None
    ) -> tuple[Workspace, str]:
        store, code = vault.create(self.folder, passphrase, kdf=kdf, zone=zone, now=self.clock.now)
        return self._opened(store, "new store"), code

    def unlock(self, passphrase: str) -> Workspace:
        self.lockout.check()
        try:
            store = vault.unlock(self.folder, passphrase)
        except WrongSecret:
            self._failed()
            raise
        return self._opened(store, "passphrase")

    def unlock_remembered(self) -> Workspace | None:
        store = vault.unlock_from_keyring(self.folder)
        return None if store is None else self._opened(store, "remembered key")

    def recover(self, recovery_code: str, new_passphrase: str) -> tuple[Workspace, str]:
        self.lockout.check()
        try:
            store, code = vault.recover(self.folder, recovery_code, new_passphrase)
        except WrongSecret:
            self._failed()
            raise
        ws = self._opened(store, "recovery code")
        self._audit(ws, actions.KEY_CHANGED, "passphrase reset with the recovery code; new recovery code issued")
        store.forget_key()  # a remembered key from before the reset is no longer trusted
        return ws, code

    def change_passphrase(self, old: str, new: str) -> None:
        self.lockout.check()
        try:
            vault.change_passphrase(self.folder, old, new)
        except WrongSecret:
            self._failed()
            raise
        self.lockout.succeeded()
        ws = Workspace(vault.unlock(self.folder, new), self.clock)
        try:
            self._audit(ws, actions.KEY_CHANGED, "passphrase changed")
        finally:
            ws.store.close()

    def _failed(self) -> None:
        self.lockout.failed()
        self._failed_at.append(self.clock.now())

    def _opened(self, store: OpenStore, how: str) -> Workspace:
        self.lockout.succeeded()
        ws = Workspace(store, self.clock)
        with ws.uow() as uow:
            for at in self._failed_at:
                uow.audit_log.append(at=at, actor=ws.actor, action=actions.UNLOCK_FAILED)
            uow.audit(actions.UNLOCK, detail=how)
            uow.commit()
        self._failed_at.clear()
        return ws

    @staticmethod
    def _audit(ws: Workspace, action: str, detail: str) -> None:
        with ws.uow() as uow:
            uow.audit(action, detail=detail)
            uow.commit()
