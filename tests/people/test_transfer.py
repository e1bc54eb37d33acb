"""组织关系转接: each move is kept in the member's history; refusals leave everything as it was."""

import pytest
from tests.builders import D, org, person

from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry
from qixin.core.services import system_user
from qixin.orgs.models import OrgKind
from qixin.people import selectors
from qixin.people.models import Membership, MembershipTransfer
from qixin.people.services import membership_end, membership_transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    root = org(None, "R", OrgKind.COMMITTEE)
    b1, b2, b3 = (org(root, f"B{i}", name=f"第{i}党支部") for i in (1, 2, 3))
    member = person(b1, "M1", category="正式党员")
    return {
        "b1": b1,
        "b2": b2,
        "b3": b3,
        "member": member,
        "membership": Membership.objects.get(person=member),
    }


def test_two_transfers_make_a_history_in_order(world):
    m = world["membership"]
    membership_transfer(
        actor=system_user(), membership=m, target=world["b2"], on=D(2025, 3, 1), reason="岗位调动"
    )
    membership_transfer(
        actor=system_user(), membership=m, target=world["b3"], on=D(2026, 2, 1), reason="部门调整"
    )
    history = list(
        MembershipTransfer.objects.filter(membership=m)
        .order_by("transferred_on")
        .values_list("from_branch__code", "to_branch__code", "transferred_on", "reason")
    )
    assert history == [("B1", "B2", D(2025, 3, 1), "岗位调动"), ("B2", "B3", D(2026, 2, 1), "部门调整")]
    m.refresh_from_db()
    world["member"].refresh_from_db()
    assert m.branch == world["b3"]
    assert world["member"].organization == world["b3"]
    assert AuditEntry.objects.filter(action="transfer", object_pk=str(m.pk)).count() == 2
    page = selectors.person_page_for(actor=system_user(), pk=world["member"].pk)
    assert [t.to_branch.code for t in page.transfers] == ["B3", "B2"]


@pytest.mark.parametrize(
    ("target", "day", "message"),
    [("b1", D(2026, 1, 1), "转入支部与当前所在支部相同"), ("b2", D(2099, 1, 1), "转接日期不能晚于今天")],
)
def test_refused_transfers_change_nothing(world, target, day, message):
    with pytest.raises(ApplicationError, match=message):
        membership_transfer(actor=system_user(), membership=world["membership"], target=world[target], on=day)
    assert not MembershipTransfer.objects.exists()
    world["membership"].refresh_from_db()
    assert world["membership"].branch == world["b1"]


def test_an_ended_membership_cannot_be_transferred_and_stays_in_history(world):
    m = world["membership"]
    membership_end(actor=system_user(), membership=m, on=D(2026, 5, 1), reason="转出")
    with pytest.raises(ApplicationError, match="已终止"):
        membership_transfer(actor=system_user(), membership=m, target=world["b2"], on=D(2026, 6, 1))
    assert Membership.objects.filter(person=world["member"]).get().ended_on == D(2026, 5, 1)
