"""品牌代言's line of the workbench (工作台): the campaigns going on that address the reader and in which
they have no share yet; the campaign list is where they join; in a fixed number of queries."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from tests.builders import account

from qixin.advocacy import selectors, services
from qixin.core import access
from qixin.core.models import User
from qixin.core.workbench import SOURCES, Item


def advocacy_items(user):
    return SOURCES["advocacy.mine"].function(user)


def ready(user: User) -> User:
    user = User.objects.get(pk=user.pk)
    access.scope_for(user)
    return user


def campaign(world, org, name, starts_ago=5, ended_ago=None):
    today = timezone.localdate()
    return services.campaign_create(
        actor=world["admin"],
        organization=org,
        name=name,
        starts_on=today - dt.timedelta(days=starts_ago),
        ends_on=None if ended_ago is None else today - dt.timedelta(days=ended_ago),
    )


def share(world, made, who):
    return services.share_register(
        actor=world["admin"], campaign=made, person=who, channel="朋友圈", shared_on=timezone.localdate()
    )


def count(user):
    (item,) = advocacy_items(ready(user))
    return item.count


def test_campaigns_going_on_that_address_me_and_i_have_not_joined(world):
    company = campaign(world, world["root"], "新车上市转发")
    campaign(world, world["b2"], "二支部的活动")  # addresses 总装第二党支部, not the member
    campaign(world, world["plant"], "已结束的活动", starts_ago=30, ended_ago=10)
    assert advocacy_items(ready(world["member"])) == [
        Item("进行中的代言活动，我尚未参与", 1, reverse("advocacy:index"))
    ]
    today = timezone.localdate()
    listed = [
        c
        for c in selectors.campaign_list_for(actor=world["member"])
        if c.starts_on <= today and (c.ends_on is None or c.ends_on >= today)
    ]
    assert [c.name for c in listed] == ["新车上市转发"]

    campaign(world, world["b1"], "一支部的活动")
    assert count(world["member"]) == 2
    share(world, company, world["m2"])
    assert count(world["member"]) == 1
    share(world, company, world["m1"])  # someone else's share changes nothing for her
    assert count(world["member"]) == 1


def test_an_employee_takes_part_too_an_account_without_a_record_has_no_line(world):
    campaign(world, world["root"], "新车上市转发")
    assert count(account("e1", person=world["e1"])) == 1
    assert advocacy_items(ready(world["worker"])) == []
    assert advocacy_items(None) == []


def test_the_line_costs_two_queries_whatever_the_number_of_campaigns(world, django_assert_num_queries):
    for round in range(2):
        user = ready(world["member"])
        with django_assert_num_queries(2):  # the member's own organization, then the count
            advocacy_items(user)
        for org in (world["root"], world["b1"], world["b2"]):
            made = campaign(world, org, f"活动{round}{org.code}")
            if org != world["b2"]:
                share(world, made, world["m2"])
