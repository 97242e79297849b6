"""Filtering and sorting the patient list the way a care manager types: no accents needed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from caredesk.domain.patients import PatientSummary, RiskTier, Status
from caredesk.domain.text import fold, search_fold
from caredesk.ui.chart.patient_table import NAME, PatientFilterProxy, PatientTableModel


def _row(pid: int, given: str, family: str, phone: str = "(555) 010-0000") -> PatientSummary:
    return PatientSummary(
        id=pid,
        mrn=f"T{pid:04d}",
        given_name=given,
        family_name=family,
        preferred_name="",
        birth_date=date(1950, 1, 1),
        phones=(phone,),
        status=Status.ACTIVE,
        risk_tier=RiskTier.LOW,
        programs=(),
        last_reached=None,
        minutes_this_month=0,
    )


def _proxy(rows):
    model = PatientTableModel()
    model.set_rows(rows, date(2026, 11, 24))
    proxy = PatientFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(NAME, Qt.SortOrder.AscendingOrder)
    return model, proxy


def test_fold_drops_case_and_accents():
    assert fold("Núñez Zoë Bélanger ÉMILE") == "nunez zoe belanger emile"
    assert fold("Đặng Søren Łukasz Straße") == "dang soren lukasz strasse"


def test_typing_without_accents_finds_accented_names(qapp):
    _model, proxy = _proxy([_row(1, "José", "Núñez"), _row(2, "Zoë", "Müller"), _row(3, "Ann", "Brown")])
    proxy.set_query("nunez")
    assert [proxy.index(r, NAME).data() for r in range(proxy.rowCount())] == ["Núñez, José"]
    proxy.set_query("zoe muller")
    assert proxy.rowCount() == 1
    proxy.set_query("NÚÑEZ")
    assert proxy.rowCount() == 1


def test_accented_names_sort_with_their_letter(qapp):
    _model, proxy = _proxy([_row(1, "Carol", "Brown"), _row(2, "Émile", "Bélanger"), _row(3, "Ann", "Adams")])
    names = [proxy.index(r, NAME).data() for r in range(proxy.rowCount())]
    assert names == ["Adams, Ann", "Bélanger, Émile", "Brown, Carol"]


def test_an_apostrophe_or_hyphen_is_found_however_it_was_typed(qapp):
    """Issue 12: "O’Brien" (a typographic apostrophe, as EHR exports write it) was not found by
    typing O'Brien or obrien."""
    _model, proxy = _proxy([_row(1, "Siobhán", "O’Brien"), _row(2, "Ann", "Núñez-Qzx"), _row(3, "Bo", "Brien")])
    for typed in ("O'Brien", "obrien", "O’BRIEN", "o`brien"):
        proxy.set_query(typed)
        assert [proxy.index(r, NAME).data() for r in range(proxy.rowCount())] == ["O’Brien, Siobhán"], typed
    proxy.set_query("nunez qzx")
    assert proxy.rowCount() == 1
    proxy.set_query("555-010-0000")  # a phone typed with its dashes still finds every row
    assert proxy.rowCount() == 3
    assert search_fold("O’Brien-Smith") == "obrien smith"


def test_a_chinese_name_is_found_as_it_is_printed_without_a_space(qapp):
    """王 秀英 prints as 王秀英 (domain.names.full_name); pasting it from a letter finds her."""
    _model, proxy = _proxy([_row(1, "秀英", "王"), _row(2, "民", "王"), _row(3, "Ann", "Brown")])
    proxy.set_query("王秀英")
    assert [proxy.index(r, NAME).data() for r in range(proxy.rowCount())] == ["王, 秀英"]
