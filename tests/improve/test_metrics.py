"""The app's figures in the reports: values for a subtree and period, and their drill-downs."""

import datetime as dt
from decimal import Decimal

from qixin.core.periods import Period
from qixin.improve import services
from qixin.reports import selectors  # noqa: F401  (registers the metrics)
from qixin.reports.metrics import REGISTRY, Scope

from .test_suggestions import NEAR_COPY, ORIGINAL


def value(world, key, org=None, period=None):
    scope = Scope(
        actor=world.worker,
        org=org or world.committee,
        period=period or Period(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    )
    return REGISTRY[key].compute(scope)


def drill_rows(world, key):
    scope = Scope(
        actor=world.worker, org=world.committee, period=Period(dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    )
    drill = REGISTRY[key].drill
    assert drill is not None
    return list(drill(scope).all_rows())


def test_figures_of_the_drive(world, make):
    alliance = services.alliance_create(
        actor=world.worker,
        name="总装能耗联盟",
        lead_branch=world.branch,
        leader=world.member,
        founded_on=make.start,
    )
    project = make.project(alliances=[alliance])
    make.project(title="员工项目", owner=world.employee, stage="立项")
    make.verified(project, "1000000.00")
    original = make.suggestion(ORIGINAL)
    copy = make.suggestion(NEAR_COPY, who=world.member2_user, organization=world.branch2)
    services.suggestion_merge(actor=world.worker, duplicate=copy, into=original)
    services.studio_create(
        actor=world.worker,
        organization=world.branch,
        name="空压节能工作室",
        leader=world.member,
        founded_on=make.start,
    )
    services.studio_create(
        actor=world.worker,
        organization=world.branch,
        name="员工工作室",
        leader=world.employee,
        founded_on=make.start,
    )

    assert value(world, "improve.alliances") == 1
    assert (value(world, "improve.projects"), value(world, "improve.projects.member_owned")) == (2, 1)
    assert (value(world, "improve.projects.implementing"), value(world, "improve.projects.proposed")) == (
        1,
        1,
    )
    assert (value(world, "improve.suggestions"), value(world, "improve.suggestions.merged")) == (2, 1)
    assert value(world, "improve.savings_verified") == Decimal("1000000.00")
    assert value(world, "improve.savings_verified", org=world.branch2) == Decimal("0.00")
    assert (value(world, "improve.studios"), value(world, "improve.studios.led_by_members")) == (2, 1)
    assert value(world, "improve.studios.led_by_members_share") == Decimal("50.0")
    assert [row[1] for row in drill_rows(world, "improve.savings_verified")] == [project.savings.get().number]
    assert len(drill_rows(world, "improve.projects.member_owned")) == 1


def test_outsider_sees_no_figures_of_another_enterprise(world, make):
    make.verified(make.project(), "500.00")
    scope = Scope(
        actor=world.outsider, org=world.committee, period=Period(dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    )

    assert REGISTRY["improve.savings_verified"].compute(scope) == Decimal("0.00")
