"""Synthetic people, places and phone numbers: diverse, Unicode-rich, obviously fictional."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from caredesk.domain.patients import Sex


@dataclass(frozen=True)
class Culture:
    weight: int
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    languages: tuple[tuple[str, int], ...]  # (language, weight)


# Accented and non-Latin-1 names on purpose: search, sorting and PDFs must cope with them.
CULTURES: tuple[Culture, ...] = (
    Culture(
        52,
        (
            "Mary",
            "Patricia",
            "Linda",
            "Barbara",
            "Elizabeth",
            "Dorothy",
            "Margaret",
            "Shirley",
            "Joan",
            "Carol",
            "Gloria",
            "Evelyn",
            "Zoë",
            "Irene",
            "Beverly",
            "Loretta",
            "Ruth",
            "Siobhán",
        ),
        (
            "James",
            "Robert",
            "William",
            "Richard",
            "Charles",
            "Thomas",
            "Harold",
            "Walter",
            "Eugene",
            "Earl",
            "Donald",
            "Kenneth",
            "Raymond",
            "Gerald",
            "Frank",
            "Leroy",
            "Dennis",
            "Seán",
        ),
        (
            "Smith",
            "Johnson",
            "Williams",
            "Brown",
            "Jones",
            "Miller",
            "Davis",
            "Wilson",
            "Anderson",
            "Taylor",
            "Moore",
            "Jackson",
            "Thompson",
            "White",
            "Harris",
            "Clark",
            "Lewis",
            "Robinson",
            "Walker",
            "Young",
            "King",
            "Wright",
            "Scott",
            "Green",
            "Baker",
            "Adams",
            "Nelson",
            "Hill",
            "Campbell",
            "Mitchell",
            "Carter",
            "Phillips",
            "Evans",
            "Turner",
            "O'Brien",
            "McAllister",
        ),
        (("English", 1),),
    ),
    Culture(
        20,
        (
            "María",
            "Guadalupe",
            "Rosa",
            "Carmen",
            "Esperanza",
            "Dolores",
            "Lucía",
            "Inés",
            "Socorro",
            "Beatriz",
            "Ana",
            "Josefina",
            "Mercedes",
        ),
        (
            "José",
            "Jesús",
            "Juan",
            "Luis",
            "Carlos",
            "Ramón",
            "Francisco",
            "Manuel",
            "Jorge",
            "Andrés",
            "Rubén",
            "Martín",
        ),
        (
            "Núñez",
            "García",
            "Hernández",
            "Rodríguez",
            "López",
            "Martínez",
            "González",
            "Pérez",
            "Sánchez",
            "Ramírez",
            "Peña",
            "Ibáñez",
            "Muñoz",
            "Gómez",
            "Díaz",
            "Cruz",
            "Castañeda",
        ),
        (("Spanish", 55), ("English", 45)),
    ),
    Culture(
        6,
        ("Lan", "Mai", "Hương", "Thảo", "Hoa", "Ngọc", "Hạnh"),
        ("Minh", "Tuấn", "Hùng", "Dũng", "Quang", "Phúc", "Bảo"),
        ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng"),
        (("Vietnamese", 60), ("English", 40)),
    ),
    Culture(
        5,
        ("Chloé", "Françoise", "Hélène", "Geneviève", "Élise", "Josée", "Zoë", "Marguerite"),
        ("François", "Émile", "René", "Jérôme", "André", "Gérard", "Lucien"),
        ("Dubois", "Lefèvre", "Beaulieu", "Gagnon", "Côté", "Bélanger", "Lévesque", "Thériault"),
        (("English", 70), ("French", 30)),
    ),
    Culture(
        5,
        ("Ingrid", "Käthe", "Gertrud", "Hildegard", "Ursula", "Brigitte"),
        ("Jürgen", "Günter", "Klaus", "Dieter", "Björn", "Søren", "Helmut"),
        ("Müller", "Schröder", "Weiß", "Becker", "Köhler", "Schäfer", "Jäger", "Hoffmann"),
        (("English", 85), ("German", 15)),
    ),
    Culture(
        5,
        ("Mei", "Xiu", "Li Na", "Hui", "Ying"),
        ("Wei", "Jun", "Ming", "Jian", "Hao"),
        ("Wang", "Chen", "Li", "Zhang", "Liu", "Huang", "Zhou"),
        (("Mandarin", 35), ("Cantonese", 20), ("English", 45)),
    ),
    Culture(
        4,
        ("Soon-ja", "Young-hee", "Mi-kyung", "Jung-sook"),
        ("Young-soo", "Sang-hoon", "Jae-won", "Dong-hyun"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang"),
        (("Korean", 50), ("English", 50)),
    ),
    Culture(
        3,
        ("Fatima", "Aisha", "Layla", "Samira"),
        ("Ahmed", "Omar", "Yusuf", "Khalil"),
        ("Haddad", "Khoury", "Saleh", "Nasser", "Al-Masri"),
        (("Arabic", 50), ("English", 50)),
    ),
)
_CULTURE_WEIGHTS = [c.weight for c in CULTURES]

PREFERRED = {
    "Robert": "Bob",
    "William": "Bill",
    "Richard": "Rick",
    "James": "Jim",
    "Thomas": "Tom",
    "Charles": "Chuck",
    "Kenneth": "Ken",
    "Donald": "Don",
    "Gerald": "Jerry",
    "Margaret": "Peggy",
    "Elizabeth": "Liz",
    "Patricia": "Pat",
    "Dorothy": "Dot",
    "José": "Pepe",
    "Francisco": "Paco",
    "Guadalupe": "Lupe",
    "Dolores": "Lola",
    "Jesús": "Chuy",
    "Manuel": "Manny",
    "Josefina": "Pepa",
    "Gertrud": "Trudi",
    "Hildegard": "Hilde",
    "Françoise": "Fanny",
    "Xiu": "Sue",
    "Ming": "Michael",
    "Young-soo": "Sam",
    "Soon-ja": "Sunny",
}

# The practice's own clinicians: PCPs and billing practitioners.
CLINICIANS = (
    "Dr. Helen Examplar, MD",
    "Dr. Marcus Testwell, MD",
    "Dr. Priya Placeholder, MD",
    "Dr. Samuel Demoulin, MD",
    "Dr. Grace Fictiva, MD",
    "Dr. Tomás Ejemplo, MD",
)
PRACTICE = "Demo Family Medicine"

# Specialists by role: (name, organization).
SPECIALISTS: dict[str, tuple[tuple[str, str], ...]] = {
    "Cardiologist": (
        ("Dr. Nora Heartwell, MD", "Demo Heart & Vascular"),
        ("Dr. Kenji Pulsar, MD", "Demo Heart & Vascular"),
    ),
    "Endocrinologist": (("Dr. Inés Thyra, MD", "Sample Diabetes Center"),),
    "Nephrologist": (("Dr. Omar Renwick, MD", "Example Kidney Care"),),
    "Pulmonologist": (("Dr. Leah Breathwaite, MD", "Sample Lung Clinic"),),
    "Psychiatrist": (("Dr. Hannah Mindel, MD", "Fictional Behavioral Health"),),
    "Behavioral health clinician": (("Jordan Calmwater, LCSW", "Fictional Behavioral Health"),),
    "Neurologist": (("Dr. Victor Neuman, MD", "Demo Memory Clinic"),),
    "Orthopedist": (("Dr. Carla Bonet, MD", "Example Orthopedics"),),
}

_STREETS = (
    "Pretend Pine Way",
    "Imaginary Oak Lane",
    "Fictional Elm Street",
    "Sample Maple Avenue",
    "Makebelieve Court",
    "Storybook Road",
    "Placeholder Parkway",
    "Nowhere Birch Drive",
    "Example Cedar Circle",
    "Demo Willow Terrace",
)
_CITIES = ("Demoville", "Sampleton", "Fictionburg", "Mocksford")
_CALL_WINDOWS = (
    "weekdays 9-11am",
    "afternoons after 1pm",
    "mornings",
    "any time",
    "Tue/Thu 10am-noon",
    "not before 10am",
    "after lunch",
)


@dataclass(frozen=True)
class Person:
    given: str
    family: str
    sex: Sex
    preferred: str
    language: str
    culture: Culture


def person(rng: random.Random) -> Person:
    culture = rng.choices(CULTURES, _CULTURE_WEIGHTS)[0]
    sex = Sex.FEMALE if rng.random() < 0.55 else Sex.MALE  # the 55+ panel skews female
    given = rng.choice(culture.female if sex is Sex.FEMALE else culture.male)
    preferred = PREFERRED.get(given, "") if rng.random() < 0.6 else ""
    langs, weights = zip(*culture.languages, strict=False)
    return Person(given, rng.choice(culture.family), sex, preferred, rng.choices(langs, weights)[0], culture)


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birth_date(rng: random.Random, age: int, today: date) -> date:
    """A birthday giving exactly `age` completed years on `today`."""
    latest = years_before(today, age)
    earliest = years_before(today, age + 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def fictional_phone(first_exchange: int, span: int, n: int, salt: int = 4321) -> str:
    """A unique number per n (below span*10000) in area code 555, which is not assigned.

    7919 is prime and coprime with span*10000, so n -> k is a permutation: numbers look
    scattered yet never collide.
    """
    k = (n * 7919 + salt) % (span * 10_000)
    return f"(555) {first_exchange + k // 10_000:03d}-{k % 10_000:04d}"


def mobile_phone(pid: int) -> str:
    return fictional_phone(10, 4, pid)  # exchanges 010-013


def home_phone(pid: int) -> str:
    return fictional_phone(14, 4, pid, salt=27_183)  # exchanges 014-017


def caregiver_phone(pid: int) -> str:
    return fictional_phone(18, 1, pid, salt=3_141)  # exchange 018


def office_phone(n: int) -> str:
    return fictional_phone(19, 1, n)  # exchange 019: clinics and community resources


def address(rng: random.Random) -> str:
    apt = f", Apt {rng.randint(1, 40)}" if rng.random() < 0.25 else ""
    return f"{rng.randint(10, 9899)} {rng.choice(_STREETS)}{apt}, {rng.choice(_CITIES)}, ZZ 000{rng.randint(10, 99)}"


def call_window(rng: random.Random) -> str:
    return rng.choice(_CALL_WINDOWS) if rng.random() < 0.7 else ""


def caregiver(rng: random.Random, who: Person) -> tuple[str, str]:
    """(name, role) of a relative who helps; shares the patient's family name."""
    relation = rng.choice(("daughter", "son", "spouse", "niece", "grandson"))
    female = relation in ("daughter", "niece") or (relation == "spouse" and who.sex is Sex.MALE)
    given = rng.choice(who.culture.female if female else who.culture.male)
    return f"{given} {who.family}", f"caregiver ({relation})"
