"""A small known world for the reports: two committees, branches with members and employees, and
records just inside and just outside the period."""

import datetime as dt

import pytest

from qixin.core.services import system_user
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind
from qixin.people import services as people_services

D = dt.date


HIRED = D(2010, 1, 1)


def person(admin, org, number, *, category="", joined=None, full=None, hired=HIRED, left=None):
    values = {
        "employee_no": number,
        "name": f"员工{number}",
        "gender": "男",
        "birth_date": D(1985, 1, 1),
        "hired_on": hired,
    }
    if category:
        values |= {"category": category, "branch": org, "joined_on": joined, "full_on": full}
    created = people_services.person_create(actor=admin, organization=org, values=values)
    if left:
        people_services.person_leave(actor=admin, person=created, on=left, status="离职")
    return created


@pytest.fixture
def world(db):
    admin = system_user()
    root = org_services.org_create(
        actor=admin,
        parent=None,
        code="R",
        name="示例公司党委",
        kind=OrgKind.COMMITTEE,
        established_on=D(2000, 1, 1),
    )
    plant = org_services.org_create(
        actor=admin,
        parent=root,
        code="R-A",
        name="总装党总支",
        kind=OrgKind.GENERAL_BRANCH,
        established_on=D(2000, 1, 1),
    )
    b1 = org_services.org_create(
        actor=admin,
        parent=plant,
        code="R-A-1",
        name="总装第一党支部",
        kind=OrgKind.BRANCH,
        established_on=D(2000, 1, 1),
    )
    b2 = org_services.org_create(
        actor=admin,
        parent=plant,
        code="R-A-2",
        name="总装第二党支部",
        kind=OrgKind.BRANCH,
        established_on=D(2026, 3, 1),
    )
    org_services.org_create(actor=admin, parent=b1, code="R-A-1-1", name="第一党小组", kind=OrgKind.GROUP)
    other = org_services.org_create(
        actor=admin,
        parent=root,
        code="R-B",
        name="研发党支部",
        kind=OrgKind.BRANCH,
        established_on=D(2000, 1, 1),
    )
    # Branch 1: two full members, one probationary admitted in the period, one admitted the day after it.
    person(admin, b1, "A1", category="正式党员", joined=D(2010, 7, 1), full=D(2011, 7, 1))
    person(admin, b1, "A2", category="正式党员", joined=D(2012, 7, 1), full=D(2013, 7, 1))
    person(admin, b1, "A3", category="预备党员", joined=D(2026, 1, 1))
    person(admin, b1, "A4", category="预备党员", joined=D(2026, 7, 1))
    person(admin, b1, "E1")
    person(admin, b1, "E2", hired=D(2026, 7, 1))  # hired after the period
    person(admin, b1, "E3", left=D(2026, 5, 31))  # left during the period
    # Branch 2: one full member who became full during the period (probationary before).
    person(admin, b2, "B1", category="正式党员", joined=D(2025, 3, 1), full=D(2026, 3, 1))
    # Another subtree: must never count under 总装党总支.
    person(admin, other, "C1", category="正式党员", joined=D(2005, 7, 1), full=D(2006, 7, 1))
    person(admin, other, "C2", category="预备党员", joined=D(2026, 2, 1))
    return {"admin": admin, "root": root, "plant": plant, "b1": b1, "b2": b2, "other": other}
