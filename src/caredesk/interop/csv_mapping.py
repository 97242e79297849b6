"""Which column of a registry CSV holds which CareDesk field: the fields, a guess from the usual
column names, and a mapping the user chose, saved as a readable JSON file or remembered in the
store for the next file with the same header.

    FIELDS                      the CareDesk fields a column can fill (Field(key, label, required))
    guess(header)               {"mrn": 0, "birth_date": 3, ...}: field key -> column index
    signature(header)           a stable hash of the header, whatever its case, spacing or punctuation
    Mapping                     {"columns": {"mrn": "MRN", "birth_date": "DOB"}, "consent_method": "verbal"}
    remembered(ws, header) / remember(ws, header, mapping)   the mapping kept for this header

A mapping names columns by their header text, not their position, so that a mapping file reads
as what it means and still fits when the EHR moves a column.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from caredesk.domain.patients import ConsentMethod
from caredesk.errors import CareDeskError, ValidationError
from caredesk.services import store_settings
from caredesk.services.changes import Changes
from caredesk.services.files import write_atomic
from caredesk.services.workspace import Workspace

MAPPING = "mapping"  # the field every mapping refusal names
SETTINGS_PREFIX = "csv_mapping:"


@dataclass(frozen=True, slots=True)
class Field:
    """A CareDesk field a column can fill: `key` as in mapping files, `label` as the user reads it."""

    key: str
    label: str
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field("mrn", "MRN", required=True),
    # A name is required too: a full-name column, or both a given- and a family-name column (`missing`).
    Field("full_name", "Name (Last, First or First Last)"),
    Field("given_name", "Given (first) name"),
    Field("family_name", "Family (last) name"),
    Field("preferred_name", "Preferred name"),
    Field("birth_date", "Date of birth", required=True),
    Field("sex", "Sex"),
    Field("phone", "Phone"),
    Field("phone2", "Second phone"),
    Field("address", "Address (street, or the whole address)"),
    Field("city", "City"),
    Field("state", "State"),
    Field("zip", "ZIP code"),
    Field("language", "Language"),
    Field("payer", "Payer"),
    Field("pcp", "Primary-care provider"),
    Field("program", "Program"),
    Field("consent_date", "Consent date"),
    Field("consent_method", "Consent method"),
    Field("icd10", "ICD-10 codes"),
    Field("risk_tier", "Risk tier"),
    Field("call_window", "Call window"),
)
BY_KEY = {f.key: f for f in FIELDS}
NAME_REQUIRED = "Name (a full-name column, or a given-name and a family-name column)"


def column_key(text: str) -> str:
    """A column name as compared: accents, case, spaces and punctuation ignored ('Date of Birth',
    'date_of_birth', 'DATE-OF-BIRTH' and 'DateOfBirth' are one)."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


