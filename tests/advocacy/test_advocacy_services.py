import datetime as dt

import pytest
from tests.builders import account

from qixin.advocacy import selectors, services
from qixin.advocacy.models import Share
from qixin.core.errors import ApplicationError, NotFound

D = dt.date


@pytest.fixture
def campaign(world):
    return services.campaign_create(
        actor=world["worker"],
        organization=world["root"],
        name="爱我所爱、我来代言",
        starts_on=D(2026, 5, 1),
        ends_on=D(2026, 6, 30),
        items=[("新车上市", "https://example.com/id3", "转发新车海报")],
    )


def test_participation_counted_by_branch_and_person(world, campaign):
    item = campaign.items.get()
    services.share_register(
        actor=world["member"],
        campaign=campaign,
        person=world["m2"],
        channel="朋友圈",
        shared_on=D(2026, 5, 2),
        link="https://example.com/s/1",
        reach=120,
        item=item,
    )
    services.share_register(
        actor=world["member"],
        campaign=campaign,
        person=world["m2"],
        channel="抖音",
        shared_on=D(2026, 5, 3),
        reach=30,
    )
    services.share_register(
        actor=world["secretary"],
        campaign=campaign,
        person=world["e1"],
        channel="微信群",
        shared_on=D(2026, 5, 3),
    )
    services.share_register(
        actor=world["admin"],
        campaign=campaign,
        person=world["n1"],
        channel="微博",
        shared_on=D(2026, 5, 4),
        reach=10,
    )
    by_branch = selectors.participation_by_branch_for(actor=world["worker"], campaign=campaign)
    assert [(b.name, b.participants, b.shares, b.reach) for b in by_branch] == [
        ("总装第一党支部", 2, 3, 150),
        ("总装第二党支部", 1, 1, 10),
    ]
    by_person = selectors.participation_by_person_for(actor=world["secretary"], campaign=campaign)
    assert [(p.employee_no, p.shares, p.reach) for p in by_person] == [("A2", 2, 150), ("E1", 1, 0)]
    assert (
        selectors.participants_for(
            actor=world["worker"], org=world["root"], start=D(2026, 1, 1), end=D(2027, 1, 1)
        ).count()
        == 3
    )


def test_member_sees_a_campaign_addressed_above_them(world, campaign):
    assert selectors.campaign_get_for(actor=world["member"], pk=campaign.pk) == campaign
    assert list(selectors.campaign_list_for(actor=world["member"])) == [campaign]


def test_member_cannot_register_a_colleagues_share(world, campaign):
    with pytest.raises(ApplicationError) as exc:
        services.share_register(
            actor=world["member"],
            campaign=campaign,
            person=world["m3"],
            channel="朋友圈",
            shared_on=D(2026, 5, 2),
        )
    assert exc.value.status == 403
    assert Share.objects.count() == 0


def test_secretary_cannot_register_another_branchs_share(world, campaign):
    with pytest.raises(NotFound):
        services.share_register(
            actor=world["secretary"],
            campaign=campaign,
            person=world["n1"],
            channel="朋友圈",
            shared_on=D(2026, 5, 2),
        )
    assert Share.objects.count() == 0


def test_share_outside_campaign_or_twice_is_refused(world, campaign):
    with pytest.raises(ApplicationError) as exc:
        services.share_register(
            actor=world["admin"],
            campaign=campaign,
            person=world["m2"],
            channel="朋友圈",
            shared_on=D(2026, 7, 2),
        )
    assert "活动期间" in str(exc.value)
    services.share_register(
        actor=world["admin"],
        campaign=campaign,
        person=world["m2"],
        channel="朋友圈",
        shared_on=D(2026, 5, 2),
        link="https://example.com/s/1",
    )
    with pytest.raises(ApplicationError):
        services.share_register(
            actor=world["admin"],
            campaign=campaign,
            person=world["m1"],
            channel="朋友圈",
            shared_on=D(2026, 5, 2),
            link="https://example.com/s/1",
        )
    assert Share.objects.count() == 1


def test_branch_campaign_does_not_take_other_branches(world):
    local = services.campaign_create(
        actor=world["secretary"], organization=world["b1"], name="我的最亲密接触", starts_on=D(2026, 5, 1)
    )
    with pytest.raises(ApplicationError):
        services.share_register(
            actor=world["admin"], campaign=local, person=world["n1"], channel="线下", shared_on=D(2026, 5, 2)
        )
    with pytest.raises(NotFound):
        selectors.campaign_get_for(actor=user_for(world, "n1"), pk=local.pk)


def user_for(world, key):

    return account(f"u-{key}", password="x-pass-2026", person=world[key])


def test_member_registers_own_share_on_the_page(client, world, campaign):
    client.force_login(world["member"])
    assert "爱我所爱、我来代言" in client.get("/advocacy/").content.decode()
    response = client.post(
        f"/advocacy/{campaign.pk}/share/",
        {"channel": "朋友圈", "link": "https://example.com/s/9", "reach": "80", "shared_on": "2026-05-05"},
    )
    assert response.status_code == 302
    share = Share.objects.get()
    assert (share.person, share.reach, share.organization) == (world["m2"], 80, world["b1"])
    page = client.get(f"/advocacy/{campaign.pk}/").content.decode()
    assert "您已登记 1 次分享" in page


def test_api_participation_scoped(client, world, campaign):
    from qixin.core.services import api_token_create

    services.share_register(
        actor=world["admin"], campaign=campaign, person=world["n1"], channel="微博", shared_on=D(2026, 5, 4)
    )
    _t, key = api_token_create(actor=world["secretary"], name="t")
    body = client.get(
        f"/api/v1/advocacy/campaigns/{campaign.pk}/participation", HTTP_AUTHORIZATION=f"Bearer {key}"
    ).json()
    assert body == {"by_branch": [], "by_person": []}  # branch 2's share is not the secretary's to see


def test_an_employee_who_is_not_a_member_takes_part(world, campaign):
    employee = user_for(world, "e1")
    assert selectors.campaign_get_for(actor=employee, pk=campaign.pk) == campaign
    assert list(selectors.campaign_list_for(actor=employee)) == [campaign]
    share = services.share_register(
        actor=employee, campaign=campaign, person=world["e1"], channel="线下", shared_on=D(2026, 5, 2)
    )
    assert share.organization == world["b1"]
    with pytest.raises(ApplicationError):
        services.share_register(
            actor=employee, campaign=campaign, person=world["m2"], channel="线下", shared_on=D(2026, 5, 2)
        )
    assert Share.objects.count() == 1
