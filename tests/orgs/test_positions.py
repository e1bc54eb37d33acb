"""Appointing to posts: who may hold an elected post (RULES.md, Members: probationary members cannot be
elected), the dates a term may have, one secretary at a time; a refusal changes nothing."""

import datetime as dt

import pytest
from django.utils import timezone
from tests.builders import FOUNDED, D, org, person

from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry
from qixin.core.services import system_user
from qixin.orgs import services
from qixin.orgs.models import OrgKind, Position, PositionTitle
from qixin.people.models import Membership
from qixin.people.services import membership_set_standing

pytestmark = pytest.mark.django_db

START = D(2024, 1, 1)


@pytest.fixture
def world():
    root = org(None, "R", OrgKind.COMMITTEE, "示例党委")
    b1 = org(root, "B1", name="第一党支部")
    group = org(b1, "B1-G", OrgKind.GROUP, "第一党小组")
    b2 = org(root, "B2", name="第二党支部")
    suspended = person(b1, "S1", category="正式党员", name="王停止")
    membership_set_standing(
        actor=system_user(),
        membership=Membership.objects.get(person=suspended),
        values={"standing": "停止党籍"},
    )
    return {
        "root": root,
        "b1": b1,
        "group": group,
        "b2": b2,
        "full": person(b1, "F1", category="正式党员", name="张正式", joined=D(2015, 7, 1)),
        "full2": person(b1, "F2", category="正式党员", name="赵接任", joined=D(2012, 7, 1)),
        "probationary": person(
            b1, "P1", category="预备党员", name="李预备", joined=timezone.localdate() - dt.timedelta(days=90)
        ),
        "suspended": suspended,
        "employee": person(b1, "E1", name="周群众"),
        "outsider": person(b2, "O1", category="正式党员", name="孙外支"),
    }


def assign(org_, who, title=PositionTitle.SECRETARY, started_on=START, **kwargs):
    return services.position_assign(
        actor=system_user(), org=org_, person_id=who.pk, title=title, started_on=started_on, **kwargs
    )


def refused(match: str, org_, who, title=PositionTitle.SECRETARY, **kwargs) -> ApplicationError:
    positions, audits = Position.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ApplicationError, match=match) as caught:
        assign(org_, who, title, **kwargs)
    assert (Position.objects.count(), AuditEntry.objects.count()) == (positions, audits)
    return caught.value


@pytest.mark.parametrize(
    "title",
    [
        PositionTitle.SECRETARY,
        PositionTitle.DEPUTY_SECRETARY,
        PositionTitle.ORGANIZATION,
        PositionTitle.PUBLICITY,
        PositionTitle.DISCIPLINE,
        PositionTitle.COMMITTEE_MEMBER,
    ],
)
def test_a_probationary_member_cannot_hold_an_elected_post(world, title):
    error = refused(
        "李预备是预备党员", world["b1"], world["probationary"], title, started_on=timezone.localdate()
    )
    assert error.code == "not_eligible"
    assert "没有表决权、选举权和被选举权" in error.message


def test_a_custom_committee_post_is_elected_too(world):
    error = refused(
        "李预备是预备党员。青年委员须经选举产生",
        world["b1"],
        world["probationary"],
        PositionTitle.CUSTOM,
        started_on=timezone.localdate(),
        custom_title="青年委员",
    )
    assert error.code == "not_eligible"


def test_a_member_whose_standing_is_stopped_holds_no_post(world):
    refused("王停止的党籍状态为“停止党籍”，不能担任书记", world["b1"], world["suspended"])
    refused(
        "王停止的党籍状态为“停止党籍”，不能担任党小组长",
        world["group"],
        world["suspended"],
        PositionTitle.GROUP_LEADER,
    )


def test_a_full_member_is_appointed_and_the_appointment_audited(world):
    position = assign(world["b1"], world["full"])
    assert (position.organization, position.person, position.title, position.ended_on) == (
        world["b1"],
        world["full"],
        "secretary",
        None,
    )
    entry = AuditEntry.objects.get(action="create", model="orgs.Position", object_pk=str(position.pk))
    assert entry.changes["title"] == "书记"