# The names registries, EHR exports and spreadsheets give these columns, compared by `column_key`.
# Sources: the column headings of athenahealth, eClinicalWorks and NextGen registry/report
# exports as practices share them, and CMS's CCM consent wording ("CCM consent"); a guess
# only, always shown in the preview and changeable.
_NAMES: dict[str, tuple[str, ...]] = {
    "mrn": (
        "MRN",
        "Medical Record Number",
        "Medical Record No",
        "Medical Record #",
        "Patient MRN",
        "Patient ID",
        "PatientID",
        "Pt ID",
        "Patient Number",
        "Chart Number",
        "Chart No",
        "Record Number",
        "Enterprise ID",
    ),
    "full_name": (
        "Name",
        "Patient Name",
        "Patient",
        "Full Name",
        "Patient Full Name",
        "Last, First",
        "Last Name, First Name",
        "Name (Last, First)",
        "Patient Name (Last, First)",
        "Member Name",
    ),
    "given_name": ("First Name", "First", "Given Name", "Given", "FName", "Patient First Name", "Pt First Name"),
    "family_name": (
        "Last Name",
        "Last",
        "Family Name",
        "Surname",
        "LName",
        "Patient Last Name",
        "Pt Last Name",
    ),
    "preferred_name": ("Preferred Name", "Nickname", "Goes By", "Preferred First Name"),
    "birth_date": (
        "DOB",
        "Date of Birth",
        "Birthdate",
        "Birth Date",
        "Birth Dt",
        "Birthday",
        "Patient DOB",
        "Pt DOB",
        "DOB (MM/DD/YYYY)",
    ),
    "sex": ("Sex", "Gender", "Patient Sex", "Patient Gender", "Birth Sex", "Sex at Birth", "Administrative Gender"),
    "phone": (
        "Phone",
        "Phone Number",
        "Home Phone",
        "Telephone",
        "Tel",
        "Primary Phone",
        "Patient Phone",
        "Mobile",
        "Mobile Phone",
        "Cell",
        "Cell Phone",
        "Work Phone",
        "Contact Phone",
        "Phone 1",
        "Phone 2",
        "Secondary Phone",
        "Alternate Phone",
    ),
    "address": (
        "Address",
        "Street",
        "Street Address",
        "Address 1",
        "Address Line 1",
        "Home Address",
        "Mailing Address",
        "Patient Address",
        "Addr",
    ),
    "city": ("City", "Town", "Patient City"),
    "state": ("State", "ST", "Province", "Patient State"),
    "zip": ("Zip", "ZIP Code", "Zipcode", "Postal Code", "Postcode", "Zip5", "Patient Zip"),
    "language": ("Language", "Preferred Language", "Primary Language", "Spoken Language", "Lang"),
    "payer": (
        "Payer",
        "Payor",
        "Primary Payor",
        "Insurance",
        "Primary Insurance",
        "Primary Payer",
        "Insurance Name",
        "Insurer",
        "Health Plan",
        "Plan",
        "Primary Insurance Name",
    ),
    "pcp": (
        "PCP",
        "Provider",
        "Primary Care Provider",
        "Primary Care Physician",
        "PCP Name",
        "Primary Provider",
        "Assigned Provider",
        "Rendering Provider",
        "Physician",
    ),
    "program": ("Program", "Programs", "Care Program", "Care Management Program", "Enrolled Program", "Enrollment"),
    "consent_date": (
        "Consent Date",
        "CCM Consent",
        "CCM Consent Date",
        "Date of Consent",
        "Consent",
        "Consent Signed",
        "Consent Obtained",
        "Program Consent Date",
    ),
    "consent_method": ("Consent Method", "Consent Type", "Consent Obtained By", "Consent Form"),
    "icd10": (
        "Diagnoses",
        "Diagnosis",
        "Diagnosis Codes",
        "ICD-10",
        "ICD10",
        "ICD-10 Codes",
        "ICD-10-CM",
        "ICD",
        "ICD Codes",
        "Dx",
        "Dx Codes",
        "Dx Code",
        "Problem List",
        "Chronic Conditions",
        "Conditions",
    ),
    "risk_tier": ("Risk", "Risk Tier", "Risk Level", "Risk Category", "Acuity"),
    "call_window": ("Call Window", "Best Time to Call", "Preferred Call Time", "Call Time", "Best Time"),
}
_GUESSES = {column_key(name): key for key, names in _NAMES.items() for name in names}
_PREFIXES = ("patient", "pt", "member")  # "Patient Language" is "Language" when nothing else matched


def _guess_one(name: str) -> str | None:
    key = column_key(name)
    if key in _GUESSES:
        return _GUESSES[key]
    for prefix in _PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :] in _GUESSES:
            return _GUESSES[key[len(prefix) :]]
    return None


def guess(header: Sequence[str]) -> dict[str, int]:
    """The field each column of `header` probably holds: field key -> column index.

    A column fills at most one field and a field takes the first column that names it; a second
    phone column ("Home Phone", then "Mobile") becomes `phone2`. Columns with no usual name are
    left out; the caller shows the guess for the user to correct.
    """
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _guess_one(name)
        if key is None:
            continue
        if key == "phone" and "phone" in found:
            key = "phone2"
        found.setdefault(key, index)
    return found


def signature(header: Sequence[str]) -> str:
    """A stable hash of the header's column names, compared by `column_key` (case,
    spaces, punctuation and accents ignored, order kept): 16 hex digits. The same EHR report
    exported next month has the same signature."""
    text = "\x1f".join(column_key(name) for name in header)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def missing(keys: Sequence[str] | set[str]) -> list[str]:
    """The labels of required fields that `keys` (mapped field keys) leave out, in FIELDS' order."""
    absent = [f.label for f in FIELDS if f.required and f.key not in keys]
    if "full_name" not in keys and not ("given_name" in keys and "family_name" in keys):
        absent.insert(1 if "mrn" not in keys else 0, NAME_REQUIRED)  # after MRN, as FIELDS lists them
    return absent


