"""ICD-10-CM codes for conditions: look one up, refuse what cannot be billed, find one by words.

Source: the ICD-10-CM code set published by the CDC's National Center for Health Statistics for
CMS (HIPAA code set for diagnoses), FY2026 release with its April 1, 2026 update, as shipped in
the `simple-icd-10-cm` package (1.5.0: `icd10c-tabular-April-1-2026.xml`, the tabular list, and
`code-list-April-2026.txt`). Descriptions are the tabular list's; a code is billable when it is
a leaf of the tabular list (no more specific code below it), 7th characters included.

Cost: the package parses the whole tabular list when imported (1.5 s and 175 MB resident on the
development machine). So it is imported only by the first `lookup`, `search` or `load`, which
copies it into a compact index (about 30 MB; the process stays ~75 MB larger) and drops the
package again; that first call takes about 2.4 s, later ones under 5 ms. Call `load()` from a
worker when a form that takes codes opens, so that no keystroke waits for it. No other module
should import `simple_icd_10_cm`: its reference would keep the big tree alive.
"""

from __future__ import annotations

import functools
import gc
import sys
import threading
import warnings
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from caredesk.errors import ValidationError

FIELD = "ICD-10 code"
_CHOICES = 5  # codes offered in a refusal: enough to show the way, short enough to read
_DESCRIPTION_IN_MESSAGE = 60  # characters of each offered code's description


@dataclass(frozen=True, slots=True)
class Icd10Code:
    """One ICD-10-CM code: `code` dotted ("E11.9"), its official `description`, `billable` (a leaf code)."""

    code: str
    description: str
    billable: bool


def normalize(text: str) -> str:
    """The code as written in the code set: 'e119' -> 'E11.9', ' I10 ' -> 'I10', 's72001a' -> 'S72.001A'.

    Spaces and dots are dropped, letters uppercased, the dot put back after the third character
    (where ICD-10-CM always has it). Formatting only: `lookup` says whether the code exists.
    """
    compact = "".join(text.split()).replace(".", "").upper()
    return compact if len(compact) <= 3 else f"{compact[:3]}.{compact[3:]}"


def lookup(text: str) -> Icd10Code:
    """The billable code typed (dotted or not, any case).

    Raises ValidationError("ICD-10 code", ...): "is required" when empty; "X is not an
    ICD-10-CM code; nearest: ..." (up to 5 billable codes sharing the longest prefix, or "check
    the code"); "E11 is a category, not a billable code; choose one of: ..." (up to 5 billable
    codes below it, the most general first).
    """
    code = normalize(text)
    if not code:
        raise ValidationError(FIELD, "is required")
    index = _index()
    position = index.find(code)
    if position is None:
        shown = code if len(code) <= 8 else "That"  # 8 = the longest code, dot included
        near = _nearest(index, code)
        hint = f"nearest: {_listed(index, near)}" if near else "check the code (such as E11.9) or search by words"
        raise ValidationError(FIELD, f"{shown} is not an ICD-10-CM code; {hint}")
    if not index.billable[position]:
        kind = "category" if len(code) == 3 else "subcategory"
        below = _billable_with_prefix(index, code, _CHOICES + 1)
        more = " …" if len(below) > _CHOICES else ""
        raise ValidationError(
            FIELD, f"{code} is a {kind}, not a billable code; choose one of: {_listed(index, below[:_CHOICES])}{more}"
        )
    return index.code_at(position)


def search(text: str, limit: int = 20) -> list[Icd10Code]:
    """Billable codes for a completer: first those whose code starts with the text typed ('e11.6',
    'E116'), then those whose code, description or inclusion terms contain every word typed, in
    any case ('diabetes type 2 hyperglyc', 'copd'); the most general (shortest code, then shortest
    description) first. Empty text finds nothing.
    """
    words = text.casefold().split()
    if not words or limit <= 0:
        return []
    index = _index()
    found: list[int] = []
    if len(words) == 1:
        found = _billable_with_prefix(index, normalize(text), limit)
    seen = set(found)
    # The longest word is the rarest: find its hits in the one big text, then check the other words.
    driver = max(words, key=len)
    others = [w for w in words if w is not driver]
    haystack, starts, entries = index.text, index.starts, len(index.order)
    at = haystack.find(driver) if len(found) < limit else -1
    while at >= 0 and len(found) < limit:
        entry = bisect_right(starts, at) - 1
        end = starts[entry + 1] if entry + 1 < entries else len(haystack)
        position = index.order[entry]
        if position not in seen and all(w in haystack[starts[entry] : end] for w in others):
            found.append(position)
            seen.add(position)
        at = haystack.find(driver, end)
    return [index.code_at(p) for p in found[:limit]]


def load() -> None:
    """Build the code index now (about 2.4 s the first time, then nothing); safe from a worker thread."""
    _index()


def _joined(texts: list[str]) -> tuple[str, array[int]]:
    """Many strings as one (newline-separated) and where each starts: a few big objects, not 100,000 small ones."""
    starts = array("l", [0])
    for text in texts[:-1]:
        starts.append(starts[-1] + len(text) + 1)
    return "\n".join(texts), starts


def _entry(text: str, starts: array[int], i: int) -> str:
    end = starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
    return text[starts[i] : end]


