"""The patient's copy in the patient's words: who to call, goals and steps as sentences.

Plain functions of the plan's values, tested without rendering a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from caredesk.domain.careplan import Goal, GoalStatus, Intervention, Owner
from caredesk.domain.patients import CareTeamMember
from caredesk.domain.practice import PracticeProfile
from caredesk.pdf.plan_vocabulary import IN_ENGLISH, Words

# Who does what, in the patient's words: phrases of plan_vocabulary.WORDS.
OWNER_WORDS = {
    Owner.CARE_MANAGER: "owner_care_manager",
    Owner.PCP: "owner_pcp",
    Owner.SPECIALIST: "owner_specialist",
    Owner.COMMUNITY: "owner_community",
}
# Wording that already says when, in English or Spanish (the care manager may type either).
_SAYS_WHEN = re.compile(
    r"\b(every|each|daily|weekly|monthly|yearly|twice|once|always|never|a day|a week|a month|a year"
    r"|cada|diario|diaria|diariamente|semanal|mensual|todos los d[ií]as|al d[ií]a|a la semana|al mes|veces|vez)\b",
    re.IGNORECASE,
)
STATUS_WORDS = {
    GoalStatus.MET: "goal_met",
    GoalStatus.IN_PROGRESS: "goal_in_progress",
    GoalStatus.NOT_MET: "goal_not_met",
}


# Care-team roles that are family or friends, not someone the patient calls about their care.
_NOT_PROFESSIONALS = ("caregiver", "family", "daughter", "son", "spouse", "wife", "husband", "friend", "neighbor")


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanContacts:
    """Who the patient calls. Empty fields print as plain words, never as a blank."""

    care_manager_name: str = ""
    care_manager_phone: str = ""
    practice_name: str = ""
    practice_phone: str = ""
    after_hours_phone: str = ""
    # The other professionals on the team (a cardiologist, a pharmacist ...): (role, who, phone).
    specialists: tuple[tuple[str, str, str], ...] = ()

    @classmethod
    def from_care_team(
        cls, members: Iterable[CareTeamMember], profile: PracticeProfile | None = None, words: Words = IN_ENGLISH
    ) -> PlanContacts:
        """The care manager, the practice (the PCP's office) and an after-hours line when the team lists them;
        what the patient's team does not name comes from the practice profile. An office named for
        its doctor ("Dr. Ana Ruiz\u2019s office") is worded in the copy's language, `words`."""
        members = list(members)
        p = profile or PracticeProfile()

        def first(*words: str) -> CareTeamMember | None:
            return next((m for m in members if any(w in m.role.lower() for w in words)), None)

        manager = first("care manager", "care coordinator", "nurse navigator")
        pcp = first("pcp", "primary care")
        after = first("after hours", "after-hours", "on call", "on-call", "answering")
        practice = pcp or next((m for m in members if m.organization), None)
        office = ""
        if practice is not None:
            doctor = practice.name if practice.name.lower().startswith("dr") else f"Dr. {practice.name}"
            office = practice.organization or (words("office_of", doctor=doctor) if practice is pcp else "")
        named = {id(m) for m in (manager, pcp, after) if m is not None}
        specialists = tuple(
            (m.role, f"{m.name}, {m.organization}" if m.organization else m.name, m.phone)
            for m in members
            if id(m) not in named and not any(w in m.role.lower() for w in _NOT_PROFESSIONALS)
        )
        return cls(
            specialists=specialists,
            # The care manager's name and direct line go together: never one person's name with another's number.
            care_manager_name=manager.name if manager else p.signature,
            care_manager_phone=manager.phone if manager else p.care_manager_phone,
            practice_name=office or p.practice_name,
            practice_phone=(practice.phone if practice else "") or p.practice_phone,
            after_hours_phone=(after.phone if after else "") or p.after_hours_phone,
        )


def long_date(d: date, words: Words = IN_ENGLISH) -> str:
    """'March 4, 1950' ('4 de marzo de 1950' in Spanish): no numeric dates to misread."""
    return words.date(d)


def esc(text: str) -> str:
    """Text made safe inside a reportlab Paragraph (its markup is XML-like)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def goal_words(goal: Goal, words: Words = IN_ENGLISH) -> str:
    """The goal as the patient reads it: the plain wording, else 'measure: target by date'
    (the measure and target as typed, 'by' and the date in the copy's language)."""
    if goal.plain.strip():
        return goal.plain.strip()
    text = sentence(goal.measure)
    if goal.target.strip():
        text += f": {goal.target.strip()}"
    if goal.target_date is not None:
        text = words("goal_target_by", goal=text, date=words.date(goal.target_date))
    return text


def intervention_words(item: Intervention) -> tuple[str, str]:
    """(what, how often): the plain wording, else the action; how often only when it adds something."""
    what = item.plain.strip() or sentence(item.action)
    often = item.frequency.strip()
    if often and (often.lower() in what.lower() or (item.plain.strip() and _SAYS_WHEN.search(what))):
        often = ""  # "Check my blood pressure every morning." needs no "How often: daily"
    return what, often
