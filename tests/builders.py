"""Small builders for tests: every object is made through the services, as a user would make it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qixin.core import idcard
from qixin.core import services as core_services
from qixin.core.models import User
from qixin.core.services import system_user
from qixin.orgs import services as org_services
from qixin.orgs.models import Organization, OrgKind
from qixin.people import services as people_services
from qixin.people.models import Person

D = dt.date
FOUNDED = D(2000, 1, 1)
GRANTED = D(2020, 1, 1)


def org(
    parent: Organization | None,
    code: str,
    kind: str = OrgKind.BRANCH,
    name: str = "",
    *,
    established_on: dt.date | None = FOUNDED,
    actor: User | None = None,
    **values: Any,
) -> Organization:
    return org_services.org_create(
        actor=actor or system_user(),
        parent=parent,
        code=code,
        name=name or f"{code}组织",
        kind=kind,
        established_on=established_on,
        **values,
    )


def person(
    org: Organization,
    number: str,
    *,
    category: str = "",
    joined: dt.date | None = None,
    full: dt.date | None = None,
    left: dt.date | None = None,
    actor: User | None = None,
    **values: Any,
) -> Person:
    """An employee of `org` (with `category`, a party member of it from `joined`, full a year later
    unless `full` says otherwise), who left the company on `left` if given; `values` adds to or
    replaces the personal fields."""
    fields: dict[str, Any] = {
        "employee_no": number,
        "name": values.pop("name", f"员工{number}"),
        "gender": "男",
        "birth_date": D(1985, 1, 1),
        "hired_on": D(2010, 1, 1),
        **values,
    }
    if category:
        joined = joined or D(2010, 7, 1)
        fields |= {
            "category": category,
            "branch": org,
            "joined_on": joined,
            "full_on": None if category == "预备党员" else full or joined.replace(year=joined.year + 1),
        }
    created = people_services.person_create(actor=actor or system_user(), organization=org, values=fields)
    if left:
        people_services.person_leave(actor=actor or system_user(), person=created, on=left, status="离职")
    return created


def members(org: Organization, prefix: str, n: int, category: str = "正式党员") -> list[Person]:
    return [person(org, f"{prefix}{i:03d}", category=category) for i in range(n)]


def account(username: str, password: str | None = None, **fields: Any) -> User:
    """A login (without `password`, one that cannot log in with a password); `person=` links it to
    the person's records."""
    return User.objects.create_user(username, password=password, **fields)


def superuser(username: str, password: str | None = None, **fields: Any) -> User:
    return User.objects.create_superuser(username, password=password, **fields)


def grant(
    user: User,
    role: str,
    organization: Organization | None = None,
    *,
    starts_on: dt.date = GRANTED,
    actor: User | None = None,
) -> User:
    """Give `user` `role` at `organization` (its whole subtree; none for 系统管理员) through the
    service, granted by the system account unless `actor`. Returns the user, so a builder line reads
    `worker = grant(account("dangwu"), Role.PARTY_WORKER, root)`."""
    core_services.role_grant(
        actor=actor or system_user(), user=user, role=role, organization=organization, starts_on=starts_on
    )
    return user


BORN = D(1990, 1, 1)


def id_number(born: dt.date = BORN, sequence: int = 1, gender: str = "男") -> str:
    return idcard.make("310101", born, sequence, gender)


def intake_form(point: Any, now: dt.datetime | None = None) -> str:
    """The nonce of a QR intake form fetched a minute before `now` (an employee writes for a while;
    a form sent back at once is held for moderation)."""
    from django.utils import timezone

    from qixin.care import services as care_services

    return care_services.new_nonce(point=point, now=(now or timezone.now()) - dt.timedelta(minutes=1))
