"""Is a new passphrase hard enough to guess for a store that holds patients' health information?

The rule (NIST SP 800-63B rev. 4, §3.1.1.2, password verifiers): a secret being SET is
compared with what attackers try first - commonly used and breached passwords, dictionary
words and names, repeated or sequential characters, keyboard rows, dates, and words of
this context (CareDesk's name, the data folder's) - and refused with the reason; no
composition rules ("must contain a digit"). The lists and the guess estimate are zxcvbn's
(Dropbox's estimator; 30,000 common passwords, English words, US names and surnames).

The bar: at least MIN_GUESSES (10^10) estimated guesses, zxcvbn's top score. Whoever copies
the store's files guesses offline, against Argon2id at 64 MiB (about half a second a guess
on the laptop; a rack of GPUs does thousands a second): 10^8 guesses (zxcvbn's "3") fall
in a day or two there, 10^10 take months. Three or four unrelated words pass ("correct
horse battery": 1.5e14; "blue car house": 1.9e10), so do 10 random characters; "password12",
"1234567890", "Summer2026!!" and "caredesk2026" do not.

Only where a passphrase is chosen (a new store, a change, a reset with the recovery code):
never where one is typed to unlock, so a store made before this rule keeps opening.
zxcvbn (0.1 s to import, its word lists) is imported by the check, not with this module, so
the unlock page's first paint does not wait for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePath

from caredesk.errors import ValidationError

MIN_PASSPHRASE = 10  # characters; a shorter one is refused before it is rated
MIN_GUESSES = 1e10
# zxcvbn rates at most this many characters (its own limit); the rest can only add to them.
_RATED_CHARS = 72
# What anyone guessing a CareDesk store tries first, beside the data folder's own name.
CAREDESK_WORDS = ("caredesk", "care", "desk", "care manager", "chronic care", "patient", "patients")
_ADD_WORDS = "add two or three uncommon words"
_GENERIC_SUGGESTION = "Add another word or two. Uncommon words are better."
_WORD = re.compile(r"[^\W\d_]{3,}")  # runs of 3+ letters: "demo-panel" -> demo, panel


def check_form(passphrase: str, field: str = "passphrase") -> None:
    """The length and edges, checked wherever a passphrase is set or wrapped (the key layer
    too). ValidationError naming `field`."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(field, f"must be at least {MIN_PASSPHRASE} characters long")
    if passphrase.strip() != passphrase:
        raise ValidationError(field, "must not start or end with a space")


def folder_words(folder: PurePath, home: PurePath | None = None) -> list[str]:
    """Names the data folder gives away: its own ("Riverside Clinic") and the user's login, the
    name of `home` (the home folder). Not the folders between: "share", "local", "Documents"
    tell an attacker nothing about this store."""
    return [name for name in (folder.name, home.name if home is not None else "") if name]


def _words(context: Iterable[str]) -> list[str]:
    """Each context string, lower case, and its words: "Riverside Clinic" -> "riverside
    clinic", "riverside", "clinic" (zxcvbn matches a user input whole)."""
    words: list[str] = []
    for text in (*CAREDESK_WORDS, *context):
        for word in [text.strip().lower(), *(w.lower() for w in _WORD.findall(text))]:
            if len(word) >= 3 and word not in words:
                words.append(word)
    return words


def check_strength(passphrase: str, context: Iterable[str] = (), field: str = "passphrase") -> None:
    """Refuse a passphrase being set that is too easy to guess (module docstring: the rule and
    its source). `context`: words of this store an attacker would try (folder_words(...), a
    practice's name), beside CAREDESK_WORDS. ValidationError naming `field`, with why and what
    to do in plain words: "is too easy to guess (this is a very common password); add two or
    three uncommon words"."""
    check_form(passphrase, field)
    from zxcvbn import zxcvbn  # here, not at import: see the module docstring

    words = _words(context)
    result = zxcvbn(passphrase[:_RATED_CHARS], user_inputs=words)
    if float(result["guesses"]) >= MIN_GUESSES:
        return
    own = [m["token"] for m in result["sequence"] if m.get("dictionary_name") == "user_inputs"]
    feedback = result["feedback"]
    raise ValidationError(field, _why(own, feedback["warning"], feedback["suggestions"]))


def _why(own: list[str], warning: str, suggestions: list[str]) -> str:
    """zxcvbn's warning and suggestions in words: "is too easy to guess (sequences like "abc"
    or "6543" are easy to guess); add two or three uncommon words and avoid sequences".
    `own`: the parts of the passphrase that are words of this store (the context)."""
    if own:
        reason = f'it is built on "{own[0]}", a word anyone trying to open this CareDesk store would try first'
    elif warning:
        reason = _clause(warning)
    else:
        # zxcvbn says nothing for its score 3 (10^8 to 10^10 guesses): say how close it is.
        reason = "it could be guessed in a day or two by someone who copies the store's files"
    extra = [_clause(s) for s in suggestions if s != _GENERIC_SUGGESTION]
    return f"is too easy to guess ({reason}); " + " and ".join([_ADD_WORDS, *extra])


def _clause(sentence: object) -> str:
    """ "This is a very common password." -> "this is a very common password"."""
    text = str(sentence).strip().rstrip(".")
    return text[:1].lower() + text[1:]
