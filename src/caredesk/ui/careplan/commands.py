"""Structural edits of a care plan's content, and the undo command that records them.

Content is an immutable value, so every edit makes a new CarePlanContent and a command
simply keeps the content before and after: undo and redo can never drift from what the
user saw. An item is addressed by a path: ("p", i) a problem, ("g", i, j) a goal,
("i", i, j) an intervention.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal, Protocol

from PySide6.QtGui import QUndoCommand

from caredesk.domain.careplan import CarePlanContent, Goal, Intervention, Problem

ChildKind = Literal["g", "i"]
Path = tuple[Literal["p"], int] | tuple[ChildKind, int, int]  # ("p", i) | ("g", i, j) | ("i", i, j)
MergeKey = tuple[Path | str, str]  # (the item's path or "section", the field typed in)
_FIELD: dict[ChildKind, str] = {"g": "goals", "i": "interventions"}


def get_item(content: CarePlanContent, path: Path) -> Any:
    problem = content.problems[path[1]]
    if path[0] == "p":
        return problem
    return getattr(problem, _FIELD[path[0]])[path[2]]


def _with_children(content: CarePlanContent, p: int, kind: ChildKind, children: tuple[Any, ...]) -> CarePlanContent:
    problems = list(content.problems)
    if kind == "g":
        problems[p] = replace(problems[p], goals=tuple(children))
    else:
        problems[p] = replace(problems[p], interventions=tuple(children))
    return replace(content, problems=tuple(problems))


def replace_item(content: CarePlanContent, path: Path, item: Any) -> CarePlanContent:
    if path[0] == "p":
        problems = list(content.problems)
        problems[path[1]] = item
        return replace(content, problems=tuple(problems))
    children = list(getattr(content.problems[path[1]], _FIELD[path[0]]))
    children[path[2]] = item
    return _with_children(content, path[1], path[0], tuple(children))


def add_problem(content: CarePlanContent, problem: Problem) -> tuple[CarePlanContent, Path]:
    return replace(content, problems=(*content.problems, problem)), ("p", len(content.problems))


def add_child(content: CarePlanContent, p: int, item: Goal | Intervention) -> tuple[CarePlanContent, Path]:
    kind: ChildKind = "g" if isinstance(item, Goal) else "i"
    children = (*getattr(content.problems[p], _FIELD[kind]), item)
    return _with_children(content, p, kind, children), (kind, p, len(children) - 1)


def remove(content: CarePlanContent, path: Path) -> tuple[CarePlanContent, Path | None]:
    """Remove an item; the path returned is what to select next (a neighbour or the parent)."""
    if path[0] == "p":
        problems = content.problems[: path[1]] + content.problems[path[1] + 1 :]
        after = replace(content, problems=problems)
        return after, (("p", min(path[1], len(problems) - 1)) if problems else None)
    children = getattr(content.problems[path[1]], _FIELD[path[0]])
    rest = children[: path[2]] + children[path[2] + 1 :]
    after = _with_children(content, path[1], path[0], rest)
    return after, ((path[0], path[1], min(path[2], len(rest) - 1)) if rest else ("p", path[1]))


def move(content: CarePlanContent, path: Path, delta: int) -> tuple[CarePlanContent, Path] | None:
    """Move an item up (-1) or down (+1) among its siblings; None at either end."""
    siblings = content.problems if path[0] == "p" else getattr(content.problems[path[1]], _FIELD[path[0]])
    here = path[-1]
    there = here + delta
    if not 0 <= there < len(siblings):
        return None
    items = list(siblings)
    items[here], items[there] = items[there], items[here]
    if path[0] == "p":
        return replace(content, problems=tuple(items)), ("p", there)
    return _with_children(content, path[1], path[0], tuple(items)), (path[0], path[1], there)


class Shows(Protocol):
    def apply_content(self, content: CarePlanContent, select: Path | None, refill: bool) -> None: ...


class ContentCommand(QUndoCommand):
    """One undoable change: the whole content before and after.

    Typing in one field of one item pushes a command per keystroke; commands with the
    same `merge_key` that follow each other merge, so one undo takes back the whole
    word rather than a letter. The first redo of a typed change does not refill the
    form (the user's cursor is in it); every later undo/redo does.
    """

    MERGE_ID = 4711

    def __init__(
        self,
        target: Shows,
        text: str,
        before: CarePlanContent,
        after: CarePlanContent,
        select_before: Path | None,
        select_after: Path | None,
        merge_key: MergeKey | None = None,
    ):
        super().__init__(text)
        self.target = target
        self.before, self.after = before, after
        self.select_before, self.select_after = select_before, select_after
        self.merge_key = merge_key
        self._typed = merge_key is not None

    def id(self) -> int:
        return self.MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ContentCommand) or other.merge_key != self.merge_key:
            return False
        self.after, self.select_after = other.after, other.select_after
        return True

    def redo(self) -> None:
        refill = not self._typed
        self._typed = False
        self.target.apply_content(self.after, self.select_after, refill)

    def undo(self) -> None:
        self.target.apply_content(self.before, self.select_before, True)
