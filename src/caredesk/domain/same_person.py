"""Is a patient being added one already on the panel? The rule that warns before a second chart.

Two charts for one person split the calls, the minutes and the bill (minutes counted on two
charts, a consent on one only), and the MRN check does not catch them: a tester added "Kim, Bo"
born 01/01/1950 twice, as MRN-1004 and MRN-1005. Registration-duplicate studies name the usual
causes (a new MRN for a returning patient, a typo, a preferred name typed as the given name),
and twins and common family names (Kim, Nguyen, Smith) as the usual false alarms.

The rule (`likely_same`), for a new patient against a stored one:
1. the same date of birth, exactly (a typed birth date is checked against the patient's card;
   allowing a slip there would flag every same-named patient born a day apart);
2. the same family name with case, accents, spaces and punctuation ignored ("Núñez" = "nunez",
   "O'Brien" = "OBrien", "De la Cruz" = "Delacruz"), or, for names of 5 letters or more, one
   slip of the keyboard away (one letter wrong, missing, added, or two side by side swapped:
   "Johnson" / "Jonhson", "Robinson" / "Robinsen"); shorter names must match (Kim / Kip / Lim
   are different families);
3. and the given names agree: the same first letter ("Bo" / "Boo", "Katherine" / "Kathryn",
   "Bob" typed for "Bo"), or a given or preferred name of one equals a given or preferred name
   of the other ("Robert" "Bob" / "Bob").
Twins with different initials are not flagged; twins with the same initial are (a question, not
a refusal: the user answers it). Who is compared: active and paused patients (the panel the
care manager works); disenrolled and deceased ones are left out.
"""

from __future__ import annotations

from caredesk.domain.patients import Patient, Status
from caredesk.domain.text import fold

# The statuses of patients "in your panel" (a paused patient is still worked and comes back).
ON_PANEL = (Status.ACTIVE, Status.PAUSED)
# A family name this long may carry one slip and still be the same name; shorter ones must match.
_SLIP_FROM = 5


def name_key(text: str) -> str:
    """Letters and digits only, case and accents folded: 'Núñez-Qzx' -> 'nunezqzx', "O'Brien" -> 'obrien'."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def one_slip(a: str, b: str) -> bool:
    """True when `b` is `a` with one letter changed, dropped, added, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    return short[i:] == long[i + 1 :]


def same_family(a: str, b: str) -> bool:
    """Rule 2 above."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    return ka == kb or (min(len(ka), len(kb)) >= _SLIP_FROM and one_slip(ka, kb))


def _names(p: Patient) -> set[str]:
    return {k for k in (name_key(p.given_name), name_key(p.preferred_name)) if k}


def same_given(new: Patient, stored: Patient) -> bool:
    """Rule 3 above."""
    a, b = name_key(new.given_name), name_key(stored.given_name)
    if a and b and a[0] == b[0]:
        return True
    return bool(_names(new) & _names(stored))


def likely_same(new: Patient, stored: Patient) -> bool:
    """The module's rule: `stored` (on the panel) is probably the person `new` describes. Pure."""
    return (
        stored.status in ON_PANEL
        and new.birth_date == stored.birth_date
        and same_family(new.family_name, stored.family_name)
        and same_given(new, stored)
    )
