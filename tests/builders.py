"""Small builders for tests: every object is made through the services, as a user would make it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qixin.core import idcard
from qixin.core.services import system_user
from qixin.orgs import services as org_services
from qixin.orgs.models import Organization, OrgKind
from qixin.people import services as people_services
from qixin.people.models import Person

D = dt.date
FOUNDED = D(2000, 1, 1)


def org(parent: Organization | None, code: str, kind: str = OrgKind.BRANCH, name: str = "") -> Organization:
    return org_services.org_create(
        actor=system_user(),
        parent=parent,
        code=code,
        name=name or f"{code}组织",
        kind=kind,
        established_on=FOUNDED,
    )


def person(
    org: Organization,
    number: str,
    *,
    category: str = "",
    joined: dt.date | None = None,
    full: dt.date | None = None,
    **values: Any,
) -> Person:
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
    return people_services.person_create(actor=system_user(), organization=org, values=fields)


def members(org: Organization, prefix: str, n: int, category: str = "正式党员") -> list[Person]:
    return [person(org, f"{prefix}{i:03d}", category=category) for i in range(n)]


BORN = D(1990, 1, 1)


def id_number(born: dt.date = BORN, sequence: int = 1, gender: str = "男") -> str:
    return idcard.make("310101", born, sequence, gender)


def intake_form(point: Any, now: dt.datetime | None = None) -> str:
    """The nonce of a QR intake form fetched a minute before `now` (an employee writes for a while;
    a form sent back at once is held for moderation)."""
    from django.utils import timezone

    from qixin.care import services as care_services

    return care_services.new_nonce(point=point, now=(now or timezone.now()) - dt.timedelta(minutes=1))
