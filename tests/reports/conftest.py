"""A small known world for the reports: two committees, branches with members and employees, and
records just inside and just outside the period."""

import pytest
from tests.builders import D, org, person

from qixin.core.services import system_user
from qixin.orgs.models import OrgKind


@pytest.fixture
def world(db):
    admin = system_user()
    root = org(None, "R", OrgKind.COMMITTEE, "示例公司党委")
    plant = org(root, "R-A", OrgKind.GENERAL_BRANCH, "总装党总支")
    b1 = org(plant, "R-A-1", name="总装第一党支部")
    b2 = org(plant, "R-A-2", name="总装第二党支部", established_on=D(2026, 3, 1))
    org(b1, "R-A-1-1", OrgKind.GROUP, "第一党小组", established_on=None)
    other = org(root, "R-B", name="研发党支部")
    # Branch 1: two full members, one probationary admitted in the period, one admitted the day after it.
    person(b1, "A1", category="正式党员", joined=D(2010, 7, 1), full=D(2011, 7, 1))
    person(b1, "A2", category="正式党员", joined=D(2012, 7, 1), full=D(2013, 7, 1))
    person(b1, "A3", category="预备党员", joined=D(2026, 1, 1))
    person(b1, "A4", category="预备党员", joined=D(2026, 7, 1))
    person(b1, "E1")
    person(b1, "E2", hired_on=D(2026, 7, 1))  # hired after the period
    person(b1, "E3", left=D(2026, 5, 31))  # left during the period
    # Branch 2: one full member who became full during the period (probationary before).
    person(b2, "B1", category="正式党员", joined=D(2025, 3, 1), full=D(2026, 3, 1))
    # Another subtree: must never count under 总装党总支.
    person(other, "C1", category="正式党员", joined=D(2005, 7, 1), full=D(2006, 7, 1))
    person(other, "C2", category="预备党员", joined=D(2026, 2, 1))
    return {"admin": admin, "root": root, "plant": plant, "b1": b1, "b2": b2, "other": other}
