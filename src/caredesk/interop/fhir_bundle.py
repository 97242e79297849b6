"""Reading a FHIR R4 Bundle file: bytes -> validated resources and the references between them.

`open_bundle(data) -> Entries` refuses the file as a whole (ValidationError naming "FHIR
bundle") when it is over 50 MB, not UTF-8, not JSON (with the line and column), not a Bundle,
or a Bundle of a type CareDesk does not read (transaction, collection and searchset are read:
https://hl7.org/fhir/R4/bundle.html#bundle-types; a transaction's entries carry the resources
to create, the request part is ignored). Every entry's resource is validated with the
`fhir.resources.R4B` model of its type; one that fails is an ImportProblem naming it
("Observation/abc" or "entry 12"), the element and why, and is left out.

References are resolved the ways a Bundle may write them (https://hl7.org/fhir/R4/bundle.html#references):
the entry's fullUrl ("urn:uuid:...", or an absolute URL), "Type/id", or the last two segments
of an absolute URL. A reference starting with "#" is to a resource contained in the referrer.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pydantic
from fhir.resources.R4B import get_fhir_model_class

from caredesk.domain.incoming import ImportProblem
from caredesk.errors import ValidationError
from caredesk.interop import fhir_messages

SOURCE = "FHIR bundle"
MAX_BYTES = 50_000_000  # "50 MB" as the message says it (SI megabytes, as file managers show sizes)
BUNDLE_TYPES = ("transaction", "collection", "searchset")
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace (RFC 8259 section 2)
_CHUNK = 1 << 20


class Entry:
    """One valid entry: `where` ("Observation/abc" or "entry 12", 1-based), its `type`, and its
    `resource` as JSON-ready dicts.

    A bundle read by open_bundle keeps only the file's bytes and where the entry lies in them:
    `resource` decodes that entry again on each access, so the whole bundle never lives as
    dicts at once (the 170-patient demo export, 18 MB, was 60 MiB of dicts, the import's peak).
    Read it once per use (`r = e.resource`) rather than element by element."""

    __slots__ = ("_data", "_resource", "_span", "owners", "type", "where")

    def __init__(
        self,
        where: str,
        kind: str,
        *,
        data: bytes = b"",
        span: tuple[int, int] = (0, 0),
        resource: dict[str, Any] | None = None,
    ):
        self.where, self.type = where, kind
        self._data, self._span, self._resource = data, span, resource
        self.owners: dict[str, Any] = {}  # its subject / patient / beneficiary, read without decoding it

    @property
    def resource(self) -> dict[str, Any]:
        if self._resource is not None:
            return self._resource
        start, end = self._span
        return json.loads(self._data[start:end])["resource"]  # type: ignore[no-any-return]


@dataclass
class Entries:
    """The valid resources in file order, the problems found, and a reference index."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    by_ref: dict[str, Entry] = field(default_factory=dict)
    # (the patient reference an invalid resource gave, its where): that patient is refused too
    invalid_owners: list[tuple[str, str]] = field(default_factory=list)

    def resolve(self, reference: object) -> Entry | None:
        """The entry a Reference element (or its `reference` string) points at, or None."""
        text = reference.get("reference") if isinstance(reference, dict) else reference
        if not isinstance(text, str) or not text:
            return None
        found = self.by_ref.get(text)
        if found is None and "/" in text:
            found = self.by_ref.get("/".join(text.rstrip("/").split("/")[-2:]))
        return found


def shortened(value: object, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def checked(data: bytes) -> int:
    """Where the JSON begins (after a UTF-8 byte order mark, tolerated). ValidationError("FHIR
    bundle", ...) for a file too big, empty or not UTF-8. Checked a megabyte at a time: the
    whole file as one str would be 2 bytes a character as soon as one name has an accent."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            SOURCE, f"is {_size(len(data))}; CareDesk imports files up to {MAX_BYTES // 1_000_000} MB"
        )
    if not data.strip():
        raise ValidationError(SOURCE, "is empty: a FHIR R4 Bundle in JSON is needed")
    view = memoryview(data)
    utf8 = codecs.getincrementaldecoder("utf-8")()
    try:
        for at in range(0, len(data), _CHUNK):
            utf8.decode(view[at : at + _CHUNK])
        utf8.decode(b"", final=True)
    except UnicodeDecodeError:
        try:  # the whole file again, for the exact byte (it fails there)
            data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(SOURCE, f"is not UTF-8 text (byte {exc.start + 1}): FHIR JSON is UTF-8") from None
    return len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0


def _not_json(exc: json.JSONDecodeError) -> ValidationError:
    return ValidationError(SOURCE, f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")


def _skip(text: str, pos: int) -> int:
    found = _SPACE.match(text, pos)
    return found.end() if found else pos


def scan(text: str, on_entry: Callable[[int, int], None]) -> dict[str, Any] | None:
    """The top-level JSON object's members, the span (start, end) in `text` of each item of its
    `entry` array handed to `on_entry` in turn (the items are decoded to find their end, not kept).
    None when the text is not one JSON object of that usual shape: the caller then parses it
    whole, which also gives the JSON error with its line and column. A JSONDecodeError
    inside a member (positions of the whole text) is raised as it is."""
    pos = _skip(text, 0)
    if not text.startswith("{", pos):
        return None
    top: dict[str, Any] = {}
    pos = _skip(text, pos + 1)
    while not text.startswith("}", pos):
        if not text.startswith('"', pos):
            return None
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if not text.startswith(":", pos):
            return None
        pos = _skip(text, pos + 1)
        if key == "entry" and text.startswith("[", pos):
            top[key] = []  # given to on_entry instead
            pos = _skip(text, pos + 1)
            while not text.startswith("]", pos):
                _item, end = _DECODER.raw_decode(text, pos)
                on_entry(pos, end)
                pos = _skip(text, end)
                if text.startswith(",", pos):
                    pos = _skip(text, pos + 1)
                elif not text.startswith("]", pos):
                    return None
            pos += 1  # the "]"
        else:
            top[key], pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
        elif not text.startswith("}", pos):
            return None
    return top if _skip(text, pos + 1) == len(text) else None


def open_bundle(data: bytes) -> Entries:
    """The bundle's valid entries, its problems and its reference index (see the module).

    Memory: the file is scanned as Latin-1 text (one byte a character, so offsets in it are
    offsets in the bytes: UTF-8's multi-byte sequences never contain JSON's ASCII punctuation)
    to find each entry; each entry is then decoded from its UTF-8 bytes, validated and dropped.
    The Entries keep the bytes and each entry's span (Entry.resource decodes it again).
    A JSON error's column counts bytes on a line with accented letters."""
    start = checked(data)
    out = Entries()
    count = 0

    def take(begin: int, end: int) -> None:
        nonlocal count
        count += 1
        span = (start + begin, start + end)
        _add(out, count, json.loads(data[span[0] : span[1]]), data=data, span=span)

    try:
        doc: Any = scan(codecs.latin_1_decode(memoryview(data)[start:])[0], take)
        if doc is None:  # an unusual shape: parsed whole, as before (or its JSON error)
            out, count = Entries(), 0
            doc = json.loads(data.decode("utf-8-sig"))
            if isinstance(doc, dict) and isinstance(doc.get("entry"), list):
                for item in doc["entry"]:
                    count += 1
                    _add(out, count, item)
                doc = {**doc, "entry": []}
    except json.JSONDecodeError as exc:
        raise _not_json(exc) from None
    except RecursionError:
        raise ValidationError(SOURCE, "is not valid JSON: nested too deeply") from None
    if not isinstance(doc, dict) or doc.get("resourceType") != "Bundle":
        kind = doc.get("resourceType") if isinstance(doc, dict) else None
        what = f"a {kind} resource" if isinstance(kind, str) else "not a FHIR resource"
        raise ValidationError(SOURCE, f"is {what}: a FHIR R4 Bundle is needed")
    kind = doc.get("type")
    if kind not in BUNDLE_TYPES:
        raise ValidationError(
            SOURCE, f'is a Bundle of type "{shortened(kind, 30)}": CareDesk reads {", ".join(BUNDLE_TYPES)} bundles'
        )
    if not isinstance(doc.get("entry", []), list):
        raise ValidationError(SOURCE, "Bundle.entry: must be a list of entries")
    return out


def _add(out: Entries, number: int, item: object, *, data: bytes = b"", span: tuple[int, int] = (0, 0)) -> None:
    """Validate one entry and index it (kept as the file's bytes and its span when `data` is given)."""
    before = len(out.problems)
    where = _entry(number, item, out.problems)
    if where is None:
        if len(out.problems) > before:
            for owner in _owner_references(item):
                out.invalid_owners.append((owner, out.problems[-1].where))
        return
    assert isinstance(item, dict)
    resource = item["resource"]
    kind = str(resource.get("resourceType", ""))
    if not _is_r4(kind):  # kept only to be counted: fhir_import lists it under "Not imported"
        out.entries.append(Entry(where, f"{kind} (not an R4 resource type)", resource={}))
        return
    entry = Entry(where, kind, data=data, span=span) if data else Entry(where, kind, resource=resource)
    entry.owners = {name: resource[name] for name in OWNER_ELEMENTS if name in resource}
    if kind == "Appointment":  # no subject: its patient is one of its participants' actors
        actors = (p.get("actor") for p in resource.get("participant", ()) if isinstance(p, dict))
        entry.owners["participant"] = [a for a in actors if isinstance(a, dict) and a.get("reference")]
    out.entries.append(entry)
    rid = resource.get("id")
    url = item.get("fullUrl")
    for key in (url, f"{kind}/{rid}" if rid else None):
        if isinstance(key, str) and key:
            out.by_ref.setdefault(key, entry)
    if isinstance(url, str) and "/" in url and not url.startswith("urn:"):
        out.by_ref.setdefault("/".join(url.rstrip("/").split("/")[-2:]), entry)


@functools.cache
def _is_r4(kind: str) -> bool:
    try:
        get_fhir_model_class(kind)
    except (KeyError, ValueError):
        return False
    return True


def _entry(number: int, item: object, problems: list[ImportProblem]) -> str | None:
    """Where the entry is ("Observation/abc", "entry 12") when its resource is valid FHIR R4;
    None, with a problem added, when it is not."""
    resource = item.get("resource") if isinstance(item, dict) else None
    if not isinstance(resource, dict):
        problems.append(ImportProblem(f"entry {number}", "resource", "", "the entry holds no resource"))
        return None
    kind, rid = resource.get("resourceType"), resource.get("id")
    where = (
        f"{kind}/{shortened(rid, 64)}" if isinstance(kind, str) and isinstance(rid, str) and rid else f"entry {number}"
    )
    if not isinstance(kind, str) or not kind:
        problems.append(
            ImportProblem(where, "resourceType", shortened(kind), "is missing: every resource names its type")
        )
        return None
    try:
        model = get_fhir_model_class(kind)
    except (KeyError, ValueError):  # fhir.resources raises ValueError for a type it does not know
        return where  # not R4's ("Foobar", R5's "Permission"): _add counts it as not imported
    try:
        model.model_validate(resource)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        element = ".".join(str(p) for p in first["loc"]) or kind
        problems.append(
            ImportProblem(where, f"{kind}.{element}", shortened(first.get("input", "")), fhir_messages.plain(first))
        )
        return None
    except (ValueError, TypeError) as exc:  # a model's own check that is not a pydantic error
        problems.append(ImportProblem(where, str(kind), "", (str(exc).splitlines() or ["is not valid"])[0][:200]))
        return None
    return where


OWNER_ELEMENTS = ("subject", "patient", "beneficiary", "for")  # "for": Task's patient


def _owner_references(item: object) -> list[str]:
    """The patient references of a resource, read from the raw JSON (it may be invalid): a
    Patient's own fullUrl and "Patient/id", else its subject / patient / beneficiary."""
    resource = item.get("resource") if isinstance(item, dict) else None
    if not isinstance(item, dict) or not isinstance(resource, dict):
        return []
    if resource.get("resourceType") == "Patient":
        keys = [item.get("fullUrl"), f"Patient/{resource['id']}" if isinstance(resource.get("id"), str) else None]
        return [k for k in keys if isinstance(k, str) and k]
    for name in OWNER_ELEMENTS:
        ref = resource.get(name)
        if isinstance(ref, dict) and isinstance(ref.get("reference"), str):
            return [str(ref["reference"])]
    return []
