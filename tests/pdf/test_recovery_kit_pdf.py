"""The recovery kit PDF read back: the code, the folder, the date, one page, nothing secret in
the metadata, no patient data (issue 11 item 5)."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from caredesk.pdf.recovery_kit import render_recovery_kit

CODE = "7KQ2M-X9D4R-0Z8SB-WH5TN-3CEGA"


def read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_kit_holds_the_code_the_folder_and_the_day_on_one_page():
    reader, text = read(render_recovery_kit(CODE, "/home/nurse/.local/share/CareDesk", date(2026, 11, 24)))
    assert len(reader.pages) == 1
    assert CODE in text
    assert "/home/nurse/.local/share/CareDesk" in text
    assert "Made on 11/24/2026" in text
    assert "away from the laptop" in text
    assert "Restore from backup" in text and ".cdbk" in text


def test_the_metadata_names_the_document_only():
    reader, _ = read(render_recovery_kit(CODE, "/data/CareDesk", date(2026, 11, 24)))
    meta = reader.metadata
    assert meta.title == "CareDesk recovery kit"
    assert CODE not in str(dict(meta)) and "/data/CareDesk" not in str(dict(meta))


def test_a_very_long_folder_wraps_and_stays_on_the_page():
    folder = "/media/nurse/USB DRIVE/" + "a-long-folder-name/" * 12 + "CareDesk"
    reader, text = read(render_recovery_kit(CODE, folder, date(2026, 11, 24)))
    assert len(reader.pages) == 1
    assert folder.replace(" ", "") in text.replace("\n", "").replace(" ", "")