@dataclass(frozen=True)
class _Index:
    codes: list[str]  # every category and subcategory, dotted, sorted (= code order, dot or not)
    billable: bytes  # 1 where codes[i] is a leaf
    names: str  # the official descriptions, in the order of `codes`, one a line
    name_starts: array[int]
    by_length: dict[int, list[str]]  # billable codes of each length, sorted
    text: str  # "code description; inclusion terms" of each billable code, casefolded, most general first, one a line
    starts: array[int]  # where each entry of `text` starts
    order: array[int]  # the position in `codes` of each entry of `text`

    def find(self, code: str) -> int | None:
        i = bisect_left(self.codes, code)
        return i if i < len(self.codes) and self.codes[i] == code else None

    def description(self, position: int) -> str:
        return _entry(self.names, self.name_starts, position)

    def code_at(self, position: int) -> Icd10Code:
        return Icd10Code(self.codes[position], self.description(position), bool(self.billable[position]))


_lock = threading.Lock()


def _index() -> _Index:
    with _lock:  # a worker's load() and a keystroke's search() build it once between them
        return _build()


@functools.cache
def _build() -> _Index:
    text = _read_package()
    _drop_package()
    billable, names, name_starts, search_text, starts, order, all_codes = _columns(text)
    del text
    # The only small objects kept (a string per code) are made once the rows are gone, so they fill
    # fresh memory instead of pinning the half-empty pages the rows leave behind.
    codes = all_codes.split("\n")
    by_length: dict[int, list[str]] = {}
    for code, leaf in zip(codes, billable, strict=True):
        if leaf:
            by_length.setdefault(len(code), []).append(code)
    return _Index(codes, billable, names, name_starts, by_length, search_text, starts, order)


def _columns(text: str) -> tuple[bytes, str, array[int], str, array[int], array[int], str]:
    """The package's lines as a few big objects: leaf flags, descriptions, the search text, the codes."""
    # Sorted lines are in code order ('E11<TAB>' before 'E11.0'); the tabular list itself puts C4A after C44.
    rows = [line.split("\t") for line in sorted(text.split("\n"))]
    billable = bytes(row[1] == "1" for row in rows)
    names, name_starts = _joined([row[2] for row in rows])
    # Most general first: the shorter code ('I10' before 'I15.0'), then the shorter description.
    order = sorted((i for i, leaf in enumerate(billable) if leaf), key=lambda i: (len(rows[i][0]), len(rows[i][2]), i))
    search_text, starts = _joined([f"{rows[i][0]} {rows[i][2]}; {rows[i][3]}".casefold() for i in order])
    return billable, names, name_starts, search_text, starts, array("l", order), "\n".join(row[0] for row in rows)


def _read_package() -> str:
    """Every code of the package as 'code<TAB>leaf<TAB>description<TAB>inclusion terms' lines.

    One big string on purpose: it lives outside the small-object pools that hold the package's
    tree, so those pools empty and go back to the system when the package is dropped.
    """
    with warnings.catch_warnings():
        # It reads its data files with importlib.resources' legacy read_text (deprecated in 3.11, 3.12).
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as icd  # type: ignore[import-untyped]  # ~1.5 s: parses the tabular list

    def line(code: str) -> str:
        leaf = "1" if icd.is_leaf(code) else "0"
        terms = "; ".join(icd.get_inclusion_term(code))  # 'Decompensated COPD' under J44.1: found by search
        return "\t".join(" ".join(field.split()) for field in (code, leaf, icd.get_description(code), terms))

    # Categories and subcategories only: not chapters ("4") nor blocks ("E08-E13").
    return "\n".join(line(code) for code in icd.get_all_codes() if icd.is_category_or_subcategory(code))


def _drop_package() -> None:
    for name in [m for m in sys.modules if m == "simple_icd_10_cm" or m.startswith("simple_icd_10_cm.")]:
        del sys.modules[name]
    gc.collect()  # the tree is full of parent/child cycles


def _billable_with_prefix(index: _Index, prefix: str, limit: int, skip: frozenset[int] = frozenset()) -> list[int]:
    """Positions of up to `limit` billable codes starting with `prefix`, shortest (most general) first."""
    found: list[int] = []
    for length in sorted(index.by_length):
        codes = index.by_length[length]
        at = bisect_left(codes, prefix)
        while at < len(codes) and len(found) < limit and codes[at].startswith(prefix):
            position = bisect_left(index.codes, codes[at])
            if position not in skip:
                found.append(position)
            at += 1
    return found


def _nearest(index: _Index, code: str) -> list[int]:
    """Up to 5 billable codes sharing the longest prefix with `code` (at least its category)."""
    compact = code.replace(".", "")
    found: list[int] = []
    for size in range(len(compact), 2, -1):
        found += _billable_with_prefix(index, normalize(compact[:size]), _CHOICES - len(found), frozenset(found))
        if len(found) >= _CHOICES:
            break
    return found


def _listed(index: _Index, positions: list[int]) -> str:
    def one(p: int) -> str:
        text = index.description(p)
        if len(text) > _DESCRIPTION_IN_MESSAGE:
            text = text[: _DESCRIPTION_IN_MESSAGE - 1].rstrip() + "…"
        return f"{index.codes[p]} {text}"

    return ", ".join(one(p) for p in positions)
