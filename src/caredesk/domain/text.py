"""Text folding for search and sort: 'Núñez' is found by typing 'nunez' and sorts with N."""

from __future__ import annotations

import unicodedata

# Letters that carry their stroke in the letter itself, so NFKD leaves them alone.
_STROKED = str.maketrans({"đ": "d", "ð": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i"})


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Đặng' -> 'dang', 'Núñez' -> 'nunez', 'Søren' -> 'soren'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_STROKED)


# Apostrophes as typed or as word processors and EHR exports write them (O'Brien, O’Brien, Oʼ).
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼʻ`´′"), None)


def search_fold(text: str) -> str:
    """`fold`, then apostrophes dropped and other punctuation read as a space, so a name is
    found however its apostrophe or hyphen was typed: "O’Brien", "O'Brien" and "obrien" all
    give "obrien"; "Núñez-Qzx" gives "nunez qzx" (issue 12). For search only; never stored."""
    folded = fold(text).translate(_APOSTROPHES)
    return "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in folded)
