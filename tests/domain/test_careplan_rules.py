"""Care-plan rules with plain values: what blocks finalize, what a diff says, what templates fill in."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from caredesk.domain.careplan import CarePlanContent, Goal, GoalStatus, Intervention, Owner, Problem
from caredesk.domain.careplan_rules import diff, finalize_problems
from caredesk.domain.careplan_templates import BLANK, TEMPLATES, problem_from_template, template_for_icd10
from caredesk.errors import ValidationError

TODAY = date(2026, 11, 24)


def _plan(**changes) -> CarePlanContent:
    dm = Problem(
        title="Diabetes",
        condition_icd10="E11.9",
        goals=(Goal(measure="A1c", target="< 8%", target_date=date(2027, 2, 22), status=GoalStatus.IN_PROGRESS),),
        interventions=(Intervention(action="Order A1c", owner=Owner.PCP, frequency="every 3 months"),),
    )
    base = CarePlanContent(problems=(dm,), barriers="Lives alone", next_review=date(2027, 3, 1))
    return replace(base, **changes)


def _messages(content: CarePlanContent) -> list[str]:
    errors = finalize_problems(content, TODAY)
    assert all(isinstance(e, ValidationError) for e in errors)
    return [str(e) for e in errors]


def test_a_complete_plan_has_nothing_blocking_finalize():
    assert finalize_problems(_plan(), TODAY) == []


def test_finalize_refuses_an_invalid_draft_with_messages_naming_items():
    dm = _plan().problems[0]
    bad_goal = replace(dm, goals=(dm.goals[0], Goal(measure="Fasting glucose", target="")))
    hf = Problem(title="Heart failure")
    untitled = Problem(title=" ", goals=dm.goals, interventions=(Intervention(action=""),))
    content = _plan(problems=(bad_goal, hf, untitled), next_review=TODAY)
    assert _messages(content) == [
        "Problem 1 'Diabetes', goal 2 'Fasting glucose': needs a target",
        "Problem 1 'Diabetes', goal 2 'Fasting glucose': needs a target date",
        "Problem 2 'Heart failure': needs at least one goal",
        "Problem 2 'Heart failure': needs at least one intervention",
        "Problem 3: needs a title",
        "Problem 3, intervention 1: needs an action",
        "Next review date: must be after today",
    ]


def test_an_empty_plan_needs_a_problem_and_a_review_date():
    assert _messages(CarePlanContent()) == ["Problems: add at least one problem", "Next review date: is required"]


def test_diff_names_changed_items():
    old = _plan()
    dm = old.problems[0]
    new_dm = replace(
        dm,
        goals=(
            replace(dm.goals[0], target="< 7.5%", status=GoalStatus.MET),
            Goal(measure="Fasting glucose", target="80-130", target_date=date(2027, 1, 1)),
        ),
        interventions=(replace(dm.interventions[0], owner=Owner.CARE_MANAGER),),
    )
    copd = Problem(title="COPD")
    new = replace(
        old,
        problems=(new_dm, copd),
        barriers="Lives alone; no car",
        strengths="Daughter helps",
        next_review=date(2027, 5, 1),
    )
    assert diff(old, new) == [
        "Problem 'Diabetes': goal 'A1c' target changed from '< 8%' to '< 7.5%'",
        "Problem 'Diabetes': goal 'A1c' status changed from 'in progress' to 'met'",
        "Problem 'Diabetes': goal 'Fasting glucose' added",
        "Problem 'Diabetes': intervention 'Order A1c' owner changed from 'PCP' to 'care manager'",
        "Problem 'COPD' added",
        "Barriers changed from 'Lives alone' to 'Lives alone; no car'",
        "Strengths added: 'Daughter helps'",
        "Next review changed from 03/01/2027 to 05/01/2027",
    ]
    assert diff(new, old)[-1] == "Next review changed from 05/01/2027 to 03/01/2027"
    assert "Problem 'COPD' removed" in diff(new, old)


def test_diff_matches_problems_by_title_ignoring_case_and_order():
    old = _plan(problems=(Problem(title="Diabetes"), Problem(title="COPD", plain="Hard to breathe")))
    new = _plan(problems=(Problem(title="copd", plain="Short of breath"), Problem(title="Diabetes")))
    assert diff(old, new) == [
        "Problem 'COPD' renamed to 'copd'",
        "Problem 'copd': patient wording changed from 'Hard to breathe' to 'Short of breath'",
    ]


def test_diff_treats_a_new_title_in_the_same_place_as_a_rename():
    old = _plan()
    new = replace(old, problems=(replace(old.problems[0], title="Type 2 diabetes"),))
    assert diff(old, new) == ["Problem 'Diabetes' renamed to 'Type 2 diabetes'"]


def test_diff_of_equal_plans_is_empty():
    assert diff(_plan(), _plan()) == []


def test_template_prefills_goals_and_interventions():
    start = date(2026, 11, 24)
    for key in TEMPLATES:
        problem = problem_from_template(key, start)
        assert 1 <= len(problem.goals) <= 2 and 2 <= len(problem.interventions) <= 3, key
        assert problem.title and problem.plain
        for goal in problem.goals:
            assert goal.target and goal.plain and goal.target_date and goal.target_date > start
        for item in problem.interventions:
            assert item.frequency and item.plain and isinstance(item.owner, Owner)
        # a plan of just this problem passes the finalize rules
        assert finalize_problems(CarePlanContent(problems=(problem,), next_review=date(2027, 3, 1)), start) == []
    a1c = problem_from_template("diabetes", start).goals[0]
    assert (a1c.measure, a1c.target_date) == ("A1c", date(2027, 2, 22))
    assert "below 8" in a1c.plain


def test_template_is_picked_from_the_condition_code():
    assert [
        template_for_icd10(c) for c in ("E11.9", "e11.65", "I10", "I11.0", "I50.22", "J44.1", "F32.A", "F33.1")
    ] == ["diabetes", "diabetes", "hypertension", "hypertension", "heart failure", "copd", "depression", "depression"]
    assert template_for_icd10("Z00.00") is None and template_for_icd10("") is None
    # Issue 12: the other common chronic problems of a CCM panel have templates too.
    assert [
        template_for_icd10(c)
        for c in ("I25.10", "I48.91", "N18.30", "J45.909", "E66.9", "M17.11", "G89.29", "F41.1", "G30.9", "E78.5")
    ] == [
        "coronary artery disease",
        "atrial fibrillation",
        "chronic kidney disease",
        "asthma",
        "obesity",
        "chronic pain",
        "chronic pain",
        "anxiety",
        "dementia",
        "hyperlipidemia",
    ]
    assert len(TEMPLATES) == 14


def test_a_blank_problem_is_there_to_write_and_cannot_be_finalized_empty():
    blank = problem_from_template(BLANK, TODAY, icd10="M79.7")
    assert (blank.title, blank.condition_icd10, blank.goals, blank.interventions) == ("", "M79.7", (), ())
    problems = finalize_problems(CarePlanContent(problems=(blank,), next_review=date(2027, 3, 1)), TODAY)
    assert any("needs a title" in str(p) for p in problems)


def test_unknown_template_names_the_template():
    with pytest.raises(ValidationError, match="template"):
        problem_from_template("gout", TODAY)
