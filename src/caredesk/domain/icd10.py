"""ICD-10-CM codes for conditions: look one up, refuse what cannot be billed, find one by words.

Source: the ICD-10-CM code set published by the CDC's National Center for Health Statistics for
CMS (HIPAA code set for diagnoses), FY2026 release with its April 1, 2026 update, as shipped in
the `simple-icd-10-cm` package (1.5.0: `icd10c-tabular-April-1-2026.xml`, the tabular list, and
`code-list-April-2026.txt`). Descriptions are the tabular list's; a code is billable when it is
a leaf of the tabular list (no more specific code below it), 7th characters included.

Cost: the package parses the whole tabular list when imported (1.5 s and 175 MB resident on the
development machine). So the first `lookup`, `search` or `load` of a process reads a compact index
of it (codes, leaf flags, descriptions, inclusion terms: ~3 MB on disk) from the user's cache folder
(caredesk/codeset_cache.py), about 0.1 s, and the process grows by ~25 MB. The first time, and
after the package changes, a child process (`python -m caredesk.domain.icd10 --build-cache PATH`)
builds that file from the package in ~3.5 s, so the app's own process never holds the package (a
child that cannot write the file sends its bytes to this process instead); where no child can run
(a frozen bundle) or it fails, this process builds the index itself and drops the package again.
Later calls take under 5 ms. Call `load()` from a worker when a form that takes codes opens, so
that no keystroke waits for it. No other module should import `simple_icd_10_cm`: its
reference would keep the big tree alive.
"""

from __future__ import annotations

import functools
import gc
import importlib.util
import struct
import sys
import threading
import warnings
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from caredesk import codeset_cache
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
    ICD-10-CM code; nearest: ..." (X as typed, with "(read as X.YZ)" when the dot was put in) (up to 5 billable codes sharing the longest prefix, or "check
    the code"); "E11 is a category, not a billable code; choose one of: ..." (up to 5 billable
    codes below it, the most general first).
    """
    code = normalize(text)
    if not code:
        raise ValidationError(FIELD, "is required")
    index = _index()
    position = index.find(code)
    if position is None:
        shown = _as_typed(text, code) if len(code) <= 8 else "That"  # 8 = the longest code, dot included
        near = _nearest(index, code)
        hint = f"nearest: {_listed(index, near)}" if near else "check the code (such as E11.9) or search by words"
        raise ValidationError(FIELD, f"{shown} is not an ICD-10-CM code; {hint}")
    if not index.billable[position]:
        kind = "category" if len(code) == 3 else "subcategory"
        below = _billable_with_prefix(index, code, _CHOICES + 1)
        more = " …" if len(below) > _CHOICES else ""
        choose = f"choose one of: {_listed(index, below[:_CHOICES])}{more}"
        raise ValidationError(FIELD, f"{_as_typed(text, code)} is a {kind}, not a billable code; {choose}")
    return index.code_at(position)


def _as_typed(text: str, code: str) -> str:
    """The code as a refusal names it: as typed when only case or spaces differ ("E11.99"),
    else what was typed and how it was read ("XYZ99 (read as XYZ.99)"): a tester's XYZ99 was
    echoed as "XYZ.99", which they had not typed."""
    typed = "".join(text.split())
    return code if typed.upper() == code else f"{typed} (read as {code})"


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
    """Load the code index now (~0.1 s from the cache, ~3.5 s when it is built; then nothing); safe
    from a worker thread."""
    _index()


def _joined(texts: list[str]) -> tuple[str, array[int]]:
    """Many strings as one (newline-separated) and where each starts: a few big objects, not 100,000 small ones."""
    starts = array("i", [0])
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


# leaf flags, descriptions, where each starts, search text, where each entry starts, its code's position, the codes
_Columns: TypeAlias = "tuple[bytes, str, array[int], str, array[int], array[int], str]"  # array[int]: 3.12+ at run time
_lock = threading.Lock()


def _index() -> _Index:
    with _lock:  # a worker's load() and a keystroke's search() build it once between them
        return _build()


@functools.cache
def _build() -> _Index:
    return codeset_cache.cached(CACHE_NAME, _release(), parse=_unpack, make=_packed_from_package, module=__name__)


def _from_columns(columns: _Columns) -> _Index:
    billable, names, name_starts, search_text, starts, order, all_codes = columns
    # The only small objects kept (a string per code) are made from one big string, so they fill
    # fresh memory instead of pinning the half-empty pages that parsing leaves behind.
    codes = all_codes.split("\n")
    by_length: dict[int, list[str]] = {}
    for code, leaf in zip(codes, billable, strict=True):
        if leaf:
            by_length.setdefault(len(code), []).append(code)
    return _Index(codes, billable, names, name_starts, by_length, search_text, starts, order)


# -- the cache file ------------------------------------------------------------------------------

CACHE_NAME = "icd10cm.index"
_FORMAT = 1  # the layout `_pack` writes: bump it whenever _Index or _columns change
_SIZES = struct.Struct("<7Q")  # the byte length of each of the 7 columns, then the columns


def _release() -> str:
    """What the cache is valid for: our layout, the package's version and data files, this machine's ints.

    Looking at the package's folder does not import it. A package that is missing gives a key no
    file has, so the build (and its ModuleNotFoundError) happens as it did without a cache.
    """
    from importlib import metadata  # ~40 ms to import: only when the index is first needed

    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        return "simple-icd-10-cm missing"
    try:
        version = metadata.version("simple-icd-10-cm")
    except metadata.PackageNotFoundError:  # a frozen bundle may not ship the metadata
        version = "?"
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    try:
        files = sorted(f"{p.name}:{p.stat().st_size}" for p in data.iterdir() if p.is_file())
    except OSError:
        files = []
    ints = f"{sys.byteorder} {array('i').itemsize}"
    return f"icd10 index {_FORMAT}; simple-icd-10-cm {version}; {' '.join(files)}; {ints}"


def _pack(columns: _Columns) -> bytes:
    billable, names, name_starts, search_text, starts, order, all_codes = columns
    parts = [
        all_codes.encode(),
        billable,
        names.encode(),
        name_starts.tobytes(),
        search_text.encode(),
        starts.tobytes(),
        order.tobytes(),
    ]
    return _SIZES.pack(*(len(p) for p in parts)) + b"".join(parts)


def _unpack(payload: bytes) -> _Index:
    """The index from `_pack`'s bytes; ValueError when they do not hold a consistent one."""
    if len(payload) < _SIZES.size:
        raise ValueError("too short")
    sizes = _SIZES.unpack_from(payload)
    if _SIZES.size + sum(sizes) != len(payload):
        raise ValueError("columns do not add up")
    view, at, parts = memoryview(payload), _SIZES.size, []
    for size in sizes:
        parts.append(view[at : at + size])
        at += size
    all_codes, billable, names, name_starts, search_text, starts, order = parts

    def ints(raw: memoryview) -> array[int]:
        numbers = array("i")
        numbers.frombytes(raw)  # ValueError when not a whole number of ints
        return numbers

    # str(..., "utf-8") raises UnicodeDecodeError, a ValueError, on bytes that are not text.
    codes = str(all_codes, "utf-8")
    columns: _Columns = (
        bytes(billable),
        str(names, "utf-8"),
        ints(name_starts),
        str(search_text, "utf-8"),
        ints(starts),
        ints(order),
        codes,
    )
    count = codes.count("\n") + 1
    entries = columns[5]
    if not codes or not count == len(columns[0]) == len(columns[2]) or len(columns[4]) != len(entries):
        raise ValueError("columns of different lengths")
    if entries and not 0 <= min(entries) <= max(entries) < count:
        raise ValueError("search entries point past the codes")
    return _from_columns(columns)


