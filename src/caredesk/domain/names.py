"""A person's full name in running text: which part comes first.

Chinese, Japanese and Korean names written in their own scripts put the family name first with
no space between the parts (王秀英, 山田花子, 김민준); a Western name, a romanised one (Xiuying
Wang) or one that mixes scripts (Wendy 王) keeps given name first, as the patient typed it in
English. Source: Unicode Standard, chapter 18 (East Asia), and the W3C note "Personal names
around the world" (family name first in China, Japan and Korea; no space in Han/kana names).
Lists keep "Family, Given" (Patient.display_name), which needs no such rule.
"""

from __future__ import annotations

import unicodedata

# Character names (unicodedata.name) of the scripts written family name first: Han (the
# unified and compatibility ideographs and 々, used in names such as 佐々木), Hangul (syllables
# and jamo, halfwidth too), Hiragana, Katakana (halfwidth, and ー and ・ in foreign names).
_EAST_ASIAN_PREFIXES = (
    "CJK UNIFIED IDEOGRAPH",
    "CJK COMPATIBILITY IDEOGRAPH",
    "IDEOGRAPHIC ITERATION MARK",
    "HANGUL",
    "HALFWIDTH HANGUL",
    "HIRAGANA",
    "KATAKANA",
    "HALFWIDTH KATAKANA",
)


def _east_asian(part: str) -> bool:
    """Every letter of `part` (spaces aside) is Han, Hangul or kana; False for an empty part."""
    letters = [c for c in part if not c.isspace()]
    return bool(letters) and all(unicodedata.name(c, "").startswith(_EAST_ASIAN_PREFIXES) for c in letters)


def family_first(given: str, family: str) -> bool:
    """Both parts written in Han, Hangul or kana: the name is said family name first (and the
    given name alone is for family and close friends, so a letter greets by the full name)."""
    return _east_asian(given) and _east_asian(family)


def full_name(given: str, family: str) -> str:
    """'王秀英' when both parts are Han/Hangul/kana, else 'Given Family'; a blank part is left out.
    Pure; never raises."""
    given, family = given.strip(), family.strip()
    if family_first(given, family):
        return family + given
    return " ".join(part for part in (given, family) if part)
