"""UI fixtures: a real store in tmp_path, a window over it, a canary patient.

The machine keyring is replaced by the fail backend in tests/conftest.py (autouse).
The canary's names are unusual on purpose: a test that finds them in a widget,
a settings file or a log after a lock has found a leak.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from caredesk.clock import FixedClock
from caredesk.domain.patients import (
    Allergy,
    CareTeamMember,
    Condition,
    ConsentMethod,
    Enrollment,
    Medication,
    Observation,
    ObservationKind,
    Patient,
    Phone,
    Program,
    RiskTier,
    Status,
)
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from caredesk.ui.shell.launch import application, build_main_window
from caredesk.ui.shell.main_window import MainWindow
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE, StoreTemplates, add_patient, pinned_at_now

CANARY_FAMILY = "Qzxcanary"
CANARY_GIVEN = "Wilhelmina"
CANARY_MRN = "QZX90001"
CANARY_PHONE = "(555) 010-4477"
CANARY_CONDITION = "Hypertensive heart disease without heart failure"


@pytest.fixture(autouse=True)
def themed_app(qapp):
    """The app with the same names, style and palette as the real program."""
    application()
    yield qapp
    # pytest-qt has closed the test's widgets and asked Qt to delete them later, which it did only
    # inside the next test's first wait: until then the next test's theming (setStyleSheet
    # re-polishes every widget alive) and its window shared the app with the ~1,400 widgets of a
    # closed window, 1-4 s a test. Deleted now, as the event loop would have after the close.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


# The chart tabs made whenever a chart is shown in the UI tests: none (each other tab is made when
# chosen; a placeholder sized as that tab holds its place until then: ChartView.tabs_made_at_show).
CHART_TABS_AT_SHOW: tuple[str, ...] = ()


@pytest.fixture(autouse=True)
def chart_tabs_on_demand(monkeypatch):
    """The chart makes its tabs when shown or asked for, not in the window's first idle turns:
    most UI tests never open a chart, and its tabs were ~0.1 s of CPU of each test's window.
    Shown, it makes each tab when chosen or asked for (`chart.tab(RecordTab)`, `show_tab`);
    `chart.tabs` and `feature_tabs` make them all. Until then a placeholder as large as that tab
    was when first made in this process holds its place, so the page is sized as the app's. The
    ~150 tests that open a chart made all ten, ~0.2 s of CPU each, to read one or two.
    tests/ui/test_chart_tabs_later.py tests the idle making (the app's own setting), and
    test_chart_tabs_chosen.py that a chart so made is as wide and tall as the app's."""
    from caredesk.ui.chart.chart_view import ChartView

    monkeypatch.setattr(ChartView, "make_tabs_when_idle", False)
    monkeypatch.setattr(ChartView, "tabs_made_at_show", CHART_TABS_AT_SHOW)


@pytest.fixture(params=["light", "dark"])
def themed(request, qapp, monkeypatch):
    """The app themed light, then dark (the system's choice faked); its palette is yielded."""
    from caredesk.ui.common import theme

    monkeypatch.setattr(theme, "system_is_dark", lambda: request.param == "dark")
    theme.apply(qapp)
    yield theme.DARK if request.param == "dark" else theme.LIGHT
    monkeypatch.undo()
    theme.apply(qapp)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings" / "caredesk.ini"


def add_canary_panel(access: Access) -> dict[str, int]:
    """A store with the canary (conditions, meds, team, readings) and three other patients."""
    ws, _code = access.create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ids: dict[str, int] = {}
    try:
        canary = add_patient(
            ws,
            Patient(
                mrn=CANARY_MRN,
                given_name=CANARY_GIVEN,
                family_name=CANARY_FAMILY,
                preferred_name="Billie",
                birth_date=date(1950, 3, 4),
                phones=(Phone(number=CANARY_PHONE, kind="home"),),
                risk_tier=RiskTier.HIGH,
            ),
        )
        ids["canary"] = canary.id
        pid = canary.id
        with ws.uow() as uow:
            uow.enrollments.add(
                Enrollment(
                    patient_id=pid,
                    program=Program.CCM,
                    start_date=date(2025, 3, 1),
                    consent_date=date(2025, 3, 2),
                    consent_method=ConsentMethod.VERBAL,
                )
            )
            uow.conditions.add(Condition(patient_id=pid, icd10="I11.9", display=CANARY_CONDITION))
            uow.conditions.add(Condition(patient_id=pid, icd10="E11.9", display="Type 2 diabetes mellitus"))
            uow.medications.add(Medication(patient_id=pid, name="Lisinopril", dose="10 mg", frequency="daily"))
            uow.allergies.add(Allergy(patient_id=pid, substance="Penicillin", reaction="rash"))
            uow.care_team.add(CareTeamMember(patient_id=pid, name="Dr. Ana Ruiz", role="PCP", phone="(555) 010-9000"))
            for kind, value in (
                (ObservationKind.SYSTOLIC_BP, 152),
                (ObservationKind.DIASTOLIC_BP, 94),
                (ObservationKind.A1C, 8.1),
                (ObservationKind.WEIGHT, 181),
            ):
                uow.observations.add(Observation(patient_id=pid, kind=kind, value=value, observed_on=date(2026, 11, 2)))
            uow.commit()
        others = (
            ("MRN20002", "Abbott", "Grace", "(555) 010-2233", Status.ACTIVE, date(1941, 1, 9)),
            ("MRN20003", "Baker", "Henry", "(555) 010-3344", Status.PAUSED, date(1962, 7, 21)),
            ("MRN20004", "Young", "Iris", "(555) 020-5566", Status.ACTIVE, date(1975, 12, 1)),
        )
        for mrn, family, given, phone, status, born in others:
            p = add_patient(
                ws,
                Patient(
                    mrn=mrn,
                    given_name=given,
                    family_name=family,
                    birth_date=born,
                    phones=(Phone(number=phone),),
                    status=status,
                ),
            )
            ids[family] = p.id
    finally:
        ws.lock()
    return ids


@pytest.fixture
def canary_store(data_dir: Path, clock: FixedClock, store_templates: StoreTemplates) -> dict[str, int]:
    """The canary panel in `data_dir`: a copy of the session's, made by add_canary_panel at NOW."""
    if data_dir.exists() or not pinned_at_now(clock):
        return add_canary_panel(Access(DataFolder(data_dir), clock))
    made = store_templates.copy(
        "canary-panel", lambda folder: add_canary_panel(Access(folder, FixedClock(NOW))), data_dir
    )
    return dict(made)  # the test's own: a test may add to it


@pytest.fixture
def make_window(qtbot, data_dir: Path, settings_path: Path, clock: FixedClock) -> Iterator[Callable[..., MainWindow]]:
    made: list[MainWindow] = []

    def make(**kwargs) -> MainWindow:
        kwargs.setdefault("kdf", FAST_KDF)
        kwargs.setdefault("demo_patients", 20)
        window = build_main_window(data_dir, settings_path, clock, **kwargs)
        # Closed without the question about an unsaved call (kept as a draft, as an idle lock does).
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()


def unlock_with(qtbot, window: MainWindow, passphrase: str = PASSPHRASE) -> None:
    page = window.unlock_panel.unlock
    assert window.unlock_panel.currentWidget() is page
    page.passphrase.setText(passphrase)
    page.unlock_button.click()
    # Interactive: the queue is built in the background, then the view comes to the front.
    qtbot.waitUntil(lambda: window.workspace is not None and window.central_page() is window.view, timeout=15_000)
    # ... and the patient list and the month report, read beside it, have arrived too.
    qtbot.waitUntil(lambda: not any(getattr(p, "loading", False) for p in window.view.pages), timeout=15_000)


@pytest.fixture
def unlocked(make_window, canary_store, qtbot) -> MainWindow:
    window = make_window()
    unlock_with(qtbot, window)
    return window


@pytest.fixture
def demo_store(data_dir: Path, clock: FixedClock, store_templates: StoreTemplates) -> Path:
    """A 30-patient synthetic panel (seed 1) with a year of history in `data_dir`, locked: a copy
    of the session's (generating it took ~1 s a test)."""
    if data_dir.exists() or not pinned_at_now(clock):
        demo_panel_30(DataFolder(data_dir), clock)
    else:
        store_templates.copy("demo-panel-30", lambda folder: demo_panel_30(folder, FixedClock(NOW)), data_dir)
    return data_dir


@pytest.fixture
def demo_unlocked(make_window, demo_store: Path, qtbot) -> MainWindow:
    """A window unlocked over `demo_store`."""
    window = make_window()
    unlock_with(qtbot, window)
    return window


def demo_panel_30(folder: DataFolder, clock: FixedClock) -> None:
    """The 30-patient synthetic panel (seed 1) with a year of history, locked."""
    from caredesk.services.demo_store import create_demo_store

    ws, _code = create_demo_store(folder, PASSPHRASE, patients=30, seed=1, clock=clock, kdf=FAST_KDF, zone=ZONE)
    ws.lock()


class FakeSeconds:
    """A monotonic clock the test moves by hand (CallTimer's injectable clock)."""

    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now
