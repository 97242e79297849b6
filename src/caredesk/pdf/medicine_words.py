"""The patient's medicine list in plain words: "1 tab PO BID" becomes "1 tablet by mouth twice a day".

Care managers copy prescription shorthand ("sig" abbreviations) into the medication list; the
patient's copy spells them out. The abbreviations and their plain meaning follow ISMP's List of
Error-Prone Abbreviations, Symbols, and Dose Designations (2021; it advises writing "daily",
"at bedtime", "as needed", "units" instead of qd, hs, prn, U) and The Joint Commission's
"Do Not Use" list (qd, qod, U, IU). Words that are not shorthand are left exactly as typed.
"""

from __future__ import annotations

import re
from typing import Final

from caredesk.domain.patients import Medication
from caredesk.pdf.plan_vocabulary import ENGLISH, SPANISH

# Folded (lower case, no dots) -> plain words in each language the copy prints in (see
# plan_vocabulary). Only shorthand with one meaning: not OD ("once daily" or "right eye") nor HS
# ("bedtime" or "half-strength"), which ISMP lists as misread both ways.
SHORTHAND: Final[dict[str, dict[str, str]]] = {
    "qd": {ENGLISH: "once a day", SPANISH: "una vez al día"},
    "bid": {ENGLISH: "twice a day", SPANISH: "dos veces al día"},
    "tid": {ENGLISH: "3 times a day", SPANISH: "3 veces al día"},
    "qid": {ENGLISH: "4 times a day", SPANISH: "4 veces al día"},
    "qod": {ENGLISH: "every other day", SPANISH: "un día sí y otro no"},
    "qhs": {ENGLISH: "at bedtime", SPANISH: "al acostarse"},
    "qam": {ENGLISH: "every morning", SPANISH: "cada mañana"},
    "qpm": {ENGLISH: "every evening", SPANISH: "cada noche"},
    "qwk": {ENGLISH: "once a week", SPANISH: "una vez a la semana"},
    "prn": {ENGLISH: "when needed", SPANISH: "cuando lo necesite"},
    "po": {ENGLISH: "by mouth", SPANISH: "por la boca"},
    "sl": {ENGLISH: "under the tongue", SPANISH: "debajo de la lengua"},
    "ac": {ENGLISH: "before meals", SPANISH: "antes de comer"},
    "pc": {ENGLISH: "after meals", SPANISH: "después de comer"},
    "tab": {ENGLISH: "tablet", SPANISH: "tableta"},
    "tabs": {ENGLISH: "tablets", SPANISH: "tabletas"},
    "cap": {ENGLISH: "capsule", SPANISH: "cápsula"},
    "caps": {ENGLISH: "capsules", SPANISH: "cápsulas"},
    "gtt": {ENGLISH: "drops", SPANISH: "gotas"},
    "gtts": {ENGLISH: "drops", SPANISH: "gotas"},
    "u": {ENGLISH: "units", SPANISH: "unidades"},
    "iu": {ENGLISH: "units", SPANISH: "unidades"},
    # Not shorthand: the wording around it ("every 6 hours", "when needed for pain", a frequency left blank).
    "every_hours": {ENGLISH: "every {n} hours", SPANISH: "cada {n} horas"},
    "when_needed_for": {ENGLISH: "when needed for ", SPANISH: "cuando lo necesite para "},
    "as_directed": {ENGLISH: "as directed", SPANISH: "como le indicaron"},
}
# "q4h", "q 6 hr", "q12hrs" -> every N hours.
_EVERY_HOURS = re.compile(r"\bq\.?\s?(\d{1,2})\s?h(?:rs?|ours?)?\.?(?=\W|$)", re.IGNORECASE)
# "prn pain" is "when needed for pain".
_PRN_FOR = re.compile(r"\bp\.?r\.?n\.?\s+(?!for\b)(?=[A-Za-z])", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z.]*")
DOSE_MISSING = "-"


def plain(text: str, language: str = ENGLISH) -> str:
    """Shorthand spelled out in `language`, everything else as typed:
    'PO BID prn pain' -> 'by mouth twice a day when needed for pain'."""
    every = SHORTHAND["every_hours"][language]
    text = _EVERY_HOURS.sub(lambda m: every.format(n=m.group(1)), text.strip())
    text = _PRN_FOR.sub(SHORTHAND["when_needed_for"][language], text)

    def word(m: re.Match[str]) -> str:
        token = m.group(0)
        found = SHORTHAND.get(token.lower().replace(".", ""))
        return found[language] if found is not None else token  # "every_hours" ... never match a token

    return _TOKEN.sub(word, text)


def medicine_row(m: Medication, language: str = ENGLISH) -> tuple[str, str, str]:
    """(medicine, how much, how often) for the patient's table; missing parts said plainly in `language`."""
    name = m.name.strip()
    name = name[:1].upper() + name[1:]
    return (
        name,
        plain(m.dose, language) or DOSE_MISSING,
        plain(m.frequency, language) or SHORTHAND["as_directed"][language],
    )
