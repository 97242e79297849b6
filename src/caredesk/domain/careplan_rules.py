"""Care-plan rules: what must be filled in before finalizing, and what changed between versions.

Plain functions of values, so "why can't I finalize" and "what changed at the review"
are answered here and tested without a store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from enum import Enum
from typing import TypeVar

from caredesk.domain.calendar import us_date
from caredesk.domain.careplan import SECTION_LABELS, TEXT_FIELDS, CarePlanContent, Goal, Intervention, Problem
from caredesk.domain.text import fold
from caredesk.errors import ValidationError

T = TypeVar("T")

# Diff lines quote text; longer text is cut so one line stays one line in a list.
QUOTE_LIMIT = 60


# -- validation before finalize ----------------------------------------------------------
def finalize_problems(content: CarePlanContent, today: date) -> list[ValidationError]:
    """Everything that stops a draft from being finalized, all at once, each naming its item.

    A problem needs a title, a goal and an intervention (a plan with nothing anyone
    will do is not a plan); a goal needs what is measured, a target and a target date;
    an intervention needs an action; the next review must be after today.
    """
    out: list[ValidationError] = []
    if not content.problems:
        out.append(ValidationError("Problems", "add at least one problem"))
    for p_no, problem in enumerate(content.problems, start=1):
        where = _problem_label(p_no, problem)
        if not problem.title.strip():
            out.append(ValidationError(where, "needs a title"))
        if not problem.goals:
            out.append(ValidationError(where, "needs at least one goal"))
        if not problem.interventions:
            out.append(ValidationError(where, "needs at least one intervention"))
        for g_no, goal in enumerate(problem.goals, start=1):
            out += _goal_problems(f"{where}, {_item_label('goal', g_no, goal.measure)}", goal)
        for i_no, item in enumerate(problem.interventions, start=1):
            if not item.action.strip():
                out.append(ValidationError(f"{where}, intervention {i_no}", "needs an action"))
    if content.next_review is None:
        out.append(ValidationError("Next review date", "is required"))
    elif content.next_review <= today:
        out.append(ValidationError("Next review date", "must be after today"))
    return out


def _goal_problems(where: str, goal: Goal) -> list[ValidationError]:
    out = []
    if not goal.measure.strip():
        out.append(ValidationError(where, "needs what is measured"))
    if not goal.target.strip():
        out.append(ValidationError(where, "needs a target"))
    if goal.target_date is None:
        out.append(ValidationError(where, "needs a target date"))
    return out


def _problem_label(number: int, problem: Problem) -> str:
    return _item_label("Problem", number, problem.title)


def _item_label(kind: str, number: int, name: str) -> str:
    name = name.strip()
    return f"{kind} {number} '{name}'" if name else f"{kind} {number}"


# -- diff between two versions --------------------------------------------------------------
def diff(old: CarePlanContent, new: CarePlanContent) -> list[str]:
    """What changed from `old` to `new`, one line per change, in words.

    Order: problems in the new plan's order (added, renamed, changed), then problems
    removed (old order), then text sections in form order, then the next review.
    """
    lines: list[str] = []
    ordered, removed = _match(old.problems, new.problems, lambda p: p.title)
    for o, n in ordered:
        if o is None:
            lines.append(f"Problem {_q(n.title)} added")
        else:
            lines += _problem_changes(o, n)
    lines += [f"Problem {_q(o.title)} removed" for o in removed]
    for name in TEXT_FIELDS:
        lines += _text_change(SECTION_LABELS[name], getattr(old, name), getattr(new, name))
    if old.next_review != new.next_review:
        lines.append(_date_change("Next review", old.next_review, new.next_review))
    return lines


def _problem_changes(o: Problem, n: Problem) -> list[str]:
    head = f"Problem {_q(n.title)}"
    lines = []
    if o.title.strip() != n.title.strip():
        lines.append(f"Problem {_q(o.title)} renamed to {_q(n.title)}")
    if o.condition_icd10 != n.condition_icd10:
        lines.append(f"{head}: linked condition changed from {_q(o.condition_icd10)} to {_q(n.condition_icd10)}")
    if o.plain != n.plain:
        lines.append(f"{head}: patient wording changed from {_q(o.plain)} to {_q(n.plain)}")
    lines += [f"{head}: {x}" for x in _items_changes("goal", o.goals, n.goals, lambda g: g.measure, _goal_fields)]
    lines += [
        f"{head}: {x}"
        for x in _items_changes(
            "intervention", o.interventions, n.interventions, lambda i: i.action, _intervention_fields
        )
    ]
    return lines


_GOAL_FIELDS = (
    ("target", "target"),
    ("target date", "target_date"),
    ("status", "status"),
    ("patient wording", "plain"),
)
_INTERVENTION_FIELDS = (("owner", "owner"), ("frequency", "frequency"), ("patient wording", "plain"))


def _goal_fields(o: Goal, n: Goal) -> list[str]:
    return _field_changes(o, n, _GOAL_FIELDS)


def _intervention_fields(o: Intervention, n: Intervention) -> list[str]:
    return _field_changes(o, n, _INTERVENTION_FIELDS)


def _field_changes(o: object, n: object, fields: tuple[tuple[str, str], ...]) -> list[str]:
    """'<label> changed from 'a' to 'b'' for each differing field; dates in MM/DD/YYYY."""
    out = []
    for label, attr in fields:
        a, b = getattr(o, attr), getattr(n, attr)
        if a == b:
            continue
        if isinstance(a, date) or isinstance(b, date) or a is None or b is None:
            out.append(_date_change(label, a, b))
        else:
            text_a, text_b = (x.value if isinstance(x, Enum) else x for x in (a, b))
            out.append(f"{label} changed from {_q(text_a)} to {_q(text_b)}")
    return out


def _items_changes(
    kind: str, old: Sequence[T], new: Sequence[T], key: Callable[[T], str], fields: Callable[[T, T], list[str]]
) -> list[str]:
    ordered, removed = _match(old, new, key)
    lines = []
    for o, n in ordered:
        if o is None:
            lines.append(f"{kind} {_q(key(n))} added")
            continue
        if key(o).strip() != key(n).strip():
            lines.append(f"{kind} {_q(key(o))} renamed to {_q(key(n))}")
        lines += [f"{kind} {_q(key(n))} {x}" for x in fields(o, n)]
    lines += [f"{kind} {_q(key(o))} removed" for o in removed]
    return lines


def _match(old: Sequence[T], new: Sequence[T], key: Callable[[T], str]) -> tuple[list[tuple[T | None, T]], list[T]]:
    """Pair new items with old ones: same name first (case-insensitive), then same position.

    Returns (old or None, new) for each new item in the new order, and the old items
    left unpaired (removed), in the old order. The positional fallback makes a renamed
    item read as "renamed" rather than "removed" plus "added"; it only pairs two items
    whose names match nothing on the other side.
    """
    pairs: dict[int, int] = {}  # new index -> old index
    for ni, n in enumerate(new):
        k = _norm(key(n))
        oi = next((oi for oi, o in enumerate(old) if oi not in pairs.values() and k and _norm(key(o)) == k), None)
        if oi is not None:
            pairs[ni] = oi
    old_names = {_norm(key(o)) for o in old} - {""}
    new_names = {_norm(key(n)) for n in new} - {""}
    for ni, n in enumerate(new):
        if ni in pairs or ni >= len(old) or ni in pairs.values():
            continue
        if _norm(key(n)) in old_names or _norm(key(old[ni])) in new_names:
            continue  # one side's name belongs to another item: not a rename
        pairs[ni] = ni
    ordered = [(old[pairs[ni]] if ni in pairs else None, n) for ni, n in enumerate(new)]
    removed = [o for oi, o in enumerate(old) if oi not in pairs.values()]
    return ordered, removed


def _norm(text: str) -> str:
    return fold(" ".join(text.split()))


def _text_change(label: str, old: str, new: str) -> list[str]:
    old, new = old.strip(), new.strip()
    if old == new:
        return []
    if not old:
        return [f"{label} added: {_q(new)}"]
    if not new:
        return [f"{label} cleared (was {_q(old)})"]
    return [f"{label} changed from {_q(old)} to {_q(new)}"]


def _date_change(label: str, old: date | None, new: date | None) -> str:
    if old is None:
        return f"{label} set to {_d(new)}"
    if new is None:
        return f"{label} removed (was {_d(old)})"
    return f"{label} changed from {_d(old)} to {_d(new)}"


def _d(day: date | None) -> str:
    return us_date(day) if day else "none"


def _q(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > QUOTE_LIMIT:
        text = text[: QUOTE_LIMIT - 1].rstrip() + "…"
    return f"'{text}'" if text else "(blank)"
