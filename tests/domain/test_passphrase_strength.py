"""A passphrase being set is refused when it is easy to guess (NIST SP 800-63B rev. 4
§3.1.1.2: a blocklist of common, expected and context-specific values, no composition rules),
with the reason and what to do; passphrases people really use pass."""

from __future__ import annotations

import sys
from pathlib import PurePosixPath, PureWindowsPath

import pytest

from caredesk.domain.passphrase_strength import check_strength, folder_words
from caredesk.errors import ValidationError
from tests.conftest import PASSPHRASE


@pytest.mark.parametrize(
    ("weak", "why"),
    [
        ("password12", "this is a very common password"),
        ("1234567890", "this is a top-100 common password"),
        ("qwertyuiop", "common password"),
        ("aaaaaaaaaa", 'repeats like "aaa" are easy to guess'),
        ("abcdefghij", "sequences like"),
        ("caredesk2026", 'it is built on "caredesk"'),
        ("CareDeskCareDesk", "repeats like"),
        ("Summer2026!!", "could be guessed in a day or two"),  # zxcvbn's 3 of 4: not enough here
        ("tractor lemon", "could be guessed in a day or two"),  # two common words
    ],
)
def test_a_guessable_passphrase_is_refused_with_the_reason_and_what_to_do(weak, why):
    with pytest.raises(ValidationError) as refused:
        check_strength(weak)
    assert refused.value.field == "passphrase"
    assert refused.value.message.startswith("is too easy to guess (")
    assert why in refused.value.message.lower()
    assert "add two or three uncommon words" in refused.value.message


@pytest.mark.parametrize(
    "strong",
    [
        PASSPHRASE,  # the tests' own: "correct horse battery"
        "tractor lemon quietly harbor",  # four random words
        "purple monkey dishwasher",
        "blue car house",
        "kx7!pQ2#vL",  # ten random characters
        "sunset over the lake",
        "a" * 9 + " lantern orbit tulip " + "x" * 80,  # past zxcvbn's 72 characters: rated on those
    ],
)
def test_passphrases_people_use_pass_and_no_character_classes_are_asked_for(strong):
    check_strength(strong)  # all lower case, no digit, no symbol: fine


def test_the_data_folder_and_the_login_are_words_an_attacker_tries_first():
    assert check_strength("riverside clinic 77") is None  # anywhere else: fine
    words = folder_words(PurePosixPath("/home/mgarcia/Riverside Clinic"), PurePosixPath("/home/mgarcia"))
    assert words == ["Riverside Clinic", "mgarcia"]
    with pytest.raises(ValidationError, match='built on "riverside clinic"'):
        check_strength("riverside clinic 77", words)
    check_strength("mgarcia 4 tulips")
    with pytest.raises(ValidationError, match='built on "mgarcia"'):
        check_strength("mgarcia 4 tulips", words)
    check_strength("anaruiz2026!")
    with pytest.raises(ValidationError, match='built on "ana"'):
        check_strength("anaruiz2026!", ["Riverside Clinic", "Ana Ruiz"])  # each word of a name counts


def test_folder_words_skip_the_folders_between():
    words = folder_words(
        PureWindowsPath(r"C:\Users\ana\AppData\Local\CareDesk\CareDesk"), PureWindowsPath(r"C:\Users\ana")
    )
    assert words == ["CareDesk", "ana"]


def test_the_form_is_checked_first():
    with pytest.raises(ValidationError, match="at least 10 characters"):
        check_strength("short")
    with pytest.raises(ValidationError, match="must not start or end with a space"):
        check_strength(" " + PASSPHRASE)


def test_importing_the_rule_does_not_import_zxcvbn():
    """The unlock page's first paint must not wait for zxcvbn's word lists: the services
    import this module, the check imports zxcvbn."""
    import subprocess

    code = "import caredesk.services.access, sys; print('zxcvbn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
