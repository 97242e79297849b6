"""Import community resources from a CSV file, all or nothing (SPEC sections 5 and 7, issue 10).

The file: UTF-8 (with or without the byte-order mark a spreadsheet writes), a header row
naming columns among name, needs, phone, address, hours, eligibility, notes (any case, any
order; name and needs are required), then one resource per row. `needs` holds one or more
of housing, food, transportation, utilities, interpersonal safety, other, separated by ';'.

Every row is checked before anything is saved. When any row is refused nothing is saved,
and the one error lists every bad row by its line in the file and its field:
"resources.csv: nothing imported - row 4: phone: 12 is not a phone number; type all 10 digits; row 6: needs: ...".
A row naming a resource already in the directory, or one earlier in the file, is refused
too: the same name and the same phone, or no phone on either side
(caredesk.domain.community.same_listing).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from caredesk.domain import audit as events
from caredesk.domain.community import (
    CommunityResource,
    field_refusals,
    listing_name,
    needs_of,
    repeat_refusal,
    same_listing,
    twin_refusal,
)
from caredesk.domain.phone_entry import entered_or_kept
from caredesk.errors import ValidationError
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.community import ENTITY
from caredesk.services.workspace import Workspace

COLUMNS = ("name", "needs", "phone", "address", "hours", "eligibility", "notes")
REQUIRED = ("name", "needs")
MAX_BYTES = 5_000_000  # a directory of a few thousand resources is far below this
MAX_ROWS = 5_000
SHOWN = 20  # bad rows listed in the message; the rest are counted


@dataclass(frozen=True, slots=True)
class RowRefusal:
    """One bad row: `line` in the file (the header is line 1), the field and why."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.line}: {self.field}: {self.message}"


class ImportRefused(ValidationError):
    """Nothing was imported: `refusals` lists every bad row (its field is the file's name)."""

    def __init__(self, source: str, refusals: list[RowRefusal]):
        self.refusals = tuple(refusals)
        listed = "; ".join(str(r) for r in refusals[:SHOWN])
        more = f"; and {len(refusals) - SHOWN} more" if len(refusals) > SHOWN else ""
        super().__init__(source, f"nothing imported - {listed}{more}")


def import_resources(ws: Workspace, path: Path) -> Saved[list[CommunityResource]]:
    """Read and import the CSV file at `path` (see the module doc). Returns the resources
    saved, in file order. Raises ImportRefused (a ValidationError naming the file and every bad
    row) or ValidationError naming the file (unreadable, not UTF-8, too big, bad header)."""
    source = path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValidationError(source, f"is larger than {MAX_BYTES // 1_000_000} MB; is it the right file?")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(source, "no such file") from None
    except IsADirectoryError:
        raise ValidationError(source, "is a folder, not a CSV file") from None
    except OSError as exc:
        raise ValidationError(source, f"cannot be read ({exc.strerror or 'input/output error'})") from None
    return import_resources_data(ws, data, source=source)


def import_resources_data(ws: Workspace, data: bytes, *, source: str = "CSV file") -> Saved[list[CommunityResource]]:
    """The same from the file's bytes (`source` names it in messages). One unit of work: every
    resource is saved and audited (record.created, by id), or none."""
    with ws.uow() as uow:
        resources = read_resources(data, uow.resources.all(), source=source)
        saved = uow.resources.add_many(resources)
        for r in saved:
            uow.audit(events.RECORD_CREATED, ENTITY, r.id, "imported")
        uow.commit()
    return Saved(saved, Changes.of([], Kind.REFERRAL))


def read_resources(
    data: bytes, directory: Iterable[CommunityResource], *, source: str = "CSV file"
) -> list[CommunityResource]:
    """The file's resources, checked (no store involved). Raises ImportRefused or
    ValidationError naming `source`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(source, 'is not UTF-8 text (save it as "CSV UTF-8")') from None
    rows = _rows(text, source)
    header = next(rows, None)
    if header is None:
        raise ValidationError(source, "is empty: the first row names the columns")
    columns = _columns(header[1], source)
    # By compared name, so a file of thousands of rows is not compared with every resource.
    existing: dict[str, list[CommunityResource]] = defaultdict(list)
    for r in directory:
        existing[listing_name(r.name)].append(r)
    seen: dict[str, list[tuple[int, CommunityResource]]] = defaultdict(list)  # (line, resource) of rows kept
    out: list[CommunityResource] = []
    refusals: list[RowRefusal] = []
    for line, values in rows:
        if len(out) + len(refusals) >= MAX_ROWS:
            raise ValidationError(source, f"has more than {MAX_ROWS} rows")
        if len(values) > len(columns):
            refusals.append(RowRefusal(line, "row", f"has {len(values)} values for {len(columns)} columns"))
            continue
        given = dict(zip(columns, values, strict=False))
        cells = {c: given.get(c, "") for c in COLUMNS}  # missing trailing values are empty
        problems = field_refusals(cells)
        if not problems and cells["phone"]:  # a whole number, as a resource added by hand (domain.phone_entry)
            try:
                entered_or_kept("phone", cells["phone"])
            except ValidationError as exc:
                problems = [exc]
        if problems:
            refusals += [RowRefusal(line, p.field, p.message) for p in problems]
            continue
        resource = CommunityResource(
            name=cells["name"],
            needs=needs_of("needs", cells["needs"]),
            phone=cells["phone"],
            address=cells["address"],
            hours=cells["hours"],
            eligibility=cells["eligibility"],
            notes=cells["notes"],
        )
        name = listing_name(resource.name)
        twin = next((r for r in existing[name] if same_listing(r, resource)), None)
        earlier = next(((n, r) for n, r in seen[name] if same_listing(r, resource)), None)
        if twin is not None:
            refusals.append(RowRefusal(line, "name", twin_refusal(twin, resource)))
        elif earlier is not None:
            refusals.append(RowRefusal(line, "name", repeat_refusal(earlier[0], earlier[1], resource)))
        else:
            seen[name].append((line, resource))
            out.append(resource)
    if refusals:
        raise ImportRefused(source, refusals)
    if not out:
        raise ValidationError(source, "has no resources under its header row")
    return out


def _rows(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, its values) for each row that is not blank."""
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ValidationError(source, f"row {start}: cannot be read as CSV ({exc})") from None
        if any(v.strip() for v in values):
            yield start, values


def _columns(header: list[str], source: str) -> list[str]:
    names = [" ".join(h.split()).casefold() for h in header]
    unknown = [header[i].strip() or f"column {i + 1} (no name)" for i, n in enumerate(names) if n not in COLUMNS]
    if unknown:
        raise ValidationError(source, f"unknown columns: {', '.join(unknown)} (the columns are: {', '.join(COLUMNS)})")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValidationError(source, f"the column {', '.join(twice)} appears twice")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ValidationError(source, f"the header row has no {' or '.join(missing)} column (both are required)")
    return names
