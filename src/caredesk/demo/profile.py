"""What the generator decides about one patient before writing their records."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from caredesk.demo.clinical import Kind
from caredesk.demo.names import Person
from caredesk.domain.patients import Enrollment, Program, RiskTier, Status


@dataclass
class Profile:
    pid: int
    person: Person
    age: int
    kinds: list[Kind]
    tier: RiskTier = RiskTier.MEDIUM
    status: Status = Status.ACTIVE
    start: date | None = None  # first enrollment
    first: date | None = None  # first day of generated history
    last: date | None = None  # last day of generated history (yesterday if still worked)
    enrollments: list[Enrollment] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [k.key for k in self.kinds]

    @property
    def primary(self) -> Program:
        return self.enrollments[0].program

    def program_on(self, rng: random.Random, day: date) -> Program:
        """Minutes go mostly to the main program, sometimes to BHI or RPM when enrolled."""
        others = [e.program for e in self.enrollments[1:] if e.active_on(day)]
        if others and rng.random() < 0.3:
            return rng.choice(others)
        return self.primary
