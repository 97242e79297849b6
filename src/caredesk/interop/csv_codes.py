"""The ICD-10 codes of a registry CSV's diagnosis cell (leading_codes: the codes before any
description) and which of them are stored chronic (likely_chronic, chronic_flag)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from caredesk.domain.patients import Condition

CODE_ITEMS = re.compile(r"[;,|\r\n]+")
# ICD-10-CM's shape, dot or not, ending where a description starts (a space, "-", ":" or "(").
_LEADING_CODE = re.compile(r"\s*([A-Za-z][0-9][0-9A-Za-z](?:\.?[0-9A-Za-z]{1,4})?\.?)(?=$|[\s:(\-\u2013\u2014])")


# ICD-10-CM chapters whose codes are not chronic conditions (CMS/CDC NCHS ICD-10-CM tabular
# list, chapter structure): 15 pregnancy, childbirth and the puerperium (O00-O9A), 19 injury,
# poisoning and other consequences of external causes (S00-T88), 20 external causes of morbidity
# (V00-Y99), 21 factors influencing health status and contact with health services (Z00-Z99).
_NOT_CHRONIC_CHAPTERS = frozenset("OSTVWXYZ")
_INITIAL_ENCOUNTER = "A"  # 7th character A: initial encounter, active treatment (ICD-10-CM guidelines I.C.19.a)


def likely_chronic(code: str) -> bool:
    """Whether an ICD-10-CM code is stored as chronic (CCM's "two or more chronic conditions"
    counts those): every code but those of the chapters above and a 7th character A (an initial
    encounter: "S72.001A" a hip fracture being treated). A rough rule by chapter, said to the
    user as a flag to check in the chart: the fuller source is AHRQ HCUP's Chronic Condition
    Indicator for ICD-10-CM (per code), which is not bundled with CareDesk (its licence and
    yearly updates would be another data set to maintain), so J18.9 (pneumonia) stays chronic
    here and the flag asks the care manager to look."""
    plain = code.replace(".", "").upper()
    return plain[:1] not in _NOT_CHRONIC_CHAPTERS and not (len(plain) == 7 and plain[6] == _INITIAL_ENCOUNTER)


def chronic_flag(conditions: Sequence[Condition]) -> str:
    """The preview's flag saying which codes came in chronic: "E11.9, I10 marked chronic;
    S72.001A not chronic — check in the chart" ("" with no conditions)."""
    chronic = [c.icd10 for c in conditions if c.chronic]
    other = [c.icd10 for c in conditions if not c.chronic]
    parts = [f"{', '.join(chronic)} marked chronic"] if chronic else []
    parts += [f"{', '.join(other)} not chronic"] if other else []
    return f"{'; '.join(parts)} — check in the chart" if parts else ""


NO_CODE = (
    "no ICD-10 code in the cell: give codes (E11.9 or E119) separated by ; , | or spaces, "
    "each before its description if any"
)


def leading_codes(item: str) -> list[str]:
    """The ICD-10-shaped words at the start of one item of a Dx cell, before any description:
    "E11.9 - Type 2 diabetes" -> ["E11.9"], "E11.9 I10" -> both, "Hypertension" -> []. EHR
    problem-list exports write "code description" or "code (description)"; the code is the fact."""
    codes: list[str] = []
    at = 0
    while found := _LEADING_CODE.match(item, at):
        codes.append(found[1])
        at = found.end()
        if at < len(item) and not item[at].isspace():
            break  # "E11.9(Type 2 DM)" or "E11.9: ...": the description follows
    return codes
