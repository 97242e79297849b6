"""A registry spreadsheet saved as CSV, read into a plain table of text cells.

    read_table(data, source="panel.csv") -> Table(header, rows, encoding, delimiter)
    read_file(path) -> Table

What an EHR's "export to CSV" or a spreadsheet's "Save as" produces, read without guessing
at meaning (that is csv_mapping's and csv_panel's work): every cell stays text, so an MRN
"000123" keeps its zeros and a date is never turned into a number.

- Encodings: UTF-8 with or without a byte-order mark, UTF-16 (Excel's "Unicode Text"; with a
  byte-order mark, little or big endian, or without one when every other byte is zero), and
  Windows-1252 (Excel's "CSV" on a US Windows) when the bytes are not UTF-8. `Table.encoding`
  says which was used, so the preview can show it.
- Separators: comma, semicolon (Excel where the decimal mark is a comma) or tab, found by
  `csv.Sniffer` on the first 64 KB restricted to those three; when it cannot tell, the one
  found most often in the header line, else a comma.
- Rows are numbered as the spreadsheet shows them: the header is row 1; a blank line keeps
  its number (and is skipped); a quoted cell holding a line break stays one row.
- Limits: a file over 50 MB (50,000,000 bytes) is refused before it is decoded, and one with
  more than 20,000 rows under the header; a practice's whole panel is a few thousand.

Every refusal is a ValidationError whose field is the file's name (`source`) and, where one row
is at fault, its row number: "row 7, panel.csv: a quoted cell is not closed". Messages never
hold a cell's text: they reach logs.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass
from pathlib import Path

from caredesk.errors import CareDeskError, ValidationError

MAX_BYTES = 50_000_000  # "50 MB" as the message says it (SI megabytes, as file managers show sizes)
MAX_ROWS = 20_000  # rows under the header
SEPARATORS = ",;\t"
_SAMPLE = 64 * 1024  # characters the separator is guessed from
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_ZIP = b"PK\x03\x04"  # an .xlsx or .ods is a zip archive, not a CSV


@dataclass(frozen=True, slots=True)
class Table:
    """The file's cells as text.

    `header`: the column names of row 1, stripped of surrounding spaces. `rows`: (row number as
    the user counts it, the cells) for every row that is not blank, each padded with "" to the
    header's width (a row may be longer: csv_panel refuses extra filled cells). `encoding`:
    "UTF-8", "UTF-8 with BOM", "UTF-16 LE", "UTF-16 BE" or "Windows-1252". `delimiter`: "," ";" or tab.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    encoding: str
    delimiter: str

    @property
    def separator_name(self) -> str:
        """'comma', 'semicolon' or 'tab', for the preview."""
        return _SEPARATOR_NAMES.get(self.delimiter, repr(self.delimiter))


def size_text(size: int) -> str:
    """A byte count as the refusal says it: '52.4 MB', rounded up so a file just over the
    limit never reads '50.0 MB'."""
    return f"{math.ceil(size / 100_000) / 10:.1f} MB"


def _too_big(source: str, size: int) -> ValidationError:
    return ValidationError(source, f"is {size_text(size)}; CareDesk imports files up to {MAX_BYTES // 1_000_000} MB")


def read_file(path: Path) -> Table:
    """The table of the file at `path`, reading at most 50 MB + 1 byte of it.

    Raises ValidationError naming the file (see read_table), CareDeskError when it cannot be
    read ("Cannot read panel.csv (No such file or directory)." or "it is a folder").
    """
    source = path.name or str(path)
    try:
        with path.open("rb") as f:
            st = os.fstat(f.fileno())
            data = f.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise CareDeskError(f"Cannot read {path}: it is a folder; give a CSV file.") from None
    except OSError as exc:
        raise CareDeskError(f"Cannot read {path} ({exc.strerror}).") from None
    if len(data) > MAX_BYTES:
        # The size the file system gives for a regular file; a pipe or device says only "over".
        raise _too_big(source, max(st.st_size, len(data)))
    return read_table(data, source=source)


