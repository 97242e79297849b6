"""Text folding for search and sort: 'Núñez' is found by typing 'nunez' and sorts with N."""
from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Case- and accent-insensitive form (NFKD without combining marks, casefolded)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
