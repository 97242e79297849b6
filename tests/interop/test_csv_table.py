"""Reading a registry CSV into text cells: encodings, separators, row numbers, limits and
malformed files (issue 13, "Bad input"). Synthetic files made here."""

from __future__ import annotations

import pytest

from caredesk.errors import CareDeskError, ValidationError
from caredesk.interop import csv_table
from caredesk.interop.csv_table import MAX_BYTES, MAX_ROWS, read_file, read_table

TEXT = 'MRN,Name,DOB\r\n000123,"Example, José",01/31/1950\r\n000124,Testa Example,1950-02-01\r\n'


def test_utf8_without_bom_keeps_cells_as_text_and_leading_zeros():
    table = read_table(TEXT.encode("utf-8"), source="panel.csv")
    assert table.header == ("MRN", "Name", "DOB")
    assert table.rows == (
        (2, ("000123", "Example, José", "01/31/1950")),
        (3, ("000124", "Testa Example", "1950-02-01")),
    )
    assert table.encoding == "UTF-8" and table.delimiter == "," and table.separator_name == "comma"


def test_utf8_with_bom_strips_the_mark_from_the_first_column():
    # Excel's "CSV UTF-8" starts the file with EF BB BF (Unicode 15, section 23.8 "Specials").
    table = read_table(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert table.header[0] == "MRN" and table.encoding == "UTF-8 with BOM"
    assert table.rows[0][1][1] == "Example, José"


@pytest.mark.parametrize(("codec", "name"), [("utf-16-le", "UTF-16 LE"), ("utf-16-be", "UTF-16 BE")])
def test_utf16_with_a_byte_order_mark_either_way(codec, name):
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    text = "MRN\tName\tDOB\r\n000123\tExample, José\t01/31/1950\r\n"  # Excel's "Unicode Text" uses tabs
    table = read_table(bom + text.encode(codec))
    assert table.encoding == name and table.delimiter == "\t"
    assert table.rows == ((2, ("000123", "Example, José", "01/31/1950")),)


def test_utf16_without_a_byte_order_mark_is_recognised():
    table = read_table(TEXT.encode("utf-16-le"))
    assert table.encoding == "UTF-16 LE" and table.rows[1][1][1] == "Testa Example"


def test_windows_1252_is_the_fallback_when_the_bytes_are_not_utf8():
    data = TEXT.encode("cp1252")  # "é" is the single byte 0xE9, not valid UTF-8
    assert b"\xe9" in data
    table = read_table(data)
    assert table.encoding == "Windows-1252" and table.rows[0][1][1] == "Example, José"


def test_bytes_undefined_in_windows_1252_are_refused_naming_the_file():
    # 0x81 is undefined in Windows-1252 (the WHATWG/Microsoft table) and not UTF-8 on its own.
    with pytest.raises(ValidationError) as refused:
        read_table(b"MRN,Name\n1,A\x81B\n", source="panel.csv")
    assert str(refused.value).startswith("panel.csv: is not text in UTF-8, UTF-16 or Windows-1252")


@pytest.mark.parametrize(("sep", "name"), [(";", "semicolon"), ("\t", "tab"), (",", "comma")])
def test_separators_are_found(sep, name):
    text = f"MRN{sep}Name{sep}DOB\n000123{sep}Example, Testa{sep}01/31/1950\n000124{sep}Sample Tess{sep}02/01/1950\n"
    if sep == ",":
        text = text.replace("Example, Testa", '"Example, Testa"')
    table = read_table(text.encode())
    assert table.separator_name == name
    assert table.rows[0][1] == ("000123", "Example, Testa", "01/31/1950")


def test_a_semicolon_file_with_a_comma_in_every_row_is_read_by_its_semicolons():
    # Every row holds a comma ("Last, First", unquoted as a semicolon file may leave it); the header has none.
    text = "MRN;Name;DOB\n" + "".join(f"00012{i};Example{i}, Testa;01/3{i % 2}/1950\n" for i in range(5))
    table = read_table(text.encode())
    assert table.delimiter == ";" and table.rows[0][1] == ("000120", "Example0, Testa", "01/30/1950")


def test_a_single_column_file_is_read_with_a_comma():
    table = read_table(b"MRN\n000123\n000124\n")
    assert table.delimiter == "," and table.header == ("MRN",) and len(table.rows) == 2


def test_rows_are_numbered_as_the_spreadsheet_shows_them():
    # A blank line keeps its number; a quoted cell with a line break stays one row.
    text = 'MRN,Note\n1,a\n\n2,"two\nlines"\n3,c\n'
    table = read_table(text.encode())
    assert [n for n, _cells in table.rows] == [2, 4, 5]
    assert table.rows[1][1] == ("2", "two\nlines")


def test_short_rows_are_padded_to_the_header():
    table = read_table(b"MRN,Name,DOB\n1,A\n")
    assert table.rows[0][1] == ("1", "A", "")


def test_an_empty_file_is_refused():
    for data in (b"", b"  \r\n\n"):
        with pytest.raises(ValidationError, match=r"^panel\.csv: is empty"):
            read_table(data, source="panel.csv")


def test_a_header_without_rows_is_refused():
    with pytest.raises(ValidationError, match="has a header but no rows"):
        read_table(b"MRN,Name\n\n", source="panel.csv")


def test_no_header_is_refused_naming_row_1():
    with pytest.raises(ValidationError, match=r"^row 1, panel\.csv: has no header"):
        read_table(b",,\n1,2,3\n", source="panel.csv")


def test_nul_bytes_are_refused_as_binary():
    with pytest.raises(ValidationError, match=r"panel\.csv: holds NUL characters"):
        read_table(b"MRN,Name\n1,\x00\x01\x02\xff\x00\x10\n", source="panel.csv")


def test_a_spreadsheet_not_saved_as_csv_is_named():
    with pytest.raises(ValidationError, match="is a spreadsheet or archive, not a CSV file"):
        read_table(b"PK\x03\x04\x14\x00\x06\x00rest of an xlsx", source="panel.xlsx")


def test_an_unclosed_quote_at_the_end_is_refused_naming_its_row():
    with pytest.raises(ValidationError) as refused:
        read_table(b'MRN,Name\n1,A\n2,"B\n3,C\n', source="panel.csv")
    assert str(refused.value) == (
        'row 3, panel.csv: a quoted cell is not closed (a " with no closing " before the end of the file)'
    )


def test_text_after_a_closing_quote_is_refused_naming_its_row():
    with pytest.raises(ValidationError, match=r"^row 3, panel\.csv: a quoted cell has text after its closing quote"):
        read_table(b'MRN,Name\n1,A\n2,"B"x\n', source="panel.csv")


def test_more_than_20000_rows_is_refused():
    ok = "MRN\n" + "".join(f"{i:06d}\n" for i in range(MAX_ROWS))
    assert len(read_table(ok.encode()).rows) == MAX_ROWS
    with pytest.raises(ValidationError, match="has more than 20,000 rows"):
        read_table((ok + "999999\n").encode(), source="panel.csv")


def test_a_file_over_50_mb_is_refused_before_decoding_with_its_size():
    data = b"MRN\n" + b"0" * (52_400_000 - 4)
    with pytest.raises(ValidationError) as refused:
        read_table(data, source="big.csv")
    assert str(refused.value) == "big.csv: is 52.4 MB; CareDesk imports files up to 50 MB"
    assert csv_table.size_text(MAX_BYTES + 1) == "50.1 MB"  # never "50.0 MB" for a file over the limit


def test_read_file_reads_at_most_the_limit_and_names_the_file(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(52_400_000)  # sparse: 52.4 MB on paper
    with pytest.raises(ValidationError, match=r"^big\.csv: is 52\.4 MB; CareDesk imports files up to 50 MB$"):
        read_file(big)
    small = tmp_path / "panel.csv"
    small.write_bytes(TEXT.encode())
    assert read_file(small).rows[0][1][0] == "000123"


def test_read_file_says_why_a_path_cannot_be_read(tmp_path):
    with pytest.raises(CareDeskError, match=r"Cannot read .*missing\.csv"):
        read_file(tmp_path / "missing.csv")
    with pytest.raises(CareDeskError, match="it is a folder"):
        read_file(tmp_path)