def _packed_from_package() -> bytes:
    """The index's columns, packed, read from the package (which is dropped again before returning)."""
    text = _read_package()
    _drop_package()
    return _pack(_columns(text))


def _build_cache(path: Path) -> None:
    """The child's work: read the package and write the cache file at `path` (or send its bytes to
    the parent when it cannot be written: codeset_cache.hand_over)."""
    codeset_cache.hand_over(path, _release(), _pack(_columns(_read_package())))


def _columns(text: str) -> _Columns:
    """The package's lines as a few big objects: leaf flags, descriptions, the search text, the codes."""
    # Sorted lines are in code order ('E11<TAB>' before 'E11.0'); the tabular list itself puts C4A after C44.
    rows = [line.split("\t") for line in sorted(text.split("\n"))]
    billable = bytes(row[1] == "1" for row in rows)
    names, name_starts = _joined([row[2] for row in rows])
    # Most general first: the shorter code ('I10' before 'I15.0'), then the shorter description.
    order = sorted((i for i, leaf in enumerate(billable) if leaf), key=lambda i: (len(rows[i][0]), len(rows[i][2]), i))
    search_text, starts = _joined([f"{rows[i][0]} {rows[i][2]}; {rows[i][3]}".casefold() for i in order])
    return billable, names, name_starts, search_text, starts, array("i", order), "\n".join(row[0] for row in rows)


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


if __name__ == "__main__":  # python -m caredesk.domain.icd10 --build-cache PATH (codeset_cache runs it)
    if len(sys.argv) != 3 or sys.argv[1] != codeset_cache.BUILD_FLAG:
        raise SystemExit(f"usage: python -m caredesk.domain.icd10 {codeset_cache.BUILD_FLAG} PATH")
    _build_cache(Path(sys.argv[2]))
