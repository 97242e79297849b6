"""The chart's own record tabs, in the order a care manager reads a chart.

Each tab is a QWidget following caredesk.ui.common.chart_tab.ChartTab: `open(ws, chart)`
shows a patient, `clear()` drops every detail. A tab listens to the change hub itself and
re-reads what it shows when its patient's records of its kinds change.
"""

from __future__ import annotations

from caredesk.ui.common.chart_tab import ChartTab


def record_tabs() -> list[ChartTab]:
    """New tab instances, left to right after Summary (feature tabs such as the care plan follow)."""
    tabs: list[ChartTab] = []
    from caredesk.ui.chart.record_tab import RecordTab

    tabs.append(RecordTab())
    from caredesk.ui.chart.clinical_tab import ClinicalTab

    tabs.append(ClinicalTab())
    from caredesk.ui.chart.vitals_tab import VitalsTab

    tabs.append(VitalsTab())
    from caredesk.ui.chart.rpm_tab import RpmDevicesTab

    tabs.append(RpmDevicesTab())
    from caredesk.ui.chart.assessments_tab import AssessmentsTab

    tabs.append(AssessmentsTab())
    from caredesk.ui.chart.contacts_tab import ContactsTab

    tabs.append(ContactsTab())
    from caredesk.ui.chart.tasks_tab import TasksTab

    tabs.append(TasksTab())
    from caredesk.ui.chart.stays_tab import StaysTab

    tabs.append(StaysTab())
    from caredesk.ui.chart.referrals_tab import ReferralsTab

    tabs.append(ReferralsTab())
    return tabs
