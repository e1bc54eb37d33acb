"""Fixtures of the cost-reduction and innovation tests, built through the services.

The tree: 旗心汽车党委 (C) → 总装第一党支部 (C-1), 总装第二党支部 (C-2); another enterprise's 党委 (X)
→ its branch (X-1). People of C-1: a member (张明, 党员), an employee (李强, 群众), a secretary
(王书记); of C-2: a member (赵伟); of X-1: a member (孙立).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from tests import builders

from qixin.core.models import Role, User
from qixin.improve import services
from qixin.improve.models import Category, DesignationKind, Stage
from qixin.improve.text import similarity
from qixin.orgs import services as org_services
from qixin.orgs.models import Organization, OrgKind, PositionTitle
from qixin.people.models import Person

PASSWORD = "x-secret-pass-1"


def day_start() -> dt.date:
    return (
        dt.date(2026, 1, 5)
        if dt.date(2026, 3, 1) <= timezone.localdate()
        else timezone.localdate() - dt.timedelta(days=60)
    )


@pytest.fixture(autouse=True)
def _fresh_similarity_index():
    """Each test starts with an empty process-local similarity index (its database is new)."""
    similarity.forget_indexes()
    yield
    similarity.forget_indexes()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def person(actor: User, org: Organization, number: str, name: str, *, member: bool) -> Person:
    """Someone of 总装车间 (with `member`, a full party member since 2012)."""
    return builders.person(
        org,
        number,
        actor=actor,
        name=name,
        birth_date=dt.date(1988, 3, 1),
        hired_on=None,
        department="总装车间",
        category="正式党员" if member else "",
        joined=dt.date(2012, 7, 1),
    )


@dataclass
class World:
    admin: User
    committee: Organization
    branch: Organization
    branch2: Organization
    other_committee: Organization
    other_branch: Organization
    member: Person
    employee: Person
    secretary: Person
    member2: Person
    outsider_person: Person
    worker: User  # 党务工作者 of the committee
    secretary_user: User  # secretary of C-1
    member_user: User  # 张明, member of C-1
    employee_user: User  # 李强, employee of C-1
    member2_user: User  # 赵伟, member of C-2
    outsider: User  # 党务工作者 of the other enterprise
    finance: User  # 财务核定人 at the committee
    reviewer: User  # 建议评审人 at the committee for 总装车间


@pytest.fixture
def world(db) -> World:
    admin = builders.superuser("root", password=PASSWORD)
    committee = builders.org(None, "C", OrgKind.COMMITTEE, "旗心汽车党委", actor=admin)
    branch = builders.org(committee, "C-1", name="总装第一党支部", unit="总装车间", actor=admin)
    branch2 = builders.org(committee, "C-2", name="总装第二党支部", unit="总装车间", actor=admin)
    other_committee = builders.org(None, "X", OrgKind.COMMITTEE, "另一公司党委", actor=admin)
    other_branch = builders.org(other_committee, "X-1", name="另一支部", actor=admin)
    member = person(admin, branch, "E001", "张明", member=True)
    employee = person(admin, branch, "E002", "李强", member=False)
    secretary = person(admin, branch, "E003", "王书记", member=True)
    member2 = person(admin, branch2, "E004", "赵伟", member=True)
    outsider_person = person(admin, other_branch, "X001", "孙立", member=True)
    org_services.position_assign(
        actor=admin,
        org=branch,
        person_id=secretary.pk,
        title=PositionTitle.SECRETARY,
        started_on=dt.date(2024, 1, 1),
    )

    def account(username: str, who: Person | None = None) -> User:
        return builders.account(username, password=PASSWORD, person=who, first_name=username)

    worker = builders.grant(account("dangwu"), Role.PARTY_WORKER, committee, actor=admin)
    outsider = builders.grant(account("waibu"), Role.PARTY_WORKER, other_committee, actor=admin)
    finance = account("caiwu")
    reviewer = account("pingshen")
    services.designation_grant(
        actor=admin,
        user=finance,
        kind=DesignationKind.VERIFIER,
        organization=committee,
        starts_on=dt.date(2020, 1, 1),
    )
    services.designation_grant(
        actor=admin,
        user=reviewer,
        kind=DesignationKind.REVIEWER,
        organization=committee,
        department="总装车间",
        starts_on=dt.date(2020, 1, 1),
    )
    return World(
        admin=admin,
        committee=committee,
        branch=branch,
        branch2=branch2,
        other_committee=other_committee,
        other_branch=other_branch,
        member=member,
        employee=employee,
        secretary=secretary,
        member2=member2,
        outsider_person=outsider_person,
        worker=worker,
        secretary_user=account("E003", secretary),
        member_user=account("E001", member),
        employee_user=account("E002", employee),
        member2_user=account("E004", member2),
        outsider=outsider,
        finance=finance,
        reviewer=reviewer,
    )


def fresh(user: User) -> User:
    """The same account as a new request would see it (scope and duties recomputed)."""
    return User.objects.get(pk=user.pk)


def make_project(
    world: World,
    *,
    title: str = "总装车间空压机加装变频控制",
    org: Organization | None = None,
    owner: Person | None = None,
    stage: str = Stage.IMPLEMENTING,
    alliances=(),
    **extra: Any,
):
    project = services.project_create(
        actor=world.worker,
        organization=org or world.branch,
        title=title,
        owner=owner or world.member,
        category=extra.pop("category", Category.ENERGY),
        started_on=extra.pop("started_on", day_start()),
        savings_target=extra.pop("savings_target", Decimal("300000")),
        alliances=alliances,
        **extra,
    )
    paths: dict[str, list[str]] = {
        Stage.PROPOSED: [],
        Stage.IMPLEMENTING: [Stage.IMPLEMENTING],
        Stage.ACCEPTANCE: [Stage.IMPLEMENTING, Stage.ACCEPTANCE],
        Stage.CLOSED: [Stage.IMPLEMENTING, Stage.ACCEPTANCE, Stage.CLOSED],
    }
    for step in paths[stage]:
        project = services.project_move(actor=world.worker, project=project, to_stage=step, on=day_start())
    return project


def verified(world: World, project, amount: str, on: dt.date | None = None):
    entry = services.savings_claim(
        actor=world.worker,
        project=project,
        amount=Decimal(amount),
        occurred_on=day_start(),
        description="节电",
    )
    return services.savings_verify(
        actor=fresh(world.finance), entry=entry, verified_on=on or day_start(), note="凭证 2026-001"
    )


@pytest.fixture
def make(world):
    """Shortcuts: make.project(...), make.verified(project, "1000.00"), make.suggestion(text),
    make.fresh(user) (the account as a new request sees it), make.start (the projects' 立项 date)."""

    class Make:
        start = day_start()
        fresh = staticmethod(fresh)

        @staticmethod
        def project(**kwargs: Any):
            return make_project(world, **kwargs)

        @staticmethod
        def verified(project, amount: str, on: dt.date | None = None):
            return verified(world, project, amount, on)

        @staticmethod
        def suggestion(
            text: str = "总装车间空压机夜间仍满功率运行，建议加装变频控制，按用气量自动调节。",
            who: User | None = None,
            **kwargs: Any,
        ):
            actor = who or world.member_user
            return services.suggestion_submit(
                actor=actor,
                submitter=actor.person,
                organization=kwargs.pop("organization", world.branch),
                text=text,
                department=kwargs.pop("department", "总装车间"),
                category=kwargs.pop("category", Category.ENERGY),
                **kwargs,
            )

    return Make()
