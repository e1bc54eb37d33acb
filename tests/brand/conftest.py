"""A small known world for brand, mobilize and advocacy: a committee with a general branch and two
branches, members and employees, a secretary of branch 1 and a party worker of the committee."""

import pytest
from tests.builders import D, account, grant, org, person

from qixin.core.models import Role
from qixin.core.services import system_user
from qixin.orgs import services as org_services
from qixin.orgs.models import OrgKind


@pytest.fixture
def world(db):
    admin = system_user()
    root = org(None, "R", OrgKind.COMMITTEE, "示例公司党委")
    plant = org(root, "R-A", OrgKind.GENERAL_BRANCH, "总装党总支")
    b1 = org(plant, "R-A-1", name="总装第一党支部")
    b2 = org(plant, "R-A-2", name="总装第二党支部")
    m1 = person(b1, "A1", category="正式党员")
    m2 = person(b1, "A2", category="正式党员")
    m3 = person(b1, "A3", category="预备党员", joined=D(2026, 3, 1))
    e1 = person(b1, "E1")
    n1 = person(b2, "B1", category="正式党员")
    org_services.position_assign(
        actor=admin, org=b1, person_id=m1.pk, title="secretary", started_on=D(2024, 1, 1)
    )
    secretary = account("sec1", password="x-pass-2026", person=m1)
    member = account("mem2", password="x-pass-2026", person=m2)
    worker = grant(account("dangwu", password="x-pass-2026"), Role.PARTY_WORKER, root)
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
