"""Screenshots of the main screens over synthetic data, for review and documentation.

    python -m caredesk.ui.shell.screenshots --out DIR [--data-dir DIR]

Works under QT_QPA_PLATFORM=offscreen and under xvfb-run. Stores made here use the
cheapest KDF: they hold only made-up patients and exist to be photographed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from caredesk.app import KdfParams
from caredesk.domain.contacts import Outcome
from caredesk.services import patients as patient_records
from caredesk.services.workspace import Workspace
from caredesk.ui.careplan.editor import CarePlanEditor
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.month.page import MonthPage
from caredesk.ui.queue.page import QueuePage
from caredesk.ui.queue.prepared import QueueFilter
from caredesk.ui.shell.backup_shots import shoot_backup_and_restore
from caredesk.ui.shell.interop_shots import shoot_interop
from caredesk.ui.shell.kept_form_shots import shoot_kept_form, shoot_kept_new_patient
from caredesk.ui.shell.key_shots import shoot_keys
from caredesk.ui.shell.launch import application, build_main_window
from caredesk.ui.shell.letter_shots import shoot_letter
from caredesk.ui.shell.main_window import MainWindow
from caredesk.ui.shell.shot_tools import shoot_widget, wait_for

SIZE = (1280, 800)
FAST_KDF = KdfParams(iterations=1, memory_kib=1024, lanes=1)
PASSPHRASE = "screenshot passphrase"


def settle(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def shoot(window: MainWindow, out: Path, name: str) -> Path:
    window.resize(*SIZE)
    return shoot_widget(window, out, name)


def pick_rich_patient(ws: Workspace, patients: PatientsPage) -> int:
    """A patient whose chart has several conditions and readings, to show a full chart."""
    best, best_score = None, -1
    for summary in patient_records.patient_list(ws)[:60]:
        chart = patient_records.open_chart(ws, summary.id)
        score = min(len(chart.conditions), 4) * 10 + min(len(chart.medications), 4) * 3 + len(chart.care_team)
        if chart.observations:
            score += 5
        if summary.preferred_name:
            score += 1
        if score > best_score:
            best, best_score = summary.id, score
    assert best is not None
    return best


def pick_query(ws: Workspace, patients: PatientsPage, chosen: int) -> str:
    """A short typed query that leaves a handful of rows, as a real search would."""
    summaries = patient_records.patient_list(ws)
    summaries.sort(key=lambda s: s.id != chosen)  # the open patient's name first
    for summary in summaries:
        query = summary.family_name[:3].lower()
        patients.filter.setText(query)
        if 3 <= patients.proxy.rowCount() <= 10:
            return query
    return "an"


class FakeSeconds:
    """A monotonic clock the screenshots move by hand: a call 'running' for a few minutes."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def shoot_queue(window: MainWindow, out: Path) -> list[Path]:
    """Home: the queue with the second patient selected and the call timer at 04:37."""
    queue = window.view.show_page(QueuePage)
    seconds = FakeSeconds()
    queue.panel.set_timer_clock(seconds)
    queue.table.setFocus()
    shots = []
    for row in range(min(40, queue.proxy.rowCount())):  # a patient with open tasks at the panel's foot
        queue.table.select_row(row)
        wanted = queue.proxy.patient_id(row)
        wait_for(lambda: queue.panel.patient_id == wanted)  # noqa: B023  # waited for here, in this turn
        if queue.panel.tasks.list.count():
            shots.append(shoot_widget(queue.panel, out, "09b-call-panel-open-tasks"))
            break
    queue.table.select_row(0)
    queue.table.move_by(1)
    wait_for(lambda: queue.panel.patient_id is not None)
    queue.start_call()
    seconds.now += 4 * 60 + 37
    queue.panel.timing.tick()
    shots.insert(0, shoot(window, out, "08-queue-home"))
    queue.panel.set_outcome(Outcome.REACHED)
    queue.panel.note.setPlainText("Reviewed home BP log; readings 130s/80s. Refill of lisinopril due next week.")
    queue.panel.follow_up_check.setChecked(True)
    queue.panel.timing.stop()
    shots.append(shoot_widget(queue.panel, out, "09-call-panel"))
    queue.set_filter(QueueFilter.DEADLINES)
    shots.append(shoot(window, out, "10-queue-deadlines"))
    queue.set_filter(QueueFilter.ALL)
    return shots


