"""The patients of a registry CSV, each row checked by the domain's own rules.

    read_patients(table, mapping, today=...) -> (incoming patients, problems)

Every row becomes a domain Patient (with Enrollments for its programs and Conditions for its
ICD-10 codes), whose own validation runs as it is built; nothing here is stored. A row with
any problem is refused whole, never half-imported: its problems (one per bad cell, naming the
row as the spreadsheet numbers it and the column as the file names it) are returned instead.

How cells are read (the rules a care manager can look up):
- MRN: the text as it is ("000123" keeps its zeros; never read as a number). An MRN a
  spreadsheet rewrote in scientific notation ("1.23457E+11") is refused: its digits are lost.
- Name: a full-name column holds "Last, First" (everything after the first comma is the given
  name) or "First Last" (the last word is the family name: "Mary Ann Example" is given "Mary
  Ann"); given- and family-name columns win over it when both are filled in that row.
- Dates: interop.csv_dates (MM/DD/YYYY month first, as US registries write them; ISO; a two-digit
  year of birth is the latest not after `today`, refused when that makes a minor: csv_dates).
  A date of birth after `today` is refused.
- Sex: M, F, Male, Female, Man, Woman, O, Other, X, Nonbinary, U, Unknown (any case).
- Phones: read with the `phonenumbers` library (Google's libphonenumber metadata), US unless the
  number starts with + and a country code; stored as the app shows a number typed in the chart,
  "(212) 555-0142" for a North American number ("x12" for an extension), "+44 20 7946 0958"
  otherwise. A number with no such area code or exchange is refused; the 555 area code,
  unassigned by NANPA and used for fictional numbers (the demo panel's), is allowed.
  A column named for home, work, mobile/cell or caregiver gives the phone that type; else mobile.
- Address: the address column, then City, State and ZIP when mapped: "12 Elm St, Springfield, IL 62701".
- Program: one or more of the app's programs separated by ; , | / or +, by code (CCM, PCM, BHI,
  RPM, TCM, APCM, CoCM, complex CCM) or name ("Chronic Care Management", "Behavioral Health
  Integration", "Remote Patient Monitoring", "Collaborative Care" ...). Each becomes an
  Enrollment starting on the consent date (or `today` when none), with the consent date and
  method when given; without a Program column a consent column named for one ("CCM Consent")
  enrolls in that program.
- Consent method: verbal or written, from its column or the mapping's `consent_method`; the
  domain requires one with every consent date, so a mapping with a consent-date column and
  neither is refused before any row is read.
- Address: a cell's line breaks (a multi-line address a spreadsheet quoted) become ", ".
- ICD-10 codes: one cell, codes separated by ; , | or spaces, dotted or not ("E119" is E11.9),
  checked against the ICD-10-CM code set the app uses (domain.icd10); the official description
  is filled in. A description an EHR wrote after a code ("E11.9 - Type 2 diabetes", "E11.9
  (Type 2 DM)", "E11.9 Type 2 DM; I10 Essential hypertension") is ignored: the codes are the
  ICD-10-shaped words at the start of each item between ; , | or line breaks, and an item with
  none is a description (or its continuation after a comma). A cell with no code at all, a code
  that is not billable (a category such as E11) or unknown is refused. Each condition is stored
  chronic except codes of the injury, external-cause, pregnancy and Z chapters and initial
  encounters (`likely_chronic`); the patient's preview flag lists which codes are which.
- Risk tier: low, medium (med, moderate), high. Language, payer, PCP, call window: the text.
An empty cell leaves the field at the app's default (language English, sex unknown, risk medium).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import phonenumbers

from caredesk.domain import icd10
from caredesk.domain.incoming import ImportProblem, IncomingPatient
from caredesk.domain.patients import (
    Condition,
    ConsentMethod,
    Enrollment,
    Patient,
    Phone,
    Program,
    RiskTier,
    Sex,
)
from caredesk.errors import ValidationError
from caredesk.interop import csv_dates
from caredesk.interop.csv_mapping import MAPPING, Mapping
from caredesk.interop.csv_table import Table

VALUE_MAX = 80  # characters of a cell an ImportProblem shows
REGION = "US"

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

_SEX = {
    "m": Sex.MALE,
    "male": Sex.MALE,
    "man": Sex.MALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "woman": Sex.FEMALE,
    "w": Sex.FEMALE,
    "o": Sex.OTHER,
    "other": Sex.OTHER,
    "x": Sex.OTHER,
    "nonbinary": Sex.OTHER,
    "u": Sex.UNKNOWN,
    "unknown": Sex.UNKNOWN,
    "unk": Sex.UNKNOWN,
}
_RISK = {
    "low": RiskTier.LOW,
    "medium": RiskTier.MEDIUM,
    "med": RiskTier.MEDIUM,
    "moderate": RiskTier.MEDIUM,
    "high": RiskTier.HIGH,
}
# Program codes and names as registries spell them (CMS's names for each service).
_PROGRAMS = {
    "ccm": Program.CCM,
    "chroniccaremanagement": Program.CCM,
    "complexccm": Program.COMPLEX_CCM,
    "complexchroniccaremanagement": Program.COMPLEX_CCM,
    "pcm": Program.PCM,
    "principalcaremanagement": Program.PCM,
    "bhi": Program.BHI,
    "behavioralhealthintegration": Program.BHI,
    "behaviouralhealthintegration": Program.BHI,
    "rpm": Program.RPM,
    "remotepatientmonitoring": Program.RPM,
    "remotephysiologicmonitoring": Program.RPM,
    "tcm": Program.TCM,
    "transitionalcaremanagement": Program.TCM,
    "apcm": Program.APCM,
    "advancedprimarycaremanagement": Program.APCM,
    "cocm": Program.COCM,
    "collaborativecare": Program.COCM,
    "collaborativecaremodel": Program.COCM,
    "psychiatriccollaborativecare": Program.COCM,
    "psychiatriccollaborativecaremodel": Program.COCM,
}
_PROGRAM_SPLIT = re.compile(r"[;,|/+]")
_CODE_ITEMS = re.compile(r"[;,|\r\n]+")
# ICD-10-CM's shape, dot or not, ending where a description starts (a space, "-", ":" or "(").
_LEADING_CODE = re.compile(r"\s*([A-Za-z][0-9][0-9A-Za-z](?:\.?[0-9A-Za-z]{1,4})?\.?)(?=$|[\s:(\-\u2013\u2014])")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE]\+?\d+")
# Words in a phone column's name -> the phone's type (ui.chart.record_fields.PHONE_KINDS).
_PHONE_KINDS: tuple[tuple[str, str], ...] = (
    ("caregiver", "caregiver"),
    ("home", "home"),
    ("work", "work"),
    ("office", "work"),
    ("mobile", "mobile"),
    ("cell", "mobile"),
)
_FICTIONAL_AREA = 555  # NANPA leaves area code 555 unassigned; fiction and the demo panel use it


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


# Control characters (an escape sequence would drive the terminal that prints a problem) and
# invisible direction or zero-width characters (they reorder what is shown) are shown as U+FFFD.
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def shortened(value: str) -> str:
    """A cell as a problem shows it: at most 80 characters, one line, nothing unprintable."""
    text = _UNSHOWABLE.sub("\ufffd", " ".join(value.split()))
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def read_patients(table: Table, mapping: Mapping, *, today: date) -> tuple[list[IncomingPatient], list[ImportProblem]]:
    """Every row of `table` read through `mapping`: the valid rows as IncomingPatients (in file
    order, `where` "row N") and every problem of the refused ones, one per bad cell.

    Raises ValidationError("mapping", ...) before reading any row when the mapping does not fit
    the header (a column it names is missing, a required field unmapped) or maps a consent date
    with no way to know its method. Store-dependent checks (an MRN already used, a file naming
    one MRN twice) are services.panel_import's.
    """
    columns = mapping.indices(table.header)
    if "consent_date" in columns and "consent_method" not in columns and mapping.consent_method is None:
        raise ValidationError(
            MAPPING,
            "a consent date needs its method (verbal or written), which the domain requires: "
            'map a Consent method column, or set "consent_method" for the whole file',
        )
    implied = _implied_program(table.header[columns["consent_date"]]) if "consent_date" in columns else None
    if "consent_date" in columns and "program" not in columns and implied is None:
        raise ValidationError(
            MAPPING, "a consent date needs a program: map a Program column (CCM, PCM, BHI, RPM, APCM ...)"
        )
    reader = _RowReader(table.header, columns, mapping.consent_method, implied, today)
    incoming: list[IncomingPatient] = []
    problems: list[ImportProblem] = []
    width = len(table.header)
    position = {name: i for i, name in reversed(list(enumerate(table.header)))}

    def order(problem: ImportProblem) -> int:
        return position.get(problem.field.split(" + ")[0], -1)

    for number, cells in table.rows:
        row = _Row(number, cells, reader)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            row.problem("(row)", "", f"has {len(cells)} cells but the header names {width} columns")
        patient = reader.read(row)
        if row.problems or patient is None:
            problems.extend(sorted(row.problems, key=order))  # left to right, as the spreadsheet shows them
        else:
            incoming.append(patient)
    return incoming, problems


def _implied_program(column: str) -> Program | None:
    """The program a consent column's name names ("CCM Consent" -> CCM), if exactly one."""
    words = re.findall(r"[a-z]+", column.casefold())
    found = {_PROGRAMS[w] for w in words if w in _PROGRAMS}
    return found.pop() if len(found) == 1 else None


