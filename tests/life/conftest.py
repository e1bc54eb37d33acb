"""A small known world for organizational life, built through the services: one committee, a branch
of five full members and one probationary member (with a secretary who has a login and an e-mail
address), a branch founded in the middle of March 2026, and a member of another branch."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone
from tests.builders import D, account, org, person

from qixin.core.models import User
from qixin.core.services import system_user
from qixin.life import services
from qixin.life.models import MeetingKind
from qixin.orgs import services as org_services
from qixin.orgs.models import Organization, OrgKind
from qixin.people.models import Person

PASSWORD = "pw-secret-2026"
TZ = timezone.get_fixed_timezone(8 * 60)


def at(year, month, day, hour=14, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def add_person(admin, org, number, category="正式党员"):
    """A party member of `org` (a full member since 2010, or probationary since June 2026)."""
    return person(
        org,
        number,
        actor=admin,
        name=f"党员{number}",
        hired_on=None,
        category=category,
        joined=D(2010, 7, 1) if category == "正式党员" else D(2026, 6, 1),
    )


@dataclass
class World:
    admin: User
    root: Organization
    branch: Organization
    new_branch: Organization
    other: Organization
    full: list[Person]
    probationary: Person
    outsider: Person
    secretary: User
    member_user: User
    outsider_user: User

    def kind(self, code):
        return MeetingKind.objects.get(code=code)

    def attendance(self, present, excused=(), reason="出差"):
        """Everyone of the branch: those in `present` present, `excused` excused, the others absent."""
        result = {}
        for p in [*self.full, self.probationary]:
            if p in present:
                result[p.pk] = services.AttendanceEntry("present")
            elif p in excused:
                result[p.pk] = services.AttendanceEntry("excused", reason)
            else:
                result[p.pk] = services.AttendanceEntry("absent")
        return result

    def hold(self, code, when, present=None, org=None, topics=(), **kwargs):
        """Plan and record a meeting of the branch with everybody (or `present`) present."""
        org = org or self.branch
        meeting = services.meeting_plan(
            actor=self.admin,
            org=org,
            kind=self.kind(code),
            starts_at=when,
            ends_at=when + dt.timedelta(hours=2),
            speaker=self.full[0] if code == "party_lecture" else None,
        )
        if org == self.branch:
            attendance = self.attendance(present if present is not None else [*self.full, self.probationary])
        elif org == self.other:
            attendance = {self.outsider.pk: services.AttendanceEntry("present")}
        else:
            attendance = {}
        return services.meeting_record(
            actor=self.admin, meeting=meeting, attendance=attendance, topics=list(topics), **kwargs
        )


@pytest.fixture
def world(db):
    admin = system_user()
    root = org(None, "Q", OrgKind.COMMITTEE, "示例公司党委")
    branch = org(root, "Q-1", name="总装第一党支部")
    new_branch = org(root, "Q-2", name="新成立党支部", established_on=D(2026, 3, 15))
    other = org(root, "Q-3", name="研发党支部")
    full = [add_person(admin, branch, f"A{i}") for i in range(1, 6)]
    probationary = add_person(admin, branch, "P1", category="预备党员")
    outsider = add_person(admin, other, "X1")
    org_services.position_assign(
        actor=admin, org=branch, person_id=full[0].pk, title="secretary", started_on=D(2024, 1, 1)
    )
    secretary = account("sec", password=PASSWORD, person=full[0], email="sec@example.com")
    member_user = account("mem", password=PASSWORD, person=full[1])
    outsider_user = account("out", password=PASSWORD, person=outsider)
    return World(
        admin,
        root,
        branch,
        new_branch,
        other,
        full,
        probationary,
        outsider,
        secretary,
        member_user,
        outsider_user,
    )
