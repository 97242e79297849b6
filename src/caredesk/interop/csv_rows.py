"""One row of a registry CSV read through the resolved columns (RowReader.read): an
IncomingPatient built by the domain's own rules, or one problem per bad cell on the Row
(naming the column as the file names it). The rules are listed in csv_panel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from caredesk.domain import icd10
from caredesk.domain.incoming import ImportProblem, IncomingPatient
from caredesk.domain.patients import (
    Condition,
    ConsentMethod,
    Enrollment,
    Patient,
    Phone,
    Program,
)
from caredesk.errors import ValidationError
from caredesk.interop import csv_codes, csv_dates, csv_values

# The domain's field names (ValidationError.field) -> the mapping key whose column is at fault.
_DOMAIN_FIELDS = {
    "MRN": "mrn",
    "preferred name": "preferred_name",
    "date of birth": "birth_date",
    "sex": "sex",
    "language": "language",
    "address": "address",
    "preferred call window": "call_window",
    "primary-care provider": "pcp",
    "payer": "payer",
    "risk tier": "risk_tier",
}
# Stand-ins put in place of a refused value, so the rest of the row is still checked.
_STAND_IN_TEXT = "-"
_STAND_IN_DAY = date(1950, 1, 1)
# Words in a phone column's name -> the phone's type (domain.phone_entry.KINDS).
_PHONE_KINDS: tuple[tuple[str, str], ...] = (
    ("caregiver", "caregiver"),
    ("home", "home"),
    ("work", "work"),
    ("office", "work"),
    ("mobile", "mobile"),
    ("cell", "mobile"),
)


@dataclass
class Row:
    number: int
    cells: tuple[str, ...]
    reader: RowReader
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"row {self.number}"

    def cell(self, key: str) -> str:
        at = self.reader.columns.get(key)
        return self.cells[at].strip() if at is not None and at < len(self.cells) else ""

    def problem(self, column: str, value: str, why: str) -> None:
        self.problems.append(ImportProblem(where=self.where, field=column, value=csv_values.shortened(value), why=why))

    def refuse(self, key: str, why: str) -> None:
        """A problem with the cell of field `key`."""
        self.problem(self.reader.column_name(key), self.cell(key), why)

    def attempt(self, key: str, read: Callable[[str], Any]) -> Any:
        """read(the cell of `key`), or None with its problem noted (ValueError or ValidationError)."""
        try:
            return read(self.cell(key))
        except ValidationError as exc:
            self.refuse(key, _why(exc))
        except ValueError as exc:
            self.refuse(key, str(exc))
        return None


def _why(exc: ValidationError) -> str:
    """The domain's refusal as a problem's `why`: its field name and message ("date of birth is before 1900")."""
    return f"{exc.field} {exc.message}" if exc.field else exc.message


class RowReader:
    """Reads one row at a time through the resolved columns; caches what repeats (ICD-10 codes)."""

    def __init__(
        self,
        header: Sequence[str],
        columns: dict[str, int],
        consent_method: ConsentMethod | None,
        implied_program: Program | None,
        today: date,
    ):
        self.header = header
        self.columns = columns
        self.consent_method = consent_method
        self.implied_program = implied_program
        self.today = today
        self._codes: dict[str, icd10.Icd10Code | ValidationError] = {}

    def column_name(self, key: str) -> str:
        if key == "address":
            return " + ".join(
                self.header[self.columns[k]] for k in ("address", "city", "state", "zip") if k in self.columns
            )
        if key == "name":
            keys = ("given_name", "family_name") if self._separate_names else ("full_name",)
            return " + ".join(self.header[self.columns[k]] for k in keys if k in self.columns)
        at = self.columns.get(key)
        return self.header[at] if at is not None else key

    @property
    def _separate_names(self) -> bool:
        return "full_name" not in self.columns or ("given_name" in self.columns and "family_name" in self.columns)

    # -- the row -------------------------------------------------------------------------------
    def read(self, row: Row) -> IncomingPatient | None:
        mrn = row.attempt("mrn", csv_values.mrn)
        given, family = self._name(row)
        birth = row.attempt("birth_date", self._birth_date)
        values: dict[str, Any] = {
            "mrn": mrn or _STAND_IN_TEXT,
            "given_name": given or _STAND_IN_TEXT,
            "family_name": family or _STAND_IN_TEXT,
            "birth_date": birth or _STAND_IN_DAY,
        }
        if sex := row.attempt("sex", csv_values.sex):
            values["sex"] = sex
        if risk := row.attempt("risk_tier", csv_values.risk):
            values["risk_tier"] = risk
        for key in ("preferred_name", "language", "pcp", "payer", "call_window"):
            if row.cell(key):
                values[key] = row.cell(key)
        address = self._address(row)
        if address:
            values["address"] = address
        phones = [p for key in ("phone", "phone2") if (p := row.attempt(key, self._phone_reader(key)))]
        values["phones"] = tuple(phones)
        patient = self._patient(row, values)
        enrollments = self._enrollments(row)
        conditions = self._conditions(row)
        if patient is None or row.problems:
            return None
        flag = csv_codes.chronic_flag(conditions)
        return IncomingPatient(
            where=row.where,
            patient=patient,
            enrollments=tuple(enrollments),
            conditions=tuple(conditions),
            flags=(flag,) if flag else (),
        )

    def _patient(self, row: Row, values: dict[str, Any]) -> Patient | None:
        """Patient(**values), every refusal noted against its column: a refused value is replaced by
        a stand-in and the record built again, so one row reports each of its bad cells."""
        for _ in range(len(values) + 1):
            try:
                return Patient(**values)
            except ValidationError as exc:
                key = _DOMAIN_FIELDS.get(exc.field)
                if exc.field in ("given name", "family name"):
                    attr = "given_name" if exc.field == "given name" else "family_name"
                    row.problem(self.column_name("name"), self._name_cell(row), _why(exc))
                    values[attr] = _STAND_IN_TEXT
                elif key == "address" and "address" in values:  # street, city, state and ZIP as joined
                    row.problem(self.column_name("address"), values["address"], _why(exc))
                    del values["address"]
                elif key is not None and key in values:
                    row.refuse(key, _why(exc))
                    if key in ("mrn", "birth_date"):
                        values[key] = _STAND_IN_TEXT if key == "mrn" else _STAND_IN_DAY
                    else:
                        del values[key]  # an optional field: the Patient's own default stands in
                else:
                    row.problem("(row)", "", _why(exc))
                    return None
        return None

    def _name_cell(self, row: Row) -> str:
        if self._separate_names and row.cell("given_name") and row.cell("family_name"):
            return f"{row.cell('given_name')} {row.cell('family_name')}"
        return row.cell("full_name") or f"{row.cell('given_name')} {row.cell('family_name')}".strip()

    def _name(self, row: Row) -> tuple[str, str]:
        given, family = row.cell("given_name"), row.cell("family_name")
        if given and family:
            return given, family
        whole = row.cell("full_name")
        if not whole:
            if given or family or "full_name" not in self.columns:
                which = "family name" if given else "given name"
                row.problem(self.column_name("name"), given or family, f"{which} is required")
            else:
                row.refuse("full_name", "name is required")
            return "", ""
        if "," in whole:
            last, _comma, first = whole.partition(",")
            given, family = first.strip(), last.strip()
        else:
            words = whole.split()
            given, family = " ".join(words[:-1]), words[-1] if words else ""
        if not given or not family:
            row.refuse("full_name", 'needs a family and a given name: write "Last, First" or "First Last"')
            return "", ""
        return given, family

    def _birth_date(self, text: str) -> date:
        if not text:
            raise ValueError("date of birth is required")
        born = csv_dates.parse(text, today=self.today, birth=True)
        if born > self.today:
            raise ValueError(f"date of birth is after today ({self.today:%m/%d/%Y})")
        return born

    def _address(self, row: Row) -> str:
        street, city = csv_values.one_line(row.cell("address")), csv_values.one_line(row.cell("city"))
        state_zip = " ".join(
            p for p in (csv_values.one_line(row.cell("state")), csv_values.one_line(row.cell("zip"))) if p
        )
        return ", ".join(p for p in (street, city, state_zip) if p)

    def _phone_reader(self, key: str) -> Callable[[str], Phone | None]:
        name = self.column_name(key).casefold()
        kind = next((k for word, k in _PHONE_KINDS if word in name), "mobile")

        def read(text: str) -> Phone | None:
            return Phone(number=csv_values.normalize_phone(text), kind=kind) if text else None

        return read

    def _enrollments(self, row: Row) -> list[Enrollment]:
        programs = row.attempt("program", csv_values.programs)
        consent = row.attempt(
            "consent_date", lambda t: csv_dates.parse(t, today=self.today, birth=False) if t else None
        )
        method = row.attempt("consent_method", csv_values.consent_method)
        if not programs and "program" not in self.columns and consent is not None and self.implied_program:
            programs = [self.implied_program]
        if consent is not None and not programs and not row.problems:
            row.refuse("consent_date", "a consent date needs a program: the Program column is empty")
            return []
        method = method or (self.consent_method if consent is not None else None)
        out: list[Enrollment] = []
        for program in programs or ():
            try:
                out.append(
                    Enrollment(
                        patient_id=0,
                        program=program,
                        start_date=consent or self.today,
                        consent_date=consent,
                        consent_method=method,
                    )
                )
            except ValidationError as exc:
                key = "consent_method" if exc.field == "consent method" and "consent_method" in self.columns else None
                key = key or ("consent_date" if exc.field in ("consent date", "consent method") else "program")
                row.refuse(key, _why(exc))
                break
        return out

    def _conditions(self, row: Row) -> list[Condition]:
        text = row.cell("icd10")
        if not text:
            return []
        out: list[Condition] = []
        refused: list[str] = []
        seen: set[str] = set()
        codes = [code for item in csv_codes.CODE_ITEMS.split(text) for code in csv_codes.leading_codes(item)]
        if not codes:
            row.refuse("icd10", csv_codes.NO_CODE)
            return []
        for part in codes:
            found = self._lookup(part)
            if isinstance(found, ValidationError):
                refused.append(found.message)
                continue
            if found.code in seen:
                continue
            seen.add(found.code)
            try:
                out.append(
                    Condition(
                        patient_id=0,
                        icd10=found.code,
                        display=found.description,
                        chronic=csv_codes.likely_chronic(found.code),
                    )
                )
            except ValidationError as exc:
                refused.append(_why(exc))
        if refused:
            row.refuse("icd10", "; ".join(refused))
        return out

    def _lookup(self, text: str) -> icd10.Icd10Code | ValidationError:
        key = icd10.normalize(text)
        if key not in self._codes:
            try:
                self._codes[key] = icd10.lookup(key)
            except ValidationError as exc:
                self._codes[key] = exc
        return self._codes[key]