@dataclass
class _Row:
    number: int
    cells: tuple[str, ...]
    reader: _RowReader
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"row {self.number}"

    def cell(self, key: str) -> str:
        at = self.reader.columns.get(key)
        return self.cells[at].strip() if at is not None and at < len(self.cells) else ""

    def problem(self, column: str, value: str, why: str) -> None:
        self.problems.append(ImportProblem(where=self.where, field=column, value=shortened(value), why=why))

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


class _RowReader:
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
    def read(self, row: _Row) -> IncomingPatient | None:
        mrn = row.attempt("mrn", _mrn)
        given, family = self._name(row)
        birth = row.attempt("birth_date", self._birth_date)
        values: dict[str, Any] = {
            "mrn": mrn or _STAND_IN_TEXT,
            "given_name": given or _STAND_IN_TEXT,
            "family_name": family or _STAND_IN_TEXT,
            "birth_date": birth or _STAND_IN_DAY,
        }
        if sex := row.attempt("sex", _sex):
            values["sex"] = sex
        if risk := row.attempt("risk_tier", _risk):
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
        flag = chronic_flag(conditions)
        return IncomingPatient(
            where=row.where,
            patient=patient,
            enrollments=tuple(enrollments),
            conditions=tuple(conditions),
            flags=(flag,) if flag else (),
        )

    def _patient(self, row: _Row, values: dict[str, Any]) -> Patient | None:
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

    def _name_cell(self, row: _Row) -> str:
        if self._separate_names and row.cell("given_name") and row.cell("family_name"):
            return f"{row.cell('given_name')} {row.cell('family_name')}"
        return row.cell("full_name") or f"{row.cell('given_name')} {row.cell('family_name')}".strip()

    def _name(self, row: _Row) -> tuple[str, str]:
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

    def _address(self, row: _Row) -> str:
        street, city = _one_line(row.cell("address")), _one_line(row.cell("city"))
        state_zip = " ".join(p for p in (_one_line(row.cell("state")), _one_line(row.cell("zip"))) if p)
        return ", ".join(p for p in (street, city, state_zip) if p)

    def _phone_reader(self, key: str) -> Callable[[str], Phone | None]:
        name = self.column_name(key).casefold()
        kind = next((k for word, k in _PHONE_KINDS if word in name), "mobile")

        def read(text: str) -> Phone | None:
            return Phone(number=normalize_phone(text), kind=kind) if text else None

        return read

    def _enrollments(self, row: _Row) -> list[Enrollment]:
        programs = row.attempt("program", _programs)
        consent = row.attempt(
            "consent_date", lambda t: csv_dates.parse(t, today=self.today, birth=False) if t else None
        )
        method = row.attempt("consent_method", _consent_method)
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

    def _conditions(self, row: _Row) -> list[Condition]:
        text = row.cell("icd10")
        if not text:
            return []
        out: list[Condition] = []
        refused: list[str] = []
        seen: set[str] = set()
        codes = [code for item in _CODE_ITEMS.split(text) for code in _leading_codes(item)]
        if not codes:
            row.refuse("icd10", NO_CODE)
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
                        patient_id=0, icd10=found.code, display=found.description, chronic=likely_chronic(found.code)
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


