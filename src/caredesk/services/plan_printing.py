"""The patient's copy of a care plan: rendered, saved or printed, and audited.

Rendering gives PDF bytes in memory; where they go (a file, a printer, a preview) is
the caller's business. Every copy that leaves the app is audited as printed, with how.
The batch ("print all due plans") reports progress after each plan and stops only
between plans, so a cancel never leaves half a copy. One patient's copy that cannot be
laid out never stops the batch: it is named and the rest go out (issue 12).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from caredesk.domain import audit as actions
from caredesk.domain.careplan import CarePlanVersion, GivenMethod
from caredesk.domain.patients import plain_mrn
from caredesk.domain.text import fold
from caredesk.errors import CareDeskError, NotFound, ValidationError
from caredesk.services import care_plans, patients
from caredesk.services.changes import Saved
from caredesk.services.files import write_atomic
from caredesk.services.practice import get_profile
from caredesk.services.workspace import Workspace

Progress = Callable[[int, int], None]  # (done, total)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DueCopy:
    """A patient's latest finalized version whose copy has not been given yet."""

    version: CarePlanVersion
    mrn: str
    name: str = ""  # "Family, Given", for lists on screen; never used in file names


def render(ws: Workspace, version: CarePlanVersion, *, large_print: bool) -> bytes:
    """The patient's PDF of one version (not audited: nothing has left the app yet), its fixed
    wording in the patient's language where the copy has it (English otherwise)."""
    from caredesk.pdf.careplan import PlanContacts, render_care_plan
    from caredesk.pdf.plan_vocabulary import words_for

    today = ws.today()
    with ws.uow() as uow:
        chart = uow.patients.chart(version.patient_id, today)
    if chart is None:
        raise NotFound("patient")
    p = chart.patient
    return render_care_plan(
        patient_name=p.full_name,  # 王秀英 or Margaret Okafor (domain.names)
        birth_date=p.birth_date,
        version=version,
        content=version.content,
        medications=[m for m in chart.medications if m.active_on(today)],
        contacts=PlanContacts.from_care_team(chart.care_team, get_profile(ws), words_for(p.language)),
        large_print=large_print,
        generated=ws.clock.now().astimezone(ws.tz),
        language=p.language,  # the copy's own wording in the patient's language (issue 12)
    )


def numbers_warning(ws: Workspace, patient_id: int) -> str | None:
    """A warning (never a refusal) when the patient's copy would print no number for the doctor's
    office: neither the patient's care team (their PCP or a member with an organization) nor the
    practice details give one. Then "Who to call" says "The number on your appointment card" and
    "Call my doctor's office and ask for my care manager", and a fresh tester's copy went out with no
    phone number at all. Names where to set it (File > Practice details…: "Practice phone", and
    "Your direct phone" when the care manager has no direct line either). None when a number prints.
    Raises NotFound for a patient not in the store."""
    from caredesk.pdf.plan_words import PlanContacts

    with ws.uow() as uow:
        chart = uow.patients.chart(patient_id, ws.today())
    if chart is None:
        raise NotFound("patient")
    contacts = PlanContacts.from_care_team(chart.care_team, get_profile(ws))
    if contacts.practice_phone:
        return None
    also = "" if contacts.care_manager_phone else " (and Your direct phone, if patients may call you)"
    return (
        "The patient's copy has no phone number for the doctor's office or the care manager. "
        f"Set Practice phone{also} in File > Practice details… before the copy goes out."
    )


def audit_printed(ws: Workspace, version: CarePlanVersion, how: str, *, large_print: bool) -> None:
    """One audit line per copy that left the app: `how` is 'saved as PDF' or 'sent to a printer'."""
    with ws.uow() as uow:
        uow.audit(actions.PRINTED, "care plan", version.id, how + (", large print" if large_print else ""))
        uow.commit()


def save(ws: Workspace, version: CarePlanVersion, path: Path, *, large_print: bool) -> None:
    """Render one version for the patient, write it atomically, audit it."""
    write_copy(ws, version, path, render(ws, version, large_print=large_print), large_print=large_print)


def write_copy(ws: Workspace, version: CarePlanVersion, path: Path, data: bytes, *, large_print: bool) -> None:
    """Write an already rendered copy (e.g. the one on screen) atomically, and audit it."""
    write_atomic(path, data)
    audit_printed(ws, version, "saved as PDF", large_print=large_print)


def due_copies(ws: Workspace) -> list[DueCopy]:
    """Every active or paused patient's latest plan not yet given (see care_plans.due_plans), by name."""
    versions = care_plans.due_plans(ws)
    with ws.uow() as uow:
        patients = {v.patient_id: uow.patients.get(v.patient_id) for v in versions}
    copies = []
    for v in versions:
        p = patients[v.patient_id]
        assert p is not None  # due_plans joined the patient in the same store
        copies.append(DueCopy(v, p.mrn, f"{p.family_name}, {p.given_name}"))
    # As the patient list sorts: "Pérez" with the P's before "Phillips", not after it.
    return sorted(copies, key=lambda c: (fold(c.name), c.mrn))


def review_passed(copy: DueCopy, today: date) -> date | None:
    """The plan's next review date when it is before `today`, else None.

    Such a copy still tells the patient "we will go over this plan with you again by <date>"
    (issue 12: plans due for review in March went out in November without a word), so the
    batch warns about it and the care manager chooses whether it goes out.
    """
    review = copy.version.content.next_review
    return review if review is not None and review < today else None


