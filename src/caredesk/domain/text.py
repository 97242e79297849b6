"""Text folding for search and sort: 'Núñez' is found by typing 'nunez' and sorts with N."""

from __future__ import annotations

import unicodedata

# Letters that carry their stroke in the letter itself, so NFKD leaves them alone.
_STROKED = str.maketrans({"đ": "d", "ð": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i"})


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Đặng' -> 'dang', 'Núñez' -> 'nunez', 'Søren' -> 'soren'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_STROKED)