# ICD-10-CM chapters whose codes are not chronic conditions (CMS/CDC NCHS ICD-10-CM tabular
# list, chapter structure): 15 pregnancy, childbirth and the puerperium (O00-O9A), 19 injury,
# poisoning and other consequences of external causes (S00-T88), 20 external causes of morbidity
# (V00-Y99), 21 factors influencing health status and contact with health services (Z00-Z99).
_NOT_CHRONIC_CHAPTERS = frozenset("OSTVWXYZ")
_INITIAL_ENCOUNTER = "A"  # 7th character A: initial encounter, active treatment (ICD-10-CM guidelines I.C.19.a)


def likely_chronic(code: str) -> bool:
    """Whether an ICD-10-CM code is stored as chronic (CCM's "two or more chronic conditions"
    counts those): every code but those of the chapters above and a 7th character A (an initial
    encounter: "S72.001A" a hip fracture being treated). A rough rule by chapter, said to the
    user as a flag to check in the chart: the fuller source is AHRQ HCUP's Chronic Condition
    Indicator for ICD-10-CM (per code), which is not bundled with CareDesk (its licence and
    yearly updates would be another data set to maintain), so J18.9 (pneumonia) stays chronic
    here and the flag asks the care manager to look."""
    plain = code.replace(".", "").upper()
    return plain[:1] not in _NOT_CHRONIC_CHAPTERS and not (len(plain) == 7 and plain[6] == _INITIAL_ENCOUNTER)


