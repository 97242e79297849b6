"""Create a store filled with a generated synthetic panel (demo, screenshots, benchmarks)."""

from __future__ import annotations

from typing import Any

from caredesk.clock import Clock
from caredesk.domain import audit as actions
from caredesk.domain.practice import PracticeProfile
from caredesk.services.access import Access
from caredesk.services.practice import save_profile
from caredesk.services.workspace import Workspace
from caredesk.store.keys import KdfParams
from caredesk.store.vault import DataFolder

# The GUI's "open a demo panel" keeps its own folder and this passphrase: the data is
# synthetic, and a demo that asks for a secret nobody chose would only be in the way.
DEMO_PASSPHRASE = "synthetic demo panel"


# Fictional, like the panel: 555-01xx numbers are reserved for fiction.
DEMO_PRACTICE = PracticeProfile(
    care_manager_name="Sam Rivera",
    care_manager_credentials="RN",
    care_manager_phone="(555) 010-4400",
    practice_name="Demo Family Medicine",
    practice_phone="(555) 019-4321",
    after_hours_phone="(555) 019-4300",
    practice_address="120 Main Street, Suite 200, Demoville, ZZ 00011",
    office_hours="Monday to Friday, 8 am to 5 pm",
)


def create_demo_store(
    folder: DataFolder,
    passphrase: str = DEMO_PASSPHRASE,
    *,
    patients: int = 170,
    seed: int = 1,
    years: int = 1,
    clock: Clock | None = None,
    kdf: KdfParams | None = None,
    zone: str | None = None,
) -> tuple[Workspace, str]:
    """A new store in `folder` holding a generated panel; returns it open and its recovery code."""
    from caredesk.demo import generate_panel

    access = Access(folder, clock)
    ws, code = access.create(passphrase, kdf=kdf, zone=zone, chosen=False)  # a demo's: not rated
    try:
        panel = generate_panel(patients=patients, seed=seed, years=years, today=ws.today(), tz=ws.tz)
        load_panel(ws, panel)
        save_profile(ws, DEMO_PRACTICE)
    except BaseException:
        ws.store.close()
        raise
    return ws, code


def load_panel(ws: Workspace, panel: Any) -> None:
    """Write every record of a generated panel in one transaction (all or nothing)."""
    with ws.uow() as uow:
        uow.load_panel(panel)
        uow.audit(actions.DEMO_CREATED, detail=f"synthetic panel: {len(panel.patients)} patients")
        uow.commit()
