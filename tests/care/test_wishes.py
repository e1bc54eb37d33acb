"""点亮心愿: consent → the organization's wall → claimed by a party member or a branch → fulfilled,
and the fulfilment becomes the member's deed. A claimed wish can be given back to the wall (解除认领)
and a wish taken down (撤下): each confirmed on its own page and done by a POST; a refusal says why and
changes nothing; the same permission decides in the service, the page, its link and the API."""

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from qixin.care import selectors, services
from qixin.care.models import MessageKind, TicketMessage, TicketStatus, Wish, WishStatus
from qixin.core.errors import ApplicationError, NotFound, PermissionDenied
from qixin.core.models import AuditEntry


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


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _audited(action, wish):
    return list(
        AuditEntry.objects.filter(action=action, model="care.Wish", object_pk=str(wish.pk)).values_list(
            "changes", flat=True
        )
    )


def _state(wish):
    row = Wish.objects.get(pk=wish.pk)
    return row.status, row.claimed_by_person_id, row.claimed_by_branch_id


@pytest.fixture
def wish(world, submit):
    ticket, _code = submit(kind="wish", body="孩子想参观一次总装车间", wish_consent=True)
    return services.wish_publish(
        actor=world.helper, ticket=ticket, title="孩子参观总装车间", text="想看看造车"
    )


@pytest.fixture
def claimed(world, wish):
    return services.wish_claim(actor=world.member, wish=wish)


# --- 解除认领 -----------------------------------------------------------------------------------------
def test_the_claimant_gives_the_wish_back_to_the_wall(world, claimed):
    services.wish_release(actor=world.member, wish=claimed)

    assert _state(claimed) == (WishStatus.PUBLISHED, None, None)
    assert Wish.objects.get(pk=claimed.pk).claimed_at is None
    [changes] = _audited("care_wish_release", claimed)
    assert changes["released"]["person"] == "E100"
    assert changes["released"]["branch"] is None
    assert list(
        TicketMessage.objects.filter(ticket=claimed.ticket, kind=MessageKind.EVENT).values_list(
            "body", flat=True
        )
    ) == ["解除张晓明的认领，心愿重新待认领。"]
    # Back on the wall, someone else may claim it.
    again = services.wish_claim(actor=world.worker, wish=claimed, branch=world.branch)
    assert again.claimed_by_branch == world.branch


def test_a_wish_not_claimed_has_no_claim_to_release(world, wish):
    with pytest.raises(ApplicationError) as refused:
        services.wish_release(actor=world.worker, wish=wish)

    assert (refused.value.code, refused.value.message) == (
        "not_claimed",
        "心愿“孩子参观总装车间”当前为“待认领”，没有认领可放弃。",
    )
    assert _state(wish) == (WishStatus.PUBLISHED, None, None)
    assert _audited("care_wish_release", wish) == []


def test_a_member_who_does_not_hold_a_branch_claim_cannot_release_it(world, wish):
    services.wish_claim(actor=world.worker, wish=wish, branch=world.branch)

    with pytest.raises(PermissionDenied):
        services.wish_release(actor=world.member, wish=wish)

    assert _state(wish) == (WishStatus.CLAIMED, None, world.branch.pk)
    assert _audited("care_wish_release", wish) == []


def test_release_is_confirmed_on_its_page_and_done_by_the_post(world, claimed):
    url = reverse("care:wish_release", args=[claimed.pk])
    wall_url = reverse("care:wall_of", args=[world.branch.pk])
    client = _client(world.member)

    wall = client.get(wall_url).content.decode()
    confirm = client.get(url)
    after_get = _state(claimed)
    response = client.post(url)

    assert f'href="{url}"' in wall
    assert confirm.status_code == 200
    assert "确认解除认领" in confirm.content.decode()
    assert after_get == (WishStatus.CLAIMED, world.member_person.pk, None)
    assert (response.status_code, response.url) == (302, wall_url)
    assert _state(claimed) == (WishStatus.PUBLISHED, None, None)


def test_someone_else_sees_no_release_link_and_cannot_release(world, wish):
    services.wish_claim(actor=world.worker, wish=wish, branch=world.branch)
    url = reverse("care:wish_release", args=[wish.pk])
    client = _client(world.member)

    wall = client.get(reverse("care:wall_of", args=[world.branch.pk]))
    confirm = client.get(url)
    post = client.post(url)
    hidden = _client(world.outsider).post(url)

    assert wall.status_code == 200
    assert url not in wall.content.decode()
    assert (confirm.status_code, post.status_code, hidden.status_code) == (403, 403, 404)
    assert _state(wish) == (WishStatus.CLAIMED, None, world.branch.pk)


def test_api_releases_a_claim(world, claimed):
    path = f"/api/v1/care/wishes/{claimed.pk}/release"
    outsider = _client(world.outsider).post(path, content_type="application/json")
    response = _client(world.member).post(path, content_type="application/json")
    mine_no_more = _client(world.member).post(path, content_type="application/json")
    twice = _client(world.worker).post(path, content_type="application/json")

    assert outsider.status_code == 404
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["claimant"]) == (WishStatus.PUBLISHED, "")
    assert mine_no_more.status_code == 403  # no longer the claimant, and not a handler
    assert (twice.status_code, twice.json()["code"]) == (400, "not_claimed")


