"""The crash handler and the patient table model on their own."""

from __future__ import annotations

import logging
import sys
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from caredesk.domain.patients import PatientSummary, Program, RiskTier, Status
from caredesk.ui.chart.patient_table import (
    AGE,
    LAST_ATTEMPT,
    LAST_REACHED,
    MINUTES,
    NAME,
    PROGRAMS,
    FilterRole,
    PatientFilterProxy,
    PatientTableModel,
    SortRole,
    format_day,
)
from caredesk.ui.shell import crash


def summary(
    pid: int, family: str, phone: str = "(555) 010-1234", last: date | None = None, attempt: date | None = None
) -> PatientSummary:
    return PatientSummary(
        id=pid,
        mrn=f"MRN{pid:04d}",
        given_name="Ann",
        family_name=family,
        preferred_name="Annie",
        birth_date=date(1950, 6, 1),
        phones=(phone,),
        status=Status.ACTIVE,
        risk_tier=RiskTier.HIGH,
        programs=(Program.CCM, Program.BHI),
        last_reached=last,
        minutes_this_month=12,
        last_attempt=attempt,
    )


def test_crash_dialog_and_log_never_carry_the_message(monkeypatch, caplog):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    try:
        raise ValueError("Qzxcanary MRN QZX90001")
    except ValueError:
        with caplog.at_level(logging.ERROR, logger="caredesk.crash"):
            crash.handle(*sys.exc_info())
    assert shown and "Qzxcanary" not in shown[0] and "unexpected problem" in shown[0]
    assert "builtins.ValueError" in caplog.text
    assert "test_crash_and_model.py" in caplog.text
    assert "Qzxcanary" not in caplog.text


def test_model_columns_roles_and_formats():
    model = PatientTableModel()
    model.set_rows([summary(1, "Zed", last=date(2026, 11, 21), attempt=date(2026, 11, 23))], date(2026, 11, 24))
    idx = model.index(0, 0)
    assert idx.data() == 'Zed, Ann "Annie"'
    assert model.index(0, AGE).data() == 76
    assert model.index(0, AGE).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight.value
    assert model.index(0, PROGRAMS).data() == "CCM, BHI"
    assert model.index(0, LAST_REACHED).data() == "Nov 21, 2026"
    assert model.index(0, LAST_REACHED).data(SortRole) == date(2026, 11, 21)
    assert "reached" in model.index(0, LAST_REACHED).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, LAST_ATTEMPT).data() == "Nov 23, 2026"  # a voicemail after the last reach
    assert "voicemail" in model.index(0, LAST_ATTEMPT).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, MINUTES).data() == 12
    assert "5550101234" in idx.data(FilterRole)
    assert format_day(None) == "—"
    model.clear()
    assert model.rowCount() == 0


def test_proxy_matches_every_term_and_phone_digits():
    model = PatientTableModel()
    model.set_rows(
        [
            summary(1, "Lee", "(555) 010-1234"),
            summary(2, "Park", "(555) 020-9876"),
            summary(3, "Leeds", "555.010.7777"),
        ],
        date(2026, 11, 24),
    )
    proxy = PatientFilterProxy()
    proxy.setSourceModel(model)
    cases = {
        "lee": 3 - 1,
        "lee 7777": 1,
        "5550101": 1,
        "555010": 2,
        "(555) 010": 2,
        "mrn0002": 1,
        "annie park": 1,
        "nobody": 0,
        "": 3,
    }
    for query, expected in cases.items():
        proxy.set_query(query)
        assert proxy.rowCount() == expected, query


def test_sort_by_name_then_id():
    model = PatientTableModel()
    model.set_rows([summary(2, "beta"), summary(1, "Alpha"), summary(3, "alpha")], date(2026, 11, 24))
    proxy = PatientFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(NAME)
    assert [proxy.source_id(r) for r in range(3)] == [1, 3, 2]
