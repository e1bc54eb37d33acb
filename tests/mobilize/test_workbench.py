"""突击队与专项任务's line of the workbench (工作台): a person's parts in missions under way and their
deployments going on, both on their mobilization page; their own records only, in a fixed number of
queries."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from tests.builders import account

from qixin.core import access
from qixin.core.models import User
from qixin.core.workbench import SOURCES, Item
from qixin.mobilize import selectors, services
from qixin.mobilize.models import MissionStatus


def mobilize_items(user):
    return SOURCES["mobilize.mine"].function(user)


def ready(user: User) -> User:
    user = User.objects.get(pk=user.pk)
    access.scope_for(user)
    return user


def mission(world, name="战疫复工先锋行动一号", status=MissionStatus.ACTIVE):
    today = timezone.localdate()
    made = services.mission_create(
        actor=world["admin"],
        organization=world["plant"],
        name=name,
        kind="先锋行动",
        goal="两周内恢复总装线生产",
        starts_on=today - dt.timedelta(days=10),
    )
    if status == MissionStatus.ACTIVE:
        made = services.mission_set_status(actor=world["admin"], mission=made, status=status)
    return made


def deploy(world, who, starts_on, ends_on=None):
    return services.deployment_record(
        actor=world["admin"],
        person=who,
        kind="驰援",
        destination="武汉",
        starts_on=starts_on,
        ends_on=ends_on,
    )


def counts(user):
    return [item.count for item in mobilize_items(ready(user))]


def test_a_member_sees_their_parts_in_missions_under_way_and_their_deployments_going_on(world):
    today = timezone.localdate()
    under_way, planned = mission(world), mission(world, "筹备中的任务", MissionStatus.PLANNED)
    services.mission_assign(actor=world["admin"], mission=under_way, person=world["m2"], part="物资保障")
    services.mission_assign(actor=world["admin"], mission=planned, person=world["m2"], part="宣传")
    services.mission_assign(actor=world["admin"], mission=under_way, person=world["n1"], part="二支部的")
    deploy(world, world["m2"], today - dt.timedelta(days=60), today - dt.timedelta(days=30))  # over
    deploy(world, world["n1"], today - dt.timedelta(days=3))  # another branch's member
    page = reverse("mobilize:person", args=[world["m2"].pk])
    assert mobilize_items(ready(world["member"])) == [
        Item("我承担的进行中任务", 1, page),
        Item("我正在派驻", 0, page),
    ]
    shown = selectors.person_mobilization_for(actor=world["member"], person=world["m2"])
    assert counts(world["member"]) == [
        sum(1 for a in shown["assignments"] if a.mission.status == MissionStatus.ACTIVE),
        sum(
            1
            for d in shown["deployments"]
            if d.starts_on <= today and (d.ends_on is None or d.ends_on >= today)
        ),
    ]

    services.mission_set_status(actor=world["admin"], mission=planned, status=MissionStatus.ACTIVE)
    deploy(world, world["m2"], today - dt.timedelta(days=3), today + dt.timedelta(days=5))
    assert counts(world["member"]) == [2, 1]


def test_an_employee_may_have_a_part_too_but_an_account_without_a_record_has_no_line(world):
    employee = account("e1", person=world["e1"])
    services.mission_assign(actor=world["admin"], mission=mission(world), person=world["e1"], part="后勤")
    assert counts(employee) == [1, 0]
    assert mobilize_items(ready(world["worker"])) == []
    assert mobilize_items(None) == []


def test_the_line_costs_two_queries_whatever_the_number_of_records(world, django_assert_num_queries):
    today = timezone.localdate()
    for round in range(2):
        user = ready(world["member"])
        with django_assert_num_queries(2):  # one count per item
            mobilize_items(user)
        under_way = mission(world, f"任务{round}")
        for who in (world["m2"], world["n1"]):
            services.mission_assign(actor=world["admin"], mission=under_way, person=who, part="保障")
            # Past deployments, one after the other (a person is deployed once at a time).
            deploy(
                world,
                who,
                today - dt.timedelta(days=30 * round + 40),
                today - dt.timedelta(days=30 * round + 20),
            )