def chronic_flag(conditions: Sequence[Condition]) -> str:
    """The preview's flag saying which codes came in chronic: "E11.9, I10 marked chronic;
    S72.001A not chronic — check in the chart" ("" with no conditions)."""
    chronic = [c.icd10 for c in conditions if c.chronic]
    other = [c.icd10 for c in conditions if not c.chronic]
    parts = [f"{', '.join(chronic)} marked chronic"] if chronic else []
    parts += [f"{', '.join(other)} not chronic"] if other else []
    return f"{'; '.join(parts)} — check in the chart" if parts else ""


NO_CODE = (
    "no ICD-10 code in the cell: give codes (E11.9 or E119) separated by ; , | or spaces, "
    "each before its description if any"
)


def _leading_codes(item: str) -> list[str]:
    """The ICD-10-shaped words at the start of one item of a Dx cell, before any description:
    "E11.9 - Type 2 diabetes" -> ["E11.9"], "E11.9 I10" -> both, "Hypertension" -> []. EHR
    problem-list exports write "code description" or "code (description)"; the code is the fact."""
    codes: list[str] = []
    at = 0
    while found := _LEADING_CODE.match(item, at):
        codes.append(found[1])
        at = found.end()
        if at < len(item) and not item[at].isspace():
            break  # "E11.9(Type 2 DM)" or "E11.9: ...": the description follows
    return codes


def _mrn(text: str) -> str:
    if not text:
        raise ValueError("MRN is required")
    if _SCIENTIFIC.fullmatch(text):
        raise ValueError(
            "a spreadsheet rewrote this MRN as a number in scientific notation and lost its digits: "
            "export the MRN column as text"
        )
    return text


def _one_line(text: str) -> str:
    """A cell's lines joined with ", ": a spreadsheet keeps a multi-line address cell (street,
    then city) quoted with its line breaks, and the domain keeps an address on one line."""
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())


def _sex(text: str) -> Sex | None:
    if not text:
        return None
    found = _SEX.get(_key(text))
    if found is None:
        raise ValueError("sex must be M, F, Male, Female, Other or Unknown")
    return found


def _risk(text: str) -> RiskTier | None:
    if not text:
        return None
    found = _RISK.get(_key(text))
    if found is None:
        raise ValueError("risk tier must be low, medium or high")
    return found


def _programs(text: str) -> list[Program]:
    out: list[Program] = []
    for part in _PROGRAM_SPLIT.split(text):
        if not part.strip():
            continue
        found = _PROGRAMS.get(_key(part))
        if found is None:
            known = ", ".join(p.value for p in Program)
            raise ValueError(f'"{shortened(part.strip())[:40]}" is not a program; programs are: {known}')
        if found not in out:
            out.append(found)
    return out


def _consent_method(text: str) -> ConsentMethod | None:
    if not text:
        return None
    key = _key(text)
    for method in ConsentMethod:
        if key in (method.value, method.value[0]):
            return method
    raise ValueError("consent method must be verbal or written")


def normalize_phone(text: str, region: str = REGION) -> str:
    """A phone number as the app stores it: "(212) 555-0142" for North America (country code 1),
    "+44 20 7946 0958" otherwise; an extension as " x12". ValueError when it is not a phone number."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError("not a phone number") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError("not a phone number: wrong number of digits")
    national = str(number.national_number)
    fictional = number.country_code == 1 and len(national) == 10 and national.startswith(str(_FICTIONAL_AREA))
    if number.country_code == 1 and len(national) == 7:
        raise ValueError("not a whole phone number: the area code is missing")
    if not phonenumbers.is_valid_number(number) and not fictional:
        raise ValueError("not a phone number in use: no such area code or exchange")
    extension = number.extension
    number.extension = None
    if number.country_code == 1:
        shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    else:
        shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return f"{shown} x{extension}" if extension else shown
