"""A patient's full name as printed and shown in running text (plans, letters): family name first
with no space when both parts are written in Han, Hangul or kana; given name first otherwise."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain.names import full_name
from caredesk.domain.patients import Patient


@pytest.mark.parametrize(
    ("given", "family", "expected"),
    [
        ("秀英", "王", "王秀英"),  # Chinese
        ("小明", "欧阳", "欧阳小明"),  # a two-character family name
        ("花子", "山田", "山田花子"),  # Japanese kanji
        ("さくら", "佐々木", "佐々木さくら"),  # hiragana; 々 (the iteration mark) in the family name
        ("エミ", "タナカ", "タナカエミ"),  # katakana
        ("민준", "김", "김민준"),  # Korean Hangul
        ("Margaret", "O'Brien", "Margaret O'Brien"),  # Latin
        ("Zoë", "Núñez", "Zoë Núñez"),
        ("Wendy", "王", "Wendy 王"),  # mixed scripts: Western order, as typed
        ("秀英", "Wang", "秀英 Wang"),
        ("Xiuying", "Wang", "Xiuying Wang"),  # romanised: as the patient writes it in English
        ("Анна", "Иванова", "Анна Иванова"),  # Cyrillic
        (" 秀英 ", " 王 ", "王秀英"),  # spaces around a part do not make it another script
        ("", "王", "王"),  # one part only
    ],
)
def test_full_name_order_follows_the_script(given, family, expected):
    assert full_name(given, family) == expected


def test_a_patients_full_name_is_the_legal_name_not_the_preferred_one():
    """The plan's header and the letter's address name who the paper is for; the preferred name
    is for the greeting and the screen's quotes."""
    p = Patient(mrn="C1", given_name="秀英", family_name="王", preferred_name="Susan", birth_date=date(1950, 1, 2))
    assert p.full_name == "王秀英"
    assert p.display_name == '王, 秀英 "Susan"'  # lists stay "Family, Given"
