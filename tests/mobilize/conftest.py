"""A small known world for brand, mobilize and advocacy: a committee with a general branch and two
branches, members and employees, a secretary of branch 1 and a party worker of the committee."""

import datetime as dt

import pytest

from qixin.core.models import Role, RoleGrant, User
from qixin.core.services import system_user
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind
from qixin.people import services as people_services

D = dt.date


def make_person(admin, org, number, *, member=True, probationary=False):
    values = {
        "employee_no": number,
        "name": f"员工{number}",
        "gender": "男",
        "birth_date": D(1985, 1, 1),
        "hired_on": D(2010, 1, 1),
    }
    if member:
        values |= {"branch": org, "joined_on": D(2010, 7, 1)}
        if probationary:
            values |= {"category": "预备党员", "joined_on": D(2026, 3, 1)}
        else:
            values |= {"category": "正式党员", "full_on": D(2011, 7, 1)}
    return people_services.person_create(actor=admin, organization=org, values=values)


@pytest.fixture
def world(db):
    admin = system_user()
    root = org_services.org_create(
        actor=admin, parent=None, code="R", name="示例公司党委", kind=OrgKind.COMMITTEE
    )
    plant = org_services.org_create(
        actor=admin, parent=root, code="R-A", name="总装党总支", kind=OrgKind.GENERAL_BRANCH
    )
    b1 = org_services.org_create(
        actor=admin, parent=plant, code="R-A-1", name="总装第一党支部", kind=OrgKind.BRANCH
    )
    b2 = org_services.org_create(
        actor=admin, parent=plant, code="R-A-2", name="总装第二党支部", kind=OrgKind.BRANCH
    )
    m1 = make_person(admin, b1, "A1")
    m2 = make_person(admin, b1, "A2")
    m3 = make_person(admin, b1, "A3", probationary=True)
    e1 = make_person(admin, b1, "E1", member=False)
    n1 = make_person(admin, b2, "B1")
    org_services.position_assign(
        actor=admin, org=b1, person_id=m1.pk, title="secretary", started_on=D(2024, 1, 1)
    )
    secretary = User.objects.create_user("sec1", password="x-pass-2026", person=m1)
    member = User.objects.create_user("mem2", password="x-pass-2026", person=m2)
    worker = User.objects.create_user("dangwu", password="x-pass-2026")
    RoleGrant.objects.create(user=worker, role=Role.PARTY_WORKER, organization=root, starts_on=D(2020, 1, 1))
    return {
        "admin": admin,
        "root": root,
        "plant": plant,
        "b1": b1,
        "b2": b2,
        "m1": m1,
        "m2": m2,
        "m3": m3,
        "e1": e1,
        "n1": n1,
        "secretary": secretary,
        "member": member,
        "worker": worker,
    }
