"""Any text a form accepts prints (issue 12): a team action of over ~1,400 characters (~900 in
large print) raised reportlab's LayoutError, because a table row moves to the next page whole.
Read back with pypdf: every numbered sentence is on the paper, in order."""

from __future__ import annotations

import dataclasses
import re

import pytest

from caredesk.domain.careplan import CarePlanContent, Intervention, Owner
from caredesk.domain.patients import Medication
from tests.pdf.test_careplan_pdf import NAME, flat, render, small_plan, texts

FOOTER = (
    "Private: this plan holds your health information. Keep it somewhere safe. "
    "Care plan version 2, finalized November 20, 2026. Printed November 24, 2026."
)


def sentences(n: int, what: str) -> str:
    """n numbered sentences, about 80 characters each."""
    return " ".join(f"{what} {i}: I will call the pharmacy and check that the new doses arrived." for i in range(n))


def with_actions(*actions: Intervention) -> CarePlanContent:
    content = small_plan()
    first = content.problems[0]
    first = dataclasses.replace(first, interventions=first.interventions + actions)
    return dataclasses.replace(content, problems=(first, *content.problems[1:]))


def in_order(text: str, what: str, n: int) -> None:
    found = [int(m) for m in re.findall(rf"{what} (\d+):", text)]
    assert found == list(range(n)), found


def body(pages: list[str]) -> str:
    """The pages' text without the running header and footer, so a sentence cut by a page
    break ("... Step" | "229: ...") reads on."""
    kept = []
    for page in pages:
        for line in page.splitlines():
            line = line.strip()
            if line == NAME or line.startswith(("Date of birth", "Page ")) or " ".join(line.split()) in FOOTER:
                continue
            kept.append(line)
    return flat(" ".join(kept))


@pytest.mark.parametrize("large_print", [False, True], ids=["normal", "large print"])
@pytest.mark.parametrize("length", [1_500, 5_000, 20_000])
def test_a_team_action_of_any_length_prints_whole(large_print, length):
    n = length // 80
    content = with_actions(
        Intervention(action="Check pharmacy", owner=Owner.PCP, frequency="weekly", plain=sentences(n, "Step")),
        Intervention(action="Review", owner=Owner.CARE_MANAGER, frequency="monthly"),
    )
    content = dataclasses.replace(content, symptom_management=sentences(n, "Worse"))
    pages = texts(render(content, large_print=large_print))
    text = body(pages)
    in_order(text, "Step", n)
    in_order(text, "Worse", n)
    assert "How often: weekly" in text and "Review" in text  # the rows after the long one
    assert all("What they will do" in p for p in pages if "Step " in p)  # header row repeated on each page


@pytest.mark.parametrize("large_print", [False, True], ids=["normal", "large print"])
def test_a_long_medicine_name_and_many_long_team_actions_print(large_print):
    content = with_actions(
        *(
            Intervention(action=f"Action {k}", owner=Owner.SPECIALIST, frequency="weekly", plain=sentences(15, f"A{k}"))
            for k in range(6)
        )
    )
    meds = [Medication(patient_id=1, name="Compounded cream " + "x" * 183, dose="1 g" * 20, frequency="daily")]
    text = body(texts(render(content, large_print=large_print, meds=meds)))
    for k in range(6):
        in_order(text, f"A{k}", 15)
    assert "Compounded cream" in text