def shoot_chart_tabs(window: MainWindow, patients: PatientsPage, out: Path) -> list[Path]:
    """Each of the chart's record tabs (Summary is 05, the care plan 12-14)."""
    chart, shots = patients.chart, []
    for index in range(1, chart.tabs.count()):
        tab = chart.tabs.widget(index)
        if isinstance(tab, CarePlanEditor):
            continue
        chart.tabs.setCurrentIndex(index)
        settle(0.3)  # a tab reads its records when first shown
        slug = "".join(ch if ch.isalnum() else "-" for ch in chart.tabs.tabText(index).lower().replace("&", ""))
        shots.append(shoot(window, out, f"05-chart-{index:02d}-{slug.strip('-')}"))
    chart.tabs.setCurrentIndex(0)
    return shots


def shoot_month(window: MainWindow, out: Path) -> list[Path]:
    window.view.show_page(MonthPage)
    wait_for(lambda: True)
    return [shoot(window, out, "11-month")]


def shoot_care_plan(window: MainWindow, ws: Workspace, out: Path) -> list[Path]:
    """The care-plan tab of a demo patient with the most finalized versions (a diff to show)."""
    from caredesk.services import care_plans

    best = max((s.id for s in patient_records.patient_list(ws)[:80]), key=lambda pid: len(care_plans.versions(ws, pid)))
    patients = window.view.show_page(PatientsPage)
    patients.select_patient(best)
    wait_for(lambda: patients.chart.patient_id == best)
    chart = patients.chart
    editor = chart.tab(CarePlanEditor)
    chart.tabs.setCurrentWidget(editor)
    editor.inner.setCurrentIndex(0)
    if editor.content.problems and editor.content.problems[0].goals:
        editor.select(("g", 0, 0))
    shots = [shoot(window, out, "12-care-plan")]
    editor.inner.setCurrentIndex(1)
    shots.append(shoot(window, out, "13-care-plan-sections"))
    editor.inner.setCurrentIndex(2)
    shots.append(shoot(window, out, "14-care-plan-history"))
    copy = editor.history.copy
    if copy.version is not None:
        preview = copy.open_preview()
        assert preview is not None
        wait_for(lambda: preview.isVisible())
        wait_for(lambda: preview.view.is_rendered(0))  # pages render in the background
        shots.append(shoot_widget(preview, out, "15-print-preview"))
        preview.large_print.setChecked(True)
        wait_for(lambda: preview.view.is_rendered(0))
        shots.append(shoot_widget(preview, out, "16-print-preview-large"))
        preview.reject()
    editor.inner.setCurrentIndex(0)
    chart.tabs.setCurrentIndex(0)
    dialog = window.print_due_plans()
    assert dialog is not None
    wait_for(lambda: dialog.isVisible())
    shots.append(shoot_widget(dialog, out, "17-due-plans"))
    dialog.reject()
    details = window.open_practice_details()
    assert details is not None
    wait_for(lambda: details.isVisible())
    shots.append(shoot_widget(details, out, "18-practice-details"))
    details.reject()
    return shots


def shoot_assessments(window: MainWindow, ws: Workspace, out: Path) -> list[Path]:
    """The guided interview on a PHQ-9's item 9 answered positive, then the chart with the safety
    banner and the Assessments tab's trend, for the demo patient with the most PHQ-9 scores."""
    from caredesk.domain.assessments import Instrument
    from caredesk.services import assessments as screens
    from caredesk.ui.assess.interview_dialog import InterviewDialog
    from caredesk.ui.chart.assessments_tab import AssessmentsTab

    def scored(pid: int) -> int:
        return sum(a.score is not None for a in screens.history(ws, pid, Instrument.PHQ9))

    best = max((s.id for s in patient_records.patient_list(ws)[:80]), key=scored)
    patients = window.view.show_page(PatientsPage)
    patients.select_patient(best)
    wait_for(lambda: patients.chart.patient_id == best)
    tab = patients.chart.tab(AssessmentsTab)
    patients.chart.tabs.setCurrentWidget(tab)
    settle(0.3)
    tab.show_instrument(Instrument.PHQ9)
    dialog = tab.new_screening()
    assert isinstance(dialog, InterviewDialog)
    wait_for(lambda: dialog.isVisible())
    interview = dialog.interview
    interview.begin(Instrument.PHQ9)
    for value in (2, 2, 1, 2, 1, 1, 0, 1, 1):
        interview.answer(value)
    interview.back()  # item 9 shown again, "Several days" chosen: the protocol beside it
    settle(0.3)
    shots = [shoot_widget(dialog, out, "19-guided-interview-phq9-item9")]
    dialog.save()
    wait_for(lambda: patients.chart.safety_banner.isVisible())
    settle(0.8)  # the trend draws once pyqtgraph is in
    shots.append(shoot(window, out, "20-chart-safety-banner-assessments"))
    return shots