def test_a_probationary_member_may_lead_a_party_group_or_hold_a_non_elected_post(world):
    leader = assign(
        world["group"], world["probationary"], PositionTitle.GROUP_LEADER, started_on=timezone.localdate()
    )
    liaison = assign(
        world["b1"],
        world["probationary"],
        PositionTitle.CUSTOM,
        started_on=timezone.localdate(),
        custom_title="联络员",
    )
    assert (leader.display_title, liaison.display_title, liaison.is_committee) == (
        "党小组长",
        "联络员",
        False,
    )


def test_an_elected_post_needs_full_membership_on_the_start_date(world):
    # 张正式 joined 2015-07-01 and became full 2016-07-01.
    refused(
        "张正式于2016-07-01转为正式党员，任职日期2016-01-01时还是预备党员",
        world["b1"],
        world["full"],
        started_on=D(2016, 1, 1),
    )


def test_only_a_member_of_the_organization_is_appointed(world):
    refused("该人员不是“第一党支部”（含下级组织）的在册党员", world["b1"], world["outsider"])
    refused("不是“第一党支部”", world["b1"], world["employee"])


def test_start_dates_in_the_future_or_before_the_organization_are_refused(world):
    refused(
        "任职日期不能晚于今天",
        world["b1"],
        world["full"],
        started_on=timezone.localdate() + dt.timedelta(days=1),
    )
    refused(
        f"任职日期不能早于“第一党支部”的成立日期{FOUNDED}",
        world["b1"],
        world["full"],
        started_on=FOUNDED - dt.timedelta(days=1),
    )


def test_a_custom_post_needs_its_name(world):
    refused("须填写职务名称", world["b1"], world["full"], PositionTitle.CUSTOM, custom_title="  ")


def test_a_second_current_secretary_is_refused_unless_the_current_one_is_replaced(world):
    first = assign(world["b1"], world["full"], started_on=D(2021, 3, 1))
    error = refused("“第一党支部”已有在任书记张正式（自2021-03-01起）", world["b1"], world["full2"])
    assert error.code == "secretary_taken"
    refused(
        "新任书记的任职日期须晚于现任书记张正式的任职日期2021-03-01",
        world["b1"],
        world["full2"],
        started_on=D(2021, 3, 1),
        replace_current=True,
    )

    second = assign(world["b1"], world["full2"], started_on=D(2024, 3, 1), replace_current=True)
    first.refresh_from_db()
    assert (first.ended_on, second.ended_on) == (D(2024, 3, 1), None)
    assert list(
        Position.objects.filter(organization=world["b1"], ended_on__isnull=True).values_list(
            "person__name", flat=True
        )
    ) == ["赵接任"]


def test_a_past_secretary_term_may_not_overlap_another(world):
    assign(world["b1"], world["full"], started_on=D(2021, 3, 1))
    refused(
        "2021-03-01至今“第一党支部”的书记是张正式",
        world["b1"],
        world["full2"],
        started_on=D(2019, 1, 1),
        ended_on=D(2022, 1, 1),
    )
    past = assign(world["b1"], world["full2"], started_on=D(2018, 1, 1), ended_on=D(2021, 3, 1))
    assert past.ended_on == D(2021, 3, 1)


def test_the_same_person_is_not_appointed_twice_to_the_same_post(world):
    assign(world["b1"], world["full"], PositionTitle.ORGANIZATION)
    refused(
        "张正式在2024-01-01至今已任组织委员",
        world["b1"],
        world["full"],
        PositionTitle.ORGANIZATION,
        started_on=D(2025, 1, 1),
    )


def test_ending_a_term_before_it_started_is_refused(world):
    position = assign(world["b1"], world["full"])
    with pytest.raises(ApplicationError, match="离任日期不能早于任职日期"):
        services.position_end(actor=system_user(), position=position, ended_on=D(2023, 12, 31))
    position.refresh_from_db()
    assert position.ended_on is None
    services.position_end(actor=system_user(), position=position, ended_on=D(2025, 1, 1))
    with pytest.raises(ApplicationError, match="该职务已于2025-01-01离任"):
        services.position_end(actor=system_user(), position=position, ended_on=D(2025, 2, 1))