def read_table(data: bytes, *, source: str = "CSV file") -> Table:
    """The table in `data`, a CSV file's bytes; `source` names the file in messages.

    Raises ValidationError(source, ...) naming the row where one is at fault: over 50 MB
    ("is 52.4 MB; CareDesk imports files up to 50 MB"), empty, a spreadsheet not saved as CSV,
    not text in any of the encodings above, NUL characters (a binary file), a quoted cell not
    closed at the end of the file, no header, more than 20,000 rows.
    """
    if len(data) > MAX_BYTES:
        raise _too_big(source, len(data))
    if not data.strip():
        raise ValidationError(source, "is empty: a CSV file with a header row and one row per patient is needed")
    if data.startswith(_ZIP):
        raise ValidationError(source, "is a spreadsheet or archive, not a CSV file: save it as CSV first")
    text, encoding = _decode(data, source)
    if "\x00" in text:
        raise ValidationError(source, "holds NUL characters: it is not a text CSV file (save it as CSV)")
    delimiter = _separator(text)
    header, rows = _parse(text, delimiter, source)
    return Table(header=header, rows=rows, encoding=encoding, delimiter=delimiter)


def _decode(data: bytes, source: str) -> tuple[str, str]:
    """The text and the name of its encoding; ValidationError when no encoding fits."""
    boms = (
        (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8 with BOM"),
        (b"\xff\xfe", "utf-16-le", "UTF-16 LE"),
        (b"\xfe\xff", "utf-16-be", "UTF-16 BE"),
    )
    for bom, codec, name in boms:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                raise ValidationError(source, f"starts as {name} text but is not: save it again as CSV") from None
            return text, name
    bomless = _bomless_utf16(data)
    if bomless is not None:
        codec, name = bomless
        try:
            return data.decode(codec), name
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: try the 8-bit encodings
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        # cp1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined: no text editor wrote this.
        raise ValidationError(
            source,
            f"is not text in UTF-8, UTF-16 or Windows-1252 (byte 0x{data[exc.start]:02X} at offset {exc.start}): "
            "save it as CSV (UTF-8)",
        ) from None


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a byte-order mark: ASCII-heavy UTF-16 has a zero in every other byte."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        return None
    odd_zero = head[1::2].count(0) / (len(head) // 2)
    even_zero = head[0::2].count(0) / (len(head) // 2)
    if odd_zero > 0.8 and even_zero < 0.2:
        return "utf-16-le", "UTF-16 LE"
    if even_zero > 0.8 and odd_zero < 0.2:
        return "utf-16-be", "UTF-16 BE"
    return None


def _separator(text: str) -> str:
    """Comma, semicolon or tab: the Sniffer's choice on a sample, else the header's most frequent."""
    sample = text[:_SAMPLE]
    if len(text) > _SAMPLE and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only: a cut line misleads the Sniffer
    try:
        found = csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:
        found = ""
    first_line = sample.split("\n", 1)[0]
    counts = {sep: first_line.count(sep) for sep in SEPARATORS}
    # The Sniffer prefers a comma whenever commas are as regular as the real separator: a
    # semicolon file whose every row holds "Last, First" would be read as comma-separated. Column
    # names hold no separators, so the header line overrules a choice it does not contain.
    if found and counts[found]:
        return found
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _parse(text: str, delimiter: str, source: str) -> tuple[tuple[str, ...], tuple[tuple[int, tuple[str, ...]], ...]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if header is None:
                header = tuple(cell.replace("\ufeff", "").strip() for cell in record)
                if not any(header):
                    raise ValidationError(
                        source, "has no header: row 1 must name the columns (MRN, Name, DOB ...)", row=1
                    )
                continue
            if not any(cell.strip() for cell in record):
                continue  # a blank line keeps its number and is skipped
            if len(rows) == MAX_ROWS:
                raise ValidationError(
                    source,
                    f"has more than {MAX_ROWS:,} rows; CareDesk imports up to {MAX_ROWS:,} at a time: split the file",
                )
            cells = tuple(record) + ("",) * (len(header) - len(record))
            rows.append((number, cells))
    except csv.Error as exc:
        raise ValidationError(source, _csv_error(str(exc)), row=number + 1) from None
    if header is None:
        raise ValidationError(source, "is empty: a CSV file with a header row and one row per patient is needed")
    if not rows:
        raise ValidationError(source, "has a header but no rows of patients")
    return header, tuple(rows)


def _csv_error(message: str) -> str:
    """The csv module's complaint in a care manager's words."""
    if "unexpected end of data" in message:
        return 'a quoted cell is not closed (a " with no closing " before the end of the file)'
    if "expected after" in message:
        return 'a quoted cell has text after its closing quote (write a " inside a cell as "")'
    if "field larger than field limit" in message:
        return "a cell is longer than 131,072 characters: this is not a registry export"
    return f"is not a well-formed CSV row ({message})"
