"""The chart's own record tabs, in the order a care manager reads a chart.

Each tab is a QWidget following caredesk.ui.common.chart_tab.ChartTab: `open(ws, chart)`
shows a patient, `clear()` drops every detail. A tab listens to the change hub itself and
re-reads what it shows when its patient's records of its kinds change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from importlib import import_module
from typing import cast

from caredesk.ui.common.chart_tab import ChartTab

# (module under caredesk.ui.chart, class), left to right after Summary.
_RECORD_TABS = (
    ("record_tab", "RecordTab"),
    ("clinical_tab", "ClinicalTab"),
    ("vitals_tab", "VitalsTab"),
    ("rpm_tab", "RpmDevicesTab"),
    ("assessments_tab", "AssessmentsTab"),
    ("contacts_tab", "ContactsTab"),
    ("tasks_tab", "TasksTab"),
    ("stays_tab", "StaysTab"),
    ("referrals_tab", "ReferralsTab"),
)


def _make(module: str, name: str) -> ChartTab:
    return cast(ChartTab, getattr(import_module(f"caredesk.ui.chart.{module}"), name)())


def record_tab_makers() -> list[Callable[[], ChartTab]]:
    """One maker per record tab, in order (feature tabs such as the care plan follow).

    Makers, not tabs: the chart makes each tab (and imports its module) in a slice of its
    own after the page is on screen, instead of all at once on the GUI thread (issue 14).
    """
    return [partial(_make, module, name) for module, name in _RECORD_TABS]
