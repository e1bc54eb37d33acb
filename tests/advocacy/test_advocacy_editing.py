"""Correcting advocacy records: a campaign is edited or closed, and a share registered by mistake is
deleted. A refusal names the field and changes nothing; the same permission decides in the service,
the page, its link and the API."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.builders import account

from qixin.advocacy import services
from qixin.advocacy.models import Campaign, Share
from qixin.core.errors import ApplicationError, NotFound, PermissionDenied
from qixin.core.models import AuditEntry

D = dt.date


def day_tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def outsider(db):
    return account("outsider", password="x-pass-2026")


@pytest.fixture
def campaign(world):
    return services.campaign_create(
        actor=world["secretary"],
        organization=world["b1"],
        name="我的最亲密接触",
        starts_on=D(2026, 1, 1),
        description="试驾分享",
    )


@pytest.fixture
def share(world, campaign):
    return services.share_register(
        actor=world["member"],
        campaign=campaign,
        person=world["m2"],
        channel="朋友圈",
        shared_on=D(2026, 1, 5),
        link="https://example.com/s/1",
        reach=80,
    )


def _audited(action, obj):
    return list(
        AuditEntry.objects.filter(action=action, model=obj._meta.label, object_pk=str(obj.pk)).values_list(
            "changes", flat=True
        )
    )


def _api(client, user, method, path, body=None):
    client.force_login(user)
    return getattr(client, method)(
        f"/api/v1/advocacy/{path}", json.dumps(body or {}), content_type="application/json"
    )


def _edit(world, campaign, actor=None, **changes):
    values = {
        "name": campaign.name,
        "description": campaign.description,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
    } | changes
    return services.campaign_update(actor=actor or world["secretary"], campaign=campaign, **values)


# --- editing a campaign --------------------------------------------------------------------------------


def test_a_campaign_is_corrected(world, campaign):
    _edit(world, campaign, name=" 我的最亲密接触·试驾 ", ends_on=D(2026, 12, 31))

    row = Campaign.objects.get(pk=campaign.pk)
    assert (row.name, row.ends_on) == ("我的最亲密接触·试驾", D(2026, 12, 31))
    assert _audited("update", campaign) == [
        {"name": ["我的最亲密接触", "我的最亲密接触·试驾"], "ends_on": [None, "2026-12-31"]}
    ]


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"name": " "}, "required", "请填写活动名称。"),
        ({"ends_on": D(2025, 12, 31)}, "bad_period", "结束日期不能早于开始日期。"),
        (
            {"starts_on": D(2026, 1, 10)},
            "shares_outside",
            "已有1条分享登记的日期（2026-01-05）不在活动期间内，请先核对或删除这些登记。",
        ),
        (
            {"ends_on": D(2026, 1, 4)},
            "shares_outside",
            "已有1条分享登记的日期（2026-01-05）不在活动期间内，请先核对或删除这些登记。",
        ),
    ],
)
def test_a_bad_campaign_edit_names_the_field_and_changes_nothing(
    world, campaign, share, changes, code, message
):
    with pytest.raises(ApplicationError) as refused:
        _edit(world, campaign, **changes)

    assert (refused.value.code, refused.value.message) == (code, message)
    row = Campaign.objects.get(pk=campaign.pk)
    assert (row.name, row.starts_on, row.ends_on) == ("我的最亲密接触", D(2026, 1, 1), None)
    assert _audited("update", campaign) == []


def test_campaign_create_keeps_the_same_rules(world):
    with pytest.raises(ApplicationError) as refused:
        services.campaign_create(
            actor=world["secretary"], organization=world["b1"], name="  ", starts_on=D(2026, 1, 1)
        )

    assert (refused.value.code, refused.value.message) == ("required", "请填写活动名称。")
    assert Campaign.objects.count() == 0


def test_only_the_campaigns_managers_edit_it(world, campaign, outsider):
    with pytest.raises(PermissionDenied):
        _edit(world, campaign, actor=world["member"], name="x")
    with pytest.raises(NotFound):
        _edit(world, campaign, actor=outsider, name="x")

    assert Campaign.objects.get(pk=campaign.pk).name == "我的最亲密接触"


def test_campaign_edit_page_is_prefilled_saves_and_is_hidden_from_members(client, world, campaign, outsider):
    url = reverse("advocacy:campaign_edit", args=[campaign.pk])
    detail_url = reverse("advocacy:campaign", args=[campaign.pk])
    client.force_login(world["secretary"])
    detail = client.get(detail_url).content.decode()
    form = client.get(url).content.decode()
    bad = client.post(url, {"name": "我的最亲密接触", "starts_on": "2026-01-01", "ends_on": "2025-01-01"})
    response = client.post(url, {"name": "试驾分享季", "starts_on": "2026-01-01", "description": "试驾分享"})
    client.force_login(world["member"])
    member_detail = client.get(detail_url).content.decode()
    member_post = client.post(url, {"name": "x", "starts_on": "2026-01-01"})
    client.force_login(outsider)
    hidden = client.get(url)

    assert f'href="{url}"' in detail
    assert 'value="我的最亲密接触"' in form
    assert 'value="2026-01-01"' in form
    assert bad.status_code == 400
    assert "结束日期不能早于开始日期。" in bad.content.decode()
    assert (response.status_code, response.url) == (302, detail_url)
    assert Campaign.objects.get(pk=campaign.pk).name == "试驾分享季"
    assert url not in member_detail
    assert (member_post.status_code, hidden.status_code) == (403, 404)


def test_api_patches_a_campaign(client, world, campaign, share, outsider):
    path = f"campaigns/{campaign.pk}"

    refused = _api(client, world["member"], "patch", path, {"name": "x"})
    hidden = _api(client, outsider, "patch", path, {"name": "x"})
    bad = _api(client, world["secretary"], "patch", path, {"starts_on": "2026-02-01"})
    response = _api(client, world["secretary"], "patch", path, {"description": "", "ends_on": "2026-06-30"})

    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert hidden.status_code == 404
    assert (bad.status_code, bad.json()["code"]) == (400, "shares_outside")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["description"], response.json()["ends_on"]) == (
        "我的最亲密接触",
        "",
        "2026-06-30",
    )


# --- closing a campaign --------------------------------------------------------------------------------


def test_a_campaign_is_closed_and_takes_no_later_shares(world, campaign):
    services.campaign_close(actor=world["secretary"], campaign=campaign, on=timezone.localdate())

    assert Campaign.objects.get(pk=campaign.pk).ends_on == timezone.localdate()
    assert _audited("close", campaign) == [{"ends_on": [None, timezone.localdate().isoformat()]}]
    with pytest.raises(ApplicationError) as late:
        services.share_register(
            actor=world["member"],
            campaign=campaign,
            person=world["m2"],
            channel="微博",
            shared_on=day_tomorrow(),
        )
    assert "日期不在活动期间内。" in str(late.value)


@pytest.mark.parametrize(
    ("on", "code", "message"),
    [
        (day_tomorrow(), "future_date", "结束日期不能晚于今天。"),
        (D(2025, 12, 31), "bad_period", "结束日期不能早于开始日期。"),
        (
            D(2026, 1, 4),
            "shares_outside",
            "已有1条分享登记的日期（2026-01-05）不在活动期间内，请先核对或删除这些登记。",
        ),
    ],
)
def test_a_bad_closing_names_the_field_and_changes_nothing(world, campaign, share, on, code, message):
    with pytest.raises(ApplicationError) as refused:
        services.campaign_close(actor=world["secretary"], campaign=campaign, on=on)

    assert (refused.value.code, refused.value.message) == (code, message)
    assert Campaign.objects.get(pk=campaign.pk).ends_on is None
    assert _audited("close", campaign) == []


def test_an_ended_campaign_is_not_closed_again(world, campaign):
    services.campaign_close(actor=world["secretary"], campaign=campaign, on=D(2026, 1, 31))

    with pytest.raises(ApplicationError) as refused:
        services.campaign_close(actor=world["secretary"], campaign=campaign, on=timezone.localdate())

    assert (refused.value.code, refused.value.message) == ("ended", "“我的最亲密接触”已于2026-01-31结束。")
    assert Campaign.objects.get(pk=campaign.pk).ends_on == D(2026, 1, 31)


def test_only_the_campaigns_managers_close_it(world, campaign, outsider):
    with pytest.raises(PermissionDenied):
        services.campaign_close(actor=world["member"], campaign=campaign, on=timezone.localdate())
    with pytest.raises(NotFound):
        services.campaign_close(actor=outsider, campaign=campaign, on=timezone.localdate())

    assert Campaign.objects.get(pk=campaign.pk).ends_on is None


def test_closing_is_confirmed_on_its_page_and_done_by_the_post(client, world, campaign, outsider):
    url = reverse("advocacy:campaign_close", args=[campaign.pk])
    detail_url = reverse("advocacy:campaign", args=[campaign.pk])
    client.force_login(world["secretary"])
    detail = client.get(detail_url).content.decode()
    confirm = client.get(url)
    after_get = Campaign.objects.get(pk=campaign.pk).ends_on
    client.force_login(world["member"])
    member_detail = client.get(detail_url).content.decode()
    member_post = client.post(url, {"on": timezone.localdate().isoformat()})
    client.force_login(outsider)
    hidden = client.post(url, {"on": timezone.localdate().isoformat()})
    client.force_login(world["secretary"])
    response = client.post(url, {"on": D(2026, 1, 31).isoformat()})
    closed = client.get(detail_url).content.decode()

    assert f'href="{url}"' in detail
    assert "确认结束" in confirm.content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in confirm.content.decode()
    assert after_get is None
    assert url not in member_detail
    assert (member_post.status_code, hidden.status_code) == (403, 404)
    assert (response.status_code, response.url) == (302, detail_url)
    assert Campaign.objects.get(pk=campaign.pk).ends_on == D(2026, 1, 31)
    assert url not in closed


def test_api_closes_a_campaign(client, world, campaign, outsider):
    path = f"campaigns/{campaign.pk}/close"

    refused = _api(client, world["member"], "post", path, {"on": timezone.localdate().isoformat()})
    hidden = _api(client, outsider, "post", path, {"on": timezone.localdate().isoformat()})
    bad = _api(client, world["secretary"], "post", path, {"on": day_tomorrow().isoformat()})
    unchanged = Campaign.objects.get(pk=campaign.pk).ends_on
    response = _api(client, world["secretary"], "post", path, {"on": timezone.localdate().isoformat()})

    assert (refused.status_code, hidden.status_code) == (403, 404)
    assert (bad.status_code, bad.json()["message"]) == (400, "结束日期不能晚于今天。")
    assert unchanged is None
    assert (response.status_code, response.json()["ends_on"]) == (200, timezone.localdate().isoformat())


# --- deleting a share -----------------------------------------------------------------------------------


def test_a_participant_deletes_their_own_share_and_the_audit_keeps_it(world, campaign, share):
    pk = share.pk

    services.share_delete(actor=world["member"], share=share)

    assert Share.objects.count() == 0
    assert list(
        AuditEntry.objects.filter(action="delete", model="advocacy.Share", object_pk=str(pk)).values_list(
            "changes", flat=True
        )
    ) == [
        {
            "campaign": campaign.pk,
            "person": "A2",
            "channel": "朋友圈",
            "link": "https://example.com/s/1",
            "reach": 80,
            "shared_on": "2026-01-05",
        }
    ]


def test_the_branch_deletes_a_members_share_but_a_colleague_cannot(world, campaign, share):
    colleague = account("mem3", password="x-pass-2026", person=world["m3"])

    with pytest.raises(PermissionDenied):
        services.share_delete(actor=colleague, share=share)
    kept = Share.objects.filter(pk=share.pk).exists()
    services.share_delete(actor=world["secretary"], share=share)

    assert kept is True
    assert Share.objects.count() == 0


def test_deleting_is_confirmed_on_its_page_and_done_by_the_post(client, world, campaign, share, outsider):
    url = reverse("advocacy:share_delete", args=[share.pk])
    detail_url = reverse("advocacy:campaign", args=[campaign.pk])
    colleague = account("mem3", password="x-pass-2026", person=world["m3"])
    client.force_login(colleague)
    colleague_detail = client.get(detail_url).content.decode()
    colleague_post = client.post(url)
    client.force_login(outsider)
    hidden = client.post(url)
    client.force_login(world["member"])
    detail = client.get(detail_url).content.decode()
    confirm = client.get(url)
    after_get = Share.objects.filter(pk=share.pk).exists()
    response = client.post(url)

    assert "https://example.com/s/1" in colleague_detail  # the branch's shares are visible
    assert url not in colleague_detail
    assert (colleague_post.status_code, hidden.status_code) == (403, 404)
    assert f'href="{url}"' in detail
    assert "确认删除" in confirm.content.decode()
    assert "2026-01-05" in confirm.content.decode()
    assert after_get is True
    assert (response.status_code, response.url) == (302, detail_url)
    assert Share.objects.count() == 0


def test_api_deletes_a_share(client, world, share, outsider):
    colleague = account("mem3", password="x-pass-2026", person=world["m3"])
    path = f"shares/{share.pk}"

    refused = _api(client, colleague, "delete", path)
    hidden = _api(client, outsider, "delete", path)
    kept = Share.objects.filter(pk=share.pk).exists()
    response = _api(client, world["member"], "delete", path)
    again = _api(client, world["member"], "delete", path)

    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert hidden.status_code == 404
    assert kept is True
    assert response.status_code == 204
    assert again.status_code == 404
    assert Share.objects.count() == 0
