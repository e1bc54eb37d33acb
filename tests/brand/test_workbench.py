"""党员品牌's line of the workbench (工作台): a party member's 个人自评 still to write in an open 民主评议
and their own deeds of the year, both on their brand page; counted within their own record, in a fixed
number of queries."""

from django.urls import reverse
from django.utils import timezone
from tests.builders import D, account

from qixin.brand import selectors, services
from qixin.brand.models import EvaluationEntry
from qixin.core import access
from qixin.core.models import User
from qixin.core.workbench import SOURCES, Item


def brand_items(user):
    return SOURCES["brand.mine"].function(user)


def ready(user: User) -> User:
    user = User.objects.get(pk=user.pk)
    access.scope_for(user)
    return user


def deed(world, who, on, description="坚守岗位保障复工"):
    return services.deed_record(actor=world["admin"], person=who, pillars=[], on=on, description=description)


def counts(user):
    return {item.label: item.count for item in brand_items(ready(user))}


def test_the_member_sees_their_self_assessments_due_and_deeds_of_the_year(world):
    today = timezone.localdate()
    deed(world, world["m2"], today)
    deed(world, world["m2"], D(today.year - 1, 6, 1), "去年的事迹")  # another year
    deed(world, world["m1"], today, "书记的事迹")  # someone else's
    page = reverse("brand:person", args=[world["m2"].pk])
    assert brand_items(ready(world["member"])) == [
        Item("民主评议：待填写个人自评", 0, page),
        Item("本年度我的党员事迹", 1, f"{page}?year={today.year}"),
    ]
    listed = selectors.person_deeds_for(actor=world["member"], person_pk=world["m2"].pk, year=today.year)
    assert counts(world["member"])["本年度我的党员事迹"] == listed.total

    deed(world, world["m2"], today, "又一件事迹")
    assert counts(world["member"])["本年度我的党员事迹"] == 2


def test_an_open_evaluation_asks_each_member_of_the_branch_for_a_self_assessment(world):
    services.evaluation_open(actor=world["admin"], branch=world["b1"], year=timezone.localdate().year)
    assert counts(world["member"])["民主评议：待填写个人自评"] == 1
    assert counts(world["member"])["民主评议：待填写个人自评"] == (
        EvaluationEntry.objects.filter(
            person=world["m2"], self_assessment="", evaluation__status="open"
        ).count()
    )
    # 总装第二党支部's evaluation is not theirs.
    services.evaluation_open(actor=world["admin"], branch=world["b2"], year=timezone.localdate().year)
    assert counts(world["member"])["民主评议：待填写个人自评"] == 1

    entry = EvaluationEntry.objects.get(person=world["m2"])
    services.evaluation_self_assess(actor=ready(world["member"]), entry=entry, text="一年来坚守岗位")
    assert counts(world["member"])["民主评议：待填写个人自评"] == 0


def test_only_party_members_have_a_brand_line(world):
    employee = account("e1", person=world["e1"])  # 群众: no deeds, no evaluation
    assert brand_items(ready(employee)) == []
    assert brand_items(ready(world["worker"])) == []  # no record of their own
    assert brand_items(None) == []


def test_the_brand_line_costs_two_queries_whatever_the_number_of_deeds(world, django_assert_num_queries):
    today = timezone.localdate()
    for round in range(2):
        user = ready(world["member"])
        with django_assert_num_queries(2):  # one count per item
            brand_items(user)
        deed(world, world["m2"], today, f"事迹{round}")
        deed(world, world["n1"], today, f"二支部事迹{round}")
    services.evaluation_open(actor=world["admin"], branch=world["b1"], year=today.year)
    services.evaluation_open(actor=world["admin"], branch=world["b2"], year=today.year)
    user = ready(world["member"])
    with django_assert_num_queries(2):
        brand_items(user)