def shoot_referrals(window: MainWindow, ws: Workspace, out: Path) -> list[Path]:
    """The Referrals tab of the demo patient whose referrals are in the most states (one quiet
    for weeks, a suggestion waiting when there is one), the Refer form, and File > Community
    resources."""
    from datetime import timedelta

    from caredesk.domain.assessments import Instrument
    from caredesk.errors import CareDeskError
    from caredesk.services import assessments as screens
    from caredesk.services import community
    from caredesk.services import referrals as referral_service
    from caredesk.ui.chart.referral_dialogs import ReferDialog
    from caredesk.ui.chart.referrals_tab import ReferralsTab
    from caredesk.ui.common.hub import publish

    def variety(pid: int) -> int:
        states = {v.referral.status for v in referral_service.referrals(ws, pid)}
        waiting = any(not s.referred for s in referral_service.suggestions(ws, pid).needs)
        return 10 * len(states) + 5 * waiting

    best = max((s.id for s in patient_records.patient_list(ws)[:120]), key=variety)
    # Demo patients have one or two referrals: add a quiet one, a completed one and a declined one.
    today = ws.today()
    for need, ago, steps in (
        ("transportation", 24, (("sent", "Booked through the rides line."),)),
        ("utilities", 40, (("sent", "Faxed"), ("accepted", "Intake done"), ("completed", "Bill paid in full."))),
        ("other", 9, (("declined", "Prefers her church's group."),)),
    ):
        found = [r.id for r in community.resources(ws, need=need) if r.id is not None]
        try:
            made = referral_service.refer(ws, best, found[0], need, on=today - timedelta(days=ago)).value
            assert made.id is not None
            for k, (status, note) in enumerate(steps, start=1):
                referral_service.record_step(ws, made.id, status, on=today - timedelta(days=ago - 2 * k), note=note)
        except (CareDeskError, IndexError):
            continue  # no such resource, or already referred there: the demo's own referrals show
    # A new screen with housing positive (the open food referral answers food): the suggestion line.
    screen = screens.record_assessment(ws, best, Instrument.SOCIAL_NEEDS, (1, 1, 0, 0, 0, 1, 1, 1, 1), today)
    publish(screen.changes)
    patients = window.view.show_page(PatientsPage)
    patients.select_patient(best)
    wait_for(lambda: patients.chart.patient_id == best)
    tab = patients.chart.tab(ReferralsTab)
    patients.chart.tabs.setCurrentWidget(tab)
    wait_for(lambda: tab.table.rowCount() > 0 or tab.none.isVisible())
    cells = [tab.table.item(i, 1) for i in range(tab.table.rowCount())]  # the Status column
    quiet = next((i for i, cell in enumerate(cells) if cell is not None and "no news" in cell.text()), 0)
    tab.table.selectRow(quiet)
    settle(0.3)
    shots = [shoot(window, out, "21-chart-referrals")]
    dialog = tab.refer()
    assert isinstance(dialog, ReferDialog)
    wait_for(dialog.isVisible)
    shots.append(shoot_widget(dialog, out, "22-refer-dialog"))
    dialog.reject()
    resources = window.open_resources()
    assert resources is not None
    wait_for(resources.isVisible)
    resources.inactive.setChecked(True)
    shots.append(shoot_widget(resources, out, "23-community-resources"))
    resources.reject()
    return shots


