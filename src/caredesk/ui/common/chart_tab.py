"""What a feature's tab in the patient chart offers, so the shell can compose the chart.

The chart (ui/chart) knows only this protocol; the shell hands it the tabs of other
features (the care plan today), so features never import each other.
"""

from __future__ import annotations

from typing import Protocol

from caredesk.domain.patients import Chart
from caredesk.services.workspace import Workspace


class ChartTab(Protocol):
    tab_title: str

    def open(self, ws: Workspace, chart: Chart) -> None:
        """Show this patient (a previous patient's pending work is saved first)."""

    def clear(self) -> None:
        """Drop every patient detail (on lock, or when no patient is shown)."""
