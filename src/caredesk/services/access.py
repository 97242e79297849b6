"""Getting into a data folder: create, unlock, recover, change passphrase.

Wrong secrets from every way in (the app's passphrase and recovery code, the same through
the `caredesk` command, the passphrase asked for a new recovery code) count toward one
back-off kept beside the store across restarts (caredesk.lockout), and are written to the
audit log at the next successful unlock, since a wrong secret cannot open the store to
write. What the unlock found worth saying ("3 failed unlock attempts since 11/20 10:02", an
audit log whose newest events were removed) is in `Access.notices` after it, and audited.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from caredesk.clock import Clock
from caredesk.domain import audit as actions
from caredesk.domain.calendar import us_month_day
from caredesk.domain.passphrase_strength import check_strength, folder_words
from caredesk.errors import CareDeskError, DiskFull, WrongSecret
from caredesk.lockout import ATTEMPTS_NAME, Failure, Lockout
from caredesk.services.workspace import Workspace
from caredesk.store import key_changes, remembered, vault
from caredesk.store.key_changes import KeyChange
from caredesk.store.keys import KdfParams
from caredesk.store.vault import DataFolder, OpenStore

log = logging.getLogger(__name__)
DISK_FULL_NOTICE = (
    "The disk is full: CareDesk can show and back up your data but cannot save until you free some space."
)


class PendingKeyChange:
    """A passphrase reset or a new recovery code, made but not in effect: show
    `recovery_code`, then `commit()` writes the key file and audits the change. Until then
    the old secrets work; dropping it changes nothing. `commit()` raises StoreError when
    the key file cannot be written (nothing changed then)."""

    def __init__(self, ws: Workspace, change: KeyChange, detail: str, *, forget_key: bool):
        self.workspace = ws
        self._change = change
        self._detail = detail
        self._forget_key = forget_key
        self.committed = False

    @property
    def recovery_code(self) -> str:
        return self._change.recovery_code

    def commit(self) -> None:
        if self.committed:
            return
        self._change.commit()
        self.committed = True
        Access._audit(self.workspace, actions.KEY_CHANGED, self._detail)
        if self._forget_key:
            self.workspace.forget_key()  # a key remembered before a reset is no longer trusted


class Access:
    def __init__(self, folder: DataFolder, clock: Clock | None = None, lockout: Lockout | None = None):
        self.folder = folder
        self.clock = clock or Clock()
        self.lockout = lockout or Lockout(folder.path / ATTEMPTS_NAME)
        # What the last unlock found, typed for the app's notice bar (ui/shell/notice_bar.py) ...
        self.attempts: str | None = None  # "3 failed unlock attempts since 11/20 10:02"
        self.audit_problems: list[str] = []  # the audit log's end does not match its anchor
        self.disk_full = False  # opened on a full disk: it can be read and backed up, not saved to
        # ... and all of it in words, as the CLI prints it ("caredesk: note: ...").
        self.notices: list[str] = []

    def has_store(self) -> bool:
        return self.folder.has_store()

    def preflight(self) -> None:
        """Raise a clear StoreError when the folder holds only half a store (before any prompt)."""
        vault.preflight(self.folder)

    @staticmethod
    def keyring_available() -> bool:
        return remembered.available()

    def create(
        self, passphrase: str, *, kdf: KdfParams | None = None, zone: str | None = None, chosen: bool = True
    ) -> tuple[Workspace, str]:
        """A new store. `chosen`: the passphrase is a person's choice, so too easy a guess is
        refused (ValidationError, nothing written); False only for a demo's fixed one."""
        if chosen:
            self.check_new_passphrase(passphrase)
        store, code = vault.create(self.folder, passphrase, kdf=kdf, zone=zone, now=self.clock.now)
        return self._opened(store, "new store"), code

    def unlock(self, passphrase: str, *, read_only: bool = False) -> Workspace:
        """`read_only`: open only to check the store (caredesk verify). Nothing is written, not
        even the unlock's audit event: a damaged page is then reported by the check instead of
        failing the write that would come first (issue 11). Earlier failed attempts stay
        pending for the next unlock that writes."""
        self.lockout.check()
        try:
            store = vault.unlock(self.folder, passphrase, read_only=read_only)
        except WrongSecret:
            self._failed("passphrase")
            raise
        return Workspace(store, self.clock) if read_only else self._opened(store, "passphrase")

    def unlock_remembered(self, *, read_only: bool = False) -> Workspace | None:
        store = vault.unlock_from_keyring(self.folder, read_only=read_only)
        if store is None or read_only:
            return None if store is None else Workspace(store, self.clock)
        return self._opened(store, "remembered key")

    def recover(
        self, recovery_code: str, new_passphrase: str, *, show_code: Callable[[str], None] | None = None
    ) -> tuple[Workspace, str]:
        """Forgotten passphrase, in one go (the CLI): `show_code(new code)` runs before the key
        file is rewritten, so the new code is seen before the old one stops working (it must
        not return until the code is out: the CLI prints and flushes). Returns the open
        workspace and the new code."""
        pending = self.begin_recover(recovery_code, new_passphrase)
        if show_code is not None:
            show_code(pending.recovery_code)
        try:
            pending.commit()
        except BaseException:
            pending.workspace.lock()
            raise
        return pending.workspace, pending.recovery_code

    def begin_recover(self, recovery_code: str, new_passphrase: str) -> PendingKeyChange:
        """The recovery code opens the store; the new passphrase and a new recovery code are
        made but not in effect until `commit()` (the app shows the code first). WrongSecret,
        TooManyAttempts, ValidationError (weak passphrase), StoreError."""
        self.check_new_passphrase(new_passphrase)  # before the code is tried: a slip costs no attempt
        self.lockout.check()
        try:
            store, change = key_changes.recover(self.folder, recovery_code, new_passphrase)
        except WrongSecret:
            self._failed("recovery code")
            raise
        ws = self._opened(store, "recovery code")
        return PendingKeyChange(
            ws, change, "passphrase reset with the recovery code; new recovery code issued", forget_key=True
        )

    def begin_new_recovery_code(self, ws: Workspace, passphrase: str) -> PendingKeyChange:
        """A new recovery code for the open store `ws` (the old code is lost, or a recovery kit
        is wanted: no code is kept anywhere readable). The passphrase is asked although the
        store is open, so an unlocked, unattended laptop does not hand out a way in. Not in
        effect until `commit()`; WrongSecret and TooManyAttempts as an unlock."""
        self.lockout.check()
        try:
            change = key_changes.reissue_recovery_code(self.folder, passphrase)
        except WrongSecret:
            self._failed("passphrase")
            raise
        self._record_failures(ws)
        return PendingKeyChange(ws, change, "new recovery code issued", forget_key=False)

    def change_passphrase(self, old: str, new: str, *, ws: Workspace | None = None) -> None:
        """Rewrap the data key under `new` (the recovery code and a remembered key stay valid).
        Audited through `ws` when the store is open (the app), else by opening it with `new`.
        WrongSecret, TooManyAttempts, ValidationError (weak passphrase)."""
        self.check_new_passphrase(new, ws)
        self.lockout.check()
        try:
            key_changes.change_passphrase(self.folder, old, new)
        except WrongSecret:
            self._failed("passphrase")
            raise
        try:
            if ws is not None:
                self._record_failures(ws)
                self._audit(ws, actions.KEY_CHANGED, "passphrase changed")
                return
            ws = Workspace(vault.unlock(self.folder, new), self.clock)
            try:
                self._record_failures(ws)
                self._audit(ws, actions.KEY_CHANGED, "passphrase changed")
            finally:
                ws.store.close()
        except CareDeskError as exc:
            # The key file already holds the new passphrase: "nothing was saved" would be false.
            why = "the disk is full" if isinstance(exc, DiskFull) else str(exc).rstrip(".")
            raise CareDeskError(
                f"The passphrase was changed - use the new one from now on - but the change could not be "
                f"written to the audit log ({why})."
            ) from None

    def check_new_passphrase(self, passphrase: str, ws: Workspace | None = None) -> None:
        """Refuse a passphrase being set that is too easy to guess (domain.passphrase_strength),
        with the data folder's words - and, when the store is open (`ws`), the practice's and
        the care manager's names - among those tried first. ValidationError("passphrase")."""
        words = folder_words(self.folder.path, Path.home())
        if ws is not None:
            # Here, not at the top: the unlock page's first paint imports this module (issue 14).
            from caredesk.services.practice import get_profile

            profile = get_profile(ws)
            words += [profile.practice_name, profile.care_manager_name]
        check_strength(passphrase, words)

    def _failed(self, what: str) -> None:
        self.lockout.failed(self.clock.now(), what)

    def _opened(self, store: OpenStore, how: str) -> Workspace:
        """The unlock audited. On a full disk the store still opens, to show and back up its
        data (issue 11: with the disk full nothing worked, not even a backup to another
        drive): the unlock is not audited (a log line says so), failed attempts stay pending
        for the next unlock that can write, and a notice says saving is not possible."""
        ws = Workspace(store, self.clock)
        self.attempts, self.audit_problems, self.disk_full, self.notices = None, [], False, []
        try:
            self._record_failures(ws, then=(actions.UNLOCK, how))
        except DiskFull:
            log.warning("the unlock was not written to the audit log (DiskFull)")
            self._found(ws, self.lockout.pending(), ws.store.audit_problems)
            self.disk_full = True
            self.notices.append(DISK_FULL_NOTICE)
        return ws

    def _found(self, ws: Workspace, failures: list[Failure], problems: list[str]) -> None:
        if failures:
            self.attempts = _failures_since(failures, ws)
            self.notices.append(self.attempts)
        self.audit_problems += problems
        self.notices += [f"Audit log: {p}." for p in problems]

    def _record_failures(self, ws: Workspace, then: tuple[str, str] | None = None) -> None:
        """Audit the wrong secrets counted since the last success, each at its time, and what
        the store found when opened (ws.store.audit_problems); then forget those failures."""
        failures = self.lockout.pending()
        problems = ws.store.audit_problems if then is not None else []
        with ws.uow() as uow:
            for f in failures:
                uow.audit_log.append(at=f.at, actor=ws.actor, action=actions.UNLOCK_FAILED, detail=f.what)
            for problem in problems:
                uow.audit(actions.AUDIT_PROBLEM, detail=problem)
            if then is not None:
                uow.audit(then[0], detail=then[1])
            uow.commit()
        self.lockout.succeeded(failures)
        self._found(ws, failures, problems)

    @staticmethod
    def _audit(ws: Workspace, action: str, detail: str) -> None:
        with ws.uow() as uow:
            uow.audit(action, detail=detail)
            uow.commit()


def _failures_since(failures: list[Failure], ws: Workspace) -> str:
    """ "3 failed unlock attempts since 11/20 10:02" (the first one's time in the store's zone)."""
    first = failures[0].at.astimezone(ws.tz)
    n = len(failures)
    return f"{n} failed unlock attempt{'s' if n > 1 else ''} since {us_month_day(first)} {first:%H:%M}"
