"""点亮心愿: consent → the organization's wall → claimed by a party member or a branch → fulfilled,
and the fulfilment becomes the member's deed."""

import pytest
from django.apps import apps

from qixin.care import selectors, services
from qixin.care.models import TicketStatus, WishStatus
from qixin.core.errors import ApplicationError, NotFound, PermissionDenied


@pytest.fixture
def wish_ticket(submit):
    ticket, _code = submit(kind="wish", body="孩子想参观一次总装车间", wish_consent=True)
    return ticket


def test_without_consent_a_wish_stays_off_the_wall(world, submit):
    ticket, _ = submit(kind="wish", body="想学做汽车模型")
    with pytest.raises(PermissionDenied):
        services.wish_publish(actor=world.helper, ticket=ticket, title="学做汽车模型", text="周末")
    assert not hasattr(ticket, "wish") or ticket.wish is None


def test_consent_only_counts_for_wishes(world, submit):
    ticket, _ = submit(kind="appeal", body="想换岗", wish_consent=True)
    assert ticket.wish_consent is False


def test_a_member_claims_and_fulfils_a_wish_which_becomes_their_deed(world, wish_ticket):
    wish = services.wish_publish(
        actor=world.helper,
        ticket=wish_ticket,
        title="孩子参观总装车间",
        text="一位员工的孩子想看看汽车是怎么造出来的",
    )
    wall = selectors.wish_wall_for(actor=world.member, org=world.branch)
    assert [w.title for w in wall] == ["孩子参观总装车间"]
    services.wish_claim(actor=world.member, wish=wish)
    with pytest.raises(ApplicationError) as taken:
        services.wish_claim(actor=world.member, wish=wish)
    assert taken.value.code == "taken"
    services.wish_fulfil(actor=world.member, wish=wish, fulfilment="周六带孩子参观了总装线")
    wish.refresh_from_db()
    wish_ticket.refresh_from_db()
    assert wish.status == WishStatus.FULFILLED
    assert wish.claimed_by_person == world.member_person
    assert wish_ticket.status == TicketStatus.CLOSED
    assert [m.body for m in selectors.public_messages(wish_ticket)] == [
        "您的心愿已实现：周六带孩子参观了总装线"
    ]
    deed = apps.get_model("brand", "Deed").objects.get(pk=int(wish.contribution_ref))
    assert deed.person == world.member_person
    assert (deed.source_model, deed.source_pk) == ("care.wish", str(wish.pk))


def test_an_employee_who_is_not_a_member_cannot_claim_for_themself(world, wish_ticket):
    wish = services.wish_publish(actor=world.helper, ticket=wish_ticket, title="参观", text="参观车间")
    with pytest.raises(ApplicationError) as refused:
        services.wish_claim(actor=world.helper, wish=wish)
    assert refused.value.code == "not_member"
    wish.refresh_from_db()
    assert wish.status == WishStatus.PUBLISHED


def test_a_branch_claims_through_its_manager(world, wish_ticket):
    wish = services.wish_publish(actor=world.helper, ticket=wish_ticket, title="参观", text="参观车间")
    with pytest.raises(PermissionDenied):
        services.wish_claim(actor=world.member, wish=wish, branch=world.branch)
    services.wish_claim(actor=world.worker, wish=wish, branch=world.branch)
    services.wish_fulfil(actor=world.worker, wish=wish, fulfilment="支部组织了开放日")
    wish.refresh_from_db()
    assert (wish.status, wish.claimed_by_branch, wish.contribution_ref) == (
        WishStatus.FULFILLED,
        world.branch,
        "",
    )


def test_the_wall_is_for_those_who_read_the_organization(world, wish_ticket):
    services.wish_publish(actor=world.helper, ticket=wish_ticket, title="参观", text="参观车间")
    with pytest.raises(NotFound):
        selectors.wish_wall_for(actor=world.outsider, org=world.branch)
    assert selectors.wish_wall_for(actor=world.worker, org=world.root).count() == 1
