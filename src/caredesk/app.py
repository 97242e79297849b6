"""The composition root: data folder -> store -> unit-of-work factory -> services -> context.

The GUI and the CLI build the same `AppContext` with `build()`, and tests build it over a
temporary folder. Neither the UI nor the CLI imports `caredesk.store`: they get the way
in (`Access`: create, unlock, recover), and from it a `Workspace` that every service
takes. `KdfParams` is re-exported for callers that tune the passphrase cost (tests, the
screenshot tool).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from caredesk.clock import Clock
from caredesk.errors import StoreMissing
from caredesk.lockout import ATTEMPTS_NAME, Lockout
from caredesk.store import folder_kind
from caredesk.store.data_folder import WORDS, DataFolder
from caredesk.store.writable_folder import check_can_make, not_a_folder

# The database layer (SQLAlchemy, SQLCipher, the services over them) is imported when first
# used, not with this module: the app paints its unlock page before it loads (issue 14).
if TYPE_CHECKING:
    from caredesk.services.access import Access
    from caredesk.services.workspace import Workspace
    from caredesk.store.keys import KdfParams

__all__ = ["DEMO_SUBFOLDER", "AppContext", "KdfParams", "build"]

# The demo panel keeps its own folder inside the data folder, apart from real data.
DEMO_SUBFOLDER = "demo-panel"


@dataclass
class AppContext:
    """One data folder and what is wired over it.

    `kdf`: the passphrase-stretching cost for new stores (None: calibrated on this
    computer). `demo_patients`: the size of a generated demo panel.
    """

    data_dir: Path
    clock: Clock = field(default_factory=Clock)
    kdf: KdfParams | None = None
    demo_patients: int = 170
    _access: Access | None = field(default=None, repr=False)
    _lockout: Lockout | None = field(default=None, repr=False)

    @property
    def folder(self) -> DataFolder:
        return DataFolder(self.data_dir)

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / DEMO_SUBFOLDER

    @property
    def logs_dir(self) -> Path:
        return self.folder.logs

    @property
    def lock_file(self) -> Path:
        """The single-instance lock file of this data folder."""
        return self.folder.lock

    def has_store(self) -> bool:
        return self.folder.has_store()

    def folder_refusal(self) -> str | None:
        """Why the data folder may not hold a store (a synced or network folder, with the
        evidence; caredesk.store.folder_kind; or a file), or None. Asked before anything is
        written there: the folder itself, logs/, the lock file."""
        return folder_kind.refusal(self.data_dir) or not_a_folder(self.data_dir, WORDS)

    def preflight(self) -> None:
        """Raise a clear StoreError when the folder holds only half a store (before any prompt);
        light: it opens nothing (caredesk.store.data_folder)."""
        from caredesk.store.data_folder import preflight

        preflight(self.folder)

    def check_can_create(self) -> None:
        """Raise StoreError when a new store could not be made in the data folder (not writable,
        or missing under a folder that is not), making nothing: the CLI asks it before the new
        passphrase is typed (caredesk.store.writable_folder.check_can_make)."""
        check_can_make(self.data_dir, WORDS)

    def require_store(self) -> None:
        """Raise StoreMissing (or a clearer StoreError for an unusable folder) when there is no store."""
        if not self.folder.has_store():
            self.folder.check()  # a clear message for a missing or unusable folder
            raise StoreMissing(
                f"No CareDesk store in {self.data_dir}. Run 'caredesk init' first, or 'caredesk restore FILE' "
                "to bring back a backup (on a new laptop, say)."
            )

    def create_demo(self, passphrase: str, *, patients: int, seed: int, years: int) -> tuple[Workspace, str]:
        """A new store in this data folder holding a generated synthetic panel (the CLI's `demo`)."""
        from caredesk.services import demo_store

        return demo_store.create_demo_store(
            self.folder, passphrase, patients=patients, seed=seed, years=years, clock=self.clock, kdf=self.kdf
        )

    def has_demo_store(self) -> bool:
        return DataFolder(self.demo_dir).has_store()

    @property
    def access(self) -> Access:
        """The way into the store; one per context, so the back-off after wrong tries holds."""
        if self._access is None:
            from caredesk.services.access import Access

            self._access = Access(self.folder, self.clock, self.lockout)
        return self._access

    @property
    def lockout(self) -> Lockout:
        """The back-off after wrong secrets, shared with `access`: the unlock page shows its
        countdown before the database layer has loaded."""
        if self._lockout is None:
            self._lockout = Lockout(self.folder.path / ATTEMPTS_NAME)
        return self._lockout

    def open_demo(self) -> Workspace:
        """The demo panel's store, generated on first use (synthetic patients only)."""
        from caredesk.services import demo_store
        from caredesk.services.access import Access

        folder = DataFolder(self.demo_dir)
        if folder.has_store():
            return Access(folder, self.clock).unlock(demo_store.DEMO_PASSPHRASE)
        ws, _code = demo_store.create_demo_store(folder, patients=self.demo_patients, clock=self.clock, kdf=self.kdf)
        return ws


def __getattr__(name: str) -> Any:
    """`KdfParams`, re-exported, loaded on first use (it brings the cryptography package)."""
    if name == "KdfParams":
        from caredesk.store.keys import KdfParams

        return KdfParams
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build(
    data_dir: Path, *, clock: Clock | None = None, kdf: KdfParams | None = None, demo_patients: int = 170
) -> AppContext:
    """Wire CareDesk over `data_dir` (nothing is opened or created until asked)."""
    return AppContext(Path(data_dir), clock or Clock(), kdf, demo_patients)