@dataclass(frozen=True)
class Mapping:
    """A chosen mapping: field key -> the column's name in the header; `consent_method`, when set,
    applies to every row whose consent method is not in a column (the domain requires one with a
    consent date, and a registry rarely says which)."""

    columns: dict[str, str] = field(default_factory=dict)
    consent_method: ConsentMethod | None = None

    @classmethod
    def from_indices(cls, header: Sequence[str], indices: dict[str, int]) -> Mapping:
        """A mapping from `guess`'s field key -> column index."""
        return cls(columns={key: header[i] for key, i in indices.items()})

    @classmethod
    def from_dict(cls, data: object, *, where: str = MAPPING) -> Mapping:
        """The mapping in parsed JSON: {"columns": {field key: column name}, "consent_method": ...}.
        ValidationError naming `where` and the unknown field or wrong value."""
        if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
            raise ValidationError(where, 'must be a JSON object with "columns": {"mrn": "MRN", ...}')
        unknown = set(data) - {"columns", "consent_method"}
        if unknown:
            raise ValidationError(
                where, f'unknown entry "{sorted(unknown)[0]}"; a mapping has "columns" and "consent_method"'
            )
        columns: dict[str, str] = {}
        for key, name in data["columns"].items():
            if key not in BY_KEY:
                known = ", ".join(BY_KEY)
                raise ValidationError(where, f'"{key}" is not a CareDesk field; the fields are: {known}')
            if not isinstance(name, str) or not name.strip():
                raise ValidationError(where, f'the column for "{key}" must be a column name (text)')
            columns[key] = name.strip()
        method = data.get("consent_method")
        consent: ConsentMethod | None = None
        if method not in (None, ""):
            try:
                consent = ConsentMethod(str(method).strip().casefold())
            except ValueError:
                raise ValidationError(where, 'consent_method must be "verbal" or "written"') from None
        return cls(columns=columns, consent_method=consent)

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"columns": dict(self.columns)}
        if self.consent_method is not None:
            data["consent_method"] = self.consent_method.value
        return data

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"

    def indices(self, header: Sequence[str]) -> dict[str, int]:
        """Field key -> column index in `header`. ValidationError("mapping", ...) naming the column
        that the header lacks or holds twice, a column mapped to two fields (naming both), or the
        required fields left unmapped."""
        positions: dict[str, list[int]] = {}
        for i, name in enumerate(header):
            positions.setdefault(column_key(name), []).append(i)
        out: dict[str, int] = {}
        for key, name in self.columns.items():
            if key not in BY_KEY:
                raise ValidationError(MAPPING, f'"{key}" is not a CareDesk field')
            at = positions.get(column_key(name), [])
            if not at:
                raise ValidationError(
                    MAPPING, f'the column "{name}" ({BY_KEY[key].label}) is not in the file\'s header'
                )
            if len(at) > 1:
                raise ValidationError(MAPPING, f'the column "{name}" appears {len(at)} times in the header; rename one')
            out[key] = at[0]
        taken: dict[int, list[str]] = {}
        for key, index in out.items():
            taken.setdefault(index, []).append(key)
        for index, keys in taken.items():
            if len(keys) > 1:  # one cell read as two fields: an MRN stored as a date of birth
                both = " and ".join(f'"{k}" ({BY_KEY[k].label})' for k in keys)
                raise ValidationError(
                    MAPPING, f'the column "{header[index]}" is mapped to both {both}: a column fills one field'
                )
        absent = missing(set(out))
        if absent:
            raise ValidationError(MAPPING, f"no column for {' and '.join(absent)}: the file must have one, mapped")
        return out


def load(path: Path) -> Mapping:
    """The mapping in a JSON file. ValidationError naming the file; CareDeskError when unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CareDeskError(f"Cannot read {path} ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise ValidationError(path.name, "is not a UTF-8 JSON mapping file") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValidationError(path.name, f"is not valid JSON (line {getattr(exc, 'lineno', '?')})") from None
    return Mapping.from_dict(data, where=path.name)


def save(path: Path, mapping: Mapping) -> None:
    """Write the mapping as JSON (whole or not at all). It holds column names only, no patient data."""
    write_atomic(path, mapping.to_json().encode("utf-8"))


def remembered(ws: Workspace, header: Sequence[str]) -> Mapping | None:
    """The mapping last chosen for a file with this header (by `signature`), or None when there is
    none or it no longer fits the header."""
    data = store_settings.read(ws, SETTINGS_PREFIX + signature(header))
    if data is None:
        return None
    try:
        mapping = Mapping.from_dict(data)
        mapping.indices(header)
    except ValidationError:
        return None
    return mapping


def remember(ws: Workspace, header: Sequence[str], mapping: Mapping) -> Changes:
    """Keep `mapping` for files with this header: an audited settings change holding column
    names only (no patient data). ValidationError when it does not fit the header."""
    mapping.indices(header)
    key = signature(header)
    return store_settings.save(ws, SETTINGS_PREFIX + key, mapping.as_dict(), "CSV column mapping", f"header {key}")


_LINE = re.compile(r"\s+")


def describe(mapping: Mapping) -> list[str]:
    """One line per mapped field, in FIELDS' order: 'Date of birth  <- "DOB"'."""
    width = max((len(f.label) for f in FIELDS if f.key in mapping.columns), default=0)
    return [
        f'{f.label.ljust(width)}  <- "{_LINE.sub(" ", mapping.columns[f.key])}"'
        for f in FIELDS
        if f.key in mapping.columns
    ]