def leave_out(copies: Sequence[DueCopy], mrns: Sequence[str]) -> list[DueCopy]:
    """`copies` without the patients whose MRN is in `mrns` (as typed: spaces around ignored).

    ValidationError naming the MRN when one is not among `copies` (a typo would otherwise
    print the plan it meant to hold back).
    """
    wanted = {plain_mrn(m).strip().casefold(): m.strip() for m in mrns}  # MRN lookups ignore case
    unknown = [typed for key, typed in wanted.items() if key not in {c.mrn.casefold() for c in copies}]
    if unknown:
        raise ValidationError("leave out", f"no care plan in this batch for MRN {', '.join(unknown)}")
    return [c for c in copies if c.mrn.casefold() not in wanted]


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    sent: list[DueCopy]
    total: int
    cancelled: bool = False
    error: str | None = None  # why the batch stopped early, in words for the user
    skipped: tuple[tuple[DueCopy, str], ...] = ()  # copies that could not be made, each with why, in words

    def skipped_lines(self) -> list[str]:
        """'Not printed: MRN P0007 (version 2): <why>.' for each copy left out, for the user."""
        return [f"Not printed: MRN {c.mrn} (version {c.version.number}): {why}" for c, why in self.skipped]


def print_batch(
    ws: Workspace,
    copies: Sequence[DueCopy],
    send: Callable[[DueCopy, bytes], None],
    how: str,
    *,
    large_print: bool,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> BatchOutcome:
    """Render each copy and hand it to `send` (a printer, a folder), auditing each one sent.

    A copy that cannot be rendered (that patient's data) is skipped and named in `skipped`,
    and the batch goes on. It stops between copies when `cancelled()` says so, or at the first
    copy that cannot be sent (the folder or printer: the next would fail the same way); the
    outcome says which were sent, so the user knows where it stopped.
    """
    sent: list[DueCopy] = []
    skipped: list[tuple[DueCopy, str]] = []
    for done, copy in enumerate(copies, 1):
        if cancelled():
            return BatchOutcome(sent, len(copies), cancelled=True, skipped=tuple(skipped))
        try:
            data = render(ws, copy.version, large_print=large_print)
        except CareDeskError as exc:
            skipped.append((copy, str(exc)))
        except Exception as exc:  # one patient's copy never stops the others
            log.error("a care plan in the batch could not be rendered: %s", type(exc).__name__)  # no data
            skipped.append((copy, "the copy could not be laid out (an unexpected error, written to the log)."))
        else:
            try:
                send(copy, data)
            except CareDeskError as exc:
                return BatchOutcome(sent, len(copies), error=f"MRN {copy.mrn}: {exc}", skipped=tuple(skipped))
            audit_printed(ws, copy.version, how, large_print=large_print)
            sent.append(copy)
        if progress is not None:
            progress(done, len(copies))
    return BatchOutcome(sent, len(copies), skipped=tuple(skipped))


def folder_sender(folder: Path) -> Callable[[DueCopy, bytes], None]:
    """A `send` that writes '<MRN>-v<N>.pdf' files into `folder` (created if missing)."""
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise CareDeskError(f"Cannot create the folder {folder} ({exc.strerror}).") from None
    taken: set[str] = set()

    def send(copy: DueCopy, data: bytes) -> None:
        write_atomic(folder / file_name(copy.mrn, copy.version.number, taken), data)

    return send


def version_for(ws: Workspace, mrn: str, number: int | None = None) -> CarePlanVersion:
    """The patient's finalized version `number` (default: the latest). NotFound names the MRN
    when there is no such patient, no finalized plan, or no such version."""
    patient = patients.by_mrn(ws, mrn)
    assert patient.id is not None
    versions = care_plans.versions(ws, patient.id)
    if not versions:
        raise NotFound("care plan", f"No finalized care plan for MRN {mrn}.")
    if number is None:
        return versions[-1]
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        have = ", ".join(str(v.number) for v in versions)
        raise NotFound("care plan version", f"MRN {mrn} has no care plan version {number} (versions: {have}).")
    return version


def latest_copies(ws: Workspace) -> list[DueCopy]:
    """Each patient's latest finalized version, by MRN (given or not)."""
    with ws.uow() as uow:
        chosen = []
        for p in sorted(uow.patients.summaries(ws.today()), key=lambda p: p.mrn):
            versions = uow.care_plans.versions(p.id)
            if versions:
                chosen.append(DueCopy(versions[-1], p.mrn, f"{p.family_name}, {p.given_name}"))
    return chosen


def record_given(ws: Workspace, copies: Sequence[DueCopy], on: date, method: GivenMethod | str) -> Saved[int]:
    """Record the copy of each as given (e.g. mailed after a batch print), all or none; `value`: how many.

    Versions given meanwhile (another window, the CLI) are skipped, not an error. A refusal
    names the patient's MRN.
    """
    try:
        return care_plans.record_copies_given(
            ws, [(c.version.patient_id, c.version.number) for c in copies], on, method
        )
    except ValidationError as exc:
        if exc.row is None:  # the date or method itself
            raise
        raise ValidationError(exc.field, f"{exc.message} (MRN {copies[exc.row - 1].mrn})") from None


def file_name(mrn: str, number: int, taken: set[str]) -> str:
    """'<MRN>-v<N>.pdf': the practice's identifier, never the name; odd characters made safe."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", mrn).lstrip(".") or "patient"
    name, n = f"{safe}-v{number}.pdf", 2
    while name in taken:  # two MRNs that differ only in unsafe characters
        name, n = f"{safe}_{n}-v{number}.pdf", n + 1
    taken.add(name)
    return name
