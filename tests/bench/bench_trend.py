"""A trend chart over three years of readings: weekly blood pressure (156 readings, systolic and
diastolic lines) and daily glucose (1,096 readings), on one patient of a real SQLCipher store.

Measured: the store reads (services.observations.trend for one measure, and vitals: all
the tab shows in one read), the chart's
set_series (pyqtgraph items built), set_series and a paint (grab() renders the widget as
the screen would), and the whole Vitals & labs tab reading that patient when shown
(readings, bands, targets, the table model and the chart). pyqtgraph's one-time import
(~0.5 s) is paid before timing; the app pays it once, with the first chart drawn.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from caredesk.domain.patients import Observation, ObservationKind, Patient
from caredesk.services import observations as obs
from caredesk.services.access import Access
from caredesk.services.patients import add_patient, open_chart
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE

DAYS = 3 * 365 + 1  # three years, daily
WEEKS = 156


@pytest.fixture(scope="module")
def three_years(tmp_path_factory):
    """(workspace, patient id): weekly BP, daily glucose, quarterly A1c, monthly weight for three years."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from caredesk.clock import FixedClock

    clock = FixedClock(datetime(2026, 11, 24, 10, 30, tzinfo=ZoneInfo(ZONE)))
    ws, _ = Access(DataFolder(tmp_path_factory.mktemp("trend")), clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    pid = add_patient(
        ws, Patient(mrn="B1", given_name="Bench", family_name="Trend", birth_date=date(1950, 1, 1))
    ).value.id
    rng, today = random.Random(7), ws.today()
    rows = []
    for w in range(WEEKS):
        day = today - timedelta(weeks=WEEKS - 1 - w)
        s = round(150 - w * 0.15 + rng.gauss(0, 6))
        rows += [(ObservationKind.SYSTOLIC_BP, s, day), (ObservationKind.DIASTOLIC_BP, round(s * 0.6), day)]
    rows += [
        (ObservationKind.GLUCOSE, round(140 + rng.gauss(0, 25)), today - timedelta(days=DAYS - 1 - d))
        for d in range(DAYS)
    ]
    rows += [(ObservationKind.A1C, round(8 + rng.gauss(0, 0.4), 1), today - timedelta(days=91 * q)) for q in range(12)]
    rows += [
        (ObservationKind.WEIGHT, round(190 + rng.gauss(0, 3), 1), today - timedelta(days=30 * m)) for m in range(36)
    ]
    with ws.uow() as uow:
        for kind, value, day in rows:
            uow.observations.add(Observation(patient_id=pid, kind=kind, value=value, observed_on=day))
        uow.commit()
    yield ws, pid
    ws.lock()


@pytest.fixture
def chart(qapp):
    from caredesk.ui.common.trend_chart import TrendChart
    from caredesk.ui.shell.launch import application

    application()  # the app's style and palette
    widget = TrendChart()
    widget.resize(760, 360)
    widget.show()
    widget.set_series("warm-up", "mg/dL", [(date(2026, 1, 1), 1.0), (date(2026, 1, 2), 2.0)])  # pyqtgraph imported
    yield widget
    widget.close()


def _series(ws, pid, measure: str):
    if measure == "blood pressure":
        points, band = obs.trend(ws, pid, ObservationKind.SYSTOLIC_BP)
        second, _ = obs.trend(ws, pid, ObservationKind.DIASTOLIC_BP)
        return ("Blood pressure", "mmHg", points), {"band": band, "second": second, "second_label": "Diastolic"}
    points, band = obs.trend(ws, pid, measure)
    return ("Glucose", "mg/dL", points), {"band": band}


MEASURES = pytest.mark.parametrize(
    "measure", ["blood pressure", "glucose"], ids=["bp-weekly-156", "glucose-daily-1096"]
)


@MEASURES
def test_read_the_trend_from_the_store(benchmark, three_years, measure):
    ws, pid = three_years
    (_, _, points), extra = benchmark(_series, ws, pid, measure)
    assert len(points) == (WEEKS if measure == "blood pressure" else DAYS)
    benchmark.extra_info["points"] = len(points) + len(extra.get("second", ()))


def test_read_everything_the_tab_shows(benchmark, three_years):
    """One unit of work: readings paired and placed, bands, own targets, every measure's series."""
    ws, pid = three_years
    seen = benchmark(obs.vitals, ws, pid)
    assert len(seen.series(ObservationKind.GLUCOSE)) == DAYS and len(seen.readings) == WEEKS + DAYS + 12 + 36


@MEASURES
def test_set_series(benchmark, three_years, chart, measure):
    args, kwargs = _series(*three_years, measure)
    benchmark.pedantic(chart.set_series, args=args, kwargs=kwargs, setup=chart.clear, rounds=30, warmup_rounds=2)
    assert chart.accessibleDescription().startswith(f"{len(args[2]):,} readings".replace(",", ""))


@MEASURES
def test_set_series_and_paint(benchmark, three_years, chart, measure):
    args, kwargs = _series(*three_years, measure)

    def draw():
        chart.set_series(*args, **kwargs)
        return chart.grab()

    image = benchmark.pedantic(draw, setup=chart.clear, rounds=30, warmup_rounds=2)
    assert not image.isNull() and image.width() >= 760


def test_show_the_vitals_tab_of_three_years(benchmark, three_years, qapp):
    """open() on a shown tab, then the event loop: the read (~1,400 readings, bands, targets),
    the table model, the chart of the newest reading's measure, layout and paint."""
    from caredesk.ui.chart.vitals_tab import VitalsTab
    from caredesk.ui.shell.launch import application

    application()
    ws, pid = three_years
    tab = VitalsTab()
    tab.resize(760, 900)
    tab.show()
    record = open_chart(ws, pid, audit_view=False)

    def shown():
        tab.open(ws, record)
        qapp.processEvents()  # a shown tab reads once the event loop runs
        return tab.model.rowCount()

    rows = benchmark.pedantic(shown, setup=tab.clear, rounds=15, warmup_rounds=1)
    tab.close()
    assert rows == WEEKS + DAYS + 12 + 36