def run(out: Path, data_dir: Path, settings: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    window = build_main_window(data_dir, settings, kdf=FAST_KDF, demo_patients=170)
    window.show()
    panel = window.unlock_panel
    try:
        if panel.currentWidget() is panel.welcome:
            shots.append(shoot(window, out, "01-welcome"))
            panel.welcome.create_button.click()
            panel.create_page.passphrase.setText(PASSPHRASE)
            panel.create_page.confirm.setText(PASSPHRASE)
            shots.append(shoot(window, out, "02-create-store"))
            panel.create_page.create_button.click()
            wait_for(lambda: panel.currentWidget() is panel.code)
            shots.append(shoot(window, out, "03-recovery-code"))
            code = panel.code.code.text()
            panel.code.saved.setChecked(True)
            panel.code.continue_button.click()
            wait_for(lambda: window.central_page() is window.view)
            shots += shoot_keys(window, out, code, PASSPHRASE)
            window.lock()
        panel.show_unlock()
        shots.append(shoot(window, out, "04-unlock"))

        # The demo panel: 170 synthetic patients, seed 1, in its own sub-folder.
        panel.start()
        if panel.currentWidget() is not panel.welcome:
            panel.open_demo()
        else:
            panel.welcome.demo_button.click()
        wait_for(lambda: window.workspace is not None, timeout=120)
        if window.central_page() is panel and panel.currentWidget() is panel.busy:
            shots.append(shoot(window, out, "04b-opening-panel"))  # while today's queue is built
        wait_for(lambda: window.central_page() is window.view, timeout=120)
        wait_for(lambda: not any(getattr(p, "loading", False) for p in window.view.pages), timeout=120)
        ws = window.workspace
        assert ws is not None
        shots += shoot_queue(window, out)
        shots += shoot_month(window, out)
        patients = window.view.show_page(PatientsPage)
        chosen = pick_rich_patient(ws, patients)
        patients.select_patient(chosen)
        wait_for(lambda: patients.chart.patient_id == chosen)
        shots.append(shoot(window, out, "05-patients-chart"))
        shots += shoot_chart_tabs(window, patients, out)
        shots += shoot_care_plan(window, ws, out)
        shots += shoot_assessments(window, ws, out)
        shots += shoot_referrals(window, ws, out)
        shots += shoot_interop(window, out)  # imports nothing: the wizard closes on its preview
        shots += shoot_letter(ws, out)
        shots += shoot_backup_and_restore(window, out)
        patients.select_patient(chosen)
        wait_for(lambda: patients.chart.patient_id == chosen)

        patients.filter.setFocus()
        patients.filter.setText(pick_query(ws, patients, chosen))
        wait_for(lambda: True)
        shots.append(shoot(window, out, "06-patients-filtered"))

        patients.filter.clear()
        dialog = patients.add_patient()
        assert dialog is not None
        dialog.mrn.setText("DM009999")
        dialog.given.setText("Zoë")
        dialog.family.setText("Núñez")
        dialog.birth.setText("31/12/1950")  # a day-first slip, to show the inline message
        dialog.program.setCurrentText("CCM")
        dialog.save_button.click()
        wait_for(lambda: dialog.message.isVisible())
        shots.append(shoot_widget(dialog, out, "07-add-patient"))
        dialog.reject()
        shots += shoot_kept_form(window, chosen, out, SIZE)  # locks and opens the demo again: last
        shots += shoot_kept_new_patient(window, out, SIZE)  # so does this
    finally:
        window.shutdown()  # the shot call is left unsaved: kept as a draft, no question on a virtual screen
        window.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m caredesk.ui.shell.screenshots")
    parser.add_argument("--out", required=True, help="folder for the PNG files")
    parser.add_argument("--data-dir", help="folder for the synthetic stores (default: a temporary folder)")
    args = parser.parse_args(argv)
    application()
    with tempfile.TemporaryDirectory(prefix="caredesk-shots-") as tmp:
        data_dir = Path(args.data_dir) if args.data_dir else Path(tmp) / "data"
        run(Path(args.out), data_dir, Path(tmp) / "settings.ini")
    return 0


if __name__ == "__main__":
    sys.exit(main())
