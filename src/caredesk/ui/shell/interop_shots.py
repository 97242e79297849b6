"""Screenshots of the panel's interchange (issue 13): the CSV import wizard's mapping and preview
pages over a made-up registry file, and File > Export FHIR bundle.

The registry file is written in a temporary folder: new made-up patients, a few demo patients
with a new phone (updates, to show the before -> after), and three bad rows (a month 13, an
unknown ICD-10 code, a phone with no such area code). Nothing is imported: the wizard is closed
on its preview, so the demo panel photographed afterwards is the same.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from caredesk.services import patients as patient_records
from caredesk.services.workspace import Workspace
from caredesk.ui.shell.main_window import MainWindow
from caredesk.ui.shell.shot_tools import shoot_widget, wait_for

HEADER = "MRN,Patient Name,DOB,Sex,Phone,Address,City,State,ZIP,Language,Payer,Program,Consent Date,Consent Method,ICD-10 Codes\n"
GIVEN = ("Testa", "Testo", "Sample", "Demi", "Fictiva", "Placida", "Exempla", "Mocka")
FAMILY = ("Example", "Sample", "Specimen", "Placeholder", "Fakename", "Dummy", "Madeup")


def registry_csv(ws: Workspace) -> str:
    """A registry export as an EHR writes one: 24 new patients, 4 updates, 3 bad rows."""
    lines = [HEADER]
    for i in range(24):
        given, family = GIVEN[i % len(GIVEN)], FAMILY[i % len(FAMILY)]
        codes = ("E11.9;I10", "I50.9", "J44.9;I10", "N18.30")[i % 4]
        lines.append(
            f'{900100 + i:06d},"{family}{i:02d}, {given}",{1 + i % 12:02d}/{1 + i % 27:02d}/19{40 + i % 30},'
            f"{'FM'[i % 2]},(555) 010-{1100 + i:04d},{10 + i} Elm St,Springfield,IL,62701,"
            f"{('English', 'Spanish', 'English', 'Vietnamese')[i % 4]},Medicare,CCM,10/{1 + i % 28:02d}/2026,verbal,{codes}\n"
        )
        if i == 5:
            lines.append('900190,"Badmonth, Testa",13/45/1950,F,(555) 010-1190,,,,,,,,,,\n')
        if i == 11:
            lines.append('900191,"Badcode, Testo",02/03/1951,M,(555) 010-1191,,,,,,,CCM,10/02/2026,verbal,E11.99\n')
        if i == 17:
            lines.append('900192,"Badphone, Sample",04/05/1952,F,(000) 123-4567,,,,,,,,,,\n')
    for k, s in enumerate(patient_records.patient_list(ws)[:4]):
        lines.append(
            f'{s.mrn},"{s.family_name}, {s.given_name}",{s.birth_date:%m/%d/%Y},,(555) 010-{1800 + k:04d},,,,,,,,,,\n'
        )
    return "".join(lines)


def shoot_interop(window: MainWindow, out: Path) -> list[Path]:
    ws = window.workspace
    assert ws is not None
    shots: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="caredesk-shot-csv-") as tmp:
        path = Path(tmp) / "registry-export.csv"
        path.write_text(registry_csv(ws), encoding="utf-8")
        wizard = window.interop.import_csv()
        assert wizard is not None
        wait_for(wizard.isVisible)
        wizard.load_file(path)
        wait_for(lambda: wizard.currentPage() is wizard.mapping_page)
        shots.append(shoot_widget(wizard, out, "40-csv-import-mapping"))
        wizard.next()
        wait_for(lambda: wizard.preview_page.plan is not None, timeout=120)
        shots.append(shoot_widget(wizard, out, "41-csv-import-preview"))
        preview = wizard.preview_page.preview
        preview.tabs.setCurrentIndex(1)
        shots.append(shoot_widget(wizard, out, "42-csv-import-refused"))
        wizard.reject()
    dialog = window.interop.export_fhir()
    assert dialog is not None
    wait_for(dialog.isVisible)
    shots.append(shoot_widget(dialog, out, "43-fhir-export"))
    dialog.reject()
    return shots