# --- 撤下心愿 -----------------------------------------------------------------------------------------
def test_a_handler_takes_a_claimed_wish_down_stating_why(world, claimed):
    services.wish_withdraw(actor=world.worker, wish=claimed, reason=" 员工本人要求撤下 ")

    assert _state(claimed) == (WishStatus.WITHDRAWN, world.member_person.pk, None)
    assert _audited("care_wish_withdraw", claimed) == [
        {
            "status": [WishStatus.CLAIMED, WishStatus.WITHDRAWN],
            "claimant": "张晓明",
            "reason": "员工本人要求撤下",
        }
    ]
    assert list(
        TicketMessage.objects.filter(ticket=claimed.ticket, kind=MessageKind.EVENT).values_list(
            "body", flat=True
        )
    ) == ["心愿已从心愿墙撤下：员工本人要求撤下"]
    assert (
        claimed.title
        not in _client(world.worker).get(reverse("care:wall_of", args=[world.root.pk])).content.decode()
    )


@pytest.mark.parametrize(
    ("prepare", "reason", "code", "message"),
    [
        (None, "  ", "invalid", "内容有误。\n  - “撤下原因”：请填写内容"),
        ("fulfil", "重复", "fulfilled", "已实现的心愿不能撤下。"),
        ("withdraw", "重复", "withdrawn", "心愿“孩子参观总装车间”已撤下。"),
    ],
)
def test_a_bad_withdrawal_says_why_and_changes_nothing(world, claimed, prepare, reason, code, message):
    if prepare == "fulfil":
        services.wish_fulfil(actor=world.member, wish=claimed, fulfilment="周六参观了总装线")
    elif prepare == "withdraw":
        services.wish_withdraw(actor=world.worker, wish=claimed, reason="员工要求")
    before = _state(claimed)
    audited = len(_audited("care_wish_withdraw", claimed))

    with pytest.raises(ApplicationError) as refused:
        services.wish_withdraw(actor=world.worker, wish=claimed, reason=reason)

    assert (refused.value.code, str(refused.value)) == (code, message)
    assert _state(claimed) == before
    assert len(_audited("care_wish_withdraw", claimed)) == audited


def test_the_claimant_cannot_take_a_wish_down(world, claimed):
    with pytest.raises(PermissionDenied):
        services.wish_withdraw(actor=world.member, wish=claimed, reason="不想做了")
    with pytest.raises(PermissionDenied):
        services.wish_withdraw(actor=world.outsider, wish=claimed, reason="x")

    assert _state(claimed) == (WishStatus.CLAIMED, world.member_person.pk, None)


def test_withdrawal_is_confirmed_on_its_page_and_done_by_the_post(world, claimed):
    url = reverse("care:wish_withdraw", args=[claimed.pk])
    ticket_url = reverse("care:ticket", args=[claimed.ticket_id])
    client = _client(world.worker)

    ticket_page = client.get(ticket_url).content.decode()
    confirm = client.get(url + "?from=ticket")
    blank = client.post(url + "?from=ticket", {"reason": ""})
    after_blank = _state(claimed)
    response = client.post(url + "?from=ticket", {"reason": "员工本人要求撤下"})
    after = client.get(ticket_url).content.decode()

    assert f'href="{url}?from=ticket"' in ticket_page
    assert reverse("care:wish_release", args=[claimed.pk]) in ticket_page
    assert "确认撤下" in confirm.content.decode()
    assert blank.status_code == 400
    assert after_blank[0] == WishStatus.CLAIMED
    assert (response.status_code, response.url) == (302, ticket_url)
    assert _state(claimed)[0] == WishStatus.WITHDRAWN
    assert url not in after


def test_the_claimant_sees_no_withdraw_link_and_cannot_withdraw(world, claimed):
    url = reverse("care:wish_withdraw", args=[claimed.pk])
    client = _client(world.member)

    wall = client.get(reverse("care:wall_of", args=[world.branch.pk]))
    confirm = client.get(url)
    post = client.post(url, {"reason": "不想做了"})
    hidden = _client(world.outsider).post(url, {"reason": "x"})

    assert wall.status_code == 200
    assert url not in wall.content.decode()
    assert (confirm.status_code, post.status_code, hidden.status_code) == (403, 403, 404)
    assert _state(claimed)[0] == WishStatus.CLAIMED


def test_api_takes_a_wish_down(world, claimed):
    path = f"/api/v1/care/wishes/{claimed.pk}/withdraw"

    refused = _client(world.member).post(path, {"reason": "x"}, content_type="application/json")
    hidden = _client(world.outsider).post(path, {"reason": "x"}, content_type="application/json")
    blank = _client(world.worker).post(path, {"reason": " "}, content_type="application/json")
    unchanged = _state(claimed)[0]
    response = _client(world.worker).post(
        path, {"reason": "员工本人要求撤下"}, content_type="application/json"
    )

    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert hidden.status_code == 404
    assert (blank.status_code, blank.json()["problems"][0]["field"]) == (400, "撤下原因")
    assert unchanged == WishStatus.CLAIMED
    assert (response.status_code, response.json()["status"]) == (200, WishStatus.WITHDRAWN)
