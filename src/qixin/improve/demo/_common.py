"""What the demo's steps share: the figures, the clock, the enterprises and bulk tables."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone

from qixin.demo.context import Context
from qixin.orgs.models import Organization, OrgKind
from qixin.people.models import Person

ALLIANCES = 181


PROJECTS = 6572


SUGGESTIONS = 30418


STUDIOS = 108


STUDIOS_LED_BY_NON_MEMBERS = 9  # 99 of 108 led by members: 91.7%


CASES = 420


EXCELLENT = 85


VERIFIED_TARGET = Decimal("1036000000")  # "超过10亿元"


VW_EMPLOYEES = 35000


@dataclass(frozen=True)
class Counts:
    """The article's figures at `vw` scale, in proportion to the employees at other scales."""

    alliances: int
    projects: int
    suggestions: int
    studios: int
    studios_led_by_non_members: int
    cases: int
    excellent: int
    verified_target: Decimal

    @classmethod
    def for_scale(cls, employees: int) -> Counts:
        share = employees / VW_EMPLOYEES

        def part(n: int, least: int) -> int:
            return max(least, round(n * share))

        return cls(
            alliances=part(ALLIANCES, 3),
            projects=part(PROJECTS, 30),
            suggestions=part(SUGGESTIONS, 200),
            studios=part(STUDIOS, 4),
            studios_led_by_non_members=part(STUDIOS_LED_BY_NON_MEMBERS, 0),
            cases=part(CASES, 20),
            excellent=part(EXCELLENT, 3),
            verified_target=(VERIFIED_TARGET * Decimal(share)).quantize(Decimal("1")),
        )


def campaign_start(ctx: Context) -> date:
    """The day this year's campaign began, ten months before the day the demo is loaded: the projects,
    suggestions and savings of the campaign fill the months since."""
    return ctx.ago(304)


CUSTOM = "办公与后勤"  # the demo's custom category


ZONE = ZoneInfo("Asia/Shanghai")


NOW = timezone.now()


def _aware(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(8 + rng.randrange(10), rng.randrange(60)), tzinfo=ZONE)


def _day(rng: random.Random, start: date, end: date) -> date:
    """A day in [start, end)."""
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


def _cents(value: float) -> Decimal:
    return Decimal(int(value * 100)) / 100


class _Enterprise:
    """The people and branches of one enterprise, as the demo built them."""

    def __init__(self, ctx: Context, root: Organization) -> None:
        self.root = root
        self.counts = Counts.for_scale(ctx.scale.employees)
        self.branches = [b for b in ctx.branches if b.path.startswith(root.path)]
        branch_ids = {b.pk for b in self.branches}
        self.members_by_branch: dict[int, list[int]] = defaultdict(list)
        for membership in ctx.members:
            if membership.branch_id in branch_ids:
                self.members_by_branch[membership.branch_id].append(membership.person_id)
        self.people_by_branch: dict[int, list[Person]] = defaultdict(list)
        for person in ctx.people:
            if person.organization_id in branch_ids:
                self.people_by_branch[person.organization_id].append(person)
        self.member_ids = {pid for ids in self.members_by_branch.values() for pid in ids}
        self.people = [p for ps in self.people_by_branch.values() for p in ps]
        self.by_parent: dict[str, list[Organization]] = defaultdict(list)
        for branch in self.branches:
            self.by_parent[branch.path[: -branch.steplen]].append(branch)


class _Table:
    """Fast inserts of trusted rows: plain dicts, ids given here, values adapted for the database by
    type, one executemany per table (the ORM's per-object work would take most of the step's time)."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.rows: list[list[Any]] = []
        last = model._default_manager.aggregate(last=Max("pk"))["last"] or 0
        self.next_id = last + 1
        ops = connection.ops
        self.adapters: list[Any] = []
        for field in self.fields:
            kind = field.get_internal_type()
            if kind == "DateTimeField":
                self.adapters.append(ops.adapt_datetimefield_value)
            elif kind == "DateField":
                self.adapters.append(ops.adapt_datefield_value)
            elif kind == "DecimalField":
                self.adapters.append(
                    lambda v, f=field: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
                )
            else:
                self.adapters.append(None)
        # What a column gets when a row does not give it (adapted once, not once per row).
        self.defaults: list[Any] = []
        for field, adapt in zip(self.fields, self.adapters, strict=True):
            value = NOW if field.name in ("created_at", "updated_at") else field.get_default()
            self.defaults.append(adapt(value) if adapt is not None and value is not None else value)

    def add(self, **values: Any) -> int:
        pk = values.setdefault("id", self.next_id)
        self.next_id = max(self.next_id, pk + 1)
        row = []
        for field, adapt, default in zip(self.fields, self.adapters, self.defaults, strict=True):
            if field.attname in values:
                value = values[field.attname]
                row.append(adapt(value) if adapt is not None and value is not None else value)
            else:
                row.append(default)
        self.rows.append(row)
        return int(pk)

    def flush(self) -> None:
        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column or f.name) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        with connection.cursor() as cursor:
            for start in range(0, len(self.rows), 5000):
                cursor.executemany(
                    # Names come from the model's metadata; the values travel as parameters.
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                    self.rows[start : start + 5000],
                )
        self.rows = []
        # PostgreSQL's sequences do not see ids given explicitly.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [self.model]):
                cursor.execute(sql)


def _enterprises(ctx: Context) -> list[Organization]:
    if ctx.scale.enterprises == 1:
        return ctx.roots[:1]
    return list(
        Organization.objects.filter(
            depth=2, kind=OrgKind.COMMITTEE, path__startswith=ctx.roots[0].path
        ).order_by("path")
    )
