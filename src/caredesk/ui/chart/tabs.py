"""The chart's own record tabs, in the order a care manager reads a chart.

Each tab is a QWidget following caredesk.ui.common.chart_tab.ChartTab: `open(ws, chart)`
shows a patient, `clear()` drops every detail. A tab listens to the change hub itself and
re-reads what it shows when its patient's records of its kinds change.

chart_view imports this module when a chart is made, not at its own import (record_tab
imports summary_table's SummaryTable); the preloader imports it on its worker thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from caredesk.ui.chart.assessments_tab import AssessmentsTab
from caredesk.ui.chart.clinical_tab import ClinicalTab
from caredesk.ui.chart.contacts_tab import ContactsTab
from caredesk.ui.chart.record_tab import RecordTab
from caredesk.ui.chart.referrals_tab import ReferralsTab
from caredesk.ui.chart.rpm_tab import RpmDevicesTab
from caredesk.ui.chart.stays_tab import StaysTab
from caredesk.ui.chart.tasks_tab import TasksTab
from caredesk.ui.chart.vitals_tab import VitalsTab
from caredesk.ui.common.chart_tab import ChartTab


def record_tab_makers() -> list[Callable[[QWidget | None], ChartTab]]:
    """One maker per record tab, left to right after Summary (feature tabs such as the care
    plan follow). Makers, not tabs: the chart makes each tab in a slice of its own after the
    page is on screen, instead of all at once on the GUI thread (issue 14)."""
    return [
        RecordTab,
        ClinicalTab,
        VitalsTab,
        RpmDevicesTab,
        AssessmentsTab,
        ContactsTab,
        TasksTab,
        StaysTab,
        ReferralsTab,
    ]
