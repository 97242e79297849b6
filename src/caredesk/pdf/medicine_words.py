"""The patient's medicine list in plain words: "1 tab PO BID" becomes "1 tablet by mouth twice a day".

Care managers copy prescription shorthand ("sig" abbreviations) into the medication list; the
patient's copy spells them out. The abbreviations and their plain meaning follow ISMP's List of
Error-Prone Abbreviations, Symbols, and Dose Designations (2021; it advises writing "daily",
"at bedtime", "as needed", "units" instead of qd, hs, prn, U) and The Joint Commission's
"Do Not Use" list (qd, qod, U, IU). Words that are not shorthand are left exactly as typed.
"""

from __future__ import annotations

import re

from caredesk.domain.patients import Medication

# Folded (lower case, no dots) -> plain words. Only shorthand with one meaning: not OD ("once daily"
# or "right eye") nor HS ("bedtime" or "half-strength"), which ISMP lists as misread both ways.
_WORDS = {
    "qd": "once a day",
    "bid": "twice a day",
    "tid": "3 times a day",
    "qid": "4 times a day",
    "qod": "every other day",
    "qhs": "at bedtime",
    "qam": "every morning",
    "qpm": "every evening",
    "qwk": "once a week",
    "prn": "when needed",
    "po": "by mouth",
    "sl": "under the tongue",
    "ac": "before meals",
    "pc": "after meals",
    "tab": "tablet",
    "tabs": "tablets",
    "cap": "capsule",
    "caps": "capsules",
    "gtt": "drops",
    "gtts": "drops",
    "u": "units",
    "iu": "units",
}
# "q4h", "q 6 hr", "q12hrs" -> every N hours.
_EVERY_HOURS = re.compile(r"\bq\.?\s?(\d{1,2})\s?h(?:rs?|ours?)?\.?(?=\W|$)", re.IGNORECASE)
# "prn pain" is "when needed for pain".
_PRN_FOR = re.compile(r"\bp\.?r\.?n\.?\s+(?!for\b)(?=[A-Za-z])", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z.]*")
DOSE_MISSING = "-"
FREQUENCY_MISSING = "as directed"


def plain(text: str) -> str:
    """Shorthand spelled out, everything else as typed: 'PO BID prn pain' -> 'by mouth twice a day when needed pain'."""
    text = _EVERY_HOURS.sub(lambda m: f"every {m.group(1)} hours", text.strip())
    text = _PRN_FOR.sub("when needed for ", text)

    def word(m: re.Match[str]) -> str:
        token = m.group(0)
        return _WORDS.get(token.lower().replace(".", ""), token)

    return _TOKEN.sub(word, text)


def medicine_row(m: Medication) -> tuple[str, str, str]:
    """(medicine, how much, how often) for the patient's table; missing parts said plainly."""
    name = m.name.strip()
    name = name[:1].upper() + name[1:]
    return name, plain(m.dose) or DOSE_MISSING, plain(m.frequency) or FREQUENCY_MISSING
