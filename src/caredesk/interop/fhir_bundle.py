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

import json
from dataclasses import dataclass, field
from typing import Any

import pydantic
from fhir.resources.R4B import get_fhir_model_class

from caredesk.domain.incoming import ImportProblem
from caredesk.errors import ValidationError

SOURCE = "FHIR bundle"
MAX_BYTES = 50_000_000  # "50 MB" as the message says it (SI megabytes, as file managers show sizes)
BUNDLE_TYPES = ("transaction", "collection", "searchset")


@dataclass
class Entry:
    where: str  # "Observation/abc" or "entry 12" (1-based)
    resource: dict[str, Any]

    @property
    def type(self) -> str:
        return str(self.resource.get("resourceType", ""))


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


def parse_json(data: bytes) -> Any:
    """The file's JSON. ValidationError("FHIR bundle", ...) for a file too big, not UTF-8 or not JSON."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            SOURCE, f"is {_size(len(data))}; CareDesk imports files up to {MAX_BYTES // 1_000_000} MB"
        )
    if not data.strip():
        raise ValidationError(SOURCE, "is empty: a FHIR R4 Bundle in JSON is needed")
    try:
        text = data.decode("utf-8-sig")  # FHIR JSON is UTF-8; a BOM is tolerated
    except UnicodeDecodeError as exc:
        raise ValidationError(SOURCE, f"is not UTF-8 text (byte {exc.start + 1}): FHIR JSON is UTF-8") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            SOURCE, f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise ValidationError(SOURCE, "is not valid JSON: nested too deeply") from None


def open_bundle(data: bytes) -> Entries:
    doc = parse_json(data)
    if not isinstance(doc, dict) or doc.get("resourceType") != "Bundle":
        kind = doc.get("resourceType") if isinstance(doc, dict) else None
        what = f"a {kind} resource" if isinstance(kind, str) else "not a FHIR resource"
        raise ValidationError(SOURCE, f"is {what}: a FHIR R4 Bundle is needed")
    kind = doc.get("type")
    if kind not in BUNDLE_TYPES:
        raise ValidationError(
            SOURCE, f'is a Bundle of type "{shortened(kind, 30)}": CareDesk reads {", ".join(BUNDLE_TYPES)} bundles'
        )
    raw = doc.get("entry", [])
    if not isinstance(raw, list):
        raise ValidationError(SOURCE, "Bundle.entry: must be a list of entries")
    out = Entries()
    for number, item in enumerate(raw, start=1):
        before = len(out.problems)
        entry = _entry(number, item, out.problems)
        if entry is None:
            if len(out.problems) > before:
                for owner in _owner_references(item):
                    out.invalid_owners.append((owner, out.problems[-1].where))
            continue
        out.entries.append(entry)
        rid = entry.resource.get("id")
        url = item.get("fullUrl")
        for key in (url, f"{entry.type}/{rid}" if rid else None):
            if isinstance(key, str) and key:
                out.by_ref.setdefault(key, entry)
        if isinstance(url, str) and "/" in url and not url.startswith("urn:"):
            out.by_ref.setdefault("/".join(url.rstrip("/").split("/")[-2:]), entry)
    return out


def _entry(number: int, item: object, problems: list[ImportProblem]) -> Entry | None:
    resource = item.get("resource") if isinstance(item, dict) else None
    if not isinstance(resource, dict):
        problems.append(ImportProblem(f"entry {number}", "resource", "", "the entry holds no resource"))
        return None
    kind, rid = resource.get("resourceType"), resource.get("id")
    where = (
        f"{kind}/{shortened(rid, 64)}" if isinstance(kind, str) and isinstance(rid, str) and rid else f"entry {number}"
    )
    try:
        model = get_fhir_model_class(kind) if isinstance(kind, str) else None
    except KeyError:
        model = None
    if model is None:
        problems.append(ImportProblem(where, "resourceType", shortened(kind), "is not a FHIR R4 resource type"))
        return None
    try:
        model.model_validate(resource)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        element = ".".join(str(p) for p in first["loc"]) or kind
        problems.append(ImportProblem(where, f"{kind}.{element}", shortened(first.get("input", "")), first["msg"]))
        return None
    except (ValueError, TypeError) as exc:  # a model's own check that is not a pydantic error
        problems.append(ImportProblem(where, str(kind), "", (str(exc).splitlines() or ["is not valid"])[0][:200]))
        return None
    return Entry(where, resource)


OWNER_ELEMENTS = ("subject", "patient", "beneficiary")


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
