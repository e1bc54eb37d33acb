"""What every step of `qixin seed-demo` receives: the Context built so far (qixin.demo.seed lays the
organizations and people; each app's demo.py adds its records on top).

Its own module, below the apps: the apps' demo steps import it, and qixin.demo.seed imports the apps'
demo steps, so the seeder and the steps do not import each other.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from qixin.orgs.models import Organization
from qixin.people.models import Membership, Person

DEMO_PASSWORD = "qixin-demo-2026"  # noqa: S105  (printed by `make run`; demo data only)


@dataclass(frozen=True)
class Scale:
    enterprises: int
    branches: int
    members: int
    employees: int


@dataclass
class Context:
    rng: random.Random
    fake: Faker
    scale: Scale
    today: date
    roots: list[Organization] = field(default_factory=list)
    branches: list[Organization] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    members: list[Membership] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, username, who)
    id_numbers: set[str] = field(default_factory=set)  # issued so far (they must be unique)
    names: dict[str, list[str]] = field(default_factory=dict)  # gender → a pool of names
    log: Callable[[str], None] = print

    def ago(self, days: int) -> date:
        """The day `days` before today: the demo's year of activity keeps its distance from the day the
        demo is loaded (the last twelve months up to yesterday), whatever that day is."""
        return self.today - timedelta(days=days)

    def last_year_of(self, month: int, day: int) -> int:
        """The latest year whose `month`-`day` is before today: the year of the last time something
        held on that day of every year (民主评议 in December, 春节) happened."""
        year = self.today.year
        return year if date(year, month, day) < self.today else year - 1
