"""The patient's care-plan PDF: one plan (budget < 200 ms) and every plan of the 170 panel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caredesk.pdf.careplan import PlanContacts, render_care_plan
from caredesk.services.patients import patient_list


def _plans(ws):
    with ws.uow() as uow:
        out = []
        for p in patient_list(ws):
            versions = uow.care_plans.versions(p.id)
            if versions:
                out.append((p, versions[-1], uow.medications.for_patient(p.id), uow.care_team.for_patient(p.id)))
        return out


def _render(p, version, meds, team, large=False) -> bytes:
    return render_care_plan(
        patient_name=f"{p.given_name} {p.family_name}",
        birth_date=p.birth_date,
        version=version,
        content=version.content,
        medications=meds,
        contacts=PlanContacts.from_care_team(team),
        large_print=large,
        generated=datetime(2026, 11, 24, 15, tzinfo=UTC),
    )


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-print"])
def test_one_plan(benchmark, panels, large):
    p, version, meds, team = max(_plans(panels["170x1y"]), key=lambda x: len(x[1].content.problems))
    pdf = benchmark(_render, p, version, meds, team, large)
    assert pdf.startswith(b"%PDF")


def test_every_plan_of_the_170_panel(benchmark, panels):
    plans = _plans(panels["170x1y"])
    sizes = benchmark.pedantic(lambda: [len(_render(*x)) for x in plans], rounds=3)
    benchmark.extra_info["plans"] = len(plans)
    assert len(sizes) == len(plans) > 30


def test_a_170_plan_batch(benchmark, panels):
    """A full caseload's worth: the panel's plans taken in turn until 170 are rendered (it has fewer)."""
    plans = _plans(panels["170x1y"])
    batch = [plans[i % len(plans)] for i in range(170)]
    sizes = benchmark.pedantic(lambda: [len(_render(*x)) for x in batch], rounds=3)
    assert len(sizes) == 170


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-print"])
def test_one_plan_in_chinese_arabic_and_hebrew(benchmark, large):
    """Issue 12: a Chinese name, Arabic and Hebrew wording (fallback faces, shaping, word order)."""
    from tests.pdf.test_careplan_pdf import render
    from tests.pdf.test_scripts_print import plan

    pdf = benchmark(render, plan(), name="王秀英 (Wang Xiuying)", large_print=large)
    assert pdf.startswith(b"%PDF")
